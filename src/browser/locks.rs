//! Cross-tab mutual exclusion with the Web Locks API, when the browser has it.

use crate::browser::js;
use js_sys::Function;
use wasm_bindgen::prelude::*;

/// `navigator.locks.request(name, task)`, or `task()` where Web Locks are missing, as
/// core-app-api does. The lock is held until the promise `task` returns settles.
pub fn with_lock(name: &str, task: &Function) -> Result<JsValue, JsValue> {
    let locks = js::get(&js::get(&js::global(), "navigator"), "locks");
    if !locks.is_truthy() {
        return task.call0(&JsValue::UNDEFINED);
    }
    js::call_method(&locks, "request", &[&JsValue::from_str(name), task])
}
