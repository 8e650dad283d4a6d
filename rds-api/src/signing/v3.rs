//! Alibaba Cloud signature V3, `ACS3-HMAC-SHA256`: a header signature over the whole request.
//!
//! ```text
//! CanonicalRequest = METHOD "\n" path "\n" canonical query "\n" canonical headers "\n" signed headers "\n"
//!                    hex(SHA-256(body))
//! StringToSign     = "ACS3-HMAC-SHA256\n" hex(SHA-256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(key = AccessKeySecret, StringToSign))
//! Authorization    = "ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<signed headers>,Signature=<hex>"
//! ```
//!
//! * The canonical query sorts the query parameters by name (byte order) and joins `name=enc(value)` with `&`:
//!   values are percent-encoded as in V1 ([`percent_encode`]), names are not (Alibaba's SDKs leave them as
//!   they are; RDS names are plain ASCII anyway). An empty value is kept as `name=`.
//! * The canonical headers are `name:value\n` lines with lowercase names, trimmed values (several values of one
//!   name sorted and joined with `,`), sorted by name; so the block ends with `\n`. The signed headers are the
//!   same names joined with `;`.
//! * Hex is lowercase everywhere; the HMAC key is the secret itself (no `&`, unlike V1).
//!
//! The client signs `host`, every `x-acs-*` header it sends and, with a body, `content-type`: the set Alibaba's
//! documentation and Go SDK sign. `tests/signature_vectors.rs` reproduces the V3 vectors of Alibaba's
//! official SDKs bit for bit.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::percent_encode;
use crate::runtime::Method;

/// The algorithm name: first line of the string to sign and first word of the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// `x-acs-content-sha256` (and hashed payload) of an empty body: hex SHA-256 of no bytes.
pub const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(HEX_LOWER[usize::from(byte >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(byte & 0x0F)]));
    }
    out
}

/// Lowercase hex SHA-256 of `payload`: the `x-acs-content-sha256` header and the last line of the canonical
/// request.
pub fn hashed_payload(payload: &[u8]) -> String {
    hex(&Sha256::digest(payload))
}

/// `name=enc(value)` pairs sorted by name (byte order) and joined with `&`; names are not encoded, empty values
/// are kept as `name=`.
///
/// This is the signed form only; on the wire the query is sent encoded like V1's
/// ([`super::canonical_query_string`]), which decodes to the same parameters.
pub fn canonical_query_string(query: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (i, (name, value)) in query.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

/// The canonical headers block and the signed headers list of `headers`, every one of which is signed.
///
/// Names are lowercased; values are trimmed; several values of one name are sorted and joined with `,`. The
/// block is one `name:value\n` line per name, sorted by name; the list is the names joined with `;`.
pub fn canonical_headers<'a, I>(headers: I) -> (String, String)
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut grouped: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, value) in headers {
        grouped.entry(name.to_ascii_lowercase()).or_default().push(value.trim());
    }
    let mut block = String::new();
    for (name, values) in &mut grouped {
        values.sort_unstable();
        block.push_str(name);
        block.push(':');
        block.push_str(&values.join(","));
        block.push('\n');
    }
    let signed = grouped.keys().map(String::as_str).collect::<Vec<_>>().join(";");
    (block, signed)
}

/// A canonical request and the signed headers it lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalRequest {
    /// The canonical request text (hashed into the string to sign).
    pub text: String,
    /// The signed header names, lowercase, sorted, joined with `;` (`SignedHeaders=` of `Authorization`).
    pub signed_headers: String,
}

/// The canonical request of a request to `path` (as sent, `/` for RPC) with the `query` parameters
/// (unencoded), the signed `headers` and the hex SHA-256 of the body (`hashed_payload`).
pub fn canonical_request<'a, I>(
    method: Method,
    path: &str,
    query: &BTreeMap<String, String>,
    headers: I,
    hashed_payload: &str,
) -> CanonicalRequest
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let (block, signed_headers) = canonical_headers(headers);
    let path = if path.is_empty() { "/" } else { path };
    let text = format!(
        "{}\n{path}\n{}\n{block}\n{signed_headers}\n{hashed_payload}",
        method.as_str(),
        canonical_query_string(query)
    );
    CanonicalRequest { text, signed_headers }
}

/// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request: the text that is signed.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", hashed_payload(canonical_request.as_bytes()))
}

/// Lowercase hex of HMAC-SHA256 over `string_to_sign`, keyed with `secret` (as it is, no `&`).
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The `Authorization` header value:
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<list>,Signature=<hex>` (no spaces after the commas).
pub fn authorization(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!("{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_payload_hash() {
        assert_eq!(hashed_payload(b""), EMPTY_PAYLOAD_SHA256);
    }

    #[test]
    fn canonical_query_encodes_values_not_names() {
        let query: BTreeMap<String, String> =
            [("b", "x y*~"), ("A.1", ""), ("a", "/")].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        assert_eq!(canonical_query_string(&query), "A.1=&a=%2F&b=x%20y%2A~");
        assert_eq!(canonical_query_string(&BTreeMap::new()), "");
    }

    #[test]
    fn canonical_headers_lowercase_trim_sort_and_join() {
        let (block, signed) =
            canonical_headers([("X-Acs-B", " 2 "), ("host", "h"), ("x-acs-b", "1"), ("X-ACS-A", "a")]);
        assert_eq!(block, "host:h\nx-acs-a:a\nx-acs-b:1,2\n");
        assert_eq!(signed, "host;x-acs-a;x-acs-b");
    }

    #[test]
    fn authorization_has_no_spaces_after_commas() {
        assert_eq!(
            authorization("id", "host;x-acs-date", "ab"),
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;x-acs-date,Signature=ab"
        );
    }
}
