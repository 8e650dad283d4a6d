//! Verification of RPC requests signed with HMAC-SHA1 (`SignatureVersion=1.0`, "V1") or with
//! ACS3-HMAC-SHA256 (an `Authorization: ACS3-HMAC-SHA256 …` header, "V3").
//!
//! Written from the protocol description (`alibaba-rpc-protocol.md`, sections a and c), independently of
//! `rds_api::signing`: the client signs with one implementation and the emulator checks with this one, and
//! both reproduce the official SDKs' vectors, so each checks the other.
//!
//! ```text
//! V1: StringToSign = METHOD "&" "%2F" "&" enc( sorted enc(name)=enc(value) pairs joined by "&" )
//!     Signature    = Base64( HMAC-SHA1( key = secret "&", StringToSign ) )
//!
//! V3: CanonicalRequest = METHOD "\n" path "\n" sorted name=enc(value) query pairs joined by "&" "\n"
//!                        "name:value\n" per signed header "\n" signed names joined by ";" "\n" hex(SHA-256(body))
//!     StringToSign     = "ACS3-HMAC-SHA256\n" hex(SHA-256(CanonicalRequest))
//!     Signature        = hex( HMAC-SHA256( key = secret, StringToSign ) )
//! ```

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::errors::ApiError;
use crate::state::{KeyRef, State};

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

/// Nonces of accepted requests, per AccessKey ID, each kept for as long as its request could be replayed.
///
/// A request is accepted while its `Timestamp` is within [`SKEW_WINDOW`] of the machine's clock, so one dated
/// up to 15 minutes ahead stays valid until 15 minutes after its timestamp, up to 30 minutes after it arrived.
/// Its nonce is therefore kept until its own timestamp leaves the window (`Timestamp + SKEW_WINDOW`), not for a
/// fixed time after receipt.
#[derive(Debug, Default)]
pub struct NonceCache {
    seen: HashSet<(String, String)>,
    /// `(forget after, key)`, soonest first.
    by_expiry: BTreeSet<(SystemTime, (String, String))>,
}

impl NonceCache {
    /// Records `nonce` for `access_key_id`, sent at `sent_at` and received at `now`; `false` if it is still
    /// remembered from an earlier request.
    pub fn insert(&mut self, access_key_id: &str, nonce: &str, sent_at: SystemTime, now: SystemTime) -> bool {
        while let Some((forget_after, _)) = self.by_expiry.first() {
            if *forget_after >= now {
                break;
            }
            if let Some((_, key)) = self.by_expiry.pop_first() {
                self.seen.remove(&key);
            }
        }
        let key = (access_key_id.to_owned(), nonce.to_owned());
        if !self.seen.insert(key.clone()) {
            return false;
        }
        // Past this instant the request's timestamp is expired, so the nonce cannot come back.
        self.by_expiry.insert((sent_at.max(now) + SKEW_WINDOW, key));
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
    check_security_token(state, &key, get("SecurityToken"), now)?;

    let expected = string_to_sign(method, params);
    if !signature_matches(key.secret, &expected, provided) {
        return Err(ApiError::signature_mismatch(&expected));
    }
    if !nonces.insert(access_key_id, nonce, sent_at, now) {
        return Err(ApiError::nonce_used());
    }
    Ok(Caller { account: key.account.to_owned(), access_key_id: access_key_id.to_owned() })
}

/// For STS credentials, the token sent (`SecurityToken`, or V3's `x-acs-security-token`) must be theirs and
/// they must not have expired; permanent keys need no token.
fn check_security_token(state: &State, key: &KeyRef<'_>, token: Option<&str>, now: SystemTime) -> Result<(), ApiError> {
    let Some(sts) = key.sts else {
        return Ok(());
    };
    let token = token.ok_or_else(ApiError::security_token_malformed)?;
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
    Ok(())
}

// ---- V3: ACS3-HMAC-SHA256 --------------------------------------------------------------------------------

/// The only V3 algorithm the emulator verifies (the SDKs also know `ACS3-HMAC-SM3` and `ACS3-RSA-SHA256`).
pub const V3_ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Request headers by lowercase name, every value in the order received.
pub type Headers = BTreeMap<String, Vec<String>>;

/// V3 headers every request must carry, with the V1 parameter each stands for (its `Missing<Name>` code).
const REQUIRED_V3_HEADERS: [(&str, &str); 4] = [
    ("x-acs-action", "Action"),
    ("x-acs-version", "Version"),
    ("x-acs-signature-nonce", "SignatureNonce"),
    ("x-acs-date", "Timestamp"),
];

/// Headers a V3 signature must cover, so that none of them can be changed or replayed under another nonce.
const MUST_SIGN: [&str; 5] = ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce"];

/// The first value of header `name` (lowercase), if any.
pub fn header<'h>(headers: &'h Headers, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|values| values.first()).map(String::as_str)
}

/// Whether the request is signed with V3: its `Authorization` header starts with `ACS3-` (any algorithm of the
/// family; an unsupported one is refused by [`authenticate_v3`], not read as V1).
pub fn is_v3(headers: &Headers) -> bool {
    header(headers, "authorization").is_some_and(|value| value.trim_start().starts_with("ACS3-"))
}

/// The parts of `Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
#[derive(Debug, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// `ACS3-HMAC-SHA256`, or another algorithm of the family.
    pub algorithm: &'a str,
    /// The AccessKey ID.
    pub credential: &'a str,
    /// The signed header names, as listed (lowercase, `;`-separated).
    pub signed_headers: Vec<&'a str>,
    /// The signature, lowercase hex.
    pub signature: &'a str,
}

/// Splits an `Authorization` header value; `None` when a part is missing, empty or repeated.
pub fn parse_authorization(value: &str) -> Option<Authorization<'_>> {
    let (algorithm, rest) = value.trim().split_once(' ')?;
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (name, value) = part.trim().split_once('=')?;
        let slot = match name.trim() {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed,
            "Signature" => &mut signature,
            _ => return None,
        };
        let value = value.trim();
        if slot.is_some() || value.is_empty() {
            return None;
        }
        *slot = Some(value);
    }
    Some(Authorization {
        algorithm,
        credential: credential?,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    })
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    // `from_str_radix` alone would take a `+` sign.
    if text.len() % 2 != 0 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    text.as_bytes().chunks(2).map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()).collect()
}

/// Lowercase hex SHA-256 of `bytes` (the hashed payload of a body, or of a canonical request).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex_lower(&Sha256::digest(bytes))
}

/// The server's canonical request: `method`, the `path` as received, the query parameters (decoded), the
/// headers named in `signed_headers` with the values received, and the hex SHA-256 of the body received.
///
/// A signed header that was not sent is canonicalised with an empty value, so the signature cannot match.
pub fn canonical_request_v3(
    method: &str,
    path: &str,
    query: &BTreeMap<String, String>,
    headers: &Headers,
    signed_headers: &[&str],
    hashed_payload: &str,
) -> String {
    let query = query.iter().map(|(name, value)| format!("{name}={}", encode(value))).collect::<Vec<_>>().join("&");
    let mut names: Vec<String> = signed_headers.iter().map(|name| name.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    let mut lines = String::new();
    for name in &names {
        let mut values: Vec<&str> =
            headers.get(name).map(|v| v.iter().map(|value| value.trim()).collect()).unwrap_or_default();
        values.sort_unstable();
        lines.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let path = if path.is_empty() { "/" } else { path };
    format!("{method}\n{path}\n{query}\n{lines}\n{}\n{hashed_payload}", names.join(";"))
}

/// `ACS3-HMAC-SHA256\n` + hex SHA-256 of `canonical_request`.
pub fn string_to_sign_v3(canonical_request: &str) -> String {
    format!("{V3_ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

fn mac_v3(secret: &str) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length")
}

/// The expected V3 signature (lowercase hex) of `string_to_sign` under `secret`.
#[cfg(test)]
pub fn signature_v3(secret: &str, string_to_sign: &str) -> String {
    let mut mac = mac_v3(secret);
    mac.update(string_to_sign.as_bytes());
    hex_lower(&mac.finalize().into_bytes())
}

/// Whether `provided` (hex, either case) is the V3 signature of `string_to_sign` under `secret`; compared in
/// constant time.
pub fn signature_v3_matches(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    let Some(bytes) = hex_decode(provided) else {
        return false;
    };
    let mut mac = mac_v3(secret);
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&bytes).is_ok()
}

/// A V3 request as the HTTP layer read it.
pub struct V3Request<'a> {
    /// `GET` or `POST`.
    pub method: &'a str,
    /// The path as received (`/` for RPC).
    pub path: &'a str,
    /// The URL query parameters alone, decoded (the body is covered by its hash).
    pub query: &'a BTreeMap<String, String>,
    /// Every header, by lowercase name.
    pub headers: &'a Headers,
    /// The body bytes as received.
    pub body: &'a [u8],
}

/// The AccessKey ID of a V3 request (`Credential=`), for logs; empty when `Authorization` is unreadable.
pub fn v3_access_key_id(headers: &Headers) -> &str {
    header(headers, "authorization").and_then(parse_authorization).map_or("", |auth| auth.credential)
}

/// Checks a V3 request in the gateway's order, as [`authenticate`] does for V1: missing headers
/// (`x-acs-action`, `x-acs-version`, `x-acs-signature-nonce`, `x-acs-date`, reported under their V1 codes),
/// the `Authorization` header and what it signs, timestamp (`x-acs-date`), AccessKey ID (`Credential=`), STS
/// token (`x-acs-security-token`), body hash (`x-acs-content-sha256`, when sent), signature, nonce
/// (`x-acs-signature-nonce`).
pub fn authenticate_v3(
    state: &State,
    nonces: &mut NonceCache,
    request: &V3Request<'_>,
    now: SystemTime,
) -> Result<Caller, ApiError> {
    let get = |name: &str| header(request.headers, name).filter(|v| !v.trim().is_empty());
    for (name, code_name) in REQUIRED_V3_HEADERS {
        if get(name).is_none() {
            return Err(ApiError::missing_common_header(code_name, name));
        }
    }
    let [nonce, date] = ["x-acs-signature-nonce", "x-acs-date"].map(|name| get(name).unwrap_or_default().trim());

    let authorization = get("authorization").and_then(parse_authorization).ok_or_else(|| {
        ApiError::incomplete_signature(
            "the Authorization header must be ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>",
        )
    })?;
    if authorization.algorithm != V3_ALGORITHM {
        return Err(ApiError::incomplete_signature("the signature algorithm must be ACS3-HMAC-SHA256"));
    }
    let signed = |name: &str| authorization.signed_headers.iter().any(|s| s.eq_ignore_ascii_case(name));
    let token = get("x-acs-security-token");
    for name in MUST_SIGN.into_iter().chain(token.map(|_| "x-acs-security-token")) {
        if !signed(name) {
            return Err(ApiError::incomplete_signature(&format!("SignedHeaders must include {name}")));
        }
    }

    let sent_at = parse_timestamp(date).ok_or_else(ApiError::timestamp_format)?;
    let skew = now.duration_since(sent_at).unwrap_or_else(|e| e.duration());
    if skew > SKEW_WINDOW {
        return Err(ApiError::timestamp_expired());
    }

    let access_key_id = authorization.credential;
    let key = state.find_key(access_key_id).ok_or_else(ApiError::access_key_not_found)?;
    check_security_token(state, &key, token, now)?;

    let hashed_payload = sha256_hex(request.body);
    if let Some(claimed) = get("x-acs-content-sha256").map(str::trim) {
        if !claimed.eq_ignore_ascii_case(&hashed_payload) {
            return Err(ApiError::content_sha256_mismatch(claimed, &hashed_payload));
        }
    }
    let canonical = canonical_request_v3(
        request.method,
        request.path,
        request.query,
        request.headers,
        &authorization.signed_headers,
        &hashed_payload,
    );
    let expected = string_to_sign_v3(&canonical);
    if !signature_v3_matches(key.secret, &expected, authorization.signature) {
        return Err(ApiError::signature_mismatch_v3(&expected, &canonical));
    }
    if !nonces.insert(access_key_id, nonce, sent_at, now) {
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

    /// Every V3 vector of the official SDKs: same canonical request, string to sign (hence hashed canonical
    /// request), signature and Authorization parts, and the signature verifies.
    #[test]
    fn reproduces_every_official_v3_vector() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rds-api/tests/data/signature-vectors.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let strings = |value: &serde_json::Value| -> BTreeMap<String, String> {
            value.as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect()
        };
        let mut checked = 0;
        for vector in doc["vectors"].as_array().unwrap() {
            if vector["signature_version"] != "v3" {
                continue;
            }
            let id = vector["id"].as_str().unwrap();
            let field = |name: &str| vector[name].as_str().unwrap_or_else(|| panic!("{id}: {name}"));
            let query = strings(&vector["query"]);
            // As the HTTP layer hands them over: lowercase names, a list of values each.
            let headers: Headers =
                strings(&vector["headers"]).into_iter().map(|(k, v)| (k.to_ascii_lowercase(), vec![v])).collect();
            let body = vector["body"].as_str().unwrap_or_default();

            let authorization = parse_authorization(field("authorization")).expect("a readable Authorization");
            assert_eq!(authorization.algorithm, V3_ALGORITHM, "{id}");
            assert_eq!(authorization.credential, field("access_key_id"), "{id}");
            assert_eq!(authorization.signed_headers.join(";"), field("signed_headers"), "{id}");
            assert_eq!(authorization.signature, field("signature"), "{id}");

            let hashed_payload = sha256_hex(body.as_bytes());
            assert_eq!(hashed_payload, field("hashed_payload"), "{id}: hashed payload");
            let canonical = canonical_request_v3(
                field("method"),
                field("pathname"),
                &query,
                &headers,
                &authorization.signed_headers,
                &hashed_payload,
            );
            assert_eq!(canonical, field("canonical_request"), "{id}: canonical request");
            let sts = string_to_sign_v3(&canonical);
            assert_eq!(sts, field("string_to_sign"), "{id}: string to sign");
            assert_eq!(sts, format!("ACS3-HMAC-SHA256\n{}", field("hashed_canonical_request")), "{id}");
            let secret = field("secret");
            assert_eq!(signature_v3(secret, &sts), field("signature"), "{id}: signature");
            assert!(signature_v3_matches(secret, &sts, field("signature")), "{id}: verification");
            assert!(signature_v3_matches(secret, &sts, &field("signature").to_uppercase()), "{id}: hex case");
            assert!(!signature_v3_matches("wrong", &sts, field("signature")), "{id}: wrong secret verifies");
            checked += 1;
        }
        assert_eq!(checked, 9, "expected the 9 V3 vectors");
    }

    #[test]
    fn v3_signs_only_the_listed_headers_and_misses_absent_ones() {
        let headers: Headers = [("host", "h"), ("x-acs-date", "d"), ("accept", "application/json")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), vec![v.to_owned()]))
            .collect();
        let query = BTreeMap::from([("A b".to_owned(), "c d".to_owned())]);
        let canonical = canonical_request_v3("GET", "", &query, &headers, &["x-acs-date", "host", "x-acs-nonce"], "p");
        assert_eq!(
            canonical,
            "GET\n/\nA b=c%20d\nhost:h\nx-acs-date:d\nx-acs-nonce:\n\nhost;x-acs-date;x-acs-nonce\np"
        );
        let repeated: Headers = BTreeMap::from([("x-a".to_owned(), vec![" 2".to_owned(), "1 ".to_owned()])]);
        assert!(canonical_request_v3("POST", "/", &BTreeMap::new(), &repeated, &["x-a"], "p").contains("\nx-a:1,2\n"));
    }

    #[test]
    fn authorization_headers() {
        let auth =
            parse_authorization("ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;x-acs-date,Signature=ab").unwrap();
        assert_eq!(
            auth,
            Authorization {
                algorithm: "ACS3-HMAC-SHA256",
                credential: "id",
                signed_headers: vec!["host", "x-acs-date"],
                signature: "ab"
            }
        );
        // Spaces after the commas are tolerated.
        assert!(parse_authorization("ACS3-HMAC-SHA256 Credential=id, SignedHeaders=host, Signature=ab").is_some());
        for bad in [
            "",
            "ACS3-HMAC-SHA256",
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host",
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=id,Credential=id,SignedHeaders=host,Signature=ab",
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=ab,Extra=x",
        ] {
            assert_eq!(parse_authorization(bad), None, "{bad}");
        }
        let with = |value: &str| Headers::from([("authorization".to_owned(), vec![value.to_owned()])]);
        assert!(is_v3(&with("ACS3-HMAC-SHA256 Credential=id")));
        assert!(is_v3(&with("ACS3-HMAC-SM3 Credential=id")));
        assert!(!is_v3(&with("Bearer x")));
        assert!(!is_v3(&Headers::new()));
        assert_eq!(v3_access_key_id(&with("ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=ab")), "id");
        assert_eq!(v3_access_key_id(&with("garbage")), "");
    }

    #[test]
    fn garbage_signatures_do_not_verify() {
        assert!(!signature_v3_matches("s", "x", "zz"));
        assert!(!signature_v3_matches("s", "x", "abc"));
        assert_eq!(hex_decode("+a0b"), None);
        assert_eq!(hex_decode("0aFf"), Some(vec![0x0a, 0xff]));
        assert!(!signature_v3_matches("s", "x", ""));
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
        assert!(cache.insert("ak", "n1", t0, t0));
        assert!(!cache.insert("ak", "n1", t0, t0 + Duration::from_secs(60)));
        assert!(cache.insert("other", "n1", t0, t0));
        // Past the window the old entry is forgotten.
        assert!(cache.insert("ak", "n1", t0, t0 + SKEW_WINDOW + Duration::from_secs(1)));
    }

    /// The V1 parameters of a DescribeDatabases request of the demo key, dated `sent_at`, signed.
    fn signed_v1(sent_at: SystemTime, nonce: &str) -> BTreeMap<String, String> {
        let mut params: BTreeMap<String, String> = [
            ("Action", "DescribeDatabases"),
            ("Version", "2014-08-15"),
            ("AccessKeyId", crate::demo::ACCESS_KEY_ID),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", nonce),
            ("DBInstanceId", crate::demo::SOURCE),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        params.insert("Timestamp".into(), humantime::format_rfc3339_seconds(sent_at).to_string());
        let sts = string_to_sign("POST", &params);
        params.insert("Signature".into(), signature(crate::demo::ACCESS_KEY_SECRET, &sts));
        params
    }

    #[test]
    fn a_request_dated_ahead_cannot_be_replayed_while_its_timestamp_is_valid() {
        let state = State::demo();
        let mut nonces = NonceCache::default();
        let received = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // Dated 14 minutes ahead: accepted, and valid until 29 minutes after it arrived.
        let ahead = signed_v1(received + Duration::from_secs(14 * 60), "nonce-ahead");
        authenticate(&state, &mut nonces, "POST", &ahead, received).unwrap();
        for minutes in [1, 15, 16, 28] {
            let replayed_at = received + Duration::from_secs(minutes * 60);
            let err = authenticate(&state, &mut nonces, "POST", &ahead, replayed_at).unwrap_err();
            assert_eq!(err.code, "SignatureNonceUsed", "replayed {minutes} minutes after receipt");
        }
        // Once the timestamp itself has left the window, the request is expired anyway.
        let late = received + Duration::from_secs(30 * 60);
        let err = authenticate(&state, &mut nonces, "POST", &ahead, late).unwrap_err();
        assert_eq!(err.code, "InvalidTimeStamp.Expired");
        // And its nonce is forgotten then (the memory does not grow forever): a fresh request may reuse it.
        let fresh = signed_v1(late, "nonce-ahead");
        authenticate(&state, &mut nonces, "POST", &fresh, late).unwrap();
    }
}
