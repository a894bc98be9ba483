//! URLs of the auth backend, built byte for byte like `DefaultAuthConnector.buildUrl`.

use alloc::string::String;

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// JS `encodeURIComponent` (a Rust `&str` cannot hold the lone surrogates on which JS throws).
pub fn encode_uri_component(input: &str, out: &mut String) {
    for &b in input.as_bytes() {
        let unreserved =
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')');
        if unreserved {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// A query value: strings become `key=value`, `true` a bare `key`, `false` nothing.
pub enum QueryValue<'a> {
    Text(&'a str),
    Flag(bool),
}

/// `${baseUrl}/${providerId}${path}?…&env=${environment}`: `env` always comes last.
pub fn auth_url(
    base_url: &str,
    provider_id: &str,
    path: &str,
    query: &[(&str, QueryValue<'_>)],
    environment: &str,
) -> String {
    let mut url = String::with_capacity(base_url.len() + 64);
    url.push_str(base_url);
    url.push('/');
    url.push_str(provider_id);
    url.push_str(path);
    let env = ("env", QueryValue::Text(environment));
    let mut first = true;
    for (key, value) in query.iter().chain(core::iter::once(&env)) {
        if let QueryValue::Flag(false) = value {
            continue;
        }
        url.push(if first { '?' } else { '&' });
        first = false;
        encode_uri_component(key, &mut url);
        if let QueryValue::Text(v) = value {
            url.push('=');
            encode_uri_component(v, &mut url);
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(s: &str) -> String {
        let mut out = String::new();
        encode_uri_component(s, &mut out);
        out
    }

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(enc("AZaz09-_.!~*'()"), "AZaz09-_.!~*'()");
        assert_eq!(enc("a b/c?d=e&f#g"), "a%20b%2Fc%3Fd%3De%26f%23g");
        assert_eq!(enc("http://127.0.0.1:3000"), "http%3A%2F%2F127.0.0.1%3A3000");
        assert_eq!(enc("é€😀"), "%C3%A9%E2%82%AC%F0%9F%98%80");
    }

    #[test]
    fn refresh_url_matches_the_js_connector() {
        let url = auth_url(
            "http://127.0.0.1:7007/api/auth",
            "oauth2",
            "/refresh",
            &[
                ("optional", QueryValue::Flag(true)),
                ("scope", QueryValue::Text("openid profile email")),
            ],
            "development",
        );
        assert_eq!(
            url,
            "http://127.0.0.1:7007/api/auth/oauth2/refresh?optional&scope=openid%20profile%20email&env=development"
        );
    }

    #[test]
    fn false_flags_are_omitted_and_env_is_last() {
        let url = auth_url("b", "p", "/logout", &[("x", QueryValue::Flag(false))], "prod");
        assert_eq!(url, "b/p/logout?env=prod");
        let url = auth_url(
            "b",
            "p",
            "/start",
            &[
                ("scope", QueryValue::Text("")),
                ("origin", QueryValue::Text("http://a")),
                ("flow", QueryValue::Text("popup")),
            ],
            "development",
        );
        assert_eq!(url, "b/p/start?scope=&origin=http%3A%2F%2Fa&flow=popup&env=development");
    }
}
