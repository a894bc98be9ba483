// The README's promises about tokens and messages, proven on the real stack (the Backstage
// auth backend and oidc-provider, in headless Chromium):
// - no access, ID, refresh or Backstage token ever reaches storage, cookies readable by
//   the page, a URL, a Referer header or the console, through a whole session;
// - a postMessage from a foreign origin, or from a window other than the popup, is never
//   taken for a sign-in, and nothing of ours posts an answer;
// - 100,000 hostile messages to the app's window and its cross-tab channel, while a
//   sign-in and a refresh go on: both complete, and wasm memory does not grow.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { launch } from './harness/browser.mjs';
import { answerLogin, signInThroughTheUi, showsUser, SIGN_IN_TEXT } from './harness/ui.mjs';
import { startStack, APP, BACKEND, IDP } from '../www/stack.mjs';

const TOKEN_TTL = 183; // due for refresh 3 s after it is issued
const pkg = readFileSync(new URL('../pkg/index.js', import.meta.url));
let stack, browser, foreign;

before(async () => {
  stack = await startStack({ tokenTtl: TOKEN_TTL });
  browser = await launch();
  // A page of another origin (localhost, not 127.0.0.1), framed by the tests into the app.
  foreign = await new Promise(resolve => {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>foreign</title><script>window.answers = []; addEventListener("message", e => answers.push(e.data));</script>');
    });
    server.listen(0, '127.0.0.1', () => resolve({ origin: `http://localhost:${server.address().port}`, close: () => new Promise(r => server.close(r)) }));
  });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  await foreign?.close();
});

async function newContext() {
  const context = await browser.newContext();
  await context.route(`${APP}/e2e/ours.js`, r => r.fulfill({ body: pkg, contentType: 'text/javascript' }));
  return context;
}

/** A client of the package in `page`, default options, no login dialog. */
const withClient = (page, fn, arg) =>
  page.evaluate(
    async ([fn, arg, backend]) => {
      const m = await import('/e2e/ours.js');
      window.__client ??= m.OAuth2.create({
        discoveryApi: { getBaseUrl: async id => `${backend}/api/${id}` },
        oauthRequestApi: { createAuthRequester: () => () => new Promise(() => {}) },
        defaultScopes: ['openid', 'profile', 'email', 'offline_access'],
      });
      window.__memory = m.wasmMemoryBytes;
      return new Function('client', 'arg', `return (${fn})(client, arg)`)(window.__client, arg);
    },
    [fn.toString(), arg, BACKEND],
  );

/** Everything an origin's page can read back: storage, IndexedDB, Cache Storage, cookies. */
const readableState = page =>
  page.evaluate(async () => {
    const out = [document.cookie];
    for (const s of [localStorage, sessionStorage]) for (let i = 0; i < s.length; i++) out.push(s.key(i), s.getItem(s.key(i)));
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((ok, fail) => Object.assign(indexedDB.open(name), { onsuccess: e => ok(e.target.result), onerror: fail }));
      for (const store of db.objectStoreNames) {
        const tx = db.transaction(store);
        const all = await new Promise(ok => (tx.objectStore(store).getAll().onsuccess = e => ok(e.target.result)));
        const keys = await new Promise(ok => (tx.objectStore(store).getAllKeys().onsuccess = e => ok(e.target.result)));
        out.push(name, store, JSON.stringify(keys), JSON.stringify(all));
      }
      db.close();
    }
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const req of await cache.keys()) out.push(req.url, await (await cache.match(req)).text());
    }
    return out.join('\n');
  });

test('no token reaches storage, a URL, a Referer header or the console, through a whole session', async () => {
  const context = await newContext();
  const tokens = new Set();
  const seen = { urls: [], referers: [], console: [], navigations: [] };
  const pending = [];
  const addTokens = r => {
    for (const t of [r?.providerInfo?.accessToken, r?.providerInfo?.idToken, r?.backstageIdentity?.token]) if (t) tokens.add(t);
  };
  const watch = page => {
    page.on('console', m => seen.console.push(m.text()));
    page.on('framenavigated', f => seen.navigations.push(f.url()));
  };
  context.on('page', watch);
  context.on('request', r => {
    seen.urls.push(r.url());
    pending.push(r.allHeaders().then(h => h.referer && seen.referers.push(h.referer)));
  });
  context.on('response', r => {
    const path = new URL(r.url()).pathname;
    if (path === '/api/auth/oauth2/refresh' && r.ok()) pending.push(r.json().then(addTokens, () => {}));
    // The popup's answer page carries the first session, base64 in its script.
    if (path === '/api/auth/oauth2/handler/frame')
      pending.push(
        r.text().then(html => {
          for (const [, b64] of html.matchAll(/atob\('([^']+)'\)/g)) {
            try {
              addTokens(JSON.parse(Buffer.from(b64, 'base64').toString()).response);
            } catch {}
          }
        }, () => {}),
      );
  });
  const states = [];

  // Sign in, refresh (the token comes due), reload, three more tabs, sign out.
  const page = await context.newPage();
  await signInThroughTheUi(page, 'leak');
  await withClient(page, c => c.getAccessToken());
  states.push(await readableState(page));
  await page.waitForTimeout((TOKEN_TTL - 180) * 1000 + 500);
  await withClient(page, c => Promise.all([c.getAccessToken(), c.getIdToken(), c.getBackstageIdentity()]));
  await page.reload();
  await showsUser(page, 'leak');
  const tabs = [];
  for (let i = 0; i < 3; i++) {
    const tab = await context.newPage();
    await tab.goto(APP + '/');
    await showsUser(tab, 'leak');
    await withClient(tab, c => c.getAccessToken());
    tabs.push(tab);
  }
  states.push(await readableState(tabs[2]));
  const refreshToken = (await context.cookies(`${BACKEND}/api/auth/oauth2/refresh`)).find(c => c.name === 'oauth2-refresh-token')?.value;
  assert.ok(refreshToken, 'the refresh cookie was set');
  tokens.add(refreshToken);
  // The scan itself finds a token planted where it looks.
  const planted = [...tokens][0];
  await tabs[0].evaluate(async t => {
    sessionStorage.setItem('planted', t);
    await caches.open('planted').then(c => c.put('/planted', new Response(t)));
    await new Promise(ok => {
      const open = indexedDB.open('planted');
      open.onupgradeneeded = () => open.result.createObjectStore('s');
      open.onsuccess = () => {
        const tx = open.result.transaction('s', 'readwrite');
        tx.objectStore('s').put(t, 'k');
        tx.oncomplete = () => (open.result.close(), ok());
      };
    });
  }, planted);
  const withPlanted = await readableState(tabs[0]);
  assert.equal(withPlanted.split(planted).length - 1, 3, 'the scan reads sessionStorage, Cache Storage and IndexedDB');
  await tabs[0].evaluate(async () => {
    sessionStorage.removeItem('planted');
    await caches.delete('planted');
    await new Promise(ok => (indexedDB.deleteDatabase('planted').onsuccess = ok));
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  for (const p of [page, ...tabs]) await p.getByText(SIGN_IN_TEXT).waitFor();
  states.push(await readableState(page));
  await Promise.all(pending);

  assert.ok(tokens.size >= 7, `tokens seen: ${tokens.size}`);
  const where = { ...seen, 'readable state (storage, IndexedDB, caches, document.cookie)': states };
  for (const [place, texts] of Object.entries(where)) {
    for (const text of texts) {
      for (const token of tokens) assert.ok(!String(text).includes(token), `a token in ${place}: ${String(text).slice(0, 200)}`);
    }
  }
  console.log(
    `# ${tokens.size} tokens checked against ${seen.urls.length} request URLs, ${seen.referers.length} Referer headers, ` +
      `${seen.navigations.length} navigations, ${seen.console.length} console messages and ${states.length} snapshots of page-readable state: none found`,
  );
  await context.close();
});

test('a sign-in takes its answer only from its popup and the backend origin, and answers no one', async () => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(APP + '/');
  await page.getByText(SIGN_IN_TEXT).waitFor();
  const forged = {
    type: 'authorization_response',
    response: {
      providerInfo: { accessToken: 'forged-access', idToken: 'forged-id', scope: 'openid', expiresInSeconds: 3600 },
      profile: { email: 'mallory@example.test' },
      backstageIdentity: { token: 'forged-backstage', identity: { type: 'user', userEntityRef: 'user:default/mallory', ownershipEntityRefs: [] } },
    },
  };
  // Frames posting forged answers: one of a foreign origin, one of the backend's own origin
  // (right origin, wrong window).
  await page.evaluate(origins => {
    for (const o of origins) {
      const f = document.createElement('iframe');
      f.src = o;
      f.name = o;
      document.body.append(f);
    }
  }, [foreign.origin + '/', `${BACKEND}/api/auth/oauth2/nothing-here`]);
  const [popup] = await Promise.all([context.waitForEvent('page'), withClient(page, c => void (window.__signIn = c.getAccessToken(undefined, { instantPopup: true })))]);
  await popup.waitForLoadState();
  for (const frame of page.frames().filter(f => f !== page.mainFrame())) {
    await frame.evaluate(m => {
      parent.postMessage({ type: 'config_info', targetOrigin: '*' }, '*');
      parent.postMessage(m, '*');
    }, forged);
  }
  // The popup itself while it shows the IdP's page: the right window, the wrong origin.
  await popup.evaluate(m => opener.postMessage(m, '*'), forged);
  await answerLogin(popup, 'real');
  const token = await page.evaluate(() => window.__signIn);
  assert.ok(token && !token.startsWith('forged'), 'the real sign-in answered, not a forged message');
  const profile = await withClient(page, c => c.getProfile());
  assert.equal(profile.email, 'real@example.test');
  const foreignFrame = page.frames().find(f => f.url().startsWith(foreign.origin));
  assert.deepEqual(await foreignFrame.evaluate(() => window.answers), [], 'nothing posted back to the foreign window');
  await context.close();
});

test('100,000 hostile messages to the window and the channel while a sign-in and a refresh go on', async () => {
  const context = await newContext();
  const page = await context.newPage();
  await page.goto(APP + '/');
  await page.getByText(SIGN_IN_TEXT).waitFor();
  await withClient(page, c => c.getProfile({ optional: true }));
  const memoryBefore = await page.evaluate(() => window.__memory());
  await page.evaluate(origin => {
    const f = document.createElement('iframe');
    f.src = origin + '/';
    document.body.append(f);
    return new Promise(r => (f.onload = r));
  }, foreign.origin);
  // Random shapes and sizes: JSON-like values up to a few levels deep, strings up to 64 KB,
  // and look-alikes of the real messages.
  const flood = count => {
    const rnd = n => Math.floor(Math.random() * n);
    const str = () => 'x'.repeat(rnd(8) === 0 ? rnd(65536) : rnd(64));
    const value = depth => {
      switch (rnd(depth > 2 ? 5 : 8)) {
        case 0: return null;
        case 1: return rnd(2) === 0;
        case 2: return Math.random() * 1e15 - 5e14;
        case 3: return str();
        case 4: return undefined;
        case 5: return Array.from({ length: rnd(5) }, () => value(depth + 1));
        default: {
          const keys = ['type', 'response', 'error', 'providerInfo', 'v', 'tab', 'since', 'session', 'signedOutAt', 'targetOrigin', str()];
          return Object.fromEntries(Array.from({ length: rnd(6) }, () => [keys[rnd(keys.length)], value(depth + 1)]));
        }
      }
    };
    const shaped = () => {
      switch (rnd(4)) {
        case 0: return { type: 'authorization_response', response: value(1), error: rnd(2) ? value(1) : undefined };
        case 1: return { type: 'config_info', targetOrigin: str() };
        // The channel's own protocol with garbage where the session goes (a scalar) or a
        // sign-out from long ago. A well-formed session message is not hostile: only pages
        // of the app's own origin can post on the channel, and their code can already read
        // every token.
        case 2: return { v: 'backstage-oauth2-wasm/1', tab: Math.random(), since: Date.now(), session: value(3), signedOutAt: rnd(3) ? undefined : Date.now() - 1e9 };
        default: return value(0);
      }
    };
    return Array.from({ length: count }, shaped);
  };
  const started = Date.now();
  // The channel: another tab of the app's origin, 100,000 messages.
  const other = await context.newPage();
  await other.goto(APP + '/');
  const channelFlood = other.evaluate(
    ([source, n]) => {
      const make = new Function(`return (${source})`)();
      const channel = new BroadcastChannel('backstage-auth:oauth2:development');
      for (let sent = 0; sent < n; sent += 1000) for (const m of make(1000)) channel.postMessage(m);
      return n;
    },
    [flood.toString(), 100_000],
  );
  // The window: a foreign frame, 100,000 messages, while the sign-in popup waits.
  const frame = page.frames().find(f => f.url().startsWith(foreign.origin));
  const [popup] = await Promise.all([context.waitForEvent('page'), withClient(page, c => void (window.__signIn = c.getAccessToken(undefined, { instantPopup: true })))]);
  const windowFlood = frame.evaluate(
    ([source, n]) => {
      const make = new Function(`return (${source})`)();
      for (let sent = 0; sent < n; sent += 1000) for (const m of make(1000)) parent.postMessage(m, '*');
      return n;
    },
    [flood.toString(), 100_000],
  );
  await answerLogin(popup, 'flood');
  const token = await page.evaluate(() => window.__signIn);
  assert.ok(token, 'signed in during the flood');
  assert.equal(await windowFlood, 100_000);
  assert.equal(await channelFlood, 100_000);
  await page.waitForTimeout((TOKEN_TTL - 180) * 1000 + 500);
  const refreshed = await withClient(page, c => c.getAccessToken());
  assert.ok(refreshed && refreshed !== token, 'refreshed during the flood');
  // Whatever is still queued is delivered before this evaluation runs.
  await page.evaluate(() => new Promise(r => setTimeout(r, 500)));
  const memoryAfter = await page.evaluate(() => window.__memory());
  console.log(`# 200,000 hostile messages in ${Date.now() - started} ms; wasm memory ${memoryBefore} B before, ${memoryAfter} B after`);
  assert.equal(memoryAfter, memoryBefore, 'wasm memory did not grow');
  assert.equal(await withClient(page, c => c.getProfile()).then(p => p.email), 'flood@example.test');
  await context.close();
});
