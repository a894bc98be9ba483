//! A WebAssembly drop-in for the `OAuth2` client of `@backstage/core-app-api`.
//!
//! Layers: `api` (the JS-facing class) asks `core` (the pure session manager, a state
//! machine with no browser types) and runs the effects it returns through a `connector`
//! (the Backstage backend, a JS-supplied connector, or direct mode at an OpenID Connect
//! provider), which uses `browser` (fetch, popup, Web Locks, callbacks from JS).
#![no_std]

extern crate alloc;
#[cfg(any(test, not(feature = "ship")))]
extern crate std;

#[cfg(feature = "client")]
pub mod api;
pub mod browser;
pub mod connector;
pub mod core;

#[cfg(all(any(feature = "ship", feature = "direct"), target_arch = "wasm32"))]
mod runtime;
