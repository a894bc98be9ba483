// `sessionState$()` and `sessionEvents$()`: subjects with zen-observable's subscribe
// contract, which Backstage's Observable type describes. A new subscriber is told what it
// is owed (the current state; for events, nothing) a microtask after `subscribe` returns,
// and never if it unsubscribes first; whatever is emitted meanwhile follows it, in order,
// as zen-observable buffers emissions while a subscription starts. Kept in JS: a class
// exported from wasm costs three times these lines in glue and boundary shims.
export function subject(current) {
  const observers = [];
  const deliver = (entry, value) => {
    if (typeof entry.observer.next !== 'function') return;
    // An observer that throws must not break the others or the client: its error is
    // reported asynchronously, the way zen-observable reports it.
    try {
      entry.observer.next(value);
    } catch (e) {
      Promise.reject(e);
    }
  };
  const observable = {
    subscribe(observer, error, complete) {
      if (!observer || typeof observer !== 'object') observer = { next: observer, error, complete };
      const entry = { observer, queue: current === undefined ? [] : [current] };
      observers.push(entry);
      const subscription = {
        closed: false,
        unsubscribe() {
          subscription.closed = true;
          const at = observers.indexOf(entry);
          if (at >= 0) observers.splice(at, 1);
        },
      };
      Promise.resolve().then(() => {
        const queue = entry.queue;
        entry.queue = undefined;
        for (const value of queue) if (!subscription.closed) deliver(entry, value);
      });
      return subscription;
    },
    // Interop with RxJS/zen-observable `from()`.
    '@@observable'() {
      return this;
    },
  };
  if (typeof Symbol === 'function' && Symbol.observable) observable[Symbol.observable] = observable['@@observable'];
  return {
    observable,
    // Each observer subscribed now is looked up again before its turn, so one that an
    // earlier observer unsubscribed is skipped, as with zen-observable.
    next(value, keep) {
      if (keep) current = value;
      for (const entry of observers.slice()) {
        if (!observers.includes(entry)) continue;
        if (entry.queue) entry.queue.push(value);
        else deliver(entry, value);
      }
    },
  };
}

const EVENTS = ['refreshed', 'refresh-failed', 'signed-in-elsewhere', 'signed-out-elsewhere'];

// A `SessionEvent` of index.d.ts from the core's fields: `kind` indexes EVENTS, `flag` is
// `refreshed`'s origin (other tab or this one) or `refresh-failed`'s `transient`, and a
// time `at` of NaN is left out.
export function sessionEvent(kind, flag, at, attempt, error) {
  const type = EVENTS[kind];
  const e = { type };
  if (kind === 0) {
    e.origin = flag ? 'other-tab' : 'this-tab';
    if (at === at) e.expiresAt = new Date(at);
  } else if (kind === 1) {
    e.transient = flag;
    e.attempt = attempt;
    if (at === at) e.retryAt = new Date(at);
    e.error = error;
  }
  return e;
}
