// The demo's Backstage backend: the stock auth plugin with the generic OAuth2 authenticator,
// registered by a small module with a catalog-free sign-in resolver (the demo has no catalog:
// the user entity is named after the account at the identity provider).
const { createBackend } = require('@backstage/backend-defaults');
const { createBackendModule } = require('@backstage/backend-plugin-api');
const { authProvidersExtensionPoint, createOAuthProviderFactory } = require('@backstage/plugin-auth-node');
const { oauth2Authenticator } = require('@backstage/plugin-auth-backend-module-oauth2-provider');

function userName(profile, result) {
  const fromEmail = profile.email ? profile.email.split('@')[0] : undefined;
  const raw = fromEmail ?? result.fullProfile?.id ?? 'user';
  return raw.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
}

const demoOAuth2Provider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-oauth2-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'oauth2',
          factory: createOAuthProviderFactory({
            authenticator: oauth2Authenticator,
            async signInResolver({ profile, result }, ctx) {
              const ref = `user:default/${userName(profile, result)}`;
              return ctx.issueToken({ claims: { sub: ref, ent: [ref] } });
            },
          }),
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(require('@backstage/plugin-auth-backend'));
backend.add(demoOAuth2Provider);
backend.start();
