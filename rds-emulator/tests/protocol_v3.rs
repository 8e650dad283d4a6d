//! Signature V3 (ACS3-HMAC-SHA256) over real TCP: requests shaped like the official Tea SDKs' (every header
//! signed, `+` for spaces in the query) and like rds-api's (host and `x-acs-*` signed), form bodies, GET, STS,
//! and every V3 protocol error.
//!
//! Requests are signed with `rds_api::signing::v3`, the client's implementation, which is independent of the
//! emulator's verifier (`rds-emulator/src/auth.rs`).

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use common::{demo_emulator, timestamp, RawAnswer};
use rds_api::runtime::Method;
use rds_api::signing::v3;
use rds_emulator::demo;

const ATTRIBUTE: &str = "DescribeDBInstanceAttribute";

/// A V3 request built and signed by hand.
#[derive(Clone, Debug)]
struct RawV3 {
    method: Method,
    query: BTreeMap<String, String>,
    body: BTreeMap<String, String>,
    /// Every header sent, by lowercase name (`host` is filled in by `send`).
    headers: BTreeMap<String, String>,
    /// Header names left out of `SignedHeaders` (but still sent).
    unsigned: Vec<&'static str>,
    access_key_id: String,
    secret: String,
    algorithm: &'static str,
    /// Sent instead of the body that was signed, when set.
    tampered_body: Option<String>,
}

impl RawV3 {
    /// A POST of `action`, with the demo AccessKey, the current time and a fresh nonce.
    fn new(action: &str) -> Self {
        let headers = [
            ("x-acs-action", action.to_owned()),
            ("x-acs-version", "2014-08-15".to_owned()),
            ("x-acs-date", timestamp(SystemTime::now())),
            ("x-acs-signature-nonce", uuid::Uuid::new_v4().simple().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        RawV3 {
            method: Method::Post,
            query: BTreeMap::new(),
            body: BTreeMap::new(),
            headers,
            unsigned: Vec::new(),
            access_key_id: demo::ACCESS_KEY_ID.into(),
            secret: demo::ACCESS_KEY_SECRET.into(),
            algorithm: v3::ALGORITHM,
            tampered_body: None,
        }
    }

    /// The extra headers Tea-Python sends and signs.
    fn tea_headers(self) -> Self {
        self.header("accept", "application/json")
            .header("user-agent", "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2")
            .header("x-acs-credentials-provider", "static_ak")
    }

    fn get(mut self) -> Self {
        self.method = Method::Get;
        self
    }

    fn param(mut self, name: &str, value: &str) -> Self {
        self.query.insert(name.into(), value.into());
        self
    }

    fn body_param(mut self, name: &str, value: &str) -> Self {
        self.body.insert(name.into(), value.into());
        self
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }

    fn without(mut self, name: &str) -> Self {
        self.headers.remove(name);
        self
    }

    fn unsigned(mut self, name: &'static str) -> Self {
        self.unsigned.push(name);
        self
    }

    fn key(mut self, access_key_id: &str, secret: &str) -> Self {
        self.access_key_id = access_key_id.into();
        self.secret = secret.into();
        self
    }

    /// The body as Tea sends it: form-encoded (`+` for spaces).
    fn body_text(&self) -> String {
        form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.body).finish()
    }

    /// Signs, sends and reads the answer.
    async fn send(mut self, endpoint: &str) -> RawAnswer {
        let host = endpoint.trim_start_matches("http://").trim_end_matches('/').to_owned();
        self.headers.insert("host".into(), host);
        let body = self.body_text();
        let hashed_payload = v3::hashed_payload(body.as_bytes());
        self.headers.entry("x-acs-content-sha256".into()).or_insert_with(|| hashed_payload.clone());
        if !body.is_empty() {
            self.headers.insert("content-type".into(), "application/x-www-form-urlencoded".into());
        }
        let signed = self.headers.iter().filter(|(name, _)| !self.unsigned.contains(&name.as_str()));
        let canonical = v3::canonical_request(
            self.method,
            "/",
            &self.query,
            signed.map(|(k, v)| (k.as_str(), v.as_str())),
            &hashed_payload,
        );
        let signature = v3::sign(&self.secret, &v3::string_to_sign(&canonical.text));
        let authorization = v3::authorization(&self.access_key_id, &canonical.signed_headers, &signature).replacen(
            v3::ALGORITHM,
            self.algorithm,
            1,
        );

        // The query as Tea sends it: form-encoded, `+` for spaces.
        let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(&self.query).finish();
        let url = if query.is_empty() { format!("{endpoint}/") } else { format!("{endpoint}/?{query}") };
        let method = if self.method == Method::Get { reqwest::Method::GET } else { reqwest::Method::POST };
        let mut request = reqwest::Client::new().request(method, url).header("authorization", authorization);
        for (name, value) in &self.headers {
            if name != "host" {
                request = request.header(name, value);
            }
        }
        let response = request.body(self.tampered_body.unwrap_or(body)).send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = serde_json::from_slice(&response.bytes().await.expect("a body")).expect("a JSON body");
        RawAnswer { status, headers, body }
    }
}

fn instance_id(answer: &RawAnswer) -> &str {
    answer.body["Items"]["DBInstanceAttribute"][0]["DBInstanceId"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn requests_shaped_like_the_tea_sdk_and_like_rds_api_are_accepted() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    // Tea: every header signed, spaces as `+` in the query, parameters the operation ignores included.
    let tea = RawV3::new(ATTRIBUTE)
        .tea_headers()
        .param("DBInstanceId", demo::SOURCE)
        .param("Note", "a b*c~d/e+f=g&h 测试 🚀")
        .param("Tags", "")
        .send(&endpoint)
        .await;
    assert_eq!(tea.status, 200, "{:?}", tea.body);
    assert_eq!(instance_id(&tea), demo::SOURCE);

    // rds-api: host and x-acs-* only.
    let minimal = RawV3::new(ATTRIBUTE).param("DBInstanceId", demo::DESTINATION).send(&endpoint).await;
    assert_eq!(minimal.status, 200, "{:?}", minimal.body);
    assert_eq!(instance_id(&minimal), demo::DESTINATION);

    let get = RawV3::new(ATTRIBUTE).get().param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(get.status, 200, "{:?}", get.body);

    // A form body is covered by its hash; content-type is signed with it.
    let form = RawV3::new(ATTRIBUTE).tea_headers().body_param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(form.status, 200, "{:?}", form.body);
    assert_eq!(instance_id(&form), demo::SOURCE);

    assert_eq!(emulator.processed(ATTRIBUTE), 4);
}

#[tokio::test]
async fn action_and_version_come_from_the_headers() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    // V1 parameters in the query are plain parameters of a V3 request.
    let answer = RawV3::new(ATTRIBUTE)
        .param("Action", "ImportDatabaseBetweenInstances")
        .param("DBInstanceId", demo::SOURCE)
        .send(&endpoint)
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(emulator.processed(ATTRIBUTE), 1);

    let unknown = RawV3::new("NoSuchAction").send(&endpoint).await;
    assert_eq!((unknown.status, unknown.code()), (404, "InvalidApi.NotFound"));
    let version = RawV3::new(ATTRIBUTE).header("x-acs-version", "2099-01-01").send(&endpoint).await;
    assert_eq!((version.status, version.code()), (404, "InvalidApi.NotFound"));
}

#[tokio::test]
async fn a_wrong_secret_gets_the_servers_string_to_sign_and_canonical_request() {
    let emulator = demo_emulator().await;
    let request = RawV3::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE).key(demo::ACCESS_KEY_ID, "wrong");
    let answer = request.clone().send(&emulator.endpoint()).await;
    assert_eq!((answer.status, answer.code()), (400, "SignatureDoesNotMatch"));
    let message = answer.message();
    let (sts, canonical) = message
        .strip_prefix("Specified signature is not matched with our calculation. server string to sign is:")
        .and_then(|rest| rest.split_once("\nserver canonical request is:\n"))
        .unwrap_or_else(|| panic!("unexpected message {message:?}"));
    // The server canonicalised exactly what the client signed: only the secret differs.
    assert_eq!(sts, v3::string_to_sign(canonical));
    assert!(canonical.starts_with("POST\n/\nDBInstanceId=rm-demo-source\nhost:127.0.0.1:"), "{canonical}");
    assert!(canonical.ends_with(&format!("\n{}", v3::EMPTY_PAYLOAD_SHA256)), "{canonical}");
    assert_eq!(emulator.requests(ATTRIBUTE), 0);
}

#[tokio::test]
async fn a_body_changed_after_signing_does_not_verify() {
    let emulator = demo_emulator().await;
    let mut request = RawV3::new(ATTRIBUTE).body_param("DBInstanceId", demo::SOURCE);
    request.tampered_body = Some(format!("DBInstanceId={}", demo::DESTINATION));
    let answer = request.send(&emulator.endpoint()).await;
    assert_eq!(answer.code(), "SignatureDoesNotMatch");

    // Neither does a x-acs-content-sha256 that is not the body's.
    let lying = RawV3::new(ATTRIBUTE)
        .body_param("DBInstanceId", demo::SOURCE)
        .header("x-acs-content-sha256", v3::EMPTY_PAYLOAD_SHA256)
        .send(&emulator.endpoint())
        .await;
    assert_eq!(lying.code(), "SignatureDoesNotMatch");
    assert!(lying.message().contains("x-acs-content-sha256"), "{}", lying.message());
}

#[tokio::test]
async fn missing_headers_and_incomplete_signatures() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let base = || RawV3::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE);

    for (header, code) in [
        ("x-acs-action", "MissingAction"),
        ("x-acs-version", "MissingVersion"),
        ("x-acs-signature-nonce", "MissingSignatureNonce"),
        ("x-acs-date", "MissingTimestamp"),
    ] {
        let answer = base().without(header).send(&endpoint).await;
        assert_eq!((answer.status, answer.code()), (400, code), "{header}");
        assert_eq!(answer.message(), format!("{header} is mandatory for this action."));
    }

    for header in ["host", "x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce"] {
        let answer = base().unsigned(header).send(&endpoint).await;
        assert_eq!((answer.status, answer.code()), (400, "IncompleteSignature"), "{header}");
        assert!(answer.message().contains(header), "{}", answer.message());
    }

    let mut sm3 = base();
    sm3.algorithm = "ACS3-HMAC-SM3";
    let answer = sm3.send(&endpoint).await;
    assert_eq!(answer.code(), "IncompleteSignature");
    assert!(answer.message().contains("ACS3-HMAC-SHA256"), "{}", answer.message());

    // An Authorization header without SignedHeaders and Signature (`RawV3::send` always writes a whole one).
    let response = reqwest::Client::new()
        .post(format!("{endpoint}/?DBInstanceId={}", demo::SOURCE))
        .header("authorization", "ACS3-HMAC-SHA256 Credential=x")
        .header("x-acs-action", ATTRIBUTE)
        .header("x-acs-version", "2014-08-15")
        .header("x-acs-date", timestamp(SystemTime::now()))
        .header("x-acs-signature-nonce", "n")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Code"], "IncompleteSignature");

    assert_eq!(emulator.requests(ATTRIBUTE), 0, "no refused request was counted");
}

#[tokio::test]
async fn dates_keys_and_nonces() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let base = || RawV3::new(ATTRIBUTE).param("DBInstanceId", demo::SOURCE);

    let stale = base().header("x-acs-date", &timestamp(SystemTime::now() - Duration::from_secs(16 * 60)));
    assert_eq!(stale.send(&endpoint).await.code(), "InvalidTimeStamp.Expired");
    let future = base().header("x-acs-date", &timestamp(SystemTime::now() + Duration::from_secs(16 * 60)));
    assert_eq!(future.send(&endpoint).await.code(), "InvalidTimeStamp.Expired");
    let garbled = base().header("x-acs-date", "2016-02-23 12:46:24");
    assert_eq!(garbled.send(&endpoint).await.code(), "InvalidTimeStamp.Format");

    let unknown = base().key("nobody", "x").send(&endpoint).await;
    assert_eq!((unknown.status, unknown.code()), (404, "InvalidAccessKeyId.NotFound"));

    // A refused request does not use up its nonce; an accepted one does.
    let nonce = "v3-nonce-reused";
    let refused = base().header("x-acs-signature-nonce", nonce).key(demo::ACCESS_KEY_ID, "wrong");
    assert_eq!(refused.send(&endpoint).await.code(), "SignatureDoesNotMatch");
    assert_eq!(base().header("x-acs-signature-nonce", nonce).send(&endpoint).await.status, 200);
    let replay = base().header("x-acs-signature-nonce", nonce).send(&endpoint).await;
    assert_eq!((replay.status, replay.code()), (400, "SignatureNonceUsed"));
    assert_eq!(emulator.processed(ATTRIBUTE), 1);
}

#[tokio::test]
async fn sts_tokens_travel_in_a_signed_header() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let sts = emulator.sts_credentials(demo::ACCOUNT).unwrap();
    let token = sts.security_token().unwrap().to_owned();
    let base = || {
        RawV3::new(ATTRIBUTE)
            .param("DBInstanceId", demo::SOURCE)
            .key(sts.access_key_id(), sts.access_key_secret())
            .header("x-acs-accesskey-id", sts.access_key_id())
    };

    let ok = base().header("x-acs-security-token", &token).send(&endpoint).await;
    assert_eq!(ok.status, 200, "{:?}", ok.body);

    let missing = base().send(&endpoint).await;
    assert_eq!(missing.code(), "InvalidSecurityToken.Malformed");
    // A V1 parameter is not where V3 looks.
    let in_query = base().param("SecurityToken", &token).send(&endpoint).await;
    assert_eq!(in_query.code(), "InvalidSecurityToken.Malformed");
    let wrong = base().header("x-acs-security-token", "not-a-token").send(&endpoint).await;
    assert_eq!(wrong.code(), "InvalidSecurityToken.Malformed");
    let unsigned = base().header("x-acs-security-token", &token).unsigned("x-acs-security-token").send(&endpoint).await;
    assert_eq!(unsigned.code(), "IncompleteSignature");
}
