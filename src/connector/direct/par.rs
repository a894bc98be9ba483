//! Pushed authorization requests (RFC 9126): the authorization request goes to the provider
//! over the back channel first, so that nothing of it can be read or changed in the browser's
//! address bar, and the front channel carries only `client_id` and the `request_uri` it got.

use super::http::{self, Outgoing};
use super::{named, Direct};
use crate::browser::errors;
use crate::browser::record::JsRecord;
use crate::core::discovery::Metadata;
use crate::core::record::Record;
use gloo_net::http::Method;
use oauth2::url::Url;
use std::string::ToString;
use wasm_bindgen::JsValue;

impl Direct {
    /// Whether this sign-in is pushed: asked for, or required by the provider.
    pub(super) fn pushes(&self, m: &Metadata) -> bool {
        self.options.par || m.require_par
    }

    /// Pushes the request `url` holds (the oauth2 crate's authorization URL) and returns the
    /// URL the sign-in window opens instead.
    pub(super) async fn push(&self, m: &Metadata, url: &Url) -> Result<Url, JsValue> {
        let Some(endpoint) = m.par_endpoint.as_deref() else {
            return Err(errors::type_error(&[
                "par: the provider has no pushed_authorization_request_endpoint",
            ]));
        };
        let form = url.query().unwrap_or_default().as_bytes();
        let request = Outgoing {
            method: Method::POST,
            url: endpoint,
            headers: std::vec![("content-type".into(), "application/x-www-form-urlencoded".into())],
            body: Some(form),
            access_token: None,
        };
        let answer = http::send(self.dpop.as_ref(), &request)
            .await
            .map_err(|e| e.into_js("Pushed authorization"))?;
        let doc = JsRecord(http::json_body(endpoint, &answer.body).unwrap_or(JsValue::NULL));
        let field = |key: &str| doc.field(key).and_then(|v| v.string());
        let request_uri = match (answer.response.ok(), field("request_uri")) {
            (true, Some(uri)) => uri,
            _ => {
                let reason = match (field("error"), field("error_description")) {
                    (Some(e), Some(d)) => [e, ": ".into(), d].concat(),
                    (Some(e), None) => e,
                    _ => ["status ", &answer.response.status().to_string()].concat(),
                };
                return Err(named(
                    "AuthenticationError",
                    &["Pushed authorization request refused: ", &reason].concat(),
                ));
            }
        };
        let mut front = Url::parse(&m.authorization_endpoint)
            .map_err(|e| errors::type_error(&["Invalid authorization endpoint: ", &e.to_string()]))?;
        front
            .query_pairs_mut()
            .append_pair("client_id", &self.options.client_id)
            .append_pair("request_uri", &request_uri);
        Ok(front)
    }
}
