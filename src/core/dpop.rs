//! DPoP proofs (RFC 9449): what a proof says and how it is laid out, in plain Rust. The
//! browser layer holds the key and signs; everything signed is built here.

use alloc::string::String;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The public half of a P-256 key, as its JWK coordinates (base64url).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    pub x: String,
    pub y: String,
}

impl PublicKey {
    pub fn p256(x: String, y: String) -> Self {
        PublicKey { x, y }
    }

    /// The JWK with only its required members, in RFC 7638's order and form (no whitespace).
    fn jwk(&self, out: &mut String) {
        out.push_str(r#"{"crv":"P-256","kty":"EC","x":"#);
        json_string(&self.x, out);
        out.push_str(r#","y":"#);
        json_string(&self.y, out);
        out.push('}');
    }

    /// The JWK SHA-256 thumbprint (RFC 7638): the `dpop_jkt` that binds an authorization
    /// code to this key (RFC 9449 10).
    pub fn thumbprint(&self) -> String {
        let mut canonical = String::new();
        self.jwk(&mut canonical);
        sha256_base64url(&canonical)
    }
}

/// `value` as a JSON string. The proofs are written by hand: serde_json's serializer (and
/// its number formatting) would ship for two small objects.
fn json_string(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One request a proof is for.
pub struct Proof<'a> {
    pub method: &'a str,
    pub url: &'a str,
    /// The access token the request carries, hashed into `ath` (RFC 9449 4.2).
    pub access_token: Option<&'a str>,
    /// The server's latest `DPoP-Nonce`.
    pub nonce: Option<&'a str>,
    /// A unique identifier: servers refuse a `jti` they have seen.
    pub jti: &'a str,
    pub iat_s: u64,
}

/// Why no proof can be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofError {
    /// Not an absolute URL.
    Url,
}

/// `htu`: the request's URI without query and fragment (RFC 9449 4.2). The URLs signed are
/// the provider's own endpoints or an app's absolute URL, sent as they are written.
pub fn target_uri(url: &str) -> Result<&str, ProofError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ProofError::Url);
    }
    Ok(url.split(['?', '#']).next().unwrap_or(url))
}

/// The origin a nonce belongs to (RFC 9449 8: each server has its own), as `scheme://host[:port]`.
pub fn origin(url: &str) -> Option<&str> {
    let rest = target_uri(url).ok()?;
    let authority = rest.find("://")? + 3;
    Some(rest[authority..].find('/').map_or(rest, |i| &rest[..authority + i]))
}

/// `ath`: base64url of the access token's SHA-256.
pub fn access_token_hash(access_token: &str) -> String {
    sha256_base64url(access_token)
}

fn sha256_base64url(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(text.as_bytes()))
}

fn push_decimal(n: u64, out: &mut String) {
    if n >= 10 {
        push_decimal(n / 10, out);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `base64url(header) "." base64url(claims)`: the bytes to sign with ES256.
pub fn signing_input(key: &PublicKey, proof: &Proof<'_>) -> Result<String, ProofError> {
    let htu = target_uri(proof.url)?;
    let mut header = String::from(r#"{"typ":"dpop+jwt","alg":"ES256","jwk":"#);
    key.jwk(&mut header);
    header.push('}');
    let mut claims = String::from(r#"{"jti":"#);
    json_string(proof.jti, &mut claims);
    claims.push_str(r#","htm":"#);
    json_string(proof.method, &mut claims);
    claims.push_str(r#","htu":"#);
    json_string(htu, &mut claims);
    claims.push_str(r#","iat":"#);
    push_decimal(proof.iat_s, &mut claims);
    if let Some(token) = proof.access_token {
        claims.push_str(r#","ath":"#);
        json_string(&access_token_hash(token), &mut claims);
    }
    if let Some(nonce) = proof.nonce {
        claims.push_str(r#","nonce":"#);
        json_string(nonce, &mut claims);
    }
    claims.push('}');
    Ok([URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims)].join("."))
}

/// The proof: the signing input and its ES256 signature (r || s, as WebCrypto gives it and
/// JWS wants it).
pub fn assemble(signing_input: &str, signature: &[u8]) -> String {
    [signing_input, ".", &URL_SAFE_NO_PAD.encode(signature)].concat()
}

/// Whether a server refused a request for want of its nonce (RFC 9449 8 and 9): the
/// authorization server with a 400 `use_dpop_nonce`, a resource server with a 401 whose
/// `WWW-Authenticate` says so.
pub fn nonce_requested(status: u16, body: &[u8], www_authenticate: Option<&str>) -> bool {
    match status {
        // The error code alone is looked for: parsing the body would instantiate serde_json
        // once more, and a false match costs one request, which is sent only when the
        // server has just given a new nonce.
        400 => body.windows(16).any(|w| w == br#""use_dpop_nonce""#),
        401 => www_authenticate.is_some_and(|h| h.contains("use_dpop_nonce")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// The key of RFC 9449's examples.
    fn key() -> PublicKey {
        PublicKey::p256(
            "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs".into(),
            "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA".into(),
        )
    }

    fn json(part: &str) -> serde_json::Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn lays_out_a_proof_as_rfc_9449_4_2_does() {
        let proof = Proof {
            method: "POST",
            url: "https://server.example.com/token?x=1#frag",
            access_token: None,
            nonce: None,
            jti: "-BwC3ESc6acc2lTc",
            iat_s: 1562262616,
        };
        let input = signing_input(&key(), &proof).unwrap();
        let parts: Vec<&str> = input.split('.').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            json(parts[0]),
            serde_json::json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": {
                "crv": "P-256", "kty": "EC",
                "x": "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
                "y": "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}})
        );
        // No `ath` without a token, no `nonce` before the server sent one; the query and
        // the fragment are not part of `htu`.
        assert_eq!(
            json(parts[1]),
            serde_json::json!({"jti": "-BwC3ESc6acc2lTc", "htm": "POST",
                "htu": "https://server.example.com/token", "iat": 1562262616})
        );
        let signed = assemble(&input, &[7; 64]);
        let (signed_input, signature) = signed.rsplit_once('.').unwrap();
        assert_eq!(signed_input, input);
        assert_eq!(URL_SAFE_NO_PAD.decode(signature).unwrap(), [7; 64]);
    }

    #[test]
    fn hashes_the_access_token_and_carries_the_nonce() {
        // RFC 9449 7.1's example token and its `ath`.
        let token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
        assert_eq!(access_token_hash(token), "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
        let proof = Proof {
            method: "GET",
            url: "https://resource.example.org/protectedresource",
            access_token: Some(token),
            nonce: Some("eyJ7S_zG.eyJH0-Z.HX4w-7v"),
            jti: "e1j3V_bKic8-LAEB",
            iat_s: 1562262618,
        };
        let input = signing_input(&key(), &proof).unwrap();
        let claims = json(input.split('.').nth(1).unwrap());
        assert_eq!(claims["ath"], "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo");
        assert_eq!(claims["nonce"], "eyJ7S_zG.eyJH0-Z.HX4w-7v");
        assert_eq!(claims["htm"], "GET");
    }

    #[test]
    fn thumbprints_the_key_as_rfc_7638_does() {
        // Computed independently with jose's calculateJwkThumbprint.
        assert_eq!(key().thumbprint(), "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
    }

    #[test]
    fn signs_the_target_uri_without_query_and_fragment() {
        assert_eq!(
            target_uri("http://127.0.0.1:7011/token"),
            Ok("http://127.0.0.1:7011/token")
        );
        assert_eq!(target_uri("https://idp.example/a?b=1#c"), Ok("https://idp.example/a"));
        assert_eq!(target_uri("https://idp.example/a#c?d"), Ok("https://idp.example/a"));
        assert_eq!(target_uri("/token"), Err(ProofError::Url));
        assert_eq!(target_uri("javascript:alert(1)"), Err(ProofError::Url));
    }

    #[test]
    fn keeps_nonces_by_origin() {
        assert_eq!(origin("http://127.0.0.1:7011/token"), Some("http://127.0.0.1:7011"));
        assert_eq!(origin("https://api.example/v1/me?x=/y"), Some("https://api.example"));
        assert_eq!(origin("https://api.example"), Some("https://api.example"));
        assert_eq!(origin("https://api.example#/a"), Some("https://api.example"));
        assert_eq!(origin("/relative"), None);
    }

    #[test]
    fn escapes_what_json_strings_cannot_hold() {
        let mut out = String::new();
        json_string("a\"b\\c\n\u{1}é", &mut out);
        assert_eq!(out, r#""a\"b\\c\u000a\u0001é""#);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), "a\"b\\c\n\u{1}é");
        let mut n = String::new();
        push_decimal(1562262616, &mut n);
        push_decimal(0, &mut n);
        assert_eq!(n, "15622626160");
    }

    #[test]
    fn knows_a_request_for_a_nonce() {
        assert!(nonce_requested(
            400,
            br#"{"error":"use_dpop_nonce","error_description":"x"}"#,
            None
        ));
        assert!(!nonce_requested(400, br#"{"error":"invalid_dpop_proof"}"#, None));
        assert!(!nonce_requested(400, b"not json", None));
        assert!(!nonce_requested(200, br#"{"error":"use_dpop_nonce"}"#, None));
        assert!(nonce_requested(
            401,
            b"",
            Some(r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#)
        ));
        assert!(!nonce_requested(401, b"", Some(r#"DPoP error="invalid_token""#)));
        assert!(!nonce_requested(401, b"", None));
    }
}
