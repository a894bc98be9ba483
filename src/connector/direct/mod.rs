//! Direct mode: an `AuthConnector<OAuth2Session>` that signs in straight at an OpenID
//! Connect provider with Authorization Code + PKCE, as a public client (no secret, no
//! Backstage auth backend). The protocol (PKCE S256, `state`, authorization URL, code and
//! refresh-token grants) is the oauth2 crate's; the ID token checks are `core::oidc`'s.
//! Tokens, the refresh token included, live only in this object's memory.

mod callback;
pub mod crypto;
mod dpop;
mod frames;
mod http;
mod options;
mod par;
mod redirect;
mod session;
mod signed_out;

pub use callback::{handle_direct_callback, CALLBACK_MESSAGE};

use crate::browser::record::JsRecord;
use crate::browser::{errors, js, scopes};
use crate::core::discovery::{read_metadata, Metadata, DISCOVERY_KEYS};
use crate::core::oidc::{IdTokenClaims, IdTokenError, IssuerRule};
use crate::core::scopes::ScopeSet;
use callback::code_from_callback;
use core::cell::RefCell;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthUrl, AuthorizationCode, Client, ClientId, CsrfToken, EndpointNotSet, EndpointSet, ExtraTokenFields,
    PkceCodeChallenge, RedirectUrl, RefreshToken, RequestTokenError, Scope, StandardRevocableToken,
    StandardTokenResponse, TokenUrl,
};
use options::{read_options, Options};
use redirect::Pending;
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use std::string::{String, ToString};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

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

/// How a sign-in reaches the provider.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Popup,
    /// `prompt=none` in a hidden iframe.
    Silent,
    Redirect,
}

struct Direct {
    options: Options,
    metadata: RefCell<Option<Rc<Metadata>>>,
    jwks: RefCell<Option<JsValue>>,
    refresh_token: RefCell<Option<RefreshToken>>,
    id_token: RefCell<Option<(String, IdTokenClaims)>>,
    /// The sign-out marker, for when `localStorage` is unavailable (see `signed_out`).
    signed_out: core::cell::Cell<bool>,
    /// The refresh in flight and the scopes it asks for. Concurrent `refreshSession` calls
    /// share it: providers rotate a public client's refresh token, so a second token request
    /// with the same token would be refused as a replay (and could revoke the grant).
    refreshing: RefCell<Option<(u32, ScopeSet, js_sys::Promise)>>,
    /// The id of the latest refresh, so that one finishing clears only its own entry.
    refreshes: core::cell::Cell<u32>,
    /// The DPoP key and nonces, with `dpop: true`.
    dpop: Option<dpop::Dpop>,
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

/// A failed grant at the token endpoint: `AuthConnectionError` when the provider could not
/// be reached (the session is kept), `AuthenticationError` for its refusals and bad answers.
fn token_error(what: &str, e: RequestTokenError<http::FetchError, BasicErrorResponse>) -> JsValue {
    match e {
        RequestTokenError::Request(e) => e.into_js(what),
        e => named("AuthenticationError", &[what, " failed: ", &e.to_string()].concat()),
    }
}

/// `createDirectAuthConnector({ clientId, redirectUri, issuer, … })`.
#[wasm_bindgen(js_name = createDirectAuthConnector)]
pub fn create_direct_auth_connector(options: JsValue) -> Result<DirectAuthConnector, JsValue> {
    let options = read_options(&options)?;
    let dpop = options.dpop.then(dpop::Dpop::default);
    Ok(DirectAuthConnector {
        inner: Rc::new(Direct {
            dpop,
            options,
            metadata: RefCell::new(None),
            jwks: RefCell::new(None),
            refresh_token: RefCell::new(None),
            id_token: RefCell::new(None),
            signed_out: core::cell::Cell::new(false),
            refreshing: RefCell::new(None),
            refreshes: core::cell::Cell::new(0),
        }),
    })
}

/// 32 random bytes from `crypto.getRandomValues`, base64url: 256 bits, as RFC 7636 asks
/// of a PKCE verifier, and plenty for `state` and `nonce`.
/// Fails rather than fall back to anything weaker.
fn random_token() -> Result<String, JsValue> {
    use base64::Engine;
    let bytes = js_sys::Uint8Array::new_with_length(32);
    let crypto = js::get(&js::global(), "crypto");
    js::call_method(&crypto, "getRandomValues", &[&bytes])?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes.to_vec()))
}

/// `start(options.scopes)` as a promise; scopes that cannot be read reject it at once.
fn with_scopes<F>(options: &JsValue, start: impl FnOnce(ScopeSet) -> F) -> js_sys::Promise
where
    F: core::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    match scopes::from_iterable(&js::get(options, "scopes")) {
        Ok(scopes) => future_to_promise(start(scopes)),
        Err(e) => js_sys::Promise::reject(&e),
    }
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
                let doc = http::get_json(&url).await?;
                let m = read_metadata(&JsRecord(doc), DISCOVERY_KEYS)
                    .map_err(|key| errors::type_error(&["Invalid discovery document: missing ", key]))?;
                // OpenID Connect Discovery 4.3: the document must be the configured issuer's.
                if m.issuer.trim_end_matches('/') != issuer.trim_end_matches('/') {
                    return Err(errors::type_error(&[
                        "Discovery document is for another issuer: ",
                        &m.issuer,
                    ]));
                }
                m
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

    /// The authorization URL with PKCE, `state` and `nonce` (and the DPoP key's thumbprint,
    /// which binds the code to it); `silent` asks for `prompt=none`.
    async fn authorization(
        &self,
        client: &OidcClient,
        scopes: &ScopeSet,
        silent: bool,
    ) -> Result<(oauth2::url::Url, CsrfToken, CsrfToken, oauth2::PkceCodeVerifier), JsValue> {
        // Secrets straight from the browser's CSPRNG (crypto.getRandomValues); the oauth2
        // crate's own generator would ship a ChaCha implementation to do the same.
        let verifier = oauth2::PkceCodeVerifier::new(random_token()?);
        let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
        let nonce = CsrfToken::new(random_token()?);
        let state = CsrfToken::new(random_token()?);
        let mut request = client
            .authorize_url(move || state)
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", nonce.secret().clone())
            .add_scopes(scopes.iter().map(|s| Scope::new(s.to_string())));
        if let Some(dpop) = &self.dpop {
            request = request.add_extra_param("dpop_jkt", dpop.public_key().await?.thumbprint());
        }
        if silent {
            request = request.add_extra_param("prompt", "none");
        } else if scopes.contains("offline_access") {
            // OpenID Connect Core 11: offline access is granted only after explicit consent.
            request = request.add_extra_param("prompt", "consent");
        }
        let (url, state) = request.url();
        Ok((url, state, nonce, verifier))
    }

    async fn sign_in(self: Rc<Self>, scopes: ScopeSet, mode: Mode) -> Result<JsValue, JsValue> {
        let m = self.metadata().await?;
        let client = match mode {
            Mode::Redirect => self.client_to(&m, &self.options.return_uri)?,
            Mode::Popup | Mode::Silent => self.client(&m)?,
        };
        let (url, state, nonce, verifier) = self.authorization(&client, &scopes, mode == Mode::Silent).await?;
        let url = if self.pushes(&m) {
            self.push(&m, &url).await?
        } else {
            url
        };
        let search = match mode {
            Mode::Silent => self.silent_frame(url.as_str()).await?,
            Mode::Popup => self.popup(url.as_str()).await?,
            Mode::Redirect => {
                let pending = Pending {
                    state: state.secret().clone(),
                    nonce: nonce.secret().clone(),
                    verifier: verifier.secret().clone(),
                    scopes: scopes.join(),
                };
                self.store_pending(Some(&pending))?;
                let window = js::window().ok_or_else(|| errors::error(&["No browser window to sign in from"]))?;
                window.location().set_href(url.as_str())?;
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
        let issuer = IssuerRule {
            issuer: &m.issuer,
            required: m.iss_parameter,
        };
        let code = code_from_callback(search, state, issuer)?;
        let token = client
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(verifier)
            .request_async(&|r| http::oauth2_request(self.dpop.as_ref(), r))
            .await
            .map_err(|e| token_error("Code exchange", e))?;
        let session = self.session(m, &token, scopes, Some(nonce)).await?;
        // Only an interactive sign-in gets here while signed out: `refresh` does not try
        // `prompt=none` then.
        self.mark_signed_out(false);
        Ok(session)
    }

    async fn refresh(self: Rc<Self>, scopes: ScopeSet) -> Result<JsValue, JsValue> {
        if let Some(result) = self.complete_redirect().await {
            return result;
        }
        if self.signed_out() {
            // This tab or another signed out, as a cleared refresh cookie would tell.
            *self.refresh_token.borrow_mut() = None;
            return Err(named(
                "AuthenticationError",
                "Signed out: a new session needs an interactive sign-in",
            ));
        }
        let refresh_token = self.refresh_token.borrow().clone();
        let Some(refresh_token) = refresh_token else {
            // The hidden iframe would only time out, and the session managers would sign the
            // user out; offline is a connection failure, which keeps the session.
            if js::get(&js::get(&js::global(), "navigator"), "onLine") == JsValue::FALSE {
                return Err(http::connection_error("Silent sign-in", "the browser is offline"));
            }
            return self.sign_in(scopes, Mode::Silent).await;
        };
        let m = self.metadata().await?;
        let client = self.client(&m)?;
        let answer = client
            .exchange_refresh_token(&refresh_token)
            .add_scopes(scopes.iter().map(|s| Scope::new(s.to_string())))
            .request_async(&|r| http::oauth2_request(self.dpop.as_ref(), r))
            .await;
        match answer {
            Ok(token) => self.session(&m, &token, &scopes, None).await,
            // The refresh token is spent (expired, revoked, rotated away): it is dropped, and
            // the provider's own session may still sign the user in without UI.
            Err(RequestTokenError::ServerResponse(e)) if *e.error() == BasicErrorResponseType::InvalidGrant => {
                *self.refresh_token.borrow_mut() = None;
                self.sign_in(scopes, Mode::Silent).await
            }
            Err(e) => Err(token_error("Token refresh", e)),
        }
    }

    /// Forgets the tokens; with an `end_session_endpoint`, ends the provider session too
    /// (RP-initiated logout with `id_token_hint`), which leaves the page.
    async fn sign_out(self: Rc<Self>) -> Result<JsValue, JsValue> {
        *self.refresh_token.borrow_mut() = None;
        self.mark_signed_out(true);
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
        with_scopes(&options, |scopes| self.inner.clone().sign_in(scopes, mode))
    }

    /// One refresh for every caller it serves: a call whose scopes the refresh in flight
    /// covers gets that refresh's promise; one asking for more waits for it, then refreshes
    /// with the refresh token it left.
    #[wasm_bindgen(js_name = refreshSession)]
    pub fn refresh_session(&self, options: JsValue) -> js_sys::Promise {
        let scopes = match scopes::from_iterable(&js::get(&options, "scopes")) {
            Ok(scopes) => scopes,
            Err(e) => return js_sys::Promise::reject(&e),
        };
        let inner = &self.inner;
        let previous = match inner.refreshing.borrow().clone() {
            Some((_, covered, p)) if covered.contains_all(&scopes) => return p,
            in_flight => in_flight.map(|(_, _, p)| p),
        };
        let id = inner.refreshes.get().wrapping_add(1);
        inner.refreshes.set(id);
        let (me, wanted) = (inner.clone(), scopes.clone());
        let promise = future_to_promise(async move {
            if let Some(p) = previous {
                let _ = JsFuture::from(p).await;
            }
            let result = me.clone().refresh(wanted).await;
            let mut refreshing = me.refreshing.borrow_mut();
            if refreshing.as_ref().is_some_and(|(i, _, _)| *i == id) {
                *refreshing = None;
            }
            result
        });
        *inner.refreshing.borrow_mut() = Some((id, scopes, promise.clone()));
        promise
    }

    #[wasm_bindgen(js_name = removeSession)]
    pub fn remove_session(&self) -> js_sys::Promise {
        future_to_promise(self.inner.clone().sign_out())
    }

    /// `createDpopProof({ method, url, accessToken, nonce })`: a DPoP proof signed with this
    /// connector's key, for an app's own request to an API that takes the DPoP-bound access
    /// token (`Authorization: DPoP <token>`, this proof as the `DPoP` header). Without
    /// `nonce`, the one the connector last heard from that origin, if any.
    #[wasm_bindgen(js_name = createDpopProof)]
    pub fn create_dpop_proof(&self, options: JsValue) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let Some(dpop) = &inner.dpop else {
                return Err(errors::type_error(&[
                    "createDpopProof: the connector was created without dpop: true",
                ]));
            };
            let (Some(method), Some(url)) = (
                js::get(&options, "method").as_string(),
                js::get(&options, "url").as_string(),
            ) else {
                return Err(errors::type_error(&["createDpopProof: method and url are required"]));
            };
            let token = js::get(&options, "accessToken").as_string();
            let nonce = js::get(&options, "nonce").as_string();
            let proof = dpop
                .proof(&method.to_ascii_uppercase(), &url, token.as_deref(), nonce.as_deref())
                .await?;
            Ok(JsValue::from_str(&proof))
        })
    }
}
