// Turns the wasm-bindgen output into the npm package's two entry points. The wasm is
// embedded and instantiated synchronously at import: `OAuth2.create()` is synchronous in
// Backstage, and stock Backstage builds (Rspack without asyncWebAssembly, Jest) cannot
// load a separate .wasm file.
import { build } from '../tests/node_modules/esbuild/lib/main.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const root = new URL('../', import.meta.url);
const bindgen = new URL('build/bindgen/', root);
const wasm = readFileSync(new URL('backstage_oauth2_wasm_bg.wasm', bindgen));

writeFileSync(
  new URL('build/entry.js', root),
  `import { initSync, SessionStateObservable } from './bindgen/backstage_oauth2_wasm.js';
const text = atob(${JSON.stringify(wasm.toString('base64'))});
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
initSync({ module: bytes });
// Interop with RxJS/zen-observable 'from()' and Backstage's Observable type.
const self = function () { return this; };
SessionStateObservable.prototype['@@observable'] = self;
if (typeof Symbol === 'function' && Symbol.observable) SessionStateObservable.prototype[Symbol.observable] = self;
export { OAuth2 } from './bindgen/backstage_oauth2_wasm.js';
`,
);

const common = {
  entryPoints: [new URL('build/entry.js', root).pathname],
  bundle: true,
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: new URL('pkg/index.js', root).pathname });
await build({ ...common, format: 'cjs', outfile: new URL('pkg/index.cjs', root).pathname });

const shipped = readFileSync(new URL('pkg/index.js', root));
const gzip = gzipSync(shipped, { level: 9 }).length;
const brotli = brotliCompressSync(shipped, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sizes = {
  wasm: wasm.length,
  wasmGzip: gzipSync(wasm, { level: 9 }).length,
  packageJs: shipped.length,
  packageGzip: gzip,
  packageBrotli: brotli,
};
writeFileSync(new URL('build/sizes.json', root), JSON.stringify(sizes, null, 2) + '\n');
console.log(
  `[build] pkg/index.js ${sizes.packageJs} B, gzip -9 ${sizes.packageGzip} B, brotli ${sizes.packageBrotli} B ` +
    `(wasm ${sizes.wasm} B, ${sizes.wasmGzip} B gzip on its own)`,
);
