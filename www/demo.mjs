// `scripts/demo.sh` ends here: the stack runs until Ctrl-C, which stops every server.
// `--direct` runs direct mode: the app and the identity provider, no Backstage backend.
// `--next` serves the new-frontend-system app (www/packages/app-next) instead of the legacy one.
import { startStack, APP, BACKEND, IDP } from './stack.mjs';

const direct = process.argv.includes('--direct');
const next = process.argv.includes('--next');
if (direct && next) throw new Error('--next runs with the Backstage backend; --direct uses the legacy app');
const flow = process.argv.includes('--redirect') ? 'redirect' : 'popup';
const app = next ? 'app-next' : 'app';
const stack = await startStack({ direct, flow, app, log: line => process.env.VERBOSE && console.log(line) });
const system = next ? 'new frontend system' : 'legacy frontend system';
console.log(
  direct
    ? `\nBackstage demo in direct mode: open ${APP}  (identity provider ${IDP}, no auth backend)`
    : `\nBackstage demo (${system}): open ${APP}  (backend ${BACKEND}, identity provider ${IDP})`,
);
console.log('Sign in with any username and password. Ctrl-C stops everything.\n');
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
