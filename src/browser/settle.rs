//! Continuations for JS promises, without an async runtime: `on_settled(p, k)` calls
//! `k(Ok(value))` or `k(Err(reason))` once `p` settles. One JS function serves every
//! promise (bound to a token per call), so there is no closure type per call site and no
//! executor in the wasm.

use crate::browser::js;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use js_sys::Function;
use wasm_bindgen::prelude::*;

type Continuation = Box<dyn FnOnce(Result<JsValue, JsValue>)>;

struct Registry {
    next: Cell<u32>,
    pending: RefCell<Vec<(u32, Continuation)>>,
    resume: RefCell<Option<Function>>,
}

struct Global(Registry);
// The wasm32-unknown-unknown build is single-threaded.
unsafe impl Sync for Global {}

static REGISTRY: Global = Global(Registry {
    next: Cell::new(0),
    pending: RefCell::new(Vec::new()),
    resume: RefCell::new(None),
});

fn resume(token: u32, fulfilled: bool, value: JsValue) {
    let continuation = {
        let mut pending = REGISTRY.0.pending.borrow_mut();
        let at = pending.iter().position(|(t, _)| *t == token);
        at.map(|i| pending.swap_remove(i).1)
    };
    if let Some(k) = continuation {
        k(if fulfilled { Ok(value) } else { Err(value) });
    }
}

fn resume_function() -> Function {
    let mut slot = REGISTRY.0.resume.borrow_mut();
    slot.get_or_insert_with(|| {
        Closure::<dyn Fn(u32, bool, JsValue)>::new(resume)
            .into_js_value()
            .unchecked_into()
    })
    .clone()
}

/// Runs `k` with the outcome of `value` once it settles (`value` may be a plain value,
/// which settles at once, as with JS `await`).
pub fn on_settled(value: &JsValue, k: impl FnOnce(Result<JsValue, JsValue>) + 'static) {
    let r = &REGISTRY.0;
    let token = r.next.get();
    r.next.set(token.wrapping_add(1));
    r.pending.borrow_mut().push((token, Box::new(k)));
    let resume = resume_function();
    let t = JsValue::from(token);
    let ok = js::bind(&resume, &JsValue::NULL, &t, &JsValue::TRUE);
    let err = js::bind(&resume, &JsValue::NULL, &t, &JsValue::FALSE);
    let promise: JsValue = js_sys::Promise::resolve(value).into();
    let _ = js::call_method(&promise, "then", &[&ok, &err]);
}

/// Runs `k` in a microtask: after the current JS callback has returned.
pub fn later(k: impl FnOnce() + 'static) {
    on_settled(&JsValue::UNDEFINED, move |_| k());
}
