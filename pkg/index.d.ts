// Types of backstage-oauth2-wasm: the same public surface as `OAuth2` of
// @backstage/core-app-api 1.20.7, so swapping the import changes no types.
import type {
  AuthProviderInfo,
  AuthRequestOptions,
  BackstageIdentityApi,
  BackstageIdentityResponse,
  ConfigApi,
  DiscoveryApi,
  OAuthApi,
  OAuthRequestApi,
  OpenIdConnectApi,
  ProfileInfo,
  ProfileInfoApi,
  SessionApi,
  SessionState,
} from '@backstage/core-plugin-api';
import type { Observable } from '@backstage/types';

/** @public */
export type AuthConnectorCreateSessionOptions = {
  scopes: Set<string>;
  instantPopup?: boolean;
};

/** @public */
export type AuthConnectorRefreshSessionOptions = {
  scopes: Set<string>;
};

/** @public */
export type AuthConnector<AuthSession> = {
  createSession(options: AuthConnectorCreateSessionOptions): Promise<AuthSession>;
  refreshSession(options?: AuthConnectorRefreshSessionOptions): Promise<AuthSession>;
  removeSession(): Promise<void>;
};

/** @public */
export type PopupOptions = {
  size?:
    | { width: number; height: number; fullscreen?: never }
    | { width?: never; height?: never; fullscreen: boolean };
};

/** @public */
export type OAuth2Session = {
  providerInfo: {
    idToken: string;
    accessToken: string;
    scopes: Set<string>;
    expiresAt?: Date;
  };
  profile: ProfileInfo;
  backstageIdentity?: BackstageIdentityResponse;
};

/** @public */
export type AuthApiCreateOptions = {
  discoveryApi: DiscoveryApi;
  environment?: string;
  provider?: AuthProviderInfo;
  configApi?: ConfigApi;
};

/** @public */
export type OAuthApiCreateOptions = AuthApiCreateOptions & {
  oauthRequestApi: OAuthRequestApi;
  defaultScopes?: string[];
};

/** What this package adds to the options of `@backstage/core-app-api`'s `OAuth2.create`. */
export type CrossTabOptions = {
  /**
   * One session for every tab of the app (same origin, provider id and environment), over
   * BroadcastChannel and the refresh Web Lock, never storage: one `/refresh` serves every
   * tab, and signing in or out in one tab signs every tab in or out (a tab that was signed
   * in starts its page again, so the app shows its sign-in page). Default `true`; `false`
   * behaves exactly as 1.20.7. Where BroadcastChannel or Web Locks are missing it is off.
   * With an `authConnector`, only sign-outs are shared.
   */
  crossTab?: boolean;
};

/** `retry`: how a failed `/refresh` is tried again. */
export type RetryOptions = {
  /** Tries of one `/refresh` in all, the first included. Default 3. */
  attempts?: number;
  /**
   * The first wait, in ms. Default 500. Each wait is at least the one before: the n-th lies
   * in the upper half of `baseDelayMs · 2ⁿ⁻¹` (jitter), capped by `maxDelayMs`.
   */
  baseDelayMs?: number;
  /**
   * The longest wait, in ms. Default 8000. A `Retry-After` on a 429 or 503 replaces the
   * computed wait; one longer than this ends the tries. (A backend on another origin must
   * list `Retry-After` in `Access-Control-Expose-Headers` for the browser to show it.)
   */
  maxDelayMs?: number;
};

/**
 * What this package adds for sessions that survive flaky networks and sleeping laptops.
 * Every default is 1.20.7's behaviour.
 */
export type ResilienceOptions = {
  /**
   * Try a transient `/refresh` failure again: a network error, a timeout, 408, 429 or 5xx
   * (401, 403 and every other answer are final and never retried; `/logout` is never
   * retried). Calls that need the session wait for the one schedule; after the last try
   * they get an `AuthConnectionError` and the session is kept. Absent: no retry.
   */
  retry?: RetryOptions;
  /**
   * A `/refresh` or `/logout` slower than this (ms, the body included) fails with an
   * `AuthConnectionError`, which `retry` tries again. Absent: no timeout.
   */
  requestTimeoutMs?: number;
  /**
   * Refresh in the background when the session enters its refresh window (3 minutes before
   * it expires), and when the tab becomes visible or comes back online, judged by the wall
   * clock (a tab that slept through its timer refreshes when it wakes). With `crossTab`, one
   * tab refreshes for all. Default `false`.
   */
  proactiveRefresh?: boolean;
  /**
   * A sign-in popup the browser blocks: `'error'` rejects with `PopupRejectedError`, as
   * 1.20.7 does (the default); `'redirect'` goes on with the backend's redirect flow.
   */
  popupBlocked?: 'error' | 'redirect';
  /**
   * How this provider signs in: in a popup, or by a full-page redirect (`/start?flow=redirect`).
   * Default: the config's `enableExperimentalRedirectFlow`, as 1.20.7.
   */
  flow?: 'popup' | 'redirect';
};

/** @public */
export type OAuth2CreateOptions = OAuthApiCreateOptions &
  CrossTabOptions &
  ResilienceOptions & {
    scopeTransform?: (scopes: string[]) => string[];
    popupOptions?: PopupOptions;
  };

/** What `sessionEvents$()` tells. */
export type SessionEvent =
  /** A `/refresh` brought a session, in this tab or another (`crossTab`). */
  | { type: 'refreshed'; origin: 'this-tab' | 'other-tab'; expiresAt?: Date }
  /**
   * A refresh of a session this tab had failed, or a try that is retried (`retryAt`) or was
   * the last of several. `transient: false` means the session is over: send the person
   * back to sign-in.
   */
  | { type: 'refresh-failed'; transient: boolean; attempt: number; retryAt?: Date; error: Error }
  | { type: 'signed-in-elsewhere' }
  | { type: 'signed-out-elsewhere' };

/** @public */
export type OAuth2CreateOptionsWithAuthConnector = CrossTabOptions &
  Pick<ResilienceOptions, 'retry' | 'proactiveRefresh'> & {
  scopeTransform?: (scopes: string[]) => string[];
  defaultScopes?: string[];
  authConnector: AuthConnector<OAuth2Session>;
  /** Only its `id` is read: it names the channel whose tabs share sign-outs. */
  provider?: AuthProviderInfo;
  /** Only read to name the channel (default `'development'`). */
  environment?: string;
};

/**
 * Implements a generic OAuth2 flow for auth, in WebAssembly.
 * @public
 */
export declare class OAuth2
  implements OAuthApi, OpenIdConnectApi, ProfileInfoApi, BackstageIdentityApi, SessionApi
{
  static create(options: OAuth2CreateOptions | OAuth2CreateOptionsWithAuthConnector): OAuth2;
  private constructor();
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  sessionState$(): Observable<SessionState>;
  /** What happens to the session (this package's addition), with `sessionState$`'s contract. */
  sessionEvents$(): Observable<SessionEvent>;
  getAccessToken(scope?: string | string[], options?: AuthRequestOptions): Promise<string>;
  getIdToken(options?: AuthRequestOptions): Promise<string>;
  getBackstageIdentity(options?: AuthRequestOptions): Promise<BackstageIdentityResponse | undefined>;
  getProfile(options?: AuthRequestOptions): Promise<ProfileInfo | undefined>;
  static normalizeScopes(
    scopes?: string | string[],
    options?: { scopeTransform: (scopes: string[]) => string[] },
  ): Set<string>;
  /** Releases the wasm-side state now instead of at garbage collection. */
  free(): void;
}

/** Diagnostics: bytes of wasm linear memory the client currently holds. */
export declare function wasmMemoryBytes(): number;
