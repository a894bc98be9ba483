// Sign-in the new-frontend-system way: an ApiBlueprint binds the auth ApiRef to OAuth2 from
// this package, and a SignInPageBlueprint renders core-components' SignInPage with it.
import {
  ApiBlueprint,
  BackstageIdentityApi,
  configApiRef,
  createApiRef,
  discoveryApiRef,
  OAuthApi,
  oauthRequestApiRef,
  OpenIdConnectApi,
  ProfileInfoApi,
  SessionApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { SignInPage } from '@backstage/core-components';
// The one line that differs from a stock app: `from '@backstage/core-app-api'`.
import { OAuth2 } from 'backstage-oauth2-wasm';

export const demoAuthApiRef = createApiRef<
  OAuthApi & OpenIdConnectApi & ProfileInfoApi & BackstageIdentityApi & SessionApi
>().with({ id: 'internal.auth.oauth2', pluginId: 'app' });

export const demoAuthApi = ApiBlueprint.make({
  name: 'demo-auth',
  params: defineParams =>
    defineParams({
      api: demoAuthApiRef,
      deps: { discoveryApi: discoveryApiRef, oauthRequestApi: oauthRequestApiRef, configApi: configApiRef },
      factory: ({ discoveryApi, oauthRequestApi, configApi }) =>
        OAuth2.create({
          discoveryApi,
          oauthRequestApi,
          configApi,
          provider: { id: 'oauth2', title: 'Demo IdP', icon: () => null },
          environment: configApi.getOptionalString('auth.environment'),
          defaultScopes: ['openid', 'profile', 'email', 'offline_access'],
        }),
    }),
});

export const demoSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => props => (
      <SignInPage
        {...props}
        auto={false}
        provider={{
          id: 'oauth2-auth-provider',
          title: 'Demo IdP',
          message: 'Sign in with the demo OpenID Connect provider',
          apiRef: demoAuthApiRef,
        }}
      />
    ),
  },
});
