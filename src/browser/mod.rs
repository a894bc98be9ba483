//! Thin bindings to the browser: one concern per file, no session logic. Every call
//! that can throw is imported with `catch`, so a JS exception becomes an `Err` instead
//! of unwinding through Rust frames that hold borrows.

pub mod callbacks;
pub mod channel;
pub mod errors;
pub mod js;
pub mod popup;
pub mod record;
pub mod scopes;
pub mod wake;
