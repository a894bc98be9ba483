//! Where sessions come from: the Backstage auth backend, or a connector supplied from JS.

pub mod backend;
pub mod session;
pub mod supplied;

use crate::browser::errors;
use crate::core::manager::{Connector, ConnectorError, CreateRequest};
use crate::core::scopes::ScopeSet;
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

    async fn create_session(&self, req: CreateRequest) -> Result<JsSession, JsError> {
        match self {
            AnyConnector::Backend(c) => c.create_session(req).await,
            AnyConnector::Supplied(c) => c.create_session(req).await,
        }
    }

    async fn refresh_session(&self, scopes: ScopeSet) -> Result<JsSession, JsError> {
        match self {
            AnyConnector::Backend(c) => c.refresh_session(scopes).await,
            AnyConnector::Supplied(c) => c.refresh_session(scopes).await,
        }
    }

    async fn remove_session(&self) -> Result<(), JsError> {
        match self {
            AnyConnector::Backend(c) => c.remove_session().await,
            AnyConnector::Supplied(c) => c.remove_session().await,
        }
    }
}
