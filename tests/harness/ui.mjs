// What a person does in the demo Backstage apps (legacy and new frontend system share their
// sign-in page and profile page), for the end-to-end suites.
import { APP, BACKEND } from '../../www/stack.mjs';

export const SIGN_IN_TEXT = 'Sign in with the demo OpenID Connect provider';

/** Requests the page makes to the backend's auth endpoints, in order. */
export function recordAuthRequests(page) {
  const seen = [];
  page.on('request', r => {
    const u = new URL(r.url());
    if (u.origin === BACKEND && u.pathname.startsWith('/api/auth/oauth2/')) {
      seen.push({ method: r.method(), path: u.pathname.slice('/api/auth/oauth2'.length), at: Date.now() });
    }
  });
  return seen;
}

/** The signed-in profile page shows `user`. */
export const showsUser = (page, user) => page.getByTestId('user-entity-ref').filter({ hasText: `user:default/${user}` }).waitFor();

/** Logs in as `user` and consents in the IdP's popup, as a person would. */
export async function answerLogin(popup, user) {
  await popup.waitForLoadState();
  // The IdP asks for a login unless its own session outlived a Backstage sign-out.
  const login = popup.getByPlaceholder('Enter any login');
  const consent = popup.getByRole('button', { name: 'Continue' });
  await login.or(consent).waitFor();
  if (await login.isVisible()) {
    await login.fill(user);
    await popup.getByPlaceholder('and password').fill('any password');
    await popup.getByRole('button', { name: 'Sign-in' }).click();
  }
  await consent.click();
}

/** Logs in and consents in the provider's popup, as far as it asks (a provider session
 * and a remembered consent close the popup without any page). */
export async function loginIfAsked(popup, user) {
  const closed = Promise.race([popup.waitForEvent('close'), popup.waitForURL(u => u.href.startsWith(APP), { timeout: 0 })]);
  try {
    await popup.waitForLoadState();
    const form = popup.getByPlaceholder('Enter any login');
    if (await form.isVisible().catch(() => false)) {
      await form.fill(user);
      await popup.getByPlaceholder('and password').fill('any password');
      await popup.getByRole('button', { name: 'Sign-in' }).click();
    }
    await Promise.race([popup.getByRole('button', { name: 'Continue' }).click(), closed]);
  } catch (e) {
    if (!popup.isClosed()) throw e;
  }
}

/** Clicks the sign-in page's button and answers the IdP's popup as `user`. */
export async function signInThroughTheUi(page, user) {
  await page.goto(APP + '/');
  await page.getByText(SIGN_IN_TEXT).waitFor();
  const [popup] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('button', { name: /sign in/i }).click()]);
  await answerLogin(popup, user);
  await popup.waitForEvent('close');
  await showsUser(page, user);
}

/** `n` new tabs of the app, each showing `user` signed in (or, `user` null, the sign-in page). */
export async function openTabs(context, n, user) {
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(APP + '/');
    if (user) await showsUser(page, user);
    else await page.getByText(SIGN_IN_TEXT).waitFor();
    pages.push(page);
  }
  return pages;
}

/** Clicks the sign-in page's button in `page` until it shows `user`; returns the popups
 * that opened meanwhile and the `/start` requests the page made. */
export async function clickSignIn(page, user) {
  const requests = recordAuthRequests(page);
  const popups = [];
  const onPage = p => popups.push(p.url());
  page.context().on('page', onPage);
  await page.getByRole('button', { name: /sign in/i }).click();
  await showsUser(page, user);
  page.context().off('page', onPage);
  return { popups, starts: requests.filter(r => r.path === '/start').length };
}
