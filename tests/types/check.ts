// `tsc --noEmit` proof that the package's types are a drop-in for core-app-api's OAuth2.
import { OAuth2, type SessionEvent } from 'backstage-oauth2-wasm';
import { OAuth2 as OriginalOAuth2 } from '@backstage/core-app-api';
import type { AuthConnector, OAuth2Session, OAuth2CreateOptions } from '@backstage/core-app-api';
import {
  createApiRef,
  type ApiRef,
  type BackstageIdentityApi,
  type ConfigApi,
  type DiscoveryApi,
  type OAuthApi,
  type OAuthRequestApi,
  type OpenIdConnectApi,
  type ProfileInfoApi,
  type SessionApi,
  type SessionState,
} from '@backstage/core-plugin-api';

declare const discoveryApi: DiscoveryApi;
declare const oauthRequestApi: OAuthRequestApi;
declare const configApi: ConfigApi;

// The seed article's ApiRef, bound to our client exactly as apis.ts binds the original.
export const myAuthApiRef: ApiRef<OAuthApi & OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi> =
  createApiRef({ id: 'internal.auth.oauth2' });

const api: typeof myAuthApiRef.T = OAuth2.create({
  discoveryApi,
  oauthRequestApi,
  configApi,
  provider: { id: 'oauth2', title: 'My IdP', icon: () => null },
  environment: 'development',
  defaultScopes: ['openid', 'profile', 'email', 'offline_access'],
  scopeTransform: scopes => scopes,
  popupOptions: { size: { fullscreen: true } },
});

// This package's one addition to the options, on either form.
OAuth2.create({ discoveryApi, oauthRequestApi, crossTab: false });
OAuth2.create({ authConnector: {} as AuthConnector<OAuth2Session>, crossTab: true, provider: { id: 'x', title: 'X', icon: () => null } });

// The resilience options and the session events.
const resilient = OAuth2.create({
  discoveryApi,
  oauthRequestApi,
  retry: { attempts: 5, baseDelayMs: 500, maxDelayMs: 8000 },
  requestTimeoutMs: 10_000,
  proactiveRefresh: true,
  popupBlocked: 'redirect',
  flow: 'popup',
});
OAuth2.create({ authConnector: {} as AuthConnector<OAuth2Session>, retry: {}, proactiveRefresh: false });
resilient.sessionEvents$().subscribe((e: SessionEvent) => {
  if (e.type === 'refresh-failed' && !e.transient) {
    const why: Error = e.error;
    const attempt: number = e.attempt;
    const next: Date | undefined = e.retryAt;
    void [why, attempt, next];
  } else if (e.type === 'refreshed') {
    const from: 'this-tab' | 'other-tab' = e.origin;
    const until: Date | undefined = e.expiresAt;
    void [from, until];
  }
});
// @ts-expect-error: only 'error' or 'redirect'
OAuth2.create({ discoveryApi, oauthRequestApi, popupBlocked: 'close' });

// Options typed for the original are accepted unchanged.
declare const originalOptions: OAuth2CreateOptions;
OAuth2.create(originalOptions);

// A connector written for the original fits ours, and ours returns the same shapes.
declare const connector: AuthConnector<OAuth2Session>;
const viaConnector = OAuth2.create({ authConnector: connector, defaultScopes: ['openid'] });
const original: typeof myAuthApiRef.T = OriginalOAuth2.create({ authConnector: connector });

async function shapes() {
  const token: string = await api.getAccessToken('repo', { optional: true, instantPopup: false });
  const id: string = await viaConnector.getIdToken();
  const expiresAt: Date | undefined = (await api.getBackstageIdentity())?.expiresAt;
  const ref: string | undefined = (await api.getBackstageIdentity({ optional: true }))?.identity.userEntityRef;
  const email: string | undefined = (await api.getProfile())?.email;
  const set: Set<string> = OAuth2.normalizeScopes('a b', { scopeTransform: s => s });
  const sub = api.sessionState$().subscribe((s: SessionState) => s);
  sub.unsubscribe();
  await api.signIn();
  await api.signOut();
  return [token, id, expiresAt, ref, email, set, original];
}
void shapes;

// Direct mode: the connector fits both clients' authConnector option.
import { createDirectAuthConnector } from 'backstage-oauth2-wasm/direct';
const direct = createDirectAuthConnector({ clientId: 'app', redirectUri: 'http://localhost:3000/direct-callback.html', issuer: 'http://localhost:7011' });
export const viaDirect: typeof myAuthApiRef.T = OAuth2.create({ authConnector: direct, defaultScopes: ['openid'] });
export const originalViaDirect: typeof myAuthApiRef.T = OriginalOAuth2.create({ authConnector: direct });
// Sender-constrained tokens and pushed requests, and a proof for the app's own API call.
const bound = createDirectAuthConnector({ clientId: 'app', redirectUri: 'http://localhost:3000/direct-callback.html', issuer: 'http://localhost:7011', dpop: true, par: true });
export const proof: Promise<string> = bound.createDpopProof({ method: 'GET', url: 'https://api.example/me', accessToken: 'at', nonce: 'n' });
// @ts-expect-error: the method and the URL are required
void bound.createDpopProof({ accessToken: 'at' });
