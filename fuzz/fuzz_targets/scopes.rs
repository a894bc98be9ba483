//! Scope strings from the app (`defaultScopes`, `getAccessToken(scope)`) and the backend
//! (`providerInfo.scope`): splitting like the JS regex, sets without duplicates, the
//! extended scope of a refresh.
#![no_main]
use arbitrary::Unstructured;
use backstage_oauth2_wasm::core::scopes::{extended_scopes, is_scope_separator, split_scope_string, ScopeSet};
use libfuzzer_sys::fuzz_target;

fn set(u: &mut Unstructured<'_>) -> Option<ScopeSet> {
    let specials = [
        ' ', ',', '|', '\t', '\u{A0}', '\u{FEFF}', '\u{85}', 'a', 'b', 'o', '\u{2028}',
    ];
    let text = backstage_oauth2_wasm_fuzz::text(u, &specials).ok()?;
    let parts = split_scope_string(&text);
    for p in &parts {
        assert!(
            !p.is_empty() && !p.chars().any(is_scope_separator),
            "{p:?} from {text:?}"
        );
    }
    let kept: String = text.chars().filter(|c| !is_scope_separator(*c)).collect();
    assert_eq!(parts.concat(), kept, "splitting loses or adds nothing but separators");
    let set: ScopeSet = parts.iter().map(String::as_str).collect();
    for p in &parts {
        assert!(set.contains(p));
    }
    let mut seen: Vec<&str> = set.iter().collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), set.len(), "no duplicates");
    let again: ScopeSet = split_scope_string(&set.join()).iter().map(String::as_str).collect();
    assert_eq!(again, set, "join then split is the same set");
    Some(set)
}

fuzz_target!(|bytes: &[u8]| {
    let mut u = Unstructured::new(bytes);
    let (Some(defaults), Some(session), Some(requested)) = (set(&mut u), set(&mut u), set(&mut u)) else {
        return;
    };
    let all = extended_scopes(&defaults, Some(&session), Some(&requested));
    assert!(all.contains_all(&defaults) && all.contains_all(&session) && all.contains_all(&requested));
    assert!(all
        .iter()
        .all(|s| defaults.contains(s) || session.contains(s) || requested.contains(s)));
    assert_eq!(extended_scopes(&defaults, None, None), defaults);
});
