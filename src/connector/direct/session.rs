//! The `OAuth2Session` a token answer becomes, once its ID token passed every check.

use super::{crypto, http, id_token_error, named, Direct, TokenAnswer};
use crate::browser::scopes;
use crate::core::discovery::Metadata;
use crate::core::oidc::{self, IdTokenClaims};
use crate::core::scopes::ScopeSet;
use oauth2::basic::BasicTokenType;
use oauth2::TokenResponse;
use serde::{Deserialize, Serialize};
use std::string::{String, ToString};
use wasm_bindgen::prelude::*;

/// The `OAuth2Session` Backstage's `OAuth2` class takes: scopes as a `Set` and times as
/// `Date`s, which pass through as the JS values they are.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Session<'a> {
    provider_info: ProviderInfo<'a>,
    profile: Profile,
    backstage_identity: BackstageIdentity<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderInfo<'a> {
    id_token: &'a str,
    access_token: &'a str,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    scopes: JsValue,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    expires_at: JsValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    email: Option<String>,
    display_name: Option<String>,
    picture: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BackstageIdentity<'a> {
    token: &'a str,
    identity: Identity<'a>,
    #[serde(with = "serde_wasm_bindgen::preserve")]
    expires_at: JsValue,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Identity<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    user_entity_ref: &'a str,
    ownership_entity_refs: [&'a str; 1],
}

/// What the profile takes from a userinfo answer (OpenID Connect Core 5.1).
#[derive(Deserialize)]
struct Userinfo {
    email: Option<String>,
    name: Option<String>,
    picture: Option<String>,
}

fn date(ms: f64) -> JsValue {
    js_sys::Date::new(&JsValue::from_f64(ms)).into()
}

impl Direct {
    /// The provider's keys, fetched now and kept for the next ID token.
    async fn fetch_jwks(&self, m: &Metadata) -> Result<JsValue, JsValue> {
        let jwks = http::get_json(&m.jwks_uri).await?;
        *self.jwks.borrow_mut() = Some(jwks.clone());
        Ok(jwks)
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
            None => self.fetch_jwks(m).await?,
        };
        // A key rotated since the JWKS was fetched: fetch once more before giving up.
        let key = match crypto::find_key(&jwks, &jwt) {
            Ok(k) => k,
            Err(_) => crypto::find_key(&self.fetch_jwks(m).await?, &jwt).map_err(id_token_error)?,
        };
        crypto::verify(&key, &jwt).await.map_err(id_token_error)?;
        Ok(jwt.claims)
    }

    /// An `OAuth2Session` from a token answer; a refresh that brings no new ID token keeps
    /// the current one.
    pub(super) async fn session(
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
        let expires_at = match token.expires_in() {
            Some(d) => date(now + d.as_secs_f64() * 1000.0),
            None => JsValue::UNDEFINED,
        };
        let profile = match (&m.userinfo_endpoint, self.options.profile_from_userinfo) {
            (Some(endpoint), true) => {
                // A DPoP-bound token goes with a proof (RFC 9449 7); a bearer token alone.
                let bound = match token.token_type() {
                    BasicTokenType::Extension(t) => http::is_dpop(t),
                    _ => false,
                };
                let dpop = self.dpop.as_ref().filter(|_| bound);
                let info = http::get_json_with_token(endpoint, token.access_token().secret(), dpop).await?;
                let info: Userinfo = serde_wasm_bindgen::from_value(info).map_err(|e| {
                    named(
                        "AuthenticationError",
                        &["Invalid userinfo answer: ", &e.to_string()].concat(),
                    )
                })?;
                Profile {
                    email: info.email,
                    display_name: info.name,
                    picture: info.picture,
                }
            }
            _ => {
                let claim = |name: &str| claims.string(name).map(String::from);
                Profile {
                    email: claim("email"),
                    display_name: claim("name"),
                    picture: claim("picture"),
                }
            }
        };
        let user = oidc::user_entity_ref(&claims, &self.options.identity_claim, &self.options.namespace);
        let session = Session {
            provider_info: ProviderInfo {
                id_token: &id_token,
                access_token: token.access_token().secret(),
                scopes: scopes::to_js_set(&granted).into(),
                expires_at,
            },
            profile,
            backstage_identity: BackstageIdentity {
                token: &id_token,
                identity: Identity {
                    kind: "user",
                    user_entity_ref: &user,
                    ownership_entity_refs: [&user],
                },
                expires_at: date(claims.exp * 1000.0),
            },
        };
        serde_wasm_bindgen::to_value(&session).map_err(JsValue::from)
    }
}
