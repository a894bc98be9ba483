//! `openLoginPopup`: open the backend's `/start` page and wait for its `postMessage`.

use crate::browser::errors::{self, POPUP_CLOSED_ERROR, POPUP_REJECTED_ERROR};
use crate::browser::js;
use crate::browser::record::JsRecord;
use crate::core::response::{classify_popup_message, PopupMessage};
use crate::core::shared::Shared;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Url, Window};

pub struct PopupRequest<'a> {
    pub url: &'a str,
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

/// Resolves with the raw `response` object of the backend's `authorization_response`.
/// Only messages whose `source` is the popup and whose `origin` is the `/start` URL's
/// origin are read; everything else is ignored.
pub async fn open_login_popup(window: &Window, req: PopupRequest<'_>) -> Result<JsValue, JsValue> {
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
    let screen = window.screen()?;
    let left = f64::from(screen.width()?) / 2.0 - width / 2.0;
    let top = f64::from(screen.height()?) / 2.0 - height / 2.0;
    let origin = Url::new(req.url)?.origin();
    let popup = window.open_with_url_and_target_and_features(req.url, req.name, &features(width, height, top, left))?;
    let popup = match popup {
        Some(p) if !js::get(&p, "closed").is_undefined() && !p.closed().unwrap_or(true) => p,
        _ => {
            return Err(errors::named_error(
                Some(POPUP_REJECTED_ERROR),
                "Failed to open auth popup.",
            ))
        }
    };
    let popup_js: JsValue = popup.clone().into();
    let outcome: Shared<Result<JsValue, JsValue>> = Shared::new();
    let target_origin: Rc<RefCell<Option<String>>> = Rc::default();

    let on_message = {
        let outcome = outcome.clone();
        let target_origin = target_origin.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let from_popup = event.source().is_some_and(|s| JsValue::from(s) == popup_js);
            if !from_popup || event.origin() != origin {
                return;
            }
            match classify_popup_message(&JsRecord(event.data())) {
                PopupMessage::Ignored => {}
                PopupMessage::ConfigInfo { target_origin: t } => *target_origin.borrow_mut() = t,
                PopupMessage::Response(Ok(response)) => {
                    outcome.resolve(Ok(response.map(|r| r.0).unwrap_or(JsValue::UNDEFINED)))
                }
                PopupMessage::Response(Err(e)) => outcome.resolve(Err(errors::named_error(
                    e.name.as_deref(),
                    e.message.as_deref().unwrap_or(""),
                ))),
            }
        })
    };
    let poll_closed = {
        let outcome = outcome.clone();
        let window = window.clone();
        Closure::<dyn FnMut()>::new(move || {
            if popup.closed().unwrap_or(false) {
                let app_origin = window.location().origin().unwrap_or_default();
                let message = closed_message(target_origin.borrow().as_deref(), &app_origin);
                outcome.resolve(Err(errors::named_error(Some(POPUP_CLOSED_ERROR), &message)));
            }
        })
    };
    let listener = on_message.as_ref().unchecked_ref();
    window.add_event_listener_with_callback("message", listener)?;
    let interval = match window
        .set_interval_with_callback_and_timeout_and_arguments_0(poll_closed.as_ref().unchecked_ref(), 100)
    {
        Ok(id) => id,
        Err(e) => {
            let _ = window.remove_event_listener_with_callback("message", listener);
            return Err(e);
        }
    };
    let result = outcome.wait().await;
    let _ = window.remove_event_listener_with_callback("message", listener);
    window.clear_interval_with_handle(interval);
    result
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
