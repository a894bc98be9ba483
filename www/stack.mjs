// Starts the demo stack on loopback: the OpenID Connect provider (:7011), the Backstage
// backend (:7007) and the built Backstage app (:3000, static files with SPA fallback).
// In direct mode there is no backend: the app signs in at the provider itself, told so by
// an `auth.direct` config block added to the app's index.html when it is served (the way
// Backstage's app-backend injects runtime config). Used by the demo command and the tests.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const www = new URL('.', import.meta.url).pathname;
export const APP = 'http://127.0.0.1:3000';
export const BACKEND = 'http://127.0.0.1:7007';
export const IDP = 'http://127.0.0.1:7011';
/** A second provider, for the tests, that takes only pushed authorization requests. */
export const IDP_STRICT = 'http://127.0.0.1:7012';

async function waitFor(url, what, child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise(r => setTimeout(r, 100));
    }
  }
  throw new Error(`${what} did not start`);
}

function run(name, args, cwd, env, log) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = data => data.toString().split('\n').filter(Boolean).forEach(line => log(`[${name}] ${line}`));
  child.stdout.on('data', prefix);
  child.stderr.on('data', prefix);
  return child;
}

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2' };

const directConfig = flow => ({
  context: 'direct-mode',
  data: { auth: { direct: { issuer: IDP, clientId: 'backstage-direct', flow } } },
});

function withConfig(html, extra) {
  return html.replace(/(<script type="backstage\.io\/config">)([\s\S]*?)(<\/script>)/, (_, open, json, close) =>
    open + JSON.stringify([...JSON.parse(json), extra]) + close,
  );
}

function serveApp(dist, direct, flow, pages) {
  const index = join(dist, 'index.html');
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, APP).pathname);
    if (pages[pathname]) {
      const [type, body] = pages[pathname];
      res.writeHead(200, { 'content-type': type });
      return res.end(body);
    }
    const path = join(dist, pathname);
    const file = path.startsWith(dist) && existsSync(path) && extname(path) ? path : index;
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    const body = readFileSync(file);
    res.end(file === index && direct ? withConfig(body.toString(), directConfig(flow)) : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(3000, '127.0.0.1', () => resolve(server));
  });
}

async function assertFree(url) {
  const busy = await fetch(url).then(
    () => true,
    () => false,
  );
  if (busy) throw new Error(`${url} is already in use: stop whatever listens there first`);
}

/** Starts the servers; `tokenTtl` sets the IdP's access and ID token lifetime; `direct`
 * leaves the backend out and points the app at the IdP, signing in by `flow` ('popup' or
 * 'redirect'); `app` is the app package served: 'app' (the legacy frontend system) or
 * 'app-next' (the new frontend system, backend mode only). For the fault tests,
 * `backendPort` moves the backend behind a proxy the caller runs on :7007 (the backend
 * still calls itself :7007, as behind a reverse proxy), and `idpStore` gives the IdP a
 * file to keep its grants in across restarts; `strictIdp` starts a second provider at
 * IDP_STRICT that requires PAR; `pages` maps paths of the app's origin to `[content type,
 * body]` served in place of the app (the bench's own pages, which must come from a loopback
 * server for the browser to let them call the others). The result can stop and start the
 * backend and the IdP on their own. */
export async function startStack({
  tokenTtl = 3600,
  direct = false,
  flow = 'popup',
  app: appPackage = 'app',
  backendPort = 7007,
  idpStore,
  strictIdp = false,
  pages = {},
  log = () => {},
} = {}) {
  const dist = join(www, 'packages', appPackage, 'dist');
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`build the app first: www/packages/${appPackage}/dist is missing`);
  const backendAt = `http://127.0.0.1:${backendPort}`;
  for (const url of [APP, backendAt, IDP, ...(strictIdp ? [IDP_STRICT] : [])]) await assertFree(url);
  const servers = {
    idp: {
      start: () => run('idp', ['src/index.js'], join(www, 'packages/idp'), { IDP_TOKEN_TTL: String(tokenTtl), ...(idpStore && { IDP_STORE: idpStore }) }, log),
      ready: `${IDP}/.well-known/openid-configuration`,
      what: 'the identity provider',
    },
    'idp-strict': {
      start: () => run('idp-strict', ['src/index.js'], join(www, 'packages/idp'), { IDP_PORT: '7012', IDP_REQUIRE_PAR: '1' }, log),
      ready: `${IDP_STRICT}/.well-known/openid-configuration`,
      what: 'the strict identity provider',
    },
    backend: {
      start: () =>
        run('backend', ['src/index.js', '--config', '../../app-config.yaml'], join(www, 'packages/backend'), { APP_CONFIG_backend_listen_port: String(backendPort) }, log),
      ready: `${backendAt}/api/auth/oauth2/refresh`,
      what: 'the Backstage backend',
    },
  };
  const children = {};
  const startServer = async name => {
    const child = (children[name] = servers[name].start());
    await waitFor(servers[name].ready, servers[name].what, child);
  };
  const stopServer = async name => {
    const child = children[name];
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise(r => child.once('exit', r));
    }
  };
  const names = [...(direct ? ['idp'] : ['idp', 'backend']), ...(strictIdp ? ['idp-strict'] : [])];
  const stop = async () => {
    for (const name of names) await stopServer(name);
    await new Promise(r => app?.close(r) ?? r());
  };
  let app;
  try {
    for (const name of names) await startServer(name);
    app = await serveApp(dist, direct, flow, pages);
  } catch (e) {
    await stop();
    throw e;
  }
  return { stop, startServer, stopServer };
}
