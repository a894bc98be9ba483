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

/// Completes the refresh in flight.
fn finish(m: &mut M, now: f64, result: Result<Rc<FakeSession>, FakeError>) {
    let id = m.refreshing.as_ref().expect("a refresh in flight").id;
    m.refresh_done(now, id, result);
}

/// The effects 1.20.7 has in a single tab: announcements to other tabs left out (the
/// JS-facing class ignores them with `crossTab: false`), and events, which nobody need
/// subscribe to.
fn local(m: &mut M) -> Vec<Fx> {
    let mut fx = m.take_effects();
    fx.retain(|e| !matches!(e, Effect::Announce(_) | Effect::Event(_)));
    fx
}

/// A manager signed in with `session` through a first refresh.
fn signed_in(defaults: &[&str], session: Rc<FakeSession>) -> M {
    let mut m = M::new(set(defaults), ManagerOptions::default());
    let id = m.get_session(T0, opts(None, false));
    finish(&mut m, T0, Ok(session.clone()));
    let fx = local(&mut m);
    assert!(resolved(&fx).contains(&(id, Some(session.id))));
    m
}

#[test]
fn optional_call_when_signed_out_never_creates_a_session() {
    let mut m = M::new(set(&["openid"]), ManagerOptions::default());
    let id = m.get_session(T0, opts(None, true));
    assert_eq!(local(&mut m), vec![Effect::Refresh(0, set(&["openid"]))]);
    finish(&mut m, T0, Err(FakeError::Rejected));
    // Already signed out: no duplicate SignedOut.
    assert_eq!(local(&mut m), vec![Effect::Resolve(id, None)]);
}

#[test]
fn signed_out_call_creates_a_session_with_extended_scopes() {
    let mut m = M::new(set(&["openid", "profile"]), ManagerOptions::default());
    let o = GetOptions {
        scopes: Some(set(&["repo"])),
        optional: false,
        instant_popup: true,
    };
    let id = m.get_session(T0, o);
    assert_eq!(
        local(&mut m),
        vec![Effect::Refresh(0, set(&["openid", "profile", "repo"]))]
    );
    finish(&mut m, T0, Err(FakeError::Rejected));
    let req = CreateRequest {
        scopes: set(&["openid", "profile", "repo"]),
        instant_popup: true,
        optional: false,
    };
    assert_eq!(local(&mut m), vec![Effect::Create(id, req)]);
    m.create_done(T0, id, Ok(s(1, &["openid", "profile", "repo"], HOUR)));
    let fx = local(&mut m);
    assert_eq!(states(&fx), [SessionState::SignedIn]);
    assert_eq!(resolved(&fx), [(id, Some(1))]);
}

#[test]
fn a_fresh_cached_session_is_served_without_io_until_three_minutes_remain() {
    let mut m = signed_in(&[], s(1, &["a"], HOUR));
    assert_eq!(m.cached(T0, Some(&set(&["a"]))).unwrap().id, 1);
    assert!(m.cached(T0, Some(&set(&["b"]))).is_none());
    let id = m.get_session(T0, opts(Some(&["a"]), false));
    assert_eq!(resolved(&local(&mut m)), [(id, Some(1))]);

    let later = T0 + HOUR - 180_000.0 + 1.0;
    assert!(m.cached(later, None).is_none());
    let id = m.get_session(later, opts(None, false));
    assert_eq!(local(&mut m), vec![Effect::Refresh(1, set(&["a"]))]);
    finish(&mut m, later, Ok(s(2, &["a"], 2.0 * HOUR)));
    let fx = local(&mut m);
    assert_eq!(resolved(&fx), [(id, Some(2))]);
    assert!(states(&fx).is_empty(), "no duplicate SignedIn");
}

#[test]
fn the_shorter_of_the_two_expiries_decides() {
    let mut m = M::new(ScopeSet::new(), ManagerOptions::default());
    let id = m.get_session(T0, opts(None, false));
    local(&mut m);
    let mut short = FakeSession::new(1, &[], Some(T0 + HOUR));
    short.grant.identity_expires = Some(T0 + 60_000.0);
    finish(&mut m, T0, Ok(Rc::new(short)));
    // The first refresh returned a session that already needs refreshing: the JS
    // recursion refreshes once more and returns that answer.
    assert_eq!(
        local(&mut m),
        vec![
            Effect::State(SessionState::SignedIn),
            Effect::Refresh(1, ScopeSet::new())
        ]
    );
    finish(&mut m, T0, Ok(s(2, &[], HOUR)));
    assert_eq!(resolved(&local(&mut m)), [(id, Some(2))]);
}

#[test]
fn concurrent_calls_share_one_refresh() {
    let mut m = M::new(set(&["openid"]), ManagerOptions::default());
    let ids: Vec<CallId> = (0..50).map(|_| m.get_session(T0, opts(None, true))).collect();
    assert_eq!(local(&mut m), vec![Effect::Refresh(0, set(&["openid"]))]);
    finish(&mut m, T0, Ok(s(9, &["openid"], HOUR)));
    let fx = local(&mut m);
    assert_eq!(states(&fx), [SessionState::SignedIn]);
    assert_eq!(resolved(&fx), ids.iter().map(|id| (*id, Some(9))).collect::<Vec<_>>());
}

#[test]
fn followers_get_the_raw_refresh_result_like_the_js() {
    let mut m = M::new(ScopeSet::new(), ManagerOptions::default());
    let leader = m.get_session(T0, opts(Some(&["b"]), false));
    let follower = m.get_session(T0, opts(None, false));
    local(&mut m);
    finish(&mut m, T0, Ok(s(3, &["a"], HOUR)));
    let fx = local(&mut m);
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
    local(&mut m);
    finish(&mut m, later, Err(FakeError::Connection));
    assert_eq!(local(&mut m), vec![Effect::Reject(id, FakeError::Connection)]);
    let id = m.get_session(later, opts(None, true));
    local(&mut m);
    finish(&mut m, later, Err(FakeError::Connection));
    assert_eq!(local(&mut m), vec![Effect::Resolve(id, None)]);
    // Still signed in: a later refresh that works serves the same caller path.
    let id = m.get_session(later, opts(None, true));
    local(&mut m);
    finish(&mut m, later, Ok(s(2, &[], 2.0 * HOUR)));
    assert_eq!(local(&mut m), vec![Effect::Resolve(id, Some(s(2, &[], 2.0 * HOUR)))]);

    let mut fresh = M::new(ScopeSet::new(), ManagerOptions::default());
    let id = fresh.get_session(T0, opts(None, false));
    local(&mut fresh);
    finish(&mut fresh, T0, Err(FakeError::Connection));
    assert_eq!(local(&mut fresh), vec![Effect::Reject(id, FakeError::Connection)]);
}

#[test]
fn a_rejected_refresh_signs_out_locally_then_signs_in_again() {
    let mut m = signed_in(&[], s(1, &["a"], HOUR));
    let later = T0 + HOUR;
    let id = m.get_session(later, opts(None, true));
    local(&mut m);
    finish(&mut m, later, Err(FakeError::Rejected));
    assert_eq!(
        local(&mut m),
        vec![Effect::State(SessionState::SignedOut), Effect::Resolve(id, None)]
    );

    let id = m.get_session(later, opts(None, false));
    local(&mut m);
    finish(&mut m, later, Err(FakeError::Rejected));
    assert!(matches!(local(&mut m)[..], [Effect::Create(i, _)] if i == id));
    m.create_done(T0, id, Ok(s(5, &["a"], 2.0 * HOUR)));
    let fx = local(&mut m);
    assert_eq!(states(&fx), [SessionState::SignedIn]);
    assert_eq!(resolved(&fx), [(id, Some(5))]);
}

#[test]
fn a_new_scope_grows_the_session_scope_set() {
    let mut m = signed_in(&["openid"], s(1, &["openid", "email"], HOUR));
    let id = m.get_session(T0, opts(Some(&["repo"]), false));
    assert_eq!(
        local(&mut m),
        vec![Effect::Refresh(1, set(&["openid", "email", "repo"]))]
    );
    finish(&mut m, T0, Ok(s(2, &["openid", "email", "repo"], HOUR)));
    assert_eq!(resolved(&local(&mut m)), [(id, Some(2))]);
    assert_eq!(m.cached(T0, None).unwrap().id, 2);
}

#[test]
fn a_refresh_that_lost_scopes_is_returned_but_not_cached() {
    let mut m = signed_in(&[], s(1, &["a", "b"], HOUR));
    let later = T0 + HOUR;
    let id = m.get_session(later, opts(Some(&["a"]), false));
    local(&mut m);
    finish(&mut m, later, Ok(s(2, &["a"], 2.0 * HOUR)));
    assert_eq!(resolved(&local(&mut m)), [(id, Some(2))]);
    assert_eq!(m.current.as_ref().unwrap().id, 1);
}

#[test]
fn sign_out_during_a_refresh_counts_as_a_failed_refresh() {
    let mut m = signed_in(&[], s(1, &[], HOUR));
    let later = T0 + HOUR;
    let id = m.get_session(later, opts(None, true));
    local(&mut m);
    let out = m.remove_session(T0);
    m.remove_done(T0, out, Ok(()));
    local(&mut m);
    finish(&mut m, later, Ok(s(2, &[], 2.0 * HOUR)));
    // The refresh itself succeeded (SignedIn), then the missing session fails the call
    // (SignedOut): the same flicker as the JS.
    let fx = local(&mut m);
    assert_eq!(states(&fx), [SessionState::SignedIn, SessionState::SignedOut]);
    assert_eq!(resolved(&fx), [(id, None)]);
}

#[test]
fn remove_session_flips_state_only_after_the_connector_succeeds() {
    let mut m = signed_in(&[], s(1, &[], HOUR));
    let id = m.remove_session(T0);
    assert_eq!(local(&mut m), vec![Effect::Remove(id)]);
    assert!(m.cached(T0, None).is_none(), "session is dropped before the request");
    m.remove_done(T0, id, Err(FakeError::Rejected));
    assert_eq!(local(&mut m), vec![Effect::Reject(id, FakeError::Rejected)]);
    let id = m.remove_session(T0);
    local(&mut m);
    m.remove_done(T0, id, Ok(()));
    assert_eq!(
        local(&mut m),
        vec![Effect::State(SessionState::SignedOut), Effect::Resolve(id, None)]
    );
}

#[test]
fn a_failed_sign_in_rejects_and_leaves_the_state_alone() {
    let mut m = M::new(ScopeSet::new(), ManagerOptions::default());
    let id = m.get_session(T0, opts(None, false));
    local(&mut m);
    finish(&mut m, T0, Err(FakeError::Rejected));
    local(&mut m);
    m.create_done(T0, id, Err(FakeError::Rejected));
    assert_eq!(local(&mut m), vec![Effect::Reject(id, FakeError::Rejected)]);
    assert!(m.cached(T0, None).is_none());
}

#[test]
fn a_waiter_that_restarts_joins_the_next_refresh() {
    // Both calls start without a session; the answer is already stale, so the leader's
    // restart begins a second refresh, which the follower then joins: two requests in all.
    let mut m = M::new(ScopeSet::new(), ManagerOptions::default());
    let a = m.get_session(T0, opts(None, false));
    let b = m.get_session(T0, opts(None, false));
    local(&mut m);
    finish(&mut m, T0, Ok(s(1, &[], 60_000.0)));
    let fx = local(&mut m);
    assert_eq!(fx.iter().filter(|e| matches!(e, Effect::Refresh(..))).count(), 1);
    finish(&mut m, T0, Ok(s(2, &[], HOUR)));
    assert_eq!(resolved(&local(&mut m)), [(a, Some(2)), (b, Some(2))]);
}

// Cross-tab rules: what another tab announced is an input, what this tab announces an
// effect. Two managers stand for two tabs; the test carries the announcements between them.

fn announced(fx: &[Fx]) -> Vec<&Announcement<FakeSession>> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Announce(a) => Some(a),
            _ => None,
        })
        .collect()
}

fn refreshes(fx: &[Fx]) -> Vec<RefreshId> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Refresh(id, _) => Some(*id),
            _ => None,
        })
        .collect()
}

/// The session announcement among `fx`, with its `since`.
fn shared(fx: &[Fx]) -> (Rc<FakeSession>, f64) {
    match announced(fx)[..] {
        [Announcement::Session { session, since }] => (session.clone(), *since),
        ref other => panic!("expected one session announcement, got {other:?}"),
    }
}

#[test]
fn a_tab_waiting_for_the_lock_takes_the_result_of_the_tab_that_held_it() {
    let stale = T0 + HOUR - 60_000.0;
    let mut a = signed_in(&[], s(1, &["a"], HOUR));
    let mut b = signed_in(&[], s(1, &["a"], HOUR));
    a.get_session(stale, opts(None, false));
    let calls: Vec<CallId> = (0..3)
        .map(|_| b.get_session(stale, opts(Some(&["a"]), false)))
        .collect();
    let [b_refresh] = refreshes(&b.take_effects())[..] else {
        panic!()
    };
    a.take_effects();
    // A holds the lock and refreshes; its result is announced before it lets go.
    finish(&mut a, stale, Ok(s(2, &["a"], 2.0 * HOUR)));
    let (session, since) = shared(&a.take_effects());
    assert_eq!(since, stale, "since: when A's request started");
    b.remote_session(stale + 50.0, session, since);
    let fx = b.take_effects();
    assert_eq!(resolved(&fx), calls.iter().map(|c| (*c, Some(2))).collect::<Vec<_>>());
    assert!(announced(&fx).is_empty(), "a taken session is not announced again");
    // Granted the lock now, B sends nothing: its callers were served.
    assert!(!b.refresh_pending(b_refresh));
    assert_eq!(b.cached(stale + 50.0, None).unwrap().id, 2);
}

#[test]
fn a_result_arriving_after_the_lock_was_granted_still_serves_and_the_own_answer_is_late() {
    let stale = T0 + HOUR - 60_000.0;
    let mut b = signed_in(&[], s(1, &["a"], HOUR));
    let call = b.get_session(stale, opts(None, false));
    let [id] = refreshes(&b.take_effects())[..] else {
        panic!()
    };
    assert!(
        b.refresh_pending(id),
        "granted the lock with nothing shared yet: B sends its request"
    );
    b.remote_session(stale + 10.0, s(2, &["a"], 2.0 * HOUR), stale);
    assert_eq!(resolved(&b.take_effects()), [(call, Some(2))]);
    // B's own answer comes after its callers were served: dropped, not announced.
    b.refresh_done(stale + 20.0, id, Ok(s(3, &["a"], 2.0 * HOUR)));
    assert!(b.take_effects().is_empty());
    assert_eq!(b.cached(stale + 20.0, None).unwrap().id, 2);
}

#[test]
fn a_waiting_tab_that_needs_more_scopes_refreshes_itself() {
    let stale = T0 + HOUR - 60_000.0;
    let mut b = signed_in(&[], s(1, &["a"], HOUR));
    let plain = b.get_session(stale, opts(None, false));
    let repo = b.get_session(stale, opts(Some(&["repo"]), false));
    let [id] = refreshes(&b.take_effects())[..] else {
        panic!()
    };
    b.remote_session(stale, s(2, &["a"], 2.0 * HOUR), stale);
    assert!(
        resolved(&b.take_effects()).is_empty(),
        "every waiter waits for the refresh that asks for repo"
    );
    assert!(b.refresh_pending(id));
    b.refresh_done(stale, id, Ok(s(3, &["a", "repo"], 2.0 * HOUR)));
    let fx = b.take_effects();
    assert_eq!(resolved(&fx), [(plain, Some(3)), (repo, Some(3))]);
    assert_eq!(shared(&fx).0.id, 3);
}

#[test]
fn a_tab_closing_while_it_holds_the_lock_leaves_the_refresh_to_the_next() {
    // A took the lock and closed before answering: the browser releases the lock, nothing
    // was announced, and B, granted it, refreshes and shares its own result.
    let stale = T0 + HOUR - 60_000.0;
    let mut b = signed_in(&[], s(1, &["a"], HOUR));
    let call = b.get_session(stale, opts(None, false));
    let [id] = refreshes(&b.take_effects())[..] else {
        panic!()
    };
    assert!(b.refresh_pending(id));
    b.refresh_done(stale + 1500.0, id, Ok(s(2, &["a"], 2.0 * HOUR)));
    let fx = b.take_effects();
    assert_eq!(resolved(&fx), [(call, Some(2))]);
    assert_eq!(shared(&fx), (s(2, &["a"], 2.0 * HOUR), stale));
}

#[test]
fn near_expiry_every_tab_is_served_by_one_refresh() {
    let stale = T0 + HOUR - 60_000.0;
    let mut tabs: Vec<M> = (0..5).map(|_| signed_in(&[], s(1, &["a"], HOUR))).collect();
    let mut ids = Vec::new();
    for t in tabs.iter_mut() {
        t.get_session(stale, opts(None, true));
        ids.push(refreshes(&t.take_effects())[0]);
    }
    // Tab 0 is granted the lock first; the others take its announced result.
    finish(&mut tabs[0], stale, Ok(s(2, &["a"], 2.0 * HOUR)));
    let (session, since) = shared(&tabs[0].take_effects());
    for (t, id) in tabs.iter_mut().zip(&ids).skip(1) {
        t.remote_session(stale + 5.0, session.clone(), since);
        assert_eq!(resolved(&t.take_effects()).len(), 1);
        assert!(!t.refresh_pending(*id), "no /refresh of its own");
    }
}

#[test]
fn signing_out_in_one_tab_signs_out_every_tab() {
    let mut a = signed_in(&[], s(1, &[], HOUR));
    let mut b = signed_in(&[], s(1, &[], HOUR));
    let out = a.remove_session(T0 + 50.0);
    let fx = a.take_effects();
    assert_eq!(
        announced(&fx),
        [&Announcement::SignedOut { at: T0 + 50.0 }],
        "told when it starts"
    );
    a.remove_done(T0 + 100.0, out, Ok(()));
    let fx = a.take_effects();
    let [Announcement::SignedOut { at }] = announced(&fx)[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(*at, T0 + 100.0, "and again when the backend confirmed it");
    b.remote_signed_out(T0 + 51.0, T0 + 50.0);
    assert_eq!(
        b.take_effects(),
        vec![
            Effect::State(SessionState::SignedOut),
            Effect::Event(SessionEvent::SignedOutElsewhere),
            Effect::EndedElsewhere
        ]
    );
    b.remote_signed_out(T0 + 101.0, *at);
    assert!(b.take_effects().is_empty(), "the confirmation changes nothing more");
    // Optional calls are answered signed-out at once: no /refresh the backend would refuse.
    let id = b.get_session(T0 + 102.0, opts(None, true));
    assert_eq!(b.take_effects(), vec![Effect::Resolve(id, None)]);
    // A call that needs a session goes the usual way: refresh, then sign-in.
    b.get_session(T0 + 103.0, opts(None, false));
    assert_eq!(refreshes(&b.take_effects()).len(), 1);
}

#[test]
fn a_signed_out_tab_learning_of_a_sign_out_stays_put() {
    let mut b = M::new(ScopeSet::new(), ManagerOptions::default());
    b.remote_signed_out(T0, T0);
    assert!(
        b.take_effects().is_empty(),
        "no SignedOut twice, no restart of a signed-out page"
    );
    let id = b.get_session(T0, opts(None, true));
    assert_eq!(b.take_effects(), vec![Effect::Resolve(id, None)]);
}

#[test]
fn a_sign_out_racing_a_refresh_wins() {
    let stale = T0 + HOUR - 60_000.0;
    let mut b = signed_in(&[], s(1, &[], HOUR));
    let optional = b.get_session(stale, opts(None, true));
    let required = b.get_session(stale, opts(None, false));
    let [id] = refreshes(&b.take_effects())[..] else {
        panic!()
    };
    // Another tab signs out while B's refresh is in flight.
    b.remote_signed_out(stale + 10.0, stale + 5.0);
    let fx = b.take_effects();
    assert_eq!(states(&fx), [SessionState::SignedOut]);
    assert_eq!(resolved(&fx), [(optional, None)]);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Create(c, _) if *c == required)),
        "sign in again"
    );
    assert!(fx.contains(&Effect::EndedElsewhere));
    assert!(!b.refresh_pending(id));
    // Its answer, whatever the backend said before the cookie was cleared, is dropped.
    b.refresh_done(stale + 20.0, id, Ok(s(2, &[], 2.0 * HOUR)));
    assert!(b.take_effects().is_empty());
    assert!(b.cached(stale + 20.0, None).is_none());
}

#[test]
fn a_session_from_before_a_sign_out_is_never_taken() {
    // C heard A's sign-out at 200, then B's announcement of a refresh B started at 150.
    let mut c = signed_in(&[], s(1, &[], HOUR));
    c.remote_signed_out(T0 + 201.0, T0 + 200.0);
    c.take_effects();
    c.remote_session(T0 + 202.0, s(2, &[], 2.0 * HOUR), T0 + 150.0);
    assert!(c.take_effects().is_empty());
    assert!(c.cached(T0 + 202.0, None).is_none());
    // One obtained after it signs C in.
    c.remote_session(T0 + 203.0, s(3, &[], 2.0 * HOUR), T0 + 250.0);
    assert_eq!(states(&c.take_effects()), [SessionState::SignedIn]);
}

#[test]
fn a_session_this_tab_obtained_after_the_sign_out_is_kept() {
    let mut b = M::new(ScopeSet::new(), ManagerOptions::default());
    let id = b.get_session(T0, opts(None, false));
    finish(&mut b, T0, Err(FakeError::Rejected));
    b.take_effects();
    b.create_done(T0 + 300.0, id, Ok(s(1, &[], HOUR)));
    b.take_effects();
    // A's sign-out at 200 reaches B after B signed in through its popup at 300.
    b.remote_signed_out(T0 + 301.0, T0 + 200.0);
    assert!(b.take_effects().is_empty());
    assert_eq!(b.cached(T0 + 301.0, None).unwrap().id, 1);
}

#[test]
fn a_refresh_started_after_a_sign_out_is_not_cut_short() {
    let mut b = M::new(ScopeSet::new(), ManagerOptions::default());
    b.remote_signed_out(T0, T0);
    let id = b.get_session(T0 + 10.0, opts(None, false));
    b.take_effects();
    b.remote_signed_out(T0 + 11.0, T0 + 5.0);
    assert!(b.take_effects().is_empty());
    finish(&mut b, T0 + 20.0, Ok(s(1, &[], HOUR)));
    assert_eq!(resolved(&b.take_effects()), [(id, Some(1))]);
}

#[test]
fn signing_in_in_one_tab_signs_in_the_signed_out_tabs() {
    let mut a = M::new(ScopeSet::new(), ManagerOptions::default());
    let mut b = M::new(ScopeSet::new(), ManagerOptions::default());
    let id = b.get_session(T0, opts(None, true));
    b.take_effects();
    finish(&mut b, T0, Err(FakeError::Rejected));
    assert_eq!(local(&mut b), vec![Effect::Resolve(id, None)]);
    // A signs in through its popup.
    let call = a.get_session(T0, opts(None, false));
    finish(&mut a, T0, Err(FakeError::Rejected));
    a.take_effects();
    a.create_done(T0 + 500.0, call, Ok(s(1, &["a"], HOUR)));
    let (session, since) = shared(&a.take_effects());
    assert_eq!(since, T0 + 500.0);
    b.remote_session(T0 + 501.0, session, since);
    assert_eq!(
        b.take_effects(),
        vec![
            Effect::Event(SessionEvent::SignedInElsewhere),
            Effect::State(SessionState::SignedIn)
        ]
    );
    // B's next call: no popup, no request.
    let next = b.get_session(T0 + 502.0, opts(Some(&["a"]), false));
    assert_eq!(b.take_effects(), vec![Effect::Resolve(next, Some(s(1, &["a"], HOUR)))]);
}

#[test]
fn only_a_session_at_least_as_good_replaces_the_current_one() {
    let mut b = signed_in(&[], s(1, &["a", "b"], HOUR));
    b.remote_session(T0, s(2, &["a"], 2.0 * HOUR), T0);
    b.remote_session(T0, s(3, &["a", "b"], HOUR / 2.0), T0);
    b.remote_session(T0, s(4, &["a", "b"], 100_000.0), T0);
    assert!(b.take_effects().is_empty());
    assert_eq!(
        b.cached(T0, None).unwrap().id,
        1,
        "fewer scopes, shorter, or due for refresh: kept"
    );
    b.remote_session(T0, s(5, &["a", "b", "c"], 2.0 * HOUR), T0);
    let refreshed = SessionEvent::Refreshed {
        other_tab: true,
        expires_at: Some(T0 + 2.0 * HOUR),
    };
    assert_eq!(
        b.take_effects(),
        vec![Effect::Event(refreshed)],
        "already signed in: no second SignedIn, but the news"
    );
    assert_eq!(b.cached(T0, None).unwrap().id, 5);
}

#[test]
fn while_this_tab_signs_out_nothing_from_other_tabs_is_taken() {
    let mut b = signed_in(&[], s(1, &[], HOUR));
    let out = b.remove_session(T0);
    b.take_effects();
    b.remote_session(T0 + 10.0, s(2, &[], 2.0 * HOUR), T0 + 5.0);
    assert!(b.take_effects().is_empty());
    b.remove_done(T0 + 20.0, out, Ok(()));
    b.take_effects();
    assert!(b.cached(T0 + 20.0, None).is_none());
    b.remote_session(T0 + 30.0, s(3, &[], 2.0 * HOUR), T0 + 15.0);
    assert!(
        b.cached(T0 + 30.0, None).is_none(),
        "started before this tab's sign-out"
    );
}

#[test]
fn a_session_obtained_while_the_backend_clears_the_cookie_ends_with_the_confirmation() {
    // C refreshed between A's sign-out starting (50) and the backend confirming it (100).
    let mut c = M::new(ScopeSet::new(), ManagerOptions::default());
    c.remote_signed_out(T0 + 51.0, T0 + 50.0);
    c.remote_session(T0 + 70.0, s(1, &[], HOUR), T0 + 60.0);
    assert_eq!(states(&c.take_effects()), [SessionState::SignedIn]);
    c.remote_signed_out(T0 + 101.0, T0 + 100.0);
    assert_eq!(
        c.take_effects(),
        vec![
            Effect::State(SessionState::SignedOut),
            Effect::Event(SessionEvent::SignedOutElsewhere),
            Effect::EndedElsewhere
        ]
    );
}

/// `retry`, `proactiveRefresh` and the session events.
#[path = "manager_resilience_tests.rs"]
mod resilience;
