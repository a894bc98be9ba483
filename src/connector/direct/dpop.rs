//! The connector's DPoP key (RFC 9449) and the nonces servers gave it.
//!
//! The key is an ECDSA P-256 pair made by WebCrypto on the first request that needs it, its
//! private half non-extractable: script on the page can ask for signatures while the page
//! lives, but can never read the key out, so a token copied out of the page is useless
//! elsewhere. It is kept in this connector's memory only, like the refresh token bound to
//! it: both end with the page, and the next page signs in silently with a new key. Storing
//! it (IndexedDB) would keep a key alive with no token left to use it.

use super::random_token;
use crate::browser::{errors, js};
use crate::core::dpop::{self, Proof, PublicKey};
use core::cell::RefCell;
use std::string::String;
use std::vec::Vec;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[derive(Default)]
pub struct Dpop {
    /// `crypto.subtle.generateKey`'s promise: callers that race to the first proof share
    /// one key.
    pair: RefCell<Option<js_sys::Promise>>,
    public: RefCell<Option<PublicKey>>,
    /// The latest `DPoP-Nonce` of each origin (the provider's, an API's).
    nonces: RefCell<Vec<(String, String)>>,
}

fn subtle() -> JsValue {
    js::get(&js::get(&js::global(), "crypto"), "subtle")
}

fn ecdsa(extra: (&str, &str)) -> JsValue {
    js::object(&[
        ("name", &JsValue::from_str("ECDSA")),
        (extra.0, &JsValue::from_str(extra.1)),
    ])
}

async fn settle(value: JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(js_sys::Promise::resolve(&value)).await
}

impl Dpop {
    async fn pair(&self) -> Result<JsValue, JsValue> {
        let pending = self.pair.borrow().clone();
        let promise = match pending {
            Some(p) => p,
            None => {
                let usages: JsValue = js_sys::Array::of2(&"sign".into(), &"verify".into()).into();
                let args = js_sys::Array::of3(&ecdsa(("namedCurve", "P-256")), &JsValue::FALSE, &usages);
                let made = js::call_method_with(&subtle(), "generateKey", &args)?;
                let p = js_sys::Promise::resolve(&made);
                *self.pair.borrow_mut() = Some(p.clone());
                p
            }
        };
        JsFuture::from(promise).await
    }

    /// The key pair, and its public half as the proofs' header carries it.
    async fn key(&self) -> Result<(JsValue, PublicKey), JsValue> {
        let pair = self.pair().await?;
        if let Some(k) = self.public.borrow().clone() {
            return Ok((pair, k));
        }
        let public = js::get(&pair, "publicKey");
        let jwk = settle(js::call_method(&subtle(), "exportKey", &[&"jwk".into(), &public])?).await?;
        let key = PublicKey::p256(js::get_string(&jwk, "x"), js::get_string(&jwk, "y"));
        *self.public.borrow_mut() = Some(key.clone());
        Ok((pair, key))
    }

    pub async fn public_key(&self) -> Result<PublicKey, JsValue> {
        Ok(self.key().await?.1)
    }

    /// A proof for one request; without a `nonce`, with the one last heard from its origin.
    pub async fn proof(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
        nonce: Option<&str>,
    ) -> Result<String, JsValue> {
        let (pair, key) = self.key().await?;
        let heard = self.nonce(url);
        let jti = random_token()?;
        let proof = Proof {
            method,
            url,
            access_token,
            nonce: nonce.or(heard.as_deref()),
            jti: &jti,
            iat_s: (js_sys::Date::now() / 1000.0) as u64,
        };
        let input =
            dpop::signing_input(&key, &proof).map_err(|_| errors::type_error(&["DPoP: not an absolute URL: ", url]))?;
        let private = js::get(&pair, "privateKey");
        let data: JsValue = js_sys::Uint8Array::from(input.as_bytes()).into();
        let args = js_sys::Array::of3(&ecdsa(("hash", "SHA-256")), &private, &data);
        let signature = settle(js::call_method_with(&subtle(), "sign", &args)?).await?;
        Ok(dpop::assemble(&input, &js_sys::Uint8Array::new(&signature).to_vec()))
    }

    fn nonce(&self, url: &str) -> Option<String> {
        let origin = dpop::origin(url)?;
        self.nonces
            .borrow()
            .iter()
            .find(|(o, _)| o == origin)
            .map(|(_, n)| n.clone())
    }

    /// Keeps a server's new nonce; true when it differs from the one the request used.
    pub fn note_nonce(&self, url: &str, nonce: Option<String>) -> bool {
        let (Some(origin), Some(nonce)) = (dpop::origin(url), nonce) else {
            return false;
        };
        let mut nonces = self.nonces.borrow_mut();
        match nonces.iter_mut().find(|(o, _)| *o == origin) {
            Some((_, n)) if *n == nonce => false,
            Some((_, n)) => {
                *n = nonce;
                true
            }
            None => {
                nonces.push((origin.into(), nonce));
                true
            }
        }
    }
}
