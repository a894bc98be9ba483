// The packed npm package, consumed the way users consume it, loads with no wasm
// configuration in: Node ESM and CommonJS, Vite, and webpack 5, with the direct-mode entry as
// a lazily loaded chunk (the stock Backstage app build with Rspack and its Jest tests are
// covered by www/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, readFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { join, extname } from 'node:path';
import { build as viteBuild } from 'vite';
import webpack from 'webpack';
import { launch } from './harness/browser.mjs';

const root = new URL('../', import.meta.url).pathname;
const out = join(root, 'tests/out/loaders');
const consumer = join(out, 'consumer');
const EXPECTED = 'a1 SignedOut,SignedIn direct';
let browser;

before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(consumer, 'node_modules/backstage-oauth2-wasm'), { recursive: true });
  const tgz = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: join(root, 'pkg') })
    .toString()
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['xzf', join(out, tgz), '--strip-components=1', '-C', join(consumer, 'node_modules/backstage-oauth2-wasm')]);
  cpSync(join(root, 'tests/fixtures/consumer'), consumer, { recursive: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

async function runInChromium(dir, page = 'index.html') {
  const server = http.createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!existsSync(path) || !extname(path)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    res.end(readFileSync(path));
  });
  await new Promise(r => server.listen(0, '127.0.0.1', r));
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', e => errors.push(e.message));
  try {
    await tab.goto(`http://127.0.0.1:${server.address().port}/${page}`);
    await tab.waitForFunction('globalThis.result !== undefined', null, { timeout: 10000 });
    return { result: await tab.evaluate('globalThis.result'), errors };
  } finally {
    await tab.close();
    server.close();
  }
}

/** The bundle's JS files by size: the app's entry (with the OAuth2 class) must not carry the
 * direct-mode entry, which is a chunk of its own, fetched only when imported. */
function assertDirectIsItsOwnChunk(dir) {
  const sizes = readdirSync(dir)
    .filter(f => f.endsWith('.js'))
    .map(f => statSync(join(dir, f)).size)
    .sort((a, b) => a - b);
  assert.equal(sizes.length, 2, `two chunks, got ${sizes}`);
  assert.ok(sizes[0] < 40_000 && sizes[1] > 100_000, `entry and direct chunk: ${sizes}`);
}

const script = `globalThis.result = undefined; await import('./main.js');
  for (let i = 0; i < 100 && globalThis.result === undefined; i++) await new Promise(r => setTimeout(r, 10));
  console.log(globalThis.result);`;

test('Node ESM import', () => {
  const printed = execFileSync('node', ['--input-type=module', '-e', script], { cwd: consumer }).toString().trim();
  assert.equal(printed, EXPECTED);
});

test('Node CommonJS require', () => {
  const cjs = `const { OAuth2 } = require('backstage-oauth2-wasm');
    const { createDirectAuthConnector } = require('backstage-oauth2-wasm/direct');
    const api = OAuth2.create({ authConnector: { createSession: async ({ scopes }) => ({ providerInfo: { accessToken: 'c', idToken: '', scopes } }), refreshSession: async () => { throw new Error('x'); }, removeSession: async () => {} } });
    let refused;
    try { createDirectAuthConnector({}); } catch (e) { refused = e.name; }
    api.getAccessToken().then(t => console.log(t, [...OAuth2.normalizeScopes('a b')].join(), refused));`;
  const printed = execFileSync('node', ['-e', cjs], { cwd: consumer }).toString().trim();
  assert.equal(printed, 'c a,b TypeError');
});

test('Node without TextEncoder/TextDecoder, as in Jest jsdom', () => {
  const bare = `globalThis.TextEncoder = undefined; globalThis.TextDecoder = undefined;
    const { OAuth2 } = await import('backstage-oauth2-wasm');
    console.log([...OAuth2.normalizeScopes('é,€ 😀|x')].join(' '));`;
  const printed = execFileSync('node', ['--input-type=module', '-e', bare], { cwd: consumer }).toString().trim();
  assert.equal(printed, 'é € 😀 x');
});

test('Vite build, no configuration', async () => {
  await viteBuild({ root: consumer, logLevel: 'warn', build: { outDir: join(out, 'vite'), emptyOutDir: true } });
  const { result, errors } = await runInChromium(join(out, 'vite'));
  assert.deepEqual(errors, []);
  assert.equal(result, EXPECTED);
  assertDirectIsItsOwnChunk(join(out, 'vite/assets'));
});

test('webpack 5 build, no configuration', async () => {
  const stats = await new Promise((resolve, reject) =>
    webpack(
      { mode: 'production', context: consumer, entry: './main.js', output: { path: join(out, 'webpack'), filename: 'main.js' } },
      (err, s) => (err ? reject(err) : resolve(s)),
    ),
  );
  assert.equal(stats.hasErrors(), false, stats.toString({ all: false, errors: true }));
  cpSync(join(consumer, 'index.html'), join(out, 'webpack/index.html'));
  const { result, errors } = await runInChromium(join(out, 'webpack'));
  assert.deepEqual(errors, []);
  assert.equal(result, EXPECTED);
  assertDirectIsItsOwnChunk(join(out, 'webpack'));
});
