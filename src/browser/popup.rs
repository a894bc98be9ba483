//! `openLoginPopup`: open the backend's `/start` page and wait for its `postMessage`.

use crate::browser::errors::{self, POPUP_CLOSED_ERROR, POPUP_REJECTED_ERROR};
use crate::browser::record::JsRecord;
use crate::browser::{callbacks, js};
use crate::core::response::PopupMessage;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::{Cell, RefCell};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::{Url, Window};

/// Reads a message already known to come from the popup and the expected origin.
pub type Classify = fn(&JsRecord) -> PopupMessage<JsRecord>;

pub struct PopupRequest<'a> {
    pub url: &'a str,
    /// Where the answer comes from: the origin of `url` unless the flow redirects elsewhere.
    pub answer_origin: Option<&'a str>,
    pub classify: Classify,
    /// The window name, `"<provider title> Login"`.
    pub name: &'a str,
    pub width: f64,
    pub height: f64,
}

fn features(width: f64, height: f64, top: f64, left: f64) -> String {
    let mut f = String::from("menubar=no,location=no,resizable=no,scrollbars=no,status=no");
    for (key, value) in [
        (",width=", width),
        (",height=", height),
        (",top=", top),
        (",left=", left),
    ] {
        f.push_str(key);
        f.push_str(&js::number_to_string(value));
    }
    f
}

fn closed_message(target_origin: Option<&str>, app_origin: &str) -> String {
    match target_origin {
        Some(t) if !t.is_empty() && t != app_origin => {
            errors::concat(&["Login failed, Incorrect app origin, expected ", t])
        }
        _ => String::from("Login failed, popup was closed"),
    }
}

pub type Done = Box<dyn FnOnce(Result<JsValue, JsValue>)>;

/// The message listener, the close poller and its interval id, removed together.
struct Hooks {
    listener: Function,
    tokens: [u32; 2],
    interval: i32,
}

/// What a waiting popup holds: the continuation (taken once) and its browser hooks.
struct Waiting {
    done: RefCell<Option<Done>>,
    target_origin: RefCell<Option<String>>,
    /// The poll saw the popup closed once; the answer may still be queued.
    closed_once: Cell<bool>,
    hooks: RefCell<Option<Hooks>>,
    window: Window,
}

impl Waiting {
    /// Delivers the first outcome; later ones (a close after the answer) are ignored.
    fn finish(&self, result: Result<JsValue, JsValue>) {
        let Some(done) = self.done.borrow_mut().take() else {
            return;
        };
        let hooks = self.hooks.borrow_mut().take();
        if let Some(hooks) = hooks {
            let _ = self
                .window
                .remove_event_listener_with_callback("message", &hooks.listener);
            self.window.clear_interval_with_handle(hooks.interval);
            hooks.tokens.into_iter().for_each(callbacks::forget);
        }
        done(result);
    }
}

/// Calls `done` with the raw `response` object of the backend's `authorization_response`.
/// Only messages whose `source` is the popup and whose `origin` is the `/start` URL's
/// origin are read; everything else is ignored.
pub fn open_login_popup(window: &Window, req: PopupRequest<'_>, done: Done) {
    match open(window, req) {
        Err(e) => done(Err(e)),
        Ok((popup, origin, classify)) => wait(window, popup, origin, classify, done),
    }
}

fn open(window: &Window, req: PopupRequest<'_>) -> Result<(Window, String, Classify), JsValue> {
    let width = if req.width != 0.0 && !req.width.is_nan() {
        req.width
    } else {
        500.0
    };
    let height = if req.height != 0.0 && !req.height.is_nan() {
        req.height
    } else {
        700.0
    };
    let screen = js::get(window, "screen");
    let left = js::get_number(&screen, "width") / 2.0 - width / 2.0;
    let top = js::get_number(&screen, "height") / 2.0 - height / 2.0;
    let answer_url = Url::new(req.answer_origin.unwrap_or(req.url))?;
    let origin = js::get_string(&answer_url, "origin");
    let popup = window.open_with_url_and_target_and_features(req.url, req.name, &features(width, height, top, left))?;
    // `!popup || typeof popup.closed === 'undefined' || popup.closed` is a refusal.
    let open = |p: &Window| {
        let closed = js::get(p, "closed");
        !closed.is_undefined() && !closed.is_truthy()
    };
    match popup {
        Some(p) if open(&p) => Ok((p, origin, req.classify)),
        _ => Err(errors::named_error(
            Some(POPUP_REJECTED_ERROR),
            "Failed to open auth popup.",
        )),
    }
}

fn wait(window: &Window, popup: Window, origin: String, classify: Classify, done: Done) {
    let waiting = Rc::new(Waiting {
        done: RefCell::new(Some(done)),
        target_origin: RefCell::new(None),
        closed_once: Cell::new(false),
        hooks: RefCell::new(None),
        window: window.clone(),
    });
    let popup_js: JsValue = popup.clone().into();
    let w = waiting.clone();
    let (on_message, message_token) = callbacks::callback(move |event: JsValue| {
        if js::get(&event, "source") != popup_js || js::get_string(&event, "origin") != origin {
            return JsValue::UNDEFINED;
        }
        match classify(&JsRecord(js::get(&event, "data"))) {
            PopupMessage::Ignored => {}
            PopupMessage::ConfigInfo { target_origin } => *w.target_origin.borrow_mut() = target_origin,
            PopupMessage::Response(Ok(response)) => w.finish(Ok(response.map(|r| r.0).unwrap_or(JsValue::UNDEFINED))),
            PopupMessage::Response(Err(e)) => w.finish(Err(errors::named_error(
                e.name.as_deref(),
                e.message.as_deref().unwrap_or(""),
            ))),
        }
        JsValue::UNDEFINED
    });
    let w = waiting.clone();
    let (poll_closed, poll_token) = callbacks::callback(move |_| {
        // A popup that posts its answer and closes at once can be seen closed before its
        // message event is handled: wait one more tick before calling it closed.
        if js::get(&popup, "closed").is_truthy() && w.closed_once.replace(true) {
            let app_origin = js::get_string(&js::get(&w.window, "location"), "origin");
            let message = closed_message(w.target_origin.borrow().as_deref(), &app_origin);
            w.finish(Err(errors::named_error(Some(POPUP_CLOSED_ERROR), &message)));
        }
        JsValue::UNDEFINED
    });
    // In place before they are attached, so that a failure below removes what was attached.
    *waiting.hooks.borrow_mut() = Some(Hooks {
        listener: on_message.clone(),
        tokens: [message_token, poll_token],
        interval: 0,
    });
    let started = window
        .add_event_listener_with_callback("message", &on_message)
        .and_then(|_| window.set_interval_with_callback_and_timeout_and_arguments_0(&poll_closed, 100));
    match started {
        Ok(interval) => {
            if let Some(hooks) = waiting.hooks.borrow_mut().as_mut() {
                hooks.interval = interval;
            }
        }
        Err(e) => waiting.finish(Err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::closed_message;

    #[test]
    fn closed_message_names_a_foreign_target_origin() {
        assert_eq!(closed_message(None, "http://a"), "Login failed, popup was closed");
        assert_eq!(
            closed_message(Some("http://a"), "http://a"),
            "Login failed, popup was closed"
        );
        assert_eq!(closed_message(Some(""), "http://a"), "Login failed, popup was closed");
        assert_eq!(
            closed_message(Some("http://b"), "http://a"),
            "Login failed, Incorrect app origin, expected http://b"
        );
    }
}
