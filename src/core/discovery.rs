//! A provider's endpoints for direct mode, read from its discovery document (OpenID Connect
//! Discovery 1.0, section 3) or from the connector's options, without trusting either.

use super::record::Record;
use alloc::string::String;

/// The provider's endpoints, from discovery or given explicitly.
#[derive(Clone, Debug, PartialEq)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    pub end_session_endpoint: Option<String>,
    pub userinfo_endpoint: Option<String>,
}

/// Where [`Metadata`]'s fields are, in its order: the options' names, and the discovery
/// document's.
pub const OPTION_KEYS: [&str; 6] = [
    "issuer",
    "authorizationEndpoint",
    "tokenEndpoint",
    "jwksUri",
    "endSessionEndpoint",
    "userinfoEndpoint",
];
pub const DISCOVERY_KEYS: [&str; 6] = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "end_session_endpoint",
    "userinfo_endpoint",
];

/// A non-empty string under `key`.
pub fn string_field<R: Record>(source: &R, key: &str) -> Option<String> {
    source.field(key)?.string().filter(|s| !s.is_empty())
}

/// The endpoints `source` holds under `keys`, or the key of the first required one missing.
pub fn read_metadata<R: Record>(source: &R, keys: [&'static str; 6]) -> Result<Metadata, &'static str> {
    let required = |i: usize| string_field(source, keys[i]).ok_or(keys[i]);
    Ok(Metadata {
        issuer: required(0)?,
        authorization_endpoint: required(1)?,
        token_endpoint: required(2)?,
        jwks_uri: required(3)?,
        end_session_endpoint: string_field(source, keys[4]),
        userinfo_endpoint: string_field(source, keys[5]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::testing::{obj, s, Value};

    #[test]
    fn reads_the_endpoints_and_names_the_first_missing_one() {
        let doc = obj(&[
            ("issuer", s("http://idp")),
            ("authorization_endpoint", s("http://idp/auth")),
            ("token_endpoint", s("http://idp/token")),
            ("jwks_uri", s("http://idp/jwks")),
            ("userinfo_endpoint", Value::Num(1.0)),
        ]);
        let m = read_metadata(&doc, DISCOVERY_KEYS).unwrap();
        assert_eq!(m.jwks_uri, "http://idp/jwks");
        assert_eq!((m.end_session_endpoint, m.userinfo_endpoint), (None, None));
        let no_token = obj(&[
            ("issuer", s("http://idp")),
            ("authorization_endpoint", s("x")),
            ("token_endpoint", s("")),
        ]);
        assert_eq!(read_metadata(&no_token, DISCOVERY_KEYS), Err("token_endpoint"));
        assert_eq!(read_metadata(&Value::Null, DISCOVERY_KEYS), Err("issuer"));
    }
}
