//! The browser layer in real headless Chromium (`wasm-pack test --headless --chrome`):
//! JS values read through `Record`, errors, Web Locks, fetch failures, the popup guard,
//! and the `OAuth2` class driven through a JS connector.
#![cfg(target_arch = "wasm32")]

use backstage_oauth2_wasm::api::oauth2::OAuth2;
use backstage_oauth2_wasm::browser::errors;
use backstage_oauth2_wasm::browser::popup::{open_login_popup, PopupRequest};
use backstage_oauth2_wasm::browser::record::JsRecord;
use backstage_oauth2_wasm::core::response::{classify_popup_message, parse_auth_response, PopupMessage};
use js_sys::{Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function connector(log) {
  let n = 0;
  const make = scopes => ({
    providerInfo: { accessToken: 'a' + ++n, idToken: 'i' + n, scopes: new Set(scopes), expiresAt: new Date(Date.now() + 3600e3) },
    profile: { displayName: 'P' + n },
    backstageIdentity: { token: 'b' + n, identity: { type: 'user', userEntityRef: 'user:default/p', ownershipEntityRefs: [] } },
  });
  return {
    async createSession(o) { log.push('create:' + [...o.scopes].join(' ')); return make(o.scopes); },
    async refreshSession(o) { log.push('refresh:' + [...o.scopes].join(' ')); if (n === 0) throw new Error('none'); return make(o.scopes); },
    async removeSession() { log.push('remove'); },
  };
}
export function backendOptions(baseUrl) {
  return {
    discoveryApi: { getBaseUrl: async () => baseUrl },
    oauthRequestApi: { createAuthRequester: () => async () => { throw new Error('no dialog in this test'); } },
    configApi: { getOptionalBoolean: () => undefined },
  };
}
export function blockPopups() { const open = window.open; window.open = () => null; return () => { window.open = open; }; }
export function popupPage(script) {
  return URL.createObjectURL(new Blob([`<!doctype html><script>${script}</script>`], { type: 'text/html' }));
}
export function errorName(e) { return e && e.name; }
export function errorMessage(e) { return e && e.message; }
"#)]
extern "C" {
    fn connector(log: &js_sys::Array) -> JsValue;
    #[wasm_bindgen(js_name = backendOptions)]
    fn backend_options(base_url: &str) -> JsValue;
    #[wasm_bindgen(js_name = blockPopups)]
    fn block_popups() -> js_sys::Function;
    #[wasm_bindgen(js_name = popupPage)]
    fn popup_page(script: &str) -> String;
    #[wasm_bindgen(js_name = errorName)]
    fn error_name(e: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = errorMessage)]
    fn error_message(e: &JsValue) -> JsValue;
}

/// An `Error` with Backstage's `name` and `message`.
fn assert_error(e: &JsValue, name: &str, message: &str) {
    assert_eq!(error_name(e).as_string().as_deref(), Some(name));
    assert_eq!(error_message(e).as_string().as_deref(), Some(message));
}

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

async fn settle(p: Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

#[wasm_bindgen_test]
fn records_read_parsed_json_and_refuse_junk() {
    let body = JSON::parse(r#"{"profile":{"email":"e"},"providerInfo":{"accessToken":"t","expiresInSeconds":60},"backstageIdentity":null}"#).unwrap();
    let parsed = parse_auth_response(&JsRecord(body)).unwrap();
    assert_eq!(
        parsed.provider_info.access_token.unwrap().0.as_string().as_deref(),
        Some("t")
    );
    assert_eq!(parsed.provider_info.expires_in_seconds, Some(60.0));
    assert!(parsed.backstage_identity.is_none());
    for junk in [
        JsValue::NULL,
        JsValue::from_f64(1.0),
        JsValue::from_str("{}"),
        js_sys::Array::new().into(),
    ] {
        assert!(parse_auth_response(&JsRecord(junk.clone())).is_err());
        assert!(matches!(classify_popup_message(&JsRecord(junk)), PopupMessage::Ignored));
    }
}

#[wasm_bindgen_test]
fn connection_errors_are_recognised_by_name_on_real_errors_only() {
    let e = errors::named_error(Some(errors::AUTH_CONNECTION_ERROR), "down");
    assert!(errors::is_connection_error(&e));
    assert_eq!(error_message(&e).as_string().as_deref(), Some("down"));
    let lookalike = obj(&[("name", JsValue::from_str(errors::AUTH_CONNECTION_ERROR))]);
    assert!(!errors::is_connection_error(&lookalike));
    assert!(!errors::is_connection_error(&errors::error(&["plain"])));
}

#[wasm_bindgen_test]
async fn unreachable_backend_gives_auth_connection_error_and_optional_empty() {
    // Port 9 on loopback: nothing listens, the fetch fails at once.
    let api = OAuth2::create(backend_options("http://127.0.0.1:9/api/auth")).unwrap();
    let err = settle(api.get_access_token(JsValue::UNDEFINED, JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_error(
        &err,
        "AuthConnectionError",
        "Auth refresh request failed, TypeError: Failed to fetch",
    );
    let optional = obj(&[("optional", JsValue::TRUE)]);
    let ok = settle(api.get_access_token(JsValue::UNDEFINED, optional))
        .await
        .unwrap();
    assert_eq!(ok.as_string().as_deref(), Some(""));
    let err = settle(api.sign_out()).await.unwrap_err();
    assert_eq!(
        error_message(&err).as_string().as_deref(),
        Some("Logout request failed, TypeError: Failed to fetch")
    );
}

#[wasm_bindgen_test]
async fn js_connector_sessions_are_cached_grown_and_removed() {
    let log = js_sys::Array::new();
    let options = obj(&[
        ("authConnector", connector(&log)),
        ("defaultScopes", js_sys::Array::of1(&JsValue::from_str("d")).into()),
    ]);
    let api = OAuth2::create(options).unwrap();
    let states = js_sys::Array::new();
    let sink = states.clone();
    let next = Closure::<dyn Fn(JsValue)>::new(move |s: JsValue| {
        sink.push(&s);
    });
    let observable = api.session_state();
    let subscribe = js_sys::Reflect::get(&observable, &"subscribe".into()).unwrap();
    let subscribe: js_sys::Function = subscribe.into();
    subscribe.call1(&observable, next.as_ref()).unwrap();

    let token = settle(api.get_access_token(JsValue::from_str("x"), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(token.as_string().as_deref(), Some("a1"));
    let again = settle(api.get_access_token(JsValue::from_str("x"), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(again.as_string().as_deref(), Some("a1"), "served from the cache");
    let grown = settle(api.get_access_token(JsValue::from_str("y"), JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(grown.as_string().as_deref(), Some("a2"));
    settle(api.sign_out()).await.unwrap();
    let logged: Vec<String> = log.iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(logged, ["refresh:d x", "create:d x", "refresh:d x y", "remove"]);
    let seen: Vec<String> = states.iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(seen, ["SignedOut", "SignedIn", "SignedOut"]);
}

async fn popup(script: &str) -> Result<JsValue, JsValue> {
    let url = popup_page(script);
    let outcome = Promise::new(&mut |resolve, reject| {
        let req = PopupRequest {
            url: &url,
            answer_origin: None,
            classify: classify_popup_message,
            name: "Test Login",
            width: 400.0,
            height: 300.0,
            redirect_when_blocked: false,
        };
        let done = move |r: Result<JsValue, JsValue>| {
            let _ = match r {
                Ok(v) => resolve.call1(&JsValue::UNDEFINED, &v),
                Err(e) => reject.call1(&JsValue::UNDEFINED, &e),
            };
        };
        open_login_popup(req, Box::new(done));
    });
    settle(outcome).await
}

#[wasm_bindgen_test]
async fn the_popup_answer_is_taken_from_the_popup_only() {
    let answer = popup(
        "opener.postMessage({ type: 'config_info', targetOrigin: location.origin }, '*');
         opener.postMessage({ type: 'authorization_response', response: { providerInfo: { accessToken: 'p' } } }, '*');
         window.close();",
    )
    .await
    .unwrap();
    let token = js_sys::Reflect::get(
        &js_sys::Reflect::get(&answer, &"providerInfo".into()).unwrap(),
        &"accessToken".into(),
    )
    .unwrap();
    assert_eq!(token.as_string().as_deref(), Some("p"));
}

#[wasm_bindgen_test]
async fn a_popup_error_keeps_its_name() {
    let err = popup("opener.postMessage({ type: 'authorization_response', error: { name: 'AuthenticationError', message: 'denied' } }, '*');")
        .await
        .unwrap_err();
    assert_error(&err, "AuthenticationError", "denied");
}

#[wasm_bindgen_test]
async fn a_popup_closed_without_answer_is_a_popup_closed_error() {
    let err = popup("opener.postMessage('noise', '*'); opener.postMessage({ type: 'config_info', targetOrigin: 'http://elsewhere.test' }, '*'); window.close();")
        .await
        .unwrap_err();
    assert_error(
        &err,
        "PopupClosedError",
        "Login failed, Incorrect app origin, expected http://elsewhere.test",
    );
}

#[wasm_bindgen_test]
async fn a_blocked_popup_is_a_popup_rejected_error() {
    let restore = block_popups();
    let err = popup("").await.unwrap_err();
    restore.call0(&JsValue::UNDEFINED).unwrap();
    assert_error(&err, "PopupRejectedError", "Failed to open auth popup.");
}
