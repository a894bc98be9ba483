//! `fetch` to the auth backend with the headers and credentials it requires.

use crate::browser::{errors, js};
use js_sys::Function;
use wasm_bindgen::prelude::*;

/// `{ method?, headers: { 'x-requested-with': 'XMLHttpRequest' }, credentials: 'include' }`:
/// the backend answers 401 without the header; the refresh cookie needs the credentials.
fn init(post: bool) -> JsValue {
    let headers = js::object(&[("x-requested-with", &JsValue::from_str("XMLHttpRequest"))]);
    let credentials = JsValue::from_str("include");
    if post {
        js::object(&[
            ("method", &JsValue::from_str("POST")),
            ("headers", &headers),
            ("credentials", &credentials),
        ])
    } else {
        js::object(&[("headers", &headers), ("credentials", &credentials)])
    }
}

/// The request as a function of no arguments: `fetch.bind(globalThis, url, init)`, so it
/// can run inside a Web Lock callback without a closure.
pub fn backend_request(url: &str, post: bool) -> Result<Function, JsValue> {
    let global = js::global();
    let fetch: Function = js::get(&global, "fetch")
        .dyn_into()
        .map_err(|_| errors::type_error(&["fetch is not a function"]))?;
    Ok(js::bind(&fetch, &global, &JsValue::from_str(url), &init(post)))
}
