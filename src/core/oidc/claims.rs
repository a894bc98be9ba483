//! Reading an ID token's claims. By hand rather than derived: a derive would take the other
//! claims with `flatten` into a `serde_json::Value` map and `aud` as an `untagged` enum, and
//! each goes through a buffered copy of the document; this reads the claims in one pass, with
//! any deserializer.

use super::{Audience, IdTokenClaims};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::de::{Deserialize, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};

impl<'de> Deserialize<'de> for IdTokenClaims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ClaimsVisitor)
    }
}

/// A registered claim given twice is refused: the provider's parser may have read the other.
fn once<T, E: Error>(slot: &mut Option<T>, value: T, name: &'static str) -> Result<(), E> {
    if slot.replace(value).is_some() {
        return Err(E::duplicate_field(name));
    }
    Ok(())
}

struct ClaimsVisitor;

impl<'de> Visitor<'de> for ClaimsVisitor {
    type Value = IdTokenClaims;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the claims of an ID token")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdTokenClaims, A::Error> {
        let (mut iss, mut sub, mut aud, mut exp, mut iat) = (None, None, None, None, None);
        let (mut nonce, mut azp) = (None, None);
        let mut other = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "iss" => once(&mut iss, map.next_value()?, "iss")?,
                "sub" => once(&mut sub, map.next_value()?, "sub")?,
                "aud" => once(&mut aud, map.next_value()?, "aud")?,
                "exp" => once(&mut exp, map.next_value()?, "exp")?,
                "iat" => once(&mut iat, map.next_value()?, "iat")?,
                "nonce" => once(&mut nonce, map.next_value::<Option<String>>()?, "nonce")?,
                "azp" => once(&mut azp, map.next_value::<Option<String>>()?, "azp")?,
                _ => {
                    if let StringClaim(Some(value)) = map.next_value()? {
                        other.push((key, value));
                    }
                }
            }
        }
        Ok(IdTokenClaims {
            iss: iss.ok_or_else(|| A::Error::missing_field("iss"))?,
            sub: sub.ok_or_else(|| A::Error::missing_field("sub"))?,
            aud: aud.ok_or_else(|| A::Error::missing_field("aud"))?,
            exp: exp.ok_or_else(|| A::Error::missing_field("exp"))?,
            iat: iat.ok_or_else(|| A::Error::missing_field("iat"))?,
            nonce: nonce.flatten(),
            azp: azp.flatten(),
            other,
        })
    }
}

/// `aud`: one audience as a string, or several as an array of strings (RFC 7519 4.1.3).
impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AudienceVisitor;
        impl<'de> Visitor<'de> for AudienceVisitor {
            type Value = Audience;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<Audience, E> {
                Ok(Audience::One(v.into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Audience, A::Error> {
                let mut all = Vec::new();
                while let Some(one) = seq.next_element()? {
                    all.push(one);
                }
                Ok(Audience::Many(all))
            }
        }
        d.deserialize_any(AudienceVisitor)
    }
}

/// Any claim's value: its string, or nothing for every other JSON value (which is skipped).
struct StringClaim(Option<String>);

impl<'de> Deserialize<'de> for StringClaim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AnyVisitor;
        impl<'de> Visitor<'de> for AnyVisitor {
            type Value = StringClaim;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<StringClaim, E> {
                Ok(StringClaim(Some(v.into())))
            }
            fn visit_bool<E: Error>(self, _: bool) -> Result<StringClaim, E> {
                Ok(StringClaim(None))
            }
            fn visit_i64<E: Error>(self, _: i64) -> Result<StringClaim, E> {
                Ok(StringClaim(None))
            }
            fn visit_u64<E: Error>(self, _: u64) -> Result<StringClaim, E> {
                Ok(StringClaim(None))
            }
            fn visit_f64<E: Error>(self, _: f64) -> Result<StringClaim, E> {
                Ok(StringClaim(None))
            }
            fn visit_unit<E: Error>(self) -> Result<StringClaim, E> {
                Ok(StringClaim(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringClaim, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(StringClaim(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StringClaim, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(StringClaim(None))
            }
        }
        d.deserialize_any(AnyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn read(json: &str) -> Result<IdTokenClaims, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn reads_registered_claims_and_keeps_only_string_others() {
        let c = read(
            r#"{"iss":"i","sub":"s","aud":["a","b"],"exp":2000.5,"iat":1000,"nonce":null,"azp":"a",
                "email":"e@x","n":1,"t":true,"z":null,"deep":{"email":"no","x":[1,{"y":2}]},"list":["no"],"name":"N"}"#,
        )
        .unwrap();
        assert_eq!(
            (c.iss.as_str(), c.sub.as_str(), c.exp, c.iat),
            ("i", "s", 2000.5, 1000.0)
        );
        assert_eq!(c.aud, Audience::Many(alloc::vec!["a".into(), "b".into()]));
        assert_eq!((c.nonce, c.azp.as_deref()), (None, Some("a")));
        assert_eq!(c.other, [("email".into(), "e@x".into()), ("name".into(), "N".into())]);
        assert_eq!(
            read(r#"{"iss":"i","sub":"s","aud":"a","exp":1,"iat":1}"#).unwrap().aud,
            Audience::One("a".into())
        );
    }

    #[test]
    fn refuses_missing_mistyped_and_repeated_registered_claims() {
        let base = r#""iss":"i","sub":"s","aud":"a","exp":1,"iat":1"#;
        for (json, why) in [
            (
                r#"{"iss":"i","sub":"s","aud":"a","exp":1}"#.into(),
                "missing field `iat`",
            ),
            ([r#"{"#, base, r#","iss":"j"}"#].concat(), "duplicate field `iss`"),
            (
                base.replace(r#""aud":"a""#, r#""aud":1"#)
                    .replace("\"iss\"", "{\"iss\"")
                    + "}",
                "invalid type",
            ),
            (
                base.replace(r#""aud":"a""#, r#""aud":["a",1]"#)
                    .replace("\"iss\"", "{\"iss\"")
                    + "}",
                "invalid type",
            ),
            (
                base.replace(r#""exp":1"#, r#""exp":"1""#)
                    .replace("\"iss\"", "{\"iss\"")
                    + "}",
                "invalid type",
            ),
            (
                base.replace(r#""sub":"s""#, r#""sub":null"#)
                    .replace("\"iss\"", "{\"iss\"")
                    + "}",
                "invalid type",
            ),
            ("[1]".into(), "invalid type"),
        ] {
            let e = read(&json).unwrap_err().to_string();
            assert!(e.starts_with(why), "{json}: {e}");
        }
    }
}
