//! `DefaultAuthConnector`: sessions from the Backstage auth backend (`/start` in a
//! popup or a redirect, `/refresh` with the refresh cookie, `/logout`).

use super::session::JsSession;
use super::{Done, JsError, RefreshDone};
use crate::browser::callbacks::{self, on_settled};
use crate::browser::errors;
use crate::browser::popup::{open_login_popup, PopupRequest};
use crate::browser::record::JsRecord;
use crate::browser::{js, scopes};
use crate::core::manager::CreateRequest;
use crate::core::query::{auth_url, QueryValue};
use crate::core::response::{classify_popup_message, parse_auth_response, parse_refresh_body, InvalidResponse};
use crate::core::retry::retry_after_ms;
use crate::core::scopes::ScopeSet;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::RefCell;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/connector/backend.js")]
extern "C" {
    /// `/refresh` under the refresh Web Lock; `answer({ kind, value, retryAfter })` gets
    /// the outcome (see `backend.js`). The promise settles when the lock is let go.
    #[wasm_bindgen(catch)]
    fn refresh(
        url: &str,
        timeout_ms: f64,
        pending: &JsValue,
        grace_ms: f64,
        answer: &Function,
    ) -> Result<Promise, JsValue>;

    /// `/logout`, following a safe `logoutUrl`.
    #[wasm_bindgen(catch)]
    fn logout(url: &str, timeout_ms: f64) -> Result<Promise, JsValue>;
}

/// `popupOptions.size`.
#[derive(Clone, Copy)]
pub enum PopupSize {
    Fixed { width: f64, height: f64 },
    Fullscreen,
}

pub struct BackendConfig {
    pub discovery_api: JsValue,
    pub environment: String,
    pub provider_id: String,
    pub provider_title: String,
    pub redirect_flow: bool,
    /// `popupBlocked: 'redirect'`: a sign-in whose popup the browser refused goes on as a
    /// redirect.
    pub popup_blocked_redirect: bool,
    pub popup_size: PopupSize,
    pub scope_transform: Option<Function>,
    /// `requestTimeoutMs` of `/refresh` and `/logout`; 0 is none.
    pub timeout_ms: f64,
}

pub struct BackendConnector {
    config: Rc<BackendConfig>,
    /// From `oauthRequestApi.createAuthRequester`: shows Backstage's login dialog.
    auth_requester: Function,
}

fn window() -> Result<web_sys::Window, JsValue> {
    js::window().ok_or_else(|| errors::error(&["No browser window to sign in from"]))
}

fn invalid(e: InvalidResponse) -> JsValue {
    errors::type_error(&[e.message()])
}

/// `window.location`.
fn location() -> Result<JsValue, JsValue> {
    window().map(|w| js::get(&w, "location"))
}

impl BackendConfig {
    /// `discoveryApi.getBaseUrl('auth')`, then the URL of `path` built from it.
    fn url(&self, path: &'static str, query: Query, done: Done<String>) {
        let base = match js::call_method(&self.discovery_api, "getBaseUrl", &[&JsValue::from_str("auth")]) {
            Ok(p) => p,
            Err(e) => return done(Err(e)),
        };
        let (id, env) = (self.provider_id.clone(), self.environment.clone());
        on_settled(&base, move |base| {
            done(base.map(|b| {
                let q = query.pairs();
                auth_url(&js::to_string(&b), &id, path, &q, &env)
            }))
        });
    }

    fn to_session(&self, payload: &JsValue) -> Result<JsSession, JsValue> {
        let res = parse_auth_response(&JsRecord(payload.clone())).map_err(invalid)?;
        JsSession::from_backend(res, self.scope_transform.as_ref())
    }

    /// What a `/refresh` answered, as `backend.js` reports it: the session in its JSON
    /// body, the error the body names, or why there is no body.
    fn read_refresh(&self, answer: &JsValue) -> Result<JsSession, JsError> {
        let value = js::get(answer, "value");
        match js::get_number(answer, "kind") as u8 {
            0 => {}
            1 => {
                let header = js::get(answer, "retryAfter");
                let retry_after = header.is_truthy().then(|| {
                    let read = |i| js::get_number(&header, i);
                    retry_after_ms(read("0"), read("1"), js_sys::Date::now())
                });
                let retry_after = retry_after.flatten();
                return Err(JsError::new(value, false, retry_after));
            }
            // The connection dropping while the body arrived is worth another try; a body
            // that is not JSON is final.
            _ => {
                let dropped = value.is_instance_of::<js_sys::TypeError>();
                return Err(JsError::new(value, dropped, None));
            }
        }
        let session = match parse_refresh_body(&JsRecord(value)).map_err(invalid) {
            Ok(Err(remote)) => Err(errors::named_error(
                remote.name.as_deref(),
                remote.message.as_deref().unwrap_or(""),
            )),
            Ok(Ok(res)) => JsSession::from_backend(res, self.scope_transform.as_ref()),
            Err(e) => Err(e),
        };
        session.map_err(JsError::of)
    }

    /// The raw `response` the popup posts (or a navigation away, for the redirect flow).
    fn sign_in(self: &Rc<Self>, scopes: &ScopeSet, done: Done<JsValue>) {
        let here = match location() {
            Ok(l) => l,
            Err(e) => return done(Err(e)),
        };
        let origin = js::get_string(&here, "origin");
        let redirect = self.redirect_flow.then(|| js::get_string(&here, "href"));
        let config = self.clone();
        let query = Query::Start {
            scope: scopes.join(),
            origin,
            redirect,
        };
        self.url(
            "/start",
            query,
            Box::new(move |url| match url {
                Err(e) => done(Err(e)),
                Ok(url) if config.redirect_flow => {
                    // The page unloads: `done` is never called, as the JS never resolves.
                    if let Err(e) = location().and_then(|l| js::set(&l, "href", &JsValue::from_str(&url))) {
                        done(Err(e));
                    }
                }
                Ok(url) => config.show_popup(&url, done),
            }),
        );
    }

    fn show_popup(&self, url: &str, done: Done<JsValue>) {
        let window = match window() {
            Ok(w) => w,
            Err(e) => return done(Err(e)),
        };
        let (width, height) = match self.popup_size {
            PopupSize::Fullscreen => {
                let screen = js::get(&window, "screen");
                (js::get_number(&screen, "width"), js::get_number(&screen, "height"))
            }
            PopupSize::Fixed { width, height } => (width, height),
        };
        let name = errors::concat(&[&self.provider_title, " Login"]);
        let req = PopupRequest {
            url,
            answer_origin: None,
            classify: classify_popup_message,
            name: &name,
            width,
            height,
            redirect_when_blocked: self.popup_blocked_redirect,
        };
        open_login_popup(req, done);
    }
}

/// The query of a backend URL, owned so it can wait for the discovery API.
enum Query {
    Refresh {
        scope: String,
    },
    Start {
        scope: String,
        origin: String,
        redirect: Option<String>,
    },
    Logout,
}

impl Query {
    fn pairs(&self) -> alloc::vec::Vec<(&'static str, QueryValue<'_>)> {
        match self {
            Query::Refresh { scope } => {
                alloc::vec![("optional", QueryValue::Flag(true)), ("scope", QueryValue::Text(scope))]
            }
            Query::Start {
                scope,
                origin,
                redirect: None,
            } => alloc::vec![
                ("scope", QueryValue::Text(scope)),
                ("origin", QueryValue::Text(origin)),
                ("flow", QueryValue::Text("popup")),
            ],
            Query::Start {
                scope,
                origin,
                redirect: Some(here),
            } => alloc::vec![
                ("scope", QueryValue::Text(scope)),
                ("origin", QueryValue::Text(origin)),
                ("redirectUrl", QueryValue::Text(here)),
                ("flow", QueryValue::Text("redirect")),
            ],
            Query::Logout => alloc::vec::Vec::new(),
        }
    }
}

impl BackendConnector {
    /// Registers with `oauthRequestApi` at once, as the JS constructor does, so the
    /// login dialog knows the provider before the first sign-in.
    pub fn new(config: BackendConfig, oauth_request_api: &JsValue, provider: &JsValue) -> Result<Self, JsValue> {
        let config = Rc::new(config);
        let handler_config = config.clone();
        // The dialog resolves the requester with this promise's value: the raw payload,
        // turned into a session by `create_session` below.
        let (on_auth_request, _) = callbacks::callback(move |requested: JsValue| {
            let config = handler_config.clone();
            callbacks::promise_of(move |done| match scopes::from_iterable(&requested) {
                Ok(scopes) => config.sign_in(&scopes, done),
                Err(e) => done(Err(e)),
            })
            .into()
        });
        let on_auth_request: JsValue = on_auth_request.into();
        let options = js::object(&[("provider", provider), ("onAuthRequest", &on_auth_request)]);
        let requester = js::call_method(oauth_request_api, "createAuthRequester", &[&options])?;
        let auth_requester = requester
            .dyn_into::<Function>()
            .map_err(|_| errors::type_error(&["oauthRequestApi.createAuthRequester did not return a function"]))?;
        Ok(BackendConnector { config, auth_requester })
    }

    pub fn create_session(&self, req: CreateRequest, done: Done<JsSession>) {
        let config = self.config.clone();
        let done: Done<JsValue> = Box::new(move |payload| done(payload.and_then(|p| config.to_session(&p))));
        if req.instant_popup {
            return self.config.sign_in(&req.scopes, done);
        }
        match self
            .auth_requester
            .call1(&JsValue::UNDEFINED, &scopes::to_js_set(&req.scopes))
        {
            // One tick more than a plain `await`: core-app-api's `createSession` is an async
            // function returning the requester's promise, so the dialog's `trigger()` has
            // settled before the session arrives and `SignedIn` is announced.
            Ok(p) => on_settled(&p, move |r| callbacks::later(move || done(r))),
            Err(e) => done(Err(e)),
        }
    }

    /// `/refresh` under the Web Lock core-app-api uses. With `pending` (`crossTab`), the
    /// whole refresh runs inside the lock, so its result reaches the other tabs before
    /// any of them is granted the lock; a tab granted it then asks `pending()` and sends
    /// nothing when another tab's result already served its callers.
    pub fn refresh_session(&self, scopes: ScopeSet, pending: Option<Pending>, done: RefreshDone) {
        let config = self.config.clone();
        self.config.url(
            "/refresh",
            Query::Refresh { scope: scopes.join() },
            Box::new(move |url| {
                let url = match url {
                    Ok(url) => url,
                    Err(e) => return done(Err(JsError::of(e))),
                };
                let pending = pending.map(|p| callbacks::callback(move |_| JsValue::from_bool(p())));
                let asks = pending.as_ref().map_or(JsValue::UNDEFINED, |(f, _)| f.into());
                let done = Rc::new(RefCell::new(Some(done)));
                let (read, answered) = (config.clone(), done.clone());
                let (answer, token) = callbacks::callback(move |answer| {
                    let taken = answered.borrow_mut().take();
                    if let Some(done) = taken {
                        done(read.read_refresh(&answer));
                    }
                    JsValue::UNDEFINED
                });
                // Both functions are dropped once the lock is let go, answered or not.
                let tokens = [Some(token), pending.map(|(_, t)| t)];
                match refresh(&url, config.timeout_ms, &asks, GRACE_MS, &answer) {
                    Ok(held) => on_settled(&held, move |_| tokens.into_iter().flatten().for_each(callbacks::forget)),
                    Err(e) => {
                        tokens.into_iter().flatten().for_each(callbacks::forget);
                        let taken = done.borrow_mut().take();
                        if let Some(done) = taken {
                            done(Err(JsError::of(e)));
                        }
                    }
                }
            }),
        );
    }

    pub fn remove_session(&self, done: Done<()>) {
        let timeout = self.config.timeout_ms;
        self.config.url(
            "/logout",
            Query::Logout,
            Box::new(move |url| match url.and_then(|url| logout(&url, timeout)) {
                Ok(p) => on_settled(&p, move |r| done(r.map(|_| ()))),
                Err(e) => done(Err(e)),
            }),
        );
    }
}

/// How long a tab granted the lock after another tab held it waits for the holder's
/// announced result before it sends its own request.
const GRACE_MS: f64 = 50.0;

/// Asked when the cross-tab lock is granted: whether the refresh is still wanted.
pub type Pending = Box<dyn Fn() -> bool>;
