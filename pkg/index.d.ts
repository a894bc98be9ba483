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

/** @public */
export type OAuth2CreateOptions = OAuthApiCreateOptions &
  CrossTabOptions & {
    scopeTransform?: (scopes: string[]) => string[];
    popupOptions?: PopupOptions;
  };

/** @public */
export type OAuth2CreateOptionsWithAuthConnector = CrossTabOptions & {
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
