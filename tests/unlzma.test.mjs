// The package's LZMA decoder (scripts/unlzma.js) against the encoder the build uses
// (scripts/lzma-pack.py, Python's liblzma), on the shipped wasm and on inputs that reach
// every coding path: literals, matched literals, short reps, rep0-3, long matches,
// distances in every slot range, incompressible data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import unlzma from '../scripts/unlzma.js';

const pack = bytes => execFileSync('python3', [new URL('../scripts/lzma-pack.py', import.meta.url).pathname], { input: bytes });
const roundTrip = bytes => Buffer.from(unlzma(pack(bytes), new Uint8Array(bytes.length)));

test('decodes the shipped wasm of both entries byte for byte', () => {
  for (const name of ['index', 'direct']) {
    const wasm = readFileSync(new URL(`../build/${name}.wasm`, import.meta.url));
    assert.ok(roundTrip(wasm).equals(wasm), name);
  }
});

test('decodes empty, tiny, incompressible and highly repetitive inputs', () => {
  const text = Buffer.from('abcabcabd'.repeat(3000) + 'the quick brown fox '.repeat(500));
  for (const bytes of [Buffer.alloc(0), Buffer.from([7]), randomBytes(70000), Buffer.alloc(100000), text]) {
    assert.ok(roundTrip(bytes).equals(bytes), `${bytes.length} bytes`);
  }
});

test('decodes mixtures with repeated far and near distances', () => {
  const blocks = Array.from({ length: 8 }, () => randomBytes(4096));
  const pick = [0, 1, 0, 2, 1, 0, 3, 7, 0, 5, 6, 5, 6, 2, 4, 0, 1];
  const bytes = Buffer.concat(pick.map((i, n) => Buffer.concat([blocks[i].subarray(n, 3000 + n), Buffer.from([n])])));
  assert.ok(roundTrip(bytes).equals(bytes));
});

test('a corrupt stream ends without hanging or writing past the output', () => {
  const wasm = readFileSync(new URL('../build/index.wasm', import.meta.url));
  const packed = pack(wasm);
  for (const at of [5, 100, 5000, packed.length - 10]) {
    const bad = Buffer.from(packed);
    bad[at] ^= 0x5a;
    const out = unlzma(bad, new Uint8Array(wasm.length));
    assert.equal(out.length, wasm.length);
  }
  assert.equal(unlzma(packed.subarray(0, 1000), new Uint8Array(wasm.length)).length, wasm.length);
});
