// End to end on the new frontend system: the app of www/packages/app-next (createApp from
// @backstage/frontend-defaults, sign-in wired by an ApiBlueprint and a SignInPageBlueprint
// in an app module), built by the stock backstage-cli, against the same real Backstage auth
// backend and oidc-provider as the legacy app's suite.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness/browser.mjs';
import { startStack, APP, BACKEND } from '../www/stack.mjs';
import { openTabs, recordAuthRequests, showsUser, signInThroughTheUi, SIGN_IN_TEXT, clickSignIn } from './harness/ui.mjs';

let stack, browser, context;

before(async () => {
  stack = await startStack({ app: 'app-next', tokenTtl: 190 });
  browser = await launch();
  context = await browser.newContext();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('signs in through the SignInPageBlueprint page with a real login and consent', async () => {
  const page = await context.newPage();
  const requests = recordAuthRequests(page);
  await signInThroughTheUi(page, 'dana');
  assert.equal(await page.getByTestId('email').textContent(), 'dana@example.test');
  assert.deepEqual(requests.map(r => `${r.method} ${r.path}`).slice(0, 1), ['GET /refresh']);
  await page.screenshot({ path: new URL('../docs/demo-next-signed-in.png', import.meta.url).pathname });
  await page.close();
});

test('a reload restores the session silently from /refresh', async () => {
  const page = await context.newPage();
  const requests = recordAuthRequests(page);
  const popups = [];
  context.on('page', p => popups.push(p));
  await page.goto(APP + '/');
  await showsUser(page, 'dana');
  assert.ok(requests.every(r => r.path === '/refresh'), 'no /start');
  assert.equal(popups.length, 0);
  // The Backstage token the app holds is accepted by the backend.
  const token = await page.evaluate(async backend => {
    const r = await fetch(`${backend}/api/auth/oauth2/refresh?optional&env=development`, { credentials: 'include', headers: { 'x-requested-with': 'XMLHttpRequest' } });
    return (await r.json()).backstageIdentity.token;
  }, BACKEND);
  const me = await fetch(`${BACKEND}/api/auth/v1/userinfo`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal((await me.json()).claims.sub, 'user:default/dana');
  await page.close();
});

test('one session for every tab: sign-out in tab A shows tab B the sign-in page, sign-in in A signs B in', async () => {
  const [a, b] = await openTabs(context, 2, 'dana');
  const started = Date.now();
  await a.getByRole('button', { name: 'Sign out' }).click();
  await b.getByText(SIGN_IN_TEXT).waitFor({ timeout: 2000 });
  console.log(`# new frontend system: tab B showed the sign-in page ${Date.now() - started} ms after Sign out in tab A`);
  await a.getByText(SIGN_IN_TEXT).waitFor();
  await signInThroughTheUi(a, 'dana');
  assert.deepEqual(await clickSignIn(b, 'dana'), { popups: [], starts: 0 }, 'no popup, no /start in tab B');
  await a.close();
  await b.close();
});

test('sign-out clears the session and the refresh cookie; a reload stays signed out', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/');
  await showsUser(page, 'dana');
  const requests = recordAuthRequests(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText(SIGN_IN_TEXT).waitFor();
  assert.ok(requests.some(r => r.method === 'POST' && r.path === '/logout'));
  const cookies = await context.cookies(BACKEND + '/api/auth/oauth2/refresh');
  assert.equal(cookies.find(c => c.name === 'oauth2-refresh-token'), undefined);
  await page.reload();
  await page.getByText(SIGN_IN_TEXT).waitFor();
  await page.close();
});
