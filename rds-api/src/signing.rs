//! Alibaba Cloud request signatures: RPC HMAC-SHA1 (V1, the default; this module's functions) and
//! ACS3-HMAC-SHA256 (V3, [`v3`]). A [`Client`](crate::Client) signs with the scheme chosen by
//! [`ClientBuilder::signature_version`](crate::ClientBuilder::signature_version).
//!
//! # V1: HMAC-SHA1 (`SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`)
//!
//! Alibaba's current documentation calls this scheme "signature V2"; this crate calls it V1, after the
//! `SignatureVersion` it sends. The steps:
//!
//! 1. percent-encode every parameter name and value ([`percent_encode`]);
//! 2. sort by unencoded name and join as `name=value&…` ([`canonical_query_string`]);
//! 3. `METHOD&%2F&` + the percent-encoded canonical query ([`string_to_sign`]);
//! 4. Base64 of HMAC-SHA1 keyed with `AccessKeySecret + "&"` ([`sign`]).
//!
//! The signed set is every parameter of the request (URL query and form body together), without `Signature`.
//! `tests/signature_vectors.rs` reproduces the golden vectors of Alibaba's official SDKs bit for bit, V1 and
//! V3.

use std::collections::BTreeMap;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::runtime::Method;

pub mod v3;

/// Which signature scheme a [`Client`](crate::Client) signs requests with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureVersion {
    /// RPC HMAC-SHA1 (`SignatureVersion=1.0`; "signature V2" in Alibaba's current docs): common parameters
    /// (`Action`, `Version`, `Timestamp`, `SignatureNonce`, `Signature`, …) in the URL query. The default.
    #[default]
    V1,
    /// ACS3-HMAC-SHA256 ([`v3`]): the operation's parameters alone in the query; `x-acs-action`,
    /// `x-acs-version`, `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256` (and, with STS,
    /// `x-acs-accesskey-id` and `x-acs-security-token`) headers, signed with `host` (and `content-type` with a
    /// body) into an `Authorization` header. What Alibaba's current SDKs send by default.
    V3,
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Percent-encodes `s` per RFC 3986: `A–Z a–z 0–9 - _ . ~` are kept, every other UTF-8 byte becomes `%XX`
/// (uppercase hex). A space is `%20`, never `+`.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    percent_encode_into(&mut out, s);
    out
}

/// [`percent_encode`] appending to `out`: signing encodes every parameter twice, and writing into one
/// buffer instead of a string per value is most of what preparing a request costs.
pub fn percent_encode_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !(byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')) {
            // A non-empty run of unreserved bytes is ASCII, so it starts and ends on char boundaries; an empty
            // one may sit inside a multi-byte character, where even an empty slice is refused.
            if start < i {
                out.push_str(&s[start..i]);
            }
            out.push('%');
            out.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            out.push(char::from(HEX_UPPER[usize::from(byte & 0x0F)]));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push_str(&s[start..]);
    }
}

/// `enc(name)=enc(value)` pairs sorted by unencoded name (byte order) and joined with `&`; an empty value is
/// kept as `Name=`.
///
/// The same text is the query string sent on the wire.
pub fn canonical_query_string(params: &BTreeMap<String, String>) -> String {
    let size: usize = params.iter().map(|(name, value)| name.len() + value.len() + 2).sum();
    let mut out = String::with_capacity(size + size / 4);
    // A BTreeMap<String, _> iterates in byte order of the keys, which is the order required.
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent_encode_into(&mut out, name);
        out.push('=');
        percent_encode_into(&mut out, value);
    }
    out
}

/// `METHOD&%2F&enc(canonical_query)`: the text that is signed.
pub fn string_to_sign(method: Method, canonical_query: &str) -> String {
    let mut out = String::with_capacity(canonical_query.len() + canonical_query.len() / 2 + 12);
    out.push_str(method.as_str());
    out.push_str("&%2F&");
    percent_encode_into(&mut out, canonical_query);
    out
}

/// Base64 (standard alphabet, padded) of HMAC-SHA1 over `string_to_sign`, keyed with `secret + "&"`.
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    let mut key = Vec::with_capacity(secret.len() + 1);
    key.extend_from_slice(secret.as_bytes());
    key.push(b'&');
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc3986() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode(" *+/=&:!'()%"), "%20%2A%2B%2F%3D%26%3A%21%27%28%29%25");
        assert_eq!(percent_encode("🚀"), "%F0%9F%9A%80");
        assert_eq!(percent_encode("测"), "%E6%B5%8B");
        assert_eq!(percent_encode("\n\t"), "%0A%09");
        assert_eq!(percent_encode(""), "");
    }

    #[test]
    fn canonical_sorts_by_bytes_and_keeps_empty_values() {
        let params: BTreeMap<String, String> =
            [("proxyId", "API"), ("Tags", ""), ("Tag.2.key", "k2"), ("Tag.10.key", "k10"), ("A b", "c d")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        assert_eq!(canonical_query_string(&params), "A%20b=c%20d&Tag.10.key=k10&Tag.2.key=k2&Tags=&proxyId=API");
        assert_eq!(canonical_query_string(&BTreeMap::new()), "");
    }

    #[test]
    fn doc_example() {
        let cq = "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26";
        let sts = string_to_sign(Method::Get, cq);
        assert!(sts.starts_with("GET&%2F&AccessKeyId%3Dtestid%26"));
        assert_eq!(sign("testsecret", &sts), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }
}
