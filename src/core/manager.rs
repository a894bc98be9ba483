//! The session cache of `RefreshingAuthSessionManager` as a synchronous state machine:
//! serve a fresh cached session, otherwise refresh (one request for any number of
//! concurrent callers), otherwise ask the connector to create one.
//!
//! It performs no I/O. Each call registers a waiter and the manager answers with
//! [`Effect`]s: start a refresh, start a sign-in, resolve or reject a waiter, announce a
//! state change. The browser layer runs the effects and reports completions back. Every
//! rule is thereby testable natively, and the wasm needs no async runtime.

use super::expiry::should_refresh;
use super::scopes::{extended_scopes, ScopeSet};
use super::state::{SessionState, StateTracker};
use alloc::rc::Rc;
use alloc::vec::Vec;

/// What the manager reads of a session: the scopes it grants and when its provider and
/// Backstage tokens expire (epoch ms, `None` when the answer gave no expiry).
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub scopes: ScopeSet,
    pub provider_expires: Option<f64>,
    pub identity_expires: Option<f64>,
}

/// A session the manager can cache; the rest of it belongs to the connector.
pub trait SessionInfo {
    fn grant(&self) -> &Grant;
}

pub trait ConnectorError: Clone {
    /// `isAuthConnectionError`: the backend could not be reached, so the session is kept.
    fn is_connection_error(&self) -> bool;
    /// "Refreshed session did not receive the required scopes".
    fn missing_scopes() -> Self;
}

/// `AuthConnectorCreateSessionOptions` plus the caller's `optional` flag.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateRequest {
    pub scopes: ScopeSet,
    pub instant_popup: bool,
    pub optional: bool,
}

/// `AuthRequestOptions` with the scopes the calling method asks for
/// (`None` for `getProfile`/`getBackstageIdentity`, which accept any session).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GetOptions {
    pub scopes: Option<ScopeSet>,
    pub optional: bool,
    pub instant_popup: bool,
}

/// Identifies one pending call (`getAccessToken`, `signOut`, …) of the JS-facing API.
pub type CallId = u32;

#[derive(Debug, PartialEq)]
pub enum Effect<S, E> {
    /// Run `connector.refreshSession({ scopes })`; report with [`SessionManager::refresh_done`].
    Refresh(ScopeSet),
    /// Run `connector.createSession(request)`; report with [`SessionManager::create_done`].
    Create(CallId, CreateRequest),
    /// Run `connector.removeSession()`; report with [`SessionManager::remove_done`].
    Remove(CallId),
    /// The call's answer: a session, or `None` (signed out and optional, or after sign-out).
    Resolve(CallId, Option<Rc<S>>),
    Reject(CallId, E),
    /// The signed-in state changed (never emitted twice in a row with the same value).
    State(SessionState),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// No usable session: the JS `!alreadyTriedToRefreshSession` branch.
    FirstRefresh,
    /// A session with the scopes, but about to expire.
    StaleRefresh,
}

struct Waiter {
    id: CallId,
    opts: GetOptions,
    phase: Phase,
    /// The caller that started the refresh; it alone checks the scopes of the answer.
    leader: bool,
}

pub struct SessionManager<S, E> {
    default_scopes: ScopeSet,
    current: Option<Rc<S>>,
    refreshing: bool,
    waiters: Vec<Waiter>,
    tracker: StateTracker,
    next_id: CallId,
    effects: Vec<Effect<S, E>>,
}

fn has_scopes<S: SessionInfo>(session: Option<&S>, scopes: Option<&ScopeSet>) -> bool {
    match (session, scopes) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(s), Some(wanted)) => s.grant().scopes.contains_all(wanted),
    }
}

fn needs_refresh<S: SessionInfo>(now_ms: f64, s: &S) -> bool {
    let g = s.grant();
    should_refresh(now_ms, g.provider_expires, g.identity_expires)
}

impl<S: SessionInfo, E: ConnectorError> SessionManager<S, E> {
    pub fn new(default_scopes: ScopeSet) -> Self {
        SessionManager {
            default_scopes,
            current: None,
            refreshing: false,
            waiters: Vec::new(),
            tracker: StateTracker::default(),
            next_id: 0,
            effects: Vec::new(),
        }
    }

    /// The effects produced since the last call, in order.
    pub fn take_effects(&mut self) -> Vec<Effect<S, E>> {
        core::mem::take(&mut self.effects)
    }

    /// The session a call may be answered with right now, without any I/O.
    pub fn cached(&self, now_ms: f64, scopes: Option<&ScopeSet>) -> Option<Rc<S>> {
        let s = self.current.as_ref()?;
        (has_scopes(Some(&**s), scopes) && !needs_refresh(now_ms, &**s)).then(|| s.clone())
    }

    fn new_call(&mut self) -> CallId {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        id
    }

    fn set_signed_in(&mut self, signed_in: bool) {
        if let Some(state) = self.tracker.set_signed_in(signed_in) {
            self.effects.push(Effect::State(state));
        }
    }

    fn remove_local_session(&mut self) {
        self.current = None;
        self.set_signed_in(false);
    }

    fn extended(&self, scopes: Option<&ScopeSet>) -> ScopeSet {
        extended_scopes(
            &self.default_scopes,
            self.current.as_deref().map(|s| &s.grant().scopes),
            scopes,
        )
    }

    /// `getSession(options)`: answers at once or starts the work for it.
    pub fn get_session(&mut self, now_ms: f64, opts: GetOptions) -> CallId {
        let id = self.new_call();
        self.step(now_ms, id, opts);
        id
    }

    /// The top of the JS `getSession` (its recursion re-enters here).
    fn step(&mut self, now_ms: f64, id: CallId, opts: GetOptions) {
        let phase = match &self.current {
            Some(c) if has_scopes(Some(&**c), opts.scopes.as_ref()) => {
                if !needs_refresh(now_ms, &**c) {
                    self.effects.push(Effect::Resolve(id, Some(c.clone())));
                    return;
                }
                Phase::StaleRefresh
            }
            _ => Phase::FirstRefresh,
        };
        // `collapsedSessionRefresh`: join the refresh in flight or start one.
        let leader = !self.refreshing;
        if leader {
            self.refreshing = true;
            let wanted = self.extended(opts.scopes.as_ref());
            self.effects.push(Effect::Refresh(wanted));
        }
        self.waiters.push(Waiter {
            id,
            opts,
            phase,
            leader,
        });
    }

    /// The connector's refresh finished: every waiter continues where the JS would,
    /// the starter first. Waiters that joined get the raw answer, as in the JS.
    pub fn refresh_done(&mut self, now_ms: f64, result: Result<Rc<S>, E>) {
        self.refreshing = false;
        let waiters = core::mem::take(&mut self.waiters);
        for w in waiters {
            let answer = match &result {
                Ok(s) if w.leader && !has_scopes(Some(&**s), w.opts.scopes.as_ref()) => Err(E::missing_scopes()),
                Ok(s) => {
                    if w.leader {
                        self.set_signed_in(true);
                    }
                    Ok(s.clone())
                }
                Err(e) => Err(e.clone()),
            };
            self.continue_after_refresh(now_ms, w, answer);
        }
    }

    fn continue_after_refresh(&mut self, now_ms: f64, w: Waiter, answer: Result<Rc<S>, E>) {
        let failed = match (w.phase, answer) {
            (Phase::FirstRefresh, Ok(fresh)) => {
                self.current = Some(fresh);
                self.step(now_ms, w.id, w.opts);
                return;
            }
            (Phase::StaleRefresh, Ok(refreshed)) => match &self.current {
                Some(now) => {
                    if refreshed.grant().scopes.contains_all(&now.grant().scopes) {
                        self.current = Some(refreshed.clone());
                    }
                    self.effects.push(Effect::Resolve(w.id, Some(refreshed)));
                    return;
                }
                // Signed out while the refresh ran: the JS throws a TypeError reading the
                // missing session and treats it as a failed refresh (compatibility note).
                None => None,
            },
            (_, Err(e)) => Some(e),
        };
        if let Some(e) = failed.filter(ConnectorError::is_connection_error) {
            let effect = if w.opts.optional {
                Effect::Resolve(w.id, None)
            } else {
                Effect::Reject(w.id, e)
            };
            self.effects.push(effect);
            return;
        }
        self.remove_local_session();
        if w.opts.optional {
            self.effects.push(Effect::Resolve(w.id, None));
            return;
        }
        let req = CreateRequest {
            scopes: self.extended(w.opts.scopes.as_ref()),
            instant_popup: w.opts.instant_popup,
            optional: w.opts.optional,
        };
        self.effects.push(Effect::Create(w.id, req));
    }

    /// The connector created a session (or failed to) for call `id`.
    pub fn create_done(&mut self, id: CallId, result: Result<Rc<S>, E>) {
        match result {
            Ok(s) => {
                self.current = Some(s.clone());
                self.set_signed_in(true);
                self.effects.push(Effect::Resolve(id, Some(s)));
            }
            Err(e) => self.effects.push(Effect::Reject(id, e)),
        }
    }

    /// `removeSession`: the session is forgotten at once; the state flips to signed-out
    /// only when the connector succeeded.
    pub fn remove_session(&mut self) -> CallId {
        let id = self.new_call();
        self.current = None;
        self.effects.push(Effect::Remove(id));
        id
    }

    pub fn remove_done(&mut self, id: CallId, result: Result<(), E>) {
        match result {
            Ok(()) => {
                self.set_signed_in(false);
                self.effects.push(Effect::Resolve(id, None));
            }
            Err(e) => self.effects.push(Effect::Reject(id, e)),
        }
    }
}

#[cfg(test)]
#[path = "manager_tests.rs"]
mod tests;
