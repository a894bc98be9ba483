//! `OAuth2`, method for method the class of `@backstage/core-app-api`.

use super::observable::{SessionStateObservable, Subject};
use super::options;
use crate::browser::clock::JsClock;
use crate::browser::{js, scopes};
use crate::connector::session::JsSession;
use crate::connector::AnyConnector;
use crate::core::manager::{GetOptions, SessionManager};
use crate::core::scopes::ScopeSet;
use alloc::boxed::Box;
use alloc::rc::Rc;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

struct Inner {
    manager: SessionManager<AnyConnector, JsClock>,
    scope_transform: Option<Function>,
    /// The one observable `sessionState$()` always returns.
    state: JsValue,
    /// `getIdToken` asks for this set on every call; built once.
    openid: ScopeSet,
}

#[wasm_bindgen]
pub struct OAuth2 {
    inner: Rc<Inner>,
}

/// Which part of the session a getter returns, and what it returns without one.
#[derive(Clone, Copy)]
enum Pick {
    AccessToken,
    IdToken,
    Profile,
    Identity,
    Nothing,
}

impl Pick {
    fn from(self, session: Option<&JsSession>) -> JsValue {
        match (self, session) {
            (Pick::AccessToken, Some(s)) => s.access_token.clone(),
            (Pick::IdToken, Some(s)) => s.id_token.clone(),
            (Pick::Profile, Some(s)) => s.profile.clone(),
            (Pick::Identity, Some(s)) => s.backstage_identity.clone(),
            (Pick::AccessToken | Pick::IdToken, None) => JsValue::from_str(""),
            _ => JsValue::UNDEFINED,
        }
    }
}

/// The scopes a getter requires of the session.
enum Scopes {
    /// `getProfile`, `getBackstageIdentity`: any session will do.
    Any,
    /// `getIdToken`.
    OpenId,
    Given(ScopeSet),
}

/// `AuthRequestOptions` flags; a missing options object reads as all-false.
fn request_flags(options: &JsValue) -> (bool, bool) {
    if options.is_undefined() {
        return (false, false);
    }
    (
        js::get(options, "optional").is_truthy(),
        js::get(options, "instantPopup").is_truthy(),
    )
}

#[wasm_bindgen]
impl OAuth2 {
    /// Synchronous like the original: the wasm is already instantiated when the module loads.
    pub fn create(options: JsValue) -> Result<OAuth2, JsValue> {
        let options::CreateOptions {
            connector,
            default_scopes,
            scope_transform,
        } = options::read(&options)?;
        let subject = Subject::new();
        let sink = subject.clone();
        let manager = SessionManager::new(connector, JsClock, default_scopes, Box::new(move |s| sink.next(s)));
        let state = SessionStateObservable::new(subject).into();
        let mut openid = ScopeSet::new();
        openid.insert("openid".into());
        let inner = Inner {
            manager,
            scope_transform,
            state,
            openid,
        };
        Ok(OAuth2 { inner: Rc::new(inner) })
    }

    /// `new Set(...)` of the split and transformed scopes.
    #[wasm_bindgen(js_name = normalizeScopes)]
    pub fn normalize_scopes(scopes: JsValue, options: JsValue) -> Result<js_sys::Set, JsValue> {
        let transform = if options.is_truthy() {
            Some(
                js::get(&options, "scopeTransform")
                    .dyn_into::<Function>()
                    .map_err(|_| crate::browser::errors::type_error(&["options.scopeTransform is not a function"]))?,
            )
        } else {
            None
        };
        let list = scopes::normalized_list(&scopes, transform.as_ref())?;
        Ok(js_sys::Set::new(&list.map(JsValue::from).unwrap_or(JsValue::UNDEFINED)))
    }

    #[wasm_bindgen(js_name = signIn)]
    pub fn sign_in(&self) -> Promise {
        self.get(Scopes::Given(ScopeSet::new()), &JsValue::UNDEFINED, Pick::Nothing)
    }

    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            inner.manager.remove_session().await.map_err(|e| e.0)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    #[wasm_bindgen(js_name = "sessionState$")]
    pub fn session_state(&self) -> JsValue {
        self.inner.state.clone()
    }

    #[wasm_bindgen(js_name = getAccessToken)]
    pub fn get_access_token(&self, scope: JsValue, options: JsValue) -> Promise {
        match scopes::scope_set(&scope, self.inner.scope_transform.as_ref()) {
            Ok(s) => self.get(Scopes::Given(s), &options, Pick::AccessToken),
            Err(e) => Promise::reject(&e),
        }
    }

    #[wasm_bindgen(js_name = getIdToken)]
    pub fn get_id_token(&self, options: JsValue) -> Promise {
        self.get(Scopes::OpenId, &options, Pick::IdToken)
    }

    #[wasm_bindgen(js_name = getBackstageIdentity)]
    pub fn get_backstage_identity(&self, options: JsValue) -> Promise {
        self.get(Scopes::Any, &options, Pick::Identity)
    }

    #[wasm_bindgen(js_name = getProfile)]
    pub fn get_profile(&self, options: JsValue) -> Promise {
        self.get(Scopes::Any, &options, Pick::Profile)
    }
}

impl OAuth2 {
    /// A fresh cached session answers without spawning a future: one already-resolved
    /// promise per call, which is what makes cached calls cheaper than the JS original.
    fn get(&self, scopes: Scopes, options: &JsValue, pick: Pick) -> Promise {
        let wanted = match &scopes {
            Scopes::Any => None,
            Scopes::OpenId => Some(&self.inner.openid),
            Scopes::Given(s) => Some(s),
        };
        if let Some(s) = self.inner.manager.cached(wanted) {
            return Promise::resolve(&pick.from(Some(&s)));
        }
        let scopes = match scopes {
            Scopes::Any => None,
            Scopes::OpenId => Some(self.inner.openid.clone()),
            Scopes::Given(s) => Some(s),
        };
        let (optional, instant_popup) = request_flags(options);
        let opts = GetOptions {
            scopes,
            optional,
            instant_popup,
        };
        let inner = self.inner.clone();
        future_to_promise(async move {
            match inner.manager.get_session(&opts).await {
                Ok(s) => Ok(pick.from(s.as_deref())),
                Err(e) => Err(e.0),
            }
        })
    }
}
