//! Thin bindings to the browser: one concern per file, no session logic. Every call
//! that can throw is imported with `catch`, so a JS exception becomes an `Err` instead
//! of unwinding through Rust frames that hold borrows.

pub mod callbacks;
pub mod channel;
pub mod errors;
pub mod http;
pub mod js;
pub mod locks;
pub mod popup;
pub mod record;
pub mod scopes;
