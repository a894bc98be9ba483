// Direct mode end to end: the Backstage app of www/ signing in at oidc-provider itself
// (public client, PKCE, CORS), with no Backstage backend running, in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { EmbeddedJWK, SignJWT, calculateJwkThumbprint, createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { launch } from './harness/browser.mjs';
import { bundleReference } from './harness/app.mjs';
import { startStack, APP, BACKEND, IDP, IDP_STRICT } from '../www/stack.mjs';
import { loginIfAsked as login } from './harness/ui.mjs';

const root = new URL('../', import.meta.url);
const direct = readFileSync(new URL('pkg/direct.js', root));
let stack, browser, context;
/** What the providers print: one line per token grant. */
const idpLog = [];

before(async () => {
  stack = await startStack({ direct: true, strictIdp: true, log: line => idpLog.push(line) });
  browser = await launch();
  context = await browser.newContext();
  await context.route(`${APP}/e2e/direct.js`, route => route.fulfill({ body: direct, contentType: 'text/javascript' }));
  // @backstage/core-app-api 1.20.7's own OAuth2, to plug the connector into.
  const reference = await bundleReference();
  await context.route(`${APP}/e2e/reference.js`, route => route.fulfill({ body: reference, contentType: 'text/javascript' }));
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Runs `fn(connector, settle)` in the page with a connector from pkg/direct.js. */
const withConnector = (page, fn, extra = {}) =>
  page.evaluate(
    async ([fn, idp, app, extra]) => {
      const { createDirectAuthConnector } = await import('/e2e/direct.js');
      const connector = createDirectAuthConnector({ issuer: idp, clientId: 'backstage-direct', redirectUri: `${app}/direct-callback.html`, endSession: false, ...extra });
      const settle = p => p.then(v => ({ ok: v }), e => ({ err: { name: e.name, message: e.message, check: e.check } }));
      return new Function('connector', 'settle', `return (${fn})(connector, settle)`)(connector, settle);
    },
    [fn.toString(), IDP, APP, extra],
  );

/** A sign-in through the connector in `page`, answering the popup as `user`. */
async function connectorSignIn(page, user, fn, extra, ctx = context) {
  const [popup, result] = await Promise.all([
    ctx.waitForEvent('page').then(async p => (await login(p, user), p)),
    withConnector(page, fn, extra),
  ]);
  return { popup, result };
}

/** One interactive sign-in: `{ ok: true }`, or the error. */
const once = async (connector, settle) => {
  const r = await settle(connector.createSession({ scopes: new Set(['openid']) }));
  return r.err ? r : { ok: true };
};

const signInFn = async (connector, settle) => {
  const s = await settle(connector.createSession({ scopes: new Set(['openid', 'profile', 'email', 'offline_access']) }));
  if (s.err) return s;
  const r = await settle(connector.refreshSession({ scopes: new Set(['openid']) }));
  const plain = x => ({ accessToken: x.providerInfo.accessToken, idToken: x.providerInfo.idToken, scopes: [...x.providerInfo.scopes], identity: x.backstageIdentity.identity, profile: x.profile, expiresAt: x.providerInfo.expiresAt instanceof Date });
  return { first: plain(s.ok), refreshed: r.err ? r : plain(r.ok) };
};

test('signs in through the SignInPage with no Backstage backend in the path', async () => {
  const page = await context.newPage();
  const toBackend = [];
  page.on('request', r => r.url().startsWith(BACKEND) && toBackend.push(r.url()));
  const tokens = page.waitForResponse(r => r.url() === `${IDP}/token` && r.request().method() === 'POST');
  await page.goto(APP + '/');
  await page.getByText('Sign in with the demo OpenID Connect provider').waitFor();
  const [popup] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: /sign in/i }).click()]);
  await login(popup, 'carol');
  await page.getByTestId('user-entity-ref').filter({ hasText: 'user:default/carol' }).waitFor();
  assert.equal(await page.getByTestId('email').textContent(), 'carol@example.test');
  assert.deepEqual(toBackend, []);
  // What the app received is real: the ID token verifies against the IdP's keys, and the
  // access token is accepted by its userinfo endpoint.
  const body = await (await tokens).json();
  const { payload } = await jwtVerify(body.id_token, createRemoteJWKSet(new URL(`${IDP}/jwks`)), { issuer: IDP, audience: 'backstage-direct' });
  assert.equal(payload.sub, 'carol');
  const me = await fetch(`${IDP}/me`, { headers: { authorization: `Bearer ${body.access_token}` } });
  assert.equal(me.status, 200);
  await page.close();
});

test('a reload signs in again silently (prompt=none) from the provider session', async () => {
  const page = await context.newPage();
  const silent = page.waitForRequest(r => r.url().startsWith(`${IDP}/auth?`) && new URL(r.url()).searchParams.get('prompt') === 'none');
  await page.goto(APP + '/');
  await silent;
  await page.getByTestId('user-entity-ref').filter({ hasText: 'user:default/carol' }).waitFor();
  assert.equal(context.pages().length, 1, 'no popup');
  await page.close();
});

test('code + PKCE sign-in, then a refresh_token grant; both access tokens are accepted', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const { result } = await connectorSignIn(page, 'carol', signInFn);
  assert.equal(result.first.identity.userEntityRef, 'user:default/carol');
  assert.deepEqual(result.first.identity.ownershipEntityRefs, ['user:default/carol']);
  assert.equal(result.first.profile.email, 'carol@example.test');
  assert.ok(result.first.expiresAt);
  assert.notEqual(result.refreshed.accessToken, result.first.accessToken, 'a new access token from the refresh grant');
  for (const token of [result.first.accessToken, result.refreshed.accessToken]) {
    const me = await fetch(`${IDP}/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
  }
  await page.close();
});

test('50 concurrent refreshSession() calls on one connector share one token request and one result', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const grants = [];
  page.on('request', r => r.url() === `${IDP}/token` && grants.push(new URLSearchParams(r.postData() ?? '').get('grant_type')));
  const { result } = await connectorSignIn(page, 'erin', async (connector, settle) => {
    const signedIn = await settle(connector.createSession({ scopes: new Set(['openid', 'profile', 'email', 'offline_access']) }));
    if (signedIn.err) return signedIn;
    const scopes = new Set(['openid']);
    const all = await Promise.all(Array.from({ length: 50 }, () => settle(connector.refreshSession({ scopes }))));
    // Then one call like the 50 and two asking for more scopes at once: the wider ones
    // wait for the narrow one, then share one more refresh, with the rotated refresh token.
    const wider = new Set(['openid', 'email']);
    const [narrow, a, b] = await Promise.all([
      connector.refreshSession({ scopes }),
      connector.refreshSession({ scopes: wider }),
      connector.refreshSession({ scopes: wider }),
    ]);
    return {
      errors: all.filter(r => r.err).map(r => r.err),
      tokens: [...new Set(all.map(r => r.ok?.providerInfo.accessToken))].length,
      sameObject: all.every(r => r.ok === all[0].ok),
      wider: a === b && a.providerInfo.accessToken !== narrow.providerInfo.accessToken,
    };
  });
  assert.deepEqual(result, { errors: [], tokens: 1, sameObject: true, wider: true });
  console.log(`# 50 concurrent refreshSession() calls, then 1 + 2 wider: token requests ${JSON.stringify(grants)}`);
  // (The app's own page also signs in silently, an authorization_code grant of its own.)
  assert.equal(grants.filter(g => g === 'refresh_token').length, 3, 'one for the 50, one for the next call, one for the two wider ones');
  await page.close();
});

/** Answers the page's first refresh_token grant with `answer(route)`; every other request
 * reaches the provider. Returns how many were answered so. */
async function interceptFirstRefreshGrant(page, answer) {
  let seen = 0;
  await page.route(`${IDP}/token`, route => {
    if (seen === 0 && route.request().postData()?.includes('grant_type=refresh_token')) {
      seen += 1;
      return answer(route);
    }
    return route.continue();
  });
  return () => seen;
}

test('a provider out of reach during a refresh is an AuthConnectionError; the next refresh works', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const dropped = await interceptFirstRefreshGrant(page, route => route.abort('internetdisconnected'));
  const outage = async (connector, settle) => {
    const scopes = new Set(['openid', 'profile', 'email', 'offline_access']);
    const s = await settle(connector.createSession({ scopes }));
    if (s.err) return s;
    const down = await settle(connector.refreshSession({ scopes }));
    const up = await settle(connector.refreshSession({ scopes }));
    return { down: down.err, up: up.err ?? { fresh: up.ok.providerInfo.accessToken !== s.ok.providerInfo.accessToken } };
  };
  const { result } = await connectorSignIn(page, 'carol', outage);
  assert.equal(dropped(), 1);
  // The name Backstage's session managers (ours and the original) keep a session on.
  assert.equal(result.down?.name, 'AuthConnectionError', JSON.stringify(result));
  assert.match(result.down.message, /^Token refresh request failed, /);
  assert.deepEqual(result.up, { fresh: true }, 'the refresh token survived the outage');
  await page.close();
});

test('offline, a session without a refresh token is kept (AuthConnectionError), and refreshes silently once online', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/direct-callback.html');
  const [popup] = await Promise.all([
    context.waitForEvent('page'),
    page.evaluate(([idp, app]) => import('/e2e/direct.js').then(({ createDirectAuthConnector }) => {
      window.connector = createDirectAuthConnector({ issuer: idp, clientId: 'backstage-direct', redirectUri: `${app}/direct-callback.html`, endSession: false });
      // No offline_access: no refresh token, so a refresh is a prompt=none sign-in.
      window.first = window.connector.createSession({ scopes: new Set(['openid', 'profile']) });
    }), [IDP, APP]),
  ]);
  await login(popup, 'carol');
  const user = s => s.backstageIdentity.identity.userEntityRef;
  assert.equal(await page.evaluate(`window.first.then(${user})`), 'user:default/carol');
  const refresh = () =>
    page.evaluate(
      `window.connector.refreshSession({ scopes: new Set(['openid', 'profile']) }).then(${user}, e => e.name + ': ' + e.message)`,
    );
  await context.setOffline(true);
  const offline = await refresh().finally(() => context.setOffline(false));
  assert.equal(offline, 'AuthConnectionError: Silent sign-in request failed, the browser is offline');
  assert.equal(await refresh(), 'user:default/carol');
  await page.close();
});

test('a spent refresh token (invalid_grant) is dropped for a silent sign-in at the provider', async () => {
  const page = await context.newPage();
  // A page of the app's origin that does not boot the app, whose own sign-in check would
  // make a prompt=none request of its own.
  await page.goto(APP + '/direct-callback.html');
  const refused = await interceptFirstRefreshGrant(page, route =>
    route.fulfill({ status: 400, json: { error: 'invalid_grant', error_description: 'grant request is invalid' } }),
  );
  const silent = [];
  page.on('request', r => r.url().startsWith(`${IDP}/auth?`) && new URL(r.url()).searchParams.get('prompt') === 'none' && silent.push(r.url()));
  const spent = async (connector, settle) => {
    const scopes = new Set(['openid', 'profile', 'email', 'offline_access']);
    const s = await settle(connector.createSession({ scopes }));
    if (s.err) return s;
    const r = await settle(connector.refreshSession({ scopes: new Set(['openid', 'profile', 'email']) }));
    return r.err ?? { user: r.ok.backstageIdentity.identity.userEntityRef };
  };
  const { result } = await connectorSignIn(page, 'carol', spent);
  assert.equal(refused(), 1);
  assert.deepEqual(result, { user: 'user:default/carol' });
  assert.equal(silent.length, 1, 'one prompt=none sign-in in place of the refresh grant');
  await page.close();
});

test("Backstage's own OAuth2 (core-app-api 1.20.7) signs in and out with the connector", async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const withOriginal = async (connector, settle) => {
    const { OAuth2 } = await import('/e2e/reference.js');
    const api = OAuth2.create({ authConnector: connector, defaultScopes: ['openid', 'profile', 'email'] });
    const states = [];
    api.sessionState$().subscribe(s => states.push(s));
    const token = await settle(api.getAccessToken());
    if (token.err) return token;
    const identity = await api.getBackstageIdentity();
    const result = {
      accessToken: token.ok,
      idToken: await api.getIdToken(),
      userEntityRef: identity.identity.userEntityRef,
      expiresAt: identity.expiresAt instanceof Date,
      email: (await api.getProfile()).email,
    };
    await api.signOut();
    result.afterSignOut = await api.getAccessToken('openid', { optional: true });
    result.states = states;
    return result;
  };
  // The original tries refreshSession first, which the provider's session for carol
  // answers silently; a popup, if one opens all the same, is logged in.
  const answer = popup => login(popup, 'carol').catch(() => {});
  context.on('page', answer);
  const result = await withConnector(page, withOriginal).finally(() => context.off('page', answer));
  assert.equal(result.userEntityRef, 'user:default/carol', JSON.stringify(result.err));
  assert.equal(result.email, 'carol@example.test');
  assert.ok(result.expiresAt);
  assert.deepEqual(result.states, ['SignedOut', 'SignedIn', 'SignedOut']);
  assert.equal(result.afterSignOut, '', 'signed out: no silent sign-in from the provider session');
  const me = await fetch(`${IDP}/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
  assert.equal(me.status, 200);
  const { payload } = await jwtVerify(result.idToken, createRemoteJWKSet(new URL(`${IDP}/jwks`)), { issuer: IDP, audience: 'backstage-direct' });
  assert.equal(payload.sub, 'carol');
  // The sign-out outlives the page, as a cleared refresh cookie does; the next test's
  // interactive sign-in ends it.
  await page.reload();
  const refreshed = await withConnector(page, (connector, settle) => settle(connector.refreshSession({ scopes: new Set(['openid']) })));
  assert.equal(refreshed.err?.name, 'AuthenticationError');
  await page.close();
});

test('bad options and arguments become JS errors, never a dead wasm instance', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/direct-callback.html');
  const outcomes = await page.evaluate(async () => {
    const m = await import('/e2e/direct.js');
    const hostile = new Proxy({}, { get() { throw new Error('get'); }, has() { throw new Error('has'); } });
    const named = e => (e instanceof Error ? e.name : `non-Error ${typeof e}`);
    const create = o => { try { m.createDirectAuthConnector(o); return 'created'; } catch (e) { return named(e); } };
    const settle = p => p.then(() => 'resolved', named);
    const out = {
      create: [undefined, null, 42, 'x', [], {}, hostile, { clientId: 5, redirectUri: {}, issuer: [] }, { get clientId() { throw new Error('boom'); } }].map(create),
    };
    // URLs that do not parse, and every other option of the wrong type.
    const odd = m.createDirectAuthConnector({
      clientId: 'app', redirectUri: 'nope', issuer: 'nope', authorizationEndpoint: 'nope', tokenEndpoint: 'nope', jwksUri: 'nope',
      silentTimeoutMs: -1, clockSkewSeconds: 'x', identity: 7, flow: {}, profile: 9, endSession: 'yes',
    });
    out.calls = await Promise.all([
      odd.refreshSession(), odd.refreshSession(42), odd.refreshSession({ scopes: 5 }), odd.refreshSession({ scopes: hostile }),
      odd.createSession(null), odd.createSession({ scopes: new Set(['openid']) }), odd.removeSession(),
    ].map(settle));
    out.callback = m.handleDirectCallback();
    // The instance is alive: a good connector is still made.
    out.after = create({ clientId: 'app', redirectUri: location.origin + '/direct-callback.html', issuer: location.origin });
    return out;
  });
  assert.deepEqual(outcomes, {
    create: ['TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError', 'TypeError'],
    calls: ['TypeError', 'TypeError', 'TypeError', 'Error', 'TypeError', 'TypeError', 'resolved'],
    callback: false,
    after: 'created',
  });
  await page.close();
});

test('the profile can come from the userinfo endpoint', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const requests = [];
  page.on('request', r => r.url().startsWith(`${IDP}/me`) && requests.push(r.headers().authorization?.split(' ')[0]));
  const profileOf = async (connector, settle) => {
    const s = await settle(connector.createSession({ scopes: new Set(['openid', 'profile', 'email']) }));
    return s.err ?? s.ok.profile;
  };
  const { result } = await connectorSignIn(page, 'carol', profileOf, { profile: 'userinfo' });
  assert.deepEqual(result, { email: 'carol@example.test', displayName: 'carol', picture: undefined });
  assert.deepEqual(requests, ['Bearer']);
  // An answer whose claims have the wrong types is refused as a whole, as a typed error.
  await page.route(`${IDP}/me`, route => route.fulfill({ json: { sub: 'carol', email: 5, name: ['carol'] } }));
  const { result: refused } = await connectorSignIn(page, 'carol', profileOf, { profile: 'userinfo' });
  assert.equal(refused.name, 'AuthenticationError');
  assert.match(refused.message, /^Invalid userinfo answer: /);
  await page.close();
});

const b64 = s => Buffer.from(s, 'base64url').toString();
const enc = o => Buffer.from(JSON.stringify(o)).toString('base64url');

for (const [label, tamper, check] of [
  ['an ID token for another audience', ([h, p, s]) => [h, enc({ ...JSON.parse(b64(p)), aud: 'someone-else' }), s], 'aud'],
  ['an expired ID token', ([h, p, s]) => [h, enc({ ...JSON.parse(b64(p)), exp: Math.floor(Date.now() / 1000) - 3600 }), s], 'exp'],
  ['an ID token with a bad signature', ([h, p, s]) => [h, p, s.slice(0, -4) + (s.endsWith('AAAA') ? 'BBBB' : 'AAAA')], 'signature'],
]) {
  test(`rejects ${label}, naming the failed check`, async () => {
    const page = await context.newPage();
    await page.goto(APP + '/blank');
    await page.route(`${IDP}/token`, async route => {
      const response = await route.fetch();
      const body = await response.json();
      body.id_token = tamper(body.id_token.split('.')).join('.');
      await route.fulfill({ response, json: body });
    });
    const { result } = await connectorSignIn(page, 'carol', signInFn);
    assert.equal(result.err.name, 'IdTokenValidationError');
    assert.equal(result.err.check, check);
    await page.close();
  });
}

test('rejects a replayed authorization response (old code and state)', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  let first;
  const record = r => {
    if (r.url().startsWith(`${APP}/direct-callback.html?`)) first ??= new URL(r.url()).search;
  };
  context.on('request', record);
  const a = await connectorSignIn(page, 'carol', once);
  assert.deepEqual(a.result, { ok: true }, 'the first sign-in works');
  context.off('request', record);
  // The second sign-in's popup is answered with the first one's response.
  await context.route(`${IDP}/auth?*`, route =>
    route.fulfill({ status: 302, headers: { location: `${APP}/direct-callback.html${first}` } }),
  );
  const b = await withConnector(page, once);
  await context.unroute(`${IDP}/auth?*`);
  assert.equal(b.err?.name, 'AuthenticationError', JSON.stringify(b.err));
  assert.equal(b.err.check, 'state');
  await page.close();
});

test('signing out in one tab signs the other tabs out: with a JS connector sign-outs cross', async () => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const p of [a, b]) {
    await p.goto(APP + '/');
    await p.getByTestId('user-entity-ref').filter({ hasText: 'user:default/carol' }).waitFor();
  }
  const started = Date.now();
  await a.getByRole('button', { name: 'Sign out' }).click();
  // Tab A leaves for the provider's end-session page; tab B starts again, and the connector's
  // sign-out marker keeps it from signing back in silently.
  await b.getByText('Sign in with the demo OpenID Connect provider').waitFor({ timeout: 5000 });
  console.log(`# direct mode: tab B showed the sign-in page ${Date.now() - started} ms after Sign out in tab A`);
  await a.waitForURL(u => u.href.startsWith(`${IDP}/session/end`));
  await a.close();
  // An interactive sign-in lifts the sign-out again (the provider session was not ended).
  const [popup] = await Promise.all([context.waitForEvent('page'), b.getByRole('button', { name: /sign in/i }).click()]);
  await login(popup, 'carol');
  await b.getByTestId('user-entity-ref').filter({ hasText: 'user:default/carol' }).waitFor();
  await b.close();
});

test('sign-out ends the provider session (RP-initiated logout with id_token_hint)', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/');
  await page.getByTestId('user-entity-ref').filter({ hasText: 'user:default/carol' }).waitFor();
  const end = page.waitForRequest(r => r.url().startsWith(`${IDP}/session/end`));
  await page.getByRole('button', { name: 'Sign out' }).click();
  const url = new URL((await end).url());
  assert.ok(url.searchParams.get('id_token_hint'));
  assert.equal(url.searchParams.get('post_logout_redirect_uri'), `${APP}/`);
  await page.getByRole('button', { name: /yes, sign me out/i }).click();
  await page.waitForURL(`${APP}/`);
  await page.getByText('Sign in with the demo OpenID Connect provider').waitFor();
  await page.close();
});

/** The DPoP proofs `page` sends to the provider, as { url, method, proof, authorization }. */
function proofsOf(page) {
  const seen = [];
  page.on('request', r => {
    const h = r.headers();
    if (r.url().startsWith(IDP) && h.dpop) seen.push({ url: r.url(), method: r.method(), proof: h.dpop, authorization: h.authorization });
  });
  return seen;
}

/** Checks one proof as RFC 9449 4.3 asks a server to, and returns its claims. */
async function checkProof({ proof, url, method }, accessToken) {
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
  assert.deepEqual(Object.keys(protectedHeader.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'the public key only');
  assert.equal(payload.htm, method);
  assert.equal(payload.htu, url.split('?')[0]);
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 60);
  if (accessToken) assert.equal(payload.ath, createHash('sha256').update(accessToken).digest('base64url'));
  return { payload, jkt: await calculateJwkThumbprint(protectedHeader.jwk) };
}

/** A token request from outside the browser, with a proof of another key when `key` is
 * given (answering the provider's nonce demand once). */
async function tokenRequestFromOutside(refreshToken, key) {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'backstage-direct-dpop' });
  const send = async nonce => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    if (key) {
      const claims = { htm: 'POST', htu: `${IDP}/token`, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ...(nonce && { nonce }) };
      headers.dpop = await new SignJWT(claims).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: await exportJWK(key.publicKey) }).sign(key.privateKey);
    }
    return fetch(`${IDP}/token`, { method: 'POST', headers, body });
  };
  let response = await send();
  if (key && response.headers.get('dpop-nonce')) response = await send(response.headers.get('dpop-nonce'));
  return { status: response.status, body: await response.json() };
}

test('dpop: sign-in, refresh and userinfo with DPoP-bound tokens; the refresh token is refused without the key', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const proofs = proofsOf(page);
  const seen = await authorizationRequests(context, IDP);
  const answers = [];
  page.on('response', async r => r.url() === `${IDP}/token` && r.status() === 200 && answers.push(await r.json()));
  const grants = idpLog.length;
  const fn = async (connector, settle) => {
    const s = await settle(connector.createSession({ scopes: new Set(['openid', 'profile', 'email', 'offline_access']) }));
    if (s.err) return s;
    const r = await settle(connector.refreshSession({ scopes: new Set(['openid', 'profile', 'email', 'offline_access']) }));
    if (r.err) return r;
    // An app's own call to a DPoP-protected API: the proof, and once more with the nonce
    // the server asks for.
    const me = 'http://127.0.0.1:7011/me';
    const accessToken = r.ok.providerInfo.accessToken;
    const call = async nonce => {
      const proof = await connector.createDpopProof({ method: 'GET', url: me, accessToken, nonce });
      return fetch(me, { headers: { authorization: `DPoP ${accessToken}`, dpop: proof } });
    };
    let api = await call();
    const asked = api.status === 401 ? api.headers.get('dpop-nonce') : null;
    if (asked) api = await call(asked);
    return { profile: s.ok.profile, accessToken, refreshed: r.ok.providerInfo.accessToken !== s.ok.providerInfo.accessToken, api: api.status, me: await api.json(), asked: !!asked };
  };
  const { result } = await connectorSignIn(page, 'erin', fn, { clientId: 'backstage-direct-dpop', dpop: true, profile: 'userinfo' });
  assert.ok(!result.err, JSON.stringify(result.err));
  assert.equal(result.profile.email, 'erin@example.test', 'the profile from userinfo, called with a proof');
  assert.ok(result.refreshed);
  assert.deepEqual([result.api, result.me.sub], [200, 'erin'], 'createDpopProof made a proof the API accepts');
  console.log(`# dpop: the API asked createDpopProof's caller for a nonce: ${result.asked}`);

  // The provider saw and accepted a proof on each grant, and bound the tokens to the key.
  const granted = idpLog.slice(grants).filter(l => l.includes('grant '));
  assert.deepEqual(granted.map(l => l.replace(/^\[idp\] /, '')), ['grant authorization_code backstage-direct-dpop dpop', 'grant refresh_token backstage-direct-dpop dpop']);
  assert.deepEqual(answers.map(a => a.token_type), ['DPoP', 'DPoP']);
  const tokenProofs = proofs.filter(p => p.url === `${IDP}/token`);
  const checked = await Promise.all(tokenProofs.map(p => checkProof(p)));
  // The code exchange is refused once for want of a nonce and sent again with it; the
  // refresh uses the nonce it left.
  assert.deepEqual(checked.map(({ payload }) => !!payload.nonce), [false, true, true]);
  assert.equal(new Set(checked.map(({ payload }) => payload.jti)).size, tokenProofs.length, 'a new jti on every proof');
  const jkts = new Set(checked.map(({ jkt }) => jkt));
  assert.equal(jkts.size, 1, 'one key for the whole session');
  const userinfo = proofs.filter(p => p.url === `${IDP}/me` && p.authorization?.startsWith('DPoP '));
  assert.ok(userinfo.length >= 1, 'userinfo was called with the DPoP scheme and a proof');
  await checkProof(userinfo.at(-1), userinfo.at(-1).authorization.slice(5));
  const [jkt] = jkts;
  assert.equal(seen.front[0].searchParams.get('dpop_jkt'), jkt, 'the code is bound to the same key (RFC 9449 10)');

  // Stolen tokens are useless without the key: the access token as a bearer token, and the
  // refresh token replayed without a proof or with another key's.
  const bearer = await fetch(`${IDP}/me`, { headers: { authorization: `Bearer ${result.accessToken}` } });
  assert.equal(bearer.status, 401, 'a DPoP-bound access token is refused as a bearer token');
  const refreshToken = answers.at(-1).refresh_token;
  assert.ok(refreshToken, 'the provider issued a refresh token');
  const bare = await tokenRequestFromOutside(refreshToken);
  assert.equal(bare.status, 400, JSON.stringify(bare.body));
  const otherKey = await generateKeyPair('ES256');
  const foreign = await tokenRequestFromOutside(refreshToken, otherKey);
  assert.equal(foreign.status, 400, JSON.stringify(foreign.body));
  console.log(`# dpop: the refresh token replayed without the key: ${bare.body.error}; with another key: ${foreign.body.error}`);
  await seen.stop();
  await page.close();
});

test('dpop: a connector without the option is refused by a client that requires DPoP', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const { result } = await connectorSignIn(page, 'erin', once, { clientId: 'backstage-direct-dpop' });
  assert.equal(result.err?.name, 'AuthenticationError', JSON.stringify(result));
  const without = await withConnector(page, async connector => connector.createDpopProof({ method: 'GET', url: 'http://x/' }).then(() => 'made', e => e.name));
  assert.equal(without, 'TypeError', 'createDpopProof needs dpop: true');
  await page.close();
});

test("rejects an authorization response whose iss is another provider's (RFC 9207), naming the check", async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  // A first sign-in leaves a provider session and consent, so that the next authorization
  // request is answered at once with a redirect to the callback.
  assert.deepEqual((await connectorSignIn(page, 'carol', once)).result, { ok: true });
  // That redirect, with `iss` changed on the way (Playwright does not route a redirected
  // request itself).
  const sent = [];
  const rewrite = async route => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers().location;
    if (!location?.startsWith(`${APP}/direct-callback.html?`)) return route.fulfill({ response });
    const url = new URL(location);
    sent.push(url.searchParams.get('iss'));
    url.searchParams.set('iss', 'http://127.0.0.1:7099');
    return route.fulfill({ response, headers: { ...response.headers(), location: url.href } });
  };
  await context.route(`${IDP}/auth?*`, rewrite);
  const { result } = await connectorSignIn(page, 'carol', once);
  await context.unroute(`${IDP}/auth?*`, rewrite);
  // (The app's own page behind /blank may sign in silently meanwhile: its answer is rewritten too.)
  assert.ok(sent.length >= 1 && sent.every(iss => iss === IDP), `oidc-provider sent its iss, rewritten on the way: ${sent}`);
  assert.equal(result.err?.name, 'AuthenticationError', JSON.stringify(result));
  assert.equal(result.err.check, 'iss');
  await page.close();
});

/** The authorization requests the sign-in windows of `ctx` open at `idp` (seen by a route:
 * a popup's first navigation fires no request event), and the pushed ones. */
async function authorizationRequests(ctx, idp) {
  const seen = { front: [], pushed: [] };
  await ctx.route(`${idp}/auth?*`, route => {
    const url = new URL(route.request().url());
    // The app's page behind /blank signs in silently (prompt=none) in a frame of its own.
    if (url.searchParams.get('prompt') !== 'none') seen.front.push(url);
    return route.continue();
  });
  ctx.on('request', r => {
    if (r.url() === `${idp}/request` && r.method() === 'POST') seen.pushed.push(new URLSearchParams(r.postData() ?? ''));
  });
  seen.stop = () => ctx.unroute(`${idp}/auth?*`);
  return seen;
}

const signInOnce = async (connector, settle) => {
  const s = await settle(connector.createSession({ scopes: new Set(['openid', 'profile', 'email']) }));
  return s.err ? s : { user: s.ok.backstageIdentity.identity.userEntityRef };
};

test('par: true pushes the authorization request; the window carries only client_id and request_uri', async () => {
  const page = await context.newPage();
  await page.goto(APP + '/blank');
  const seen = await authorizationRequests(context, IDP);
  const { result } = await connectorSignIn(page, 'frank', signInOnce, { par: true });
  assert.match(result.user, /^user:default\//);
  assert.deepEqual([...seen.front[0].searchParams.keys()], ['client_id', 'request_uri']);
  assert.match(seen.front[0].searchParams.get('request_uri'), /^urn:ietf:params:oauth:request_uri:/);
  const pushed = seen.pushed[0];
  assert.equal(pushed.get('code_challenge_method'), 'S256');
  assert.ok(pushed.get('state') && pushed.get('nonce') && pushed.get('code_challenge'));
  await seen.stop();
  await page.close();
});

test('a provider that requires PAR gets pushed requests without the option, and sign-in works', async () => {
  const ctx = await browser.newContext();
  await ctx.route(`${APP}/e2e/direct.js`, route => route.fulfill({ body: direct, contentType: 'text/javascript' }));
  const page = await ctx.newPage();
  await page.goto(APP + '/blank');
  const discovery = await (await fetch(`${IDP_STRICT}/.well-known/openid-configuration`)).json();
  assert.equal(discovery.require_pushed_authorization_requests, true);
  const seen = await authorizationRequests(ctx, IDP_STRICT);
  const { result } = await connectorSignIn(page, 'grace', signInOnce, { issuer: IDP_STRICT }, ctx);
  assert.deepEqual(result, { user: 'user:default/grace' });
  assert.equal(seen.pushed.length, 1);
  assert.deepEqual([...seen.front[0].searchParams.keys()], ['client_id', 'request_uri']);
  await ctx.close();
});

test('full-page redirect flow: leaves for the provider, completes when the app loads again', async () => {
  await stack.stop();
  stack = await startStack({ direct: true, flow: 'redirect' });
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(APP + '/');
  await page.getByText('Sign in with the demo OpenID Connect provider').waitFor();
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL(u => u.href.startsWith(IDP));
  assert.equal(ctx.pages().length, 1, 'no popup: the page itself went to the provider');
  await login(page, 'dave');
  await page.getByTestId('user-entity-ref').filter({ hasText: 'user:default/dave' }).waitFor();
  const back = new URL(page.url());
  assert.equal(back.search, '', 'code and state are taken off the address bar');
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the one-time values are consumed');
  await ctx.close();
});
