// Several pages of one browser context (tabs sharing cookies, Web Locks and BroadcastChannel)
// against the scripted backend: what crosses between tabs with `crossTab` (the default), and
// that with `crossTab: false`, or without the browser APIs it needs, nothing does and each
// tab behaves exactly as @backstage/core-app-api 1.20.7's client, which runs alongside.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend } from './harness/backend.mjs';
import { startApp } from './harness/app.mjs';
import { launch } from './harness/browser.mjs';
import { openClient, openTabs, refreshesForTabs } from './harness/tabs.mjs';

let backend, app, browser, context;

before(async () => {
  backend = await startBackend();
  app = await startApp(backend.origin);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await app?.close();
  await backend?.close();
});

beforeEach(async () => {
  await context?.close();
  context = await browser.newContext();
  backend.reset();
});

const tabs = (n, impl = 'wasm', options = {}, { before = null } = {}) => openTabs(context, app.origin, n, impl, options, before);
const open = (page, impl, options) => openClient(page, impl, options);

/** `promise`, or a failure naming `what` after `ms`: a wait that never ends fails here. */
const within = (promise, what, ms = 10_000) => {
  let timer;
  const late = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
};

const refreshes = () => backend.requests.filter(r => r.path.endsWith('/refresh')).length;
const call = (page, fn) => page.evaluate(fn);
const states = page => call(page, () => c.states);
const signIn = page => within(call(page, () => h.signInNow(c)), 'the sign-in');
const token = (page, options) => page.evaluate(o => h.settle(c.api.getAccessToken(undefined, o)), options);

/** Waits until `check()` in `page` is true (or fails after `ms`). */
const until = (page, check, ms = 2000) => page.waitForFunction(check, null, { timeout: ms });

test('five tabs whose session is due make one /refresh between them; 1.20.7 and crossTab: false make five', async () => {
  const env = { browser, backend, origin: app.origin };
  const ours = await refreshesForTabs(env, 5, 'wasm');
  const alone = await refreshesForTabs(env, 5, 'wasm', { crossTab: false });
  const original = await refreshesForTabs(env, 5, 'js');
  console.log(`# /refresh for 5 tabs near expiry: ours ${ours.count}, ours with crossTab: false ${alone.count}, 1.20.7 ${original.count}`);
  assert.equal(ours.count, 1);
  assert.equal(ours.tokens, 1, 'every tab got the one refreshed token');
  assert.equal(alone.count, 5);
  assert.equal(original.count, 5);
});

test('signing in in one tab signs in the signed-out tabs: SignedIn, then no popup and no request', async () => {
  const [a, b, d] = await tabs(3);
  for (const p of [b, d]) assert.deepEqual(await token(p, { optional: true }), { ok: '' });
  await b.evaluate(() => (window.events = []) && c.api.sessionEvents$().subscribe(e => events.push(e.type)) && undefined);
  const before = backend.requests.length;
  await signIn(a);
  for (const p of [b, d]) {
    await until(p, () => c.states.at(-1) === 'SignedIn');
    await p.evaluate(() => (window.spy = h.spyBrowser()) && undefined);
    assert.deepEqual(await token(p), { ok: 'access-token-1' }, 'no popup, the same session');
    assert.equal(await p.evaluate(() => (spy.restore(), spy.open.length)), 0);
  }
  assert.deepEqual(
    backend.requests.slice(before).map(r => r.path),
    ['/api/auth/oauth2/refresh', '/api/auth/oauth2/start'],
    "tab A's own first refresh and popup: no /refresh in B or D",
  );
  assert.deepEqual(await states(b), ['SignedOut', 'SignedIn']);
  assert.deepEqual(await b.evaluate(() => events), ['signed-in-elsewhere']);
});

test('signing out in one tab signs out every tab: SignedOut, optional calls answered without a request, and the page starts again', async () => {
  const [a, b] = await tabs(2);
  await signIn(a);
  await until(b, () => c.states.at(-1) === 'SignedIn');
  // What B's app sees the moment the sign-out arrives, before its page starts again: kept in
  // sessionStorage, which outlives the reload (a console message sent just before it can be
  // lost with the page).
  await b.evaluate(() => {
    c.api.sessionEvents$().subscribe(e => sessionStorage.setItem('told', e.type));
    c.api.sessionState$().subscribe(s => {
      if (s !== 'SignedOut') return;
      Promise.all([
        c.api.getAccessToken(undefined, { optional: true }),
        c.api.getBackstageIdentity({ optional: true }),
        c.api.getProfile({ optional: true }),
      ]).then(r => sessionStorage.setItem('seen', JSON.stringify(r.map(x => x ?? null))));
    });
  });
  const restarted = b.waitForEvent('load', { timeout: 10_000 });
  const started = Date.now();
  const before = refreshes();
  await within(call(a, () => c.api.signOut()), 'signOut() in tab A');
  await restarted;
  console.log(`# tab B started again ${Date.now() - started} ms after signOut() in tab A`);
  // The page that starts again is signed out, as the sign-in page finds.
  await b.waitForFunction('window.ready === true');
  const kept = await b.evaluate(() => [sessionStorage.getItem('seen'), sessionStorage.getItem('told')]);
  assert.deepEqual(kept, ['["",null,null]', 'signed-out-elsewhere'], 'the optional calls, and sessionEvents$ telling the app why');
  assert.equal(refreshes(), before, 'no /refresh for the optional calls');
  await open(b, 'wasm');
  assert.deepEqual(await token(b, { optional: true }), { ok: '' });
});

test('a signed-out tab is told of a sign-out but does not start again', async () => {
  const [a, b] = await tabs(2);
  await signIn(a);
  await b.evaluate(() => c.api.signOut().catch(() => {}));
  // b signed out first (and so did a, from b's message); a's page started again.
  await a.waitForFunction('window.ready === true');
  await b.evaluate(() => (window.marker = 1));
  await open(a, 'wasm');
  await call(a, () => c.api.signOut());
  await new Promise(r => setTimeout(r, 300));
  assert.equal(await b.evaluate(() => window.marker), 1, 'b, already signed out, kept its page');
});

test('crossTab: false neither sends nor takes anything, and behaves as 1.20.7 in every tab', async () => {
  const [a, b] = await tabs(2, 'wasm', { crossTab: false });
  const [c2] = await tabs(1);
  await signIn(a);
  await new Promise(r => setTimeout(r, 300));
  assert.deepEqual(await states(b), ['SignedOut']);
  assert.deepEqual(await states(c2), ['SignedOut'], 'a crossTab tab heard nothing from a crossTab: false one');
  // B signs in itself; A signing out leaves it signed in.
  assert.deepEqual(await token(b, { optional: true }), { ok: 'access-token-102' });
  await call(a, () => c.api.signOut());
  await new Promise(r => setTimeout(r, 300));
  assert.deepEqual(await states(b), ['SignedOut', 'SignedIn']);
});

test('without BroadcastChannel or Web Locks the client works as with crossTab: false, silently', async () => {
  for (const missing of ['delete window.BroadcastChannel', 'Object.defineProperty(navigator, "locks", { value: undefined })']) {
    await context.close();
    context = await browser.newContext();
    backend.reset();
    const errors = [];
    const [a] = await tabs(1, 'wasm', {}, { before: missing });
    a.on('pageerror', e => errors.push(e.message));
    const [b] = await tabs(1);
    await signIn(a);
    await new Promise(r => setTimeout(r, 300));
    assert.deepEqual(await states(b), ['SignedOut'], missing);
    assert.deepEqual(await token(a), { ok: 'access-token-1' });
    assert.deepEqual(errors, []);
  }
});

test('messages on the channel that are not from our client are ignored and break nothing', async () => {
  const [a, b] = await tabs(2);
  await signIn(a);
  await until(b, () => c.states.at(-1) === 'SignedIn');
  await a.evaluate(() => {
    const ch = new BroadcastChannel('backstage-auth:oauth2:development');
    const big = 'x'.repeat(1 << 20);
    const shapes = [null, 1, 'x', big, [], [1, 2], {}, { v: 1 }, { v: 'backstage-oauth2-wasm/1' },
      { v: 'backstage-oauth2-wasm/1', tab: 'me', signedOutAt: 1 },
      { v: 'backstage-oauth2-wasm/1', tab: 2, signedOutAt: 'now' },
      { v: 'backstage-oauth2-wasm/1', tab: 2, since: Date.now(), session: { providerInfo: 1 } },
      { v: 'backstage-oauth2-wasm/1', tab: 2, since: Date.now(), session: { providerInfo: { scopes: 5, expiresAt: 'soon' } } },
      { v: 'backstage-oauth2-wasm/1', tab: 2, since: Date.now(), session: big },
      new Uint8Array(1 << 16), new Date(), new Map([[1, 2]]), { a: { b: { c: { d: [big] } } } }];
    for (let i = 0; i < 2000; i++) ch.postMessage(shapes[i % shapes.length]);
    ch.close();
  });
  await new Promise(r => setTimeout(r, 500));
  assert.deepEqual(await token(b), { ok: 'access-token-1' });
  assert.deepEqual(await states(b), ['SignedOut', 'SignedIn']);
  // Still listening: a real sign-out reaches it.
  const restarted = b.waitForEvent('load');
  await call(a, () => c.api.signOut());
  await restarted;
});

test('a tab that closes while it holds the refresh lock leaves the refresh to the next tab', async () => {
  Object.assign(backend.script, { sessionOver: { expiresInSeconds: 100 } });
  const [a, b] = await tabs(2);
  await signIn(a);
  await call(b, () => c.api.getAccessToken(undefined, { optional: true }));
  backend.script.refreshDelayMs = 1000;
  // A's refresh holds the lock for a second; A closes in the middle of it.
  await a.evaluate(() => void c.api.getAccessToken());
  await new Promise(r => setTimeout(r, 200));
  const pending = call(b, () => h.settle(c.api.getAccessToken()));
  await new Promise(r => setTimeout(r, 200));
  await a.close();
  backend.script.refreshDelayMs = 0;
  const got = await pending;
  assert.match(got.ok, /^access-token-1\d\d$/, 'B refreshed on its own once the lock was free');
});

test('with a JS authConnector only sign-outs cross: sessions stay with the tab whose connector made them', async () => {
  const connector = `
    let n = 0;
    window.connectorOptions = { authConnector: {
      createSession: async () => ({ providerInfo: { accessToken: 'js-' + ++n, scopes: new Set(['x']), expiresAt: new Date(Date.now() + 3600e3) } }),
      refreshSession: async () => { throw new Error('no session'); },
      removeSession: async () => {},
    } };`;
  const setup = async () => {
    const page = await context.newPage();
    await page.goto(app.origin + '/');
    await page.waitForFunction('window.ready === true');
    await page.evaluate(async js => {
      new Function(js)();
      window.h = await import('/harness/page.js');
      window.c = h.client('wasm', { options: window.connectorOptions });
      await h.sleep(0);
    }, connector);
    return page;
  };
  const [a, b] = [await setup(), await setup()];
  assert.deepEqual(await token(a, { instantPopup: true }), { ok: 'js-1' });
  await new Promise(r => setTimeout(r, 300));
  assert.deepEqual(await states(b), ['SignedOut'], 'no session crossed');
  assert.deepEqual(await token(b, { instantPopup: true }), { ok: 'js-1' });
  const restarted = b.waitForEvent('load');
  await call(a, () => c.api.signOut());
  await restarted;
});
