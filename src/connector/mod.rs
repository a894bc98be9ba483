//! Where sessions come from: the Backstage auth backend, or a connector supplied from JS.
//! Each operation takes a continuation that is called exactly once with its outcome
//! (or never, for flows that leave the page: redirect sign-in, logout redirect).

pub mod backend;
#[cfg(feature = "direct")]
pub mod direct;
pub mod session;
pub mod supplied;

use crate::browser::errors;
use crate::core::manager::{ConnectorError, CreateRequest};
use crate::core::scopes::ScopeSet;
use alloc::boxed::Box;
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
}

pub type Done<T> = Box<dyn FnOnce(Result<T, JsValue>)>;

pub enum AnyConnector {
    Backend(backend::BackendConnector),
    Supplied(supplied::SuppliedConnector),
}

impl AnyConnector {
    pub fn create_session(&self, req: CreateRequest, done: Done<JsSession>) {
        match self {
            AnyConnector::Backend(c) => c.create_session(req, done),
            AnyConnector::Supplied(c) => c.create_session(req, done),
        }
    }

    /// `pending` is asked before a refresh that waited for the cross-tab lock is sent
    /// (the backend's; a JS connector refreshes on its own).
    pub fn refresh_session(&self, scopes: ScopeSet, pending: Option<backend::Pending>, done: Done<JsSession>) {
        match self {
            AnyConnector::Backend(c) => c.refresh_session(scopes, pending, done),
            AnyConnector::Supplied(c) => c.refresh_session(scopes, done),
        }
    }

    pub fn remove_session(&self, done: Done<()>) {
        match self {
            AnyConnector::Backend(c) => c.remove_session(done),
            AnyConnector::Supplied(c) => c.remove_session(done),
        }
    }
}
