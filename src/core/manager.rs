//! The session cache of `RefreshingAuthSessionManager`: serve a fresh cached session,
//! otherwise refresh (one request for any number of concurrent callers), otherwise ask
//! the connector to create one. Generic over the connector and the clock so that every
//! rule is tested natively.

use super::expiry::should_refresh;
use super::scopes::{extended_scopes, ScopeSet};
use super::shared::Shared;
use super::state::{SessionState, StateTracker};
use alloc::boxed::Box;
use alloc::rc::Rc;
use core::cell::RefCell;
use core::future::Future;

pub trait Clock {
    /// Epoch milliseconds, like `Date.now()`.
    fn now_ms(&self) -> f64;
}

/// What the manager needs to know about a session; the rest is the connector's business.
pub trait SessionInfo {
    fn scopes(&self) -> &ScopeSet;
    fn provider_expires_ms(&self) -> Option<f64>;
    fn identity_expires_ms(&self) -> Option<f64>;
}

pub trait ConnectorError: Clone {
    /// `isAuthConnectionError`: the backend could not be reached, so the session is kept.
    fn is_connection_error(&self) -> bool;
    /// "Refreshed session did not receive the required scopes".
    fn missing_scopes() -> Self;
    /// A refresh whose leader was dropped before it finished (never happens in a browser,
    /// where spawned futures always run to completion; kept so waiters cannot hang).
    fn interrupted() -> Self;
}

/// `AuthConnectorCreateSessionOptions` plus the caller's `optional` flag.
#[derive(Debug, Clone, Default)]
pub struct CreateRequest {
    pub scopes: ScopeSet,
    pub instant_popup: bool,
    pub optional: bool,
}

pub trait Connector {
    type Session: SessionInfo;
    type Error: ConnectorError;
    fn create_session(&self, req: CreateRequest) -> impl Future<Output = Result<Self::Session, Self::Error>>;
    fn refresh_session(&self, scopes: ScopeSet) -> impl Future<Output = Result<Self::Session, Self::Error>>;
    fn remove_session(&self) -> impl Future<Output = Result<(), Self::Error>>;
}

/// `AuthRequestOptions` with the scopes the calling method asks for
/// (`None` for `getProfile`/`getBackstageIdentity`, which accept any session).
#[derive(Debug, Clone, Default)]
pub struct GetOptions {
    pub scopes: Option<ScopeSet>,
    pub optional: bool,
    pub instant_popup: bool,
}

type Session<C> = Rc<<C as Connector>::Session>;
type SessionResult<C> = Result<Session<C>, <C as Connector>::Error>;

struct State<C: Connector> {
    current: Option<Session<C>>,
    refresh: Option<Shared<SessionResult<C>>>,
    tracker: StateTracker,
}

pub struct SessionManager<C: Connector, K> {
    connector: C,
    clock: K,
    default_scopes: ScopeSet,
    state: RefCell<State<C>>,
    on_state: Box<dyn Fn(SessionState)>,
}

fn has_scopes<S: SessionInfo>(session: Option<&S>, scopes: Option<&ScopeSet>) -> bool {
    match (session, scopes) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(s), Some(wanted)) => s.scopes().contains_all(wanted),
    }
}

/// Clears a collapsed refresh that is dropped mid-flight so later calls start a new one.
struct RefreshGuard<'a, C: Connector, K> {
    manager: &'a SessionManager<C, K>,
    shared: Shared<SessionResult<C>>,
}

impl<C: Connector, K> Drop for RefreshGuard<'_, C, K> {
    fn drop(&mut self) {
        if !self.shared.is_resolved() {
            self.shared.resolve(Err(C::Error::interrupted()));
        }
        self.manager.state.borrow_mut().refresh = None;
    }
}

impl<C: Connector, K: Clock> SessionManager<C, K> {
    /// `on_state` hears every sign-in/sign-out flip; it is called with no borrow held,
    /// so it may call back into the manager.
    pub fn new(connector: C, clock: K, default_scopes: ScopeSet, on_state: Box<dyn Fn(SessionState)>) -> Self {
        SessionManager {
            connector,
            clock,
            default_scopes,
            state: RefCell::new(State {
                current: None,
                refresh: None,
                tracker: StateTracker::default(),
            }),
            on_state,
        }
    }

    pub fn connector(&self) -> &C {
        &self.connector
    }

    fn current(&self) -> Option<Session<C>> {
        self.state.borrow().current.clone()
    }

    fn set_current(&self, session: Option<Session<C>>) {
        self.state.borrow_mut().current = session;
    }

    fn set_signed_in(&self, signed_in: bool) {
        let change = self.state.borrow_mut().tracker.set_signed_in(signed_in);
        if let Some(state) = change {
            (self.on_state)(state);
        }
    }

    fn needs_refresh(&self, s: &C::Session) -> bool {
        should_refresh(self.clock.now_ms(), s.provider_expires_ms(), s.identity_expires_ms())
    }

    /// The session a call may be answered with right now, without any I/O.
    pub fn cached(&self, scopes: Option<&ScopeSet>) -> Option<Session<C>> {
        let state = self.state.borrow();
        let s = state.current.as_ref()?;
        if has_scopes(Some(&**s), scopes) && !self.needs_refresh(s) {
            Some(s.clone())
        } else {
            None
        }
    }

    /// `getSession`. Its recursion after a first refresh is the `continue` of this loop.
    pub async fn get_session(&self, opts: &GetOptions) -> Result<Option<Session<C>>, C::Error> {
        let scopes = opts.scopes.as_ref();
        loop {
            let mut already_tried_refresh = false;
            let current = self.current();
            if let Some(current) = current.filter(|c| has_scopes(Some(&**c), scopes)) {
                if !self.needs_refresh(&current) {
                    return Ok(Some(current));
                }
                already_tried_refresh = true;
                match self.collapsed_refresh(scopes).await {
                    Ok(refreshed) => {
                        // Like the JS, re-read the current session after the await. If a
                        // sign-out cleared it meanwhile, the JS throws a TypeError here and
                        // treats it as a failed refresh: so does this (compatibility note).
                        match self.current() {
                            Some(now) => {
                                if refreshed.scopes().contains_all(now.scopes()) {
                                    self.set_current(Some(refreshed.clone()));
                                }
                                return Ok(Some(refreshed));
                            }
                            None => {
                                self.remove_local_session();
                                if opts.optional {
                                    return Ok(None);
                                }
                            }
                        }
                    }
                    Err(e) => {
                        if e.is_connection_error() {
                            return if opts.optional { Ok(None) } else { Err(e) };
                        }
                        self.remove_local_session();
                        if opts.optional {
                            return Ok(None);
                        }
                    }
                }
            }
            if !already_tried_refresh {
                match self.collapsed_refresh(scopes).await {
                    Ok(fresh) => {
                        self.set_current(Some(fresh));
                        continue;
                    }
                    Err(e) => {
                        if e.is_connection_error() {
                            return if opts.optional { Ok(None) } else { Err(e) };
                        }
                        self.remove_local_session();
                    }
                }
            }
            if opts.optional {
                return Ok(None);
            }
            let req = CreateRequest {
                scopes: extended_scopes(
                    &self.default_scopes,
                    self.current().as_deref().map(SessionInfo::scopes),
                    scopes,
                ),
                instant_popup: opts.instant_popup,
                optional: opts.optional,
            };
            let created = Rc::new(self.connector.create_session(req).await?);
            self.set_current(Some(created.clone()));
            self.set_signed_in(true);
            return Ok(Some(created));
        }
    }

    /// `collapsedSessionRefresh`: callers that arrive while a refresh is in flight get
    /// its raw result (without the scope check the first caller makes, as in the JS).
    async fn collapsed_refresh(&self, scopes: Option<&ScopeSet>) -> SessionResult<C> {
        let in_flight = self.state.borrow().refresh.clone();
        if let Some(shared) = in_flight {
            return shared.wait().await;
        }
        let shared = Shared::new();
        self.state.borrow_mut().refresh = Some(shared.clone());
        let guard = RefreshGuard { manager: self, shared };
        let wanted = extended_scopes(
            &self.default_scopes,
            self.current().as_deref().map(SessionInfo::scopes),
            scopes,
        );
        let result = self.connector.refresh_session(wanted).await.map(Rc::new);
        guard.shared.resolve(result.clone());
        drop(guard);
        let session = result?;
        if !has_scopes(Some(&*session), scopes) {
            return Err(C::Error::missing_scopes());
        }
        self.set_signed_in(true);
        Ok(session)
    }

    /// Forgets the session locally without telling the connector.
    pub fn remove_local_session(&self) {
        self.set_current(None);
        self.set_signed_in(false);
    }

    /// `removeSession`: the state flips to signed-out only once the connector succeeded.
    pub async fn remove_session(&self) -> Result<(), C::Error> {
        self.set_current(None);
        self.connector.remove_session().await?;
        self.set_signed_in(false);
        Ok(())
    }
}

#[cfg(test)]
#[path = "manager_tests.rs"]
mod tests;
