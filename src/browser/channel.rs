//! A BroadcastChannel between the same-origin pages of the app, opened only where the
//! browser has both it and Web Locks (the cross-tab refresh needs the two together).

use crate::browser::{callbacks, js};
use wasm_bindgen::prelude::*;

pub struct Channel {
    channel: JsValue,
    token: u32,
}

impl Channel {
    /// `new BroadcastChannel(name)` with `on_message(event.data)`, or `None` where either
    /// API is missing (jsdom, Node, older browsers) or the constructor throws.
    pub fn open(name: &str, on_message: impl Fn(JsValue) + 'static) -> Option<Channel> {
        let global = js::global();
        let constructor = js::get(&global, "BroadcastChannel");
        if !constructor.is_function() || !js::get(&js::get(&global, "navigator"), "locks").is_truthy() {
            return None;
        }
        let args = js_sys::Array::of1(&JsValue::from_str(name));
        let channel = js_sys::Reflect::construct(constructor.unchecked_ref::<js_sys::Function>(), &args).ok()?;
        let (handler, token) = callbacks::callback(move |event| {
            on_message(js::get(&event, "data"));
            JsValue::UNDEFINED
        });
        let channel = Channel { channel, token };
        js::set(&channel.channel, "onmessage", &handler).ok()?;
        Some(channel)
    }

    /// Posts `message` to the channel's other ends; one that cannot be cloned is dropped.
    pub fn post(&self, message: &JsValue) {
        let _ = js::call_method(&self.channel, "postMessage", &[message]);
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        let _ = js::call_method(&self.channel, "close", &[]);
        callbacks::forget(self.token);
    }
}
