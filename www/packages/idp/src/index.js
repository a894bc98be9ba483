// The demo's OpenID Connect provider: oidc-provider on loopback, with its built-in login and
// consent pages (any username signs in). Token lifetimes come from the environment so the
// end-to-end tests can make tokens expire soon.
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { fileAdapter } from './store.js';

const port = Number(process.env.IDP_PORT ?? 7011);
const issuer = `http://127.0.0.1:${port}`;
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:7007';
const app = process.env.APP_URL ?? 'http://127.0.0.1:3000';
const tokenTtl = Number(process.env.IDP_TOKEN_TTL ?? 3600);
const store = process.env.IDP_STORE;
// Every authorization request must be pushed first (RFC 9126), as a strict provider asks.
const requirePar = process.env.IDP_REQUIRE_PAR === '1';

const provider = new Provider(issuer, {
  ...(store && { adapter: fileAdapter(store) }),
  clients: [
    {
      client_id: 'backstage-demo',
      client_secret: 'demo-client-secret',
      redirect_uris: [`${backend}/api/auth/oauth2/handler/frame`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // The generic passport strategy sends the secret in the body.
      token_endpoint_auth_method: 'client_secret_post',
    },
    {
      // Direct mode: the app itself is the client, public (no secret), with PKCE.
      client_id: 'backstage-direct',
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${app}/direct-callback.html`, `${app}/`],
      post_logout_redirect_uris: [`${app}/`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    {
      // Direct mode with sender-constrained tokens: access tokens must be DPoP-bound
      // (RFC 9449 5.2); refresh tokens of a public client always are.
      client_id: 'backstage-direct-dpop',
      token_endpoint_auth_method: 'none',
      redirect_uris: [`${app}/direct-callback.html`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      dpop_bound_access_tokens: true,
    },
  ],
  // The public client calls the token endpoint from the app's pages.
  clientBasedCORS: (ctx, origin, client) => client.clientId.startsWith('backstage-direct') && origin === app,
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: `${id}@example.test`, email_verified: true, name: id, preferred_username: id };
      },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  // The ID token carries email and name, which the backend's profile is read from.
  conformIdTokenClaims: false,
  pkce: { required: () => false },
  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
    revocation: { enabled: true },
    // Server-provided nonces on every DPoP proof (RFC 9449 8, 9), so that clients must
    // answer `use_dpop_nonce`.
    dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: requirePar },
  },
  ttl: {
    AccessToken: tokenTtl,
    IdToken: tokenTtl,
    RefreshToken: 24 * 3600,
    Grant: 24 * 3600,
    Session: 24 * 3600,
    Interaction: 3600,
  },
  cookies: { keys: ['demo-idp-cookie-key-not-for-production'] },
});
provider.proxy = false;
// One line per token grant, so the end-to-end tests can count refresh-token grants.
provider.on('grant.success', ctx => console.log(`grant ${ctx.oidc.params.grant_type} ${ctx.oidc.client?.clientId}${ctx.get('DPoP') ? ' dpop' : ''}`));

provider.listen(port, '127.0.0.1', () => {
  console.log(`idp: ${issuer} (token lifetime ${tokenTtl} s${requirePar ? ', PAR required' : ''})`);
});
