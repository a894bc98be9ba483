// Injected by scripts/bundle.mjs in place of the TextEncoder/TextDecoder globals that the
// wasm-bindgen glue uses: the platform's when they exist, else a UTF-8 fallback. Jest's
// jsdom environment (what `backstage-cli package test` runs) has neither global.
const G = globalThis;

class Utf8Decoder {
  decode(bytes) {
    let binary = '';
    for (let i = 0; bytes && i < bytes.length; i += 8192) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
    }
    return decodeURIComponent(escape(binary));
  }
}

class Utf8Encoder {
  encode(text = '') {
    const binary = unescape(encodeURIComponent(text));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
}

export const TextDecoder = G.TextDecoder || Utf8Decoder;
export const TextEncoder = G.TextEncoder || Utf8Encoder;
