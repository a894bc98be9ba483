// Tabs of the test app in one browser context (they share cookies, Web Locks and
// BroadcastChannel, as a person's tabs do), each with a client as `window.c`.

/** A client of `impl` in `page` as `window.c` (its states in `c.states`); `before` is
 * script run in the page first (to take a browser API away, say). */
export function openClient(page, impl, options = {}, before = null) {
  return page.evaluate(
    async ({ impl, options, before }) => {
      if (before) new Function(before)();
      window.h = await import('/harness/page.js');
      window.c = h.client(impl, { options });
      await h.sleep(0);
    },
    { impl, options, before },
  );
}

/** `n` new tabs of the app in `context`, each with a client. */
export async function openTabs(context, origin, n, impl = 'wasm', options = {}, before = null) {
  const pages = [];
  for (let i = 0; i < n; i++) {
    const page = await context.newPage();
    await page.goto(origin + '/');
    await page.waitForFunction('window.ready === true');
    await openClient(page, impl, options, before);
    pages.push(page);
  }
  return pages;
}

/** The `/refresh` requests `n` tabs make between them when each needs a token while their
 * session is due for refresh (every tab's at once: sessions last 181.5 s, just over the
 * 180-second margin, until the tabs are set up; then an hour). In a context of its own. */
export async function refreshesForTabs({ browser, backend, origin }, n, impl, options = {}) {
  backend.reset();
  const context = await browser.newContext();
  Object.assign(backend.script, { sessionOver: { expiresInSeconds: 181.5 }, refreshDelayMs: 150 });
  const pages = await openTabs(context, origin, n, impl, options);
  await pages[0].evaluate(() => h.signInNow(c));
  // Tabs without the session yet sign in from the cookie, as a reload does.
  for (const p of pages.slice(1)) await p.evaluate(() => c.api.getAccessToken(undefined, { optional: true }));
  await new Promise(r => setTimeout(r, 1600));
  backend.script.sessionOver = {};
  const count = () => backend.requests.filter(r => r.path.endsWith('/refresh')).length;
  const before = count();
  const tokens = await Promise.all(pages.map(p => p.evaluate(() => c.api.getAccessToken())));
  const result = { count: count() - before, tokens: new Set(tokens).size };
  await context.close();
  return result;
}
