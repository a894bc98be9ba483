//! Test support: a poll loop without an executor, and a scriptable connector.

use super::manager::{Clock, Connector, ConnectorError, CreateRequest, SessionInfo};
use super::scopes::ScopeSet;
use super::shared::Shared;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

/// Polls once; the futures under test make progress only through [`Shared`] cells
/// resolved by the test itself, so a no-op waker and re-polling suffice.
pub fn run_until_stalled<F: Future + ?Sized>(fut: Pin<&mut F>) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match fut.poll(&mut cx) {
        Poll::Ready(v) => Some(v),
        Poll::Pending => None,
    }
}

#[derive(Clone, Default)]
pub struct FakeClock(pub Rc<Cell<f64>>);

impl Clock for FakeClock {
    fn now_ms(&self) -> f64 {
        self.0.get()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FakeSession {
    pub id: u32,
    pub scopes: ScopeSet,
    pub provider_expires: Option<f64>,
    pub identity_expires: Option<f64>,
}

impl FakeSession {
    pub fn new(id: u32, scopes: &[&str], expires: Option<f64>) -> Self {
        FakeSession {
            id,
            scopes: scopes.iter().copied().collect(),
            provider_expires: expires,
            identity_expires: expires,
        }
    }
}

impl SessionInfo for FakeSession {
    fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }
    fn provider_expires_ms(&self) -> Option<f64> {
        self.provider_expires
    }
    fn identity_expires_ms(&self) -> Option<f64> {
        self.identity_expires
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FakeError {
    Connection,
    Rejected,
    MissingScopes,
    Interrupted,
}

impl ConnectorError for FakeError {
    fn is_connection_error(&self) -> bool {
        *self == FakeError::Connection
    }
    fn missing_scopes() -> Self {
        FakeError::MissingScopes
    }
    fn interrupted() -> Self {
        FakeError::Interrupted
    }
}

#[derive(Default)]
pub struct FakeConnector {
    pub refresh_answers: RefCell<VecDeque<Result<FakeSession, FakeError>>>,
    pub create_answers: RefCell<VecDeque<Result<FakeSession, FakeError>>>,
    pub remove_answers: RefCell<VecDeque<Result<(), FakeError>>>,
    pub refresh_requests: RefCell<Vec<ScopeSet>>,
    pub create_requests: RefCell<Vec<CreateRequest>>,
    pub remove_calls: Cell<u32>,
    /// While set, a refresh waits for the test to resolve it.
    pub gate: RefCell<Option<Shared<()>>>,
}

impl Connector for Rc<FakeConnector> {
    type Session = FakeSession;
    type Error = FakeError;

    async fn create_session(&self, req: CreateRequest) -> Result<FakeSession, FakeError> {
        self.create_requests.borrow_mut().push(req);
        self.create_answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(FakeError::Rejected))
    }

    async fn refresh_session(&self, scopes: ScopeSet) -> Result<FakeSession, FakeError> {
        self.refresh_requests.borrow_mut().push(scopes);
        let gate = self.gate.borrow().clone();
        if let Some(g) = gate {
            g.wait().await;
        }
        self.refresh_answers
            .borrow_mut()
            .pop_front()
            .unwrap_or(Err(FakeError::Rejected))
    }

    async fn remove_session(&self) -> Result<(), FakeError> {
        self.remove_calls.set(self.remove_calls.get() + 1);
        self.remove_answers.borrow_mut().pop_front().unwrap_or(Ok(()))
    }
}
