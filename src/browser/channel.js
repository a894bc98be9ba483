// A BroadcastChannel between the same-origin pages of the app. It is opened only where the
// browser has both it and Web Locks (the cross-tab refresh needs the two together):
// `undefined` elsewhere (jsdom, Node, older browsers) or where the constructor throws.
export function openChannel(name, onMessage) {
  if (typeof BroadcastChannel !== 'function' || !globalThis.navigator?.locks) return undefined;
  try {
    const channel = new BroadcastChannel(name);
    channel.onmessage = event => onMessage(event.data);
    return channel;
  } catch {
    return undefined;
  }
}

// Posts what this tab announces (`core::crosstab` has the format): a session obtained by a
// request that started at `at`, or, without one, a sign-out at `at`. A message that cannot
// be cloned is dropped.
export function announce(channel, v, tab, at, session) {
  const message = session === undefined ? { v, tab, signedOutAt: at } : { v, tab, since: at, session };
  try {
    channel.postMessage(message);
  } catch {
    // Nothing to tell the other tabs that they could read.
  }
}
