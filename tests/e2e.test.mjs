// End to end, nothing mocked: the Backstage app of www/ (built by the stock backstage-cli,
// consuming the packed package), a real Backstage auth backend with the generic OAuth2
// provider, and oidc-provider as the identity provider, all on loopback, driven through the
// real SignInPage in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { launch } from './harness/browser.mjs';
import { startStack, APP, BACKEND, IDP } from '../www/stack.mjs';
import { openTabs, recordAuthRequests, signInThroughTheUi, clickSignIn } from './harness/ui.mjs';

// Just over the 180-second margin: a token is fresh for 10 s, then due for refresh.
const TOKEN_TTL = 190;
const root = new URL('../', import.meta.url);
const pkg = readFileSync(new URL('pkg/index.js', root));
let stack, browser, context;
const logs = [];

before(async () => {
  stack = await startStack({ tokenTtl: TOKEN_TTL, log: line => logs.push(line) });
  browser = await launch();
  context = await browser.newContext();
  // The package itself, served on the app's origin, for calls the app's UI does not make.
  await context.route(`${APP}/e2e/backstage-oauth2-wasm.js`, route =>
    route.fulfill({ body: pkg, contentType: 'text/javascript' }),
  );
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A second client from the package in the page, against the same backend and cookie. */
const withClient = (page, fn, arg) =>
  page.evaluate(
    async ([fn, arg, backend]) => {
      const { OAuth2 } = await import('/e2e/backstage-oauth2-wasm.js');
      window.__client ??= OAuth2.create({
        discoveryApi: { getBaseUrl: async id => `${backend}/api/${id}` },
        oauthRequestApi: { createAuthRequester: () => () => Promise.reject(new Error('no dialog in this test')) },
        defaultScopes: ['openid', 'profile', 'email', 'offline_access'],
      });
      return new Function('client', 'arg', `return (${fn})(client, arg)`)(window.__client, arg);
    },
    [fn.toString(), arg, BACKEND],
  );

test('signs in through the SignInPage popup with a real login and consent', async () => {
  const page = await context.newPage();
  const requests = recordAuthRequests(page);
  await signInThroughTheUi(page, 'alice');
  assert.equal(await page.getByTestId('email').textContent(), 'alice@example.test');
  assert.equal(await page.getByTestId('ownership').textContent(), 'user:default/alice');
  assert.deepEqual(requests.map(r => `${r.method} ${r.path}`).slice(0, 1), ['GET /refresh']);
  mkdirSync(new URL('docs/', root), { recursive: true });
  await page.screenshot({ path: new URL('docs/demo-signed-in.png', root).pathname });
  await page.close();
});

test('reload restores the session silently, and every token is real', async () => {
  const page = await context.newPage();
  const requests = recordAuthRequests(page);
  const refreshed = page.waitForResponse(r => r.url().startsWith(`${BACKEND}/api/auth/oauth2/refresh`) && r.status() === 200);
  await page.goto(APP + '/');
  const body = await (await refreshed).json();
  await page.getByTestId('user-entity-ref').filter({ hasText: 'user:default/alice' }).waitFor();
  assert.ok(requests.every(r => r.path === '/refresh'), 'no popup, no /start');

  // The access token is accepted by the IdP's userinfo endpoint.
  const userinfo = await fetch(`${IDP}/me`, { headers: { authorization: `Bearer ${body.providerInfo.accessToken}` } });
  assert.equal(userinfo.status, 200);
  assert.equal((await userinfo.json()).sub, 'alice');
  // The ID token verifies against the IdP's keys.
  const jwks = createRemoteJWKSet(new URL(`${IDP}/jwks`));
  const { payload } = await jwtVerify(body.providerInfo.idToken, jwks, { issuer: IDP, audience: 'backstage-demo' });
  assert.equal(payload.sub, 'alice');
  // The Backstage token is accepted by the backend.
  const me = await fetch(`${BACKEND}/api/auth/v1/userinfo`, { headers: { authorization: `Bearer ${body.backstageIdentity.token}` } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).claims.sub, 'user:default/alice');
  await page.close();
});

test('50 concurrent calls make one /refresh', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/');
  await page.getByTestId('user-entity-ref').filter({ hasText: 'user:default/alice' }).waitFor();
  const requests = recordAuthRequests(page);
  const tokens = await withClient(page, client => Promise.all(Array.from({ length: 50 }, () => client.getAccessToken())));
  assert.equal(new Set(tokens).size, 1);
  assert.equal(requests.filter(r => r.path === '/refresh').length, 1);
  await page.close();
});

test('a token within three minutes of expiry is refreshed before use', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/');
  await page.getByTestId('user-entity-ref').waitFor();
  const first = await withClient(page, client => client.getAccessToken());
  const requests = recordAuthRequests(page);
  assert.equal(await withClient(page, client => client.getAccessToken()), first, 'fresh: served from memory');
  assert.equal(requests.length, 0);
  await page.waitForTimeout((TOKEN_TTL - 180) * 1000 + 500);
  const second = await withClient(page, client => client.getAccessToken());
  assert.notEqual(second, first);
  assert.deepEqual(requests.map(r => r.path), ['/refresh']);
  const userinfo = await fetch(`${IDP}/me`, { headers: { authorization: `Bearer ${second}` } });
  assert.equal(userinfo.status, 200);
  await page.close();
});

test('a second tab waits for the refresh lock the first tab holds', async () => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await a.goto(APP + '/');
  await b.goto(APP + '/');
  await b.getByTestId('user-entity-ref').waitFor();
  const lock = `backstage-auth-refresh:${BACKEND}/api/auth/oauth2/refresh`;
  await a.evaluate(name => {
    const release = () => new Promise(r => setTimeout(() => r((window.__released = Date.now())), 1500));
    return new Promise(held => navigator.locks.request(name, () => (held(), release())));
  }, lock);
  const requests = recordAuthRequests(b);
  await withClient(b, client => client.getAccessToken());
  const refresh = requests.find(r => r.path === '/refresh');
  assert.ok(refresh, 'tab B refreshed');
  // Same machine clock: B's request can only be seen after A let the lock go.
  const released = await a.evaluate(() => window.__released);
  assert.ok(released && refresh.at >= released, `tab B's /refresh waited for tab A's lock (${refresh.at - released} ms after)`);
  await a.close();
  await b.close();
});

test("closing the popup shows Backstage's error", async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(APP + '/');
  await page.getByText('Sign in with the demo OpenID Connect provider').waitFor();
  const [popup] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: /sign in/i }).click()]);
  await popup.close();
  await page.getByText('Login failed, popup was closed').waitFor();
  await page.context().close();
});

/** Refresh-token grants the backend's client has made at the IdP so far. */
const grants = () => logs.filter(l => l === '[idp] grant refresh_token backstage-demo').length;

test('five tabs share one /refresh and one refresh-token grant at the IdP, also near expiry', async () => {
  const pages = await openTabs(context, 5, 'alice');
  // A client of the package in each tab besides the app's, for calls the UI does not make;
  // each signs in from the cookie, and every tab takes the newest session from the others.
  for (const p of pages) await withClient(p, client => client.getAccessToken());
  const requests = pages.map(recordAuthRequests);
  const before = grants();
  const tokens = await Promise.all(pages.map(p => withClient(p, client => client.getAccessToken())));
  assert.equal(new Set(tokens).size, 1);
  assert.equal(requests.flat().length, 0, 'fresh: every tab serves it from memory');
  // Every tab's session enters the refresh window at the same moment.
  await pages[0].waitForTimeout((TOKEN_TTL - 180) * 1000 + 500);
  const due = await Promise.all(pages.map(p => withClient(p, client => client.getAccessToken())));
  await pages[0].waitForTimeout(500); // the IdP's log lines arrive through a pipe
  const refreshes = requests.flat().filter(r => r.path === '/refresh').length;
  const granted = grants() - before;
  console.log(`# 5 tabs near expiry: ${refreshes} /refresh at the backend, ${granted} refresh-token grant(s) at the IdP`);
  const detail = JSON.stringify(requests.map(r => r.map(x => `${x.method} ${x.path} @${x.at % 100000}`)));
  assert.equal(refreshes, 1, detail);
  assert.equal(granted, 1, detail);
  assert.equal(new Set(due).size, 1, 'every tab got the refreshed token');
  assert.notEqual(due[0], tokens[0]);
  const userinfo = await fetch(`${IDP}/me`, { headers: { authorization: `Bearer ${due[0]}` } });
  assert.equal(userinfo.status, 200);
  for (const p of pages) await p.close();
});

test('signing out in tab A shows tab B the sign-in page within 2 s, and B answers signed out', async () => {
  const [a, b] = await openTabs(context, 2, 'alice');
  const bRequests = recordAuthRequests(b);
  const started = Date.now();
  await a.getByRole('button', { name: 'Sign out' }).click();
  await b.getByText('Sign in with the demo OpenID Connect provider').waitFor({ timeout: 2000 });
  console.log(`# tab B showed the sign-in page ${Date.now() - started} ms after the click on Sign out in tab A`);
  assert.equal(await withClient(b, client => client.getAccessToken(undefined, { optional: true })), '');
  assert.equal(await withClient(b, client => client.getBackstageIdentity({ optional: true })), undefined);
  assert.ok(bRequests.every(r => r.path === '/refresh'), 'B only asked whether a session exists: no /start');
  await a.getByText('Sign in with the demo OpenID Connect provider').waitFor();
  await a.close();
  await b.close();
});

test('signing in in tab A signs tab B in: its Sign in button needs no popup', async () => {
  const [a, b] = await openTabs(context, 2, null);
  await signInThroughTheUi(a, 'alice');
  assert.deepEqual(await clickSignIn(b, 'alice'), { popups: [], starts: 0 }, 'no popup, no /start in tab B');
  await a.close();
  await b.close();
});

test('sign-out clears the session and the refresh cookie', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/');
  await page.getByTestId('user-entity-ref').filter({ hasText: 'user:default/alice' }).waitFor();
  const requests = recordAuthRequests(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('Sign in with the demo OpenID Connect provider').waitFor();
  assert.ok(requests.some(r => r.method === 'POST' && r.path === '/logout'));
  const cookies = await context.cookies(BACKEND + '/api/auth/oauth2/refresh');
  assert.equal(cookies.find(c => c.name === 'oauth2-refresh-token'), undefined);
  await page.reload();
  await page.getByText('Sign in with the demo OpenID Connect provider').waitFor();
  await page.close();
});
