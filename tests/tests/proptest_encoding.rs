//! Properties of the signer's percent-encoding (`rds_api::signing::percent_encode`), against the reference
//! rules (`alibaba-rpc-protocol.md`, section a): every UTF-8 byte outside `A–Z a–z 0–9 - _ . ~` becomes `%XX`
//! with uppercase hex, the unreserved bytes stay as they are, and decoding gives the text back. And the
//! canonical query string built from it splits back into the same parameters.
//!
//! The same checks run unbounded as the cargo-fuzz target `percent_encode` (see `fuzz/README.md`).

mod seeded;

use std::collections::BTreeMap;

use proptest::prelude::*;
use rds_api::signing::{canonical_query_string, percent_encode};

fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// The rule as the reference states it, byte by byte, written independently of the signer.
fn reference_encode(s: &str) -> String {
    s.bytes().map(|b| if unreserved(b) { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Strict decoding: `%` must be followed by two uppercase hex digits, and every other byte must be unreserved.
fn strict_decode(encoded: &str) -> Result<String, String> {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or_else(|| format!("a cut escape at {i}"))?;
                if !hex.iter().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(h)) {
                    return Err(format!("not uppercase hex at {i}: {:?}", String::from_utf8_lossy(hex)));
                }
                let text = std::str::from_utf8(hex).map_err(|e| e.to_string())?;
                let byte = u8::from_str_radix(text, 16).map_err(|e| e.to_string())?;
                if unreserved(byte) {
                    return Err(format!("an unreserved byte {byte:#04x} was escaped at {i}"));
                }
                out.push(byte);
                i += 3;
            }
            b if unreserved(b) => {
                out.push(b);
                i += 1;
            }
            b => return Err(format!("a reserved byte {b:#04x} left as it is at {i}")),
        }
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Text the signer meets: any Unicode, and ASCII-heavy text with every reserved character.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(prop::sample::select((0x20u8..0x7F).map(char::from).collect::<Vec<_>>()), 0..40)
            .prop_map(|chars| chars.into_iter().collect()),
        prop::collection::vec(
            prop::sample::select(vec![
                'a', '~', ' ', '+', '*', '%', '/', '=', '&', '测', '🚀', '\u{a0}', '\u{2028}', '\n'
            ]),
            0..20
        )
        .prop_map(|chars| chars.into_iter().collect()),
    ]
}

proptest! {
    #![proptest_config(seeded::config(512))]

    #[test]
    fn decoding_gives_the_text_back(s in text()) {
        prop_assert_eq!(strict_decode(&percent_encode(&s)), Ok(s));
    }

    #[test]
    fn agrees_with_the_reference_rule(s in text()) {
        let encoded = percent_encode(&s);
        prop_assert_eq!(&encoded, &reference_encode(&s));
        // Only unreserved characters and escapes: no space, `+`, `*` or lowercase hex survives.
        prop_assert!(encoded.bytes().all(|b| unreserved(b) || b == b'%'), "{}", encoded);
        prop_assert_eq!(encoded.len(), s.bytes().map(|b| if unreserved(b) { 1 } else { 3 }).sum::<usize>());
    }

    #[test]
    fn unreserved_text_is_unchanged(s in "[A-Za-z0-9._~-]{0,40}") {
        prop_assert_eq!(percent_encode(&s), s);
    }

    #[test]
    fn the_canonical_query_splits_back_into_its_parameters(
        params in prop::collection::btree_map(text(), text(), 0..8),
    ) {
        let query = canonical_query_string(&params);
        let mut decoded = BTreeMap::new();
        if !query.is_empty() {
            for pair in query.split('&') {
                let (name, value) = pair.split_once('=').expect("every pair has a `=`");
                decoded.insert(strict_decode(name).unwrap(), strict_decode(value).unwrap());
            }
        }
        prop_assert_eq!(decoded, params);
    }
}

#[test]
fn reference_examples() {
    for (raw, encoded) in [
        ("AZaz09-_.~", "AZaz09-_.~"),
        (" ", "%20"),
        ("*", "%2A"),
        ("+/=&:", "%2B%2F%3D%26%3A"),
        ("!'()", "%21%27%28%29"),
        ("🚀", "%F0%9F%9A%80"),
    ] {
        assert_eq!(percent_encode(raw), encoded);
        assert_eq!(reference_encode(raw), encoded);
        assert_eq!(strict_decode(encoded).unwrap(), raw);
    }
    assert!(strict_decode("%2a").is_err(), "lowercase hex is refused");
    assert!(strict_decode("a+b").is_err(), "a raw reserved byte is refused");
    assert!(strict_decode("%41").is_err(), "an escaped unreserved byte is refused");
}
