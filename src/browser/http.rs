//! `fetch` to the auth backend with the headers and credentials it requires.

use crate::browser::js;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

/// `fetch(url, { method?, headers: { 'x-requested-with': 'XMLHttpRequest' }, credentials: 'include' })`.
/// The backend answers 401 without the header; the refresh cookie needs the credentials.
pub async fn backend_fetch(url: &str, post: bool) -> Result<Response, HttpFailure> {
    let headers = js::object(&[("x-requested-with", &JsValue::from_str("XMLHttpRequest"))]);
    let credentials = JsValue::from_str("include");
    let init = if post {
        js::object(&[
            ("method", &JsValue::from_str("POST")),
            ("headers", &headers),
            ("credentials", &credentials),
        ])
    } else {
        js::object(&[("headers", &headers), ("credentials", &credentials)])
    };
    let promise = js::fetch(url, &init).map_err(HttpFailure::Thrown)?;
    let response = JsFuture::from(promise).await.map_err(HttpFailure::Network)?;
    Ok(response.unchecked_into())
}

pub enum HttpFailure {
    /// `fetch` itself threw (it is missing, or the URL is unusable).
    Thrown(JsValue),
    /// The request failed on the network: the promise rejected.
    Network(JsValue),
}

/// `res.json()`, rejecting with the browser's own `SyntaxError` on a malformed body.
pub async fn json(response: &Response) -> Result<JsValue, JsValue> {
    JsFuture::from(response.json()?).await
}
