//! `OAuth2`, method for method the class of `@backstage/core-app-api`.
//!
//! Each method asks the session core; a fresh cached session answers at once, otherwise
//! the call waits in the core, whose effects (refresh, sign-in, sign-out, answers, state
//! changes) are run here against the connector.

use super::crosstab::{restart_page, CrossTab, Received};
use super::observable::{new_subject, session_event, Subject};
use super::options;
use crate::browser::{callbacks, js, scopes, wake};
use crate::connector::session::JsSession;
use crate::connector::{AnyConnector, JsError};
use crate::core::manager::{CallId, Effect, GetOptions, SessionEvent, SessionManager};
use crate::core::scopes::ScopeSet;
use crate::core::state::SessionState;
use alloc::boxed::Box;
use alloc::rc::{Rc, Weak};
use alloc::vec::Vec;
use core::cell::RefCell;
use js_sys::{Date, Function, Promise};
use wasm_bindgen::prelude::*;

/// A call waiting for the core, with its promise's settle functions.
struct Waiting {
    id: CallId,
    resolve: Function,
    reject: Function,
    pick: Pick,
}

struct Inner {
    manager: RefCell<SessionManager<JsSession, JsError>>,
    connector: AnyConnector,
    waiting: RefCell<Vec<Waiting>>,
    /// `sessionState$()`.
    states: Subject,
    /// `sessionEvents$()`.
    events: Subject,
    /// Sets the time of the next wake-up (`retry`, `proactiveRefresh`).
    waker: Option<Function>,
    scope_transform: Option<Function>,
    /// `getIdToken` asks for this set on every call; built once.
    openid: ScopeSet,
    /// The other tabs (`crossTab`), where the browser allows.
    crosstab: Option<CrossTab>,
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

impl Inner {
    /// A promise for a call the core registers now, then the core's effects run.
    fn wait(
        self: &Rc<Self>,
        pick: Pick,
        register: impl FnOnce(&mut SessionManager<JsSession, JsError>) -> CallId + 'static,
    ) -> Promise {
        let me = self.clone();
        let promise = callbacks::promise(move |resolve, reject| {
            let id = register(&mut me.manager.borrow_mut());
            me.waiting.borrow_mut().push(Waiting {
                id,
                resolve,
                reject,
                pick,
            });
        });
        self.run();
        promise
    }

    /// Runs the core's effects until it has none; no borrow is held while JS runs.
    fn run(self: &Rc<Self>) {
        loop {
            let effects = self.manager.borrow_mut().take_effects();
            if effects.is_empty() {
                return;
            }
            for effect in effects {
                self.apply(effect);
            }
        }
    }

    fn apply(self: &Rc<Self>, effect: Effect<JsSession, JsError>) {
        let me = self.clone();
        match effect {
            Effect::Event(event) => self.events.next(&event_to_js(event), false),
            Effect::WakeAt(at) => {
                if let Some(set) = &self.waker {
                    let _ = set.call1(&JsValue::UNDEFINED, &at.map_or(JsValue::UNDEFINED, JsValue::from_f64));
                }
            }
            Effect::Refresh(id, scopes) => {
                let pending = self.crosstab.as_ref().map(|_| {
                    let me = Rc::downgrade(self);
                    Box::new(move || me.upgrade().is_some_and(|me| me.manager.borrow().refresh_pending(id))) as _
                });
                self.connector.refresh_session(
                    scopes,
                    pending,
                    Box::new(move |r| {
                        me.manager.borrow_mut().refresh_done(Date::now(), id, r.map(Rc::new));
                        me.run();
                    }),
                )
            }
            Effect::Create(id, req) => self.connector.create_session(
                req,
                Box::new(move |r| {
                    me.manager
                        .borrow_mut()
                        .create_done(Date::now(), id, r.map(Rc::new).map_err(JsError::of));
                    me.run();
                }),
            ),
            Effect::Remove(id) => self.connector.remove_session(Box::new(move |r| {
                me.manager
                    .borrow_mut()
                    .remove_done(Date::now(), id, r.map_err(JsError::of));
                me.run();
            })),
            Effect::Announce(announcement) => {
                if let Some(c) = &self.crosstab {
                    c.announce(&announcement);
                }
            }
            Effect::EndedElsewhere => restart_page(),
            Effect::Resolve(id, session) => {
                if let Some(w) = self.take_waiting(id) {
                    let _ = w.resolve.call1(&JsValue::UNDEFINED, &w.pick.from(session.as_deref()));
                }
            }
            Effect::Reject(id, error) => {
                if let Some(w) = self.take_waiting(id) {
                    let _ = w.reject.call1(&JsValue::UNDEFINED, &error.value);
                }
            }
            Effect::State(state) => self.states.next(&JsValue::from_str(state.as_str()), true),
        }
    }

    /// What another tab announced, handed to the core.
    fn receive(self: &Rc<Self>, received: Received) {
        {
            let mut m = self.manager.borrow_mut();
            match received {
                Received::Session(s, since) => m.remote_session(Date::now(), Rc::new(s), since),
                Received::SignedOut(at) => m.remote_signed_out(Date::now(), at),
            }
        }
        self.run();
    }

    fn take_waiting(&self, id: CallId) -> Option<Waiting> {
        let mut waiting = self.waiting.borrow_mut();
        let at = waiting.iter().position(|w| w.id == id)?;
        Some(waiting.swap_remove(at))
    }
}

#[wasm_bindgen]
impl OAuth2 {
    /// Synchronous like the original: the wasm is already instantiated when the module loads.
    pub fn create(options: JsValue) -> Result<OAuth2, JsValue> {
        let options::CreateOptions {
            connector,
            default_scopes,
            scope_transform,
            channel,
            manager,
        } = options::read(&options)?;
        let wakes = manager.proactive || manager.retry.is_some();
        let states = new_subject(&JsValue::from_str(SessionState::SignedOut.as_str()));
        let mut openid = ScopeSet::new();
        openid.insert("openid".into());
        let sessions = matches!(connector, AnyConnector::Backend(_));
        let inner = Rc::new_cyclic(|me: &Weak<Inner>| {
            let receiver = me.clone();
            let woken = me.clone();
            let waker = wakes.then(|| {
                let (wake, _) = callbacks::callback(move |_| {
                    if let Some(inner) = woken.upgrade() {
                        inner.manager.borrow_mut().wake(Date::now());
                        inner.run();
                    }
                    JsValue::UNDEFINED
                });
                wake::waker(&wake)
            });
            let crosstab = channel.and_then(|name| {
                CrossTab::open(&name, sessions, move |r| {
                    if let Some(inner) = receiver.upgrade() {
                        inner.receive(r);
                    }
                })
            });
            Inner {
                manager: RefCell::new(SessionManager::new(default_scopes, manager)),
                connector,
                waiting: RefCell::default(),
                states,
                events: new_subject(&JsValue::UNDEFINED),
                waker,
                scope_transform,
                openid,
                crosstab,
            }
        });
        Ok(OAuth2 { inner })
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
        self.inner.wait(Pick::Nothing, |m| m.remove_session(Date::now()))
    }

    #[wasm_bindgen(js_name = "sessionState$")]
    pub fn session_state(&self) -> JsValue {
        self.inner.states.observable()
    }

    /// What happens to the session: refreshes here or in another tab, failed refreshes
    /// (with their retry), sign-ins and sign-outs in other tabs.
    #[wasm_bindgen(js_name = "sessionEvents$")]
    pub fn session_events(&self) -> JsValue {
        self.inner.events.observable()
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

/// A `SessionEvent` of `pkg/index.d.ts`.
fn event_to_js(event: SessionEvent<JsError>) -> JsValue {
    let (kind, flag, at, attempt, error) = match event {
        SessionEvent::Refreshed { other_tab, expires_at } => (0, other_tab, expires_at, 0, None),
        SessionEvent::RefreshFailed {
            transient,
            attempt,
            retry_at,
            error,
        } => (1, transient, retry_at, attempt, Some(error.value)),
        SessionEvent::SignedInElsewhere => (2, false, None, 0, None),
        SessionEvent::SignedOutElsewhere => (3, false, None, 0, None),
    };
    session_event(
        kind,
        flag,
        at.unwrap_or(f64::NAN),
        attempt,
        &error.unwrap_or(JsValue::UNDEFINED),
    )
}

impl OAuth2 {
    /// A fresh cached session answers with one already-resolved promise and nothing
    /// else, which is what makes cached calls as cheap as the JS original's.
    fn get(&self, scopes: Scopes, options: &JsValue, pick: Pick) -> Promise {
        let inner = &self.inner;
        let wanted = match &scopes {
            Scopes::Any => None,
            Scopes::OpenId => Some(&inner.openid),
            Scopes::Given(s) => Some(s),
        };
        let now = Date::now();
        if let Some(s) = inner.manager.borrow().cached(now, wanted) {
            return Promise::resolve(&pick.from(Some(&s)));
        }
        let scopes = match scopes {
            Scopes::Any => None,
            Scopes::OpenId => Some(inner.openid.clone()),
            Scopes::Given(s) => Some(s),
        };
        let (optional, instant_popup) = request_flags(options);
        let opts = GetOptions {
            scopes,
            optional,
            instant_popup,
        };
        inner.wait(pick, move |m| m.get_session(now, opts))
    }
}
