import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { AlertDisplay, OAuthRequestDialog, SignInPage } from '@backstage/core-components';
import { Route } from 'react-router-dom';
import { apis, demoAuthApiRef } from './apis';
import { ProfilePage } from './ProfilePage';

const app = createApp({
  apis,
  components: {
    SignInPage: props => (
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

export default app.createRoot(
  <>
    <AlertDisplay />
    <OAuthRequestDialog />
    <AppRouter>
      <FlatRoutes>
        <Route path="/" element={<ProfilePage />} />
      </FlatRoutes>
    </AppRouter>
  </>,
);
