// A scripted stand-in for the Backstage auth backend on loopback, speaking the protocol
// measured in ../shared/docs/backstage-auth-protocol.md: /refresh, /logout and a /start
// page that answers the opener with postMessage. Tests set `backend.script` and read
// `backend.requests`; the real backend runs in the end-to-end suite.
import http from 'node:http';

export const session = (over = {}) => ({
  profile: { email: 'user@example.test', displayName: 'Test User', picture: 'http://127.0.0.1/p.png' },
  providerInfo: {
    idToken: 'id-token-' + (over.n ?? 1),
    accessToken: 'access-token-' + (over.n ?? 1),
    scope: over.scope ?? 'openid profile email',
    expiresInSeconds: over.expiresInSeconds ?? 3600,
  },
  backstageIdentity: {
    token: 'backstage-token-' + (over.n ?? 1),
    identity: { type: 'user', userEntityRef: 'user:default/user', ownershipEntityRefs: ['user:default/user'] },
    expiresInSeconds: over.backstageExpiresInSeconds ?? 3600,
  },
});

export const defaultScript = () => ({
  // /refresh: 'cookie' answers a session when the refresh cookie is present;
  // 'destroy' then drops the connection instead (a network failure).
  refresh: 'cookie',
  refreshBody: null, // overrides the JSON body (or raw text with refreshRaw)
  refreshRaw: null,
  refreshStatus: 200,
  refreshDelayMs: 0,
  // One step per /refresh that carries the cookie, before the answers above: { status,
  // retryAfter } answers that status; 'destroy' drops the connection; 'cut' sends the
  // headers and half a body, then drops it; 'hang' never answers; null answers normally.
  refreshSequence: [],
  sessionOver: {}, // fields of sessions answered by /refresh and the popup
  popupOver: null, // fields of the popup's session only (defaults to sessionOver)
  // /start: what the popup page posts.
  popupTargetOrigin: null, // defaults to the origin the app sent
  popupMessage: null, // defaults to a success response
  popupCloseWithoutAnswer: false,
  logoutBody: null,
  logoutStatus: 200,
  logoutHang: false, // /logout never answers
});

export function startBackend() {
  const backend = { script: defaultScript(), requests: [], refreshCount: 0, appOrigin: null };
  const cors = (req, res) => {
    const origin = req.headers.origin;
    if (origin) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      // What a cross-origin backend must list for a browser client to read Retry-After.
      res.setHeader('access-control-expose-headers', 'retry-after');
      res.setHeader('vary', 'origin');
    }
  };
  const json = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const hasCookie = req => /(?:^|;\s*)oauth2-refresh-token=/.test(req.headers.cookie ?? '');

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const s = backend.script;
    cors(req, res);
    // Chromium silently re-sends a request whose reused keep-alive socket dies before
    // any answer, so a dropped connection would count once or twice by chance; fresh
    // sockets make the count deterministic.
    if (s.refresh === 'destroy' || s.refreshSequence.includes('destroy')) res.setHeader('connection', 'close');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST');
      res.setHeader('access-control-allow-headers', 'x-requested-with');
      res.writeHead(204);
      return res.end();
    }
    if (url.pathname === '/bench/refresh-count') return json(res, 200, backend.refreshCount);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(404);
      return res.end();
    }
    const entry = {
      method: req.method,
      path: url.pathname,
      search: url.search,
      requestedWith: req.headers['x-requested-with'] ?? null,
      cookie: hasCookie(req),
    };
    // When it arrived, left out of the comparisons of the two clients' requests.
    Object.defineProperty(entry, 'at', { value: Date.now(), enumerable: false });
    backend.requests.push(entry);
    if (url.pathname === '/api/auth/oauth2/refresh') {
      backend.refreshCount++;
      if (s.refreshDelayMs) await new Promise(r => setTimeout(r, s.refreshDelayMs));
      if (s.refresh === 'destroy' && hasCookie(req)) return req.socket.destroy();
      const step = hasCookie(req) && s.refreshSequence.length ? s.refreshSequence.shift() : null;
      if (step === 'destroy') return req.socket.destroy();
      if (step === 'hang') return;
      if (step === 'cut') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        res.write('{"providerInfo":{"accessToken":');
        return setTimeout(() => req.socket.destroy(), 20);
      }
      if (step) {
        res.setHeader('connection', 'close');
        if (step.retryAfter !== undefined) res.setHeader('retry-after', String(step.retryAfter));
        return json(res, step.status, { error: { name: 'Error', message: 'scripted ' + step.status } });
      }
      if (req.headers['x-requested-with'] !== 'XMLHttpRequest') return json(res, 401, { error: { name: 'AuthenticationError', message: 'Invalid X-Requested-With header' } });
      if (s.refreshRaw !== null) return json(res, s.refreshStatus, s.refreshRaw);
      if (s.refreshBody !== null) return json(res, s.refreshStatus, s.refreshBody);
      if (s.refreshStatus !== 200) return json(res, s.refreshStatus, { error: { name: 'Error', message: 'scripted failure' } });
      if (!hasCookie(req)) {
        return json(res, 401, {
          error: { name: 'AuthenticationError', message: 'Refresh failed; caused by InputError: Missing session cookie' },
          request: { method: 'GET', url: req.url },
          response: { statusCode: 401 },
        });
      }
      // The IdP grants what is asked, as oidc-provider does for a registered client.
      const scope = url.searchParams.get('scope') ?? undefined;
      return json(res, 200, session({ n: backend.refreshCount + 100, scope, ...s.sessionOver }));
    }
    if (url.pathname === '/api/auth/oauth2/logout') {
      if (s.logoutHang) return;
      res.setHeader('set-cookie', 'oauth2-refresh-token=; Path=/api/auth/oauth2; Max-Age=0; HttpOnly; SameSite=Lax');
      if (s.logoutStatus !== 200) return json(res, s.logoutStatus, { error: { name: 'Error', message: 'no' } });
      if (s.logoutBody) return json(res, 200, s.logoutBody);
      res.writeHead(200);
      return res.end();
    }
    if (url.pathname === '/api/auth/oauth2/start') {
      const origin = url.searchParams.get('origin');
      if (url.searchParams.get('flow') === 'redirect') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<!doctype html><title>redirect start</title>');
      }
      const target = s.popupTargetOrigin ?? origin;
      const scope = url.searchParams.get('scope') ?? undefined;
      const message = s.popupMessage ?? { type: 'authorization_response', response: session({ n: 1, scope, ...(s.popupOver ?? s.sessionOver) }) };
      res.writeHead(200, {
        'content-type': 'text/html',
        'set-cookie': 'oauth2-refresh-token=r1; Path=/api/auth/oauth2; HttpOnly; SameSite=Lax; Max-Age=86400',
      });
      const post = s.popupCloseWithoutAnswer
        ? ''
        : `const o = window.opener || window.parent;
           o.postMessage({ type: 'config_info', targetOrigin: ${JSON.stringify(target)} }, '*');
           if (${JSON.stringify(target)} === ${JSON.stringify(origin)}) o.postMessage(${JSON.stringify(message)}, ${JSON.stringify(target)});`;
      return res.end(`<!doctype html><title>auth</title><script>${post}; setTimeout(() => window.close(), 50);</script>`);
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise(resolve => {
    server.listen(0, '127.0.0.1', () => {
      backend.origin = `http://127.0.0.1:${server.address().port}`;
      backend.close = () => new Promise(r => server.close(r));
      backend.reset = () => {
        backend.script = defaultScript();
        backend.requests = [];
        backend.refreshCount = 0;
      };
      resolve(backend);
    });
  });
}
