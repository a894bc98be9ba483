// Direct mode's callback: hand the query (code, state, or error) to the opener (popup
// sign-in) or the parent (silent sign-in in an iframe), addressed to this origin only, so
// no other site can read it. The connector then checks `state` before using the code.
(function () {
  var target = window.opener || (window.parent !== window ? window.parent : null);
  if (!target) return;
  target.postMessage({ type: 'backstage-oauth2-wasm:callback', search: location.search }, location.origin);
  if (window.opener) window.close();
})();
