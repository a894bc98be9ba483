//! Direct mode's ID tokens: any string where a JWT is expected, and JWTs whose header and
//! claims are arbitrary JSON, through decoding, every claim check and the identity mapping.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use backstage_oauth2_wasm::core::oidc::{decode, user_entity_ref, validate, Expected};
use backstage_oauth2_wasm_fuzz::{to_json, Json};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;

fn b64(v: &Json) -> String {
    let mut json = String::new();
    to_json(&v.0, &mut json);
    URL_SAFE_NO_PAD.encode(json)
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let token = if u.ratio(1, 4).unwrap_or(false) {
        String::arbitrary(&mut u).unwrap_or_default()
    } else {
        let (Ok(header), Ok(claims), Ok(sig)) = (
            Json::arbitrary(&mut u),
            Json::arbitrary(&mut u),
            Vec::<u8>::arbitrary(&mut u),
        ) else {
            return;
        };
        format!("{}.{}.{}", b64(&header), b64(&claims), URL_SAFE_NO_PAD.encode(sig))
    };
    let Ok(jwt) = decode(&token) else { return };
    assert!(
        token.starts_with(&jwt.signing_input),
        "the signature covers the token's first two parts"
    );
    assert!(["RS256", "ES256"].contains(&jwt.header.alg.as_str()));
    let words = ["http://idp", "app", "n1", ""];
    let pick = |u: &mut Unstructured<'_>| *u.choose(&words).unwrap_or(&"");
    let (issuer, client_id, nonce) = (pick(&mut u), pick(&mut u), pick(&mut u));
    let expected = Expected {
        issuer,
        client_id,
        nonce: bool::arbitrary(&mut u).unwrap_or(false).then_some(nonce),
        now_s: f64::arbitrary(&mut u).unwrap_or(0.0),
        leeway_s: f64::from(u8::arbitrary(&mut u).unwrap_or(60)),
    };
    let c = &jwt.claims;
    if validate(c, &expected).is_ok() {
        assert_eq!(c.iss, expected.issuer);
        assert!(c.exp + expected.leeway_s > expected.now_s, "not expired");
        assert!(c.iat - expected.leeway_s <= expected.now_s, "not issued in the future");
        if let Some(n) = expected.nonce {
            assert_eq!(c.nonce.as_deref(), Some(n));
        }
        if let Some(azp) = &c.azp {
            assert_eq!(azp, expected.client_id);
        }
    }
    let claim = *u
        .choose(&["preferred_username", "email", "sub", "name"])
        .unwrap_or(&"sub");
    let entity = user_entity_ref(c, claim, "default");
    let name = entity.strip_prefix("user:default/").expect("a user entity ref");
    assert!(
        name.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b)),
        "{entity}"
    );
});
