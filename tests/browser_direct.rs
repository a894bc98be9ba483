//! Direct mode's ID token signatures in real headless Chromium: keys made by WebCrypto,
//! tokens signed in JS, verified by `connector::direct::crypto` (RS256 and ES256); and the
//! connector's sign-out marker, with and without `localStorage`.
#![cfg(all(target_arch = "wasm32", feature = "direct"))]

use backstage_oauth2_wasm::connector::direct::crypto::{find_key, verify};
use backstage_oauth2_wasm::connector::direct::{create_direct_auth_connector, DirectAuthConnector};
use backstage_oauth2_wasm::core::oidc::{decode, IdTokenError};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const b64 = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const text = s => b64(new TextEncoder().encode(s));
const params = {
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, { name: 'RSASSA-PKCS1-v1_5' }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }],
};
// A key pair, its public JWK in a JWKS (with a decoy key), and a signed token.
export async function signed(alg, kid) {
  const [gen, sign] = params[alg];
  const pair = await crypto.subtle.generateKey(gen, true, ['sign', 'verify']);
  const jwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid, alg, use: 'sig' };
  const decoy = { ...jwk, kid: 'other' };
  const now = Math.floor(Date.now() / 1000);
  const input = text(JSON.stringify({ alg, kid })) + '.' + text(JSON.stringify({ iss: 'http://idp', sub: 's', aud: 'app', exp: now + 60, iat: now }));
  const sig = await crypto.subtle.sign(sign, pair.privateKey, new TextEncoder().encode(input));
  return { token: input + '.' + b64(sig), jwks: { keys: [decoy, jwk] } };
}
"#)]
extern "C" {
    fn signed(alg: &str, kid: &str) -> Promise;
}

async fn fixture(alg: &str) -> (String, JsValue) {
    let v = JsFuture::from(signed(alg, "k1")).await.unwrap();
    let token = js_sys::Reflect::get(&v, &"token".into()).unwrap().as_string().unwrap();
    (token, js_sys::Reflect::get(&v, &"jwks".into()).unwrap())
}

fn tamper(token: &str) -> String {
    let (head, sig) = token.rsplit_once('.').unwrap();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    [head, ".", flipped, &sig[1..]].concat()
}

async fn check(alg: &str) {
    let (token, jwks) = fixture(alg).await;
    let jwt = decode(&token).unwrap();
    let key = find_key(&jwks, &jwt).unwrap();
    assert_eq!(verify(&key, &jwt).await, Ok(()), "{alg} signature verifies");
    let bad = decode(&tamper(&token)).unwrap();
    assert_eq!(
        verify(&key, &bad).await,
        Err(IdTokenError::Signature),
        "{alg} tampered signature fails"
    );
}

#[wasm_bindgen_test]
async fn rs256_signatures_verify_and_tampering_fails() {
    check("RS256").await;
}

#[wasm_bindgen_test]
async fn es256_signatures_verify_and_tampering_fails() {
    check("ES256").await;
}

#[wasm_bindgen_test]
async fn keys_are_chosen_by_kid() {
    let (token, jwks) = fixture("ES256").await;
    let mut jwt = decode(&token).unwrap();
    jwt.header.kid = Some("missing".into());
    assert_eq!(find_key(&jwks, &jwt), Err(IdTokenError::UnknownKey));
    // The decoy (kid "other") has the same key material but is not this token's key.
    jwt.header.kid = Some("other".into());
    assert!(find_key(&jwks, &jwt).is_ok());
}

#[wasm_bindgen(inline_js = r#"
// Endpoints nobody answers: these tests never reach the network.
export const options = () => ({
  clientId: 'signed-out-test', redirectUri: 'http://127.0.0.1:9/cb', issuer: 'http://127.0.0.1:9',
  authorizationEndpoint: 'http://127.0.0.1:9/auth', tokenEndpoint: 'http://127.0.0.1:9/token',
  jwksUri: 'http://127.0.0.1:9/jwks', endSession: false,
});
// localStorage is an own property of the global object: kept, to be put back.
const storage = Object.getOwnPropertyDescriptor(window, 'localStorage');
export function storageAvailable(on) {
  const denied = { configurable: true, get() { throw new DOMException('denied', 'SecurityError'); } };
  Object.defineProperty(window, 'localStorage', on ? storage : denied);
}
export const clearMarker = () => localStorage.removeItem('backstage-oauth2-wasm:direct:signed-out:signed-out-test');
export const scopes = () => ({ scopes: new Set(['openid']) });
"#)]
extern "C" {
    fn options() -> JsValue;
    #[wasm_bindgen(js_name = storageAvailable)]
    fn storage_available(on: bool);
    #[wasm_bindgen(js_name = clearMarker)]
    fn clear_marker();
    fn scopes() -> JsValue;
}

/// `refreshSession`'s rejection: the error's name and message.
async fn refresh_error(connector: &DirectAuthConnector) -> (String, String) {
    let err = JsFuture::from(connector.refresh_session(scopes())).await.unwrap_err();
    let get = |k: &str| {
        js_sys::Reflect::get(&err, &k.into())
            .unwrap()
            .as_string()
            .unwrap_or_default()
    };
    (get("name"), get("message"))
}

const SIGNED_OUT: &str = "Signed out: a new session needs an interactive sign-in";

#[wasm_bindgen_test]
async fn a_sign_out_holds_for_every_connector_of_the_origin() {
    clear_marker();
    let tab = create_direct_auth_connector(options()).unwrap();
    JsFuture::from(tab.remove_session()).await.unwrap();
    assert_eq!(
        refresh_error(&tab).await,
        ("AuthenticationError".into(), SIGNED_OUT.into())
    );
    // Another tab, or this one after a reload.
    let other = create_direct_auth_connector(options()).unwrap();
    assert_eq!(
        refresh_error(&other).await,
        ("AuthenticationError".into(), SIGNED_OUT.into())
    );
    clear_marker();
}

#[wasm_bindgen_test]
async fn without_storage_a_sign_out_holds_for_the_page() {
    clear_marker();
    storage_available(false);
    let tab = create_direct_auth_connector(options()).unwrap();
    JsFuture::from(tab.remove_session()).await.unwrap();
    let refused = refresh_error(&tab).await;
    storage_available(true);
    assert_eq!(refused, ("AuthenticationError".into(), SIGNED_OUT.into()));
}
