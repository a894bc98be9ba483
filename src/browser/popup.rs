//! `openLoginPopup`: open the backend's `/start` page (or the provider's, in direct mode)
//! and wait for its `postMessage`. The window, its listener and its poll are the JS snippet
//! `popup.js`; what each message means is read here, through [`Classify`].

use crate::browser::callbacks;
use crate::browser::errors;
use crate::browser::js;
use crate::browser::record::JsRecord;
use crate::core::response::PopupMessage;
use alloc::boxed::Box;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/popup.js")]
extern "C" {
    #[wasm_bindgen(js_name = openLoginPopup, catch)]
    fn open_popup(
        url: &str,
        answer_url: &str,
        name: &str,
        width: f64,
        height: f64,
        read: &Function,
        redirect_when_blocked: bool,
    ) -> Result<Promise, JsValue>;
}

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
    /// `popupBlocked: 'redirect'`: a refused popup becomes the backend's redirect flow.
    pub redirect_when_blocked: bool,
}

pub type Done = Box<dyn FnOnce(Result<JsValue, JsValue>)>;

/// Calls `done` with the raw `response` object of the answer (the backend's
/// `authorization_response`, or direct mode's callback). Only messages whose `source` is
/// the popup and whose `origin` is the answer URL's origin are read; the rest are ignored.
pub fn open_login_popup(req: PopupRequest<'_>, done: Done) {
    let classify = req.classify;
    let (read, token) = callbacks::callback(move |data| {
        let (key, value) = match classify(&JsRecord(data)) {
            PopupMessage::Ignored => return JsValue::UNDEFINED,
            PopupMessage::ConfigInfo { target_origin } => (
                "targetOrigin",
                target_origin.map_or(JsValue::UNDEFINED, |t| JsValue::from_str(&t)),
            ),
            PopupMessage::Response(Ok(response)) => ("response", response.map_or(JsValue::UNDEFINED, |r| r.0)),
            PopupMessage::Response(Err(e)) => (
                "error",
                errors::named_error(e.name.as_deref(), e.message.as_deref().unwrap_or("")),
            ),
        };
        js::object(&[(key, &value)])
    });
    let answer_url = req.answer_origin.unwrap_or(req.url);
    match open_popup(
        req.url,
        answer_url,
        req.name,
        req.width,
        req.height,
        &read,
        req.redirect_when_blocked,
    ) {
        Ok(popup) => callbacks::on_settled(&popup, move |r| {
            callbacks::forget(token);
            done(r)
        }),
        Err(e) => {
            callbacks::forget(token);
            done(Err(e))
        }
    }
}
