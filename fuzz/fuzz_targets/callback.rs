//! Direct mode's authorization response (the callback page's query): any string, and
//! queries built from arbitrary pairs, checked against a model of the rule (the `state`
//! decides before anything else, `iss` next; the last of repeated parameters counts).
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use backstage_oauth2_wasm::core::oidc::{authorization_code, CallbackError, IssuerRule};
use backstage_oauth2_wasm::core::query::encode_uri_component;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let expected = String::from(*u.choose(&["s1", "s2"]).unwrap_or(&"s1"));
    let rule = IssuerRule {
        issuer: "http://idp",
        required: u.arbitrary().unwrap_or(false),
    };
    if u.ratio(1, 4).unwrap_or(false) {
        let query = String::arbitrary(&mut u).unwrap_or_default();
        if let Ok(code) = authorization_code(&query, &expected, rule) {
            assert!(
                query.contains("state=") && query.contains("code="),
                "{query:?} gave {code:?}"
            );
        }
        return;
    }
    let specials = ['&', '=', '+', ' ', '%', 'a', 'é'];
    let n = u.int_in_range(0..=6).unwrap_or(0);
    let (mut query, mut last) = (String::from("?"), std::collections::HashMap::new());
    for _ in 0..n {
        let key = String::from(
            *u.choose(&["code", "state", "error", "error_description", "iss", "x"])
                .unwrap_or(&"x"),
        );
        let value = if key == "state" && u.ratio(2, 3).unwrap_or(false) {
            expected.clone()
        } else if key == "iss" && u.ratio(2, 3).unwrap_or(false) {
            String::from(rule.issuer)
        } else {
            backstage_oauth2_wasm_fuzz::text(&mut u, &specials).unwrap_or_default()
        };
        if query.len() > 1 {
            query.push('&');
        }
        query.push_str(&key);
        query.push('=');
        encode_uri_component(&value, &mut query);
        last.insert(key, value);
    }
    let model = if last.get("state") != Some(&expected) {
        Err(CallbackError::State)
    } else if last.get("iss").map_or(rule.required, |iss| iss != rule.issuer) {
        Err(CallbackError::Issuer)
    } else if let Some(error) = last.get("error") {
        Err(CallbackError::Provider(match last.get("error_description") {
            Some(d) => format!("{error}: {d}"),
            None => error.clone(),
        }))
    } else {
        last.get("code").cloned().ok_or(CallbackError::NoCode)
    };
    assert_eq!(authorization_code(&query, &expected, rule), model, "{query}");
});
