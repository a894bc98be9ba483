//! The full-page redirect flow: leave for the provider, complete when the app loads again.

use super::Direct;
use crate::browser::js;
use crate::core::scopes::ScopeSet;
use std::string::String;
use wasm_bindgen::prelude::*;

/// A redirect sign-in in flight, kept in `sessionStorage` across the navigation: one-time
/// values only (the PKCE verifier, `state`, `nonce`), never a token.
pub(super) struct Pending {
    pub(super) state: String,
    pub(super) nonce: String,
    pub(super) verifier: String,
    /// Space-separated, as in the authorization request.
    pub(super) scopes: String,
}

/// Its fields' names in storage, in the struct's order.
const PENDING_KEYS: [&str; 4] = ["state", "nonce", "verifier", "scopes"];

impl Pending {
    /// As JSON text, by the browser's `JSON.stringify` (serde's serializer would ship for
    /// this one record).
    fn to_json(&self) -> Result<JsValue, JsValue> {
        let values = [&self.state, &self.nonce, &self.verifier, &self.scopes].map(|v| JsValue::from_str(v));
        let entries = core::array::from_fn::<_, 4, _>(|i| (PENDING_KEYS[i], &values[i]));
        js_sys::JSON::stringify(&js::object(&entries)).map(JsValue::from)
    }

    fn from_json(text: &str) -> Option<Self> {
        let record = js_sys::JSON::parse(text).ok()?;
        let [state, nonce, verifier, scopes] = PENDING_KEYS.map(|k| js::get(&record, k).as_string());
        Some(Pending {
            state: state?,
            nonce: nonce?,
            verifier: verifier?,
            scopes: scopes?,
        })
    }
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
                js::call_method(&storage, "setItem", &[&key, &p.to_json()?])?;
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
        let pending = Pending::from_json(&stored.as_string()?)?;
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
        let scopes: ScopeSet = pending.scopes.split(' ').filter(|s| !s.is_empty()).collect();
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
