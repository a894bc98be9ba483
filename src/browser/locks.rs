//! Cross-tab mutual exclusion with the Web Locks API, when the browser has it.

use crate::browser::{callbacks, js};
use js_sys::Function;
use wasm_bindgen::prelude::*;

fn locks() -> JsValue {
    js::get(&js::get(&js::global(), "navigator"), "locks")
}

/// `navigator.locks.request(name, task)`, or `task()` where Web Locks are missing, as
/// core-app-api does. The lock is held until the promise `task` returns settles.
pub fn with_lock(name: &str, task: &Function) -> Result<JsValue, JsValue> {
    let locks = locks();
    if !locks.is_truthy() {
        return task.call0(&JsValue::UNDEFINED);
    }
    js::call_method(&locks, "request", &[&JsValue::from_str(name), task])
}

/// Like [`with_lock`], telling `task` whether another holder had the lock first:
/// `task(false)` when it was free, `task(true)` once granted after waiting for it.
pub fn with_lock_noting_wait(name: &str, task: Function) -> Result<JsValue, JsValue> {
    let locks = locks();
    let key = JsValue::from_str(name);
    let options = js::object(&[("ifAvailable", &JsValue::TRUE)]);
    let (l, k) = (locks.clone(), key.clone());
    let first = callbacks::once(move |lock| {
        if lock.is_truthy() {
            return task
                .call1(&JsValue::UNDEFINED, &JsValue::FALSE)
                .unwrap_or(JsValue::UNDEFINED);
        }
        let after_wait = js::bind1(&task, &JsValue::UNDEFINED, &JsValue::TRUE);
        js::call_method(&l, "request", &[&k, &after_wait]).unwrap_or_else(|e| js_sys::Promise::reject(&e).into())
    });
    js::call_method(&locks, "request", &[&key, &options, &first])
}
