//! The session core: every rule of core-app-api's OAuth2 client, in plain Rust with no
//! browser types, so that `cargo test` checks all of it natively.

pub mod crosstab;
#[cfg(feature = "direct")]
pub mod discovery;
#[cfg(feature = "direct")]
pub mod dpop;
pub mod expiry;
pub mod manager;
#[cfg(feature = "direct")]
pub mod oidc;
pub mod query;
pub mod record;
pub mod response;
pub mod retry;
pub mod scopes;
pub mod state;

#[cfg(any(test, feature = "fuzzing"))]
pub mod testing;
