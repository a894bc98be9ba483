// Serves the test page, the built package and the JS original on an origin of its own.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('../../', import.meta.url);

export async function bundleReference() {
  const out = await build({
    entryPoints: [new URL('tests/harness/reference-entry.js', root).pathname],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

export async function startApp(backendOrigin, extraRoutes = {}) {
  const reference = await bundleReference();
  const page = `<!doctype html><meta charset="utf-8"><title>harness</title>
<script type="module">
import * as wasm from '/pkg/index.js';
import * as js from '/reference.js';
window.BACKEND = ${JSON.stringify(backendOrigin)};
window.wasmMemoryBytes = wasm.wasmMemoryBytes;
window.impls = { wasm: { OAuth2: wasm.OAuth2, OAuthRequestManager: js.OAuthRequestManager }, js };
window.ready = true;
</script>`;
  const routes = {
    '/': ['text/html', () => page],
    '/pkg/index.js': ['text/javascript', () => readFileSync(new URL('pkg/index.js', root))],
    '/reference.js': ['text/javascript', () => reference],
    '/harness/page.js': ['text/javascript', () => readFileSync(new URL('tests/harness/page.js', root))],
    ...extraRoutes,
  };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const route = routes[path];
    if (!route) {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><title>other</title>');
    }
    res.writeHead(200, { 'content-type': route[0], 'cache-control': 'no-store' });
    res.end(route[1]());
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise(r => server.close(r)) }),
    ),
  );
}
