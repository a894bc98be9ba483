// `scripts/demo.sh` ends here: the stack runs until Ctrl-C, which stops every server.
// `--direct` runs direct mode: the app and the identity provider, no Backstage backend.
import { startStack, APP, BACKEND, IDP } from './stack.mjs';

const direct = process.argv.includes('--direct');
const flow = process.argv.includes('--redirect') ? 'redirect' : 'popup';
const stack = await startStack({ direct, flow, log: line => process.env.VERBOSE && console.log(line) });
console.log(
  direct
    ? `\nBackstage demo in direct mode: open ${APP}  (identity provider ${IDP}, no auth backend)`
    : `\nBackstage demo: open ${APP}  (backend ${BACKEND}, identity provider ${IDP})`,
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
