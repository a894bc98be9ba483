use super::*;
use crate::core::testing::{FakeError, FakeSession};
use alloc::vec;

const HOUR: f64 = 3_600_000.0;
const T0: f64 = 1_000_000.0;

type M = SessionManager<FakeSession, FakeError>;
type Fx = Effect<FakeSession, FakeError>;

fn set(scopes: &[&str]) -> ScopeSet {
    scopes.iter().copied().collect()
}

fn opts(scopes: Option<&[&str]>, optional: bool) -> GetOptions {
    GetOptions {
        scopes: scopes.map(set),
        optional,
        instant_popup: false,
    }
}

fn s(id: u32, scopes: &[&str], lifetime: f64) -> Rc<FakeSession> {
    Rc::new(FakeSession::new(id, scopes, Some(T0 + lifetime)))
}

fn resolved(fx: &[Fx]) -> Vec<(CallId, Option<u32>)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Resolve(id, s) => Some((*id, s.as_ref().map(|s| s.id))),
            _ => None,
        })
        .collect()
}

fn states(fx: &[Fx]) -> Vec<SessionState> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::State(s) => Some(*s),
            _ => None,
        })
        .collect()
}

/// A manager signed in with `session` through a first refresh.
fn signed_in(defaults: &[&str], session: Rc<FakeSession>) -> M {
    let mut m = M::new(set(defaults));
    let id = m.get_session(T0, opts(None, false));
    m.refresh_done(T0, Ok(session.clone()));
    let fx = m.take_effects();
    assert!(resolved(&fx).contains(&(id, Some(session.id))));
    m
}

#[test]
fn optional_call_when_signed_out_never_creates_a_session() {
    let mut m = M::new(set(&["openid"]));
    let id = m.get_session(T0, opts(None, true));
    assert_eq!(m.take_effects(), vec![Effect::Refresh(set(&["openid"]))]);
    m.refresh_done(T0, Err(FakeError::Rejected));
    // Already signed out: no duplicate SignedOut.
    assert_eq!(m.take_effects(), vec![Effect::Resolve(id, None)]);
}

#[test]
fn signed_out_call_creates_a_session_with_extended_scopes() {
    let mut m = M::new(set(&["openid", "profile"]));
    let o = GetOptions {
        scopes: Some(set(&["repo"])),
        optional: false,
        instant_popup: true,
    };
    let id = m.get_session(T0, o);
    assert_eq!(
        m.take_effects(),
        vec![Effect::Refresh(set(&["openid", "profile", "repo"]))]
    );
    m.refresh_done(T0, Err(FakeError::Rejected));
    let req = CreateRequest {
        scopes: set(&["openid", "profile", "repo"]),
        instant_popup: true,
        optional: false,
    };
    assert_eq!(m.take_effects(), vec![Effect::Create(id, req)]);
    m.create_done(id, Ok(s(1, &["openid", "profile", "repo"], HOUR)));
    let fx = m.take_effects();
    assert_eq!(states(&fx), [SessionState::SignedIn]);
    assert_eq!(resolved(&fx), [(id, Some(1))]);
}

#[test]
fn a_fresh_cached_session_is_served_without_io_until_three_minutes_remain() {
    let mut m = signed_in(&[], s(1, &["a"], HOUR));
    assert_eq!(m.cached(T0, Some(&set(&["a"]))).unwrap().id, 1);
    assert!(m.cached(T0, Some(&set(&["b"]))).is_none());
    let id = m.get_session(T0, opts(Some(&["a"]), false));
    assert_eq!(resolved(&m.take_effects()), [(id, Some(1))]);

    let later = T0 + HOUR - 180_000.0 + 1.0;
    assert!(m.cached(later, None).is_none());
    let id = m.get_session(later, opts(None, false));
    assert_eq!(m.take_effects(), vec![Effect::Refresh(set(&["a"]))]);
    m.refresh_done(later, Ok(s(2, &["a"], 2.0 * HOUR)));
    let fx = m.take_effects();
    assert_eq!(resolved(&fx), [(id, Some(2))]);
    assert!(states(&fx).is_empty(), "no duplicate SignedIn");
}

#[test]
fn the_shorter_of_the_two_expiries_decides() {
    let mut m = M::new(ScopeSet::new());
    let id = m.get_session(T0, opts(None, false));
    m.take_effects();
    let mut short = FakeSession::new(1, &[], Some(T0 + HOUR));
    short.grant.identity_expires = Some(T0 + 60_000.0);
    m.refresh_done(T0, Ok(Rc::new(short)));
    // The first refresh returned a session that already needs refreshing: the JS
    // recursion refreshes once more and returns that answer.
    assert_eq!(
        m.take_effects(),
        vec![Effect::State(SessionState::SignedIn), Effect::Refresh(ScopeSet::new())]
    );
    m.refresh_done(T0, Ok(s(2, &[], HOUR)));
    assert_eq!(resolved(&m.take_effects()), [(id, Some(2))]);
}

#[test]
fn concurrent_calls_share_one_refresh() {
    let mut m = M::new(set(&["openid"]));
    let ids: Vec<CallId> = (0..50).map(|_| m.get_session(T0, opts(None, true))).collect();
    assert_eq!(m.take_effects(), vec![Effect::Refresh(set(&["openid"]))]);
    m.refresh_done(T0, Ok(s(9, &["openid"], HOUR)));
    let fx = m.take_effects();
    assert_eq!(states(&fx), [SessionState::SignedIn]);
    assert_eq!(resolved(&fx), ids.iter().map(|id| (*id, Some(9))).collect::<Vec<_>>());
}

#[test]
fn followers_get_the_raw_refresh_result_like_the_js() {
    let mut m = M::new(ScopeSet::new());
    let leader = m.get_session(T0, opts(Some(&["b"]), false));
    let follower = m.get_session(T0, opts(None, false));
    m.take_effects();
    m.refresh_done(T0, Ok(s(3, &["a"], HOUR)));
    let fx = m.take_effects();
    // The leader asked for "b" and did not get it: refresh failed, so it signs in anew;
    // the follower was handed the raw answer, which has every scope it asked for.
    let req = CreateRequest {
        scopes: set(&["b"]),
        instant_popup: false,
        optional: false,
    };
    assert_eq!(fx[0], Effect::Create(leader, req));
    assert_eq!(resolved(&fx), [(follower, Some(3))]);
}

#[test]
fn connection_errors_keep_the_session_and_never_pop_up() {
    let mut m = signed_in(&[], s(1, &[], HOUR));
    let later = T0 + HOUR;
    let id = m.get_session(later, opts(None, false));
    m.take_effects();
    m.refresh_done(later, Err(FakeError::Connection));
    assert_eq!(m.take_effects(), vec![Effect::Reject(id, FakeError::Connection)]);
    let id = m.get_session(later, opts(None, true));
    m.take_effects();
    m.refresh_done(later, Err(FakeError::Connection));
    assert_eq!(m.take_effects(), vec![Effect::Resolve(id, None)]);
    // Still signed in: a later refresh that works serves the same caller path.
    let id = m.get_session(later, opts(None, true));
    m.take_effects();
    m.refresh_done(later, Ok(s(2, &[], 2.0 * HOUR)));
    assert_eq!(m.take_effects(), vec![Effect::Resolve(id, Some(s(2, &[], 2.0 * HOUR)))]);

    let mut fresh = M::new(ScopeSet::new());
    let id = fresh.get_session(T0, opts(None, false));
    fresh.take_effects();
    fresh.refresh_done(T0, Err(FakeError::Connection));
    assert_eq!(fresh.take_effects(), vec![Effect::Reject(id, FakeError::Connection)]);
}

#[test]
fn a_rejected_refresh_signs_out_locally_then_signs_in_again() {
    let mut m = signed_in(&[], s(1, &["a"], HOUR));
    let later = T0 + HOUR;
    let id = m.get_session(later, opts(None, true));
    m.take_effects();
    m.refresh_done(later, Err(FakeError::Rejected));
    assert_eq!(
        m.take_effects(),
        vec![Effect::State(SessionState::SignedOut), Effect::Resolve(id, None)]
    );

    let id = m.get_session(later, opts(None, false));
    m.take_effects();
    m.refresh_done(later, Err(FakeError::Rejected));
    assert!(matches!(m.take_effects()[..], [Effect::Create(i, _)] if i == id));
    m.create_done(id, Ok(s(5, &["a"], 2.0 * HOUR)));
    let fx = m.take_effects();
    assert_eq!(states(&fx), [SessionState::SignedIn]);
    assert_eq!(resolved(&fx), [(id, Some(5))]);
}

#[test]
fn a_new_scope_grows_the_session_scope_set() {
    let mut m = signed_in(&["openid"], s(1, &["openid", "email"], HOUR));
    let id = m.get_session(T0, opts(Some(&["repo"]), false));
    assert_eq!(
        m.take_effects(),
        vec![Effect::Refresh(set(&["openid", "email", "repo"]))]
    );
    m.refresh_done(T0, Ok(s(2, &["openid", "email", "repo"], HOUR)));
    assert_eq!(resolved(&m.take_effects()), [(id, Some(2))]);
    assert_eq!(m.cached(T0, None).unwrap().id, 2);
}

#[test]
fn a_refresh_that_lost_scopes_is_returned_but_not_cached() {
    let mut m = signed_in(&[], s(1, &["a", "b"], HOUR));
    let later = T0 + HOUR;
    let id = m.get_session(later, opts(Some(&["a"]), false));
    m.take_effects();
    m.refresh_done(later, Ok(s(2, &["a"], 2.0 * HOUR)));
    assert_eq!(resolved(&m.take_effects()), [(id, Some(2))]);
    assert_eq!(m.current.as_ref().unwrap().id, 1);
}

#[test]
fn sign_out_during_a_refresh_counts_as_a_failed_refresh() {
    let mut m = signed_in(&[], s(1, &[], HOUR));
    let later = T0 + HOUR;
    let id = m.get_session(later, opts(None, true));
    m.take_effects();
    let out = m.remove_session();
    m.remove_done(out, Ok(()));
    m.take_effects();
    m.refresh_done(later, Ok(s(2, &[], 2.0 * HOUR)));
    // The refresh itself succeeded (SignedIn), then the missing session fails the call
    // (SignedOut): the same flicker as the JS.
    let fx = m.take_effects();
    assert_eq!(states(&fx), [SessionState::SignedIn, SessionState::SignedOut]);
    assert_eq!(resolved(&fx), [(id, None)]);
}

#[test]
fn remove_session_flips_state_only_after_the_connector_succeeds() {
    let mut m = signed_in(&[], s(1, &[], HOUR));
    let id = m.remove_session();
    assert_eq!(m.take_effects(), vec![Effect::Remove(id)]);
    assert!(m.cached(T0, None).is_none(), "session is dropped before the request");
    m.remove_done(id, Err(FakeError::Rejected));
    assert_eq!(m.take_effects(), vec![Effect::Reject(id, FakeError::Rejected)]);
    let id = m.remove_session();
    m.take_effects();
    m.remove_done(id, Ok(()));
    assert_eq!(
        m.take_effects(),
        vec![Effect::State(SessionState::SignedOut), Effect::Resolve(id, None)]
    );
}

#[test]
fn a_failed_sign_in_rejects_and_leaves_the_state_alone() {
    let mut m = M::new(ScopeSet::new());
    let id = m.get_session(T0, opts(None, false));
    m.take_effects();
    m.refresh_done(T0, Err(FakeError::Rejected));
    m.take_effects();
    m.create_done(id, Err(FakeError::Rejected));
    assert_eq!(m.take_effects(), vec![Effect::Reject(id, FakeError::Rejected)]);
    assert!(m.cached(T0, None).is_none());
}

#[test]
fn a_waiter_that_restarts_joins_the_next_refresh() {
    // Both calls start without a session; the answer is already stale, so the leader's
    // restart begins a second refresh, which the follower then joins: two requests in all.
    let mut m = M::new(ScopeSet::new());
    let a = m.get_session(T0, opts(None, false));
    let b = m.get_session(T0, opts(None, false));
    m.take_effects();
    m.refresh_done(T0, Ok(s(1, &[], 60_000.0)));
    let fx = m.take_effects();
    assert_eq!(fx.iter().filter(|e| matches!(e, Effect::Refresh(_))).count(), 1);
    m.refresh_done(T0, Ok(s(2, &[], HOUR)));
    assert_eq!(resolved(&m.take_effects()), [(a, Some(2)), (b, Some(2))]);
}
