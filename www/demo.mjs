// `scripts/demo.sh` ends here: the stack runs until Ctrl-C, which stops all three servers.
import { startStack, APP, BACKEND, IDP } from './stack.mjs';

const stack = await startStack({ log: line => process.env.VERBOSE && console.log(line) });
console.log(`\nBackstage demo: open ${APP}  (backend ${BACKEND}, identity provider ${IDP})`);
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
