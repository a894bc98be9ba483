//! A WebAssembly drop-in for the `OAuth2` client of `@backstage/core-app-api`.
//!
//! Layers, each only calling the next: `api` (the JS-facing class) → `core` (the pure
//! session manager) → `connector` (Backstage backend or a JS-supplied connector) →
//! `browser` (fetch, popup, locks, timers).
#![no_std]

extern crate alloc;
#[cfg(any(test, not(feature = "ship")))]
extern crate std;

pub mod api;
pub mod browser;
pub mod connector;
pub mod core;

#[cfg(all(feature = "ship", target_arch = "wasm32"))]
mod runtime;
