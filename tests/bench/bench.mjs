// The benchmark: our wasm client and @backstage/core-app-api 1.20.7's OAuth2 side by side,
// same headless Chromium, same scripted backend, same run. Prints a table with targets
// and writes build/bench.json. Timings are only ever printed, never asserted.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { build } from 'esbuild';
import { startBackend } from '../harness/backend.mjs';
import { startApp } from '../harness/app.mjs';
import { launch } from '../harness/browser.mjs';
import { refreshesForTabs } from '../harness/tabs.mjs';
import { startStack, APP, BACKEND, IDP } from '../../www/stack.mjs';
import { SIGN_IN_TEXT, loginIfAsked, showsUser } from '../harness/ui.mjs';

const root = new URL('../../', import.meta.url);
const quick = process.argv.includes('--quick');
const CALLS = quick ? 2000 : 10000;
const ROUNDS = quick ? 3 : 7;

const gz = b => gzipSync(b, { level: 9 }).length;
const br = b => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function originalSize(external) {
  const out = await build({
    stdin: {
      contents: "export { default as OAuth2 } from './node_modules/@backstage/core-app-api/dist/apis/implementations/auth/oauth2/OAuth2.esm.js';",
      resolveDir: new URL('tests/', root).pathname,
    },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    external,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const text = Buffer.from(out.outputFiles[0].contents);
  return { bytes: text.length, gzip: gz(text), brotli: br(text) };
}

const shipped = readFileSync(new URL('pkg/index.js', root));
const sizes = {
  ours: { bytes: shipped.length, gzip: gz(shipped), brotli: br(shipped) },
  originalWithoutZen: await originalSize(['@backstage/core-plugin-api', 'zen-observable']),
  originalWithZen: await originalSize(['@backstage/core-plugin-api']),
};

/** A page that loads one client the way an app's page does, from navigation start: the
 * module fetched and evaluated, `create()`, the first `getBackstageIdentity()`. With `?beat`, a
 * MessageChannel ping-pong runs meanwhile: the gaps between its tasks are the main thread
 * being blocked. The ping-pong competes with the load, so the timings come from loads
 * without it, and the blocking from loads with it. */
const coldLoadPage = (moduleUrl, backendOrigin) => `<!doctype html><meta charset="utf-8"><title>cold load</title>
<script type="module">
const beats = [];
let beating = new URLSearchParams(location.search).has('beat');
const channel = new MessageChannel();
channel.port1.onmessage = () => { beats.push(performance.now()); if (beating) channel.port2.postMessage(0); };
if (beating) channel.port2.postMessage(0);
const longTasks = [];
try { new PerformanceObserver(l => longTasks.push(...l.getEntries().map(e => e.duration))).observe({ type: 'longtask', buffered: true }); } catch {}
const scriptStart = performance.now();
const mod = await import(${JSON.stringify(moduleUrl)});
const imported = performance.now();
const api = mod.OAuth2.create({
  discoveryApi: { getBaseUrl: async id => ${JSON.stringify(backendOrigin)} + '/api/' + id },
  oauthRequestApi: { createAuthRequester: () => () => Promise.reject(new Error('unused')) },
  configApi: { getOptionalBoolean: () => undefined },
  defaultScopes: ['openid'],
});
await api.getBackstageIdentity({ optional: true });
const first = performance.now();
beating = false;
const resource = performance.getEntriesByName(new URL(${JSON.stringify(moduleUrl)}, location.href).href)[0];
let longest = 0, blocked = 0;
for (let i = 1; i < beats.length; i++) {
  const gap = beats[i] - beats[i - 1];
  if (beats[i] > first) break;
  longest = Math.max(longest, gap);
  if (gap > 5) blocked += gap;
}
window.coldLoad = { scriptStart, fetch: resource ? resource.responseEnd - resource.startTime : NaN, fetched: resource?.responseEnd ?? NaN, imported, first, longest, blocked, longTasks: longTasks.length };
</script>`;

/** A page of the app's origin that loads direct.js as an app does, with the connector
 * options of `?options=`: from navigation start, the module fetched and evaluated, then
 * `refreshSession()` (with `&signIn`, an interactive `createSession()` instead). */
const directLoadPage = `<!doctype html><meta charset="utf-8"><title>direct cold load</title>
<script type="module">
const query = new URLSearchParams(location.search);
const options = JSON.parse(query.get('options'));
try {
  const { createDirectAuthConnector } = await import('/bench/direct.js');
  const imported = performance.now();
  const connector = createDirectAuthConnector({ issuer: ${JSON.stringify(IDP)}, redirectUri: location.origin + '/direct-callback.html', endSession: false, ...options });
  const scopes = new Set(['openid', 'profile', 'email']);
  await (query.has('signIn') ? connector.createSession({ scopes }) : connector.refreshSession({ scopes }));
  const refreshed = performance.now();
  const resource = performance.getEntriesByName(new URL('/bench/direct.js', location.href).href)[0];
  window.directLoad = { fetch: resource ? resource.responseEnd - resource.startTime : NaN, fetched: resource?.responseEnd ?? NaN, imported, refreshed };
} catch (e) {
  window.directLoad = { error: String(e?.name) + ': ' + String(e?.message) };
}
</script>`;

const backend = await startBackend();
const app = await startApp(backend.origin, {
  '/bench/load-wasm.html': ['text/html', () => coldLoadPage('/pkg/index.js', backend.origin)],
  '/bench/load-js.html': ['text/html', () => coldLoadPage('/reference.js', backend.origin)],
  '/bench/page.js': ['text/javascript', () => readFileSync(new URL('tests/bench/page.js', root))],
  '/bench/unlzma.js': ['text/javascript', () => readFileSync(new URL('scripts/unlzma.js', root))],
  '/bench/shipped.wasm': ['application/wasm', () => readFileSync(new URL('build/index.wasm', root))],
  '/bench/shipped.wasm.lzma': ['application/octet-stream', () => readFileSync(new URL('build/index.wasm.lzma', root))],
  '/bench/direct.wasm': ['application/wasm', () => readFileSync(new URL('build/direct.wasm', root))],
  '/bench/direct.wasm.lzma': ['application/octet-stream', () => readFileSync(new URL('build/direct.wasm.lzma', root))],
});
const browser = await launch(['--js-flags=--expose-gc', '--enable-precise-memory-info']);
const context = await browser.newContext();
const page = await context.newPage();

async function fresh(script = {}) {
  backend.reset();
  Object.assign(backend.script, script);
  await context.clearCookies();
  await page.goto(app.origin + '/');
  await page.waitForFunction('window.ready === true');
}
const inPage = (fn, arg) => page.evaluate(async ([fn, arg]) => (await import('/bench/page.js'))[fn](...arg), [fn, arg]);

const results = { sizes, runAt: new Date().toISOString(), calls: CALLS, rounds: ROUNDS };
const impls = ['wasm', 'js'];

results.coldStart = {};
for (const impl of impls) {
  const runs = [];
  for (let i = 0; i < 7; i++) {
    backend.reset();
    await page.goto(app.origin + '/blank');
    runs.push(await inPage('coldStart', [impl, backend.origin]));
  }
  results.coldStart[impl] = { importMs: median(runs.map(r => r.importMs)), firstCallMs: median(runs.map(r => r.firstCallMs)) };
}
// Cold loads as a page does them, alternating ours and the original, each in a new page.
const LOADS = quick ? 5 : 11;
const loads = { wasm: [], js: [] };
const beats = { wasm: [], js: [] };
for (let i = 0; i < LOADS; i++) {
  for (const impl of impls) {
    for (const [into, query] of [[loads, ''], [beats, '?beat']]) {
      backend.reset();
      await page.goto(`${app.origin}/bench/load-${impl}.html${query}`);
      into[impl].push(await page.waitForFunction('window.coldLoad').then(h => h.jsonValue()));
    }
  }
}
// The wasm's own steps, cold: each in a new page, decoded, compiled and instantiated once.
const steps = [];
for (let i = 0; i < LOADS; i++) {
  await page.goto(app.origin + '/blank');
  steps.push(await inPage('wasmAlone', [1]));
}
const directSteps = [];
for (let i = 0; i < LOADS; i++) {
  await page.goto(app.origin + '/blank');
  directSteps.push(await inPage('wasmAlone', [1, 'direct']));
}
const spread = xs => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });
results.coldLoad = {};
for (const impl of impls) {
  const l = loads[impl];
  results.coldLoad[impl] = {
    fetch: spread(l.map(x => x.fetch)),
    evaluate: spread(l.map(x => x.imported - x.fetched)),
    firstCall: spread(l.map(x => x.first - x.imported)),
    fromNavigation: spread(l.map(x => x.first)),
    longestTask: spread(beats[impl].map(x => x.longest)),
    blocked: spread(beats[impl].map(x => x.blocked)),
    longTasks: spread(beats[impl].map(x => x.longTasks)),
  };
}
results.coldLoad.wasmSteps = {
  decode: spread(steps.map(s => s.decodeFirstMs)),
  compile: spread(steps.map(s => s.compileMs)),
  instantiate: spread(steps.map(s => s.instantiateMs)),
};
results.direct = {
  steps: {
    decode: spread(directSteps.map(s => s.decodeFirstMs)),
    compile: spread(directSteps.map(s => s.compileMs)),
    instantiate: spread(directSteps.map(s => s.instantiateMs)),
  },
};

await fresh();
results.wasmAlone = await inPage('wasmAlone', []);

await fresh();
results.cached = await inPage('cachedCalls', [CALLS, ROUNDS]);

results.collapse = {};
for (const impl of impls) {
  await fresh({ popupOver: { expiresInSeconds: 100 }, refreshDelayMs: 20 });
  results.collapse[impl] = await inPage('collapse', [impl, 1000]);
}

// One session for every tab (crossTab): /refresh requests when N tabs all need a token
// while their session is due, ours against the original (which refreshes in every tab).
results.tabs = {};
for (const n of [1, 5, 20]) {
  results.tabs[n] = {};
  for (const impl of impls) results.tabs[n][impl] = (await refreshesForTabs({ browser, backend, origin: app.origin }, n, impl)).count;
}

results.memory = {};
for (const impl of impls) {
  await fresh();
  results.memory[impl] = await inPage('memory', [
    impl,
    quick
      ? { calls: 20000, cycles: 200, warmCalls: 2000, warmCycles: 30 }
      : { calls: 100000, cycles: 1000, warmCalls: 10000, warmCycles: 100 },
  ]);
}

await app.close();
await backend.close();

// The stock Backstage app of www/ (built with this package), signed out, as a person opens
// it: from navigation start to the sign-in page's session check answering (its /refresh
// response), and to the sign-in button on screen. Ours only: the app is built with ours.
{
  const stack = await startStack();
  const times = { check: [], button: [] };
  try {
    for (let i = 0; i < LOADS; i++) {
      const ctx = await browser.newContext();
      const p = await ctx.newPage();
      await p.goto(APP + '/');
      await p.getByText(SIGN_IN_TEXT).waitFor();
      const shown = await p.evaluate(() => performance.now());
      const check = await p.evaluate(url => performance.getEntriesByType('resource').find(e => e.name.startsWith(url))?.responseEnd, `${BACKEND}/api/auth/oauth2/refresh`);
      times.check.push(check);
      times.button.push(shown);
      await ctx.close();
    }
  } finally {
    await stack.stop();
  }
  results.app = { sessionCheck: spread(times.check), signInPage: spread(times.button) };
}

// Direct mode (pkg/direct.js), against the IdP itself with no backend, as an app loads it on
// every page: each load is a new page that imports the entry, creates the connector and
// calls refreshSession(). No refresh token outlives a page, so that first refresh is a
// silent sign-in: discovery, a hidden prompt=none iframe, the code exchange, the JWKS and
// the ID token's signature (with dpop: true, also the key pair and the provider's nonce
// round trip). Then the stock app of www/ in direct mode, signed in, reloaded. There is no
// 1.20.7 counterpart: its OAuth2 has no direct mode.
{
  const stack = await startStack({
    direct: true,
    pages: {
      '/bench/direct.js': ['text/javascript', readFileSync(new URL('pkg/direct.js', root))],
      '/bench/direct-load.html': ['text/html', directLoadPage],
    },
  });
  const ctx = await browser.newContext();
  const clients = { plain: { clientId: 'backstage-direct' }, dpop: { clientId: 'backstage-direct-dpop', dpop: true } };
  const loadsOf = {};
  try {
    // The stock app first: signed in once through its sign-in page, then reloaded.
    const first = await ctx.newPage();
    await first.goto(APP + '/');
    await first.getByText(SIGN_IN_TEXT).waitFor();
    const [popup] = await Promise.all([ctx.waitForEvent('page'), first.getByRole('button', { name: /sign in/i }).click()]);
    await loginIfAsked(popup, 'bench');
    await showsUser(first, 'bench');
    await first.close();
    const inApp = { token: [], shown: [] };
    for (let i = 0; i < LOADS; i++) {
      const q = await ctx.newPage();
      await q.goto(APP + '/');
      await showsUser(q, 'bench');
      inApp.shown.push(await q.evaluate(() => performance.now()));
      inApp.token.push(await q.evaluate(url => performance.getEntriesByType('resource').find(e => e.name === url)?.responseEnd, `${IDP}/token`));
      await q.close();
    }
    results.direct.app = { tokenAnswered: spread(inApp.token), userShown: spread(inApp.shown) };
    for (const [name, options] of Object.entries(clients)) {
      const query = `?options=${encodeURIComponent(JSON.stringify(options))}`;
      // One interactive sign-in gives the provider its session and the client's consent.
      const p = await ctx.newPage();
      const [signInPopup] = await Promise.all([ctx.waitForEvent('page'), p.goto(`${APP}/bench/direct-load.html${query}&signIn`)]);
      await loginIfAsked(signInPopup, 'bench');
      const signedIn = await p.waitForFunction('window.directLoad').then(h => h.jsonValue());
      if (signedIn.error) throw new Error(`direct sign-in for the bench failed: ${signedIn.error}`);
      await p.close();
      loadsOf[name] = [];
      for (let i = 0; i < LOADS; i++) {
        const q = await ctx.newPage();
        await q.goto(`${APP}/bench/direct-load.html${query}`);
        const load = await q.waitForFunction('window.directLoad').then(h => h.jsonValue());
        if (load.error) throw new Error(`direct cold load failed: ${load.error}`);
        loadsOf[name].push(load);
        await q.close();
      }
    }
  } finally {
    await ctx.close();
    await stack.stop();
  }
  for (const [name, l] of Object.entries(loadsOf)) {
    results.direct[name] = {
      fetch: spread(l.map(x => x.fetch)),
      evaluate: spread(l.map(x => x.imported - x.fetched)),
      refresh: spread(l.map(x => x.refreshed - x.imported)),
      fromNavigation: spread(l.map(x => x.refreshed)),
    };
  }
}
await browser.close();

// ---- report
const kb = b => (b / 1024).toFixed(1) + ' KB';
const ns = x => x.toFixed(0) + ' ns';
const ms = x => x.toFixed(2) + ' ms';
const rows = [];
const row = (figure, ours, original, ratio = '', target = '', met = '') => rows.push([figure, ours, original, ratio, target, met]);
const mark = ok => (ok ? 'met' : 'NOT MET');

row('shipped size, gzip -9', kb(sizes.ours.gzip), `${kb(sizes.originalWithoutZen.gzip)} / ${kb(sizes.originalWithZen.gzip)} with zen-observable`, (sizes.ours.gzip / sizes.originalWithZen.gzip).toFixed(2), '<= 24 KB', mark(sizes.ours.gzip <= 24576));
row('shipped size, brotli', kb(sizes.ours.brotli), `${kb(sizes.originalWithoutZen.brotli)} / ${kb(sizes.originalWithZen.brotli)}`, (sizes.ours.brotli / sizes.originalWithZen.brotli).toFixed(2));
row('cold start: module import', ms(results.coldStart.wasm.importMs), ms(results.coldStart.js.importMs), (results.coldStart.wasm.importMs / results.coldStart.js.importMs).toFixed(2));
row('cold start: to first getBackstageIdentity', ms(results.coldStart.wasm.firstCallMs), ms(results.coldStart.js.firstCallMs), (results.coldStart.wasm.firstCallMs / results.coldStart.js.firstCallMs).toFixed(2));
const c = results.coldLoad;
const range = r => `${r.min.toFixed(1)} / ${r.median.toFixed(1)} / ${r.max.toFixed(1)} ms`;
const ratioOf = (a, b) => (a.median / b.median).toFixed(2);
row(`cold load from navigation start to first getBackstageIdentity (min / median / max, ${LOADS} loads)`, range(c.wasm.fromNavigation), range(c.js.fromNavigation), ratioOf(c.wasm.fromNavigation, c.js.fromNavigation), '<= 1.0', mark(c.wasm.fromNavigation.median <= c.js.fromNavigation.median));
row('  of which: module fetch', range(c.wasm.fetch), range(c.js.fetch), ratioOf(c.wasm.fetch, c.js.fetch));
row('  of which: module parse + evaluation', range(c.wasm.evaluate), range(c.js.evaluate), ratioOf(c.wasm.evaluate, c.js.evaluate));
row('    (wasm steps, cold, each in a new page: LZMA decode)', range(c.wasmSteps.decode), '-');
row('    (compile)', range(c.wasmSteps.compile), '-');
row('    (instantiate)', range(c.wasmSteps.instantiate), '-');
row('  of which: create() + first call', range(c.wasm.firstCall), range(c.js.firstCall), ratioOf(c.wasm.firstCall, c.js.firstCall));
row(`stock app (www/), signed out: navigation start to the session check's /refresh answered`, range(results.app.sessionCheck), '-');
row('stock app (www/), signed out: navigation start to the sign-in page seen by the test (an upper bound)', range(results.app.signInPage), '-');
const d = results.direct;
row('direct.js: wasm LZMA decode, cold, each in a new page', range(d.steps.decode), '-');
row('direct.js: wasm compile', range(d.steps.compile), '-');
row('direct.js: wasm instantiate', range(d.steps.instantiate), '-');
for (const name of ['plain', 'dpop']) {
  const x = d[name];
  const label = name === 'dpop' ? 'direct.js with dpop: true' : 'direct.js';
  row(`${label}: navigation start to the first refreshSession() (a silent sign-in) resolved`, range(x.fromNavigation), 'no direct mode');
  row('  of which: module fetch', range(x.fetch), '-');
  row('  of which: module parse + evaluation (decode, compile, instantiate)', range(x.evaluate), '-');
  row('  of which: refreshSession() (discovery, prompt=none iframe, code exchange, JWKS, signature)', range(x.refresh), '-');
}
row("stock app (www/) in direct mode, signed in: navigation start to the token endpoint's answer", range(d.app.tokenAnswered), '-');
row('stock app (www/) in direct mode, signed in: navigation start to the user seen by the test (an upper bound)', range(d.app.userShown), '-');
row('main thread: longest task while loading', range(c.wasm.longestTask), range(c.js.longestTask), ratioOf(c.wasm.longestTask, c.js.longestTask), 'within 2 ms', mark(c.wasm.longestTask.median - c.js.longestTask.median <= 2));
row('main thread: time in tasks over 5 ms while loading', range(c.wasm.blocked), range(c.js.blocked), '');
row('long tasks (over 50 ms) while loading', `${c.wasm.longTasks.max} at most`, `${c.js.longTasks.max} at most`, '');
const w = results.wasmAlone;
row('wasm LZMA decode, first / median', `${ms(w.decodeFirstMs)} / ${ms(w.decodeMs)}`, '-');
row('wasm compile + instantiate', ms(w.compileMs + w.instantiateMs), '-', '', '<= 5 ms', mark(w.compileMs + w.instantiateMs <= 5));
for (const m of Object.keys(results.cached.wasm)) {
  const ratio = results.cached.wasm[m] / results.cached.js[m];
  row(`cached ${m}() per call`, ns(results.cached.wasm[m]), ns(results.cached.js[m]), ratio.toFixed(2), m === 'getAccessToken' ? '<= 1.0' : '', m === 'getAccessToken' ? mark(ratio <= 1) : '');
}
row('/refresh for 1,000 concurrent calls', String(results.collapse.wasm), String(results.collapse.js), '', '= 1', mark(results.collapse.wasm === 1));
for (const n of Object.keys(results.tabs)) {
  const t = results.tabs[n];
  row(`/refresh for ${n} tab${n === '1' ? '' : 's'} with a session due`, String(t.wasm), String(t.js), '', '= 1', mark(t.wasm === 1));
}
for (const impl of impls) {
  const m = results.memory[impl];
  const growth = {
    wasm: m.afterCycles.wasm - m.warm.wasm,
    heapCalls: m.afterCalls.heap - m.warm.heap,
    heapCycles: m.afterCycles.heap - m.warm.heap,
  };
  m.growth = growth;
}
const mw = results.memory.wasm, mj = results.memory.js;
row('wasm linear memory growth after warm-up', `${mw.growth.wasm} B (of ${kb(mw.warm.wasm)})`, '-', '', '0', mark(mw.growth.wasm === 0));
row('JS heap growth after 100k cached calls', kb(mw.growth.heapCalls), kb(mj.growth.heapCalls), '', '~0 (GC noise)', '');
row('JS heap growth after 1,000 sign-in/out cycles', kb(mw.growth.heapCycles), kb(mj.growth.heapCycles), '', '~0 (GC noise)', '');

const header = ['figure', 'ours (wasm)', 'original (JS)', 'ours/original', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => String(r[i]).length)));
const line = r => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
console.log(line(header));
console.log('|' + widths.map(n => '-'.repeat(n + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
results.table = rows;
writeFileSync(new URL('build/bench.json', root), JSON.stringify(results, null, 2) + '\n');
console.log('\nwrote build/bench.json');
