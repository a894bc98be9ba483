// The login popup's browser side, as core-app-api's `openLoginPopup`: the window, a message
// listener that lets through only messages from that window and the expected origin, and
// the poll for a window closed without an answer. What a message means is decided in Rust
// (`read`, handed each message's data); the window mechanics cost a third as much here as
// they do as reflection calls from wasm.
export function openLoginPopup(url, answerUrl, name, width, height, read, redirectWhenBlocked) {
  return new Promise((resolve, reject) => {
    width = width || 500;
    height = height || 700;
    const { screen, location } = window;
    const left = screen.width / 2 - width / 2;
    const top = screen.height / 2 - height / 2;
    const origin = new URL(answerUrl).origin;
    const features = `menubar=no,location=no,resizable=no,scrollbars=no,status=no,width=${width},height=${height},top=${top},left=${left}`;
    const popup = window.open(url, name, features);
    if (!popup || typeof popup.closed === 'undefined' || popup.closed) {
      if (!redirectWhenBlocked) throw named('PopupRejectedError', 'Failed to open auth popup.');
      // `popupBlocked: 'redirect'`: the backend's redirect flow, whose `/start` URL differs
      // from the popup's only in its flow parameters. The page unloads; nothing settles.
      location.href = url.replace('&flow=popup', `&redirectUrl=${encodeURIComponent(location.href)}&flow=redirect`);
      return;
    }
    let targetOrigin;
    let closedOnce = false;
    let settled = false;
    const finish = (settle, value) => {
      if (settled) return;
      settled = true;
      removeEventListener('message', onMessage);
      clearInterval(poll);
      settle(value);
    };
    // `read` answers nothing (not for us), { targetOrigin }, { response } or { error }.
    const onMessage = event => {
      if (event.source !== popup || event.origin !== origin) return;
      const r = read(event.data);
      if (!r) return;
      if ('targetOrigin' in r) targetOrigin = r.targetOrigin;
      else if ('error' in r) finish(reject, r.error);
      else finish(resolve, r.response);
    };
    // A popup that posts its answer and closes at once can be seen closed before its
    // message event is handled: it gets one more tick before it counts as closed.
    const poll = setInterval(() => {
      if (!popup.closed) return;
      if (closedOnce) {
        const wrongOrigin = targetOrigin && targetOrigin !== location.origin;
        finish(reject, named('PopupClosedError', wrongOrigin ? `Login failed, Incorrect app origin, expected ${targetOrigin}` : 'Login failed, popup was closed'));
      }
      closedOnce = true;
    }, 100);
    addEventListener('message', onMessage);
  });
}

function named(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}
