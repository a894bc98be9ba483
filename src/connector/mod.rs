//! Where sessions come from: the Backstage auth backend, or a connector supplied from JS.

pub mod backend;
pub mod session;
pub mod supplied;

use crate::browser::errors;
use crate::core::manager::{Connector, ConnectorError, CreateRequest};
use crate::core::scopes::ScopeSet;
use alloc::boxed::Box;
use core::pin::Pin;
use session::JsSession;
use wasm_bindgen::JsValue;

/// Any value a JS connector or the browser rejected with, passed to the app unchanged.
#[derive(Clone)]
pub struct JsError(pub JsValue);

impl ConnectorError for JsError {
    fn is_connection_error(&self) -> bool {
        errors::is_connection_error(&self.0)
    }
    fn missing_scopes() -> Self {
        JsError(errors::error(&[
            "Refreshed session did not receive the required scopes",
        ]))
    }
    fn interrupted() -> Self {
        JsError(errors::error(&["Session refresh was interrupted"]))
    }
}

impl From<JsValue> for JsError {
    fn from(v: JsValue) -> Self {
        JsError(v)
    }
}

pub enum AnyConnector {
    Backend(backend::BackendConnector),
    Supplied(supplied::SuppliedConnector),
}

impl Connector for AnyConnector {
    type Session = JsSession;
    type Error = JsError;

    fn create_session(&self, req: CreateRequest) -> impl core::future::Future<Output = Result<JsSession, JsError>> {
        let f: Pin<Box<dyn core::future::Future<Output = Result<JsSession, JsError>> + '_>> = match self {
            AnyConnector::Backend(c) => Box::pin(c.create_session(req)),
            AnyConnector::Supplied(c) => Box::pin(c.create_session(req)),
        };
        f
    }

    fn refresh_session(&self, scopes: ScopeSet) -> impl core::future::Future<Output = Result<JsSession, JsError>> {
        let f: Pin<Box<dyn core::future::Future<Output = Result<JsSession, JsError>> + '_>> = match self {
            AnyConnector::Backend(c) => Box::pin(c.refresh_session(scopes)),
            AnyConnector::Supplied(c) => Box::pin(c.refresh_session(scopes)),
        };
        f
    }

    fn remove_session(&self) -> impl core::future::Future<Output = Result<(), JsError>> {
        let f: Pin<Box<dyn core::future::Future<Output = Result<(), JsError>> + '_>> = match self {
            AnyConnector::Backend(c) => Box::pin(c.remove_session()),
            AnyConnector::Supplied(c) => Box::pin(c.remove_session()),
        };
        f
    }
}
