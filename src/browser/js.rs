//! The few JS globals used directly, and conversions that must follow JS rules.

use alloc::string::String;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// JS `String(value)`, for messages built like template literals.
    #[wasm_bindgen(catch, js_name = String)]
    fn js_string_of(value: &JsValue) -> Result<String, JsValue>;

    /// `Array.from(value)`: a plain array copied from any iterable, so that reading it
    /// afterwards runs no JS (a Proxy or a throwing iterator fails here, as an `Err`).
    #[wasm_bindgen(catch, js_namespace = Array, js_name = from)]
    pub fn array_from(value: &JsValue) -> Result<js_sys::Array, JsValue>;

    /// JS `Number(value)`, whose `valueOf` may throw.
    #[wasm_bindgen(catch, js_name = Number)]
    pub fn number_of(value: &JsValue) -> Result<f64, JsValue>;

    #[wasm_bindgen(catch, js_name = fetch)]
    pub fn fetch(url: &str, init: &JsValue) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub fn console_warn(message: &str);

    /// `globalThis`: one import, where `js_sys::global()` probes four names.
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL_THIS: JsValue;

    type Bindable;
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_two(f: &Bindable, this: &JsValue, a: &JsValue, b: &JsValue) -> js_sys::Function;
    #[wasm_bindgen(method, js_name = bind)]
    fn bind_one(f: &Bindable, this: &JsValue, a: &JsValue) -> js_sys::Function;
}

/// `f.bind(this, a)`.
pub fn bind1(f: &js_sys::Function, this: &JsValue, a: &JsValue) -> js_sys::Function {
    f.unchecked_ref::<Bindable>().bind_one(this, a)
}

/// `f.bind(this, a, b)`.
pub fn bind(f: &js_sys::Function, this: &JsValue, a: &JsValue, b: &JsValue) -> js_sys::Function {
    f.unchecked_ref::<Bindable>().bind_two(this, a, b)
}

/// `${value}`; a value whose conversion throws yields an empty string.
pub fn to_string(value: &JsValue) -> String {
    match value.as_string() {
        Some(s) => s,
        None => js_string_of(value).unwrap_or_default(),
    }
}

/// A JS number as JS prints it (`String(85.5)` is `"85.5"`), without `core::fmt`.
pub fn number_to_string(n: f64) -> String {
    to_string(&JsValue::from_f64(n))
}

/// `object[key]`, `undefined` when `object` is not an object or the read throws.
pub fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() && !object.is_function() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `${object[key]}`: property reads through `Reflect.get` instead of one typed web-sys
/// import (and its JS shim) per class and property.
pub fn get_string(object: &JsValue, key: &str) -> String {
    to_string(&get(object, key))
}

/// `+object[key]` for a property that holds a number (`NaN` otherwise).
pub fn get_number(object: &JsValue, key: &str) -> f64 {
    get(object, key).as_f64().unwrap_or(f64::NAN)
}

/// `object.method(...args)` with `this` bound, as JS method calls are.
pub fn call_method(object: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    call_method_with(object, method, &args.iter().copied().collect())
}

/// `object.method(...args)` with the arguments in a JS array.
pub fn call_method_with(object: &JsValue, method: &str, args: &js_sys::Array) -> Result<JsValue, JsValue> {
    let f = get(object, method);
    let f: &js_sys::Function = f
        .dyn_ref()
        .ok_or_else(|| crate::browser::errors::type_error(&[method, " is not a function"]))?;
    f.apply(object, args)
}

/// `object[key] = value`, with the error if the assignment throws (a setter can).
pub fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value).map(drop)
}

/// A plain object from key/value pairs.
pub fn object(entries: &[(&str, &JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in entries {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

pub fn global() -> JsValue {
    GLOBAL_THIS.with(JsValue::clone)
}

/// `globalThis.window`, when this runs in a browser page (not in Node or a worker).
pub fn window() -> Option<web_sys::Window> {
    let w = get(&global(), "window");
    (!w.is_undefined() && !w.is_null()).then(|| w.unchecked_into())
}
