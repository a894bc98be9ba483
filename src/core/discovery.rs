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
    /// Where to push an authorization request first (RFC 9126).
    pub par_endpoint: Option<String>,
    /// The provider takes authorization requests only pushed (RFC 9126 5).
    pub require_par: bool,
    /// The provider puts `iss` in every authorization response (RFC 9207 3): one without it
    /// is refused.
    pub iss_parameter: bool,
}

/// Where [`Metadata`]'s fields are, in its order: the options' names, and the discovery
/// document's.
pub const OPTION_KEYS: Keys = [
    "issuer",
    "authorizationEndpoint",
    "tokenEndpoint",
    "jwksUri",
    "endSessionEndpoint",
    "userinfoEndpoint",
    "pushedAuthorizationRequestEndpoint",
    "requirePushedAuthorizationRequests",
    "authorizationResponseIssParameterSupported",
];
pub const DISCOVERY_KEYS: Keys = [
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "end_session_endpoint",
    "userinfo_endpoint",
    "pushed_authorization_request_endpoint",
    "require_pushed_authorization_requests",
    "authorization_response_iss_parameter_supported",
];
pub type Keys = [&'static str; 9];

/// A non-empty string under `key`.
pub fn string_field<R: Record>(source: &R, key: &str) -> Option<String> {
    source.field(key)?.string().filter(|s| !s.is_empty())
}

/// The endpoints `source` holds under `keys`, or the key of the first required one missing.
pub fn read_metadata<R: Record>(source: &R, keys: Keys) -> Result<Metadata, &'static str> {
    let required = |i: usize| string_field(source, keys[i]).ok_or(keys[i]);
    // Only a JSON `true` turns a requirement on: anything else is the RFCs' default, false.
    let flag = |i: usize| source.field(keys[i]).and_then(|v| v.boolean()) == Some(true);
    Ok(Metadata {
        issuer: required(0)?,
        authorization_endpoint: required(1)?,
        token_endpoint: required(2)?,
        jwks_uri: required(3)?,
        end_session_endpoint: string_field(source, keys[4]),
        userinfo_endpoint: string_field(source, keys[5]),
        par_endpoint: string_field(source, keys[6]),
        require_par: flag(7),
        iss_parameter: flag(8),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::testing::{obj, s, Value};
    use alloc::vec;

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

    #[test]
    fn reads_the_par_and_iss_capabilities_only_from_a_json_true() {
        let with = |extra: &[(&str, Value)]| {
            let mut fields = vec![
                ("issuer", s("http://idp")),
                ("authorization_endpoint", s("http://idp/auth")),
                ("token_endpoint", s("http://idp/token")),
                ("jwks_uri", s("http://idp/jwks")),
            ];
            fields.extend_from_slice(extra);
            read_metadata(&obj(&fields), DISCOVERY_KEYS).unwrap()
        };
        let plain = with(&[]);
        assert_eq!(
            (plain.par_endpoint, plain.require_par, plain.iss_parameter),
            (None, false, false)
        );
        let m = with(&[
            ("pushed_authorization_request_endpoint", s("http://idp/par")),
            ("require_pushed_authorization_requests", Value::Bool(true)),
            ("authorization_response_iss_parameter_supported", Value::Bool(true)),
        ]);
        assert_eq!(m.par_endpoint.as_deref(), Some("http://idp/par"));
        assert!(m.require_par && m.iss_parameter);
        let odd = with(&[
            ("require_pushed_authorization_requests", s("true")),
            ("authorization_response_iss_parameter_supported", Value::Num(1.0)),
        ]);
        assert!(!odd.require_par && !odd.iss_parameter);
    }
}
