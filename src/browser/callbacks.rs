//! Everything JS calls back into: promise continuations, event handlers, promise
//! executors. All go through one exported closure, bound per use to a token
//! (`dispatch.bind(null, token)`), so the wasm carries one closure shim instead of one per
//! signature, and no async runtime.

use crate::browser::js;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

enum Slot {
    /// Removed when called: a promise continuation or an executor.
    Once(Box<dyn FnOnce(JsValue, JsValue)>),
    /// Kept until forgotten: an event handler or a function handed to JS.
    Many(Rc<dyn Fn(JsValue) -> JsValue>),
}

struct Registry {
    next: Cell<u32>,
    slots: RefCell<Vec<(u32, Slot)>>,
    dispatch: RefCell<Option<Function>>,
}

struct Global(Registry);
// The wasm32-unknown-unknown build is single-threaded.
unsafe impl Sync for Global {}

static REGISTRY: Global = Global(Registry {
    next: Cell::new(0),
    slots: RefCell::new(Vec::new()),
    dispatch: RefCell::new(None),
});

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Promise)]
    type PromiseWithExecutor;
    #[wasm_bindgen(constructor, js_class = "Promise")]
    fn new(executor: &Function) -> PromiseWithExecutor;
}

/// The one function JS calls: `(token, a, b)`, where `a, b` are the caller's arguments.
fn dispatch(token: u32, a: JsValue, b: JsValue) -> JsValue {
    let (once, many) = {
        let mut slots = REGISTRY.0.slots.borrow_mut();
        let Some(at) = slots.iter().position(|(t, _)| *t == token) else {
            return JsValue::UNDEFINED;
        };
        match &slots[at].1 {
            Slot::Many(f) => (None, Some(f.clone())),
            Slot::Once(_) => match slots.swap_remove(at).1 {
                Slot::Once(k) => (Some(k), None),
                Slot::Many(_) => (None, None),
            },
        }
    };
    match (once, many) {
        (Some(k), _) => {
            k(a, b);
            JsValue::UNDEFINED
        }
        (None, Some(f)) => f(a),
        (None, None) => JsValue::UNDEFINED,
    }
}

fn register(slot: Slot) -> u32 {
    let r = &REGISTRY.0;
    let token = r.next.get();
    r.next.set(token.wrapping_add(1));
    r.slots.borrow_mut().push((token, slot));
    token
}

fn dispatcher() -> Function {
    let mut slot = REGISTRY.0.dispatch.borrow_mut();
    slot.get_or_insert_with(|| {
        Closure::<dyn Fn(u32, JsValue, JsValue) -> JsValue>::new(dispatch)
            .into_js_value()
            .unchecked_into()
    })
    .clone()
}

fn bound(token: u32, first: &JsValue) -> Function {
    js::bind(&dispatcher(), &JsValue::NULL, &JsValue::from(token), first)
}

/// Runs `k` with the outcome of `value` once it settles (`value` may be a plain value,
/// which settles at once, as with JS `await`).
pub fn on_settled(value: &JsValue, k: impl FnOnce(Result<JsValue, JsValue>) + 'static) {
    settled(value, Box::new(k));
}

/// The one copy of [`on_settled`]'s body: generic callers only box their continuation.
#[inline(never)]
fn settled(value: &JsValue, k: Box<dyn FnOnce(Result<JsValue, JsValue>)>) {
    let token = register(Slot::Once(Box::new(move |fulfilled: JsValue, v| {
        k(if fulfilled.is_truthy() { Ok(v) } else { Err(v) })
    })));
    let ok = bound(token, &JsValue::TRUE);
    let err = bound(token, &JsValue::FALSE);
    let _ = js::call_method(&Promise::resolve(value).into(), "then", &[&ok, &err]);
}

/// Runs `k` in a microtask: after the current JS callback has returned.
pub fn later(k: impl FnOnce() + 'static) {
    on_settled(&JsValue::UNDEFINED, move |_| k());
}

/// `new Promise((resolve, reject) => start(resolve, reject))`; the executor runs during
/// construction, receiving (resolve, reject) after the bound token.
pub fn promise(start: impl FnOnce(Function, Function) + 'static) -> Promise {
    new_promise(Box::new(start))
}

#[inline(never)]
fn new_promise(start: Box<dyn FnOnce(Function, Function)>) -> Promise {
    let token = register(Slot::Once(Box::new(move |resolve: JsValue, reject: JsValue| {
        start(resolve.unchecked_into(), reject.unchecked_into())
    })));
    PromiseWithExecutor::new(&bound_token(token)).unchecked_into()
}

fn bound_token(token: u32) -> Function {
    js::bind1(&dispatcher(), &JsValue::NULL, &JsValue::from(token))
}

/// A promise settled by the continuation `start` is given: the bridge from a callback-style
/// flow (a popup, a sign-in) back to a JS promise.
pub fn promise_of(start: impl FnOnce(Box<dyn FnOnce(Result<JsValue, JsValue>)>) + 'static) -> Promise {
    promise(move |resolve, reject| {
        start(Box::new(move |r| {
            let _ = match r {
                Ok(v) => resolve.call1(&JsValue::UNDEFINED, &v),
                Err(e) => reject.call1(&JsValue::UNDEFINED, &e),
            };
        }))
    })
}

/// A JS function calling `f(firstArgument)` until [`forget`] is called with its token.
pub fn callback(f: impl Fn(JsValue) -> JsValue + 'static) -> (Function, u32) {
    new_callback(Rc::new(f))
}

#[inline(never)]
fn new_callback(f: Rc<dyn Fn(JsValue) -> JsValue>) -> (Function, u32) {
    let token = register(Slot::Many(f));
    (bound_token(token), token)
}

/// Drops a [`callback`]; calls of its function after this do nothing.
pub fn forget(token: u32) {
    REGISTRY.0.slots.borrow_mut().retain(|(t, _)| *t != token);
}
