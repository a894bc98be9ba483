// Renames the wasm's imports from wasm-bindgen's `./<crate>_bg.js` module, and its
// exports, to short names, in the wasm and in the JS glue that uses them. wasm-bindgen
// names imports `__wbg_<name>_<16 hex digits>` and closure shims after their full Rust
// types (up to 300 characters); all of that appears twice in what users download.

const leb = (bytes, pos) => {
  let value = 0, shift = 0, b;
  do {
    b = bytes[pos++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return [value, pos];
};
const encodeLeb = n => {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const encodeName = s => {
  const b = Buffer.from(s, 'utf8');
  return [...encodeLeb(b.length), ...b];
};
const shortName = i => '$' + i.toString(36);
const text = (wasm, p) => {
  const [len, start] = leb(wasm, p);
  return [wasm.subarray(start, start + len).toString('utf8'), start + len];
};

/**
 * Rewrites the vector section `id` of `wasm`: `entry(p)` reads the entry at `p` and returns
 * its new bytes and the position after it. Returns the new module.
 */
function rewriteSection(wasm, id, entry) {
  let pos = 8;
  while (pos < wasm.length) {
    const [size, bodyStart] = leb(wasm, pos + 1);
    const end = bodyStart + size;
    if (wasm[pos] === id) {
      let [count, p] = leb(wasm, bodyStart);
      const body = [...encodeLeb(count)];
      for (let i = 0; i < count; i++) {
        const [bytes, next] = entry(p);
        body.push(...bytes);
        p = next;
      }
      const section = Buffer.from([id, ...encodeLeb(body.length), ...body]);
      return Buffer.concat([wasm.subarray(0, pos), section, wasm.subarray(end)]);
    }
    pos = end;
  }
  return wasm;
}

/** Skips an import's description (function, table, memory or global). */
function skipImportDesc(wasm, p) {
  const kind = wasm[p++];
  if (kind === 0) return leb(wasm, p)[1];
  if (kind === 1) p++; // table: the element type, then limits like a memory
  if (kind === 1 || kind === 2) {
    const flags = wasm[p++];
    p = leb(wasm, p)[1];
    return flags & 1 ? leb(wasm, p)[1] : p;
  }
  if (kind === 3) return p + 2;
  throw new Error('unknown import kind ' + kind);
}

export function shortenImports(wasm, js, moduleName, newModule = 'w') {
  const renames = new Map();
  const out = rewriteSection(wasm, 2, p => {
    const [mod, m] = text(wasm, p);
    const [field, f] = text(wasm, m);
    const end = skipImportDesc(wasm, f);
    const desc = wasm.subarray(f, end);
    if (mod !== moduleName) return [[...encodeName(mod), ...encodeName(field), ...desc], end];
    const short = shortName(renames.size);
    renames.set(field, short);
    return [[...encodeName(newModule), ...encodeName(short), ...desc], end];
  });
  let glue = js.split(JSON.stringify(moduleName)).join(JSON.stringify(newModule));
  for (const [from, to] of renames) {
    const before = glue;
    glue = glue.replace(new RegExp(`\\b${from}\\b(?=\\s*:)`, 'g'), `"${to}"`);
    if (glue === before) throw new Error(`import ${from} not found in the JS glue`);
  }
  return { wasm: out, js: glue, count: renames.size };
}

/** Renames every export but `memory` to `$<n>`, and `wasm.<name>` in the JS to match. */
export function shortenExports(wasm, js) {
  const renames = new Map();
  const out = rewriteSection(wasm, 7, p => {
    const [name, n] = text(wasm, p);
    const kind = wasm[n];
    const [index, end] = leb(wasm, n + 1);
    const short = name === 'memory' ? name : shortName(renames.size);
    if (short !== name) renames.set(name, short);
    return [[...encodeName(short), kind, ...encodeLeb(index)], end];
  });
  let glue = js;
  // Longest first, so no name is replaced inside a longer one.
  for (const [from, to] of [...renames].sort((a, b) => b[0].length - a[0].length)) {
    glue = glue.replace(new RegExp(`\\bwasm\\.${from.replace(/\$/g, '\\$')}\\b`, 'g'), `wasm.${to}`);
  }
  const left = glue.match(/\bwasm\.(?!memory\b)(?!\$)[A-Za-z_]\w*/);
  if (left) throw new Error(`export ${left[0]} was not renamed`);
  return { wasm: out, js: glue, count: renames.size };
}
