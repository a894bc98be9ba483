//! `OAuth2.normalizeScopes` over JS values: splitting is the core's, `scopeTransform`
//! is a JS function, and arrays keep their raw values for the static method.

use crate::browser::{errors, js};
use crate::core::scopes::{split_scope_string, ScopeSet};
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

/// The scope list before it becomes a `Set`: `None` when `scopes` is falsy
/// (no transform is called then, as in the JS). The transform gets the caller's own array,
/// as in the JS; an array from the caller or the transform is copied before it is read
/// (see [`js::array_from`]), the one split from a string here is not.
pub fn normalized_list(scopes: &JsValue, transform: Option<&Function>) -> Result<Option<Array>, JsValue> {
    if !scopes.is_truthy() {
        return Ok(None);
    }
    let (list, ours): (JsValue, bool) = if Array::is_array(scopes) {
        (scopes.clone(), false)
    } else if let Some(s) = scopes.as_string() {
        let split: Array = split_scope_string(&s).iter().map(|s| JsValue::from_str(s)).collect();
        (split.into(), true)
    } else {
        return Err(errors::type_error(&["scopes must be a string or an array of strings"]));
    };
    let list = match transform {
        None if ours => return Ok(Some(list.unchecked_into())),
        None => list,
        Some(f) => f.call1(&JsValue::UNDEFINED, &list)?,
    };
    js::array_from(&list).map(Some)
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

/// Reads any iterable of scopes (a `Set` from a JS connector, `defaultScopes`); an iterable
/// that throws gives its error.
pub fn from_iterable(value: &JsValue) -> Result<ScopeSet, JsValue> {
    if !value.is_truthy() {
        return Ok(ScopeSet::new());
    }
    Ok(to_scope_set(Some(&js::array_from(value)?)))
}

pub fn to_js_set(scopes: &ScopeSet) -> js_sys::Set {
    let set = js_sys::Set::new(&JsValue::UNDEFINED);
    for s in scopes.iter() {
        set.add(&JsValue::from_str(s));
    }
    set
}
