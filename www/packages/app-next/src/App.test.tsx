import { screen, waitFor } from '@testing-library/react';
import { createExtensionTester, renderInTestApp } from '@backstage/frontend-test-utils';
import { ApiBlueprint } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import { OAuth2 } from 'backstage-oauth2-wasm';
import { appModule } from './App';
import { demoAuthApi, demoAuthApiRef, demoSignInPage } from './auth';

/** The wasm client under jsdom, over a JS connector that signs in at once. */
function jestClient() {
  let n = 0;
  return OAuth2.create({
    defaultScopes: ['openid'],
    authConnector: {
      async createSession({ scopes }) {
        return {
          providerInfo: { accessToken: `a${++n}`, idToken: 'i', scopes, expiresAt: new Date(Date.now() + 3600e3) },
          profile: { displayName: 'Jest' },
          backstageIdentity: {
            token: 't',
            identity: { type: 'user', userEntityRef: 'user:default/jest', ownershipEntityRefs: [] },
            expiresAt: new Date(Date.now() + 3600e3),
          },
        };
      },
      async refreshSession() {
        throw new Error('no session');
      },
      async removeSession() {},
    },
  });
}

describe('the new-frontend-system app', () => {
  it('renders the sign-in page of the app module with the wasm client, and signs in with it', async () => {
    expect(appModule.$$type).toBe('@backstage/FrontendModule');
    const SignIn = createExtensionTester(demoSignInPage).get(SignInPageBlueprint.dataRefs.component);
    const onSignInSuccess = jest.fn();
    await renderInTestApp(<SignIn onSignInSuccess={onSignInSuccess} />, {
      config: { app: { title: 'Test' } },
      apis: [[demoAuthApiRef, jestClient()]],
    });
    expect(await screen.findByText('Sign in with the demo OpenID Connect provider')).toBeInTheDocument();
    screen.getByRole('button', { name: /sign in/i }).click();
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    const identity = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe('user:default/jest');
  });

  it('binds the ApiRef to OAuth2 from backstage-oauth2-wasm, which answers signed out under jsdom', async () => {
    const factory = createExtensionTester(demoAuthApi).get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe(demoAuthApiRef.id);
    const requested: string[] = [];
    global.fetch = jest.fn(async (url: string) => {
      requested.push(url);
      return new Response(JSON.stringify({ error: { name: 'AuthenticationError', message: 'no cookie' } }), { status: 401 });
    }) as any;
    const api = factory.factory({
      discoveryApi: { getBaseUrl: async (id: string) => `http://localhost:7007/api/${id}` },
      oauthRequestApi: { createAuthRequester: () => async () => { throw new Error('no dialog'); }, authRequest$: () => undefined },
      configApi: { getOptionalBoolean: () => undefined, getOptionalString: () => undefined },
    }) as OAuth2;
    expect(api).toBeInstanceOf(OAuth2);
    const states: string[] = [];
    api.sessionState$().subscribe(s => states.push(s));
    await expect(api.getBackstageIdentity({ optional: true })).resolves.toBeUndefined();
    await waitFor(() => expect(states).toEqual(['SignedOut']));
    expect(requested).toEqual(['http://localhost:7007/api/auth/oauth2/refresh?optional&scope=openid%20profile%20email%20offline_access&env=development']);
  });
});
