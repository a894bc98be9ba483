//! The JS-facing surface: the `OAuth2` class and its session-state observable.

pub mod crosstab;
pub mod oauth2;
pub mod observable;
pub mod options;
