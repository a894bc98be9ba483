//! `OAuth2.normalizeScopes` over JS values: splitting is the core's, `scopeTransform`
//! is a JS function, and arrays keep their raw values for the static method.

use crate::browser::{errors, js};
use crate::core::scopes::{split_scope_string, ScopeSet};
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

/// The scope list before it becomes a `Set`: `None` when `scopes` is falsy
/// (no transform is called then, as in the JS).
pub fn normalized_list(scopes: &JsValue, transform: Option<&Function>) -> Result<Option<Array>, JsValue> {
    if !scopes.is_truthy() {
        return Ok(None);
    }
    let list = if Array::is_array(scopes) {
        scopes.clone().unchecked_into::<Array>()
    } else if let Some(s) = scopes.as_string() {
        split_scope_string(&s).iter().map(|s| JsValue::from_str(s)).collect()
    } else {
        return Err(errors::type_error(&["scopes must be a string or an array of strings"]));
    };
    match transform {
        None => Ok(Some(list)),
        Some(f) => Ok(Some(Array::from(&f.call1(&JsValue::UNDEFINED, &list)?))),
    }
}

/// The list as the core's scope set (`[...set].join(' ')` stringifies non-strings too).
pub fn to_scope_set(list: Option<&Array>) -> ScopeSet {
    let mut set = ScopeSet::new();
    if let Some(list) = list {
        for v in list.iter() {
            set.insert(js::to_string(&v));
        }
    }
    set
}

pub fn scope_set(scopes: &JsValue, transform: Option<&Function>) -> Result<ScopeSet, JsValue> {
    Ok(to_scope_set(normalized_list(scopes, transform)?.as_ref()))
}

/// Reads any iterable of scopes (a `Set` from a JS connector, `defaultScopes`).
pub fn from_iterable(value: &JsValue) -> ScopeSet {
    if !value.is_truthy() {
        return ScopeSet::new();
    }
    to_scope_set(Some(&Array::from(value)))
}

pub fn to_js_set(scopes: &ScopeSet) -> js_sys::Set {
    let set = js_sys::Set::new(&JsValue::UNDEFINED);
    for s in scopes.iter() {
        set.add(&JsValue::from_str(s));
    }
    set
}
