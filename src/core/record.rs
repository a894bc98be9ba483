//! Read access to untrusted structured data (a parsed JSON body or a `postMessage`
//! payload) without naming its representation: the browser reads JS values, native
//! tests read [`testing::Value`]. Parsing rules then live once, in plain Rust.

use alloc::string::String;
use alloc::vec::Vec;

pub trait Record: Clone {
    /// The value under `key`, or `None` when it is absent, `undefined` or `null`,
    /// or when `self` is not an object.
    fn field(&self, key: &str) -> Option<Self>;
    /// JS `key in self`, for the `"error" in result` test of the popup protocol.
    fn has(&self, key: &str) -> bool;
    fn string(&self) -> Option<String>;
    fn number(&self) -> Option<f64>;
    fn boolean(&self) -> Option<bool>;
    fn is_object(&self) -> bool;
    /// JS truthiness.
    fn truthy(&self) -> bool;
    /// The elements of an array; nothing for any other value.
    fn items(&self) -> Vec<Self>;
}

#[cfg(any(test, feature = "fuzzing"))]
pub mod testing {
    //! A JSON-like value for native tests of the parsing rules.
    use super::Record;
    use alloc::string::String;
    use alloc::vec::Vec;

    #[derive(Clone, Debug, PartialEq)]
    pub enum Value {
        Undefined,
        Null,
        Bool(bool),
        Num(f64),
        Str(String),
        Arr(Vec<Value>),
        Obj(Vec<(String, Value)>),
    }

    pub fn obj(fields: &[(&str, Value)]) -> Value {
        Value::Obj(fields.iter().map(|(k, v)| (String::from(*k), v.clone())).collect())
    }

    pub fn s(v: &str) -> Value {
        Value::Str(String::from(v))
    }

    impl Record for Value {
        fn field(&self, key: &str) -> Option<Self> {
            match self {
                Value::Obj(fields) => fields
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .filter(|v| !matches!(v, Value::Undefined | Value::Null)),
                _ => None,
            }
        }
        fn has(&self, key: &str) -> bool {
            matches!(self, Value::Obj(f) if f.iter().any(|(k, _)| k == key))
        }
        fn string(&self) -> Option<String> {
            match self {
                Value::Str(s) => Some(s.clone()),
                _ => None,
            }
        }
        fn number(&self) -> Option<f64> {
            match self {
                Value::Num(n) => Some(*n),
                _ => None,
            }
        }
        fn boolean(&self) -> Option<bool> {
            match self {
                Value::Bool(b) => Some(*b),
                _ => None,
            }
        }
        fn is_object(&self) -> bool {
            matches!(self, Value::Obj(_) | Value::Arr(_))
        }
        fn truthy(&self) -> bool {
            match self {
                Value::Undefined | Value::Null => false,
                Value::Bool(b) => *b,
                Value::Num(n) => *n != 0.0 && !n.is_nan(),
                Value::Str(s) => !s.is_empty(),
                Value::Arr(_) | Value::Obj(_) => true,
            }
        }
        fn items(&self) -> Vec<Self> {
            match self {
                Value::Arr(items) => items.clone(),
                _ => Vec::new(),
            }
        }
    }
}
