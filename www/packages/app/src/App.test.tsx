import { render, screen } from '@testing-library/react';
import { OAuth2 } from 'backstage-oauth2-wasm';
import App from './App';

describe('App', () => {
  it('renders the sign-in page with the wasm-backed provider', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: { app: { title: 'Test' }, backend: { baseUrl: 'http://localhost:7007' } },
          context: 'test',
        },
      ] as any,
    };
    render(<App />);
    expect(await screen.findByText('Sign in with the demo OpenID Connect provider')).toBeInTheDocument();
  });

  it('loads the wasm client under Jest/jsdom and serves a session', async () => {
    let n = 0;
    const api = OAuth2.create({
      defaultScopes: ['openid'],
      authConnector: {
        async createSession({ scopes }) {
          return {
            providerInfo: { accessToken: `a${++n}`, idToken: 'i', scopes, expiresAt: new Date(Date.now() + 3600e3) },
            profile: { displayName: 'Jest' },
          };
        },
        async refreshSession() {
          throw new Error('no session');
        },
        async removeSession() {},
      },
    });
    const states: string[] = [];
    api.sessionState$().subscribe(s => states.push(s));
    await expect(api.getAccessToken('repo')).resolves.toBe('a1');
    await expect(api.getProfile()).resolves.toEqual({ displayName: 'Jest' });
    expect(states).toEqual(['SignedOut', 'SignedIn']);
  });
});
