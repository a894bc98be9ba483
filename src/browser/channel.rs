//! The BroadcastChannel between the pages of the app: the JS snippet `channel.js`.

use crate::browser::{callbacks, js};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/channel.js")]
extern "C" {
    #[wasm_bindgen(js_name = openChannel)]
    fn open_channel(name: &str, on_message: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = announce)]
    fn post(channel: &JsValue, v: &str, tab: f64, at: f64, session: &JsValue);
}

pub struct Channel {
    channel: JsValue,
    token: u32,
}

impl Channel {
    /// The channel `name`, with `on_message(event.data)`, or `None` where the browser lacks
    /// BroadcastChannel or Web Locks.
    pub fn open(name: &str, on_message: impl Fn(JsValue) + 'static) -> Option<Channel> {
        let (handler, token) = callbacks::callback(move |data| {
            on_message(data);
            JsValue::UNDEFINED
        });
        let channel = open_channel(name, &handler);
        if channel.is_undefined() {
            callbacks::forget(token);
            return None;
        }
        Some(Channel { channel, token })
    }

    /// Posts an announcement (`core::crosstab`): a session obtained by a request that
    /// started at `at`, or (`session` undefined) a sign-out at `at`.
    pub fn post(&self, v: &str, tab: f64, at: f64, session: &JsValue) {
        post(&self.channel, v, tab, at, session);
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        let _ = js::call_method(&self.channel, "close", &[]);
        callbacks::forget(self.token);
    }
}
