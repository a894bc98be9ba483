// Decoder for raw LZMA1 streams (no header, no end marker needed), written for the
// package's embedded wasm: LZMA packs it about 13% smaller than deflate, which is
// more than this decoder costs after gzip. `out` has the exact decoded size; the literal
// context is fixed at lc=3, lp=0, pb=0, the parameters scripts/lzma-pack.py encodes with.
// A corrupt stream cannot loop forever or write outside `out`: the loop is bounded by
// out.length and typed arrays ignore out-of-range writes.
export default function unlzma(src, out) {
  const probs = n => new Uint16Array(n).fill(1024);
  const isMatch = probs(12);
  const isRep = probs(12);
  const isRepG0 = probs(12);
  const isRepG1 = probs(12);
  const isRepG2 = probs(12);
  const isRep0Long = probs(12);
  const slots = probs(256);
  const special = probs(128);
  const align = probs(16);
  const matchLen = probs(514);
  const repLen = probs(514);
  const literals = probs(0x300 << 3);
  let at = 5;
  // range and code: unsigned 32-bit values, mostly above V8's small-integer range, so as
  // closure variables every update would allocate a number; a typed array holds them as they
  // are (decoding about 20% faster, cold and warm).
  const rc = new Uint32Array([0xffffffff, (src[1] << 24) | (src[2] << 16) | (src[3] << 8) | src[4]]);

  const bit = (p, i) => {
    const bound = (rc[0] >>> 11) * p[i];
    let b = 0;
    if (rc[1] < bound) {
      rc[0] = bound;
      p[i] += (2048 - p[i]) >> 5;
    } else {
      rc[0] -= bound;
      rc[1] -= bound;
      p[i] -= p[i] >> 5;
      b = 1;
    }
    if (rc[0] < 0x1000000) {
      rc[0] <<= 8;
      rc[1] = (rc[1] << 8) | src[at++];
    }
    return b;
  };
  const tree = (p, base, bits) => {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | bit(p, base + m);
    return m - (1 << bits);
  };
  const reverse = (p, base, bits) => {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const b = bit(p, base + m);
      m = (m << 1) | b;
      symbol |= b << i;
    }
    return symbol;
  };
  const direct = bits => {
    let r = 0;
    while (bits--) {
      rc[0] >>>= 1;
      r *= 2;
      if (rc[1] >= rc[0]) {
        rc[1] -= rc[0];
        r += 1;
      }
      if (rc[0] < 0x1000000) {
        rc[0] <<= 8;
        rc[1] = (rc[1] << 8) | src[at++];
      }
    }
    return r;
  };
  // choice, choice2, low[8], mid[8], high[256] (pb=0: one position state)
  const length = p => (!bit(p, 0) ? tree(p, 2, 3) : !bit(p, 1) ? 8 + tree(p, 10, 3) : 16 + tree(p, 18, 8));

  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  let pos = 0;
  while (pos < out.length) {
    if (!bit(isMatch, state)) {
      const base = 0x300 * ((pos ? out[pos - 1] : 0) >> 5);
      let symbol = 1;
      if (state >= 7) {
        let match = out[pos - rep0 - 1];
        while (symbol < 0x100) {
          const matchBit = (match >> 7) & 1;
          match <<= 1;
          const b = bit(literals, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | b;
          if (b !== matchBit) break;
        }
      }
      while (symbol < 0x100) symbol = (symbol << 1) | bit(literals, base + symbol);
      out[pos++] = symbol;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len;
    if (bit(isRep, state)) {
      if (!bit(isRepG0, state)) {
        if (!bit(isRep0Long, state)) {
          state = state < 7 ? 9 : 11;
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let dist;
        if (!bit(isRepG1, state)) dist = rep1;
        else {
          if (!bit(isRepG2, state)) dist = rep2;
          else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = length(repLen);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = length(matchLen);
      state = state < 7 ? 7 : 10;
      const slot = tree(slots, (len < 3 ? len : 3) << 6, 6);
      if (slot < 4) rep0 = slot;
      else {
        const bits = (slot >> 1) - 1;
        rep0 = (2 | (slot & 1)) << bits;
        rep0 += slot < 14 ? reverse(special, rep0 - slot, bits) : direct(bits - 4) * 16 + reverse(align, 0, 4);
      }
    }
    for (len += 2; len-- && pos < out.length; pos++) out[pos] = out[pos - rep0 - 1];
  }
  return out;
}
