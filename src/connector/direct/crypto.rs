//! ID token signatures, verified with WebCrypto against the provider's JWKS.

use crate::browser::js;
use crate::browser::record::JsRecord;
use crate::core::oidc::{select_key, DecodedJwt, IdTokenError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

fn algorithm(alg: &str) -> Option<(JsValue, JsValue)> {
    let name = |n: &str| JsValue::from_str(n);
    match alg {
        "RS256" => Some((
            js::object(&[("name", &name("RSASSA-PKCS1-v1_5")), ("hash", &name("SHA-256"))]),
            js::object(&[("name", &name("RSASSA-PKCS1-v1_5"))]),
        )),
        // JWS carries ECDSA signatures as raw r || s, the format WebCrypto verifies.
        "ES256" => Some((
            js::object(&[("name", &name("ECDSA")), ("namedCurve", &name("P-256"))]),
            js::object(&[("name", &name("ECDSA")), ("hash", &name("SHA-256"))]),
        )),
        _ => None,
    }
}

/// The JWKS key for this token (the rule is [`select_key`]'s).
pub fn find_key(jwks: &JsValue, jwt: &DecodedJwt) -> Result<JsValue, IdTokenError> {
    select_key(&JsRecord(jwks.clone()), &jwt.header).map(|k| k.0)
}

pub async fn verify(key: &JsValue, jwt: &DecodedJwt) -> Result<(), IdTokenError> {
    let (import, verify) = algorithm(&jwt.header.alg).ok_or(IdTokenError::UnsupportedAlgorithm)?;
    let subtle = js::get(&js::get(&js::global(), "crypto"), "subtle");
    let usages: JsValue = js_sys::Array::of1(&JsValue::from_str("verify")).into();
    let args = js_sys::Array::of5(&JsValue::from_str("jwk"), key, &import, &JsValue::FALSE, &usages);
    let imported = js::call_method_with(&subtle, "importKey", &args).map_err(|_| IdTokenError::Signature)?;
    let imported = JsFuture::from(js_sys::Promise::resolve(&imported))
        .await
        .map_err(|_| IdTokenError::Signature)?;
    let signature: JsValue = js_sys::Uint8Array::from(jwt.signature.as_slice()).into();
    let data: JsValue = js_sys::Uint8Array::from(jwt.signing_input.as_bytes()).into();
    let args = js_sys::Array::of4(&verify, &imported, &signature, &data);
    let ok = js::call_method_with(&subtle, "verify", &args).map_err(|_| IdTokenError::Signature)?;
    let ok = JsFuture::from(js_sys::Promise::resolve(&ok))
        .await
        .map_err(|_| IdTokenError::Signature)?;
    if ok.as_bool() == Some(true) {
        Ok(())
    } else {
        Err(IdTokenError::Signature)
    }
}
