// The set-up the package-level suites share: the scripted backend, the test app and one
// headless Chromium page, started before a suite's tests and closed after them, and `run`,
// which runs a scenario in a fresh page with a fresh backend script and cookie jar. The
// bindings are live: read them in tests, after the suite has started.
import { before, after } from 'node:test';
import { startBackend } from './backend.mjs';
import { startApp } from './app.mjs';
import { launch } from './browser.mjs';

export let backend, app, browser, context, page;

/** Registers the suite's start and stop (call once, at the top of a test file). */
export function useScriptedStack() {
  before(async () => {
    backend = await startBackend();
    app = await startApp(backend.origin);
    browser = await launch();
    context = await browser.newContext();
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await backend?.close();
  });
}

/** Runs `scenario({ impl, args, app, backend })` in a fresh page of the app. With
 * `signedIn` (create options), the page first has a client of `impl` signed in, as
 * `window.c`, with its `sessionEvents$` collected (`h.signedIn` of harness/page.js), and the
 * page helpers as `window.h`. Returns what the scenario returned and the backend's requests. */
export async function run(impl, scenario, { script = {}, args = {}, signedIn = null } = {}) {
  backend.reset();
  Object.assign(backend.script, script);
  await context.clearCookies();
  await page.goto(app.origin + '/');
  await page.waitForFunction('window.ready === true');
  if (signedIn) {
    await page.evaluate(
      async ([impl, options]) => {
        window.h = await import('/harness/page.js');
        await h.signedIn(impl, options);
      },
      [impl, signedIn],
    );
  }
  const result = await page.evaluate(scenario, { impl, args, app: app.origin, backend: backend.origin });
  return { result, requests: backend.requests };
}
