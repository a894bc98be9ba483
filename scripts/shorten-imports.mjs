// Renames the wasm's imports from wasm-bindgen's `./<crate>_bg.js` module to short names,
// in the wasm import section and in the JS glue that provides them. wasm-bindgen names
// each import `__wbg_<name>_<16 hex digits>`; those hashes do not compress and appear
// twice in what users download.

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
