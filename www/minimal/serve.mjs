// The minimal demo: a page that signs in with the wasm client against the scripted
// backend (popup with a login form), all on loopback. Ctrl-C stops both servers.
import { startBackend } from '../../tests/harness/backend.mjs';
import { startApp } from '../../tests/harness/app.mjs';
import { readFileSync } from 'node:fs';

const backend = await startBackend();
backend.script.interactive = true;
backend.reset = () => {};
const page = readFileSync(new URL('index.html', import.meta.url), 'utf8').replace('__BACKEND__', backend.origin);
const app = await startApp(backend.origin, { '/demo': ['text/html', () => page] }, Number(process.env.PORT ?? 3000));
console.log(`demo: open ${app.origin}/demo  (backend ${backend.origin}); Ctrl-C to stop`);
const stop = async () => {
  await Promise.all([app.close(), backend.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
