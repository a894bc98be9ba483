//! Sign-out that sticks. With the Backstage backend, signing out clears the refresh cookie, so
//! the next refresh fails until the user signs in again. Direct mode refreshes a reloaded page
//! with `prompt=none` at the provider, whose session outlives a local sign-out
//! (`endSession: false`, or a provider without `end_session_endpoint`): without this marker
//! the next refresh would sign the user straight back in. The marker is in `localStorage`
//! (every tab, across reloads) and holds no secret; an interactive sign-in removes it.

use super::Direct;
use crate::browser::js;
use std::string::String;
use wasm_bindgen::JsValue;

impl Direct {
    fn signed_out_key(&self) -> JsValue {
        let key: String = ["backstage-oauth2-wasm:direct:signed-out:", &self.options.client_id].concat();
        JsValue::from_str(&key)
    }

    /// Sets or clears the marker. Storage can be unavailable (privacy modes, sandboxed
    /// frames): then the marker is this page's alone.
    pub(super) fn mark_signed_out(&self, signed_out: bool) {
        self.signed_out.set(signed_out);
        let storage = js::get(&js::global(), "localStorage");
        let key = self.signed_out_key();
        let _ = if signed_out {
            js::call_method(&storage, "setItem", &[&key, &JsValue::from_str("1")])
        } else {
            js::call_method(&storage, "removeItem", &[&key])
        };
    }

    /// Storage is the truth when there is one: another tab's interactive sign-in ends this
    /// tab's sign-out too, as a new refresh cookie would.
    pub(super) fn signed_out(&self) -> bool {
        let storage = js::get(&js::global(), "localStorage");
        match js::call_method(&storage, "getItem", &[&self.signed_out_key()]) {
            Ok(v) => !v.is_null() && !v.is_undefined(),
            Err(_) => self.signed_out.get(),
        }
    }
}
