// Turns one variant's wasm-bindgen output into its package entry, as ESM (`<entry>.js`)
// and CommonJS (`<entry>.cjs`). The wasm is embedded and instantiated synchronously at import: `OAuth2.create()` is synchronous in
// Backstage, and stock Backstage builds (Rspack without asyncWebAssembly, Jest) cannot
// load a separate .wasm file.
import { build } from '../tests/node_modules/esbuild/lib/main.js';
import { minify } from '../tests/node_modules/terser/main.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { shortenExports, shortenImports } from './shorten-imports.mjs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { execFileSync } from 'node:child_process';

const root = new URL('../', import.meta.url);
const variant = process.argv[2] ?? 'ship';
// `ship` is the default entry (index.js); `direct` adds direct mode (direct.js).
const entry = variant === 'ship' ? 'index' : variant;
const bindgen = new URL(`build/${variant}/`, root);
const glue = new URL('backstage_oauth2_wasm.js', bindgen);
const imports = shortenImports(
  readFileSync(new URL('backstage_oauth2_wasm_bg.wasm', bindgen)),
  readFileSync(glue, 'utf8'),
  './backstage_oauth2_wasm_bg.js',
);
const short = shortenExports(imports.wasm, imports.js);
/** `text` with `pattern` replaced; a pattern that no longer matches fails the build. */
const edit = (text, pattern, replacement) => {
  const out = text.replace(pattern, replacement);
  if (out === text) throw new Error(`wasm-bindgen glue changed, update bundle.mjs: ${pattern}`);
  return out;
};
// The default-export loader fetches a separate .wasm file; the package never uses it, and
// bundlers must not see its `new URL(…, import.meta.url)` as an asset to resolve.
let glueJs = edit(short.js, /new URL\('backstage_oauth2_wasm_bg\.wasm', import\.meta\.url\)/, 'undefined');
// `initSync` is called once, below, with `{ module: bytes }`: its checks for being called
// twice and for the deprecated argument forms (a warning text of 70 B) never apply.
glueJs = edit(
  glueJs,
  /function initSync\(module\) \{[\s\S]*?\n\}\n/,
  `function initSync({ module }) {
    module = new WebAssembly.Module(module);
    return __wbg_finalize_init(new WebAssembly.Instance(module, __wbg_get_imports()), module);
}
`,
);
// Every string goes to the wasm with both its malloc and realloc: the encoder path for a
// missing realloc is never taken.
if (/passStringToWasm0\([^,()]+, [^,()]+\)/.test(glueJs)) throw new Error('a string passed without realloc: keep the glue whole');
glueJs = edit(glueJs, /    if \(realloc === undefined\) \{[\s\S]*?\n    \}\n\n/, '');
// The classes as pkg/index.d.ts declares them: `free()`, but no `Symbol.dispose`, which
// the JS original does not have either (a `using` block would free the app's auth API).
glueJs = edit(glueJs, /if \(Symbol\.dispose\) \w+\.prototype\[Symbol\.dispose\] = \w+\.prototype\.free;\n/g, '');
writeFileSync(new URL('glue.js', bindgen), glueJs);
const wasm = short.wasm;

// Compressed before base64: gzip cannot compress base64 text well, but base64 of already
// compressed bytes costs almost nothing after gzip. LZMA packs wasm code about 13% smaller
// than deflate (16.2 KB against 18.8 KB for index.wasm); its decoder costs 0.8 KB gzip.
const packed = execFileSync('python3', [new URL('scripts/lzma-pack.py', root).pathname], { input: wasm });
// Kept for the benchmark, which times decoding, compile and instantiate on their own.
writeFileSync(new URL(`build/${entry}.wasm`, root), wasm);
writeFileSync(new URL(`build/${entry}.wasm.lzma`, root), packed);
// The base64 text is its own module, injected first so that it opens the bundle: gzip
// (zlib) codes literals with one Huffman table per block of 16 K symbols, and text
// interleaved with code makes a block that fits neither (270 B more here).
const packedModule = new URL(`build/${variant}/packed.js`, root);
writeFileSync(packedModule, `export const PACKED_WASM = ${JSON.stringify(packed.toString('base64'))};\n`);
// The default entry is the OAuth2 class; the direct entry only the connector, which apps
// pass to that class (or to Backstage's own).
const surface =
  variant === 'direct'
    ? `export { createDirectAuthConnector, handleDirectCallback } from './glue.js';`
    : `export { OAuth2 } from './glue.js';`;
writeFileSync(
  new URL(`build/${variant}/entry.js`, root),
  `import { initSync } from './glue.js';
import unlzma from '../../scripts/unlzma.js';
// The browser's own base64 decoder where it has one (a loop of charCodeAt runs cold).
let packed = Uint8Array.fromBase64 && Uint8Array.fromBase64(PACKED_WASM);
if (!packed) {
  const text = atob(PACKED_WASM);
  packed = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) packed[i] = text.charCodeAt(i);
}
const bytes = new Uint8Array(${wasm.length});
unlzma(packed, bytes);
const { memory } = initSync({ module: bytes });
/** Diagnostics: bytes of wasm linear memory in use by the client (for leak checks). */
export const wasmMemoryBytes = () => memory.buffer.byteLength;
${surface}
`,
);

const common = {
  entryPoints: [new URL(`build/${variant}/entry.js`, root).pathname],
  bundle: true,
  minify: true,
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
  nodePaths: [new URL('tests/node_modules', root).pathname],
  inject: [packedModule.pathname, new URL('scripts/text-codec.js', root).pathname],
};
// esbuild bundles; terser then renames the top-level names too (100 B gzip). Its compress
// passes are left off: they shorten the text but add to the gzip size.
for (const [format, file] of [['esm', `pkg/${entry}.js`], ['cjs', `pkg/${entry}.cjs`]]) {
  const out = new URL(file, root);
  await build({ ...common, format, outfile: out.pathname });
  const min = await minify(readFileSync(out, 'utf8'), {
    module: format === 'esm',
    toplevel: true,
    compress: false,
    format: { comments: false },
  });
  writeFileSync(out, min.code);
}

const shipped = readFileSync(new URL(`pkg/${entry}.js`, root));
const gzip = gzipSync(shipped, { level: 9 }).length;
const brotli = brotliCompressSync(shipped, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sizes = {
  wasm: wasm.length,
  wasmGzip: gzipSync(wasm, { level: 9 }).length,
  packageJs: shipped.length,
  packageGzip: gzip,
  packageBrotli: brotli,
};
writeFileSync(new URL(`build/sizes${entry === 'index' ? '' : '-' + entry}.json`, root), JSON.stringify(sizes, null, 2) + '\n');
console.log(
  `[build] pkg/${entry}.js ${sizes.packageJs} B, gzip -9 ${sizes.packageGzip} B, brotli ${sizes.packageBrotli} B ` +
    `(wasm ${sizes.wasm} B, ${sizes.wasmGzip} B gzip on its own)`,
);
