//! `createDirectAuthConnector` options and the provider's endpoints.

use crate::browser::{errors, js};
use serde::Deserialize;
use std::string::String;
use wasm_bindgen::JsValue;

/// The provider's endpoints, from discovery or given explicitly.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct Metadata {
    pub(super) issuer: String,
    pub(super) authorization_endpoint: String,
    pub(super) token_endpoint: String,
    pub(super) jwks_uri: String,
    #[serde(default)]
    pub(super) end_session_endpoint: Option<String>,
    #[serde(default)]
    pub(super) userinfo_endpoint: Option<String>,
}

pub(super) struct Options {
    pub(super) client_id: String,
    /// The callback page, for popup and silent sign-ins.
    pub(super) redirect_uri: String,
    /// The app page a full-page redirect sign-in returns to.
    pub(super) return_uri: String,
    pub(super) issuer: Option<String>,
    pub(super) explicit: Option<Metadata>,
    pub(super) leeway_s: f64,
    pub(super) identity_claim: String,
    pub(super) namespace: String,
    pub(super) end_session: bool,
    pub(super) post_logout_redirect_uri: Option<String>,
    pub(super) silent_timeout_ms: f64,
    /// Full-page redirect instead of a popup.
    pub(super) redirect_flow: bool,
    /// The profile from the userinfo endpoint instead of the ID token's claims.
    pub(super) profile_from_userinfo: bool,
}

fn string_option(options: &JsValue, key: &str) -> Option<String> {
    js::get(options, key).as_string().filter(|s| !s.is_empty())
}

fn required(options: &JsValue, key: &str) -> Result<String, JsValue> {
    string_option(options, key)
        .ok_or_else(|| errors::type_error(&["createDirectAuthConnector: option ", key, " is required"]))
}

pub(super) fn read_options(options: &JsValue) -> Result<Options, JsValue> {
    if !options.is_object() {
        return Err(errors::type_error(&[
            "createDirectAuthConnector: options must be an object",
        ]));
    }
    let explicit = match (
        string_option(options, "authorizationEndpoint"),
        string_option(options, "tokenEndpoint"),
        string_option(options, "jwksUri"),
    ) {
        (Some(authorization_endpoint), Some(token_endpoint), Some(jwks_uri)) => Some(Metadata {
            issuer: required(options, "issuer")?,
            authorization_endpoint,
            token_endpoint,
            jwks_uri,
            end_session_endpoint: string_option(options, "endSessionEndpoint"),
            userinfo_endpoint: string_option(options, "userinfoEndpoint"),
        }),
        _ => None,
    };
    let issuer = string_option(options, "issuer");
    if issuer.is_none() && explicit.is_none() {
        return Err(errors::type_error(&[
            "createDirectAuthConnector: give issuer (for discovery) or every endpoint",
        ]));
    }
    let identity = js::get(options, "identity");
    Ok(Options {
        client_id: required(options, "clientId")?,
        redirect_uri: required(options, "redirectUri")?,
        return_uri: match string_option(options, "returnUri") {
            Some(uri) => uri,
            None => js::window()
                .and_then(|w| w.location().origin().ok())
                .map(|o| [o.as_str(), "/"].concat())
                .unwrap_or_default(),
        },
        issuer,
        explicit,
        leeway_s: js::get(options, "clockSkewSeconds").as_f64().unwrap_or(60.0),
        identity_claim: string_option(&identity, "claim").unwrap_or_else(|| "preferred_username".into()),
        namespace: string_option(&identity, "namespace").unwrap_or_else(|| "default".into()),
        end_session: js::get(options, "endSession").as_bool().unwrap_or(true),
        post_logout_redirect_uri: string_option(options, "postLogoutRedirectUri"),
        silent_timeout_ms: js::get(options, "silentTimeoutMs").as_f64().unwrap_or(10_000.0),
        redirect_flow: js::get(options, "flow").as_string().as_deref() == Some("redirect"),
        profile_from_userinfo: js::get(options, "profile").as_string().as_deref() == Some("userinfo"),
    })
}
