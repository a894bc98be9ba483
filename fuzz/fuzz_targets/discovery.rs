//! Direct mode's discovery document, and the same reader over the connector's options.
#![no_main]
use backstage_oauth2_wasm::core::discovery::{read_metadata, string_field, DISCOVERY_KEYS, OPTION_KEYS};
use backstage_oauth2_wasm_fuzz::Json;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|doc: Json| {
    let doc = doc.0;
    for keys in [DISCOVERY_KEYS, OPTION_KEYS] {
        match read_metadata(&doc, keys) {
            Ok(m) => {
                for (i, v) in [&m.issuer, &m.authorization_endpoint, &m.token_endpoint, &m.jwks_uri]
                    .into_iter()
                    .enumerate()
                {
                    assert!(!v.is_empty());
                    assert_eq!(string_field(&doc, keys[i]).as_ref(), Some(v));
                }
            }
            Err(missing) => {
                assert!(keys[..4].contains(&missing));
                assert_eq!(string_field(&doc, missing), None);
            }
        }
    }
});
