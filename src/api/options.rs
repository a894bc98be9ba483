//! `OAuth2CreateOptions`, read with the defaults of `OAuth2.createAuthConnector`.

use crate::browser::{errors, js, scopes};
use crate::connector::backend::{BackendConfig, BackendConnector, PopupSize};
use crate::connector::supplied::SuppliedConnector;
use crate::connector::AnyConnector;
use crate::core::manager::ManagerOptions;
use crate::core::retry::RetryPolicy;
use crate::core::scopes::ScopeSet;
use alloc::string::String;
use core::sync::atomic::{AtomicBool, Ordering};
use js_sys::Function;
use wasm_bindgen::prelude::*;

pub struct CreateOptions {
    pub connector: AnyConnector,
    pub default_scopes: ScopeSet,
    pub scope_transform: Option<Function>,
    /// The BroadcastChannel the tabs of this provider and environment share, unless
    /// `crossTab: false`.
    pub channel: Option<String>,
    /// `retry` and `proactiveRefresh`.
    pub manager: ManagerOptions,
}

static WARNED_NO_CONFIG: AtomicBool = AtomicBool::new(false);

fn string_or(value: JsValue, default: &str) -> String {
    if value.is_undefined() {
        String::from(default)
    } else {
        js::to_string(&value)
    }
}

/// `size.fullscreen ? screen : size.width || 450` × `size.height || 730`.
fn popup_size(popup_options: &JsValue) -> PopupSize {
    let size = js::get(popup_options, "size");
    if js::get(&size, "fullscreen").is_truthy() {
        return PopupSize::Fullscreen;
    }
    let dim = |key, default| {
        let v = js::get(&size, key);
        if v.is_truthy() {
            // A size whose valueOf throws opens a default-sized popup.
            js::number_of(&v).unwrap_or(f64::NAN)
        } else {
            default
        }
    };
    PopupSize::Fixed {
        width: dim("width", 450.0),
        height: dim("height", 730.0),
    }
}

/// `configApi.getOptionalBoolean('enableExperimentalRedirectFlow') ?? false`; without a
/// `configApi` the JS warns once per page, and so does this.
fn redirect_flow(config_api: &JsValue) -> Result<bool, JsValue> {
    if !config_api.is_truthy() {
        if !WARNED_NO_CONFIG.swap(true, Ordering::Relaxed) {
            js::console_warn("DEPRECATION WARNING: Authentication providers require a configApi instance to configure the authentication flow. Please provide one to the authentication provider constructor.");
        }
        return Ok(false);
    }
    let flag = js::call_method(
        config_api,
        "getOptionalBoolean",
        &[&JsValue::from_str("enableExperimentalRedirectFlow")],
    )?;
    Ok(flag.as_bool().unwrap_or(false))
}

/// A number option: `default` unless it is a number of at least `min`.
fn number_at_least(options: &JsValue, key: &str, min: f64, default: f64) -> f64 {
    js::get(options, key).as_f64().filter(|n| *n >= min).unwrap_or(default)
}

/// `retry: { attempts, baseDelayMs, maxDelayMs }`, each defaulted; absent: no retry.
fn retry_policy(retry: &JsValue) -> Option<RetryPolicy> {
    if !retry.is_object() {
        return None;
    }
    let d = RetryPolicy::default();
    Some(RetryPolicy {
        attempts: number_at_least(retry, "attempts", 1.0, f64::from(d.attempts)).min(1e9) as u32,
        base_delay_ms: number_at_least(retry, "baseDelayMs", 0.0, d.base_delay_ms),
        max_delay_ms: number_at_least(retry, "maxDelayMs", 0.0, d.max_delay_ms),
    })
}

fn default_provider() -> JsValue {
    let (icon, _) = crate::browser::callbacks::callback(|_| JsValue::NULL);
    let icon: JsValue = icon.into();
    js::object(&[
        ("id", &JsValue::from_str("oauth2")),
        ("title", &JsValue::from_str("Your Identity Provider")),
        ("icon", &icon),
    ])
}

pub fn read(options: &JsValue) -> Result<CreateOptions, JsValue> {
    if !options.is_object() {
        return Err(errors::type_error(&["OAuth2.create: options must be an object"]));
    }
    let default_scopes = scopes::from_iterable(&js::get(options, "defaultScopes"))?;
    let scope_transform = js::get(options, "scopeTransform");
    // Like the original, a scopeTransform that is not a function fails when used, not here.
    let scope_transform = (!scope_transform.is_undefined()).then(|| scope_transform.unchecked_into::<Function>());
    let has_connector = js_sys::Reflect::has(options, &JsValue::from_str("authConnector")).unwrap_or(false);
    let environment = string_or(js::get(options, "environment"), "development");
    let cross_tab = js::get(options, "crossTab");
    // A JS connector's tabs get a channel of their own: they share sign-outs only.
    let channel = (cross_tab.is_undefined() || cross_tab.is_truthy()).then(|| {
        let id = string_or(js::get(&js::get(options, "provider"), "id"), "oauth2");
        let kind = if has_connector {
            "backstage-auth-connector:"
        } else {
            "backstage-auth:"
        };
        errors::concat(&[kind, &id, ":", &environment])
    });
    let connector = if has_connector {
        AnyConnector::Supplied(SuppliedConnector::new(js::get(options, "authConnector")))
    } else {
        let provider = match js::get(options, "provider") {
            p if p.is_undefined() => default_provider(),
            p => p,
        };
        // `flow` overrides the config's global switch for this provider.
        let flow = js::get(options, "flow").as_string();
        let redirect_flow = match flow.as_deref() {
            Some("redirect") => true,
            Some("popup") => false,
            _ => redirect_flow(&js::get(options, "configApi"))?,
        };
        let config = BackendConfig {
            discovery_api: js::get(options, "discoveryApi"),
            environment,
            provider_id: js::to_string(&js::get(&provider, "id")),
            provider_title: js::to_string(&js::get(&provider, "title")),
            redirect_flow,
            popup_blocked_redirect: js::get(options, "popupBlocked").as_string().as_deref() == Some("redirect"),
            popup_size: popup_size(&js::get(options, "popupOptions")),
            scope_transform: scope_transform.clone(),
            timeout_ms: number_at_least(options, "requestTimeoutMs", 0.0, 0.0),
        };
        AnyConnector::Backend(BackendConnector::new(
            config,
            &js::get(options, "oauthRequestApi"),
            &provider,
        )?)
    };
    let manager = ManagerOptions {
        retry: retry_policy(&js::get(options, "retry")),
        proactive: js::get(options, "proactiveRefresh").is_truthy(),
        seed: (js_sys::Math::random() * 4_294_967_296.0) as u32,
    };
    Ok(CreateOptions {
        connector,
        default_scopes,
        scope_transform,
        channel,
        manager,
    })
}
