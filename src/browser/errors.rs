//! JS `Error`s carrying the `name`s Backstage code switches on.

use alloc::string::String;
use wasm_bindgen::prelude::*;

pub const AUTH_CONNECTION_ERROR: &str = "AuthConnectionError";

pub fn concat(parts: &[&str]) -> String {
    let mut s = String::new();
    for p in parts {
        s.push_str(p);
    }
    s
}

/// `new Error(message)` with `error.name = name` (left as `"Error"` when `name` is `None`).
pub fn named_error(name: Option<&str>, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    if let Some(n) = name {
        e.set_name(n);
    }
    e.into()
}

pub fn error(parts: &[&str]) -> JsValue {
    named_error(None, &concat(parts))
}

pub fn type_error(parts: &[&str]) -> JsValue {
    js_sys::TypeError::new(&concat(parts)).into()
}

/// Sets an extra property (`status`, `cause`) on an error object.
pub fn with(error: JsValue, key: &str, value: &JsValue) -> JsValue {
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), value);
    error
}

/// `isAuthConnectionError`: an `Error` named `AuthConnectionError`.
pub fn is_connection_error(value: &JsValue) -> bool {
    value.is_instance_of::<js_sys::Error>()
        && crate::browser::js::get(value, "name").as_string().as_deref() == Some(AUTH_CONNECTION_ERROR)
}
