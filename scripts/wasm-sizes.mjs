// Lists the largest function bodies of a wasm file (by name section), to see what costs bytes.
// Usage: node scripts/wasm-sizes.mjs file.wasm [count]
import { readFileSync } from 'node:fs';

const bytes = readFileSync(process.argv[2]);
const top = Number(process.argv[3] ?? 40);
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
