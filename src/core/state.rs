//! Signed-in / signed-out tracking with `SessionStateTracker` semantics: a change is
//! reported only when the state actually flips, so observers never see duplicates.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    SignedIn,
    SignedOut,
}

impl SessionState {
    /// The string values of Backstage's `SessionState` enum.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::SignedIn => "SignedIn",
            SessionState::SignedOut => "SignedOut",
        }
    }
}

#[derive(Debug, Default)]
pub struct StateTracker {
    signed_in: bool,
}

impl StateTracker {
    pub fn signed_in(&self) -> bool {
        self.signed_in
    }

    /// Records the new state; returns it only when it differs from the last one.
    pub fn set_signed_in(&mut self, signed_in: bool) -> Option<SessionState> {
        if self.signed_in == signed_in {
            return None;
        }
        self.signed_in = signed_in;
        Some(if signed_in {
            SessionState::SignedIn
        } else {
            SessionState::SignedOut
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_only_flips() {
        let mut t = StateTracker::default();
        assert_eq!(t.set_signed_in(false), None);
        assert_eq!(t.set_signed_in(true), Some(SessionState::SignedIn));
        assert_eq!(t.set_signed_in(true), None);
        assert_eq!(t.set_signed_in(false), Some(SessionState::SignedOut));
        assert_eq!(SessionState::SignedIn.as_str(), "SignedIn");
    }
}
