//! The windows a sign-in happens in: a popup, or a hidden iframe for `prompt=none`.

use super::callback::classify_callback;
use super::{named, Direct};
use crate::browser::errors;
use crate::browser::popup::{open_login_popup, PopupRequest};
use crate::browser::record::JsRecord;
use crate::browser::{callbacks, js};
use crate::core::response::PopupMessage;
use core::cell::RefCell;
use std::rc::Rc;
use std::string::{String, ToString};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

impl Direct {
    pub(super) async fn popup(&self, url: &str) -> Result<String, JsValue> {
        js::window().ok_or_else(|| errors::error(&["No browser window to sign in from"]))?;
        let redirect = self.options.redirect_uri.clone();
        let url = url.to_string();
        let outcome = callbacks::promise_of(move |done| {
            let req = PopupRequest {
                url: &url,
                answer_origin: Some(&redirect),
                classify: classify_callback,
                name: "Sign-in",
                width: 500.0,
                height: 700.0,
                redirect_when_blocked: false,
            };
            open_login_popup(req, done);
        });
        Ok(js::to_string(&JsFuture::from(outcome).await?))
    }

    /// Re-authentication without UI (`prompt=none`) in a hidden iframe, for a page that was
    /// reloaded: the provider's own session decides; no refresh token was ever stored.
    pub(super) async fn silent_frame(&self, url: &str) -> Result<String, JsValue> {
        let window = js::window().ok_or_else(|| errors::error(&["No browser window to sign in from"]))?;
        let document = window.document().ok_or_else(|| errors::error(&["No document"]))?;
        let frame = document.create_element("iframe")?;
        frame.set_attribute("style", "display:none")?;
        frame.set_attribute("src", url)?;
        let origin = web_sys::Url::new(&self.options.redirect_uri)?.origin();
        let body = document.body().ok_or_else(|| errors::error(&["No document body"]))?;
        body.append_child(&frame)?;
        let frame_window = js::get(&frame, "contentWindow");
        type Settle = Option<(js_sys::Function, js_sys::Function)>;
        let settled: Rc<RefCell<Settle>> = Rc::default();
        let answer = settled.clone();
        let (listener, message_token) = callbacks::callback(move |event: JsValue| {
            let event: web_sys::MessageEvent = event.unchecked_into();
            let from_frame = event.source().is_some_and(|s| JsValue::from(s) == frame_window);
            if !from_frame || event.origin() != origin {
                return JsValue::UNDEFINED;
            }
            if let PopupMessage::Response(Ok(Some(search))) = classify_callback(&JsRecord(event.data())) {
                if let Some((resolve, _)) = answer.borrow_mut().take() {
                    let _ = resolve.call1(&JsValue::UNDEFINED, &search.0);
                }
            }
            JsValue::UNDEFINED
        });
        let timeout = settled.clone();
        let (expire, expire_token) = callbacks::callback(move |_| {
            if let Some((_, reject)) = timeout.borrow_mut().take() {
                let e = named("AuthenticationError", "Silent sign-in timed out");
                let _ = reject.call1(&JsValue::UNDEFINED, &e);
            }
            JsValue::UNDEFINED
        });
        let outcome = callbacks::promise(move |resolve, reject| *settled.borrow_mut() = Some((resolve, reject)));
        let timeout_ms = self.options.silent_timeout_ms as i32;
        let started = window
            .add_event_listener_with_callback("message", &listener)
            .and_then(|_| window.set_timeout_with_callback_and_timeout_and_arguments_0(&expire, timeout_ms));
        let result = match started {
            Ok(timer) => {
                let answer = JsFuture::from(outcome).await;
                window.clear_timeout_with_handle(timer);
                answer
            }
            Err(e) => Err(e),
        };
        // Whatever happened, nothing of this sign-in stays behind.
        let _ = window.remove_event_listener_with_callback("message", &listener);
        callbacks::forget(message_token);
        callbacks::forget(expire_token);
        frame.remove();
        Ok(js::to_string(&result?))
    }
}
