//! The callback of popup and silent sign-ins: the page at `redirectUri` posts the
//! authorization response to the window that started the sign-in.

use super::named;
use crate::browser::record::JsRecord;
use crate::browser::{errors, js};
use crate::core::oidc::{self, CallbackError, IssuerRule};
use crate::core::record::Record;
use crate::core::response::PopupMessage;
use std::string::String;
use wasm_bindgen::prelude::*;

/// The message the callback page posts to the window that opened it.
pub const CALLBACK_MESSAGE: &str = "backstage-oauth2-wasm:callback";

/// For the page at `redirectUri`: hands `code` and `state` to the window that started the
/// sign-in (the popup's opener, or the parent of a silent iframe), on this origin only.
#[wasm_bindgen(js_name = handleDirectCallback)]
pub fn handle_direct_callback() -> bool {
    let Some(window) = js::window() else { return false };
    let location = window.location();
    let (Ok(search), Ok(origin)) = (location.search(), location.origin()) else {
        return false;
    };
    let opener = window.opener().ok().filter(|o| !o.is_null() && !o.is_undefined());
    let parent = window
        .parent()
        .ok()
        .flatten()
        .map(JsValue::from)
        .filter(|p| *p != JsValue::from(window.clone()));
    let Some(target) = opener.or(parent) else { return false };
    let message = js::object(&[
        ("type", &JsValue::from_str(CALLBACK_MESSAGE)),
        ("search", &JsValue::from_str(&search)),
    ]);
    let posted = js::call_method(&target, "postMessage", &[&message, &JsValue::from_str(&origin)]).is_ok();
    if posted && window.opener().map(|o| !o.is_null()).unwrap_or(false) {
        let _ = window.close();
    }
    posted
}

/// The callback page's message, read only when it comes from the sign-in window on the
/// redirect URI's origin.
pub(super) fn classify_callback(data: &JsRecord) -> PopupMessage<JsRecord> {
    match data.field("type").and_then(|t| t.string()).as_deref() {
        Some(CALLBACK_MESSAGE) => PopupMessage::Response(Ok(data.field("search"))),
        _ => PopupMessage::Ignored,
    }
}

fn rejected(message: &str, check: &str) -> JsValue {
    errors::with(
        named("AuthenticationError", message),
        "check",
        &JsValue::from_str(check),
    )
}

/// The code of the callback's query, or the JS error for why it is refused.
pub(super) fn code_from_callback(
    search: &str,
    expected_state: &str,
    issuer: IssuerRule<'_>,
) -> Result<String, JsValue> {
    oidc::authorization_code(search, expected_state, issuer).map_err(|e| match e {
        CallbackError::State => rejected(
            "Sign-in rejected: the callback's state does not match this sign-in",
            "state",
        ),
        CallbackError::Issuer => rejected("Sign-in rejected: the callback's iss is not this provider's", "iss"),
        CallbackError::Provider(message) => named("AuthenticationError", &message),
        CallbackError::NoCode => named("AuthenticationError", "Sign-in failed: the callback carries no code"),
    })
}
