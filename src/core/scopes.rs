//! OAuth scope sets with the semantics of a JS `Set<string>`: insertion order is kept,
//! because the order decides the `scope=` query the backend and the IdP receive.

use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeSet(Vec<String>);

impl ScopeSet {
    pub const fn new() -> Self {
        ScopeSet(Vec::new())
    }

    /// Adds `scope` unless present; returns whether it was added.
    pub fn insert(&mut self, scope: String) -> bool {
        if self.contains(&scope) {
            return false;
        }
        self.0.push(scope);
        true
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// `hasScopes(self, wanted)` of core-app-api: every wanted scope is in `self`.
    pub fn contains_all(&self, wanted: &ScopeSet) -> bool {
        wanted.0.iter().all(|s| self.contains(s))
    }

    pub fn extend_from(&mut self, other: &ScopeSet) {
        for s in &other.0 {
            if !self.contains(s) {
                self.0.push(s.clone());
            }
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `[...scopes].join(' ')`, the backend connector's scope parameter.
    pub fn join(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(s);
        }
        out
    }
}

impl FromIterator<String> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut set = ScopeSet::new();
        for s in iter {
            set.insert(s);
        }
        set
    }
}

impl<'a> FromIterator<&'a str> for ScopeSet {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        iter.into_iter().map(String::from).collect()
    }
}

/// The characters of the JS regex class `[\s|,]` that `normalizeScopes` splits on.
/// `\s` in JS is not Rust's `char::is_whitespace` (JS adds U+FEFF, Rust adds U+0085).
pub fn is_scope_separator(c: char) -> bool {
    matches!(
        c,
        '|' | ',' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{2028}' | '\u{2029}' | '\u{202F}' | '\u{205F}' | '\u{3000}' | '\u{FEFF}'
    )
}

/// `scopes.split(/[\s|,]/).filter(Boolean)`, as one loop (the iterator adapters
/// cost several hundred bytes of wasm).
pub fn split_scope_string(scopes: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in scopes.chars() {
        if is_scope_separator(c) {
            if !current.is_empty() {
                out.push(core::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `getExtendedScope`: default scopes, then the session's, then the requested ones.
pub fn extended_scopes(defaults: &ScopeSet, session: Option<&ScopeSet>, requested: Option<&ScopeSet>) -> ScopeSet {
    let mut out = defaults.clone();
    if let Some(s) = session {
        out.extend_from(s);
    }
    if let Some(r) = requested {
        out.extend_from(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_the_js_regex() {
        assert_eq!(
            split_scope_string("a b,c|d\te\u{FEFF}f\u{3000}g"),
            ["a", "b", "c", "d", "e", "f", "g"]
        );
        assert_eq!(split_scope_string(" ,, | "), Vec::<String>::new());
        // U+0085 is whitespace to Rust but not to JS's \s.
        assert_eq!(split_scope_string("a\u{85}b"), ["a\u{85}b"]);
    }

    #[test]
    fn keeps_insertion_order_and_uniqueness() {
        let s: ScopeSet = ["b", "a", "b", "c"].into_iter().collect();
        assert_eq!(s.join(), "b a c");
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn extends_defaults_then_session_then_requested() {
        let d: ScopeSet = ["openid", "profile"].into_iter().collect();
        let s: ScopeSet = ["email", "openid"].into_iter().collect();
        let r: ScopeSet = ["repo", "profile"].into_iter().collect();
        assert_eq!(
            extended_scopes(&d, Some(&s), Some(&r)).join(),
            "openid profile email repo"
        );
        assert_eq!(extended_scopes(&d, None, None).join(), "openid profile");
    }

    #[test]
    fn contains_all_is_subset() {
        let s: ScopeSet = ["a", "b"].into_iter().collect();
        assert!(s.contains_all(&["a"].into_iter().collect()));
        assert!(s.contains_all(&ScopeSet::new()));
        assert!(!s.contains_all(&["a", "c"].into_iter().collect()));
    }
}
