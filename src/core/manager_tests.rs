use super::*;
use crate::core::testing::{run_until_stalled, FakeClock, FakeConnector, FakeError, FakeSession};
use alloc::vec::Vec;

const HOUR: f64 = 3_600_000.0;

type TestManager = SessionManager<Rc<FakeConnector>, FakeClock>;

struct Harness {
    manager: Rc<TestManager>,
    fake: Rc<FakeConnector>,
    clock: FakeClock,
    states: Rc<RefCell<Vec<SessionState>>>,
}

fn harness(defaults: &[&str]) -> Harness {
    let fake = Rc::new(FakeConnector::default());
    let clock = FakeClock::default();
    clock.0.set(1_000_000.0);
    let states = Rc::new(RefCell::new(Vec::new()));
    let sink = states.clone();
    let manager = Rc::new(SessionManager::new(
        fake.clone(),
        clock.clone(),
        defaults.iter().copied().collect(),
        Box::new(move |s| sink.borrow_mut().push(s)),
    ));
    Harness {
        manager,
        fake,
        clock,
        states,
    }
}

fn opts(scopes: Option<&[&str]>, optional: bool) -> GetOptions {
    GetOptions {
        scopes: scopes.map(|s| s.iter().copied().collect()),
        optional,
        instant_popup: false,
    }
}

fn get(h: &Harness, o: GetOptions) -> Result<Option<u32>, FakeError> {
    let mut fut = Box::pin(async { h.manager.get_session(&o).await });
    run_until_stalled(fut.as_mut())
        .expect("future stalled")
        .map(|s| s.map(|s| s.id))
}

fn session(id: u32, scopes: &[&str], h: &Harness, lifetime: f64) -> FakeSession {
    FakeSession::new(id, scopes, Some(h.clock.0.get() + lifetime))
}

#[test]
fn optional_call_when_signed_out_never_creates_a_session() {
    let h = harness(&["openid"]);
    assert_eq!(get(&h, opts(None, true)), Ok(None));
    assert_eq!(h.fake.refresh_requests.borrow().len(), 1);
    assert!(h.fake.create_requests.borrow().is_empty());
    assert!(
        h.states.borrow().is_empty(),
        "already signed out: no duplicate emission"
    );
}

#[test]
fn signed_out_call_creates_a_session_with_extended_scopes() {
    let h = harness(&["openid", "profile"]);
    h.fake
        .create_answers
        .borrow_mut()
        .push_back(Ok(session(1, &["openid", "profile", "repo"], &h, HOUR)));
    let o = GetOptions {
        scopes: Some(["repo"].into_iter().collect()),
        optional: false,
        instant_popup: true,
    };
    assert_eq!(get(&h, o), Ok(Some(1)));
    assert_eq!(h.fake.refresh_requests.borrow()[0].join(), "openid profile repo");
    let req = &h.fake.create_requests.borrow()[0];
    assert_eq!(req.scopes.join(), "openid profile repo");
    assert!(req.instant_popup);
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn]);
}

#[test]
fn a_fresh_cached_session_is_served_without_io_until_three_minutes_remain() {
    let h = harness(&[]);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(1, &["a"], &h, HOUR)));
    assert_eq!(get(&h, opts(Some(&["a"]), false)), Ok(Some(1)));
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn]);
    assert!(h.manager.cached(Some(&["a"].into_iter().collect())).is_some());
    assert!(h.manager.cached(Some(&["b"].into_iter().collect())).is_none());
    assert_eq!(get(&h, opts(Some(&["a"]), false)), Ok(Some(1)));
    assert_eq!(h.fake.refresh_requests.borrow().len(), 1);

    h.clock.0.set(h.clock.0.get() + HOUR - 180_000.0 + 1.0);
    assert!(h.manager.cached(None).is_none());
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(2, &["a"], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(2)));
    assert_eq!(h.fake.refresh_requests.borrow().len(), 2);
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn], "no duplicate SignedIn");
}

#[test]
fn the_shorter_of_the_two_expiries_decides() {
    let h = harness(&[]);
    let mut s = session(1, &[], &h, HOUR);
    s.identity_expires = Some(h.clock.0.get() + 60_000.0);
    h.fake.refresh_answers.borrow_mut().push_back(Ok(s.clone()));
    // The first refresh returns a session that already needs refreshing: the JS
    // recursion refreshes once more and returns that answer.
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(2, &[], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(2)));
    assert_eq!(h.fake.refresh_requests.borrow().len(), 2);
}

#[test]
fn concurrent_calls_share_one_refresh() {
    let h = harness(&["openid"]);
    let gate = Shared::new();
    *h.fake.gate.borrow_mut() = Some(gate.clone());
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(9, &["openid"], &h, HOUR)));
    let o = opts(None, true);
    let mut futs: Vec<_> = (0..50)
        .map(|_| Box::pin(async { h.manager.get_session(&o).await }))
        .collect();
    for f in futs.iter_mut() {
        assert!(run_until_stalled(f.as_mut()).is_none());
    }
    gate.resolve(());
    for f in futs.iter_mut() {
        let got = run_until_stalled(f.as_mut()).expect("resolved");
        assert_eq!(got.unwrap().unwrap().id, 9);
    }
    assert_eq!(h.fake.refresh_requests.borrow().len(), 1);
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn]);
}

#[test]
fn followers_get_the_raw_refresh_result_like_the_js() {
    let h = harness(&[]);
    let gate = Shared::new();
    *h.fake.gate.borrow_mut() = Some(gate.clone());
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(3, &["a"], &h, HOUR)));
    h.fake
        .create_answers
        .borrow_mut()
        .push_back(Ok(session(4, &["a", "b"], &h, HOUR)));
    let leader_opts = opts(Some(&["b"]), false);
    let follower_opts = opts(None, false);
    let mut leader = Box::pin(async { h.manager.get_session(&leader_opts).await });
    let mut follower = Box::pin(async { h.manager.get_session(&follower_opts).await });
    assert!(run_until_stalled(leader.as_mut()).is_none());
    assert!(run_until_stalled(follower.as_mut()).is_none());
    gate.resolve(());
    *h.fake.gate.borrow_mut() = None;
    // The leader asked for "b" and did not get it: refresh failed, so it signs in anew.
    assert_eq!(run_until_stalled(leader.as_mut()).unwrap().unwrap().unwrap().id, 4);
    // The follower was handed the raw answer, which has every scope it asked for.
    assert_eq!(run_until_stalled(follower.as_mut()).unwrap().unwrap().unwrap().id, 3);
    assert_eq!(h.fake.create_requests.borrow()[0].scopes.join(), "b");
}

#[test]
fn connection_errors_keep_the_session_and_never_pop_up() {
    let h = harness(&[]);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(1, &[], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(1)));
    h.clock.0.set(h.clock.0.get() + HOUR);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Err(FakeError::Connection));
    assert_eq!(get(&h, opts(None, false)), Err(FakeError::Connection));
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Err(FakeError::Connection));
    assert_eq!(get(&h, opts(None, true)), Ok(None));
    assert!(h.fake.create_requests.borrow().is_empty());
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn], "still signed in");
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(2, &[], &h, HOUR)));
    assert_eq!(get(&h, opts(None, true)), Ok(Some(2)));

    let fresh = harness(&[]);
    fresh
        .fake
        .refresh_answers
        .borrow_mut()
        .push_back(Err(FakeError::Connection));
    assert_eq!(get(&fresh, opts(None, false)), Err(FakeError::Connection));
    assert!(fresh.fake.create_requests.borrow().is_empty());
}

#[test]
fn a_rejected_refresh_signs_out_locally_then_signs_in_again() {
    let h = harness(&[]);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(1, &["a"], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(1)));
    h.clock.0.set(h.clock.0.get() + HOUR);
    h.fake.refresh_answers.borrow_mut().push_back(Err(FakeError::Rejected));
    assert_eq!(get(&h, opts(None, true)), Ok(None));
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn, SessionState::SignedOut]);

    h.fake.refresh_answers.borrow_mut().push_back(Err(FakeError::Rejected));
    h.fake
        .create_answers
        .borrow_mut()
        .push_back(Ok(session(5, &["a"], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(5)));
    assert_eq!(
        *h.states.borrow(),
        [SessionState::SignedIn, SessionState::SignedOut, SessionState::SignedIn]
    );
}

#[test]
fn a_new_scope_grows_the_session_scope_set() {
    let h = harness(&["openid"]);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(1, &["openid", "email"], &h, HOUR)));
    assert_eq!(get(&h, opts(Some(&["email"]), false)), Ok(Some(1)));
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(2, &["openid", "email", "repo"], &h, HOUR)));
    assert_eq!(get(&h, opts(Some(&["repo"]), false)), Ok(Some(2)));
    assert_eq!(h.fake.refresh_requests.borrow()[1].join(), "openid email repo");
    assert_eq!(h.manager.cached(None).unwrap().id, 2);
}

#[test]
fn a_refresh_that_lost_scopes_is_returned_but_not_cached() {
    let h = harness(&[]);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(1, &["a", "b"], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(1)));
    h.clock.0.set(h.clock.0.get() + HOUR);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(2, &["a"], &h, HOUR)));
    assert_eq!(get(&h, opts(Some(&["a"]), false)), Ok(Some(2)));
    assert_eq!(h.manager.state.borrow().current.as_ref().unwrap().id, 1);
}

#[test]
fn sign_out_during_a_refresh_counts_as_a_failed_refresh() {
    let h = harness(&[]);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(1, &[], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(1)));
    h.clock.0.set(h.clock.0.get() + HOUR);
    let gate = Shared::new();
    *h.fake.gate.borrow_mut() = Some(gate.clone());
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(2, &[], &h, HOUR)));
    let o = opts(None, true);
    let mut call = Box::pin(async { h.manager.get_session(&o).await });
    assert!(run_until_stalled(call.as_mut()).is_none());
    h.manager.remove_local_session();
    gate.resolve(());
    assert_eq!(run_until_stalled(call.as_mut()).unwrap(), Ok(None));
}

#[test]
fn remove_session_flips_state_only_after_the_connector_succeeds() {
    let h = harness(&[]);
    h.fake
        .refresh_answers
        .borrow_mut()
        .push_back(Ok(session(1, &[], &h, HOUR)));
    assert_eq!(get(&h, opts(None, false)), Ok(Some(1)));
    h.fake.remove_answers.borrow_mut().push_back(Err(FakeError::Rejected));
    let mut rm = Box::pin(async { h.manager.remove_session().await });
    assert_eq!(run_until_stalled(rm.as_mut()), Some(Err(FakeError::Rejected)));
    assert!(
        h.manager.cached(None).is_none(),
        "session is dropped before the request"
    );
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn]);
    let mut rm = Box::pin(async { h.manager.remove_session().await });
    assert_eq!(run_until_stalled(rm.as_mut()), Some(Ok(())));
    assert_eq!(*h.states.borrow(), [SessionState::SignedIn, SessionState::SignedOut]);
    assert_eq!(h.fake.remove_calls.get(), 2);
}

#[test]
fn a_dropped_refresh_releases_its_followers() {
    let h = harness(&[]);
    *h.fake.gate.borrow_mut() = Some(Shared::new());
    let o = opts(None, true);
    let mut leader = Box::pin(async { h.manager.get_session(&o).await });
    let mut follower = Box::pin(async { h.manager.get_session(&o).await });
    assert!(run_until_stalled(leader.as_mut()).is_none());
    assert!(run_until_stalled(follower.as_mut()).is_none());
    drop(leader);
    assert_eq!(run_until_stalled(follower.as_mut()), Some(Ok(None)));
    assert!(h.manager.state.borrow().refresh.is_none());
}

#[test]
fn state_callbacks_may_reenter_the_manager() {
    let fake = Rc::new(FakeConnector::default());
    let clock = FakeClock::default();
    let slot: Rc<RefCell<Option<Rc<TestManager>>>> = Rc::default();
    let seen = slot.clone();
    let m = Rc::new(SessionManager::new(
        fake.clone(),
        clock,
        ScopeSet::new(),
        // As in the JS, SignedIn is announced before the session is stored, so a
        // re-entrant observer sees no cached session yet; what matters is no panic.
        Box::new(move |_| {
            let m = seen.borrow().clone().unwrap();
            assert!(m.cached(None).is_none());
        }),
    ));
    *slot.borrow_mut() = Some(m.clone());
    fake.refresh_answers
        .borrow_mut()
        .push_back(Ok(FakeSession::new(1, &[], None)));
    let o = opts(None, false);
    let mut f = Box::pin(async { m.get_session(&o).await });
    assert!(run_until_stalled(f.as_mut()).unwrap().is_ok());
    slot.borrow_mut().take();
}
