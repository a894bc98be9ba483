// The options 1.20.7 lacks (`retry`, `requestTimeoutMs`, `proactiveRefresh`, `popupBlocked`,
// `flow`) and `sessionEvents$()`, on the built package in headless Chromium against the
// scripted backend; and, without them, that the same faults meet exactly 1.20.7's requests
// and errors, side by side with the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useScriptedStack, run, backend, app, browser, context, page } from './harness/scripted.mjs';
import { openTabs } from './harness/tabs.mjs';

useScriptedStack();

const refreshes = requests => requests.filter(r => r.path.endsWith('/refresh'));
/** The gaps between consecutive requests, in ms. */
const gaps = rs => rs.slice(1).map((r, i) => r.at - rs[i].at);

const RETRY = { retry: { attempts: 3, baseDelayMs: 200, maxDelayMs: 2000 } };

test('503, 503, then a session: resolved after 3 requests with growing gaps and two refresh-failed events', async () => {
  const { result, requests } = await run(
    'wasm',
    async () => {
      const token = await h.settle(c.api.getAccessToken());
      return { token, events: c.events, states: c.states };
    },
    {
      script: { sessionOver: { expiresInSeconds: 60 }, refreshSequence: [{ status: 503 }, { status: 503 }] },
      signedIn: RETRY,
    },
  );
  const tries = refreshes(requests).slice(1);
  assert.equal(tries.length, 3);
  const [g1, g2] = gaps(tries);
  console.log(`# retry gaps: ${g1} ms, ${g2} ms (base 200: 100-200, then 200-400)`);
  assert.ok(g1 >= 100 && g2 >= 200 && g2 >= g1 - 20, `${g1}, ${g2}`);
  assert.deepEqual(result.token, { ok: 'access-token-104' });
  const failed = result.events.filter(e => e.type === 'refresh-failed');
  assert.deepEqual(
    failed.map(e => [e.transient, e.attempt, 'retryAt' in e, e.error.message]),
    [
      [true, 1, true, 'Auth refresh request failed, Service Unavailable'],
      [true, 2, true, 'Auth refresh request failed, Service Unavailable'],
    ],
  );
  assert.equal(result.events.at(-1).type, 'refreshed');
  assert.equal(result.events.at(-1).origin, 'this-tab');
  assert.deepEqual(result.states, ['SignedOut', 'SignedIn'], 'never signed out meanwhile');
});

for (const [label, step] of [
  ['a dropped connection', 'destroy'],
  ['a body cut off mid-way', 'cut'],
]) {
  test(`${label}, then success: retried, resolved`, async () => {
    const { result, requests } = await run(
      'wasm',
      async () => {
        return { token: await h.settle(c.api.getAccessToken()), events: c.events.map(e => e.type), states: c.states };
      },
      {
        script: { sessionOver: { expiresInSeconds: 60 }, refreshSequence: [step] },
        signedIn: RETRY,
      },
    );
    assert.equal(refreshes(requests).length, 3, 'the first of the page, then two tries');
    assert.deepEqual(result.token, { ok: 'access-token-103' });
    assert.deepEqual(result.events, ['refresh-failed', 'refreshed'], 'the first /refresh of a signed-out page is no news');
    assert.deepEqual(result.states, ['SignedOut', 'SignedIn']);
  });
}

test('401 is final: never retried, the session ends with a non-transient refresh-failed', async () => {
  const { result, requests } = await run(
    'wasm',
    async () => {
      return { optional: await h.settle(c.api.getAccessToken(undefined, { optional: true })), events: c.events, states: c.states };
    },
    {
      script: { sessionOver: { expiresInSeconds: 60 }, refreshSequence: [{ status: 401 }] },
      signedIn: RETRY,
    },
  );
  assert.equal(refreshes(requests).length, 2);
  assert.deepEqual(result.optional, { ok: '' });
  const failed = result.events.filter(e => e.type === 'refresh-failed');
  assert.deepEqual(failed.map(e => [e.transient, e.attempt, 'retryAt' in e]), [[false, 1, false]]);
  assert.deepEqual(result.states, ['SignedOut', 'SignedIn', 'SignedOut']);
});

test("Retry-After on a 503 replaces the computed wait", async () => {
  const { requests } = await run(
    'wasm',
    async () => {
      return h.settle(c.api.getAccessToken());
    },
    {
      script: { sessionOver: { expiresInSeconds: 60 }, refreshSequence: [{ status: 503, retryAfter: 1 }] },
      signedIn: { retry: { baseDelayMs: 10, maxDelayMs: 5000 } },
    },
  );
  const [gap] = gaps(refreshes(requests).slice(1));
  console.log(`# Retry-After: 1 → waited ${gap} ms (computed: 5-10 ms)`);
  assert.ok(gap >= 1000 && gap < 2500, String(gap));
});

test('every try failing: AuthConnectionError, the session kept and its valid token still served', async () => {
  const { result, requests } = await run(
    'wasm',
    async () => {
      // A scope the session lacks needs a /refresh; the backend keeps failing.
      const more = await h.settle(c.api.getAccessToken('repo'));
      const cached = await h.settle(c.api.getAccessToken());
      return { more, cached, events: c.events, states: c.states };
    },
    {
      script: { refreshSequence: [{ status: 502 }, 'destroy', { status: 504 }] },
      signedIn: RETRY,
    },
  );
  assert.equal(refreshes(requests).length, 4, 'one of the page, then three tries');
  assert.equal(result.more.err.name, 'AuthConnectionError');
  assert.match(result.more.err.message, /^Auth refresh request failed, Gateway Timeout/);
  assert.deepEqual(result.cached, { ok: 'access-token-1' }, 'served from the cache, no request');
  const last = result.events.at(-1);
  assert.deepEqual([last.type, last.transient, last.attempt, 'retryAt' in last, last.error.name], ['refresh-failed', true, 3, false, 'AuthConnectionError']);
  assert.deepEqual(result.states, ['SignedOut', 'SignedIn']);
});

test('a hanging /refresh is cut at requestTimeoutMs, then retried', async () => {
  const { result, requests } = await run(
    'wasm',
    async () => {
      const t0 = performance.now();
      const alone = await h.settle(c.api.getAccessToken());
      return { alone, ms: Math.round(performance.now() - t0) };
    },
    {
      script: { sessionOver: { expiresInSeconds: 60 }, refreshSequence: ['hang'] },
      signedIn: { requestTimeoutMs: 400 },
    },
  );
  console.log(`# a hanging /refresh with requestTimeoutMs 400: failed after ${result.ms} ms`);
  assert.deepEqual(result.alone.err, {
    name: 'AuthConnectionError',
    message: 'Auth refresh request failed, TimeoutError: signal timed out',
    status: undefined,
  });
  assert.ok(result.ms >= 400 && result.ms < 3000, String(result.ms));
  assert.equal(refreshes(requests).length, 2);
  const retried = await run(
    'wasm',
    async () => {
      return h.settle(c.api.getAccessToken());
    },
    {
      script: { sessionOver: { expiresInSeconds: 60 }, refreshSequence: ['hang'] },
      signedIn: { requestTimeoutMs: 400, ...RETRY },
    },
  );
  assert.deepEqual(retried.result, { ok: 'access-token-103' });
});

test('a hanging /logout is cut at requestTimeoutMs: AuthConnectionError, never retried', async () => {
  const { result, requests } = await run(
    'wasm',
    async () => {
      return h.settle(c.api.signOut());
    },
    { signedIn: { requestTimeoutMs: 300, ...RETRY }, script: { logoutHang: true } },
  );
  assert.deepEqual(result.err, { name: 'AuthConnectionError', message: 'Logout request failed, TimeoutError: signal timed out', status: undefined });
  assert.equal(requests.filter(r => r.path.endsWith('/logout')).length, 1);
});

test('without the options, the same faults meet exactly 1.20.7’s requests and errors', async () => {
  for (const refreshSequence of [[{ status: 503 }, { status: 503 }], ['destroy'], ['cut'], [{ status: 429, retryAfter: 1 }]]) {
    const scenario = async ({ impl }) => {
      const h = await import('/harness/page.js');
      const c = h.client(impl);
      await h.signInNow(c);
      const first = await h.settle(c.api.getAccessToken(undefined, { optional: true }));
      const second = await h.settle(c.api.getAccessToken(undefined, { optional: true }));
      return { first, second, states: c.states };
    };
    const script = { sessionOver: { expiresInSeconds: 60 }, refreshSequence };
    const ours = await run('wasm', scenario, { script: structuredClone(script) });
    const original = await run('js', scenario, { script: structuredClone(script) });
    const shape = ({ result, requests }) => ({ result, requests: requests.map(r => [r.method, r.path, r.search]) });
    assert.deepEqual(shape(ours), shape(original), JSON.stringify(refreshSequence));
  }
});

test('proactiveRefresh: a background /refresh when the session enters its refresh window, with no call', async () => {
  const { result, requests } = await run(
    'wasm',
    async () => {
      // The session expires in 181 s: its window opens in about a second.
      await h.sleep(2000);
      const token = await h.settle(c.api.getAccessToken());
      return { token, events: c.events.map(e => [e.type, e.origin]) };
    },
    { script: { popupOver: { expiresInSeconds: 181 } }, signedIn: { proactiveRefresh: true } },
  );
  assert.equal(refreshes(requests).length, 2, 'the page’s first, then the background one');
  assert.deepEqual(result.token, { ok: 'access-token-102' }, 'the call is served by the background refresh');
  assert.deepEqual(result.events, [['refreshed', 'this-tab']]);
});

for (const [label, fire] of [
  ['coming back online', () => window.dispatchEvent(new Event('online'))],
  ['becoming visible', () => document.dispatchEvent(new Event('visibilitychange'))],
]) {
  test(`proactiveRefresh: a session already in its window is refreshed on ${label}`, async () => {
    const { result, requests } = await run(
      'wasm',
      async ({ args }) => {
        const before = c.events.length;
        (0, eval)(args.fire)();
        await h.sleep(300);
        return c.events.slice(before).map(e => e.type);
      },
      {
        // Born inside its window (100 s left): no timer, only the wake-up.
        script: { popupOver: { expiresInSeconds: 100 } },
        signedIn: { proactiveRefresh: true }, args: { fire: `(${fire})` },
      },
    );
    assert.equal(refreshes(requests).length, 2);
    assert.deepEqual(result, ['refreshed']);
  });
}

test('without proactiveRefresh nothing runs in the background', async () => {
  const { requests } = await run(
    'wasm',
    async () => {
      window.dispatchEvent(new Event('online'));
      document.dispatchEvent(new Event('visibilitychange'));
      await h.sleep(2000);
    },
    { script: { popupOver: { expiresInSeconds: 181 } }, signedIn: {} },
  );
  assert.equal(refreshes(requests).length, 1);
});

test('proactiveRefresh with three tabs: one background /refresh for all of them', async () => {
  backend.reset();
  const ctx = await browser.newContext();
  try {
    backend.script.sessionOver = { expiresInSeconds: 182 };
    const pages = await openTabs(ctx, app.origin, 3, 'wasm', { proactiveRefresh: true });
    await pages[0].evaluate(() => h.signInNow(c));
    for (const p of pages.slice(1)) await p.evaluate(() => c.api.getAccessToken(undefined, { optional: true }));
    backend.script.sessionOver = {};
    const before = refreshes(backend.requests).length;
    // Every tab's session enters its window within about 2 s.
    await new Promise(r => setTimeout(r, 3500));
    const during = refreshes(backend.requests).length - before;
    const tokens = await Promise.all(pages.map(p => p.evaluate(() => c.api.getAccessToken())));
    console.log(`# proactiveRefresh, 3 tabs: ${during} background /refresh`);
    assert.equal(during, 1);
    assert.equal(new Set(tokens).size, 1, 'every tab has the one refreshed token, without a request');
    assert.equal(refreshes(backend.requests).length - before, 1);
  } finally {
    await ctx.close();
  }
});

test("popupBlocked: 'redirect' and flow: 'redirect' go to /start?flow=redirect; the default rejects as 1.20.7", async () => {
  const scenario = async ({ impl, args }) => {
    const h = await import('/harness/page.js');
    window.open = () => null;
    const c = h.client(impl, { options: args.options });
    const here = location.href;
    const r = await Promise.race([h.settle(c.api.getAccessToken(undefined, { instantPopup: true })), h.sleep(1500).then(() => 'pending')]);
    return { r, here };
  };
  const navigated = async options => {
    backend.reset();
    await context.clearCookies();
    await page.goto(app.origin + '/');
    await page.waitForFunction('window.ready === true');
    const wait = page.waitForURL(u => u.pathname === '/api/auth/oauth2/start', { timeout: 5000 });
    page.evaluate(scenario, { impl: 'wasm', args: { options } }).catch(() => {});
    await wait;
    return new URL(page.url());
  };
  const blocked = await navigated({ popupBlocked: 'redirect' });
  const flow = await navigated({ flow: 'redirect' });
  for (const u of [blocked, flow]) {
    assert.equal(u.searchParams.get('flow'), 'redirect');
    assert.equal(u.searchParams.get('redirectUrl'), app.origin + '/');
    assert.equal(u.searchParams.get('origin'), app.origin);
    assert.equal(u.searchParams.get('scope'), 'openid profile email');
  }
  assert.equal(blocked.search, flow.search, 'the same URL as the redirect flow');
  const ours = await run('wasm', scenario, { args: { options: {} } });
  const original = await run('js', scenario, { args: { options: {} } });
  assert.deepEqual(ours.result.r, { err: { name: 'PopupRejectedError', message: 'Failed to open auth popup.', status: undefined } });
  assert.deepEqual(ours.result, original.result);
  // flow: 'popup' overrides the config's redirect switch.
  const popup = await run('wasm', async () => {
    const h = await import('/harness/page.js');
    const spy = h.spyBrowser();
    const c = h.client('wasm', { options: { flow: 'popup' }, config: { getOptionalBoolean: () => true } });
    await h.signInNow(c);
    spy.restore();
    return spy.open.length;
  });
  assert.equal(popup.result, 1);
});
