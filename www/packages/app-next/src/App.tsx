// A @backstage/create-app 0.9 (new frontend system) app: createApp with features, and the
// sign-in wired through an app module's extensions.
import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule, PageBlueprint } from '@backstage/frontend-plugin-api';
import { demoAuthApi, demoSignInPage } from './auth';

const profilePage = PageBlueprint.make({
  name: 'profile',
  params: {
    path: '/',
    title: 'Profile',
    loader: () => import('./ProfilePage').then(m => <m.ProfilePage />),
  },
});

export const appModule = createFrontendModule({
  pluginId: 'app',
  extensions: [demoAuthApi, demoSignInPage, profilePage],
});

export default createApp({ features: [appModule] });
