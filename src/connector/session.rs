//! `OAuth2Session` as the app sees it: the JS values the getters hand out, prepared
//! once per session so that cached calls only clone a reference.

use crate::browser::record::JsRecord;
use crate::browser::{errors, js, scopes};
use crate::core::expiry::expires_at;
use crate::core::manager::{Grant, SessionInfo};
use crate::core::response::AuthResponse;
use js_sys::{Date, Function};
use wasm_bindgen::prelude::*;

pub struct JsSession {
    pub grant: Grant,
    /// `providerInfo.accessToken ?? ''`
    pub access_token: JsValue,
    /// `providerInfo.idToken ?? ''`
    pub id_token: JsValue,
    pub profile: JsValue,
    /// `BackstageIdentityResponse` or `undefined`.
    pub backstage_identity: JsValue,
}

impl SessionInfo for JsSession {
    fn grant(&self) -> &Grant {
        &self.grant
    }
}

fn token_or_empty(v: Option<JsRecord>) -> JsValue {
    v.map(|r| r.0).unwrap_or_else(|| JsValue::from_str(""))
}

fn raw(v: Option<JsRecord>) -> JsValue {
    v.map(|r| r.0).unwrap_or(JsValue::UNDEFINED)
}

fn date(ms: Option<f64>) -> JsValue {
    match ms {
        Some(ms) => Date::new(&JsValue::from_f64(ms)).into(),
        None => JsValue::UNDEFINED,
    }
}

impl JsSession {
    /// `sessionTransform` of `OAuth2.createAuthConnector`, from a validated backend answer.
    pub fn from_backend(res: AuthResponse<JsRecord>, scope_transform: Option<&Function>) -> Result<JsSession, JsValue> {
        let now = Date::now();
        let pi = res.provider_info;
        let scopes = scopes::scope_set(&raw(pi.scope), scope_transform)?;
        let provider_expires = expires_at(now, pi.expires_in_seconds);
        let (backstage_identity, identity_expires) = match res.backstage_identity {
            None => (JsValue::UNDEFINED, None),
            Some(b) => {
                let at = expires_at(now, b.expires_in_seconds);
                let obj = js::object(&[
                    ("token", &raw(b.token)),
                    ("identity", &raw(b.identity)),
                    ("expiresAt", &date(at)),
                ]);
                (obj, at)
            }
        };
        Ok(JsSession {
            grant: Grant {
                scopes,
                provider_expires,
                identity_expires,
            },
            access_token: token_or_empty(pi.access_token),
            id_token: token_or_empty(pi.id_token),
            profile: raw(res.profile),
            backstage_identity,
        })
    }

    /// The `OAuth2Session` object this session is, for another tab (where
    /// [`JsSession::from_js`] reads it back).
    pub fn to_js(&self) -> JsValue {
        let g = &self.grant;
        let scopes: JsValue = scopes::to_js_set(&g.scopes).into();
        let provider_info = js::object(&[
            ("idToken", &self.id_token),
            ("accessToken", &self.access_token),
            ("scopes", &scopes),
            ("expiresAt", &date(g.provider_expires)),
        ]);
        js::object(&[
            ("profile", &self.profile),
            ("providerInfo", &provider_info),
            ("backstageIdentity", &self.backstage_identity),
        ])
    }

    /// An `OAuth2Session` object returned by a JS `AuthConnector`, used as it is.
    pub fn from_js(session: &JsValue) -> Result<JsSession, JsValue> {
        let provider_info = js::get(session, "providerInfo");
        if !provider_info.is_object() {
            return Err(errors::type_error(&[
                "Invalid session from authConnector: missing providerInfo",
            ]));
        }
        let scopes = scopes::from_iterable(&js::get(&provider_info, "scopes"))?;
        let identity = js::get(session, "backstageIdentity");
        let nullish = |v: JsValue| {
            if v.is_undefined() || v.is_null() {
                JsValue::from_str("")
            } else {
                v
            }
        };
        Ok(JsSession {
            grant: Grant {
                scopes,
                provider_expires: expiry_of(&provider_info)?,
                identity_expires: expiry_of(&identity)?,
            },
            access_token: nullish(js::get(&provider_info, "accessToken")),
            id_token: nullish(js::get(&provider_info, "idToken")),
            profile: js::get(session, "profile"),
            backstage_identity: identity,
        })
    }
}

/// `x?.expiresAt` as epoch ms; a truthy value that is not a `Date` is refused
/// (the JS would throw calling `getTime` on it).
fn expiry_of(holder: &JsValue) -> Result<Option<f64>, JsValue> {
    let at = js::get(holder, "expiresAt");
    if !at.is_truthy() {
        return Ok(None);
    }
    if !at.is_instance_of::<Date>() {
        return Err(errors::type_error(&[
            "Invalid session from authConnector: expiresAt is not a Date",
        ]));
    }
    // Called as JS calls it: a subclass's or a Proxy's `getTime` can throw.
    Ok(js::call_method(&at, "getTime", &[])?.as_f64())
}
