//! An `AuthConnector<OAuth2Session>` supplied from JS (`OAuth2.create({ authConnector })`).

use super::session::JsSession;
use super::Done;
use crate::browser::callbacks::on_settled;
use crate::browser::{js, scopes};
use crate::core::manager::CreateRequest;
use crate::core::scopes::ScopeSet;
use wasm_bindgen::JsValue;

pub struct SuppliedConnector {
    connector: JsValue,
}

impl SuppliedConnector {
    pub fn new(connector: JsValue) -> Self {
        SuppliedConnector { connector }
    }

    fn call(&self, method: &str, arg: &JsValue, done: Done<JsValue>) {
        match js::call_method(&self.connector, method, &[arg]) {
            Ok(p) => on_settled(&p, done),
            Err(e) => done(Err(e)),
        }
    }

    fn session(&self, method: &str, arg: &JsValue, done: Done<JsSession>) {
        self.call(
            method,
            arg,
            alloc::boxed::Box::new(move |r| done(r.and_then(|s| JsSession::from_js(&s)))),
        );
    }

    pub fn create_session(&self, req: CreateRequest, done: Done<JsSession>) {
        let set = scopes::to_js_set(&req.scopes).into();
        let mut fields = [
            ("scopes", &set),
            ("optional", &JsValue::TRUE),
            ("instantPopup", &JsValue::TRUE),
        ];
        // `{ ...options, scopes }`: only the flags the caller set are present.
        let n = match (req.optional, req.instant_popup) {
            (false, false) => 1,
            (true, false) => 2,
            (false, true) => {
                fields.swap(1, 2);
                2
            }
            (true, true) => 3,
        };
        self.session("createSession", &js::object(&fields[..n]), done);
    }

    pub fn refresh_session(&self, scopes: ScopeSet, done: Done<JsSession>) {
        let options = js::object(&[("scopes", &scopes::to_js_set(&scopes).into())]);
        self.session("refreshSession", &options, done);
    }

    pub fn remove_session(&self, done: Done<()>) {
        self.call(
            "removeSession",
            &JsValue::UNDEFINED,
            alloc::boxed::Box::new(move |r| done(r.map(|_| ()))),
        );
    }
}
