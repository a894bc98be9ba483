// Runs the crate's wasm-bindgen browser tests (tests/browser.rs, tests/browser_direct.rs) in
// headless Chromium through wasm-bindgen-test-runner's own page and harness, driven by
// Playwright instead of ChromeDriver. The runner's server was seen to leave the first page
// load after it starts hanging until ChromeDriver's 300-second timeout (in most clean-clone
// runs of one session), while every later load of the same page completes in under a
// second; here a load that does not finish in 20 s is made again, at most three times.
// Usage: node scripts/wasm-browser-tests.mjs [test.wasm ...]; without arguments it builds the
// test binaries (`cargo test --no-run`, wasm32, feature `direct`) and runs them all.
import { spawn, execFileSync } from 'node:child_process';
import { launch } from '../tests/harness/browser.mjs';

const root = new URL('..', import.meta.url).pathname;
const built = () =>
  execFileSync('cargo', ['test', '--quiet', '--target', 'wasm32-unknown-unknown', '--features', 'direct', '--no-run', '--message-format=json'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  })
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line))
    .filter(m => m.reason === 'compiler-artifact' && m.profile.test && m.target.kind.includes('test'))
    .map(m => m.executable);
const files = process.argv.length > 2 ? process.argv.slice(2) : built();
if (!files.length) throw new Error('no test wasm found');
const browser = await launch();
let failed = false;
for (const file of files) {
  // Port 0: the system picks a free one, which the runner prints.
  const server = spawn('wasm-bindgen-test-runner', [file], {
    env: { ...process.env, NO_HEADLESS: '1', WASM_BINDGEN_TEST_ADDRESS: '127.0.0.1:0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', d => {
      out += d;
      const found = out.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (found) resolve(found[0]);
    });
    server.on('exit', code => reject(new Error(`wasm-bindgen-test-runner exited with ${code}`)));
  });
  let report = null;
  for (let attempt = 1; attempt <= 3 && !report; attempt++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(url, { timeout: 20_000 });
      await page.waitForFunction(() => /test result: /.test(document.body.innerText), null, { timeout: 120_000 });
      report = await page.evaluate(() => document.body.innerText);
    } catch (e) {
      console.log(`[wasm tests] ${file}: load ${attempt} did not finish (${e.message.split('\n')[0]})`);
    } finally {
      await context.close();
    }
  }
  server.kill();
  console.log(`${file}\n${report ?? 'no report'}`);
  if (!report || !/test result: ok\./.test(report)) failed = true;
}
await browser.close();
process.exit(failed ? 1 : 0);
