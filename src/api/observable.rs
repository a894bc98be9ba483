//! `sessionState$()`: a BehaviorSubject with zen-observable's subscribe contract.
//! New subscribers get the current state a microtask after `subscribe` returns (and never,
//! if they unsubscribe before), with any change made meanwhile after it, as zen-observable
//! buffers what is emitted while a subscription starts; emissions happen only on change.

use crate::browser::{callbacks, js};
use crate::core::state::SessionState;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

struct Observer {
    id: u32,
    observer: JsValue,
    /// What it is yet to be told, until the microtask after its `subscribe` delivers it.
    queue: Option<Vec<SessionState>>,
}

pub struct Subject {
    current: Cell<SessionState>,
    observers: RefCell<Vec<Observer>>,
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
        let ids: Vec<u32> = self.observers.borrow().iter().map(|o| o.id).collect();
        for id in ids {
            let observer = {
                let mut observers = self.observers.borrow_mut();
                match observers.iter_mut().find(|o| o.id == id) {
                    Some(Observer { queue: Some(q), .. }) => {
                        q.push(state);
                        None
                    }
                    Some(o) => Some(o.observer.clone()),
                    None => None,
                }
            };
            if let Some(o) = observer {
                notify(&o, state);
            }
        }
    }

    /// The microtask after `subscribe`: what was queued, in order, while still subscribed.
    fn flush(&self, id: u32) {
        let taken = {
            let mut observers = self.observers.borrow_mut();
            observers
                .iter_mut()
                .find(|o| o.id == id)
                .and_then(|o| o.queue.take().map(|q| (o.observer.clone(), q)))
        };
        let Some((observer, queue)) = taken else { return };
        for state in queue {
            if !self.observers.borrow().iter().any(|o| o.id == id) {
                return;
            }
            notify(&observer, state);
        }
    }

    fn remove(&self, id: u32) {
        self.observers.borrow_mut().retain(|o| o.id != id);
    }
}

/// `observer.next(value)`. An observer that throws must not break the others or the
/// client: its error is reported the way zen-observable does, asynchronously.
fn notify(observer: &JsValue, state: SessionState) {
    let next = js::get(observer, "next");
    if next.is_function() {
        if let Err(e) = js::call_method(observer, "next", &[&JsValue::from_str(state.as_str())]) {
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
    /// `subscribe(observer)` or `subscribe(next, error, complete)`: the current state in a
    /// microtask, then every change. (Like core-app-api's subject, no `observer.start` is
    /// called.)
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
        self.subject.observers.borrow_mut().push(Observer {
            id,
            observer,
            queue: Some(alloc::vec![self.subject.current.get()]),
        });
        let subject = self.subject.clone();
        callbacks::later(move || subject.flush(id));
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
