use crate::core::record::Record;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::{JsCast, JsValue};

/// A JS value read through [`Record`]; reads never throw into Rust.
#[derive(Clone)]
pub struct JsRecord(pub JsValue);

impl Record for JsRecord {
    fn field(&self, key: &str) -> Option<Self> {
        let v = crate::browser::js::get(&self.0, key);
        if v.is_undefined() || v.is_null() {
            None
        } else {
            Some(JsRecord(v))
        }
    }
    fn has(&self, key: &str) -> bool {
        self.0.is_object() && js_sys::Reflect::has(&self.0, &JsValue::from_str(key)).unwrap_or(false)
    }
    fn string(&self) -> Option<String> {
        self.0.as_string()
    }
    fn number(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn is_object(&self) -> bool {
        self.0.is_object()
    }
    fn truthy(&self) -> bool {
        self.0.is_truthy()
    }
    fn items(&self) -> Vec<Self> {
        match self.0.dyn_ref::<js_sys::Array>() {
            Some(items) => items.iter().map(JsRecord).collect(),
            None => Vec::new(),
        }
    }
}
