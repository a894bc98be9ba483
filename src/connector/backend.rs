//! `DefaultAuthConnector`: sessions from the Backstage auth backend (`/start` in a
//! popup or a redirect, `/refresh` with the refresh cookie, `/logout`).

use super::session::JsSession;
use super::Done;
use crate::browser::callbacks::{self, on_settled};
use crate::browser::errors::{self, AUTH_CONNECTION_ERROR};
use crate::browser::popup::{open_login_popup, PopupRequest};
use crate::browser::record::JsRecord;
use crate::browser::{http, js, locks, scopes};
use crate::core::manager::CreateRequest;
use crate::core::query::{auth_url, QueryValue};
use crate::core::response::{classify_popup_message, parse_auth_response, parse_refresh_body, InvalidResponse};
use crate::core::scopes::ScopeSet;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::RefCell;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use web_sys::Url;

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
    pub popup_size: PopupSize,
    pub scope_transform: Option<Function>,
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

/// `error.status = res.status` on an HTTP error.
fn status_error(prefix: &str, response: &JsValue) -> JsValue {
    let e = errors::error(&[prefix, &js::get_string(response, "statusText")]);
    errors::with(e, "status", &js::get(response, "status"))
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

    /// The session `request` (a `/refresh` fetch) brings, or why it brings none.
    fn answer(self: Rc<Self>, request: Result<JsValue, JsValue>, done: Done<JsSession>) {
        when_ok(
            request,
            REFRESH_FAILED,
            connection_error,
            Box::new(move |r| match r {
                Ok(response) => self.read_refresh(&response, done),
                Err(e) => done(Err(e)),
            }),
        );
    }

    /// The session in a `/refresh` answer's JSON body, or the error the body names.
    fn read_refresh(self: Rc<Self>, response: &JsValue, done: Done<JsSession>) {
        let body = match js::call_method(response, "json", &[]) {
            Ok(body) => body,
            Err(e) => return done(Err(e)),
        };
        on_settled(&body, move |body| {
            done(
                body.and_then(|body| match parse_refresh_body(&JsRecord(body)).map_err(invalid)? {
                    Err(remote) => Err(errors::named_error(
                        remote.name.as_deref(),
                        remote.message.as_deref().unwrap_or(""),
                    )),
                    Ok(res) => JsSession::from_backend(res, self.scope_transform.as_ref()),
                }),
            )
        });
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
    pub fn refresh_session(&self, scopes: ScopeSet, pending: Option<Pending>, done: Done<JsSession>) {
        let config = self.config.clone();
        self.config.url(
            "/refresh",
            Query::Refresh { scope: scopes.join() },
            Box::new(move |url| {
                let url = match url {
                    Ok(url) => url,
                    Err(e) => return done(Err(e)),
                };
                let lock = match Url::new(&url) {
                    // Same lock name as core-app-api, so tabs running either client take turns.
                    Ok(u) => errors::concat(&[
                        "backstage-auth-refresh:",
                        &js::get_string(&u, "origin"),
                        &js::get_string(&u, "pathname"),
                    ]),
                    Err(e) => return done(Err(e)),
                };
                let Some(pending) = pending else {
                    let request = http::backend_request(&url, false).and_then(|f| locks::with_lock(&lock, &f));
                    return config.answer(request, done);
                };
                let done = Rc::new(RefCell::new(Some(done)));
                let waiting = done.clone();
                let task = callbacks::once(move |waited| {
                    let taken = waiting.borrow_mut().take();
                    let Some(done) = taken.filter(|_| pending()) else {
                        return JsValue::UNDEFINED;
                    };
                    callbacks::promise_of(move |release| {
                        let send = move || {
                            if !pending() {
                                return release(Ok(JsValue::UNDEFINED));
                            }
                            let request = http::backend_request(&url, false).and_then(|f| f.call0(&JsValue::UNDEFINED));
                            config.answer(
                                request,
                                Box::new(move |r| {
                                    done(r);
                                    release(Ok(JsValue::UNDEFINED));
                                }),
                            );
                        };
                        // Granted after another tab held the lock: that tab announced its
                        // result before letting go, but the browser may hand over the lock
                        // a few milliseconds before the message (measured: 1 grant in 5
                        // first, by up to 6 ms), so the result gets a moment to arrive.
                        if waited.is_truthy() {
                            callbacks::after(GRACE_MS, send);
                        } else {
                            send();
                        }
                    })
                    .into()
                });
                // The lock itself failing is a connection error, as when it wraps the fetch.
                let failed = move |e: JsValue| {
                    let taken = done.borrow_mut().take();
                    if let Some(done) = taken {
                        let message = errors::concat(&[REFRESH_FAILED, &js::to_string(&e)]);
                        done(Err(connection_error(&message, e)));
                    }
                };
                match locks::with_lock_noting_wait(&lock, task) {
                    Ok(held) => on_settled(&held, move |r| {
                        if let Err(e) = r {
                            failed(e)
                        }
                    }),
                    Err(e) => failed(e),
                }
            }),
        );
    }

    pub fn remove_session(&self, done: Done<()>) {
        self.config.url(
            "/logout",
            Query::Logout,
            Box::new(move |url| {
                let request = url.and_then(|url| http::backend_request(&url, true)?.call0(&JsValue::UNDEFINED));
                when_ok(
                    request,
                    "Logout request failed, ",
                    |message, _| errors::error(&[message]),
                    Box::new(move |response| match response {
                        Ok(response) => follow_logout_url(&response, done),
                        Err(e) => done(Err(e)),
                    }),
                );
            }),
        );
    }
}

const REFRESH_FAILED: &str = "Auth refresh request failed, ";

/// How long a tab granted the lock after another tab held it waits for the holder's
/// announced result before it sends its own request.
const GRACE_MS: f64 = 50.0;

/// Asked when the cross-tab lock is granted: whether the refresh is still wanted.
pub type Pending = Box<dyn Fn() -> bool>;

/// A refresh that never reached the backend: the session is kept (`AuthConnectionError`).
fn connection_error(message: &str, cause: JsValue) -> JsValue {
    let error = errors::named_error(Some(AUTH_CONNECTION_ERROR), message);
    errors::with(error, "cause", &cause)
}

/// Hands `k` the backend's answer to `request` once it is `ok`. A request that could not be
/// made, one that failed (`failed(prefix + reason, error)` is the error) and an HTTP error
/// status (with `.status`) reach `k` as errors instead.
fn when_ok(
    request: Result<JsValue, JsValue>,
    prefix: &'static str,
    failed: fn(&str, JsValue) -> JsValue,
    k: Done<JsValue>,
) {
    let request = match request {
        Ok(r) => r,
        Err(e) => return k(Err(e)),
    };
    on_settled(&request, move |r| match r {
        Err(e) => k(Err(failed(&errors::concat(&[prefix, &js::to_string(&e)]), e))),
        Ok(response) if !js::get(&response, "ok").is_truthy() => k(Err(status_error(prefix, &response))),
        Ok(response) => k(Ok(response)),
    });
}

/// `haystack.includes(needle)` by plain comparison: `str::contains` brings a Two-Way
/// searcher whose code outweighs any speed it offers on a header value.
fn contains(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// A `logoutUrl` from a JSON `/logout` answer is followed only to `https:` or `localhost`,
/// so a compromised backend cannot send the user to a plain-http phishing page. Any
/// problem reading it is ignored, as in the JS.
fn follow_logout_url(response: &JsValue, done: Done<()>) {
    let content_type = js::call_method(
        &js::get(response, "headers"),
        "get",
        &[&JsValue::from_str("content-type")],
    );
    let is_json = content_type.is_ok_and(|t| t.as_string().is_some_and(|t| contains(&t, "application/json")));
    let body = match is_json.then(|| js::call_method(response, "json", &[])) {
        Some(Ok(body)) => body,
        _ => return done(Ok(())),
    };
    on_settled(&body, move |body| {
        let target = body
            .ok()
            .map(|b| js::get(&b, "logoutUrl"))
            .filter(JsValue::is_truthy)
            .map(|t| js::to_string(&t));
        let allowed = target.as_deref().and_then(|t| Url::new(t).ok()).is_some_and(|u| {
            js::get_string(&u, "protocol") == "https:" || js::get_string(&u, "hostname") == "localhost"
        });
        match (target, allowed, location()) {
            // The page unloads: `done` is never called, as the JS never resolves.
            (Some(t), true, Ok(l)) if js::set(&l, "href", &JsValue::from_str(&t)).is_ok() => {}
            _ => done(Ok(())),
        }
    });
}
