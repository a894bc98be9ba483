use crate::core::manager::Clock;

/// `Date.now()`, the clock the JS original reads.
pub struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}
