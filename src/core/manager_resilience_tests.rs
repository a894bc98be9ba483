//! The options 1.20.7 lacks: retried refreshes, background refresh, session events.
use super::*;
use crate::core::retry::RetryPolicy;

const POLICY: RetryPolicy = RetryPolicy {
    attempts: 3,
    base_delay_ms: 100.0,
    max_delay_ms: 8000.0,
};

fn with(retry: Option<RetryPolicy>, proactive: bool) -> M {
    M::new(
        ScopeSet::new(),
        ManagerOptions {
            retry,
            proactive,
            seed: 7,
        },
    )
}

fn events(fx: &[Fx]) -> Vec<&SessionEvent<FakeError>> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Event(ev) => Some(ev),
            _ => None,
        })
        .collect()
}

/// The waits before a retry the manager set its timer for, counted from `now`.
fn retries(fx: &[Fx], now: f64) -> Vec<f64> {
    wakes(fx).into_iter().flatten().map(|at| at - now).collect()
}

fn wakes(fx: &[Fx]) -> Vec<Option<f64>> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::WakeAt(at) => Some(*at),
            _ => None,
        })
        .collect()
}

/// A manager with `retry` signed in with a session of `lifetime`.
fn signed_in_with(retry: Option<RetryPolicy>, proactive: bool, lifetime: f64) -> M {
    let mut m = with(retry, proactive);
    m.get_session(T0, opts(None, false));
    finish(&mut m, T0, Ok(s(1, &[], lifetime)));
    m.take_effects();
    m
}

#[test]
fn a_transient_failure_is_tried_again_with_growing_waits_for_every_caller() {
    let mut m = with(Some(POLICY), false);
    let first = m.get_session(T0, opts(None, false));
    let fx = m.take_effects();
    assert_eq!(refreshes(&fx), [0]);
    m.refresh_done(T0 + 10.0, 0, Err(FakeError::Unavailable(None)));
    let fx = m.take_effects();
    let [wait1] = retries(&fx, T0 + 10.0)[..] else {
        panic!("{fx:?}")
    };
    assert!((50.0..=100.0).contains(&wait1), "{wait1}");
    assert_eq!(
        events(&fx),
        [&SessionEvent::RefreshFailed {
            transient: true,
            attempt: 1,
            retry_at: Some(T0 + 10.0 + wait1),
            error: FakeError::Unavailable(None),
        }]
    );
    assert!(resolved(&fx).is_empty(), "the caller waits");
    // A call while the retry waits joins it: one schedule for all.
    let second = m.get_session(T0 + 20.0, opts(None, false));
    assert!(m.take_effects().is_empty());
    // Woken before the time (the tab came back online, say): nothing is sent yet, the
    // timer is set again.
    m.wake(T0 + 11.0);
    assert_eq!(m.take_effects(), [Effect::WakeAt(Some(T0 + 10.0 + wait1))]);
    m.wake(T0 + 110.0);
    assert_eq!(refreshes(&m.take_effects()), [0]);
    m.refresh_done(T0 + 120.0, 0, Err(FakeError::Connection));
    let fx = m.take_effects();
    let [wait2] = retries(&fx, T0 + 120.0)[..] else {
        panic!("{fx:?}")
    };
    assert!((100.0..=200.0).contains(&wait2) && wait2 >= wait1, "{wait2}");
    m.wake(T0 + 400.0);
    assert_eq!(refreshes(&m.take_effects()), [0]);
    m.refresh_done(T0 + 410.0, 0, Ok(s(1, &[], HOUR)));
    let fx = m.take_effects();
    assert_eq!(resolved(&fx), [(first, Some(1)), (second, Some(1))]);
    assert_eq!(states(&fx), [SessionState::SignedIn]);
    assert!(matches!(
        events(&fx)[..],
        [SessionEvent::Refreshed { other_tab: false, .. }]
    ));
}

#[test]
fn a_final_failure_is_never_tried_again() {
    let mut m = with(Some(POLICY), false);
    let id = m.get_session(T0, opts(None, false));
    m.take_effects();
    finish(&mut m, T0, Err(FakeError::Rejected));
    let fx = m.take_effects();
    assert!(wakes(&fx).is_empty());
    assert!(
        events(&fx).is_empty(),
        "a signed-out page's first /refresh refused is no news"
    );
    assert!(matches!(fx[..], [Effect::Create(c, _)] if c == id));
}

#[test]
fn retry_after_replaces_the_wait_and_one_beyond_the_cap_ends_the_tries() {
    let mut m = with(Some(POLICY), false);
    m.get_session(T0, opts(None, false));
    m.take_effects();
    finish(&mut m, T0, Err(FakeError::Unavailable(Some(2500))));
    assert_eq!(retries(&m.take_effects(), T0), [2500.0]);
    m.wake(T0 + 2500.0);
    m.take_effects();
    finish(&mut m, T0 + 2600.0, Err(FakeError::Unavailable(Some(9000))));
    let fx = m.take_effects();
    assert!(retries(&fx, T0 + 2600.0).is_empty());
    assert!(
        matches!(fx.last(), Some(Effect::Reject(_, FakeError::Connection))),
        "{fx:?}"
    );
}

#[test]
fn after_the_last_try_callers_get_a_connection_error_and_the_session_is_kept() {
    let stale = T0 + HOUR - 60_000.0;
    let mut m = signed_in_with(Some(POLICY), false, HOUR);
    let wanting_more = m.get_session(T0, opts(Some(&["repo"]), false));
    m.take_effects();
    for attempt in 1..=3 {
        finish(&mut m, T0, Err(FakeError::Unavailable(None)));
        if attempt < 3 {
            m.wake(T0 + 10_000.0);
        }
    }
    let fx = m.take_effects();
    assert!(
        fx.contains(&Effect::Reject(wanting_more, FakeError::Connection)),
        "{fx:?}"
    );
    assert_eq!(
        events(&fx).last(),
        Some(&&SessionEvent::RefreshFailed {
            transient: true,
            attempt: 3,
            retry_at: None,
            error: FakeError::Connection,
        })
    );
    assert!(states(&fx).is_empty(), "still signed in");
    assert_eq!(
        m.cached(T0, None).map(|s| s.id),
        Some(1),
        "the valid session is still served"
    );
    assert!(m.cached(stale, None).is_none());
}

#[test]
fn without_retry_a_transient_failure_is_what_1_20_7_does_with_it() {
    let mut m = signed_in_with(None, false, HOUR);
    let stale = T0 + HOUR - 60_000.0;
    let id = m.get_session(stale, opts(None, false));
    m.take_effects();
    finish(&mut m, stale, Err(FakeError::Unavailable(None)));
    let fx = m.take_effects();
    assert!(wakes(&fx).is_empty());
    assert_eq!(states(&fx), [SessionState::SignedOut]);
    assert!(matches!(fx.last(), Some(Effect::Create(c, _)) if *c == id));
    // A refresh of a session this tab had: the app hears of it.
    assert_eq!(
        events(&fx),
        [&SessionEvent::RefreshFailed {
            transient: true,
            attempt: 1,
            retry_at: None,
            error: FakeError::Unavailable(None),
        }]
    );
}

#[test]
fn a_retry_another_tab_settled_is_not_sent() {
    let mut m = with(Some(POLICY), false);
    let id = m.get_session(T0, opts(None, false));
    m.take_effects();
    finish(&mut m, T0, Err(FakeError::Connection));
    m.take_effects();
    m.remote_session(T0 + 10.0, s(2, &[], HOUR), T0 + 5.0);
    let fx = m.take_effects();
    assert_eq!(resolved(&fx), [(id, Some(2))]);
    assert_eq!(wakes(&fx), [None], "the timer is cleared");
    m.wake(T0 + 100.0);
    assert!(m.take_effects().is_empty());
}

#[test]
fn a_retry_time_the_tab_slept_through_is_tried_when_it_wakes() {
    let mut m = with(Some(POLICY), false);
    m.get_session(T0, opts(None, false));
    m.take_effects();
    m.wake(T0 + HOUR);
    assert!(m.take_effects().is_empty(), "the first try is still out");
    finish(&mut m, T0, Err(FakeError::Connection));
    m.take_effects();
    // The laptop slept; no timer fired. Waking hours later, the retry goes at once.
    m.wake(T0 + 3.0 * HOUR);
    assert_eq!(refreshes(&m.take_effects()), [0]);
}

#[test]
fn a_session_sets_its_wake_up_at_its_refresh_window() {
    let mut m = with(None, true);
    m.get_session(T0, opts(None, false));
    m.take_effects();
    finish(&mut m, T0, Ok(s(1, &[], HOUR)));
    let window = T0 + HOUR - 180_000.0;
    assert_eq!(wakes(&m.take_effects()), [Some(window)]);
    // Woken early (a clock change): nothing is sent, the time is set again.
    m.wake(window - 1000.0);
    assert_eq!(m.take_effects(), [Effect::WakeAt(Some(window))]);
    // By the wall clock: a tab that slept hours past it refreshes when it wakes.
    m.wake(T0 + 5.0 * HOUR);
    let fx = m.take_effects();
    assert_eq!(fx, [Effect::Refresh(1, ScopeSet::new())]);
    finish(&mut m, T0 + 5.0 * HOUR, Ok(s(2, &[], 6.0 * HOUR)));
    let fx = m.take_effects();
    assert_eq!(wakes(&fx), [Some(T0 + 6.0 * HOUR - 180_000.0)]);
    assert!(resolved(&fx).is_empty() && states(&fx).is_empty());
    assert!(matches!(
        events(&fx)[..],
        [SessionEvent::Refreshed { other_tab: false, .. }]
    ));
    assert_eq!(
        m.cached(T0 + 5.0 * HOUR, None).map(|s| s.id),
        Some(2),
        "kept without a caller"
    );
}

#[test]
fn a_background_refresh_refused_ends_the_session_with_news_for_the_app() {
    let mut m = signed_in_with(None, true, HOUR);
    let due = T0 + HOUR - 60_000.0;
    m.wake(due);
    m.take_effects();
    finish(&mut m, due, Err(FakeError::Rejected));
    let fx = m.take_effects();
    assert_eq!(states(&fx), [SessionState::SignedOut]);
    assert!(wakes(&fx).is_empty() && m.armed.is_none(), "no session, no timer");
    assert!(matches!(
        events(&fx)[..],
        [SessionEvent::RefreshFailed {
            transient: false,
            attempt: 1,
            ..
        }]
    ));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Create(..))),
        "no caller: no sign-in popup"
    );
}

#[test]
fn a_background_refresh_that_cannot_reach_the_backend_keeps_the_session() {
    let mut m = signed_in_with(None, true, HOUR);
    let due = T0 + HOUR - 60_000.0;
    m.wake(due);
    m.take_effects();
    finish(&mut m, due, Err(FakeError::Connection));
    let fx = m.take_effects();
    assert!(states(&fx).is_empty());
    assert!(
        wakes(&fx).is_empty(),
        "no timer in the window: the next call, `online` or visibility retries"
    );
    assert!(matches!(
        events(&fx)[..],
        [SessionEvent::RefreshFailed { transient: true, .. }]
    ));
    assert!(m.current.is_some());
}

#[test]
fn a_call_during_a_background_refresh_joins_it() {
    let mut m = signed_in_with(None, true, HOUR);
    let due = T0 + HOUR - 60_000.0;
    m.wake(due);
    m.take_effects();
    let id = m.get_session(due, opts(None, false));
    assert!(m.take_effects().is_empty(), "no second /refresh");
    finish(&mut m, due, Ok(s(2, &[], 2.0 * HOUR)));
    assert_eq!(resolved(&m.take_effects()), [(id, Some(2))]);
}

#[test]
fn no_wake_ups_without_the_option_a_session_or_time_to_spare() {
    let mut m = signed_in_with(None, false, HOUR);
    m.wake(T0 + HOUR);
    assert!(m.take_effects().is_empty(), "proactiveRefresh off");
    let mut m = with(None, true);
    m.wake(T0);
    assert!(m.take_effects().is_empty(), "no session");
    m.get_session(T0, opts(None, false));
    m.take_effects();
    finish(&mut m, T0, Ok(s(1, &[], 60_000.0)));
    assert!(
        wakes(&m.take_effects()).is_empty() && m.armed.is_none(),
        "born inside its window: no timer that fires at once"
    );
    let mut m = signed_in_with(None, true, HOUR);
    let out = m.remove_session(T0);
    assert_eq!(wakes(&m.take_effects()), [None]);
    m.wake(T0 + HOUR);
    assert!(m.take_effects().is_empty(), "signing out");
    m.remove_done(T0, out, Ok(()));
}

#[test]
fn another_tabs_refresh_serves_a_background_refresh_and_its_late_answer_is_dropped() {
    let mut m = signed_in_with(None, true, HOUR);
    let due = T0 + HOUR - 60_000.0;
    m.wake(due);
    m.take_effects();
    m.remote_session(due + 5.0, s(2, &[], 2.0 * HOUR), due);
    let fx = m.take_effects();
    assert!(matches!(
        events(&fx)[..],
        [SessionEvent::Refreshed { other_tab: true, .. }]
    ));
    assert!(
        !m.refresh_pending(1),
        "the lock holder's result served it: nothing to send"
    );
    finish_late(&mut m, due + 10.0, 1);
    assert!(m.take_effects().is_empty());
    assert_eq!(m.cached(due, None).map(|s| s.id), Some(2));
}

fn finish_late(m: &mut M, now: f64, id: RefreshId) {
    m.refresh_done(now, id, Ok(s(3, &[], 3.0 * HOUR)));
}
