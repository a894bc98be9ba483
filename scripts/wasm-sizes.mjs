// Lists the largest function bodies of a wasm file (by name section), to see what costs bytes.
// Usage: node scripts/wasm-sizes.mjs file.wasm [count]
//        node scripts/wasm-sizes.mjs file.wasm --crates
// --crates sums the code bytes per crate (our own crate per module), read from the v0-mangled
// names of a build before wasm-bindgen and wasm-opt (target/<variant>/.../*.wasm): code before
// packing, so a share, not the shipped size. wasm-bindgen's describe functions, which the CLI
// removes, are left out.
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2]);
const crates = process.argv[3] === '--crates';
const top = crates ? 0 : Number(process.argv[3] ?? 40);
let pos = 8;
const leb = () => {
  let result = 0, shift = 0, b;
  do { b = bytes[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return result;
};
const str = () => { const n = leb(); const s = bytes.subarray(pos, pos + n).toString('utf8'); pos += n; return s; };
let imported = 0; const bodies = []; const names = new Map(); const sections = [];
while (pos < bytes.length) {
  const id = bytes[pos++]; const size = leb(); const end = pos + size;
  if (id === 2) {
    for (let n = leb(); n > 0; n--) { str(); str(); const kind = bytes[pos++];
      if (kind === 0) { leb(); imported++; } else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); }
      else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) { pos += 2; } else if (kind === 4) { pos++; leb(); } }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const s = leb(); bodies.push(s); pos += s; }
  } else if (id === 0) {
    const name = str();
    if (name === 'name') {
      while (pos < end) { const sub = bytes[pos++]; const len = leb(); const subEnd = pos + len;
        if (sub === 1) { for (let n = leb(); n > 0; n--) { const idx = leb(); names.set(idx, str()); } }
        pos = subEnd; }
    }
    sections.push([`custom:${name}`, size]);
  }
  if (id !== 0) sections.push([`section ${id}`, size]);
  pos = end;
}
console.log(sections.map(([n, s]) => `${n}=${s}`).join(' '));
const rows = bodies.map((s, i) => [s, names.get(i + imported) ?? `#${i + imported}`]).sort((a, b) => b[0] - a[0]);
const total = bodies.reduce((a, b) => a + b, 0);
console.log(`functions: ${bodies.length}, code bytes: ${total}`);
for (const [s, n] of rows.slice(0, top)) console.log(String(s).padStart(7), n.slice(0, 150));

// The crate a v0 symbol's code belongs to: its first path's crate, past the async wrappers
// (`future_to_promise`'s closures hold the future's own code); for this crate, its module.
function owner(symbol) {
  const names = [];
  for (const m of symbol.matchAll(/C(?:s[0-9a-zA-Z]*_)?(\d+)/g)) {
    const start = m.index + m[0].length;
    names.push([symbol.slice(start, start + Number(m[1])), start + Number(m[1])]);
  }
  const found = names.find(([n]) => !['js_sys', 'wasm_bindgen_futures'].includes(n)) ?? names[0];
  if (!found) return symbol.startsWith('__') || !symbol.startsWith('_R') ? 'other (no crate)' : 'other';
  const [crate, end] = found;
  if (crate !== 'backstage_oauth2_wasm') return crate;
  let rest = symbol.slice(end);
  const mods = [];
  for (let m; (m = rest.match(/^(?:Nt)?(?:s[0-9a-zA-Z]*_)?(\d+)/)); ) {
    const len = Number(m[1]), name = rest.slice(m[0].length, m[0].length + len);
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) break;
    mods.push(name);
    rest = rest.slice(m[0].length + len);
  }
  return `ours: ${mods.slice(0, 2).join('::') || '(root)'}`;
}
if (crates) {
  const sums = new Map();
  let counted = 0;
  bodies.forEach((size, i) => {
    const name = names.get(i + imported) ?? '';
    if (/describe/.test(name)) return;
    const key = owner(name);
    sums.set(key, (sums.get(key) ?? 0) + size);
    counted += size;
  });
  console.log(`code bytes without describe functions: ${counted}`);
  for (const [k, v] of [...sums].sort((a, b) => b[1] - a[1])) console.log(String(v).padStart(8), k);
}
