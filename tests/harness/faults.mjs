// A reverse proxy on the backend's public address (:7007) in front of the real Backstage
// backend, which injects the faults a network, a proxy or a load balancer brings into the
// answers to one path (by default `/refresh`). Everything else passes through unchanged,
// the popup's /start and /handler/frame included. When the backend is down, the client's
// connection is dropped as the backend's own closed port would refuse it.
import http from 'node:http';

export const REFRESH = '/api/auth/oauth2/refresh';

/** The HTML page a proxy answers with when its upstream fails. */
export const PROXY_ERROR_PAGE =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** `fault`: null, or { mode: 'slow', ms } | { mode: 'cut' } | { mode: 'html' }. */
export function startFaultProxy({ port = 7007, upstream }) {
  const proxy = { fault: null, path: REFRESH };
  const server = http.createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const fault = path === proxy.path && req.method !== 'OPTIONS' ? proxy.fault : null;
    if (fault?.mode === 'html') {
      // Stock Backstage serves the app from the backend's origin, so its pages see a proxy's
      // 502 as it is; here the app is on another origin, and without these headers the
      // browser would hide the answer behind a CORS failure.
      res.writeHead(502, {
        'content-type': 'text/html',
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-allow-credentials': 'true',
      });
      return res.end(PROXY_ERROR_PAGE);
    }
    if (fault?.mode === 'slow') await new Promise(r => setTimeout(r, fault.ms));
    const target = new URL(req.url, upstream);
    const forward = http.request(target, { method: req.method, headers: req.headers }, answer => {
      if (fault?.mode !== 'cut') {
        res.writeHead(answer.statusCode, answer.headers);
        return answer.pipe(res);
      }
      // Headers and half the body, then the connection ends: a reset mid-response.
      const chunks = [];
      answer.on('data', c => chunks.push(c));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': String(body.length), connection: 'close' });
        res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => req.socket.destroy(), 20));
      });
    });
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  return new Promise(resolve =>
    server.listen(port, '127.0.0.1', () => {
      proxy.close = () => new Promise(r => {
        server.closeAllConnections();
        server.close(r);
      });
      resolve(proxy);
    }),
  );
}
