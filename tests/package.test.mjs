// Package-level tests: the built npm package (pkg/index.js) and the JS original
// (@backstage/core-app-api 1.20.7) run the same scenario in the same headless Chromium
// against the same scripted backend; their observable behaviour must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { useScriptedStack, run, backend, app, page, context } from './harness/scripted.mjs';

useScriptedStack();

/** Runs the scenario on both clients, asserts they behave the same, returns ours. */
async function same(scenario, opts = {}, normalize = x => x) {
  const ours = await run('wasm', scenario, opts);
  const original = await run('js', scenario, opts);
  assert.deepEqual(normalize(ours), normalize(original), 'wasm client differs from @backstage/core-app-api');
  return ours;
}


// The budget: what a user downloads for the default entry (wasm and glue in one file)
// is at most 24 KB gzip -9. The size is deterministic, so this is checked on every run,
// with zlib (what web servers compress with; the figure in build/sizes.json) and with the
// gzip command, whose blocks split differently.
const SIZE_BUDGET = 24 * 1024;

test('the package size: printed, and within the 24 KB gzip budget', () => {
  const sizes = JSON.parse(readFileSync(new URL('../build/sizes.json', import.meta.url)));
  const gzipCommand = execFileSync('gzip', ['-9c'], { input: readFileSync(new URL('../pkg/index.js', import.meta.url)) }).length;
  console.log(
    `# size: pkg/index.js ${sizes.packageGzip} B gzip -9 (zlib), ${gzipCommand} B (gzip command), ` +
      `${sizes.packageBrotli} B brotli (wasm ${sizes.wasm} B); budget ${SIZE_BUDGET} B, ` +
      `${SIZE_BUDGET - Math.max(sizes.packageGzip, gzipCommand)} B left`,
  );
  assert.ok(sizes.packageGzip <= SIZE_BUDGET, `package is ${sizes.packageGzip} B gzip (zlib), over the ${SIZE_BUDGET} B budget`);
  assert.ok(gzipCommand <= SIZE_BUDGET, `package is ${gzipCommand} B with gzip -9, over the ${SIZE_BUDGET} B budget`);
});

// Direct mode ships separately (backstage-oauth2-wasm/direct); its target is 40 KB gzip.
// The ratchet was 90 KB (92,160 B) until the connector shared one refresh between concurrent
// callers (a fix: the provider refused every second use of a rotated refresh token, which
// signed the person out), which took direct.js from 91,691 to 92,381 B; dropping two unstable
// flags that gained under 0.5 KB each (scripts/build.sh) and moving the popup's window
// mechanics to a JS snippet then left it at 92,393 B. DPoP, PAR, the `iss` rule and gloo-net
// as the HTTP client took it to 100,380 B; serde-wasm-bindgen for the session object and
// userinfo (+2,430 B) and the ID token's claims read in one pass instead of through a
// serde_json::Value map (-2,928 B) left it at 99,882 B, and a review that only removed code at
// 99,965 B. Issue 15 asks for that work not to grow the entry (not met: README, "Direct
// mode"); this ratchet keeps it from growing further.
const DIRECT_TARGET = 40 * 1024;
const DIRECT_RATCHET = 100_000;

test('the direct-mode entry size: printed, and never growing past its ratchet', () => {
  const sizes = JSON.parse(readFileSync(new URL('../build/sizes-direct.json', import.meta.url)));
  const met = sizes.packageGzip <= DIRECT_TARGET ? 'met' : `NOT MET by ${sizes.packageGzip - DIRECT_TARGET} B`;
  console.log(`# size: pkg/direct.js ${sizes.packageGzip} B gzip -9 (wasm ${sizes.wasm} B); target ${DIRECT_TARGET} B: ${met}`);
  assert.ok(sizes.packageGzip <= DIRECT_RATCHET, `direct.js grew to ${sizes.packageGzip} B gzip`);
});

test('signed out: optional calls resolve empty after one /refresh each', async () => {
  const { result, requests } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    const r = [
      await h.settle(c.api.getAccessToken(undefined, { optional: true })),
      await h.settle(c.api.getIdToken({ optional: true })),
      await h.settle(c.api.getProfile({ optional: true })),
      await h.settle(c.api.getBackstageIdentity({ optional: true })),
    ];
    return { r, states: c.states, log: c.log };
  });
  assert.deepEqual(result.r, [{ ok: '' }, { ok: '' }, { ok: { undefined: true } }, { ok: { undefined: true } }]);
  assert.deepEqual(result.states, ['SignedOut']);
  assert.equal(requests.length, 4);
  for (const r of requests) {
    assert.equal(r.method, 'GET');
    assert.equal(r.requestedWith, 'XMLHttpRequest');
  }
  assert.equal(requests[0].search, '?optional&scope=openid%20profile%20email&env=development');
  assert.equal(requests[1].search, '?optional&scope=openid%20profile%20email&env=development');
});

test('instant popup sign-in: URLs, window features, session values and caching', async () => {
  const { result, requests } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const spy = h.spyBrowser();
    const c = h.client(impl);
    const out = {
      token: await h.settle(c.api.getAccessToken('repo', { instantPopup: true })),
      idToken: await h.settle(c.api.getIdToken()),
      profile: await h.settle(c.api.getProfile()),
      identity: await h.settle(c.api.getBackstageIdentity()),
      again: await h.settle(c.api.getAccessToken('repo')),
    };
    const identity = await c.api.getBackstageIdentity();
    out.sameObject = identity === (await c.api.getBackstageIdentity());
    out.dateType = identity.expiresAt instanceof Date;
    out.states = c.states;
    out.open = spy.open;
    spy.restore();
    return out;
  });
  assert.deepEqual(result.token, { ok: 'access-token-1' });
  assert.deepEqual(result.idToken, { ok: 'id-token-1' });
  assert.equal(result.profile.ok.email, 'user@example.test');
  assert.equal(result.identity.ok.identity.userEntityRef, 'user:default/user');
  assert.equal(result.identity.ok.token, 'backstage-token-1');
  assert.ok(result.dateType && result.sameObject);
  assert.deepEqual(result.states, ['SignedOut', 'SignedIn']);
  const [url, name, features] = result.open[0];
  assert.equal(url, `${backend.origin}/api/auth/oauth2/start?scope=openid%20profile%20email%20repo&origin=${encodeURIComponent(app.origin)}&flow=popup&env=development`);
  assert.equal(name, 'Your Identity Provider Login');
  assert.match(features, /^menubar=no,location=no,resizable=no,scrollbars=no,status=no,width=450,height=730,top=-?[\d.]+,left=-?[\d.]+$/);
  assert.deepEqual(requests.map(r => r.path), ['/api/auth/oauth2/refresh', '/api/auth/oauth2/start']);
});

test('login-required path goes through oauthRequestApi, then reload restores the session silently', async () => {
  const { result, requests } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    const token = await h.settle(c.api.getAccessToken());
    // A reload: a new client, the refresh cookie still set.
    const again = h.client(impl, { trigger: false });
    const identity = await h.settle(again.api.getBackstageIdentity({ optional: true }));
    return { token, log: c.log, states: c.states, identity, againStates: again.states };
  });
  assert.deepEqual(result.token, { ok: 'access-token-1' });
  assert.deepEqual(result.log, ['auth-request:oauth2']);
  assert.equal(result.identity.ok.token, 'backstage-token-102');
  assert.deepEqual(result.againStates, ['SignedOut', 'SignedIn']);
  assert.equal(requests.at(-1).cookie, true);
});

test('50 concurrent calls on a stale session make exactly one /refresh, under the shared lock name', async () => {
  const { result, requests } = await same(
    async ({ impl }) => {
      const h = await import('/harness/page.js');
      const c = h.client(impl);
      await h.signInNow(c);
      const spy = h.spyBrowser();
      const results = await Promise.all(Array.from({ length: 50 }, () => c.api.getAccessToken()));
      spy.restore();
      return { distinct: [...new Set(results)], locks: spy.locks };
    },
    { script: { popupOver: { expiresInSeconds: 100 }, refreshDelayMs: 50 } },
  );
  assert.equal(requests.filter(r => r.path.endsWith('/refresh')).length, 2, 'one before sign-in, one for all 50 calls');
  assert.deepEqual(result.distinct, ['access-token-102']);
  assert.deepEqual(result.locks, [`backstage-auth-refresh:${backend.origin}/api/auth/oauth2/refresh`]);
});

test('a token within three minutes of expiry is refreshed before use', async () => {
  const { result, requests } = await same(
    async ({ impl }) => {
      const h = await import('/harness/page.js');
      const c = h.client(impl);
      await h.signInNow(c);
      return { next: await h.settle(c.api.getBackstageIdentity()) };
    },
    { script: { sessionOver: { backstageExpiresInSeconds: 120 } } },
  );
  assert.equal(requests.filter(r => r.path.endsWith('/refresh')).length, 2);
  assert.equal(result.next.ok.token, 'backstage-token-102');
});

test('network failure: AuthConnectionError, session kept, optional resolves empty', async () => {
  const { result } = await same(
    async ({ impl }) => {
      const h = await import('/harness/page.js');
      const c = h.client(impl);
      await h.signInNow(c);
      return {
        required: await h.settle(c.api.getAccessToken()),
        optional: await h.settle(c.api.getAccessToken(undefined, { optional: true })),
        states: c.states,
      };
    },
    { script: { sessionOver: { expiresInSeconds: 60 }, refresh: 'destroy' } },
  );
  assert.deepEqual(result.required.err, {
    name: 'AuthConnectionError',
    message: 'Auth refresh request failed, TypeError: Failed to fetch',
    status: undefined,
  });
  assert.deepEqual(result.optional, { ok: '' });
  assert.deepEqual(result.states, ['SignedOut', 'SignedIn']);
});

for (const [label, script] of [
  ['HTTP 500', { refreshStatus: 500 }],
  ['malformed JSON', { refreshRaw: '{not json' }],
  ['a body without providerInfo', { refreshBody: { profile: {} } }],
  ['a JSON error body', { refreshBody: { error: { name: 'AuthenticationError', message: 'nope' } } }],
  ['a non-object body', { refreshRaw: '42' }],
]) {
  test(`refresh answered with ${label}: signs out locally, optional resolves empty`, async () => {
    const { result } = await same(
      async ({ impl }) => {
        const h = await import('/harness/page.js');
        const c = h.client(impl);
        await h.signInNow(c);
        return { optional: await h.settle(c.api.getAccessToken(undefined, { optional: true })), states: c.states };
      },
      { script: { sessionOver: { expiresInSeconds: 60 }, ...script } },
    );
    assert.deepEqual(result, { optional: { ok: '' }, states: ['SignedOut', 'SignedIn', 'SignedOut'] });
  });
}

test('popup errors keep their names and messages', async () => {
  const scenario = async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    return { r: await h.settle(c.api.getAccessToken(undefined, { instantPopup: true })), states: c.states };
  };
  const denied = await same(scenario, {
    script: { popupMessage: { type: 'authorization_response', error: { name: 'AuthenticationError', message: 'denied' } } },
  });
  assert.deepEqual(denied.result.r.err, { name: 'AuthenticationError', message: 'denied', status: undefined });
  assert.deepEqual(denied.result.states, ['SignedOut']);

  const closed = await same(scenario, { script: { popupCloseWithoutAnswer: true } });
  assert.deepEqual(closed.result.r.err, { name: 'PopupClosedError', message: 'Login failed, popup was closed', status: undefined });

  const wrongOrigin = await same(scenario, { script: { popupTargetOrigin: 'http://127.0.0.2:9' } });
  assert.deepEqual(wrongOrigin.result.r.err, {
    name: 'PopupClosedError',
    message: 'Login failed, Incorrect app origin, expected http://127.0.0.2:9',
    status: undefined,
  });
});

test('a blocked popup rejects with PopupRejectedError', async () => {
  const { result } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const out = [];
    // Blocked (null), a stub without `closed`, and one closed at once: all refused.
    for (const opened of [null, {}, { closed: true }]) {
      const c = h.client(impl);
      window.open = () => opened;
      out.push(await h.settle(c.api.getAccessToken(undefined, { instantPopup: true })));
    }
    return out;
  });
  const rejected = { err: { name: 'PopupRejectedError', message: 'Failed to open auth popup.', status: undefined } };
  assert.deepEqual(result, [rejected, rejected, rejected]);
});

test('an invalid popup response is refused with a TypeError', async () => {
  const { result } = await same(
    async ({ impl }) => {
      const h = await import('/harness/page.js');
      const c = h.client(impl);
      const r = await h.settle(c.api.getAccessToken(undefined, { instantPopup: true }));
      return { name: r.err.name, states: c.states };
    },
    { script: { popupMessage: { type: 'authorization_response', response: { profile: {} } } } },
  );
  assert.deepEqual(result, { name: 'TypeError', states: ['SignedOut'] });
});

test('messages from other windows or origins are ignored; hostile payloads do not break the client', async () => {
  const { result } = await same(async ({ impl, app }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    const fake = { type: 'authorization_response', response: { providerInfo: { accessToken: 'forged' }, profile: {} } };
    const frame = document.createElement('iframe');
    frame.srcdoc = `<script>let n = 0; const t = setInterval(() => { parent.postMessage(${JSON.stringify(fake)}, '*'); if (++n > 40) clearInterval(t); }, 5)</script>`;
    document.body.append(frame);
    const self = setInterval(() => {
      window.postMessage(fake, app);
      for (const junk of [null, 'authorization_response', 42, { type: 7 }, { type: 'config_info', targetOrigin: {} }]) window.postMessage(junk, '*');
    }, 5);
    const r = await h.settle(c.api.getAccessToken(undefined, { instantPopup: true }));
    clearInterval(self);
    frame.remove();
    return r;
  });
  assert.deepEqual(result, { ok: 'access-token-1' });
});

test('sign-out: POST /logout, state flips, cookie cleared; failures keep .status', async () => {
  const { result, requests } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    await h.signInNow(c);
    const out = await h.settle(c.api.signOut());
    const after = await h.settle(c.api.getAccessToken(undefined, { optional: true }));
    return { out, after, states: c.states };
  });
  assert.deepEqual(result, { out: { ok: { undefined: true } }, after: { ok: '' }, states: ['SignedOut', 'SignedIn', 'SignedOut'] });
  const logout = requests.find(r => r.path.endsWith('/logout'));
  assert.deepEqual([logout.method, logout.search, logout.requestedWith], ['POST', '?env=development', 'XMLHttpRequest']);
  assert.equal(requests.at(-1).cookie, false);

  const failed = await same(
    async ({ impl }) => {
      const h = await import('/harness/page.js');
      const c = h.client(impl);
      await h.signInNow(c);
      return { out: await h.settle(c.api.signOut()), states: c.states };
    },
    { script: { logoutStatus: 500 } },
  );
  assert.deepEqual(failed.result.out.err, { name: 'Error', message: 'Logout request failed, Internal Server Error', status: 500 });
  assert.deepEqual(failed.result.states, ['SignedOut', 'SignedIn']);
});

test('logoutUrl is followed only to https: or localhost', async () => {
  for (const impl of ['wasm', 'js']) {
    const port = new URL(app.origin).port;
    const notFollowed = await run(
      impl,
      async ({ impl }) => {
        const h = await import('/harness/page.js');
        const c = h.client(impl);
        await h.signInNow(c);
        await c.api.signOut();
        await h.sleep(100);
        return location.pathname;
      },
      { script: { logoutBody: { logoutUrl: 'http://127.0.0.1:9/phish' } } },
    );
    assert.equal(notFollowed.result, '/', impl);
    backend.reset();
    Object.assign(backend.script, { logoutBody: { logoutUrl: `http://localhost:${port}/signed-out` } });
    await page.evaluate(async impl => {
      const h = await import('/harness/page.js');
      const c = h.client(impl);
      await c.api.getAccessToken(undefined, { instantPopup: true });
      c.api.signOut();
    }, impl);
    await page.waitForURL(`http://localhost:${port}/signed-out`);
  }
});

test('redirect flow navigates to /start with redirectUrl instead of a popup', async () => {
  for (const impl of ['wasm', 'js']) {
    backend.reset();
    await context.clearCookies();
    await page.goto(app.origin + '/');
    await page.waitForFunction('window.ready === true');
    await page.evaluate(async impl => {
      const h = await import('/harness/page.js');
      const c = h.client(impl, { config: { getOptionalBoolean: k => k === 'enableExperimentalRedirectFlow' } });
      c.api.getAccessToken(undefined, { instantPopup: true });
    }, impl);
    await page.waitForURL(u => u.pathname === '/api/auth/oauth2/start');
    const start = backend.requests.find(r => r.path.endsWith('/start'));
    assert.equal(
      start.search,
      `?scope=openid%20profile%20email&origin=${encodeURIComponent(app.origin)}&redirectUrl=${encodeURIComponent(app.origin + '/')}&flow=redirect&env=development`,
      impl,
    );
  }
});

test('scopes: growth, scopeTransform, environment, provider title and popup size', async () => {
  const { result, requests } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const spy = h.spyBrowser();
    const c = h.client(impl, {
      options: {
        environment: 'production',
        provider: { id: 'oauth2', title: 'Corp SSO', icon: () => null },
        scopeTransform: s => s.map(x => (x === 'repo' ? 'scm:repo' : x)),
        popupOptions: { size: { width: 600, height: 500 } },
      },
    });
    await h.settle(c.api.getAccessToken('repo', { instantPopup: true }));
    const grown = await h.settle(c.api.getAccessToken('read:org, admin|x'));
    spy.restore();
    return { grown, open: spy.open.map(([u, n, f]) => [u, n, f.replace(/top=.*$/, '')]) };
  });
  assert.match(result.open[0][0], /scope=openid%20profile%20email%20scm%3Arepo&origin=.*&env=production$/);
  assert.equal(result.open[0][1], 'Corp SSO Login');
  assert.match(result.open[0][2], /width=600,height=500,$/);
  const grow = requests.filter(r => r.path.endsWith('/refresh')).at(-1);
  assert.equal(grow.search, '?optional&scope=openid%20profile%20email%20scm%3Arepo%20read%3Aorg%20admin%20x&env=production');
  assert.match(result.grown.ok, /^access-token-10\d$/);
});

test('normalizeScopes matches the original for strings, arrays and transforms', async () => {
  const { result } = await same(async ({ impl }) => {
    const { OAuth2 } = window.impls[impl];
    const t = { scopeTransform: s => s.map(x => x.toUpperCase()) };
    return [
      OAuth2.normalizeScopes(),
      OAuth2.normalizeScopes(''),
      OAuth2.normalizeScopes('a b,c|d\te  a'),
      OAuth2.normalizeScopes(['x', 'y', 'x', '']),
      OAuth2.normalizeScopes('a b', t),
      OAuth2.normalizeScopes(['a'], t),
    ].map(s => [...s]);
  });
  assert.deepEqual(result, [[], [], ['a', 'b', 'c', 'd', 'e'], ['x', 'y', ''], ['A', 'B'], ['A']]);
});

test('an authConnector supplied from JS is driven exactly like the original drives it', async () => {
  const { result } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const { OAuth2 } = window.impls[impl];
    const calls = [];
    let n = 0;
    const make = scopes => ({
      providerInfo: { accessToken: 'c' + ++n, idToken: 'i' + n, scopes: new Set(scopes), expiresAt: new Date(Date.now() + 3600e3) },
      profile: { displayName: 'P' + n },
      backstageIdentity: { token: 'b' + n, identity: { type: 'user', userEntityRef: 'user:default/p', ownershipEntityRefs: [] } },
    });
    const authConnector = {
      async createSession(o) {
        calls.push(['create', [...o.scopes], !!o.instantPopup]);
        return make(o.scopes);
      },
      async refreshSession(o) {
        calls.push(['refresh', [...o.scopes]]);
        if (n === 0) throw Object.assign(new Error('no session'), { name: 'NotFoundError' });
        return make(o.scopes);
      },
      async removeSession() {
        calls.push(['remove']);
      },
    };
    const api = OAuth2.create({ authConnector, defaultScopes: ['d'] });
    const states = [];
    api.sessionState$().subscribe(s => states.push(s));
    const out = [
      await h.settle(api.getAccessToken('x')),
      await h.settle(api.getProfile()),
      await h.settle(api.getAccessToken('y', { instantPopup: true })),
      await h.settle(api.signOut()),
      await h.settle(api.getIdToken({ optional: true })),
    ];
    return { out, calls, states };
  });
  assert.deepEqual(result.calls.slice(0, 2), [['refresh', ['d', 'x']], ['create', ['d', 'x'], false]]);
  assert.deepEqual(result.states, ['SignedOut', 'SignedIn', 'SignedOut', 'SignedIn']);
});

test('sessionState$ is a replaying, de-duplicating observable with working subscriptions', async () => {
  const { result } = await run('wasm', async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    const obs = c.api.sessionState$();
    const seen = { fn: [], obj: [], late: [] };
    const sub = obs.subscribe(s => seen.fn.push(s));
    obs.subscribe({ next: s => seen.obj.push(s) });
    obs.subscribe({ next: () => { throw new Error('observer bug'); } });
    const closedBefore = sub.closed;
    sub.unsubscribe();
    sub.unsubscribe();
    await h.settle(c.api.getAccessToken(undefined, { instantPopup: true }));
    obs.subscribe(s => seen.late.push(s));
    return {
      seen,
      closedBefore,
      closedAfter: sub.closed,
      same: obs === c.api.sessionState$(),
      selfRef: obs['@@observable']() === obs && (!Symbol.observable || obs[Symbol.observable]() === obs),
    };
  });
  // `fn` unsubscribed right after subscribing: the replay, a microtask later, never came.
  assert.deepEqual(result, {
    seen: { fn: [], obj: ['SignedOut', 'SignedIn'], late: ['SignedIn'] },
    closedBefore: false,
    closedAfter: true,
    same: true,
    selfRef: true,
  });
});

test('sessionState$ delivers the current value a microtask after subscribe, as zen-observable does', async () => {
  const { result } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    await h.sleep(0);
    const obs = c.api.sessionState$();
    const log = [];
    obs.subscribe(s => log.push('A:' + s));
    log.push('subscribed');
    const b = obs.subscribe(s => log.push('B:' + s));
    b.unsubscribe();
    queueMicrotask(() => log.push('microtask'));
    await null;
    log.push('after one tick');
    // A change made before the replay arrives is delivered after it, in order.
    const d = [];
    obs.subscribe(s => d.push(s));
    const signIn = h.signInNow(c);
    d.push('pending');
    await signIn;
    return { log, d };
  });
  assert.deepEqual(result.log.slice(0, 4), ['subscribed', 'A:SignedOut', 'microtask', 'after one tick']);
  assert.deepEqual(result.d, ['pending', 'SignedOut', 'SignedIn']);
});

test('a sign-in from the login dialog: SignedIn comes after trigger() settles, as in 1.20.7', async () => {
  const { result } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl, { trigger: false });
    const log = [];
    c.oauthRequestApi.authRequest$().subscribe(requests => {
      for (const r of requests) {
        log.push('request');
        r.trigger().then(() => log.push('trigger settled'));
      }
    });
    c.api.sessionState$().subscribe(s => log.push(s));
    await h.sleep(0);
    const token = c.api.getAccessToken().then(t => log.push('token ' + t));
    await token;
    for (let i = 0; i < 10; i++) await null;
    return { log };
  });
  assert.deepEqual(result.log.filter(x => x !== 'request'), ['SignedOut', 'trigger settled', 'SignedIn', 'token access-token-1']);
});

test('sessionState$: an observer unsubscribed during a delivery misses it; start() is not called', async () => {
  const { result } = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const c = h.client(impl);
    const obs = c.api.sessionState$();
    const seen = [];
    let b;
    obs.subscribe({
      start: s => seen.push('start:' + typeof s.unsubscribe),
      next: v => {
        seen.push('A:' + v);
        if (v === 'SignedIn') b.unsubscribe();
      },
    });
    b = obs.subscribe(v => seen.push('B:' + v));
    const c2 = obs.subscribe({ start: s => s.unsubscribe(), next: v => seen.push('C:' + v) });
    await h.signInNow(c);
    return { seen, closedByStart: c2.closed, bClosed: b.closed };
  });
  assert.deepEqual(result, {
    seen: ['A:SignedOut', 'B:SignedOut', 'C:SignedOut', 'A:SignedIn', 'C:SignedIn'],
    closedByStart: false,
    bClosed: true,
  });
});

test('values whose reading throws (a Proxy, an iterator, a Date subclass) fail as in the original', async () => {
  const result = await same(async ({ impl }) => {
    const h = await import('/harness/page.js');
    const { OAuth2 } = window.impls[impl];
    const trap = () => { throw new RangeError('trap'); };
    const hostileArray = new Proxy(['a'], { get: trap });
    const hostileIterable = { [Symbol.iterator]: trap };
    class BadDate extends Date { getTime() { trap(); } }
    const serving = providerInfo =>
      OAuth2.create({ authConnector: { refreshSession: () => Promise.reject(new Error('none')), createSession: async () => ({ providerInfo }) } });
    const outcome = r => (r.err ? `${r.err.name}: ${r.err.message}` : 'resolved');
    const attempt = f => h.settle(Promise.resolve().then(f)).then(outcome);
    return {
      scope: await attempt(() => h.client(impl).api.getAccessToken(hostileArray)),
      normalize: await attempt(() => OAuth2.normalizeScopes(hostileArray)),
      transformed: await attempt(() => OAuth2.normalizeScopes('a', { scopeTransform: () => hostileIterable })),
      defaultScopes: await attempt(() => OAuth2.create({ defaultScopes: hostileIterable, authConnector: {} })),
      sessionScopes: await attempt(() => serving({ accessToken: 'a', scopes: hostileIterable }).getAccessToken()),
      sessionExpiry: await attempt(() => serving({ accessToken: 'a', scopes: new Set(), expiresAt: new BadDate() }).getAccessToken()),
      // The instance still works after all of that.
      alive: await attempt(() => h.client(impl).api.getAccessToken(undefined, { optional: true })),
    };
  }, {}, ({ result: { sessionScopes, sessionExpiry, ...rest }, ...run }) => ({ result: rest, ...run }));
  assert.equal(result.result.scope, 'RangeError: trap');
  assert.equal(result.result.alive, 'resolved');
  // A session that cannot be read is refused when it arrives (the original takes it, then
  // fails every later call on reading it: see the compatibility notes).
  assert.equal(result.result.sessionScopes, 'RangeError: trap');
  assert.equal(result.result.sessionExpiry, 'RangeError: trap');
});

test('bad create options and bad arguments become JS errors, never a dead wasm instance', async () => {
  const { result } = await run('wasm', async ({ impl }) => {
    const h = await import('/harness/page.js');
    const { OAuth2 } = window.impls[impl];
    const errors = [];
    for (const bad of [undefined, null, 42, { oauthRequestApi: {} }, { scopeTransform: 5, authConnector: {} }]) {
      try {
        OAuth2.create(bad);
        errors.push('no error');
      } catch (e) {
        errors.push(e.name);
      }
    }
    const c = h.client(impl, { options: { scopeTransform: () => { throw new RangeError('bad transform'); } } });
    const transform = await h.settle(c.api.getAccessToken('x'));
    const badScope = await h.settle(h.client(impl).api.getAccessToken(42));
    const broken = OAuth2.create({ authConnector: { refreshSession: () => Promise.resolve({ nope: 1 }) } });
    const invalid = await h.settle(broken.getAccessToken(undefined, { optional: true }));
    // The instance still works after all of that.
    const alive = await h.settle(h.client(impl).api.getAccessToken(undefined, { optional: true }));
    return { errors, transform, badScope, invalid, alive };
  });
  // A bad scopeTransform fails on use, as in the original, not in create().
  assert.deepEqual(result.errors, ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'no error']);
  assert.equal(result.transform.err.name, 'RangeError');
  assert.equal(result.badScope.err.name, 'TypeError');
  assert.deepEqual(result.invalid, { ok: '' });
  assert.deepEqual(result.alive, { ok: '' });
});
