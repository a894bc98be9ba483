// The auth backend's HTTP exchanges as core-app-api 1.20.7's DefaultAuthConnector makes
// them (the same requests, lock and error messages), plus `requestTimeoutMs`. Kept in JS:
// promise chains and a Web Lock cost several times these lines as wasm closures. What a
// `/refresh` body means is read in Rust (`backend.rs`).
const REFRESH_FAILED = 'Auth refresh request failed, ';

// The backend answers 401 without `x-requested-with`; the refresh cookie needs the
// credentials. The timeout starts with the request (not with the wait for the lock) and
// covers the body too; it rejects with a `TimeoutError`.
function needFetch() {
  if (typeof fetch !== 'function') throw new TypeError('fetch is not a function');
}

function send(url, post, timeoutMs) {
  const headers = { 'x-requested-with': 'XMLHttpRequest' };
  const init = post ? { method: 'POST', headers, credentials: 'include' } : { headers, credentials: 'include' };
  if (timeoutMs > 0) init.signal = AbortSignal.timeout(timeoutMs);
  return fetch(url, init);
}

function named(name, message, cause) {
  const e = new Error(message);
  e.name = name;
  e.cause = cause;
  return e;
}

const connectionError = (message, cause) => named('AuthConnectionError', message, cause);
const timedOut = e => e && e.name === 'TimeoutError';

function statusError(prefix, res) {
  const e = new Error(prefix + res.statusText);
  e.status = res.status;
  return e;
}

// `/refresh` under the Web Lock core-app-api takes (the same name, so that tabs running
// either client take turns). `answer({ kind, value, retryAfter })` is called at most once,
// synchronously with the outcome:
//   kind 0: `value` is the JSON body of a 2xx answer;
//   kind 1: the request failed: an AuthConnectionError when the backend was not reached
//           or the lock failed, else an HTTP error with `status`; for a 429 or 503,
//           `retryAfter` is its header read as delay-seconds and as an HTTP date (NaN
//           for what it is not);
//   kind 2: the body did not arrive (a TypeError; a timeout is an AuthConnectionError),
//           or is not JSON.
// Without `pending` the lock covers the fetch, as in 1.20.7. With it (`crossTab`), the
// whole exchange and `answer` run inside the lock, so a result reaches the other tabs
// before any of them is granted it; a tab granted the lock after waiting gives the
// holder's announcement `graceMs` to arrive (the browser may hand over the lock a few
// milliseconds before the message), then sends nothing if `pending()` says its callers
// were served meanwhile.
// Returns the promise of the whole exchange, lock included.
export function refresh(url, timeoutMs, pending, graceMs, answer) {
  needFetch();
  const { origin, pathname } = new URL(url);
  const name = `backstage-auth-refresh:${origin}${pathname}`;
  const locks = globalThis.navigator?.locks;
  let answered = false;
  const once = (kind, value, retryAfter) => {
    if (answered) return;
    answered = true;
    answer({ kind, value, retryAfter });
  };
  const fetched = () =>
    send(url, false, timeoutMs).catch(e => {
      throw connectionError(REFRESH_FAILED + e, e);
    });
  const read = res => {
    if (!res.ok) {
      const header = res.status === 429 || res.status === 503 ? res.headers.get('retry-after') : null;
      const retryAfter = header && [/^\s*\d+\s*$/.test(header) ? Number(header) : NaN, Date.parse(header)];
      return once(1, statusError(REFRESH_FAILED, res), retryAfter);
    }
    return res.json().then(
      body => once(0, body),
      e => once(2, timedOut(e) ? connectionError(REFRESH_FAILED + e, e) : e),
    );
  };
  const failed = e => once(1, e && e.name === 'AuthConnectionError' ? e : connectionError(REFRESH_FAILED + e, e));
  if (!pending) {
    const res = locks ? locks.request(name, fetched) : fetched();
    return res.then(read).catch(failed);
  }
  const exchange = waited => {
    if (!pending()) return;
    const go = () => (pending() ? fetched().then(read).catch(failed) : undefined);
    return waited ? new Promise(r => setTimeout(r, graceMs)).then(go) : go();
  };
  return locks
    .request(name, { ifAvailable: true }, lock => (lock ? exchange(false) : locks.request(name, () => exchange(true))))
    .catch(failed);
}

// `/logout`. Resolves when done; a JSON answer's `logoutUrl` is followed only to `https:`
// or `localhost`, so a compromised backend cannot send the person to a plain-http page,
// and then nothing settles, as the page unloads. A timeout is a connection error.
export function logout(url, timeoutMs) {
  needFetch();
  return send(url, true, timeoutMs)
    .catch(e => {
      throw timedOut(e) ? connectionError(`Logout request failed, ${e}`, e) : new Error(`Logout request failed, ${e}`);
    })
    .then(async res => {
      if (!res.ok) throw statusError('Logout request failed, ', res);
      try {
        if (res.headers.get('content-type')?.includes('application/json')) {
          const { logoutUrl } = await res.json();
          if (logoutUrl) {
            const target = new URL(logoutUrl);
            if (target.protocol === 'https:' || target.hostname === 'localhost') {
              window.location.href = logoutUrl;
              return new Promise(() => {});
            }
          }
        }
      } catch {
        // Any problem reading the answer is ignored, as in 1.20.7.
      }
    });
}
