//! The oauth2 crate's HTTP client, over the browser's `fetch`.

use crate::browser::js;
use oauth2::{HttpRequest, HttpResponse};
use std::string::{String, ToString};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Why a request of the oauth2 crate got no answer to read.
#[derive(Debug)]
pub enum FetchError {
    /// `fetch` itself failed (offline, DNS, CORS, connection reset): nothing is known of the
    /// session, which must be kept, as Backstage keeps it on its `AuthConnectionError`.
    Unreachable(String),
    /// The answer could not be handed to the crate.
    Unreadable(String),
}

impl core::fmt::Display for FetchError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FetchError::Unreachable(m) | FetchError::Unreadable(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for FetchError {}

fn unreachable(e: JsValue) -> FetchError {
    FetchError::Unreachable(js::to_string(&e))
}

fn unreadable(e: impl ToString) -> FetchError {
    FetchError::Unreadable(e.to_string())
}

/// Backstage's error for a request that got no answer: the session manager keeps the
/// session instead of signing out.
pub fn connection_error(what: &str, cause: &str) -> JsValue {
    crate::browser::errors::named_error(
        Some("AuthConnectionError"),
        &[what, " request failed, ", cause].concat(),
    )
}

/// Runs one request of the oauth2 crate with `fetch` (no cookies: the token endpoint of a
/// public client is a CORS request without credentials).
pub async fn fetch(request: HttpRequest) -> Result<HttpResponse, FetchError> {
    let (parts, body) = request.into_parts();
    let headers = js_sys::Object::new();
    for (name, value) in parts.headers.iter() {
        let value = value.to_str().map_err(unreadable)?;
        let _ = js_sys::Reflect::set(&headers, &JsValue::from_str(name.as_str()), &JsValue::from_str(value));
    }
    let method = JsValue::from_str(parts.method.as_str());
    let init = if body.is_empty() {
        js::object(&[("method", &method), ("headers", &headers)])
    } else {
        let body: JsValue = js_sys::Uint8Array::from(body.as_slice()).into();
        js::object(&[("method", &method), ("headers", &headers), ("body", &body)])
    };
    let response = JsFuture::from(js::fetch(&parts.uri.to_string(), &init).map_err(unreachable)?)
        .await
        .map_err(unreachable)?;
    let response: web_sys::Response = response.unchecked_into();
    // A body cut off mid-way is a connection failure too.
    let bytes = JsFuture::from(response.array_buffer().map_err(unreachable)?)
        .await
        .map_err(unreachable)?;
    let mut answer = oauth2::http::Response::new(js_sys::Uint8Array::new(&bytes).to_vec());
    *answer.status_mut() = oauth2::http::StatusCode::from_u16(response.status()).map_err(unreadable)?;
    // The oauth2 crate reads the answer only when its content type is JSON.
    if let Ok(Some(content_type)) = response.headers().get("content-type") {
        let value = oauth2::http::HeaderValue::from_str(&content_type).map_err(unreadable)?;
        answer.headers_mut().insert(oauth2::http::header::CONTENT_TYPE, value);
    }
    Ok(answer)
}

/// GET a JSON document (discovery, JWKS) as a JS value, parsed once by the browser.
pub async fn get_json(url: &str) -> Result<JsValue, JsValue> {
    get(url, &JsValue::UNDEFINED).await
}

/// GET a JSON resource with a bearer token (the userinfo endpoint).
pub async fn get_json_with_token(url: &str, access_token: &str) -> Result<JsValue, JsValue> {
    let bearer = ["Bearer ", access_token].concat();
    let headers = js::object(&[("authorization", &JsValue::from_str(&bearer))]);
    get(url, &js::object(&[("headers", &headers)])).await
}

async fn get(url: &str, init: &JsValue) -> Result<JsValue, JsValue> {
    let response = JsFuture::from(js::fetch(url, init)?)
        .await
        .map_err(|e| connection_error(url, &js::to_string(&e)))?;
    let response: web_sys::Response = response.unchecked_into();
    if !response.ok() {
        return Err(crate::browser::errors::error(&[
            "Request failed: ",
            url,
            " answered ",
            &response.status_text(),
        ]));
    }
    JsFuture::from(response.json()?).await
}
