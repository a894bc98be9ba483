import {
  AnyApiFactory,
  ApiRef,
  BackstageIdentityApi,
  ConfigApi,
  configApiRef,
  createApiFactory,
  createApiRef,
  discoveryApiRef,
  oauthRequestApiRef,
  OAuthApi,
  OpenIdConnectApi,
  ProfileInfoApi,
  SessionApi,
} from '@backstage/core-plugin-api';
// The one line that differs from a stock app: `from '@backstage/core-app-api'`.
import { OAuth2 } from 'backstage-oauth2-wasm';
import type { AuthConnector, OAuth2Session } from 'backstage-oauth2-wasm';

export const demoAuthApiRef: ApiRef<
  OAuthApi & OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi
> = createApiRef({
  id: 'internal.auth.oauth2',
});

const defaultScopes = ['openid', 'profile', 'email', 'offline_access'];

/**
 * Direct mode (`auth.direct` in the config): sign in at the OpenID Connect provider
 * itself, with no auth backend. The direct build is loaded only when sign-in needs it.
 */
function directConnector(configApi: ConfigApi): AuthConnector<OAuth2Session> | undefined {
  const direct = configApi.getOptionalConfig('auth.direct');
  if (!direct) {
    return undefined;
  }
  const appUrl = configApi.getString('app.baseUrl');
  const flow = direct.getOptionalString('flow') === 'redirect' ? 'redirect' : 'popup';
  let connector: Promise<AuthConnector<OAuth2Session>> | undefined;
  const load = () =>
    (connector ??= import('backstage-oauth2-wasm/direct').then(m =>
      m.createDirectAuthConnector({
        issuer: direct.getString('issuer'),
        clientId: direct.getString('clientId'),
        flow,
        redirectUri: `${appUrl}/direct-callback.html`,
        // A full-page sign-in returns to the app itself, which completes it on load.
        returnUri: `${appUrl}/`,
        postLogoutRedirectUri: `${appUrl}/`,
      }),
    ));
  return {
    createSession: async options => (await load()).createSession(options),
    refreshSession: async options => (await load()).refreshSession(options),
    removeSession: async () => (await load()).removeSession(),
  };
}

export const apis: AnyApiFactory[] = [
  createApiFactory({
    api: demoAuthApiRef,
    deps: {
      discoveryApi: discoveryApiRef,
      oauthRequestApi: oauthRequestApiRef,
      configApi: configApiRef,
    },
    factory: ({ discoveryApi, oauthRequestApi, configApi }) => {
      const authConnector = directConnector(configApi);
      if (authConnector) {
        return OAuth2.create({ authConnector, defaultScopes });
      }
      return OAuth2.create({
        discoveryApi,
        oauthRequestApi,
        configApi,
        provider: {
          id: 'oauth2',
          title: 'Demo IdP',
          icon: () => null,
        },
        environment: configApi.getOptionalString('auth.environment'),
        defaultScopes,
      });
    },
  }),
];
