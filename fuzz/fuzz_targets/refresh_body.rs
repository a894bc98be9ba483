//! A `/refresh` body (any JSON the backend, or a proxy in front of it, may send).
#![no_main]
use backstage_oauth2_wasm::core::record::Record;
use backstage_oauth2_wasm::core::response::{parse_refresh_body, InvalidResponse};
use backstage_oauth2_wasm_fuzz::Json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: Json| {
    let body = body.0;
    match parse_refresh_body(&body) {
        Ok(Err(_remote)) => assert!(body.field("error").is_some_and(|e| e.truthy())),
        Ok(Ok(res)) => {
            let pi = body.field("providerInfo").expect("a session has providerInfo");
            assert!(pi.is_object());
            let bits = |n: Option<f64>| n.map(f64::to_bits);
            assert_eq!(
                bits(res.provider_info.expires_in_seconds),
                bits(pi.field("expiresInSeconds").and_then(|s| s.number()))
            );
            assert_eq!(
                res.backstage_identity.is_some(),
                body.field("backstageIdentity").is_some_and(|b| b.truthy())
            );
        }
        Err(InvalidResponse::NotAnObject) => assert!(!body.is_object()),
        Err(InvalidResponse::MissingProviderInfo) => {
            assert!(!body.field("providerInfo").is_some_and(|p| p.is_object()))
        }
        Err(InvalidResponse::BadExpiresIn) => {}
    }
});
