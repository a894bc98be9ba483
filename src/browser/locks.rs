//! Cross-tab mutual exclusion with the Web Locks API, when the browser has it.

use crate::browser::js;
use alloc::boxed::Box;
use core::future::Future;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// Runs `task` while holding the lock `name` (`navigator.locks.request(name, task)`),
/// or directly when Web Locks are missing, as core-app-api does.
pub async fn with_lock<F, Fut>(name: &str, task: F) -> Result<JsValue, JsValue>
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let locks = js::get(&js::get(&js_sys::global(), "navigator"), "locks");
    if !locks.is_truthy() {
        return task().await;
    }
    let callback = Closure::once_into_js(
        Box::new(move |_lock: JsValue| -> JsValue { future_to_promise(task()).into() })
            as Box<dyn FnOnce(JsValue) -> JsValue>,
    );
    let promise = js::call_method(&locks, "request", &[&JsValue::from_str(name), &callback])?;
    JsFuture::from(js_sys::Promise::resolve(&promise)).await
}
