//! OpenID Connect ID tokens for direct mode: decoding, and every check made before a claim
//! is trusted (the signature itself is verified by the browser layer with WebCrypto, over
//! the `signing_input` this returns).

use super::record::Record;
use alloc::string::String;
use alloc::vec::Vec;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;

mod claims;

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct JwtHeader {
    pub alg: String,
    #[serde(default)]
    pub kid: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct IdTokenClaims {
    pub iss: String,
    pub sub: String,
    aud: Audience,
    pub exp: f64,
    pub iat: f64,
    pub nonce: Option<String>,
    pub azp: Option<String>,
    /// The other claims whose values are strings, in the token's order.
    other: Vec<(String, String)>,
}

impl IdTokenClaims {
    fn audiences(&self) -> Vec<&str> {
        match &self.aud {
            Audience::One(a) => alloc::vec![a.as_str()],
            Audience::Many(a) => a.iter().map(String::as_str).collect(),
        }
    }

    /// A string claim other than the registered ones (`email`, `name`, `preferred_username`…).
    pub fn string(&self, name: &str) -> Option<&str> {
        match name {
            "sub" => Some(&self.sub),
            "iss" => Some(&self.iss),
            _ => self.other.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    pub header: JwtHeader,
    pub claims: IdTokenClaims,
    /// `base64url(header) "." base64url(payload)`: what the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

/// Which check an ID token failed; the name is reported to the app as the error's `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenError {
    Malformed,
    UnsupportedAlgorithm,
    Issuer,
    Audience,
    AuthorizedParty,
    Expired,
    IssuedInTheFuture,
    Nonce,
    UnknownKey,
    Signature,
}

impl IdTokenError {
    pub fn check(self) -> &'static str {
        match self {
            IdTokenError::Malformed => "format",
            IdTokenError::UnsupportedAlgorithm => "alg",
            IdTokenError::Issuer => "iss",
            IdTokenError::Audience => "aud",
            IdTokenError::AuthorizedParty => "azp",
            IdTokenError::Expired => "exp",
            IdTokenError::IssuedInTheFuture => "iat",
            IdTokenError::Nonce => "nonce",
            IdTokenError::UnknownKey => "kid",
            IdTokenError::Signature => "signature",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            IdTokenError::Malformed => "ID token rejected: not a signed JWT",
            IdTokenError::UnsupportedAlgorithm => "ID token rejected: signing algorithm not supported (RS256, ES256)",
            IdTokenError::Issuer => "ID token rejected: issuer does not match the provider",
            IdTokenError::Audience => "ID token rejected: audience does not include this client",
            IdTokenError::AuthorizedParty => "ID token rejected: authorized party is not this client",
            IdTokenError::Expired => "ID token rejected: expired",
            IdTokenError::IssuedInTheFuture => "ID token rejected: issued in the future",
            IdTokenError::Nonce => "ID token rejected: nonce does not match this sign-in",
            IdTokenError::UnknownKey => "ID token rejected: no provider key matches its kid",
            IdTokenError::Signature => "ID token rejected: signature does not verify",
        }
    }
}

/// The algorithms the browser layer can verify with WebCrypto.
pub const SUPPORTED_ALGORITHMS: [&str; 2] = ["RS256", "ES256"];

fn part<T: serde::de::DeserializeOwned>(b64: &str) -> Result<T, IdTokenError> {
    let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|_| IdTokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| IdTokenError::Malformed)
}

pub fn decode(token: &str) -> Result<DecodedJwt, IdTokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(IdTokenError::Malformed);
    };
    let header: JwtHeader = part(h)?;
    if !SUPPORTED_ALGORITHMS.contains(&header.alg.as_str()) {
        return Err(IdTokenError::UnsupportedAlgorithm);
    }
    let claims: IdTokenClaims = part(p)?;
    let signature = URL_SAFE_NO_PAD.decode(s).map_err(|_| IdTokenError::Malformed)?;
    let mut signing_input = String::with_capacity(h.len() + p.len() + 1);
    signing_input.push_str(h);
    signing_input.push('.');
    signing_input.push_str(p);
    Ok(DecodedJwt {
        header,
        claims,
        signing_input,
        signature,
    })
}

/// What an ID token must match (OpenID Connect Core 3.1.3.7).
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The nonce sent with this sign-in; `None` for tokens from a refresh, which carry none.
    pub nonce: Option<&'a str>,
    pub now_s: f64,
    pub leeway_s: f64,
}

pub fn validate(claims: &IdTokenClaims, expected: &Expected<'_>) -> Result<(), IdTokenError> {
    if claims.iss != expected.issuer {
        return Err(IdTokenError::Issuer);
    }
    let audiences = claims.audiences();
    if !audiences.contains(&expected.client_id) {
        return Err(IdTokenError::Audience);
    }
    let azp_required = audiences.len() > 1;
    match claims.azp.as_deref() {
        Some(azp) if azp != expected.client_id => return Err(IdTokenError::AuthorizedParty),
        None if azp_required => return Err(IdTokenError::AuthorizedParty),
        _ => {}
    }
    if claims.exp + expected.leeway_s <= expected.now_s {
        return Err(IdTokenError::Expired);
    }
    if claims.iat - expected.leeway_s > expected.now_s {
        return Err(IdTokenError::IssuedInTheFuture);
    }
    if let Some(nonce) = expected.nonce {
        if claims.nonce.as_deref() != Some(nonce) {
            return Err(IdTokenError::Nonce);
        }
    }
    Ok(())
}

/// `user:<namespace>/<value of claim, or sub>`, lower-cased and limited to the characters
/// Backstage entity names allow.
pub fn user_entity_ref(claims: &IdTokenClaims, claim: &str, namespace: &str) -> String {
    let raw = claims.string(claim).unwrap_or(&claims.sub);
    let raw = raw.split('@').next().unwrap_or(raw);
    let mut out = String::from("user:");
    out.push_str(namespace);
    out.push('/');
    for c in raw.chars() {
        let c = c.to_ascii_lowercase();
        out.push(if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            c
        } else {
            '-'
        });
    }
    out
}

/// The JWKS key for a token with this header: by `kid`, else the only key of the token's
/// algorithm family. Several candidates are as good as none: guessing could pick a key
/// the provider did not sign with.
pub fn select_key<R: Record>(jwks: &R, header: &JwtHeader) -> Result<R, IdTokenError> {
    let kty = if header.alg.starts_with("RS") { "RSA" } else { "EC" };
    let field = |k: &R, name| k.field(name).and_then(|v| v.string());
    let mut found = None;
    for key in jwks.field("keys").map(|k| k.items()).unwrap_or_default() {
        let kid_matches = header
            .kid
            .as_ref()
            .is_none_or(|kid| field(&key, "kid").as_ref() == Some(kid));
        if kid_matches && field(&key, "kty").as_deref() == Some(kty) {
            if found.is_some() {
                return Err(IdTokenError::UnknownKey);
            }
            found = Some(key);
        }
    }
    found.ok_or(IdTokenError::UnknownKey)
}

/// Why an authorization response (the callback's query) was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackError {
    /// `state` is missing or belongs to another sign-in: forged, replayed, or mixed up.
    State,
    /// `iss` names another provider, or is missing from a provider that sends it (RFC 9207):
    /// a mix-up attack, the answer of one provider passed off as another's.
    Issuer,
    /// The provider refused (`error`, with its `error_description` when given).
    Provider(String),
    NoCode,
}

/// Which `iss` an authorization response must carry (RFC 9207 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IssuerRule<'a> {
    /// The issuer the request went to.
    pub issuer: &'a str,
    /// The provider advertises `authorization_response_iss_parameter_supported`: a response
    /// without `iss` is refused.
    pub required: bool,
}

/// The `code` of an authorization response, once its `state` is the one this sign-in sent
/// (RFC 6749 10.12) and its `iss` the provider's (RFC 9207). The state is checked before
/// anything else, the provider's error included, so that a forged response cannot even
/// inject a message; `iss` next, since error responses carry it too.
pub fn authorization_code(query: &str, expected_state: &str, issuer: IssuerRule<'_>) -> Result<String, CallbackError> {
    let (mut code, mut state, mut iss, mut error, mut description) = (None, None, None, None, None);
    for (k, v) in oauth2::url::form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        let slot = match k.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "iss" => &mut iss,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        *slot = Some(v.into_owned());
    }
    if state.as_deref() != Some(expected_state) {
        return Err(CallbackError::State);
    }
    // Simple string comparison (RFC 3986 6.2.1), as the RFC asks: no normalisation.
    match iss.as_deref() {
        Some(iss) if iss != issuer.issuer => return Err(CallbackError::Issuer),
        None if issuer.required => return Err(CallbackError::Issuer),
        _ => {}
    }
    if let Some(error) = error {
        return Err(CallbackError::Provider(match description {
            Some(d) => [error.as_str(), ": ", &d].concat(),
            None => error,
        }));
    }
    code.ok_or(CallbackError::NoCode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    fn b64(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn token(header: &str, claims: &str) -> String {
        format!(
            "{}.{}.{}",
            b64(header),
            b64(claims),
            URL_SAFE_NO_PAD.encode([1u8, 2, 3])
        )
    }

    const CLAIMS: &str = r#"{"iss":"http://idp","sub":"alice","aud":"app","exp":2000,"iat":1000,"nonce":"n1","email":"Alice@Example.test","preferred_username":"Alice Smith"}"#;

    fn expected(now_s: f64) -> Expected<'static> {
        Expected {
            issuer: "http://idp",
            client_id: "app",
            nonce: Some("n1"),
            now_s,
            leeway_s: 30.0,
        }
    }

    #[test]
    fn decodes_header_claims_and_signing_input() {
        let t = token(r#"{"alg":"RS256","kid":"k1"}"#, CLAIMS);
        let d = decode(&t).unwrap();
        assert_eq!(d.header.kid.as_deref(), Some("k1"));
        assert_eq!(d.claims.sub, "alice");
        assert_eq!(d.claims.string("email"), Some("Alice@Example.test"));
        assert_eq!(d.signing_input, t.rsplit_once('.').unwrap().0);
        assert_eq!(d.signature, [1, 2, 3]);
    }

    #[test]
    fn refuses_malformed_and_unsupported_tokens() {
        assert_eq!(decode("a.b"), Err(IdTokenError::Malformed));
        assert_eq!(decode("a.b.c.d"), Err(IdTokenError::Malformed));
        assert_eq!(
            decode(&token(r#"{"alg":"none"}"#, CLAIMS)),
            Err(IdTokenError::UnsupportedAlgorithm)
        );
        assert_eq!(
            decode(&token(r#"{"alg":"HS256"}"#, CLAIMS)),
            Err(IdTokenError::UnsupportedAlgorithm)
        );
        assert_eq!(decode(&token(r#"{"alg":"ES256"}"#, "{}")), Err(IdTokenError::Malformed));
        assert_eq!(
            decode(&format!("{}.!!.x", b64(r#"{"alg":"RS256"}"#))),
            Err(IdTokenError::Malformed)
        );
    }

    #[test]
    fn each_check_is_named_when_it_fails() {
        let c = decode(&token(r#"{"alg":"RS256"}"#, CLAIMS)).unwrap().claims;
        assert_eq!(validate(&c, &expected(1500.0)), Ok(()));
        let mut e = expected(1500.0);
        e.issuer = "http://other";
        assert_eq!(validate(&c, &e), Err(IdTokenError::Issuer));
        let mut e = expected(1500.0);
        e.client_id = "other";
        assert_eq!(validate(&c, &e), Err(IdTokenError::Audience));
        assert_eq!(validate(&c, &expected(2030.0)), Err(IdTokenError::Expired));
        assert_eq!(validate(&c, &expected(2029.0)), Ok(()), "within the leeway");
        assert_eq!(validate(&c, &expected(960.0)), Err(IdTokenError::IssuedInTheFuture));
        let mut e = expected(1500.0);
        e.nonce = Some("replayed");
        assert_eq!(validate(&c, &e), Err(IdTokenError::Nonce));
        let mut e = expected(1500.0);
        e.nonce = None;
        assert_eq!(validate(&c, &e), Ok(()), "refreshed tokens carry no nonce to check");
        assert_eq!(IdTokenError::Nonce.check(), "nonce");
    }

    #[test]
    fn several_audiences_need_this_client_as_authorized_party() {
        let many = r#"{"iss":"http://idp","sub":"s","aud":["app","api"],"exp":2000,"iat":1000,"nonce":"n1"}"#;
        let c = decode(&token(r#"{"alg":"ES256"}"#, many)).unwrap().claims;
        assert_eq!(validate(&c, &expected(1500.0)), Err(IdTokenError::AuthorizedParty));
        let with_azp = many.replace("\"nonce\"", "\"azp\":\"app\",\"nonce\"");
        let c = decode(&token(r#"{"alg":"ES256"}"#, &with_azp)).unwrap().claims;
        assert_eq!(validate(&c, &expected(1500.0)), Ok(()));
        let other_azp = many.replace("\"nonce\"", "\"azp\":\"api\",\"nonce\"");
        let c = decode(&token(r#"{"alg":"ES256"}"#, &other_azp)).unwrap().claims;
        assert_eq!(validate(&c, &expected(1500.0)), Err(IdTokenError::AuthorizedParty));
    }

    /// A provider that does not advertise RFC 9207, and the `iss` it sent, if any.
    const ANY: IssuerRule<'static> = IssuerRule {
        issuer: "http://idp",
        required: false,
    };
    const REQUIRED: IssuerRule<'static> = IssuerRule {
        issuer: "http://idp",
        required: true,
    };

    #[test]
    fn takes_the_code_only_with_this_sign_ins_state() {
        let code = |q: &str, state: &str| authorization_code(q, state, ANY);
        assert_eq!(code("?code=c1&state=s1&iss=http%3A%2F%2Fidp", "s1"), Ok("c1".into()));
        assert_eq!(code("code=c%2F1&state=s1", "s1"), Ok("c/1".into()));
        assert_eq!(code("?code=c1&state=old", "s1"), Err(CallbackError::State));
        assert_eq!(code("?code=c1", "s1"), Err(CallbackError::State));
        assert_eq!(
            code("?error=access_denied&state=evil&error_description=x", "s1"),
            Err(CallbackError::State),
            "a forged error is refused like a forged code"
        );
        assert_eq!(
            code(
                "?error=login_required&error_description=End-User+authentication+is+required&state=s1",
                "s1"
            ),
            Err(CallbackError::Provider(
                "login_required: End-User authentication is required".into()
            ))
        );
        assert_eq!(
            code("?error=access_denied&state=s1", "s1"),
            Err(CallbackError::Provider("access_denied".into()))
        );
        assert_eq!(code("?state=s1", "s1"), Err(CallbackError::NoCode));
    }

    #[test]
    fn refuses_an_answer_from_another_issuer() {
        // RFC 9207 2.4: a present `iss` must match, whatever the provider advertises.
        for rule in [ANY, REQUIRED] {
            let code = |q: &str| authorization_code(q, "s1", rule);
            assert_eq!(code("?code=c1&state=s1&iss=http%3A%2F%2Fidp"), Ok("c1".into()));
            assert_eq!(
                code("?code=c1&state=s1&iss=http%3A%2F%2Fevil"),
                Err(CallbackError::Issuer)
            );
            // Simple string comparison: a trailing slash or another case is another issuer.
            assert_eq!(
                code("?code=c1&state=s1&iss=http%3A%2F%2Fidp%2F"),
                Err(CallbackError::Issuer)
            );
            assert_eq!(
                code("?code=c1&state=s1&iss=HTTP%3A%2F%2Fidp"),
                Err(CallbackError::Issuer)
            );
            assert_eq!(code("?code=c1&state=s1&iss="), Err(CallbackError::Issuer));
            // The provider's error carries `iss` too, and is checked the same way.
            assert_eq!(
                code("?error=access_denied&state=s1&iss=http%3A%2F%2Fevil"),
                Err(CallbackError::Issuer)
            );
            // `state` still comes first: a forged answer learns nothing more.
            assert_eq!(
                code("?code=c1&state=s2&iss=http%3A%2F%2Fevil"),
                Err(CallbackError::State)
            );
        }
        // Missing: refused only from a provider that advertises sending it.
        assert_eq!(authorization_code("?code=c1&state=s1", "s1", ANY), Ok("c1".into()));
        assert_eq!(
            authorization_code("?code=c1&state=s1", "s1", REQUIRED),
            Err(CallbackError::Issuer)
        );
    }

    #[test]
    fn maps_identity_from_a_claim_or_sub() {
        let c = decode(&token(r#"{"alg":"RS256"}"#, CLAIMS)).unwrap().claims;
        assert_eq!(
            user_entity_ref(&c, "preferred_username", "default"),
            "user:default/alice-smith"
        );
        assert_eq!(user_entity_ref(&c, "email", "corp"), "user:corp/alice");
        assert_eq!(user_entity_ref(&c, "missing", "default"), "user:default/alice");
    }

    #[test]
    fn selects_the_key_by_kid_or_the_only_one_of_its_family() {
        use crate::core::record::testing::{obj, s, Value};
        let key = |kty: &str, kid: &str| obj(&[("kty", s(kty)), ("kid", s(kid))]);
        let jwks = obj(&[(
            "keys",
            Value::Arr(alloc::vec![key("RSA", "r1"), key("EC", "e1"), key("EC", "e2")]),
        )]);
        let header = |alg: &str, kid: Option<&str>| JwtHeader {
            alg: alg.into(),
            kid: kid.map(Into::into),
        };
        assert_eq!(select_key(&jwks, &header("RS256", None)), Ok(key("RSA", "r1")));
        assert_eq!(select_key(&jwks, &header("ES256", Some("e2"))), Ok(key("EC", "e2")));
        assert_eq!(
            select_key(&jwks, &header("ES256", None)),
            Err(IdTokenError::UnknownKey),
            "two EC keys"
        );
        assert_eq!(
            select_key(&jwks, &header("RS256", Some("e1"))),
            Err(IdTokenError::UnknownKey),
            "kid of another family"
        );
        assert_eq!(
            select_key(&obj(&[("keys", s("RSA"))]), &header("RS256", None)),
            Err(IdTokenError::UnknownKey)
        );
    }
}
