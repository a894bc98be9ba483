//! Direct mode's JWKS document: which key an ID token's header selects.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use backstage_oauth2_wasm::core::oidc::{select_key, JwtHeader};
use backstage_oauth2_wasm::core::record::Record;
use backstage_oauth2_wasm_fuzz::Json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let Ok(jwks) = Json::arbitrary(&mut u) else { return };
    let header = JwtHeader {
        alg: String::from(*u.choose(&["RS256", "ES256"]).unwrap_or(&"RS256")),
        kid: bool::arbitrary(&mut u)
            .unwrap_or(false)
            .then(|| String::from(*u.choose(&["k1", "", "e1"]).unwrap_or(&"k1"))),
    };
    let Ok(key) = select_key(&jwks.0, &header) else { return };
    let kty = key.field("kty").and_then(|k| k.string());
    assert_eq!(kty.as_deref(), Some(if header.alg == "RS256" { "RSA" } else { "EC" }));
    if let Some(kid) = &header.kid {
        assert_eq!(key.field("kid").and_then(|k| k.string()).as_ref(), Some(kid));
    }
    let keys = jwks.0.field("keys").map(|k| k.items()).unwrap_or_default();
    // By their printed form: a key holding NaN is not `==` to itself.
    let printed = format!("{key:?}");
    assert!(
        keys.iter().any(|k| format!("{k:?}") == printed),
        "a key of the document"
    );
});
