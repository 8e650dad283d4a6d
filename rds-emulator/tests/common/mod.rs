//! Helpers of the integration tests: a demo emulator, clients for it, and raw signed requests.
//!
//! Raw requests are signed with `rds_api::signing`, the client's implementation, which is independent of
//! the emulator's verifier (`rds-emulator/src/auth.rs`): they only agree if both follow the protocol.

#![allow(dead_code)] // each test file uses a different part

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use rds_api::runtime::Method;
use rds_api::signing::{canonical_query_string, sign, string_to_sign};
use rds_api::{Client, Credentials};
use rds_emulator::{demo, Emulator, EmulatorHandle, State};
use serde_json::Value;

/// An emulator of the demo state with a manual clock.
pub async fn demo_emulator() -> EmulatorHandle {
    Emulator::start(State::demo()).await.expect("the emulator starts")
}

/// A client of `emulator` signing with `credentials`.
pub fn client(emulator: &EmulatorHandle, credentials: Credentials) -> Client {
    Client::builder()
        .endpoint(emulator.endpoint())
        .credentials(credentials)
        .timeout(Duration::from_secs(5))
        .build()
        .expect("the client builds")
}

/// A client of `emulator` with the demo account's AccessKey.
pub fn demo_client(emulator: &EmulatorHandle) -> Client {
    client(emulator, emulator.demo_credentials())
}

/// The `YYYY-MM-DDThh:mm:ssZ` form of `time`.
pub fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// A request built and signed by hand, to reach what the client never sends (GET, body parameters, stale
/// timestamps, reused nonces, missing common parameters, bad signatures).
#[derive(Clone, Debug)]
pub struct Raw {
    pub method: &'static str,
    pub query: BTreeMap<String, String>,
    pub body: BTreeMap<String, String>,
    pub secret: String,
    /// Sent instead of the computed signature when set.
    pub forced_signature: Option<String>,
    /// Sent without a `Signature` parameter.
    pub unsigned: bool,
}

/// The answer to a raw request.
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl RawAnswer {
    pub fn code(&self) -> &str {
        self.body["Code"].as_str().unwrap_or("")
    }

    pub fn message(&self) -> &str {
        self.body["Message"].as_str().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Raw {
    /// A POST of `action` with every common parameter, signed with the demo AccessKey, the current time and
    /// a fresh nonce.
    pub fn new(action: &str) -> Self {
        let mut query = BTreeMap::new();
        for (name, value) in [
            ("Action", action),
            ("Version", "2014-08-15"),
            ("Format", "JSON"),
            ("AccessKeyId", demo::ACCESS_KEY_ID),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
        ] {
            query.insert(name.to_owned(), value.to_owned());
        }
        query.insert("SignatureNonce".into(), uuid::Uuid::new_v4().to_string());
        query.insert("Timestamp".into(), timestamp(SystemTime::now()));
        Raw {
            method: "POST",
            query,
            body: BTreeMap::new(),
            secret: demo::ACCESS_KEY_SECRET.into(),
            forced_signature: None,
            unsigned: false,
        }
    }

    pub fn get(mut self) -> Self {
        self.method = "GET";
        self
    }

    /// Sets a query parameter.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.query.insert(name.into(), value.into());
        self
    }

    /// Moves or sets a parameter into the form body.
    pub fn body_param(mut self, name: &str, value: &str) -> Self {
        self.query.remove(name);
        self.body.insert(name.into(), value.into());
        self
    }

    /// Sends `name` twice: `query_value` in the query and `body_value` in the form body.
    pub fn query_and_body_param(mut self, name: &str, query_value: &str, body_value: &str) -> Self {
        self.query.insert(name.into(), query_value.into());
        self.body.insert(name.into(), body_value.into());
        self
    }

    /// Removes a parameter from the query and the body.
    pub fn without(mut self, name: &str) -> Self {
        self.query.remove(name);
        self.body.remove(name);
        self
    }

    pub fn key(mut self, access_key_id: &str, secret: &str) -> Self {
        self.query.insert("AccessKeyId".into(), access_key_id.into());
        self.secret = secret.into();
        self
    }

    pub fn nonce(self, nonce: &str) -> Self {
        self.param("SignatureNonce", nonce)
    }

    pub fn at(self, time: SystemTime) -> Self {
        self.param("Timestamp", &timestamp(time))
    }

    /// What the official SDKs sign: `METHOD&%2F&enc(canonical query ∪ body)`, the body's value winning when
    /// both carry a name (legacy `sign_params.update(body_params)`, Tea `merge(query, body)`).
    pub fn string_to_sign(&self) -> String {
        let mut signed = self.query.clone();
        signed.extend(self.body.clone());
        signed.remove("Signature");
        let method = if self.method == "GET" { Method::Get } else { Method::Post };
        string_to_sign(method, &canonical_query_string(&signed))
    }

    pub async fn send(&self, endpoint: &str) -> RawAnswer {
        let mut query = self.query.clone();
        if !self.unsigned {
            let signature = self.forced_signature.clone().unwrap_or_else(|| sign(&self.secret, &self.string_to_sign()));
            query.insert("Signature".into(), signature);
        }
        let url = format!("{endpoint}/?{}", canonical_query_string(&query));
        let http = reqwest::Client::new();
        let mut request = match self.method {
            "GET" => http.get(&url),
            "POST" => http.post(&url),
            other => http.request(reqwest::Method::from_bytes(other.as_bytes()).unwrap(), &url),
        };
        if !self.body.is_empty() {
            request = request
                .header("content-type", "application/x-www-form-urlencoded")
                .body(canonical_query_string(&self.body));
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
        RawAnswer { status, headers, body }
    }
}
