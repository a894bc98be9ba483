//! `sessionState$()`: a BehaviorSubject with zen-observable's subscribe contract.
//! New subscribers get the current state at once; emissions happen only on change.

use crate::browser::js;
use crate::core::state::SessionState;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

pub struct Subject {
    current: Cell<SessionState>,
    observers: RefCell<Vec<(u32, JsValue)>>,
    next_id: Cell<u32>,
}

impl Subject {
    pub fn new() -> Rc<Subject> {
        Rc::new(Subject {
            current: Cell::new(SessionState::SignedOut),
            observers: RefCell::default(),
            next_id: Cell::new(0),
        })
    }

    /// Delivers `state` to the observers subscribed now, in order. Each is looked up again
    /// just before its turn, so one unsubscribed by an earlier observer is skipped (as with
    /// zen-observable), and no borrow is held while JS runs.
    pub fn next(&self, state: SessionState) {
        self.current.set(state);
        let ids: Vec<u32> = self.observers.borrow().iter().map(|(id, _)| *id).collect();
        let value = JsValue::from_str(state.as_str());
        for id in ids {
            let observer = self
                .observers
                .borrow()
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, o)| o.clone());
            if let Some(o) = observer {
                notify(&o, &value);
            }
        }
    }

    fn remove(&self, id: u32) {
        self.observers.borrow_mut().retain(|(i, _)| *i != id);
    }
}

/// `observer.next(value)`. An observer that throws must not break the others or the
/// client: its error is reported the way zen-observable does, asynchronously.
fn notify(observer: &JsValue, value: &JsValue) {
    let next = js::get(observer, "next");
    if next.is_function() {
        if let Err(e) = js::call_method(observer, "next", &[value]) {
            let _ = js_sys::Promise::reject(&e);
        }
    }
}

#[wasm_bindgen]
pub struct SessionStateObservable {
    subject: Rc<Subject>,
}

#[wasm_bindgen]
pub struct Subscription {
    subject: Rc<Subject>,
    id: u32,
    closed: Cell<bool>,
}

impl SessionStateObservable {
    pub fn new(subject: Rc<Subject>) -> Self {
        SessionStateObservable { subject }
    }
}

#[wasm_bindgen]
impl SessionStateObservable {
    /// `subscribe(observer)` or `subscribe(next, error, complete)`: the current state at once,
    /// then every change. (Like core-app-api's subject, no `observer.start` is called.)
    pub fn subscribe(&self, observer: JsValue, error: JsValue, complete: JsValue) -> Subscription {
        let observer = if observer.is_object() {
            observer
        } else {
            js::object(&[("next", &observer), ("error", &error), ("complete", &complete)])
        };
        let id = self.subject.next_id.get();
        self.subject.next_id.set(id.wrapping_add(1));
        let subscription = Subscription {
            subject: self.subject.clone(),
            id,
            closed: Cell::new(false),
        };
        notify(&observer, &JsValue::from_str(self.subject.current.get().as_str()));
        self.subject.observers.borrow_mut().push((id, observer));
        subscription
    }
}

#[wasm_bindgen]
impl Subscription {
    pub fn unsubscribe(&self) {
        if !self.closed.replace(true) {
            self.subject.remove(self.id);
        }
    }

    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.closed.get()
    }
}
