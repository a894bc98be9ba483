// Types of backstage-oauth2-wasm/direct: the direct-mode connector, for the OAuth2 class of
// the package's main entry (or of @backstage/core-app-api).
import type { AuthConnector, OAuth2Session } from './index';

/** @public */
export type DirectAuthConnectorOptions = {
  /** The client registered at the provider as a public client (no secret), with PKCE. */
  clientId: string;
  /** The page serving direct-callback.html, registered as a redirect URI (popup and silent
   * sign-ins). */
  redirectUri: string;
  /** For `flow: 'redirect'`: the app page the provider returns to, registered as a redirect
   * URI too (default: the app's origin + '/'). The app completes the sign-in when it loads. */
  returnUri?: string;
  /** The issuer; its /.well-known/openid-configuration gives the endpoints. */
  issuer?: string;
  /** Endpoints given explicitly instead of discovery (all three, with `issuer`). */
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  jwksUri?: string;
  endSessionEndpoint?: string;
  /** With explicit endpoints: the provider's PAR endpoint (RFC 9126), whether it requires
   * PAR, and whether it sends `iss` in every authorization response (RFC 9207). Discovery
   * reads them from the provider's document. */
  pushedAuthorizationRequestEndpoint?: string;
  requirePushedAuthorizationRequests?: boolean;
  authorizationResponseIssParameterSupported?: boolean;
  /** Leeway for `exp` and `iat`, in seconds (default 60). */
  clockSkewSeconds?: number;
  /** The claim naming the user (default `preferred_username`, else `sub`) and the namespace. */
  identity?: { claim?: string; namespace?: string };
  /** Sign out at the provider too (RP-initiated logout with id_token_hint); default true. */
  endSession?: boolean;
  postLogoutRedirectUri?: string;
  /** `'popup'` (default) or `'redirect'`: a full-page redirect to the provider and back to
   * `returnUri`. */
  flow?: 'popup' | 'redirect';
  /** Where `getProfile()` comes from: the ID token's claims (default) or the userinfo
   * endpoint (`'userinfo'`, one request per sign-in or refresh). */
  profile?: 'idToken' | 'userinfo';
  userinfoEndpoint?: string;
  /** How long a silent (prompt=none) sign-in after a reload may take, in ms (default 10000). */
  silentTimeoutMs?: number;
  /** Sender-constrained tokens (DPoP, RFC 9449): a non-extractable P-256 key, kept in this
   * connector's memory, signs a proof for every token, PAR and userinfo request; the
   * provider binds the refresh token (and, where it does, the access token) to the key. */
  dpop?: boolean;
  /** Push every authorization request first (PAR, RFC 9126); on by itself when the provider
   * requires it (`require_pushed_authorization_requests`). */
  par?: boolean;
};

/** A Backstage AuthConnector that signs in straight at an OpenID Connect provider. */
export declare class DirectAuthConnector implements AuthConnector<OAuth2Session> {
  private constructor();
  /** An interactive sign-in (popup, or full-page redirect). */
  createSession(options: { scopes: Set<string>; instantPopup?: boolean }): Promise<OAuth2Session>;
  /** The refresh_token grant, or a silent prompt=none sign-in when there is no refresh token
   * (after a reload) or it was refused as spent. Rejects with `AuthConnectionError` when the
   * provider cannot be reached (the session is kept), and with `AuthenticationError` after
   * `removeSession()` until the next `createSession()`. */
  refreshSession(options?: { scopes: Set<string> }): Promise<OAuth2Session>;
  /** Forgets the tokens; with `endSession`, leaves for the provider's end-session endpoint. */
  removeSession(): Promise<void>;
  /** A DPoP proof (the `DPoP` header) for an app's own request to an API that takes the
   * DPoP-bound access token as `Authorization: DPoP <accessToken>`; `nonce` is the API's
   * `DPoP-Nonce` when it asked for one (without it, the nonce last heard from that origin). Rejects with a TypeError without `dpop: true`. */
  createDpopProof(options: { method: string; url: string; accessToken?: string; nonce?: string }): Promise<string>;
  free(): void;
}

export declare function createDirectAuthConnector(options: DirectAuthConnectorOptions): DirectAuthConnector;

/** For a redirect URI page that is part of the app: posts the response to the opener or parent. */
export declare function handleDirectCallback(): boolean;

/** Diagnostics: bytes of this entry's wasm linear memory in use (for leak checks). */
export declare function wasmMemoryBytes(): number;
