// Browser-side helpers shared by the package tests and the benchmark. Each test builds
// the same client twice, once per implementation, with Backstage's real OAuthRequestManager.

export const DEFAULT_SCOPES = ['openid', 'profile', 'email'];

/** What the Backstage login dialog does when the user clicks "Log in". */
function autoTrigger(oauthRequestApi, log) {
  oauthRequestApi.authRequest$().subscribe(requests => {
    for (const r of requests) {
      log.push('auth-request:' + r.provider.id);
      r.trigger().catch(e => log.push('trigger-failed:' + e.name + ':' + e.message));
    }
  });
}

export function client(impl, { options = {}, trigger = true, config = undefined } = {}) {
  const { OAuth2, OAuthRequestManager } = window.impls[impl];
  const oauthRequestApi = new OAuthRequestManager();
  const log = [];
  if (trigger) autoTrigger(oauthRequestApi, log);
  // A stock app's config: no enableExperimentalRedirectFlow.
  const configApi = config ?? { getOptionalBoolean: () => undefined };
  const api = OAuth2.create({
    discoveryApi: { getBaseUrl: async pluginId => `${window.BACKEND}/api/${pluginId}` },
    oauthRequestApi,
    configApi,
    defaultScopes: DEFAULT_SCOPES,
    ...options,
  });
  const states = [];
  api.sessionState$().subscribe(s => states.push(s));
  return { api, states, log, oauthRequestApi };
}

/** A JSON-comparable picture of a returned value (dates as seconds from now). */
export function describe(v) {
  if (v instanceof Date) return { date: Math.round((v.getTime() - Date.now()) / 1000) };
  if (v instanceof Set) return { set: [...v] };
  if (Array.isArray(v)) return v.map(describe);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, describe(x)]));
  return v === undefined ? { undefined: true } : v;
}

export function settle(promise) {
  return promise.then(
    v => ({ ok: describe(v) }),
    e => ({ err: { name: e?.name, message: e?.message, status: e?.status } }),
  );
}

export const sleep = ms => new Promise(r => setTimeout(r, ms));

/** Records what `window.open` and `navigator.locks.request` are called with. */
export function spyBrowser() {
  const calls = { open: [], locks: [] };
  const open = window.open;
  window.open = function (...args) {
    calls.open.push(args.map(String));
    return open.apply(this, args);
  };
  const locks = navigator.locks;
  const request = locks.request;
  locks.request = function (name, ...rest) {
    calls.locks.push(name);
    return request.call(this, name, ...rest);
  };
  calls.restore = () => {
    window.open = open;
    locks.request = request;
  };
  return calls;
}

/** Signs in at once through the popup, as a click on the sign-in page does. */
export const signInNow = c => settle(c.api.getAccessToken(undefined, { instantPopup: true }));

/** A client of `impl` with `options`, signed in at once; what its `sessionEvents$()` tells
 * is collected in `c.events` (dates as seconds from now, errors as name and message). */
export async function signedIn(impl, options = {}) {
  const c = client(impl, { options });
  c.events = [];
  c.api.sessionEvents$?.().subscribe(e =>
    c.events.push(describe({ ...e, ...(e.error && { error: { name: e.error.name, message: e.error.message } }) })),
  );
  window.c = c;
  await signInNow(c);
  return c;
}
