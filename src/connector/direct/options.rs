//! `createDirectAuthConnector` options (the endpoints among them are read by
//! [`crate::core::discovery`]).

use crate::browser::record::JsRecord;
use crate::browser::{errors, js};
use crate::core::discovery::{read_metadata, Metadata, OPTION_KEYS};
use std::string::String;
use wasm_bindgen::JsValue;

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
    /// Sender-constrained tokens (RFC 9449).
    pub(super) dpop: bool,
    /// Push every authorization request (RFC 9126), even where the provider does not ask to.
    pub(super) par: bool,
}

fn string_option(options: &JsValue, key: &str) -> Option<String> {
    js::get(options, key).as_string().filter(|s| !s.is_empty())
}

fn missing_option(key: &str) -> JsValue {
    errors::type_error(&["createDirectAuthConnector: option ", key, " is required"])
}

fn required(options: &JsValue, key: &str) -> Result<String, JsValue> {
    string_option(options, key).ok_or_else(|| missing_option(key))
}

pub(super) fn read_options(options: &JsValue) -> Result<Options, JsValue> {
    if !options.is_object() {
        return Err(errors::type_error(&[
            "createDirectAuthConnector: options must be an object",
        ]));
    }
    // Every endpoint given: no discovery (the issuer is still needed for the ID token).
    let explicit = if OPTION_KEYS[1..4].iter().all(|k| string_option(options, k).is_some()) {
        Some(read_metadata(&JsRecord(options.clone()), OPTION_KEYS).map_err(missing_option)?)
    } else {
        None
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
        dpop: js::get(options, "dpop").is_truthy(),
        par: js::get(options, "par").is_truthy(),
    })
}
