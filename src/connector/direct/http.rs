//! Every request of direct mode, through gloo-net: the oauth2 crate's (token grants), the
//! pushed authorization request, and the JSON documents (discovery, JWKS, userinfo). With
//! DPoP on, each request to the provider carries a proof, and a server's demand for a
//! nonce is answered once (RFC 9449 8, 9).

use super::dpop::Dpop;
use crate::browser::js;
use crate::core::dpop::nonce_requested;
use gloo_net::http::{Method, RequestBuilder, Response};
use oauth2::{HttpRequest, HttpResponse};
use std::string::{String, ToString};
use std::vec::Vec;
use wasm_bindgen::prelude::*;

/// Why a request of the oauth2 crate got no answer to read.
#[derive(Debug)]
pub enum FetchError {
    /// `fetch` itself failed (offline, DNS, CORS, connection reset): nothing is known of the
    /// session, which must be kept, as Backstage keeps it on its `AuthConnectionError`.
    Unreachable(String),
    /// The answer could not be handed to the crate, or no proof could be made.
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

impl FetchError {
    /// Backstage's error for it: `AuthConnectionError` when nothing was heard from the server
    /// (the session managers keep the session), `AuthenticationError` otherwise.
    pub fn into_js(self, what: &str) -> JsValue {
        match self {
            FetchError::Unreachable(cause) => connection_error(what, &cause),
            FetchError::Unreadable(cause) => {
                crate::browser::errors::named_error(Some("AuthenticationError"), &[what, " failed: ", &cause].concat())
            }
        }
    }
}

fn unreachable(e: impl ToString) -> FetchError {
    FetchError::Unreachable(e.to_string())
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

/// One request as it is sent again with a fresh proof.
pub struct Outgoing<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: Option<&'a [u8]>,
    /// The access token it carries (userinfo), which the proof hashes.
    pub access_token: Option<&'a str>,
}

/// An answer read whole: the body is read before a nonce retry is decided.
pub struct Answer {
    pub response: Response,
    pub body: Vec<u8>,
}

/// Sends `request` (no cookies: the endpoints of a public client are CORS requests without
/// credentials), with a DPoP proof when `dpop` is given; a server asking for a nonce it has
/// just sent gets the request once more with it.
pub async fn send(dpop: Option<&Dpop>, request: &Outgoing<'_>) -> Result<Answer, FetchError> {
    let mut retried = false;
    loop {
        let mut builder = RequestBuilder::new(request.url).method(request.method.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(d) = dpop {
            let proof = d
                .proof(request.method.as_str(), request.url, request.access_token, None)
                .await
                .map_err(|e| unreadable(js::to_string(&e)))?;
            builder = builder.header("DPoP", &proof);
        }
        let built = match request.body {
            Some(body) => builder.body(js_sys::Uint8Array::from(body)),
            None => builder.build(),
        };
        let response = built.map_err(unreadable)?.send().await.map_err(unreachable)?;
        // A body cut off mid-way is a connection failure too.
        let body = response.binary().await.map_err(unreachable)?;
        if let Some(d) = dpop {
            let headers = response.headers();
            let fresh = d.note_nonce(request.url, headers.get("dpop-nonce"));
            let asked = nonce_requested(response.status(), &body, headers.get("www-authenticate").as_deref());
            if fresh && asked && !retried {
                retried = true;
                continue;
            }
        }
        return Ok(Answer { response, body });
    }
}

/// Runs one request of the oauth2 crate.
pub async fn oauth2_request(dpop: Option<&Dpop>, request: HttpRequest) -> Result<HttpResponse, FetchError> {
    let (parts, body) = request.into_parts();
    let url = parts.uri.to_string();
    let mut headers = Vec::new();
    for (name, value) in parts.headers.iter() {
        headers.push((
            name.as_str().to_string(),
            value.to_str().map_err(unreadable)?.to_string(),
        ));
    }
    let outgoing = Outgoing {
        method: parts.method,
        url: &url,
        headers,
        body: (!body.is_empty()).then_some(body.as_slice()),
        access_token: None,
    };
    let Answer { response, body } = send(dpop, &outgoing).await?;
    let mut answer = oauth2::http::Response::new(body);
    *answer.status_mut() = oauth2::http::StatusCode::from_u16(response.status()).map_err(unreadable)?;
    // The oauth2 crate reads the answer only when its content type is JSON.
    if let Some(content_type) = response.headers().get("content-type") {
        let value = oauth2::http::HeaderValue::from_str(&content_type).map_err(unreadable)?;
        answer.headers_mut().insert(oauth2::http::header::CONTENT_TYPE, value);
    }
    Ok(answer)
}

/// GET a JSON document (discovery, JWKS) as a JS value, parsed by the browser.
pub async fn get_json(url: &str) -> Result<JsValue, JsValue> {
    let outgoing = Outgoing {
        method: Method::GET,
        url,
        headers: Vec::new(),
        body: None,
        access_token: None,
    };
    json_of(url, send(None, &outgoing).await)
}

/// GET a JSON resource with an access token (the userinfo endpoint): a DPoP-bound token
/// (`token_type` DPoP) goes with its proof, a bearer token alone.
pub async fn get_json_with_token(url: &str, access_token: &str, dpop: Option<&Dpop>) -> Result<JsValue, JsValue> {
    let scheme = if dpop.is_some() { "DPoP " } else { "Bearer " };
    let outgoing = Outgoing {
        method: Method::GET,
        url,
        headers: std::vec![("authorization".into(), [scheme, access_token].concat())],
        body: None,
        access_token: Some(access_token),
    };
    json_of(url, send(dpop, &outgoing).await)
}

fn json_of(url: &str, answer: Result<Answer, FetchError>) -> Result<JsValue, JsValue> {
    let Answer { response, body } = answer.map_err(|e| e.into_js(url))?;
    if !response.ok() {
        return Err(crate::browser::errors::error(&[
            "Request failed: ",
            url,
            " answered ",
            &response.status_text(),
        ]));
    }
    json_body(url, &body)
}

/// An answer's body as the JS value the browser parses it to.
pub fn json_body(url: &str, body: &[u8]) -> Result<JsValue, JsValue> {
    let text = core::str::from_utf8(body).map_err(|_| crate::browser::errors::type_error(&["Not UTF-8: ", url]))?;
    js_sys::JSON::parse(text)
}

/// The token type a token answer names, as RFC 6749 7.1 compares it: case-insensitively.
pub fn is_dpop(token_type: &str) -> bool {
    token_type.eq_ignore_ascii_case("dpop")
}
