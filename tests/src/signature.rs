//! An independent check of Alibaba's RPC HMAC-SHA1 signature, written from the protocol description and not
//! calling `rds_api::signing`, so that a test which verifies a request with it cannot agree with a bug of
//! the client's signer.

use std::collections::BTreeMap;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// RFC 3986 percent-encoding: only `A-Z a-z 0-9 - _ . ~` stay as they are.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The signature the server computes for `params` (every signed parameter, `Signature` excluded).
pub fn expected_signature(method: &str, params: &BTreeMap<String, String>, secret: &str) -> String {
    let canonical: Vec<String> =
        params.iter().filter(|(k, _)| *k != "Signature").map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let to_sign = format!("{method}&{}&{}", encode("/"), encode(&canonical.join("&")));
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("HMAC takes any key");
    mac.update(to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks the `Signature` among `params` (query and body parameters merged, percent-decoded).
pub fn verify(method: &str, params: &BTreeMap<String, String>, secret: &str) -> Result<(), String> {
    let sent = params.get("Signature").ok_or("no Signature parameter")?;
    let expected = expected_signature(method, params, secret);
    if *sent == expected {
        Ok(())
    } else {
        Err(format!("signature {sent} does not match the expected {expected}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published example of Alibaba's documentation (ECS DescribeRegions).
    #[test]
    fn reproduces_the_documented_example() {
        let params: BTreeMap<String, String> = [
            ("AccessKeyId", "testid"),
            ("Action", "DescribeRegions"),
            ("Format", "XML"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
            ("SignatureVersion", "1.0"),
            ("Timestamp", "2016-02-23T12:46:24Z"),
            ("Version", "2014-05-26"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(expected_signature("GET", &params, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
    }
}
