//! Test support: a session and an error type for driving the manager natively.

use super::manager::{ConnectorError, Grant, SessionInfo};

#[derive(Debug, Clone, PartialEq)]
pub struct FakeSession {
    pub id: u32,
    pub grant: Grant,
}

impl FakeSession {
    pub fn new(id: u32, scopes: &[&str], expires: Option<f64>) -> Self {
        let grant = Grant {
            scopes: scopes.iter().copied().collect(),
            provider_expires: expires,
            identity_expires: expires,
        };
        FakeSession { id, grant }
    }
}

impl SessionInfo for FakeSession {
    fn grant(&self) -> &Grant {
        &self.grant
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FakeError {
    Connection,
    Rejected,
    MissingScopes,
    /// A 503, with the `Retry-After` it carried (ms).
    Unavailable(Option<u32>),
}

impl ConnectorError for FakeError {
    fn is_connection_error(&self) -> bool {
        *self == FakeError::Connection
    }
    fn missing_scopes() -> Self {
        FakeError::MissingScopes
    }
    fn is_transient(&self) -> bool {
        matches!(self, FakeError::Connection | FakeError::Unavailable(_))
    }
    fn retry_after_ms(&self) -> Option<f64> {
        match self {
            FakeError::Unavailable(ms) => ms.map(f64::from),
            _ => None,
        }
    }
    fn into_connection_error(self) -> Self {
        FakeError::Connection
    }
}
