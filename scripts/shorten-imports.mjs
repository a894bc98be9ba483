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

export function shortenImports(wasm, js, moduleName, newModule = 'w') {
  let pos = 8;
  const renames = new Map();
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, bodyStart] = leb(wasm, pos + 1);
    const end = bodyStart + size;
    if (id !== 2) {
      pos = end;
      continue;
    }
    let [count, p] = leb(wasm, bodyStart);
    const body = [...encodeLeb(count)];
    for (let i = 0; i < count; i++) {
      const [mlen, m0] = leb(wasm, p);
      const mod = wasm.subarray(m0, m0 + mlen).toString('utf8');
      const [flen, f0] = leb(wasm, m0 + mlen);
      const field = wasm.subarray(f0, f0 + flen).toString('utf8');
      p = f0 + flen;
      const descStart = p;
      const kind = wasm[p++];
      if (kind === 0) [, p] = leb(wasm, p);
      else if (kind === 1) {
        p++;
        const flags = wasm[p++];
        [, p] = leb(wasm, p);
        if (flags & 1) [, p] = leb(wasm, p);
      } else if (kind === 2) {
        const flags = wasm[p++];
        [, p] = leb(wasm, p);
        if (flags & 1) [, p] = leb(wasm, p);
      } else if (kind === 3) p += 2;
      else throw new Error('unknown import kind ' + kind);
      if (mod === moduleName) {
        const short = shortName(renames.size);
        renames.set(field, short);
        body.push(...encodeName(newModule), ...encodeName(short));
      } else {
        body.push(...encodeName(mod), ...encodeName(field));
      }
      body.push(...wasm.subarray(descStart, p));
    }
    const section = Buffer.from([2, ...encodeLeb(body.length), ...body]);
    wasm = Buffer.concat([wasm.subarray(0, pos), section, wasm.subarray(end)]);
    break;
  }
  let out = js.split(JSON.stringify(moduleName)).join(JSON.stringify(newModule));
  for (const [from, to] of renames) {
    const before = out;
    out = out.replace(new RegExp(`\\b${from}\\b(?=\\s*:)`, 'g'), `"${to}"`);
    if (out === before) throw new Error(`import ${from} not found in the JS glue`);
  }
  return { wasm, js: out, count: renames.size };
}

/** Renames every export but `memory` to `$<n>`, and `wasm.<name>` in the JS to match. */
export function shortenExports(wasm, js) {
  let pos = 8;
  const renames = new Map();
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, bodyStart] = leb(wasm, pos + 1);
    const end = bodyStart + size;
    if (id !== 7) {
      pos = end;
      continue;
    }
    let [count, p] = leb(wasm, bodyStart);
    const body = [...encodeLeb(count)];
    for (let i = 0; i < count; i++) {
      const [nlen, n0] = leb(wasm, p);
      const name = wasm.subarray(n0, n0 + nlen).toString('utf8');
      p = n0 + nlen;
      const kind = wasm[p++];
      const [index, after] = leb(wasm, p);
      p = after;
      const short = name === 'memory' ? name : '$' + renames.size.toString(36);
      if (short !== name) renames.set(name, short);
      body.push(...encodeName(short), kind, ...encodeLeb(index));
    }
    const section = Buffer.from([7, ...encodeLeb(body.length), ...body]);
    wasm = Buffer.concat([wasm.subarray(0, pos), section, wasm.subarray(end)]);
    break;
  }
  let out = js;
  // Longest first, so no name is replaced inside a longer one.
  for (const [from, to] of [...renames].sort((a, b) => b[0].length - a[0].length)) {
    out = out.replace(new RegExp(`\\bwasm\\.${from.replace(/\$/g, '\\$')}\\b`, 'g'), `wasm.${to}`);
  }
  const left = out.match(/\bwasm\.(?!memory\b)(?!\$)[A-Za-z_]\w*/);
  if (left) throw new Error(`export ${left[0]} was not renamed`);
  return { wasm, js: out, count: renames.size };
}
