//! The wake-ups of `retry` and `proactiveRefresh`: the JS snippet `wake.js` (a timer, `online`,
//! `visibilitychange`).

use js_sys::Function;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/wake.js")]
extern "C" {
    /// Calls `wake()` on every wake-up; the function returned sets the timer's time.
    pub fn waker(wake: &Function) -> Function;
}
