//! A single-threaded, write-once cell that many futures can await: how concurrent
//! refreshes share one request, and how browser callbacks hand a result to a future.

use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

struct Slot<T> {
    value: Option<T>,
    wakers: Vec<Waker>,
}

pub struct Shared<T> {
    slot: Rc<RefCell<Slot<T>>>,
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared {
            slot: self.slot.clone(),
        }
    }
}

impl<T: Clone> Default for Shared<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> Shared<T> {
    pub fn new() -> Self {
        Shared {
            slot: Rc::new(RefCell::new(Slot {
                value: None,
                wakers: Vec::new(),
            })),
        }
    }

    /// Stores the value and wakes every waiter; later calls are ignored (first answer wins).
    pub fn resolve(&self, value: T) {
        let wakers = {
            let mut slot = self.slot.borrow_mut();
            if slot.value.is_some() {
                return;
            }
            slot.value = Some(value);
            core::mem::take(&mut slot.wakers)
        };
        for w in wakers {
            w.wake();
        }
    }

    pub fn is_resolved(&self) -> bool {
        self.slot.borrow().value.is_some()
    }

    pub fn wait(&self) -> Wait<T> {
        Wait {
            slot: self.slot.clone(),
        }
    }
}

pub struct Wait<T> {
    slot: Rc<RefCell<Slot<T>>>,
}

impl<T: Clone> Future for Wait<T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.slot.borrow_mut();
        if let Some(v) = &slot.value {
            return Poll::Ready(v.clone());
        }
        if !slot.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            slot.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::testing::run_until_stalled;

    #[test]
    fn every_waiter_gets_the_first_value() {
        let s: Shared<u32> = Shared::new();
        let mut a = alloc::boxed::Box::pin(s.wait());
        let mut b = alloc::boxed::Box::pin(s.wait());
        assert_eq!(run_until_stalled(a.as_mut()), None);
        assert!(!s.is_resolved());
        s.resolve(7);
        s.resolve(8);
        assert_eq!(run_until_stalled(a.as_mut()), Some(7));
        assert_eq!(run_until_stalled(b.as_mut()), Some(7));
    }
}
