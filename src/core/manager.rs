//! The session cache of `RefreshingAuthSessionManager` as a synchronous state machine:
//! serve a fresh cached session, otherwise refresh (one request for any number of
//! concurrent callers), otherwise ask the connector to create one.
//!
//! It performs no I/O. Each call registers a waiter and the manager answers with
//! [`Effect`]s: start a refresh, start a sign-in, resolve or reject a waiter, announce a
//! state change. The browser layer runs the effects and reports completions back. Every
//! rule is thereby testable natively, and the wasm needs no async runtime.
//!
//! Other tabs are inputs and effects too (`crossTab`): what this tab obtains or ends is an
//! [`Effect::Announce`], what another tab announced arrives through
//! [`SessionManager::remote_session`] and [`SessionManager::remote_signed_out`]. Without
//! those inputs the manager behaves exactly as core-app-api 1.20.7 in a single tab.
//!
//! So it does with the default [`ManagerOptions`]. The options add what 1.20.7 lacks:
//! `retry` tries a transient `/refresh` failure again after a wait; `proactive` refreshes
//! in the background when the session enters its refresh window. Both are one timer
//! ([`Effect::WakeAt`], then [`SessionManager::wake`], which the browser also calls when
//! the tab becomes visible or comes back online): the wall clock decides what is due,
//! never a timer having fired, so a tab that slept or was throttled catches up when it
//! wakes. [`Effect::Event`]s tell the app what happened.

use super::expiry::{should_refresh, REFRESH_MARGIN_SECONDS};
use super::retry::{Jitter, RetryPolicy};
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
    /// Worth another try (`core::retry`): a connection error, a timeout, 408, 429, 5xx.
    fn is_transient(&self) -> bool;
    /// The wait the backend asked for (`Retry-After`), in milliseconds.
    fn retry_after_ms(&self) -> Option<f64>;
    /// What callers get once a transient failure has used up its tries: a connection
    /// error, so the session is kept as 1.20.7 keeps it when the backend is unreachable.
    fn into_connection_error(self) -> Self;
}

/// What 1.20.7 does not do, each off by default.
#[derive(Debug, Clone, Default)]
pub struct ManagerOptions {
    pub retry: Option<RetryPolicy>,
    /// Refresh in the background when the session enters its refresh window.
    pub proactive: bool,
    /// Seeds the retry jitter.
    pub seed: u32,
}

/// `sessionEvents$()`: what happened to the session, for the app to show or act on.
#[derive(Debug, PartialEq)]
pub enum SessionEvent<E> {
    /// A `/refresh` brought a session: this tab's, or another tab's (`other_tab`).
    Refreshed {
        other_tab: bool,
        expires_at: Option<f64>,
    },
    /// A refresh of a session this tab had failed, or a try that is retried (`retry_at`)
    /// or was the last of several. `transient: false` means the session is over.
    RefreshFailed {
        transient: bool,
        attempt: u32,
        retry_at: Option<f64>,
        error: E,
    },
    SignedInElsewhere,
    SignedOutElsewhere,
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

/// Identifies one refresh, so that the answer to a refresh another tab's result already
/// settled is recognised as late.
pub type RefreshId = u32;

/// What this tab tells the other tabs of the same provider.
#[derive(Debug, PartialEq)]
pub enum Announcement<S> {
    /// A session this tab obtained. `since` is when the request that brought it started
    /// (epoch ms): a tab that saw a sign-out after that time ignores it.
    Session { session: Rc<S>, since: f64 },
    /// This tab signed out at `at` (epoch ms): announced when the sign-out starts and again
    /// when the connector confirms it.
    SignedOut { at: f64 },
}

#[derive(Debug, PartialEq)]
pub enum Effect<S, E> {
    /// Run `connector.refreshSession({ scopes })`; report with [`SessionManager::refresh_done`].
    /// A connector that waits (for the cross-tab lock) asks
    /// [`SessionManager::refresh_pending`] before it sends the request.
    Refresh(RefreshId, ScopeSet),
    /// Run `connector.createSession(request)`; report with [`SessionManager::create_done`].
    Create(CallId, CreateRequest),
    /// Run `connector.removeSession()`; report with [`SessionManager::remove_done`].
    Remove(CallId),
    /// The call's answer: a session, or `None` (signed out and optional, or after sign-out).
    Resolve(CallId, Option<Rc<S>>),
    Reject(CallId, E),
    /// The signed-in state changed (never emitted twice in a row with the same value).
    State(SessionState),
    /// Tell the other tabs.
    Announce(Announcement<S>),
    /// This tab was signed in and another tab signed out: its page must go back to the
    /// app's sign-in page, which a Backstage app shows only when it starts.
    EndedElsewhere,
    Event(SessionEvent<E>),
    /// Call [`SessionManager::wake`] at this time (epoch ms), replacing the time set
    /// before; `None`: no wake-up is due (nothing runs in a tab without a session).
    WakeAt(Option<f64>),
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

/// The refresh in flight, or waiting to be tried again: at most one, shared by every waiter.
struct Refreshing {
    id: RefreshId,
    /// When its latest try started.
    started_at: f64,
    scopes: ScopeSet,
    /// Its latest try, 1 for the first.
    attempt: u32,
    /// A try is out; otherwise the next one waits for `retry_at` (epoch ms).
    in_flight: bool,
    retry_at: f64,
    /// This tab had a session when it started: its failure is an event.
    had_session: bool,
    /// Started by [`SessionManager::wake`], for no caller.
    background: bool,
}

pub struct SessionManager<S, E> {
    default_scopes: ScopeSet,
    current: Option<Rc<S>>,
    /// When the request that brought `current` started.
    current_since: f64,
    refreshing: Option<Refreshing>,
    next_refresh: RefreshId,
    waiters: Vec<Waiter>,
    tracker: StateTracker,
    next_id: CallId,
    effects: Vec<Effect<S, E>>,
    /// Sign-outs not yet confirmed by the connector.
    removing: u32,
    /// The latest sign-out seen, here or in another tab: sessions from requests that
    /// started earlier are stale.
    signed_out_at: f64,
    /// The latest sign-out another tab announced: a refresh of this tab that started
    /// earlier counts as failed, as the backend would have answered it after the cookie
    /// was cleared.
    ended_elsewhere_at: f64,
    /// Signed out by another tab and nothing obtained since: an optional call is answered
    /// at once, without a `/refresh` the backend can only refuse.
    ended: bool,
    retry: Option<RetryPolicy>,
    proactive: bool,
    jitter: Jitter,
    /// The wake-up time last given with [`Effect::WakeAt`].
    armed: Option<f64>,
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

/// The earlier of a session's two expiries (`INFINITY` without either).
fn ends<S: SessionInfo>(s: &S) -> f64 {
    let g = s.grant();
    let (p, i) = (g.provider_expires, g.identity_expires);
    p.unwrap_or(f64::INFINITY).min(i.unwrap_or(f64::INFINITY))
}

fn expires_at<S: SessionInfo>(s: &S) -> Option<f64> {
    Some(ends(s)).filter(|t| t.is_finite())
}

/// When a session enters its refresh window.
fn refresh_window<S: SessionInfo>(s: &S) -> f64 {
    ends(s) - REFRESH_MARGIN_SECONDS * 1000.0
}

impl<S: SessionInfo, E: ConnectorError> SessionManager<S, E> {
    pub fn new(default_scopes: ScopeSet, options: ManagerOptions) -> Self {
        SessionManager {
            default_scopes,
            current: None,
            current_since: f64::NEG_INFINITY,
            refreshing: None,
            next_refresh: 0,
            waiters: Vec::new(),
            tracker: StateTracker::default(),
            next_id: 0,
            effects: Vec::new(),
            removing: 0,
            signed_out_at: f64::NEG_INFINITY,
            ended_elsewhere_at: f64::NEG_INFINITY,
            ended: false,
            retry: options.retry,
            proactive: options.proactive,
            jitter: Jitter::new(options.seed),
            armed: None,
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

    fn keep(&mut self, session: Rc<S>, since: f64) {
        self.current = Some(session);
        self.current_since = since;
        self.ended = false;
    }

    /// Sets the one timer to what is next due, after every input: a retry's time, or
    /// (`proactive`) when the session enters its refresh window. A session already in it
    /// gets no timer, which would fire at once and again for each session the backend hands
    /// out as short; nor does one that never expires, nor a tab without a session.
    fn rearm(&mut self, now_ms: f64) {
        let want = match &self.refreshing {
            Some(r) if !r.in_flight => Some(r.retry_at),
            Some(_) => None,
            None if self.proactive && self.removing == 0 => self
                .current
                .as_deref()
                .map(refresh_window)
                .filter(|at| *at > now_ms && at.is_finite()),
            None => None,
        };
        if want != self.armed {
            self.armed = want;
            self.effects.push(Effect::WakeAt(want));
        }
    }

    fn start_refresh(&mut self, now_ms: f64, scopes: ScopeSet, background: bool) {
        let id = self.next_refresh;
        self.next_refresh = self.next_refresh.wrapping_add(1);
        self.effects.push(Effect::Refresh(id, scopes.clone()));
        self.refreshing = Some(Refreshing {
            id,
            started_at: now_ms,
            scopes,
            attempt: 1,
            in_flight: true,
            retry_at: now_ms,
            had_session: self.current.is_some(),
            background,
        });
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
        self.rearm(now_ms);
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
            None if self.ended && opts.optional => {
                self.effects.push(Effect::Resolve(id, None));
                return;
            }
            _ => Phase::FirstRefresh,
        };
        // `collapsedSessionRefresh`: join the refresh in flight or start one.
        let leader = self.refreshing.is_none();
        if leader {
            let wanted = self.extended(opts.scopes.as_ref());
            self.start_refresh(now_ms, wanted, false);
        }
        self.waiters.push(Waiter {
            id,
            opts,
            phase,
            leader,
        });
    }

    /// Whether refresh `id` still has callers waiting for it. A connector that waited for
    /// the cross-tab lock asks this before it sends the request: another tab's result may
    /// have served them meanwhile.
    pub fn refresh_pending(&self, id: RefreshId) -> bool {
        self.refreshing.as_ref().is_some_and(|r| r.id == id)
    }

    /// The connector's refresh `id` finished: every waiter continues where the JS would,
    /// the starter first. Waiters that joined get the raw answer, as in the JS. The
    /// answer to a refresh that another tab's result or sign-out already settled is late
    /// and dropped.
    pub fn refresh_done(&mut self, now_ms: f64, id: RefreshId, result: Result<Rc<S>, E>) {
        self.refreshed(now_ms, id, result);
        self.rearm(now_ms);
    }

    fn refreshed(&mut self, now_ms: f64, id: RefreshId, result: Result<Rc<S>, E>) {
        let Some(refresh) = self.refreshing.take_if(|r| r.id == id && r.in_flight) else {
            return;
        };
        let since = refresh.started_at;
        if since < self.ended_elsewhere_at {
            // Sent before another tab's sign-out cleared the cookie: whatever it brought
            // is over, as a `/refresh` sent a moment later would have been refused.
            return self.settle_waiters(now_ms, since, Err(None));
        }
        let background = refresh.background;
        let result = match result {
            Ok(s) => {
                self.effects.push(Effect::Announce(Announcement::Session {
                    session: s.clone(),
                    since,
                }));
                self.event(SessionEvent::Refreshed {
                    other_tab: false,
                    expires_at: expires_at(&*s),
                });
                // No caller keeps what a background refresh brings: it is kept by the
                // rule of a caller whose session was due (it has every current scope).
                let renews = self
                    .current
                    .as_ref()
                    .is_some_and(|c| s.grant().scopes.contains_all(&c.grant().scopes));
                if background && renews {
                    self.keep(s.clone(), since);
                }
                Ok(s)
            }
            Err(e) => match self.failed_try(now_ms, refresh, e) {
                None => return,
                Some(e) => {
                    if background && !e.is_connection_error() {
                        self.remove_local_session();
                    }
                    Err(e)
                }
            },
        };
        self.settle_waiters(now_ms, since, result.map_err(Some));
    }

    fn event(&mut self, event: SessionEvent<E>) {
        self.effects.push(Effect::Event(event));
    }

    /// A try of `refresh` failed with `e`: scheduled again when transient with tries left
    /// (`None`), otherwise the error its waiters get.
    fn failed_try(&mut self, now_ms: f64, mut refresh: Refreshing, mut e: E) -> Option<E> {
        let transient = e.is_transient();
        let attempt = refresh.attempt;
        if let Some(policy) = self.retry.filter(|_| transient) {
            if let Some(wait) = policy.wait(attempt, self.jitter.sample(), e.retry_after_ms()) {
                refresh.retry_at = now_ms + wait;
                self.event(SessionEvent::RefreshFailed {
                    transient,
                    attempt,
                    retry_at: Some(refresh.retry_at),
                    error: e,
                });
                refresh.attempt += 1;
                refresh.in_flight = false;
                self.refreshing = Some(refresh);
                return None;
            }
            e = e.into_connection_error();
        }
        // The first `/refresh` of a signed-out page failing is no news: it is how a page
        // learns there is no session.
        if refresh.had_session || attempt > 1 {
            self.event(SessionEvent::RefreshFailed {
                transient,
                attempt,
                retry_at: None,
                error: e.clone(),
            });
        }
        Some(e)
    }

    /// The time given with [`Effect::WakeAt`] came, or the tab became visible or came
    /// back online. By the wall clock: a retry whose time has come is tried; with
    /// `proactive`, a session in its refresh window is refreshed now, for no caller.
    pub fn wake(&mut self, now_ms: f64) {
        // Whatever timer was set has fired or is replaced below.
        self.armed = None;
        match self.refreshing.as_mut() {
            Some(r) if !r.in_flight && now_ms >= r.retry_at => {
                r.in_flight = true;
                r.started_at = now_ms;
                let (id, scopes) = (r.id, r.scopes.clone());
                self.effects.push(Effect::Refresh(id, scopes));
            }
            Some(_) => {}
            None => {
                let due = self.current.as_deref().is_some_and(|c| needs_refresh(now_ms, c));
                if self.proactive && self.removing == 0 && due {
                    let scopes = self.extended(None);
                    self.start_refresh(now_ms, scopes, true);
                }
            }
        }
        self.rearm(now_ms);
    }

    /// Every waiter continues with `result`; `Err(None)` is a session that ended.
    fn settle_waiters(&mut self, now_ms: f64, since: f64, result: Result<Rc<S>, Option<E>>) {
        let waiters = core::mem::take(&mut self.waiters);
        for w in waiters {
            let answer = match &result {
                Ok(s) if w.leader && !has_scopes(Some(&**s), w.opts.scopes.as_ref()) => Err(Some(E::missing_scopes())),
                Ok(s) => {
                    if w.leader {
                        self.set_signed_in(true);
                    }
                    Ok(s.clone())
                }
                Err(e) => Err(e.clone()),
            };
            self.continue_after_refresh(now_ms, since, w, answer);
        }
    }

    fn continue_after_refresh(&mut self, now_ms: f64, since: f64, w: Waiter, answer: Result<Rc<S>, Option<E>>) {
        let failed = match (w.phase, answer) {
            (Phase::FirstRefresh, Ok(fresh)) => {
                self.keep(fresh, since);
                self.step(now_ms, w.id, w.opts);
                return;
            }
            (Phase::StaleRefresh, Ok(refreshed)) => match &self.current {
                Some(now) => {
                    if refreshed.grant().scopes.contains_all(&now.grant().scopes) {
                        self.keep(refreshed.clone(), since);
                    }
                    self.effects.push(Effect::Resolve(w.id, Some(refreshed)));
                    return;
                }
                // Signed out while the refresh ran: the JS throws a TypeError reading the
                // missing session and treats it as a failed refresh (compatibility note).
                None => None,
            },
            (_, Err(e)) => e,
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
    pub fn create_done(&mut self, now_ms: f64, id: CallId, result: Result<Rc<S>, E>) {
        match result {
            Ok(s) => {
                self.keep(s.clone(), now_ms);
                self.set_signed_in(true);
                self.effects.push(Effect::Resolve(id, Some(s.clone())));
                self.effects.push(Effect::Announce(Announcement::Session {
                    session: s,
                    since: now_ms,
                }));
            }
            Err(e) => self.effects.push(Effect::Reject(id, e)),
        }
        self.rearm(now_ms);
    }

    /// `removeSession`: the session is forgotten at once; the state flips to signed-out
    /// only when the connector succeeded. The other tabs are told at once, since a
    /// sign-out that leaves the page (a `logoutUrl`, a provider's end-session page) never
    /// reports back; they are told again when the connector confirms it.
    pub fn remove_session(&mut self, now_ms: f64) -> CallId {
        let id = self.new_call();
        self.current = None;
        self.removing += 1;
        self.signed_out_at = self.signed_out_at.max(now_ms);
        self.effects
            .push(Effect::Announce(Announcement::SignedOut { at: now_ms }));
        self.effects.push(Effect::Remove(id));
        self.rearm(now_ms);
        id
    }

    pub fn remove_done(&mut self, now_ms: f64, id: CallId, result: Result<(), E>) {
        self.removing = self.removing.saturating_sub(1);
        match result {
            Ok(()) => {
                // A session another tab obtained while the backend was still clearing the
                // cookie ends with this second announcement.
                self.signed_out_at = self.signed_out_at.max(now_ms);
                self.set_signed_in(false);
                self.effects.push(Effect::Resolve(id, None));
                self.effects
                    .push(Effect::Announce(Announcement::SignedOut { at: now_ms }));
            }
            Err(e) => self.effects.push(Effect::Reject(id, e)),
        }
        self.rearm(now_ms);
    }

    /// Another tab obtained `session` through a request that started at `since`. A
    /// signed-out tab takes it (sign-in everywhere); a signed-in one takes it when it has
    /// every scope of the current session and lasts at least as long. Taken, it also
    /// serves a refresh of this tab still in flight, when it has the scopes each waiting
    /// caller needs, so that tab sends no `/refresh` of its own.
    pub fn remote_session(&mut self, now_ms: f64, session: Rc<S>, since: f64) {
        if since < self.signed_out_at || self.removing > 0 || needs_refresh(now_ms, &*session) {
            return;
        }
        if let Some(c) = &self.current {
            if !session.grant().scopes.contains_all(&c.grant().scopes) || ends(&*session) < ends(&**c) {
                return;
            }
        }
        self.event(if self.tracker.signed_in() {
            SessionEvent::Refreshed {
                other_tab: true,
                expires_at: expires_at(&*session),
            }
        } else {
            SessionEvent::SignedInElsewhere
        });
        self.keep(session.clone(), since);
        self.set_signed_in(true);
        let serves_all = self
            .waiters
            .iter()
            .all(|w| has_scopes(Some(&*session), w.opts.scopes.as_ref()));
        if self.refreshing.is_some() && serves_all {
            self.refreshing = None;
            self.settle_waiters(now_ms, since, Ok(session));
        }
        self.rearm(now_ms);
    }

    /// Another tab signed out at `at`. A session this tab obtained after that is kept;
    /// otherwise it is dropped, a refresh in flight fails as a refused one would, and
    /// optional calls are answered signed-out without a request until a session comes.
    pub fn remote_signed_out(&mut self, now_ms: f64, at: f64) {
        self.signed_out_at = self.signed_out_at.max(at);
        self.ended_elsewhere_at = self.ended_elsewhere_at.max(at);
        if self.current.is_some() && self.current_since >= at {
            return;
        }
        let was_signed_in = self.tracker.signed_in();
        self.ended = true;
        self.remove_local_session();
        if let Some(r) = self.refreshing.take_if(|r| r.started_at < at) {
            self.settle_waiters(now_ms, r.started_at, Err(None));
        }
        if was_signed_in {
            self.event(SessionEvent::SignedOutElsewhere);
            self.effects.push(Effect::EndedElsewhere);
        }
        self.rearm(now_ms);
    }
}

#[cfg(test)]
#[path = "manager_tests.rs"]
mod tests;
