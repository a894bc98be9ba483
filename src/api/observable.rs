//! `sessionState$()` and `sessionEvents$()`: the subjects of `observable.js`, which keeps
//! zen-observable's subscribe contract (delivery a microtask after `subscribe`, buffering
//! meanwhile, throwing observers isolated).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/api/observable.js")]
extern "C" {
    pub type Subject;

    /// A subject whose new subscribers are first told `current` (`undefined`: nothing).
    #[wasm_bindgen(js_name = subject)]
    pub fn new_subject(current: &JsValue) -> Subject;

    /// The observable handed to the app, the same object on every call.
    #[wasm_bindgen(method, getter)]
    pub fn observable(this: &Subject) -> JsValue;

    /// Tells every subscriber `value`; with `keep`, later subscribers are told it first.
    #[wasm_bindgen(method)]
    pub fn next(this: &Subject, value: &JsValue, keep: bool);

    /// A `SessionEvent` object: `kind` 0 `refreshed` (`flag`: from another tab), 1
    /// `refresh-failed` (`flag`: transient), 2 `signed-in-elsewhere`, 3
    /// `signed-out-elsewhere`; `at` (epoch ms, NaN for none) is `expiresAt` or `retryAt`.
    #[wasm_bindgen(js_name = sessionEvent)]
    pub fn session_event(kind: u8, flag: bool, at: f64, attempt: u32, error: &JsValue) -> JsValue;
}
