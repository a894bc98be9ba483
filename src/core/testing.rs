//! Test support: a session and an error type for driving the manager natively.

use super::manager::{ConnectorError, SessionInfo};
use super::scopes::ScopeSet;

#[derive(Debug, Clone, PartialEq)]
pub struct FakeSession {
    pub id: u32,
    pub scopes: ScopeSet,
    pub provider_expires: Option<f64>,
    pub identity_expires: Option<f64>,
}

impl FakeSession {
    pub fn new(id: u32, scopes: &[&str], expires: Option<f64>) -> Self {
        FakeSession {
            id,
            scopes: scopes.iter().copied().collect(),
            provider_expires: expires,
            identity_expires: expires,
        }
    }
}

impl SessionInfo for FakeSession {
    fn scopes(&self) -> &ScopeSet {
        &self.scopes
    }
    fn provider_expires_ms(&self) -> Option<f64> {
        self.provider_expires
    }
    fn identity_expires_ms(&self) -> Option<f64> {
        self.identity_expires
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FakeError {
    Connection,
    Rejected,
    MissingScopes,
}

impl ConnectorError for FakeError {
    fn is_connection_error(&self) -> bool {
        *self == FakeError::Connection
    }
    fn missing_scopes() -> Self {
        FakeError::MissingScopes
    }
}
