//! Structured inputs for the fuzz targets. libFuzzer mutates bytes; `arbitrary` turns them
//! into JSON-like values whose keys and strings are mostly the ones the parsers look for,
//! so that mutations reach past the first missing field instead of dying on it.

use arbitrary::{Arbitrary, Unstructured};
use backstage_oauth2_wasm::core::discovery::{DISCOVERY_KEYS, OPTION_KEYS};
use backstage_oauth2_wasm::core::record::testing::Value;
use std::sync::LazyLock;

/// Every field name a reader of outside input looks up (the discovery readers' own lists
/// included, from the crate).
pub static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut keys = vec![
        "type",
        "response",
        "error",
        "name",
        "message",
        "targetOrigin",
        "providerInfo",
        "accessToken",
        "idToken",
        "scope",
        "expiresInSeconds",
        "expiresAt",
        "profile",
        "email",
        "displayName",
        "picture",
        "backstageIdentity",
        "token",
        "identity",
        "userEntityRef",
        "ownershipEntityRefs",
        "v",
        "tab",
        "since",
        "session",
        "signedOutAt",
        "keys",
        "kty",
        "kid",
        "alg",
    ];
    keys.extend(DISCOVERY_KEYS.iter().chain(&OPTION_KEYS));
    keys
});

/// Strings with a meaning to some reader.
pub const WORDS: &[&str] = &[
    "authorization_response",
    "config_info",
    "backstage-oauth2-wasm/1",
    "AuthenticationError",
    "NotAllowedError",
    "Error",
    "user",
    "user:default/alice",
    "openid profile email",
    "openid",
    "RSA",
    "EC",
    "RS256",
    "ES256",
    "",
    "http://127.0.0.1:3000",
    "*",
    "2026-12-01T00:00:00Z",
    "k1",
    "\u{0}",
    "a b,c\td",
];

#[derive(Debug)]
pub struct Json(pub Value);

impl<'a> Arbitrary<'a> for Json {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        value(u, 0).map(Json)
    }
}

fn pick<'a>(u: &mut Unstructured<'a>, list: &[&str]) -> arbitrary::Result<String> {
    Ok(if u.ratio(3, 4)? {
        String::from(*u.choose(list)?)
    } else {
        String::arbitrary(u)?
    })
}

fn number(u: &mut Unstructured<'_>) -> arbitrary::Result<f64> {
    Ok(match u.int_in_range(0..=5)? {
        0 => f64::NAN,
        1 => f64::INFINITY,
        2 => -0.0,
        3 => f64::from(i16::arbitrary(u)?),
        4 => 1.7e12 + f64::from(u32::arbitrary(u)?),
        _ => f64::arbitrary(u)?,
    })
}

/// Nesting is capped so that one input stays cheap; the readers go no deeper than 3.
fn value(u: &mut Unstructured<'_>, depth: u32) -> arbitrary::Result<Value> {
    let leaf = depth >= 6 || u.is_empty();
    Ok(match u.int_in_range(0..=if leaf { 4 } else { 6 })? {
        0 => Value::Undefined,
        1 => Value::Null,
        2 => Value::Bool(bool::arbitrary(u)?),
        3 => Value::Num(number(u)?),
        4 => Value::Str(pick(u, WORDS)?),
        5 => {
            let n = u.int_in_range(0..=4)?;
            Value::Arr((0..n).map(|_| value(u, depth + 1)).collect::<Result<_, _>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=8)?;
            let mut fields = Vec::with_capacity(n);
            for _ in 0..n {
                fields.push((pick(u, &KEYS)?, value(u, depth + 1)?));
            }
            Value::Obj(fields)
        }
    })
}

/// A string that is mostly made of the characters a parser treats specially.
pub fn text(u: &mut Unstructured<'_>, specials: &[char]) -> arbitrary::Result<String> {
    let n = u.int_in_range(0..=64)?;
    let mut out = String::new();
    for _ in 0..n {
        if u.ratio(2, 3)? {
            out.push(*u.choose(specials)?);
        } else {
            out.push(char::arbitrary(u)?);
        }
    }
    Ok(out)
}

/// `value` as JSON text (`undefined` as `null`), for readers that take a document's bytes.
pub fn to_json(value: &Value, out: &mut String) {
    match value {
        Value::Undefined | Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Num(n) if n.is_finite() => out.push_str(&n.to_string()),
        Value::Num(_) => out.push_str("1e999"),
        Value::Str(s) => string(s, out),
        Value::Arr(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                to_json(v, out);
            }
            out.push(']');
        }
        Value::Obj(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                to_json(v, out);
            }
            out.push('}');
        }
    }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}
