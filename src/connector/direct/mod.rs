//! Direct mode: an `AuthConnector<OAuth2Session>` that signs in straight at an OpenID
//! Connect provider with Authorization Code + PKCE, as a public client (no secret, no
//! Backstage auth backend). The protocol (PKCE S256, `state`, authorization URL, code and
//! refresh-token grants) is the oauth2 crate's; the ID token checks are `core::oidc`'s.
//! Tokens, the refresh token included, live only in this object's memory.

mod crypto;
mod http;

use crate::browser::errors;
use crate::browser::popup::{open_login_popup, PopupRequest};
use crate::browser::record::JsRecord;
use crate::browser::{callbacks, js, scopes};
use crate::core::oidc::{self, IdTokenClaims, IdTokenError};
use crate::core::record::Record;
use crate::core::response::PopupMessage;
use crate::core::scopes::ScopeSet;
use core::cell::RefCell;
use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, Client, ClientId, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields,
    PkceCodeChallenge, RedirectUrl, RefreshToken, Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse,
    TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::boxed::Box;
use std::rc::Rc;
use std::string::{String, ToString};
use std::vec::Vec;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The message the callback page posts to the window that opened it.
pub const CALLBACK_MESSAGE: &str = "backstage-oauth2-wasm:callback";

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

type TokenAnswer = StandardTokenResponse<IdTokenField, BasicTokenType>;
type OidcClient = Client<
    BasicErrorResponse,
    TokenAnswer,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The provider's endpoints, from discovery or given explicitly.
#[derive(Clone, Debug, Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    end_session_endpoint: Option<String>,
}

struct Options {
    client_id: String,
    /// The callback page, for popup and silent sign-ins.
    redirect_uri: String,
    /// The app page a full-page redirect sign-in returns to.
    return_uri: String,
    issuer: Option<String>,
    explicit: Option<Metadata>,
    leeway_s: f64,
    identity_claim: String,
    namespace: String,
    end_session: bool,
    post_logout_redirect_uri: Option<String>,
    silent_timeout_ms: f64,
    /// Full-page redirect instead of a popup.
    redirect_flow: bool,
}

/// How a sign-in reaches the provider.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Popup,
    /// `prompt=none` in a hidden iframe.
    Silent,
    Redirect,
}

/// A redirect sign-in in flight, kept in `sessionStorage` across the navigation: one-time
/// values only (the PKCE verifier, `state`, `nonce`), never a token.
#[derive(Serialize, Deserialize)]
struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    scopes: Vec<String>,
}

struct Direct {
    options: Options,
    metadata: RefCell<Option<Rc<Metadata>>>,
    jwks: RefCell<Option<JsValue>>,
    refresh_token: RefCell<Option<RefreshToken>>,
    id_token: RefCell<Option<(String, IdTokenClaims)>>,
}

/// A Backstage `AuthConnector` for direct mode; pass it to `OAuth2.create({ authConnector })`
/// of this package or of `@backstage/core-app-api`.
#[wasm_bindgen]
pub struct DirectAuthConnector {
    inner: Rc<Direct>,
}

fn named(name: &str, message: &str) -> JsValue {
    errors::named_error(Some(name), message)
}

fn id_token_error(e: IdTokenError) -> JsValue {
    errors::with(
        named("IdTokenValidationError", e.message()),
        "check",
        &JsValue::from_str(e.check()),
    )
}

fn string_option(options: &JsValue, key: &str) -> Option<String> {
    js::get(options, key).as_string().filter(|s| !s.is_empty())
}

fn required(options: &JsValue, key: &str) -> Result<String, JsValue> {
    string_option(options, key)
        .ok_or_else(|| errors::type_error(&["createDirectAuthConnector: option ", key, " is required"]))
}

fn read_options(options: &JsValue) -> Result<Options, JsValue> {
    if !options.is_object() {
        return Err(errors::type_error(&[
            "createDirectAuthConnector: options must be an object",
        ]));
    }
    let explicit = match (
        string_option(options, "authorizationEndpoint"),
        string_option(options, "tokenEndpoint"),
        string_option(options, "jwksUri"),
    ) {
        (Some(authorization_endpoint), Some(token_endpoint), Some(jwks_uri)) => Some(Metadata {
            issuer: required(options, "issuer")?,
            authorization_endpoint,
            token_endpoint,
            jwks_uri,
            end_session_endpoint: string_option(options, "endSessionEndpoint"),
        }),
        _ => None,
    };
    let issuer = string_option(options, "issuer");
    if issuer.is_none() && explicit.is_none() {
        return Err(errors::type_error(&[
            "createDirectAuthConnector: give issuer (for discovery) or every endpoint",
        ]));
    }
    let identity = js::get(options, "identity");
    Ok(Options {
        client_id: required(options, "clientId")?,
        redirect_uri: required(options, "redirectUri")?,
        return_uri: match string_option(options, "returnUri") {
            Some(uri) => uri,
            None => js::window()
                .and_then(|w| w.location().origin().ok())
                .map(|o| [o.as_str(), "/"].concat())
                .unwrap_or_default(),
        },
        issuer,
        explicit,
        leeway_s: js::get(options, "clockSkewSeconds").as_f64().unwrap_or(60.0),
        identity_claim: string_option(&identity, "claim").unwrap_or_else(|| "preferred_username".into()),
        namespace: string_option(&identity, "namespace").unwrap_or_else(|| "default".into()),
        end_session: js::get(options, "endSession").as_bool().unwrap_or(true),
        post_logout_redirect_uri: string_option(options, "postLogoutRedirectUri"),
        silent_timeout_ms: js::get(options, "silentTimeoutMs").as_f64().unwrap_or(10_000.0),
        redirect_flow: js::get(options, "flow").as_string().as_deref() == Some("redirect"),
    })
}

/// `createDirectAuthConnector({ clientId, redirectUri, issuer, … })`.
#[wasm_bindgen(js_name = createDirectAuthConnector)]
pub fn create_direct_auth_connector(options: JsValue) -> Result<DirectAuthConnector, JsValue> {
    let options = read_options(&options)?;
    Ok(DirectAuthConnector {
        inner: Rc::new(Direct {
            options,
            metadata: RefCell::new(None),
            jwks: RefCell::new(None),
            refresh_token: RefCell::new(None),
            id_token: RefCell::new(None),
        }),
    })
}

/// For the page at `redirectUri`: hands `code` and `state` to the window that started the
/// sign-in (the popup's opener, or the parent of a silent iframe), on this origin only.
#[wasm_bindgen(js_name = handleDirectCallback)]
pub fn handle_direct_callback() -> bool {
    let Some(window) = js::window() else { return false };
    let location = window.location();
    let (Ok(search), Ok(origin)) = (location.search(), location.origin()) else {
        return false;
    };
    let opener = window.opener().ok().filter(|o| !o.is_null() && !o.is_undefined());
    let parent = window
        .parent()
        .ok()
        .flatten()
        .map(JsValue::from)
        .filter(|p| *p != JsValue::from(window.clone()));
    let Some(target) = opener.or(parent) else { return false };
    let message = js::object(&[
        ("type", &JsValue::from_str(CALLBACK_MESSAGE)),
        ("search", &JsValue::from_str(&search)),
    ]);
    let posted = js::call_method(&target, "postMessage", &[&message, &JsValue::from_str(&origin)]).is_ok();
    if posted && window.opener().map(|o| !o.is_null()).unwrap_or(false) {
        let _ = window.close();
    }
    posted
}

/// The callback page's message, read only when it comes from the sign-in window on the
/// redirect URI's origin.
fn classify_callback(data: &JsRecord) -> PopupMessage<JsRecord> {
    match data.field("type").and_then(|t| t.string()).as_deref() {
        Some(CALLBACK_MESSAGE) => PopupMessage::Response(Ok(data.field("search"))),
        _ => PopupMessage::Ignored,
    }
}

/// The authorization response in the callback's query: the code, once `state` matches.
fn code_from_callback(search: &str, expected_state: &str) -> Result<String, JsValue> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (k, v) in oauth2::url::form_urlencoded::parse(search.trim_start_matches('?').as_bytes()) {
        match k.as_ref() {
            "code" => code = Some(v.into_owned()),
            "state" => state = Some(v.into_owned()),
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    if state.as_deref() != Some(expected_state) {
        let e = named(
            "AuthenticationError",
            "Sign-in rejected: the callback's state does not match this sign-in",
        );
        return Err(errors::with(e, "check", &JsValue::from_str("state")));
    }
    if let Some(error) = error {
        let message = description
            .map(|d| [error.as_str(), ": ", &d].concat())
            .unwrap_or(error);
        return Err(named("AuthenticationError", &message));
    }
    code.ok_or_else(|| named("AuthenticationError", "Sign-in failed: the callback carries no code"))
}

fn scopes_of(options: &JsValue) -> ScopeSet {
    scopes::from_iterable(&js::get(options, "scopes"))
}

fn date(ms: f64) -> JsValue {
    js_sys::Date::new(&JsValue::from_f64(ms)).into()
}

impl Direct {
    async fn metadata(&self) -> Result<Rc<Metadata>, JsValue> {
        if let Some(m) = self.metadata.borrow().clone() {
            return Ok(m);
        }
        let m = match (&self.options.explicit, &self.options.issuer) {
            (Some(m), _) => m.clone(),
            (None, Some(issuer)) => {
                let url = [issuer.trim_end_matches('/'), "/.well-known/openid-configuration"].concat();
                let doc = js_sys::JSON::stringify(&http::get_json(&url).await?)?;
                let doc: String = doc.into();
                serde_json::from_str(&doc)
                    .map_err(|e| errors::type_error(&["Invalid discovery document: ", &e.to_string()]))?
            }
            (None, None) => return Err(errors::type_error(&["no issuer"])),
        };
        let m = Rc::new(m);
        *self.metadata.borrow_mut() = Some(m.clone());
        Ok(m)
    }

    /// The client for a sign-in whose answer comes back to `redirect_uri`.
    fn client_to(&self, m: &Metadata, redirect_uri: &str) -> Result<OidcClient, JsValue> {
        let bad =
            |what: &str, e: oauth2::url::ParseError| errors::type_error(&["Invalid ", what, ": ", &e.to_string()]);
        Ok(Client::new(ClientId::new(self.options.client_id.clone()))
            .set_auth_uri(AuthUrl::new(m.authorization_endpoint.clone()).map_err(|e| bad("authorization endpoint", e))?)
            .set_token_uri(TokenUrl::new(m.token_endpoint.clone()).map_err(|e| bad("token endpoint", e))?)
            .set_redirect_uri(RedirectUrl::new(redirect_uri.to_string()).map_err(|e| bad("redirect URI", e))?))
    }

    fn client(&self, m: &Metadata) -> Result<OidcClient, JsValue> {
        self.client_to(m, &self.options.redirect_uri)
    }

    /// The authorization URL with PKCE, `state` and `nonce`; `silent` asks for `prompt=none`.
    fn authorization(
        &self,
        client: &OidcClient,
        scopes: &ScopeSet,
        silent: bool,
    ) -> (String, CsrfToken, CsrfToken, oauth2::PkceCodeVerifier) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", nonce.secret().clone())
            .add_scopes(scopes.iter().map(|s| Scope::new(s.to_string())));
        if silent {
            request = request.add_extra_param("prompt", "none");
        } else if scopes.contains("offline_access") {
            // OpenID Connect Core 11: offline access is granted only after explicit consent.
            request = request.add_extra_param("prompt", "consent");
        }
        let (url, state) = request.url();
        (url.to_string(), state, nonce, verifier)
    }

    async fn sign_in(self: Rc<Self>, scopes: ScopeSet, mode: Mode) -> Result<JsValue, JsValue> {
        let m = self.metadata().await?;
        let client = match mode {
            Mode::Redirect => self.client_to(&m, &self.options.return_uri)?,
            Mode::Popup | Mode::Silent => self.client(&m)?,
        };
        let (url, state, nonce, verifier) = self.authorization(&client, &scopes, mode == Mode::Silent);
        let search = match mode {
            Mode::Silent => self.silent_frame(&url).await?,
            Mode::Popup => self.popup(&url).await?,
            Mode::Redirect => {
                let pending = Pending {
                    state: state.secret().clone(),
                    nonce: nonce.secret().clone(),
                    verifier: verifier.secret().clone(),
                    scopes: scopes.iter().map(String::from).collect(),
                };
                self.store_pending(Some(&pending))?;
                let window = js::window().ok_or_else(|| errors::error(&["No browser window to sign in from"]))?;
                window.location().set_href(&url)?;
                // The page unloads; the sign-in completes on return (`complete_redirect`).
                core::future::pending::<String>().await
            }
        };
        self.finish(&m, &client, &search, state.secret(), nonce.secret(), verifier, &scopes)
            .await
    }

    /// The callback's code, checked against `state`, exchanged with the PKCE verifier.
    #[allow(clippy::too_many_arguments)]
    async fn finish(
        &self,
        m: &Metadata,
        client: &OidcClient,
        search: &str,
        state: &str,
        nonce: &str,
        verifier: oauth2::PkceCodeVerifier,
        scopes: &ScopeSet,
    ) -> Result<JsValue, JsValue> {
        let code = code_from_callback(search, state)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request_async(&http::fetch)
            .await
            .map_err(|e| {
                named(
                    "AuthenticationError",
                    &["Code exchange failed: ", &e.to_string()].concat(),
                )
            })?;
        self.session(m, &token, scopes, Some(nonce)).await
    }

    fn storage_key(&self) -> String {
        ["backstage-oauth2-wasm:direct:", &self.options.client_id].concat()
    }

    fn store_pending(&self, pending: Option<&Pending>) -> Result<(), JsValue> {
        let storage = js::get(&js::global(), "sessionStorage");
        let key = JsValue::from_str(&self.storage_key());
        match pending {
            Some(p) => {
                let value = serde_json::to_string(p).map_err(|e| errors::error(&[&e.to_string()]))?;
                js::call_method(&storage, "setItem", &[&key, &JsValue::from_str(&value)])?;
            }
            None => {
                js::call_method(&storage, "removeItem", &[&key])?;
            }
        }
        Ok(())
    }

    /// Back from a redirect sign-in: the address carries the response and `sessionStorage`
    /// the sign-in it belongs to. Both are consumed at once, and the response is taken off
    /// the address bar, so a reload cannot replay it.
    async fn complete_redirect(&self) -> Option<Result<JsValue, JsValue>> {
        let window = js::window()?;
        let location = window.location();
        let search = location.search().ok()?;
        if !search.contains("state=") {
            return None;
        }
        let storage = js::get(&js::global(), "sessionStorage");
        let stored = js::call_method(&storage, "getItem", &[&JsValue::from_str(&self.storage_key())]).ok()?;
        let pending: Pending = serde_json::from_str(&stored.as_string()?).ok()?;
        let _ = self.store_pending(None);
        let clean = [
            location.pathname().unwrap_or_default(),
            location.hash().unwrap_or_default(),
        ]
        .concat();
        let history = js::get(&window, "history");
        let _ = js::call_method_with(
            &history,
            "replaceState",
            &js_sys::Array::of3(&JsValue::NULL, &JsValue::from_str(""), &JsValue::from_str(&clean)),
        );
        let scopes: ScopeSet = pending.scopes.into_iter().collect();
        let verifier = oauth2::PkceCodeVerifier::new(pending.verifier);
        let result = async {
            let m = self.metadata().await?;
            let client = self.client_to(&m, &self.options.return_uri)?;
            self.finish(&m, &client, &search, &pending.state, &pending.nonce, verifier, &scopes)
                .await
        };
        Some(result.await)
    }

    async fn popup(&self, url: &str) -> Result<String, JsValue> {
        let window = js::window().ok_or_else(|| errors::error(&["No browser window to sign in from"]))?;
        let redirect = self.options.redirect_uri.clone();
        let url = url.to_string();
        let outcome = callbacks::promise(move |resolve, reject| {
            let req = PopupRequest {
                url: &url,
                answer_origin: Some(&redirect),
                classify: classify_callback,
                name: "Sign-in",
                width: 500.0,
                height: 700.0,
            };
            open_login_popup(
                &window,
                req,
                Box::new(move |r| {
                    let _ = match r {
                        Ok(v) => resolve.call1(&JsValue::UNDEFINED, &v),
                        Err(e) => reject.call1(&JsValue::UNDEFINED, &e),
                    };
                }),
            );
        });
        Ok(js::to_string(&JsFuture::from(outcome).await?))
    }

    /// Re-authentication without UI (`prompt=none`) in a hidden iframe, for a page that was
    /// reloaded: the provider's own session decides; no refresh token was ever stored.
    async fn silent_frame(&self, url: &str) -> Result<String, JsValue> {
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
        window.add_event_listener_with_callback("message", &listener)?;
        let timer = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&expire, self.options.silent_timeout_ms as i32)?;
        let result = JsFuture::from(outcome).await;
        let _ = window.remove_event_listener_with_callback("message", &listener);
        window.clear_timeout_with_handle(timer);
        callbacks::forget(message_token);
        callbacks::forget(expire_token);
        frame.remove();
        Ok(js::to_string(&result?))
    }

    async fn refresh(self: Rc<Self>, scopes: ScopeSet) -> Result<JsValue, JsValue> {
        if let Some(result) = self.complete_redirect().await {
            return result;
        }
        let refresh_token = self.refresh_token.borrow().clone();
        let Some(refresh_token) = refresh_token else {
            return self.sign_in(scopes, Mode::Silent).await;
        };
        let m = self.metadata().await?;
        let client = self.client(&m)?;
        let token = client
            .exchange_refresh_token(&refresh_token)
            .add_scopes(scopes.iter().map(|s| Scope::new(s.to_string())))
            .request_async(&http::fetch)
            .await
            .map_err(|e| named("AuthenticationError", &["Refresh failed: ", &e.to_string()].concat()))?;
        self.session(&m, &token, &scopes, None).await
    }

    async fn verify_id_token(
        &self,
        m: &Metadata,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<IdTokenClaims, JsValue> {
        let jwt = oidc::decode(id_token).map_err(id_token_error)?;
        let expected = oidc::Expected {
            issuer: &m.issuer,
            client_id: &self.options.client_id,
            nonce,
            now_s: js_sys::Date::now() / 1000.0,
            leeway_s: self.options.leeway_s,
        };
        oidc::validate(&jwt.claims, &expected).map_err(id_token_error)?;
        let cached = self.jwks.borrow().clone();
        let jwks = match cached {
            Some(j) => j,
            None => {
                let j = http::get_json(&m.jwks_uri).await?;
                *self.jwks.borrow_mut() = Some(j.clone());
                j
            }
        };
        // A key rotated since the JWKS was fetched: fetch once more before giving up.
        let key = match crypto::find_key(&jwks, &jwt) {
            Ok(k) => k,
            Err(_) => {
                let j = http::get_json(&m.jwks_uri).await?;
                *self.jwks.borrow_mut() = Some(j.clone());
                crypto::find_key(&j, &jwt).map_err(id_token_error)?
            }
        };
        crypto::verify(&key, &jwt).await.map_err(id_token_error)?;
        Ok(jwt.claims)
    }

    /// An `OAuth2Session` from a token answer; a refresh that brings no new ID token keeps
    /// the current one.
    async fn session(
        &self,
        m: &Metadata,
        token: &TokenAnswer,
        requested: &ScopeSet,
        nonce: Option<&str>,
    ) -> Result<JsValue, JsValue> {
        let (id_token, claims) = match &token.extra_fields().id_token {
            Some(t) => {
                let claims = self.verify_id_token(m, t, nonce).await?;
                (t.clone(), claims)
            }
            None => self
                .id_token
                .borrow()
                .clone()
                .ok_or_else(|| named("AuthenticationError", "The provider sent no ID token"))?,
        };
        if let Some(rt) = token.refresh_token() {
            *self.refresh_token.borrow_mut() = Some(rt.clone());
        }
        *self.id_token.borrow_mut() = Some((id_token.clone(), claims.clone()));

        let now = js_sys::Date::now();
        let granted: ScopeSet = match token.scopes() {
            Some(s) => s.iter().map(|s| s.to_string()).collect(),
            None => requested.clone(),
        };
        let id = JsValue::from_str(&id_token);
        let expires = token
            .expires_in()
            .map(|d| date(now + d.as_secs_f64() * 1000.0))
            .unwrap_or(JsValue::UNDEFINED);
        let provider_info = js::object(&[
            ("idToken", &id),
            ("accessToken", &JsValue::from_str(token.access_token().secret())),
            ("scopes", &scopes::to_js_set(&granted).into()),
            ("expiresAt", &expires),
        ]);
        let claim = |name: &str| claims.string(name).map(JsValue::from_str).unwrap_or(JsValue::UNDEFINED);
        let profile = js::object(&[
            ("email", &claim("email")),
            ("displayName", &claim("name")),
            ("picture", &claim("picture")),
        ]);
        let user = JsValue::from_str(&oidc::user_entity_ref(
            &claims,
            &self.options.identity_claim,
            &self.options.namespace,
        ));
        let refs: JsValue = js_sys::Array::of1(&user).into();
        let identity = js::object(&[
            ("type", &JsValue::from_str("user")),
            ("userEntityRef", &user),
            ("ownershipEntityRefs", &refs),
        ]);
        let backstage_identity = js::object(&[
            ("token", &id),
            ("identity", &identity),
            ("expiresAt", &date(claims.exp * 1000.0)),
        ]);
        Ok(js::object(&[
            ("providerInfo", &provider_info),
            ("profile", &profile),
            ("backstageIdentity", &backstage_identity),
        ]))
    }

    /// Forgets the tokens; with an `end_session_endpoint`, ends the provider session too
    /// (RP-initiated logout with `id_token_hint`), which leaves the page.
    async fn sign_out(self: Rc<Self>) -> Result<JsValue, JsValue> {
        *self.refresh_token.borrow_mut() = None;
        let id_token = self.id_token.borrow_mut().take();
        if !self.options.end_session {
            return Ok(JsValue::UNDEFINED);
        }
        let m = self.metadata().await?;
        let (Some(end), Some((hint, _))) = (&m.end_session_endpoint, id_token) else {
            return Ok(JsValue::UNDEFINED);
        };
        let mut url = oauth2::url::Url::parse(end).map_err(|e| errors::type_error(&[&e.to_string()]))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("id_token_hint", &hint)
                .append_pair("client_id", &self.options.client_id);
            if let Some(back) = &self.options.post_logout_redirect_uri {
                q.append_pair("post_logout_redirect_uri", back);
            }
        }
        if let Some(w) = js::window() {
            w.location().set_href(url.as_str())?;
            core::future::pending::<()>().await;
        }
        Ok(JsValue::UNDEFINED)
    }
}

#[wasm_bindgen]
impl DirectAuthConnector {
    #[wasm_bindgen(js_name = createSession)]
    pub fn create_session(&self, options: JsValue) -> js_sys::Promise {
        let mode = if self.inner.options.redirect_flow {
            Mode::Redirect
        } else {
            Mode::Popup
        };
        future_to_promise(self.inner.clone().sign_in(scopes_of(&options), mode))
    }

    #[wasm_bindgen(js_name = refreshSession)]
    pub fn refresh_session(&self, options: JsValue) -> js_sys::Promise {
        future_to_promise(self.inner.clone().refresh(scopes_of(&options)))
    }

    #[wasm_bindgen(js_name = removeSession)]
    pub fn remove_session(&self) -> js_sys::Promise {
        future_to_promise(self.inner.clone().sign_out())
    }
}
