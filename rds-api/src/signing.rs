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

/// Whether percent-encoding keeps a byte as it is (RFC 3986's unreserved set), indexed by byte: one load per
/// byte instead of a chain of comparisons.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        byte += 1;
    }
    table
};

/// `%XX` (uppercase hex) of every byte, 3 characters each: an escape is one copy of a slice of it.
static ESCAPES: &str = {
    const TABLE: [u8; 768] = {
        let mut table = [0u8; 768];
        let mut byte = 0;
        while byte < 256 {
            table[byte * 3] = b'%';
            table[byte * 3 + 1] = HEX_UPPER[byte >> 4];
            table[byte * 3 + 2] = HEX_UPPER[byte & 0x0F];
            byte += 1;
        }
        table
    };
    match std::str::from_utf8(&TABLE) {
        Ok(text) => text,
        Err(_) => panic!("the escapes are ASCII"),
    }
};

/// `%25XX` of every byte, 5 characters each: the escape of a byte encoded twice (its `%` encoded again).
static DOUBLE_ESCAPES: &str = {
    const TABLE: [u8; 1280] = {
        let mut table = [0u8; 1280];
        let mut byte = 0;
        while byte < 256 {
            table[byte * 5] = b'%';
            table[byte * 5 + 1] = b'2';
            table[byte * 5 + 2] = b'5';
            table[byte * 5 + 3] = HEX_UPPER[byte >> 4];
            table[byte * 5 + 4] = HEX_UPPER[byte & 0x0F];
            byte += 1;
        }
        table
    };
    match std::str::from_utf8(&TABLE) {
        Ok(text) => text,
        Err(_) => panic!("the escapes are ASCII"),
    }
};

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
        if !UNRESERVED[usize::from(byte)] {
            // A non-empty run of unreserved bytes is ASCII, so it starts and ends on char boundaries; an empty
            // one may sit inside a multi-byte character, where even an empty slice is refused.
            if start < i {
                out.push_str(&s[start..i]);
            }
            let at = usize::from(byte) * 3;
            out.push_str(&ESCAPES[at..at + 3]);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push_str(&s[start..]);
    }
}

/// Appends `enc(s)` to `once` and `enc(enc(s))` to `twice` in one pass over `s`: the URL query and the string
/// to sign of V1 hold every parameter encoded once and twice. Encoding twice only encodes the `%` of each
/// escape again (`%XX` becomes `%25XX`), as what the first encoding keeps, the second keeps too.
pub(crate) fn percent_encode_twice_into(once: &mut String, twice: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !UNRESERVED[usize::from(byte)] {
            if start < i {
                once.push_str(&s[start..i]);
                twice.push_str(&s[start..i]);
            }
            let at = usize::from(byte);
            once.push_str(&ESCAPES[at * 3..at * 3 + 3]);
            twice.push_str(&DOUBLE_ESCAPES[at * 5..at * 5 + 5]);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        once.push_str(&s[start..]);
        twice.push_str(&s[start..]);
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
    V1Key::new(secret).sign(string_to_sign).as_str().to_owned()
}

/// Base64 of an HMAC-SHA1 (20 bytes): 28 characters, padded.
const SIGNATURE_LEN: usize = 28;

/// A V1 signature held on the stack: [`sign`] without its `String`.
pub(crate) struct V1Signature([u8; SIGNATURE_LEN]);

impl V1Signature {
    /// The Base64 text.
    pub(crate) fn as_str(&self) -> &str {
        // Base64 is ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// The V1 signing key of one secret: HMAC-SHA1 keyed with `secret&`, its two key blocks hashed once. A client
/// keeps one, so that signing a request hashes the string to sign alone (2 of its about 13 SHA-1 blocks saved).
///
/// Its `Debug` shows nothing of the key.
#[derive(Clone)]
pub(crate) struct V1Key(Hmac<Sha1>);

impl V1Key {
    /// The key of `secret`.
    pub(crate) fn new(secret: &str) -> V1Key {
        let mut key = Vec::with_capacity(secret.len() + 1);
        key.extend_from_slice(secret.as_bytes());
        key.push(b'&');
        V1Key(Hmac::<Sha1>::new_from_slice(&key).expect("HMAC accepts keys of any length"))
    }

    /// [`sign`] with this key, into a stack buffer.
    pub(crate) fn sign(&self, string_to_sign: &str) -> V1Signature {
        let mut mac = self.0.clone();
        mac.update(string_to_sign.as_bytes());
        let mut out = [0u8; SIGNATURE_LEN];
        let written = base64::engine::general_purpose::STANDARD
            .encode_slice(mac.finalize().into_bytes(), &mut out)
            .expect("28 bytes hold the Base64 of 20");
        debug_assert_eq!(written, SIGNATURE_LEN);
        V1Signature(out)
    }
}

impl std::fmt::Debug for V1Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("V1Key(***)")
    }
}

/// A `SignatureNonce` shaped like a UUID v4 (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`, lowercase), held on the stack.
pub(crate) struct Nonce([u8; 36]);

impl Nonce {
    /// 122 random bits from a per-thread generator seeded once from the operating system's randomness.
    ///
    /// A nonce must be unique (the service refuses one used in the last 15 minutes), not secret: a fast
    /// generator is enough, where `Uuid::new_v4` asked the kernel for 16 bytes on every request.
    pub(crate) fn fresh() -> Nonce {
        thread_local! {
            static RNG: std::cell::RefCell<fastrand::Rng> = std::cell::RefCell::new(fastrand::Rng::with_seed(os_seed()));
        }
        let bits = RNG.with(|rng| rng.borrow_mut().u128(..));
        // The version (4) and variant (10) bits of a random UUID.
        let bits = (bits & !(0xF << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
        const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'-'; 36];
        let mut nibble = 32;
        for (i, slot) in out.iter_mut().enumerate() {
            if matches!(i, 8 | 13 | 18 | 23) {
                continue;
            }
            nibble -= 1;
            *slot = HEX_LOWER[((bits >> (nibble * 4)) & 0xF) as usize];
        }
        Nonce(out)
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // Hex digits and dashes are ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// 64 bits from the operating system's randomness: std seeds the keys of every `RandomState` from it.
fn os_seed() -> u64 {
    use std::hash::BuildHasher as _;
    std::collections::hash_map::RandomState::new().hash_one(0u8)
}

/// A V1 `Timestamp` (`YYYY-MM-DDThh:mm:ssZ`, UTC), held on the stack.
pub(crate) struct Timestamp([u8; 20]);

impl Timestamp {
    /// The whole second of `time`, clamped to 1970-01-01T00:00:00Z ..= 9999-12-31T23:59:59Z.
    pub(crate) fn new(time: std::time::SystemTime) -> Timestamp {
        const LAST_SECOND_OF_9999: u64 = 253_402_300_799;
        let secs = time.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()).min(LAST_SECOND_OF_9999);
        // Civil date of a day count (Howard Hinnant's `civil_from_days`), for days since 1970 only.
        let days = secs / 86_400;
        let second_of_day = secs % 86_400;
        let z = days + 719_468;
        let era = z / 146_097;
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = year_of_era + era * 400 + u64::from(month <= 2);

        let mut out = *b"0000-00-00T00:00:00Z";
        let mut put = |at: usize, width: usize, mut value: u64| {
            for slot in out[at..at + width].iter_mut().rev() {
                *slot = b'0' + (value % 10) as u8;
                value /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, second_of_day / 3_600);
        put(14, 2, second_of_day / 60 % 60);
        put(17, 2, second_of_day % 60);
        Timestamp(out)
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        // Digits and separators are ASCII.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
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

    #[test]
    fn nonces_are_uuid_v4_shaped_and_differ() {
        let nonces: Vec<String> = (0..1000).map(|_| Nonce::fresh().as_str().to_owned()).collect();
        for nonce in &nonces {
            let parsed = uuid::Uuid::parse_str(nonce).unwrap_or_else(|e| panic!("{nonce}: {e}"));
            assert_eq!(parsed.get_version_num(), 4, "{nonce}");
            assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122, "{nonce}");
            assert_eq!(parsed.hyphenated().to_string(), *nonce, "lowercase, hyphenated");
        }
        let distinct: std::collections::BTreeSet<&String> = nonces.iter().collect();
        assert_eq!(distinct.len(), nonces.len());
        // Another thread has its own generator, seeded apart.
        let other = std::thread::spawn(|| Nonce::fresh().as_str().to_owned()).join().unwrap();
        assert!(!nonces.contains(&other));
    }

    #[test]
    fn timestamps_match_rfc3339_seconds() {
        use std::time::{Duration, UNIX_EPOCH};
        // Every day of 1970..2100 at some second, leap days and century rules included, and the far end.
        let mut secs = 0u64;
        while secs < 4_102_444_800 {
            let time = UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(Timestamp::new(time).as_str(), humantime::format_rfc3339_seconds(time).to_string(), "{secs}");
            secs += 86_400 + 3_599;
        }
        for secs in [951_782_400, 951_868_799, 4_107_542_399, 253_402_300_799, 13_569_465_600, 253_402_214_400] {
            let time = UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(Timestamp::new(time).as_str(), humantime::format_rfc3339_seconds(time).to_string(), "{secs}");
        }
        assert_eq!(Timestamp::new(UNIX_EPOCH - Duration::from_secs(1)).as_str(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp::new(UNIX_EPOCH + Duration::from_secs(u64::MAX / 4)).as_str(), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn a_kept_key_signs_like_sign() {
        let long_secret = "s".repeat(100);
        for secret in ["", "testsecret", &"k".repeat(62), &"k".repeat(63), &"k".repeat(64), &long_secret] {
            let reference = {
                let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
                mac.update(b"GET&%2F&A%3D1");
                base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
            };
            let key = V1Key::new(secret);
            assert_eq!(key.sign("GET&%2F&A%3D1").as_str(), reference, "{} bytes", secret.len());
            // The key is used again, unchanged.
            assert_eq!(key.sign("GET&%2F&A%3D1").as_str(), reference, "{} bytes, twice", secret.len());
            assert_eq!(sign(secret, "GET&%2F&A%3D1"), reference);
        }
    }

    #[test]
    fn encoding_twice_in_one_pass() {
        for s in ["", "AZaz09-_.~", " *+/=&:!'()%", "测🚀a b", "a%20b", "=&"] {
            let (mut once, mut twice) = (String::from("x"), String::from("y"));
            percent_encode_twice_into(&mut once, &mut twice, s);
            assert_eq!(once, format!("x{}", percent_encode(s)), "{s}");
            assert_eq!(twice, format!("y{}", percent_encode(&percent_encode(s))), "{s}");
        }
    }
}
