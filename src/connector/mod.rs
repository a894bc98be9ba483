//! Where sessions come from: the Backstage auth backend, or a connector supplied from JS.
//! Each operation takes a continuation that is called exactly once with its outcome
//! (or never, for flows that leave the page: redirect sign-in, logout redirect).

pub mod backend;
#[cfg(feature = "direct")]
pub mod direct;
pub mod session;
pub mod supplied;

use crate::browser::{errors, js};
use crate::core::manager::{ConnectorError, CreateRequest};
use crate::core::retry::transient_status;
use crate::core::scopes::ScopeSet;
use alloc::boxed::Box;
use session::JsSession;
use wasm_bindgen::JsValue;

/// Any value a JS connector or the browser rejected with, passed to the app unchanged,
/// and what the retry rules read of it.
#[derive(Clone)]
pub struct JsError {
    pub value: JsValue,
    transient: bool,
    retry_after_ms: Option<f64>,
}

impl JsError {
    /// An error known only by its value: transient when it is an `AuthConnectionError` or
    /// carries a transient HTTP `status`.
    pub fn of(value: JsValue) -> Self {
        JsError::new(value, false, None)
    }

    /// Transient as [`JsError::of`] reads it, or because its source knows (`transient`);
    /// with the wait the backend asked for.
    #[inline(never)]
    pub fn new(value: JsValue, transient: bool, retry_after_ms: Option<f64>) -> Self {
        let status = js::get(&value, "status").as_f64();
        let transient = transient || errors::is_connection_error(&value) || status.is_some_and(transient_status);
        JsError {
            value,
            transient,
            retry_after_ms,
        }
    }
}

impl ConnectorError for JsError {
    fn is_connection_error(&self) -> bool {
        errors::is_connection_error(&self.value)
    }
    fn missing_scopes() -> Self {
        JsError::of(errors::error(&[
            "Refreshed session did not receive the required scopes",
        ]))
    }
    fn is_transient(&self) -> bool {
        self.transient
    }
    fn retry_after_ms(&self) -> Option<f64> {
        self.retry_after_ms
    }
    fn into_connection_error(self) -> Self {
        if self.is_connection_error() {
            return self;
        }
        let message = js::to_string(&js::get(&self.value, "message"));
        let error = errors::named_error(Some(errors::AUTH_CONNECTION_ERROR), &message);
        JsError::new(errors::with(error, "cause", &self.value), true, None)
    }
}

pub type Done<T> = Box<dyn FnOnce(Result<T, JsValue>)>;
/// A refresh's outcome, with what the retry rules need to know of a failure.
pub type RefreshDone = Box<dyn FnOnce(Result<JsSession, JsError>)>;

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
    pub fn refresh_session(&self, scopes: ScopeSet, pending: Option<backend::Pending>, done: RefreshDone) {
        match self {
            AnyConnector::Backend(c) => c.refresh_session(scopes, pending, done),
            AnyConnector::Supplied(c) => c.refresh_session(scopes, Box::new(move |r| done(r.map_err(JsError::of)))),
        }
    }

    pub fn remove_session(&self, done: Done<()>) {
        match self {
            AnyConnector::Backend(c) => c.remove_session(done),
            AnyConnector::Supplied(c) => c.remove_session(done),
        }
    }
}
