//! The auth backend's answers (`/refresh` bodies and popup messages), validated before
//! anything in them is used. Where core-app-api would crash on a field access, this
//! returns [`InvalidResponse`] instead; where it tolerates a gap, so does this.

use super::record::Record;
use alloc::string::String;

/// `providerInfo` as sent by the backend; tokens stay in the caller's representation
/// so the browser can hand the very same JS strings back to the app.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderInfo<R> {
    pub id_token: Option<R>,
    pub access_token: Option<R>,
    /// Raw `scope`: a string, or an array from unusual backends; normalised by the caller
    /// because `scopeTransform` is a JS function.
    pub scope: Option<R>,
    pub expires_in_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BackstageIdentity<R> {
    pub token: Option<R>,
    pub identity: Option<R>,
    pub expires_in_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthResponse<R> {
    pub profile: Option<R>,
    pub provider_info: ProviderInfo<R>,
    pub backstage_identity: Option<BackstageIdentity<R>>,
}

/// An error the backend reported in a JSON `error` object, re-raised with its `name`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemoteError {
    pub name: Option<String>,
    pub message: Option<String>,
}

/// Why a response was refused. The messages are part of the public behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidResponse {
    NotAnObject,
    MissingProviderInfo,
    BadExpiresIn,
}

impl InvalidResponse {
    pub fn message(self) -> &'static str {
        match self {
            InvalidResponse::NotAnObject => "Invalid auth response: expected a JSON object",
            InvalidResponse::MissingProviderInfo => "Invalid auth response: missing providerInfo",
            InvalidResponse::BadExpiresIn => "Invalid auth response: expiresInSeconds is not a number",
        }
    }
}

fn seconds<R: Record>(r: &R) -> Result<Option<f64>, InvalidResponse> {
    match r.field("expiresInSeconds") {
        None => Ok(None),
        Some(v) => v.number().map(Some).ok_or(InvalidResponse::BadExpiresIn),
    }
}

/// The `response` object of a popup or a `/refresh` body.
pub fn parse_auth_response<R: Record>(r: &R) -> Result<AuthResponse<R>, InvalidResponse> {
    if !r.is_object() {
        return Err(InvalidResponse::NotAnObject);
    }
    let pi = r
        .field("providerInfo")
        .filter(Record::is_object)
        .ok_or(InvalidResponse::MissingProviderInfo)?;
    let provider_info = ProviderInfo {
        id_token: pi.field("idToken"),
        access_token: pi.field("accessToken"),
        scope: pi.field("scope"),
        expires_in_seconds: seconds(&pi)?,
    };
    let backstage_identity = match r.field("backstageIdentity").filter(Record::truthy) {
        None => None,
        Some(b) => Some(BackstageIdentity {
            token: b.field("token"),
            identity: b.field("identity"),
            expires_in_seconds: seconds(&b)?,
        }),
    };
    Ok(AuthResponse {
        profile: r.field("profile"),
        provider_info,
        backstage_identity,
    })
}

fn remote_error<R: Record>(e: &R) -> RemoteError {
    RemoteError {
        name: e.field("name").filter(Record::truthy).and_then(|n| n.string()),
        message: e.field("message").and_then(|m| m.string()),
    }
}

/// A 2xx `/refresh` body: a session, or a JSON `{ error: { name, message } }`.
pub fn parse_refresh_body<R: Record>(body: &R) -> Result<Result<AuthResponse<R>, RemoteError>, InvalidResponse> {
    if let Some(e) = body.field("error").filter(Record::truthy) {
        return Ok(Err(remote_error(&e)));
    }
    parse_auth_response(body).map(Ok)
}

/// What a message from the login popup means to the waiting sign-in.
#[derive(Debug, Clone, PartialEq)]
pub enum PopupMessage<R> {
    /// The backend's own idea of the app origin, used in the "popup closed" message.
    ConfigInfo { target_origin: Option<String> },
    /// The raw `response` object (parsed later, like the JS `sessionTransform`), or the error.
    Response(Result<Option<R>, RemoteError>),
    /// Anything else: not for us, keep waiting.
    Ignored,
}

/// Reads `event.data` of a message already known to come from the popup and the backend origin.
pub fn classify_popup_message<R: Record>(data: &R) -> PopupMessage<R> {
    let kind = data.field("type").and_then(|t| t.string());
    match kind.as_deref() {
        Some("config_info") => PopupMessage::ConfigInfo {
            target_origin: data.field("targetOrigin").and_then(|t| t.string()),
        },
        Some("authorization_response") => {
            if data.has("error") {
                let err = data.field("error").map(|e| remote_error(&e)).unwrap_or_default();
                PopupMessage::Response(Err(err))
            } else {
                PopupMessage::Response(Ok(data.field("response")))
            }
        }
        _ => PopupMessage::Ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::testing::{obj, s, Value};

    fn sample() -> Value {
        obj(&[
            (
                "profile",
                obj(&[("email", s("u@example.test")), ("displayName", s("U"))]),
            ),
            (
                "providerInfo",
                obj(&[
                    ("idToken", s("id")),
                    ("accessToken", s("at")),
                    ("scope", s("openid email")),
                    ("expiresInSeconds", Value::Num(3600.0)),
                ]),
            ),
            (
                "backstageIdentity",
                obj(&[
                    ("token", s("bt")),
                    ("identity", obj(&[("type", s("user"))])),
                    ("expiresInSeconds", Value::Num(900.0)),
                ]),
            ),
        ])
    }

    #[test]
    fn parses_a_backend_session() {
        let r = parse_auth_response(&sample()).unwrap();
        assert_eq!(r.provider_info.access_token, Some(s("at")));
        assert_eq!(r.provider_info.id_token, Some(s("id")));
        assert_eq!(r.provider_info.scope, Some(s("openid email")));
        assert_eq!(r.provider_info.expires_in_seconds, Some(3600.0));
        let b = r.backstage_identity.unwrap();
        assert_eq!(b.token, Some(s("bt")));
        assert_eq!(b.expires_in_seconds, Some(900.0));
        assert!(r.profile.is_some());
    }

    #[test]
    fn tolerates_what_the_js_client_tolerates() {
        let minimal = obj(&[("providerInfo", obj(&[]))]);
        let r = parse_auth_response(&minimal).unwrap();
        assert_eq!(r.provider_info.access_token, None);
        assert_eq!(r.backstage_identity, None);
        assert_eq!(r.profile, None);
        let falsy_identity = obj(&[("providerInfo", obj(&[])), ("backstageIdentity", Value::Bool(false))]);
        assert_eq!(parse_auth_response(&falsy_identity).unwrap().backstage_identity, None);
    }

    #[test]
    fn refuses_what_would_crash_it() {
        assert_eq!(parse_auth_response(&s("x")), Err(InvalidResponse::NotAnObject));
        assert_eq!(parse_auth_response(&Value::Null), Err(InvalidResponse::NotAnObject));
        assert_eq!(
            parse_auth_response(&obj(&[])),
            Err(InvalidResponse::MissingProviderInfo)
        );
        assert_eq!(
            parse_auth_response(&obj(&[("providerInfo", s("x"))])),
            Err(InvalidResponse::MissingProviderInfo)
        );
        let bad = obj(&[("providerInfo", obj(&[("expiresInSeconds", s("soon"))]))]);
        assert_eq!(parse_auth_response(&bad), Err(InvalidResponse::BadExpiresIn));
        for e in [
            InvalidResponse::NotAnObject,
            InvalidResponse::MissingProviderInfo,
            InvalidResponse::BadExpiresIn,
        ] {
            assert!(e.message().starts_with("Invalid auth response: "));
        }
    }

    #[test]
    fn refresh_body_error_keeps_its_name() {
        let body = obj(&[(
            "error",
            obj(&[("name", s("AuthenticationError")), ("message", s("Refresh failed"))]),
        )]);
        let err = parse_refresh_body(&body).unwrap().unwrap_err();
        assert_eq!(err.name.as_deref(), Some("AuthenticationError"));
        assert_eq!(err.message.as_deref(), Some("Refresh failed"));
        let nameless = obj(&[("error", obj(&[("name", s("")), ("message", s("m"))]))]);
        assert_eq!(parse_refresh_body(&nameless).unwrap().unwrap_err().name, None);
        assert!(parse_refresh_body(&sample()).unwrap().is_ok());
    }

    #[test]
    fn classifies_popup_messages() {
        let cfg = obj(&[("type", s("config_info")), ("targetOrigin", s("http://a"))]);
        assert_eq!(
            classify_popup_message(&cfg),
            PopupMessage::ConfigInfo {
                target_origin: Some("http://a".into())
            }
        );
        let ok = obj(&[("type", s("authorization_response")), ("response", sample())]);
        assert_eq!(classify_popup_message(&ok), PopupMessage::Response(Ok(Some(sample()))));
        let err = obj(&[
            ("type", s("authorization_response")),
            (
                "error",
                obj(&[("name", s("AuthenticationError")), ("message", s("denied"))]),
            ),
        ]);
        match classify_popup_message(&err) {
            PopupMessage::Response(Err(e)) => {
                assert_eq!(e.name.as_deref(), Some("AuthenticationError"))
            }
            other => panic!("unexpected {other:?}"),
        }
        // `"error" in data` holds even when it is undefined.
        let undef_err = obj(&[("type", s("authorization_response")), ("error", Value::Undefined)]);
        assert_eq!(
            classify_popup_message(&undef_err),
            PopupMessage::Response(Err(RemoteError::default()))
        );
        for hostile in [
            Value::Null,
            s("authorization_response"),
            Value::Num(1.0),
            obj(&[("type", Value::Num(1.0))]),
        ] {
            assert_eq!(classify_popup_message(&hostile), PopupMessage::Ignored);
        }
    }
}
