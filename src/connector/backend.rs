//! `DefaultAuthConnector`: sessions from the Backstage auth backend (`/start` in a
//! popup or a redirect, `/refresh` with the refresh cookie, `/logout`).

use super::session::JsSession;
use super::JsError;
use crate::browser::errors::{self, AUTH_CONNECTION_ERROR};
use crate::browser::http::{self, HttpFailure};
use crate::browser::popup::{open_login_popup, PopupRequest};
use crate::browser::record::JsRecord;
use crate::browser::{js, locks, scopes};
use crate::core::manager::CreateRequest;
use crate::core::query::{auth_url, QueryValue};
use crate::core::response::{parse_auth_response, parse_refresh_body, InvalidResponse};
use crate::core::scopes::ScopeSet;
use alloc::rc::Rc;
use alloc::string::String;
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
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
    web_sys::window().ok_or_else(|| errors::error(&["No browser window to sign in from"]))
}

fn invalid(e: InvalidResponse) -> JsValue {
    errors::type_error(&[e.message()])
}

impl BackendConfig {
    async fn url(&self, path: &str, query: &[(&str, QueryValue<'_>)]) -> Result<String, JsValue> {
        let base = js::resolve(js::call_method(
            &self.discovery_api,
            "getBaseUrl",
            &[&JsValue::from_str("auth")],
        )?)
        .await?;
        Ok(auth_url(
            &js::to_string(&base),
            &self.provider_id,
            path,
            query,
            &self.environment,
        ))
    }

    fn to_session(&self, payload: &JsValue) -> Result<JsSession, JsValue> {
        let res = parse_auth_response(&JsRecord(payload.clone())).map_err(invalid)?;
        JsSession::from_backend(res, self.scope_transform.as_ref())
    }

    /// The raw `response` the popup posts; turned into a session by `to_session`.
    async fn show_popup(&self, scopes: &ScopeSet) -> Result<JsValue, JsValue> {
        let window = window()?;
        let origin = window.location().origin()?;
        let joined = scopes.join();
        let url = self
            .url(
                "/start",
                &[
                    ("scope", QueryValue::Text(&joined)),
                    ("origin", QueryValue::Text(&origin)),
                    ("flow", QueryValue::Text("popup")),
                ],
            )
            .await?;
        let (width, height) = match self.popup_size {
            PopupSize::Fullscreen => {
                let screen = window.screen()?;
                (f64::from(screen.width()?), f64::from(screen.height()?))
            }
            PopupSize::Fixed { width, height } => (width, height),
        };
        let name = errors::concat(&[&self.provider_title, " Login"]);
        open_login_popup(
            &window,
            PopupRequest {
                url: &url,
                name: &name,
                width,
                height,
            },
        )
        .await
    }

    /// Navigates to `/start?…&flow=redirect`; the page unloads, so this never resolves.
    async fn execute_redirect(&self, scopes: &ScopeSet) -> Result<JsValue, JsValue> {
        let window = window()?;
        let location = window.location();
        let (origin, here) = (location.origin()?, location.href()?);
        let joined = scopes.join();
        let url = self
            .url(
                "/start",
                &[
                    ("scope", QueryValue::Text(&joined)),
                    ("origin", QueryValue::Text(&origin)),
                    ("redirectUrl", QueryValue::Text(&here)),
                    ("flow", QueryValue::Text("redirect")),
                ],
            )
            .await?;
        location.set_href(&url)?;
        core::future::pending().await
    }

    async fn sign_in(&self, scopes: &ScopeSet) -> Result<JsValue, JsValue> {
        if self.redirect_flow {
            self.execute_redirect(scopes).await
        } else {
            self.show_popup(scopes).await
        }
    }
}

impl BackendConnector {
    /// Registers with `oauthRequestApi` at once, as the JS constructor does, so the
    /// login dialog knows the provider before the first sign-in.
    pub fn new(config: BackendConfig, oauth_request_api: &JsValue, provider: &JsValue) -> Result<Self, JsValue> {
        let config = Rc::new(config);
        let handler_config = config.clone();
        let on_auth_request = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |requested: JsValue| {
            let config = handler_config.clone();
            // The dialog resolves the requester with this promise's value: the raw
            // payload, turned into a session by `create_session` below.
            future_to_promise(async move { config.sign_in(&scopes::from_iterable(&requested)).await })
        })
        .into_js_value();
        let options = js::object(&[("provider", provider), ("onAuthRequest", &on_auth_request)]);
        let requester = js::call_method(oauth_request_api, "createAuthRequester", &[&options])?;
        let auth_requester = requester
            .dyn_into::<Function>()
            .map_err(|_| errors::type_error(&["oauthRequestApi.createAuthRequester did not return a function"]))?;
        Ok(BackendConnector { config, auth_requester })
    }

    pub async fn create_session(&self, req: CreateRequest) -> Result<JsSession, JsError> {
        let payload = if req.instant_popup {
            self.config.sign_in(&req.scopes).await?
        } else {
            let set = scopes::to_js_set(&req.scopes);
            js::resolve(self.auth_requester.call1(&JsValue::UNDEFINED, &set)?).await?
        };
        Ok(self.config.to_session(&payload)?)
    }

    pub async fn refresh_session(&self, scopes: ScopeSet) -> Result<JsSession, JsError> {
        let c = &self.config;
        let joined = scopes.join();
        let url = c
            .url(
                "/refresh",
                &[
                    ("optional", QueryValue::Flag(true)),
                    ("scope", QueryValue::Text(&joined)),
                ],
            )
            .await?;
        let parsed = Url::new(&url)?;
        // Same lock name as core-app-api, so tabs running either client take turns.
        let lock = errors::concat(&["backstage-auth-refresh:", &parsed.origin(), &parsed.pathname()]);
        let response = locks::with_lock(&lock, move || async move {
            match http::backend_fetch(&url, false).await {
                Ok(r) => Ok(JsValue::from(r)),
                Err(HttpFailure::Thrown(e)) => Err(e),
                Err(HttpFailure::Network(e)) => {
                    let message = errors::concat(&["Auth refresh request failed, ", &js::to_string(&e)]);
                    Err(errors::with(
                        errors::named_error(Some(AUTH_CONNECTION_ERROR), &message),
                        "cause",
                        &e,
                    ))
                }
            }
        })
        .await?;
        let response: web_sys::Response = response.unchecked_into();
        if !response.ok() {
            let message = errors::concat(&["Auth refresh request failed, ", &response.status_text()]);
            return Err(JsError(errors::with(
                errors::error(&[&message]),
                "status",
                &JsValue::from(response.status()),
            )));
        }
        let body = http::json(&response).await?;
        match parse_refresh_body(&JsRecord(body)).map_err(invalid)? {
            Err(remote) => Err(JsError(errors::named_error(
                remote.name.as_deref(),
                remote.message.as_deref().unwrap_or(""),
            ))),
            Ok(res) => Ok(JsSession::from_backend(res, c.scope_transform.as_ref())?),
        }
    }

    pub async fn remove_session(&self) -> Result<(), JsError> {
        let url = self.config.url("/logout", &[]).await?;
        let response = match http::backend_fetch(&url, true).await {
            Ok(r) => r,
            Err(HttpFailure::Thrown(e) | HttpFailure::Network(e)) => {
                return Err(JsError(errors::error(&["Logout request failed, ", &js::to_string(&e)])));
            }
        };
        if !response.ok() {
            let e = errors::error(&["Logout request failed, ", &response.status_text()]);
            return Err(JsError(errors::with(e, "status", &JsValue::from(response.status()))));
        }
        if let Some(target) = logout_redirect(&response).await {
            if let Ok(w) = window() {
                if w.location().set_href(&target).is_ok() {
                    core::future::pending::<()>().await;
                }
            }
        }
        Ok(())
    }
}

/// A `logoutUrl` from a JSON `/logout` answer, followed only to `https:` or `localhost`
/// so a compromised backend cannot send the user to a plain-http phishing page.
async fn logout_redirect(response: &web_sys::Response) -> Option<String> {
    let content_type = response.headers().get("content-type").ok()??;
    if !content_type.contains("application/json") {
        return None;
    }
    let body = http::json(response).await.ok()?;
    let target = js::get(&body, "logoutUrl");
    if !target.is_truthy() {
        return None;
    }
    let target = js::to_string(&target);
    let url = Url::new(&target).ok()?;
    (url.protocol() == "https:" || url.hostname() == "localhost").then_some(target)
}
