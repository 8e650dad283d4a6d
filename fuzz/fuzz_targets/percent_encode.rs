//! Percent-encoding (`rds_api::signing::percent_encode`) agrees with the reference rule byte by byte (every
//! UTF-8 byte outside `A–Z a–z 0–9 - _ . ~` becomes `%XX`, uppercase hex), decodes back to its input, and
//! the canonical query string splits back into its parameters. The unbounded twin of
//! `tests/tests/proptest_encoding.rs`.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use rds_api::signing::{canonical_query_string, percent_encode};

fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

fn reference_encode(s: &str) -> String {
    s.bytes().map(|b| if unreserved(b) { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Strict: `%` + two uppercase hex digits of a reserved byte, or an unreserved byte; anything else panics.
fn strict_decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = &bytes[i + 1..i + 3];
            assert!(hex.iter().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(h)), "{encoded}");
            let byte = u8::from_str_radix(std::str::from_utf8(hex).unwrap(), 16).unwrap();
            assert!(!unreserved(byte), "an unreserved byte escaped: {encoded}");
            out.push(byte);
            i += 3;
        } else {
            assert!(unreserved(bytes[i]), "a reserved byte left as it is: {encoded}");
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("decodes to the UTF-8 it came from")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let encoded = percent_encode(&text);
    assert_eq!(encoded, reference_encode(&text));
    assert_eq!(strict_decode(&encoded), text);

    // The input cut into name/value pairs at NUL bytes.
    let parts: Vec<&str> = text.split('\0').collect();
    let params: BTreeMap<String, String> =
        parts.chunks(2).map(|pair| (pair[0].to_owned(), pair.get(1).copied().unwrap_or("").to_owned())).collect();
    let query = canonical_query_string(&params);
    let mut decoded = BTreeMap::new();
    if !query.is_empty() {
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').expect("every pair has a `=`");
            decoded.insert(strict_decode(name), strict_decode(value));
        }
    }
    assert_eq!(decoded, params);
});
