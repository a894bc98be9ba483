// Wake-ups for `retry` and `proactiveRefresh`: one timer, for the next retry or for when the
// session enters its refresh window, and the moments a tab is likely to have missed it,
// asleep or throttled in the background: becoming visible again, and the network coming
// back. What is due is decided by the wall clock in the session core, so a timer that fires
// late, or early, changes nothing.
export function waker(wake) {
  let timer;
  if (typeof addEventListener === 'function') addEventListener('online', () => wake());
  if (typeof document === 'object' && document.addEventListener)
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && wake());
  // `at` (epoch ms) replaces the time set before; `undefined` clears it. setTimeout takes
  // at most 2³¹−1 ms: a later time wakes early and the core sets it again.
  return at => {
    clearTimeout(timer);
    if (at !== undefined) timer = setTimeout(() => wake(), Math.min(Math.max(at - Date.now(), 0), 2147483647));
  };
}
