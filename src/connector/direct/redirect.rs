//! The full-page redirect flow: leave for the provider, complete when the app loads again.

use super::Direct;
use crate::browser::{errors, js};
use crate::core::scopes::ScopeSet;
use serde::{Deserialize, Serialize};
use std::string::{String, ToString};
use std::vec::Vec;
use wasm_bindgen::prelude::*;

/// A redirect sign-in in flight, kept in `sessionStorage` across the navigation: one-time
/// values only (the PKCE verifier, `state`, `nonce`), never a token.
#[derive(Serialize, Deserialize)]
pub(super) struct Pending {
    pub(super) state: String,
    pub(super) nonce: String,
    pub(super) verifier: String,
    pub(super) scopes: Vec<String>,
}

impl Direct {
    fn storage_key(&self) -> String {
        ["backstage-oauth2-wasm:direct:", &self.options.client_id].concat()
    }

    pub(super) fn store_pending(&self, pending: Option<&Pending>) -> Result<(), JsValue> {
        let storage = js::get(&js::global(), "sessionStorage");
        let key = JsValue::from_str(&self.storage_key());
        match pending {
            Some(p) => {
                let value = serde_json::to_string(p).map_err(|e| errors::error(&[&e.to_string()]))?;
                js::call_method(&storage, "setItem", &[&key, &JsValue::from_str(&value)])?;
            }
            None => {
                js::call_method(&storage, "removeItem", &[&key])?;
            }
        }
        Ok(())
    }

    /// Back from a redirect sign-in: the address carries the response and `sessionStorage`
    /// the sign-in it belongs to. Both are consumed at once, and the response is taken off
    /// the address bar, so a reload cannot replay it.
    pub(super) async fn complete_redirect(&self) -> Option<Result<JsValue, JsValue>> {
        let window = js::window()?;
        let location = window.location();
        let search = location.search().ok()?;
        if !search.contains("state=") {
            return None;
        }
        let storage = js::get(&js::global(), "sessionStorage");
        let stored = js::call_method(&storage, "getItem", &[&JsValue::from_str(&self.storage_key())]).ok()?;
        let pending: Pending = serde_json::from_str(&stored.as_string()?).ok()?;
        let _ = self.store_pending(None);
        let clean = [
            location.pathname().unwrap_or_default(),
            location.hash().unwrap_or_default(),
        ]
        .concat();
        let history = js::get(&window, "history");
        let _ = js::call_method_with(
            &history,
            "replaceState",
            &js_sys::Array::of3(&JsValue::NULL, &JsValue::from_str(""), &JsValue::from_str(&clean)),
        );
        let scopes: ScopeSet = pending.scopes.into_iter().collect();
        let verifier = oauth2::PkceCodeVerifier::new(pending.verifier);
        let result = async {
            let m = self.metadata().await?;
            let client = self.client_to(&m, &self.options.return_uri)?;
            self.finish(&m, &client, &search, &pending.state, &pending.nonce, verifier, &scopes)
                .await
        };
        Some(result.await)
    }
}
