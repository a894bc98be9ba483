//! Backend URLs built from the app's options and scopes: `encodeURIComponent` and the
//! query of `/start`, `/refresh` and `/logout`, checked against an independent decoder.
#![no_main]
use arbitrary::{Arbitrary, Unstructured};
use backstage_oauth2_wasm::core::query::{auth_url, encode_uri_component, QueryValue};
use libfuzzer_sys::fuzz_target;

fn decode(encoded: &str) -> Vec<u8> {
    let b = encoded.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

fn encoded(s: &str) -> String {
    let mut out = String::new();
    encode_uri_component(s, &mut out);
    assert!(
        out.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.!~*'()%".contains(&c)),
        "{out}"
    );
    assert_eq!(decode(&out), s.as_bytes());
    out
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let specials = ['&', '=', '?', '#', '%', '+', ' ', '/', 'é', '\u{FEFF}', '\u{0}', 'a'];
    let (Ok(base), Ok(id), Ok(env), Ok(n)) = (
        backstage_oauth2_wasm_fuzz::text(&mut u, &specials),
        backstage_oauth2_wasm_fuzz::text(&mut u, &specials),
        backstage_oauth2_wasm_fuzz::text(&mut u, &specials),
        u.int_in_range(0..=4usize),
    ) else {
        return;
    };
    let mut pairs = Vec::new();
    for _ in 0..n {
        let Ok(value) = backstage_oauth2_wasm_fuzz::text(&mut u, &specials) else {
            return;
        };
        let flag = bool::arbitrary(&mut u).unwrap_or(false);
        pairs.push((value, flag));
    }
    const KEYS: [&str; 4] = ["scope", "origin", "redirectUrl", "optional"];
    let query: Vec<(&str, QueryValue)> = pairs
        .iter()
        .enumerate()
        .map(|(i, (v, flag))| {
            let value = if v.len() % 3 == 0 {
                QueryValue::Flag(*flag)
            } else {
                QueryValue::Text(v)
            };
            (KEYS[i], value)
        })
        .collect();
    let url = auth_url(&base, &id, "/refresh", &query, &env);
    let prefix = format!("{base}/{id}/refresh");
    let rest = url
        .strip_prefix(&prefix)
        .expect("the URL starts with the base, the provider and the path");
    // Every pair the caller gave, in order, then `env`: nothing else, nothing lost.
    let mut expected: Vec<String> = Vec::new();
    for (key, value) in &query {
        match value {
            QueryValue::Flag(false) => {}
            QueryValue::Flag(true) => expected.push((*key).to_string()),
            QueryValue::Text(v) => expected.push(format!("{key}={}", encoded(v))),
        }
    }
    expected.push(format!("env={}", encoded(&env)));
    assert_eq!(rest, format!("?{}", expected.join("&")));
});
