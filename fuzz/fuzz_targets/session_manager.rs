//! The session manager driven by arbitrary sequences of calls, connector completions (in
//! any order, late ones included), other tabs' announcements and clock steps, checked
//! against its invariants after every step:
//! - every call is answered at most once, and a sign-in is only started for a call that
//!   may show one (not an optional call);
//! - at most one `/refresh` has callers waiting on it at any time;
//! - the state never repeats itself, and a cached session always has the scopes asked
//!   for and is never due for refresh;
//! - a sign-out forgets the session at once.
//!
//! With `retry` and `proactiveRefresh` drawn too: every retry wait is within the policy's
//! cap, a retried try never overlaps another, and a wake-up is only set with an option on,
//! never in the past and never twice in a row.
//!
//! And once every outstanding connector operation completes (and every retry comes due),
//! every call has been answered (nothing waits forever).
#![no_main]
use arbitrary::Arbitrary;
use backstage_oauth2_wasm::core::expiry::should_refresh;
use backstage_oauth2_wasm::core::manager::{
    Announcement, CallId, Effect, GetOptions, ManagerOptions, RefreshId, SessionEvent, SessionInfo, SessionManager,
};
use backstage_oauth2_wasm::core::retry::RetryPolicy;
use backstage_oauth2_wasm::core::scopes::ScopeSet;
use backstage_oauth2_wasm::core::state::SessionState;
use backstage_oauth2_wasm::core::testing::{FakeError, FakeSession};
use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use std::rc::Rc;

const SCOPES: [&str; 4] = ["openid", "profile", "email", "repo"];

fn scopes(mask: u8) -> ScopeSet {
    SCOPES
        .iter()
        .enumerate()
        .filter(|(i, _)| mask >> i & 1 == 1)
        .map(|(_, s)| *s)
        .collect()
}

#[derive(Arbitrary, Debug)]
enum Outcome {
    Session { scopes: u8, lifetime_s: Option<u16> },
    ConnectionError,
    Rejected,
    Unavailable { retry_after_ms: Option<u16> },
}

#[derive(Arbitrary, Debug)]
enum Op {
    Get {
        scopes: Option<u8>,
        optional: bool,
        instant_popup: bool,
    },
    SignOut,
    FinishRefresh {
        pick: u8,
        outcome: Outcome,
    },
    FinishCreate {
        pick: u8,
        outcome: Outcome,
    },
    FinishRemove {
        pick: u8,
        ok: bool,
    },
    RemoteSession {
        scopes: u8,
        lifetime_s: Option<u16>,
        age_ms: u16,
    },
    RemoteSignedOut {
        age_ms: u16,
    },
    Wait {
        ms: u32,
    },
    /// The wake-up time came (the clock moves to it), or the tab woke early.
    WakeUp {
        on_time: bool,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    defaults: u8,
    retry: Option<(u8, u16, u16)>,
    proactive: bool,
    seed: u32,
    ops: Vec<Op>,
}

enum Call {
    Get(GetOptions),
    SignOut,
}

struct Harness {
    m: SessionManager<FakeSession, FakeError>,
    now: f64,
    next_session: u32,
    open: HashMap<CallId, Call>,
    refreshes: Vec<RefreshId>,
    creates: Vec<CallId>,
    removes: Vec<CallId>,
    /// The wake-up time set by the manager.
    armed: Option<f64>,
    policy: Option<RetryPolicy>,
    proactive: bool,
    state: SessionState,
}

impl Harness {
    fn session(&mut self, mask: u8, lifetime_s: Option<u16>) -> Rc<FakeSession> {
        self.next_session += 1;
        let expires = lifetime_s.map(|s| self.now + f64::from(s) * 1000.0);
        Rc::new(FakeSession::new(
            self.next_session,
            &scopes(mask).iter().collect::<Vec<_>>(),
            expires,
        ))
    }

    fn outcome(&mut self, o: Outcome) -> Result<Rc<FakeSession>, FakeError> {
        match o {
            Outcome::Session { scopes, lifetime_s } => Ok(self.session(scopes, lifetime_s)),
            Outcome::ConnectionError => Err(FakeError::Connection),
            Outcome::Rejected => Err(FakeError::Rejected),
            Outcome::Unavailable { retry_after_ms } => Err(FakeError::Unavailable(retry_after_ms.map(u32::from))),
        }
    }

    fn apply(&mut self, op: Op) {
        let now = self.now;
        match op {
            Op::Get {
                scopes: mask,
                optional,
                instant_popup,
            } => {
                let opts = GetOptions {
                    scopes: mask.map(scopes),
                    optional,
                    instant_popup,
                };
                let id = self.m.get_session(now, opts.clone());
                assert!(self.open.insert(id, Call::Get(opts)).is_none(), "call ids are unique");
            }
            Op::SignOut => {
                let id = self.m.remove_session(now);
                assert!(self.open.insert(id, Call::SignOut).is_none(), "call ids are unique");
                assert!(
                    self.m.cached(now, None).is_none(),
                    "a sign-out forgets the session at once"
                );
            }
            Op::FinishRefresh { pick, outcome } if !self.refreshes.is_empty() => {
                let id = self.refreshes.remove(usize::from(pick) % self.refreshes.len());
                let result = self.outcome(outcome);
                self.m.refresh_done(now, id, result);
            }
            Op::FinishCreate { pick, outcome } if !self.creates.is_empty() => {
                let id = self.creates.remove(usize::from(pick) % self.creates.len());
                let result = self.outcome(outcome);
                self.m.create_done(now, id, result);
            }
            Op::FinishRemove { pick, ok } if !self.removes.is_empty() => {
                let id = self.removes.remove(usize::from(pick) % self.removes.len());
                self.m
                    .remove_done(now, id, if ok { Ok(()) } else { Err(FakeError::Rejected) });
            }
            Op::RemoteSession {
                scopes,
                lifetime_s,
                age_ms,
            } => {
                let s = self.session(scopes, lifetime_s);
                self.m.remote_session(now, s, now - f64::from(age_ms));
            }
            Op::RemoteSignedOut { age_ms } => self.m.remote_signed_out(now, now - f64::from(age_ms)),
            Op::Wait { ms } => self.now += f64::from(ms % 600_000),
            Op::WakeUp { on_time } => {
                if let (true, Some(at)) = (on_time, self.armed) {
                    self.now = self.now.max(at);
                }
                // The timer fired, or is set again by this wake-up.
                self.armed = None;
                self.m.wake(self.now)
            }
            _ => {}
        }
        self.effects();
        self.check_cache();
    }

    fn effects(&mut self) {
        for effect in self.m.take_effects() {
            match effect {
                Effect::Refresh(id, wanted) => {
                    let waited_on = self.refreshes.iter().filter(|r| self.m.refresh_pending(**r)).count();
                    assert_eq!(waited_on, 0, "a second /refresh while callers wait on one");
                    assert!(self.m.refresh_pending(id));
                    self.refreshes.push(id);
                    let _ = wanted;
                }
                Effect::Create(id, req) => {
                    match self.open.get(&id) {
                        Some(Call::Get(o)) => assert!(!o.optional && !req.optional, "a sign-in for an optional call"),
                        _ => panic!("a sign-in for call {id}, which is not a waiting get"),
                    }
                    self.creates.push(id);
                }
                Effect::Remove(id) => {
                    assert!(matches!(self.open.get(&id), Some(Call::SignOut)));
                    self.removes.push(id);
                }
                Effect::Resolve(id, session) => match self.open.remove(&id) {
                    Some(Call::SignOut) => assert!(session.is_none()),
                    Some(Call::Get(_)) => {}
                    None => panic!("call {id} answered twice, or never made"),
                },
                Effect::Reject(id, _) => assert!(self.open.remove(&id).is_some(), "call {id} answered twice"),
                Effect::State(s) => {
                    assert_ne!(s, self.state, "the same state twice in a row");
                    self.state = s;
                }
                Effect::Announce(Announcement::Session { since, .. }) => assert!(since <= self.now),
                Effect::Announce(Announcement::SignedOut { at }) => assert!(at <= self.now),
                Effect::EndedElsewhere => {}
                Effect::WakeAt(at) => {
                    assert!(self.proactive || self.policy.is_some(), "a wake-up without the options");
                    assert_ne!(at, self.armed, "the same wake-up twice");
                    if let Some(at) = at {
                        assert!(at.is_finite() && at >= self.now, "a wake-up at {at}, now {}", self.now);
                    }
                    self.armed = at;
                }
                Effect::Event(SessionEvent::RefreshFailed { attempt, retry_at, .. }) => {
                    assert!(attempt >= 1);
                    if let Some(t) = retry_at {
                        let p = self.policy.expect("a retry without the option");
                        assert!(attempt < p.attempts, "try {} of {}", attempt + 1, p.attempts);
                        assert!(
                            t >= self.now && t - self.now <= p.max_delay_ms,
                            "retry at {t}, now {}",
                            self.now
                        );
                    }
                }
                Effect::Event(_) => {}
            }
        }
    }

    fn check_cache(&self) {
        for mask in 0..16u8 {
            let wanted = scopes(mask);
            if let Some(s) = self.m.cached(self.now, Some(&wanted)) {
                let g = s.grant();
                assert!(g.scopes.contains_all(&wanted), "cached session lacks scopes");
                assert!(
                    !should_refresh(self.now, g.provider_expires, g.identity_expires),
                    "stale session cached"
                );
            }
        }
    }

    /// Completes every outstanding operation successfully until none is left.
    fn drain(&mut self) {
        let mut wakes = 0;
        for _ in 0..10_000 {
            let all = Outcome::Session {
                scopes: 15,
                lifetime_s: Some(3600),
            };
            let op = if !self.refreshes.is_empty() {
                Op::FinishRefresh { pick: 0, outcome: all }
            } else if !self.creates.is_empty() {
                Op::FinishCreate { pick: 0, outcome: all }
            } else if !self.removes.is_empty() {
                Op::FinishRemove { pick: 0, ok: true }
            } else if self.armed.is_some() && !self.open.is_empty() && wakes < 64 {
                // Callers waiting on a retry: its time comes.
                wakes += 1;
                Op::WakeUp { on_time: true }
            } else {
                let waiting: Vec<_> = self.open.keys().collect();
                assert!(waiting.is_empty(), "calls {waiting:?} wait forever");
                return;
            };
            self.apply(op);
        }
        panic!("completing the connector's operations never ends");
    }
}

fuzz_target!(|input: Input| {
    let options = ManagerOptions {
        retry: input.retry.map(|(attempts, base, max)| RetryPolicy {
            attempts: u32::from(attempts % 8).max(1),
            base_delay_ms: f64::from(base),
            max_delay_ms: f64::from(max),
        }),
        proactive: input.proactive,
        seed: input.seed,
    };
    let mut h = Harness {
        m: SessionManager::new(scopes(input.defaults), options.clone()),
        now: 1.7e12,
        next_session: 0,
        open: HashMap::new(),
        refreshes: Vec::new(),
        creates: Vec::new(),
        removes: Vec::new(),
        armed: None,
        policy: options.retry,
        proactive: options.proactive,
        state: SessionState::SignedOut,
    };
    for op in input.ops.into_iter().take(200) {
        h.apply(op);
    }
    h.drain();
});
