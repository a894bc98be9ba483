// Browser side of the benchmark: both clients, same page, same backend.
import { client, sleep } from '/harness/page.js';

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Sign-in popups as iframes: the same postMessage protocol, without window churn. */
export function framePopups() {
  const frames = [];
  window.open = url => {
    const f = document.createElement('iframe');
    f.src = url;
    document.body.append(f);
    frames.push(f);
    return f.contentWindow;
  };
  return () => frames.splice(0).forEach(f => f.remove());
}

/** Runs on a blank page: nothing of either client is loaded before the timer starts. */
export async function coldStart(impl, backend) {
  const t0 = performance.now();
  const mod = await import(impl === 'wasm' ? '/pkg/index.js' : '/reference.js');
  const t1 = performance.now();
  const api = mod.OAuth2.create({
    discoveryApi: { getBaseUrl: async id => `${backend}/api/${id}` },
    // An optional call never asks for a login; the dialog manager is not needed here.
    oauthRequestApi: { createAuthRequester: () => () => Promise.reject(new Error('unused')) },
    configApi: { getOptionalBoolean: () => undefined },
    defaultScopes: ['openid'],
  });
  await api.getBackstageIdentity({ optional: true });
  return { importMs: t1 - t0, firstCallMs: performance.now() - t0 };
}

/** The wasm of an entry (`shipped`: index.js, or `direct`) decoded, compiled and
 * instantiated `rounds` times, each step timed. */
export async function wasmAlone(rounds = 15, entry = 'shipped') {
  const { default: unlzma } = await import('/bench/unlzma.js');
  const packed = new Uint8Array(await (await fetch(`/bench/${entry}.wasm.lzma`)).arrayBuffer());
  const size = (await (await fetch(`/bench/${entry}.wasm`)).arrayBuffer()).byteLength;
  const t = { decode: [], compile: [], instantiate: [] };
  for (let i = 0; i < rounds; i++) {
    let a = performance.now();
    const bytes = new Uint8Array(size);
    unlzma(packed, bytes);
    t.decode.push(performance.now() - a);
    a = performance.now();
    const module = new WebAssembly.Module(bytes);
    t.compile.push(performance.now() - a);
    const imports = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      imports[imp.module] ??= {};
      imports[imp.module][imp.name] = imp.kind === 'function' ? () => {} : undefined;
    }
    a = performance.now();
    new WebAssembly.Instance(module, imports);
    t.instantiate.push(performance.now() - a);
  }
  return { decodeFirstMs: t.decode[0], decodeMs: median(t.decode), compileMs: median(t.compile), instantiateMs: median(t.instantiate) };
}

async function signedIn(impl) {
  const c = client(impl, { trigger: false });
  await c.api.getAccessToken(undefined, { instantPopup: true });
  return c;
}

/** Both clients signed in, then each getter timed in alternating rounds (ours, original,
 * ours, …) so that drift in the machine's speed hits both alike. Nanoseconds per call. */
export async function cachedCalls(calls, rounds) {
  const restore = framePopups();
  const apis = { wasm: (await signedIn('wasm')).api, js: (await signedIn('js')).api };
  restore();
  const methods = ['getAccessToken', 'getIdToken', 'getBackstageIdentity', 'getProfile'];
  const out = { wasm: {}, js: {} };
  // Steady state, for both clients alike: every method warmed up before any is timed, and a
  // pause for the engine's background compilers (V8 starts wasm and JS in baseline tiers and
  // optimizes hot code on other threads), so that the first method timed is not the one
  // that pays for tiering up.
  for (const m of methods) for (const impl of ['wasm', 'js']) for (let i = 0; i < calls; i++) await apis[impl][m]();
  await sleep(200);
  for (const m of methods) {
    const samples = { wasm: [], js: [] };
    for (let r = 0; r < rounds; r++) {
      for (const impl of ['wasm', 'js']) {
        const api = apis[impl];
        const t0 = performance.now();
        for (let i = 0; i < calls; i++) await api[m]();
        samples[impl].push(((performance.now() - t0) * 1e6) / calls);
      }
    }
    out.wasm[m] = median(samples.wasm);
    out.js[m] = median(samples.js);
  }
  return out;
}

export async function collapse(impl, n) {
  const restore = framePopups();
  const { api } = await signedIn(impl);
  restore();
  const before = await (await fetch(window.BACKEND + '/bench/refresh-count')).json();
  await Promise.all(Array.from({ length: n }, () => api.getAccessToken()));
  const after = await (await fetch(window.BACKEND + '/bench/refresh-count')).json();
  return after - before;
}

const heap = () => {
  window.gc?.();
  return performance.memory?.usedJSHeapSize ?? NaN;
};

export async function memory(impl, { calls, cycles, warmCalls, warmCycles }) {
  const wasmBytes = () => (impl === 'wasm' ? window.wasmMemoryBytes() : 0);
  const restore = framePopups();
  const c = client(impl, { trigger: false });
  const cycle = async () => {
    await c.api.getAccessToken(undefined, { instantPopup: true });
    await c.api.signOut();
    restore();
  };
  const callMany = async n => {
    await c.api.getAccessToken(undefined, { instantPopup: true });
    restore();
    for (let i = 0; i < n; i++) await c.api.getAccessToken();
    await c.api.signOut();
  };
  for (let i = 0; i < warmCycles; i++) await cycle();
  await callMany(warmCalls);
  await sleep(50);
  const warm = { wasm: wasmBytes(), heap: heap() };
  await callMany(calls);
  await sleep(50);
  const afterCalls = { wasm: wasmBytes(), heap: heap() };
  for (let i = 0; i < cycles; i++) await cycle();
  await sleep(50);
  const afterCycles = { wasm: wasmBytes(), heap: heap() };
  return { warm, afterCalls, afterCycles };
}
