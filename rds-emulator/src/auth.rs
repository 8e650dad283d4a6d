//! Verification of RPC requests signed with HMAC-SHA1 (`SignatureVersion=1.0`).
//!
//! Written from the protocol description (`alibaba-rpc-protocol.md`, section a), independently of
//! `rds_api::signing`: the client signs with one implementation and the emulator checks with this one, and
//! both reproduce the official SDKs' vectors, so each checks the other.
//!
//! ```text
//! StringToSign = METHOD "&" "%2F" "&" enc( sorted enc(name)=enc(value) pairs joined by "&" )
//! Signature    = Base64( HMAC-SHA1( key = secret "&", StringToSign ) )
//! ```

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::errors::ApiError;
use crate::state::State;

/// How far `Timestamp` may be from the machine's clock, and how long a nonce is remembered.
pub const SKEW_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Common parameters every request must carry, in the order they are checked.
const REQUIRED_COMMON: [&str; 8] = [
    "Action",
    "Version",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "Timestamp",
    "Signature",
];

/// RFC 3986 percent-encoding of UTF-8 bytes: only `A-Z a-z 0-9 - _ . ~` stay as they are; every other byte
/// becomes `%XY` with uppercase hex (so a space is `%20`, never `+`).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(char::from(byte)),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The server's string to sign for `method` over every parameter except `Signature`.
///
/// `BTreeMap` orders names by bytes, which is the order the protocol sorts unencoded names in.
pub fn string_to_sign(method: &str, params: &BTreeMap<String, String>) -> String {
    let canonical = params
        .iter()
        .filter(|(name, _)| name.as_str() != "Signature")
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&");
    format!("{method}&{}&{}", encode("/"), encode(&canonical))
}

fn mac(secret: &str) -> Hmac<Sha1> {
    // The key is the secret with "&" appended (the empty token-secret part of the old OAuth-like scheme).
    Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).expect("HMAC takes keys of any length")
}

/// The expected `Signature` for `string_to_sign` under `secret`.
#[cfg(test)]
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = mac(secret);
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `provided` (Base64) is the signature of `string_to_sign` under `secret`; compared in constant time.
pub fn signature_matches(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(provided) else {
        return false;
    };
    let mut mac = mac(secret);
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

/// Parses `Timestamp`: ISO 8601 in UTC, `YYYY-MM-DDThh:mm:ssZ` (a fraction of a second is accepted too).
pub fn parse_timestamp(text: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(text).ok()
}

/// Nonces seen in the last [`SKEW_WINDOW`], per AccessKey ID.
///
/// A nonce older than the window cannot come back: its request's `Timestamp` would be expired too.
#[derive(Debug, Default)]
pub struct NonceCache {
    seen: HashSet<(String, String)>,
    by_age: VecDeque<(SystemTime, (String, String))>,
}

impl NonceCache {
    /// Records `nonce` for `access_key_id` at `now`; `false` if it was already recorded within the window.
    pub fn insert(&mut self, access_key_id: &str, nonce: &str, now: SystemTime) -> bool {
        while let Some((at, _)) = self.by_age.front() {
            if now.duration_since(*at).is_ok_and(|age| age > SKEW_WINDOW) {
                if let Some((_, key)) = self.by_age.pop_front() {
                    self.seen.remove(&key);
                }
            } else {
                break;
            }
        }
        let key = (access_key_id.to_owned(), nonce.to_owned());
        if !self.seen.insert(key.clone()) {
            return false;
        }
        self.by_age.push_back((now, key));
        true
    }
}

/// Who sent an authenticated request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The account's name.
    pub account: String,
    /// The AccessKey ID that signed (not secret).
    pub access_key_id: String,
}

/// Checks the common parameters, the credentials and the signature of a request, in the gateway's order:
/// missing parameters, signature method and version, timestamp, AccessKey ID, STS token, signature, nonce.
///
/// `now` is the machine's time (not the emulator clock); the nonce is only recorded once everything else
/// passed, so a rejected request does not burn it.
pub fn authenticate(
    state: &State,
    nonces: &mut NonceCache,
    method: &str,
    params: &BTreeMap<String, String>,
    now: SystemTime,
) -> Result<Caller, ApiError> {
    let get = |name: &str| params.get(name).map(String::as_str).filter(|v| !v.is_empty());
    for name in REQUIRED_COMMON {
        if get(name).is_none() {
            return Err(ApiError::missing_common(name));
        }
    }
    let [access_key_id, method_param, version, nonce, timestamp, provided] =
        ["AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"]
            .map(|name| get(name).unwrap_or_default());

    if method_param != "HMAC-SHA1" {
        return Err(ApiError::incomplete_signature("SignatureMethod must be HMAC-SHA1"));
    }
    if version != "1.0" {
        return Err(ApiError::incomplete_signature("SignatureVersion must be 1.0"));
    }

    let sent_at = parse_timestamp(timestamp).ok_or_else(ApiError::timestamp_format)?;
    let skew = now.duration_since(sent_at).unwrap_or_else(|e| e.duration());
    if skew > SKEW_WINDOW {
        return Err(ApiError::timestamp_expired());
    }

    let key = state.find_key(access_key_id).ok_or_else(ApiError::access_key_not_found)?;
    if let Some(sts) = key.sts {
        let token = get("SecurityToken").ok_or_else(ApiError::security_token_malformed)?;
        if token != sts.security_token {
            // A token the emulator issued with another STS key is a mismatch; anything else is not a token.
            return Err(if state.is_security_token(token) {
                ApiError::security_token_mismatch()
            } else {
                ApiError::security_token_malformed()
            });
        }
        if sts.expired_at(now) {
            return Err(ApiError::security_token_expired());
        }
    }

    let expected = string_to_sign(method, params);
    if !signature_matches(key.secret, &expected, provided) {
        return Err(ApiError::signature_mismatch(&expected));
    }
    if !nonces.insert(access_key_id, nonce, now) {
        return Err(ApiError::nonce_used());
    }
    Ok(Caller { account: key.account.to_owned(), access_key_id: access_key_id.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_rfc3986() {
        assert_eq!(encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(encode(" *+/=&:"), "%20%2A%2B%2F%3D%26%3A");
        assert_eq!(encode("🚀"), "%F0%9F%9A%80");
        assert_eq!(encode("%"), "%25");
    }

    /// Every V1 vector of the official SDKs (`rds-api/tests/data/signature-vectors.json`): same string to
    /// sign, same signature, and the signature verifies.
    #[test]
    fn reproduces_every_official_v1_vector() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rds-api/tests/data/signature-vectors.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut checked = 0;
        for vector in doc["vectors"].as_array().unwrap() {
            if vector["signature_version"] != "v1" {
                continue;
            }
            let id = vector["id"].as_str().unwrap();
            let params: BTreeMap<String, String> = vector["params"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            let method = vector["method"].as_str().unwrap();
            let secret = vector["secret"].as_str().unwrap();
            let expected_sts = vector["string_to_sign"].as_str().unwrap();
            let expected_sig = vector["signature"].as_str().unwrap();

            let sts = string_to_sign(method, &params);
            assert_eq!(sts, expected_sts, "{id}: string to sign");
            assert_eq!(signature(secret, &sts), expected_sig, "{id}: signature");
            assert!(signature_matches(secret, &sts, expected_sig), "{id}: verification");
            assert!(!signature_matches("wrong", &sts, expected_sig), "{id}: wrong secret verifies");

            // A Signature parameter in the set is never part of what is signed.
            let mut with_signature = params.clone();
            with_signature.insert("Signature".into(), expected_sig.into());
            assert_eq!(string_to_sign(method, &with_signature), expected_sts, "{id}: Signature excluded");
            checked += 1;
        }
        assert_eq!(checked, 20, "expected the 20 V1 vectors");
    }

    #[test]
    fn garbage_signatures_do_not_verify() {
        assert!(!signature_matches("s", "GET&%2F&", "not base64!"));
        assert!(!signature_matches("s", "GET&%2F&", ""));
    }

    #[test]
    fn timestamps() {
        let t = parse_timestamp("2016-02-23T12:46:24Z").unwrap();
        assert_eq!(t, SystemTime::UNIX_EPOCH + Duration::from_secs(1_456_231_584));
        assert!(parse_timestamp("2016-02-23T12:46:24.500Z").is_some());
        assert!(parse_timestamp("2016-02-23 12:46:24").is_none());
        assert!(parse_timestamp("1456231584").is_none());
        assert!(parse_timestamp("").is_none());
    }

    #[test]
    fn nonces_are_remembered_per_key_for_the_window() {
        let mut cache = NonceCache::default();
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert!(cache.insert("ak", "n1", t0));
        assert!(!cache.insert("ak", "n1", t0 + Duration::from_secs(60)));
        assert!(cache.insert("other", "n1", t0));
        // Past the window the old entry is forgotten.
        assert!(cache.insert("ak", "n1", t0 + SKEW_WINDOW + Duration::from_secs(1)));
    }
}
