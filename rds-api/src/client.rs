//! The HTTP client: signs operations (RPC HMAC-SHA1) and sends them.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::credentials::{redact_token, Credentials};
use crate::error::{Error, ResponseError, ServiceError, TransportError};
use crate::runtime::{ErrorCode, Method, Operation, Paginated, Params};
use crate::signing;
use futures_util::{Stream, TryStreamExt};

/// The endpoint used when none is set: the central RDS endpoint, as `api-specs/service.yaml` declares it.
pub use crate::operations::DEFAULT_ENDPOINT;
/// How long connecting may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request (connect, send, read the answer) may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
/// How many characters of an unusable body a [`ResponseError`] keeps.
const SNIPPET_CHARS: usize = 512;

/// A client for the RDS API. Cheap to clone (the connection pool and settings are shared).
///
/// ```no_run
/// # async fn demo() -> Result<(), rds_api::client::BuildError> {
/// use rds_api::client::Client;
/// use rds_api::credentials::Credentials;
///
/// let client = Client::builder()
///     .credentials(Credentials::new("LTAI…", "secret"))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    credentials: Credentials,
    endpoint: url::Url,
    user_agent: String,
    connect_timeout: Duration,
    timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("credentials", &self.inner.credentials)
            .field("user_agent", &self.inner.user_agent)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.inner.timeout)
            .finish()
    }
}

/// Settings of a [`Client`]; from [`Client::builder`].
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    endpoint: String,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
        }
    }
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No credentials were set, or the AccessKey ID or secret is empty.
    #[error("no credentials: set them with ClientBuilder::credentials (AccessKey ID and secret must not be empty)")]
    MissingCredentials,
    /// The endpoint is not an `http://` or `https://` URL with a host.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The user-agent suffix cannot be sent as a header value.
    #[error("invalid user agent suffix {0:?}: it must be visible ASCII or spaces")]
    InvalidUserAgent(String),
    /// The HTTP client could not be set up (TLS initialisation).
    #[error("could not set up the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}

impl ClientBuilder {
    /// The credentials that sign every request (required).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The endpoint URL; default [`DEFAULT_ENDPOINT`]. Any `http` or `https` URL with a host is accepted,
    /// e.g. `https://rds.cn-zhangjiakou.aliyuncs.com` or `http://127.0.0.1:8080` for a local stand-in.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }

    /// How long connecting may take; default 5 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole request may take, reading the answer included; default 10 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Text appended (after a space) to the `User-Agent`, e.g. `my-tool/1.2`.
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let credentials = self
            .credentials
            .filter(|c| !c.access_key_id().is_empty() && !c.access_key_secret().is_empty())
            .ok_or(BuildError::MissingCredentials)?;
        let endpoint = parse_endpoint(&self.endpoint)?;

        let mut user_agent = format!("rds-api-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent.filter(|s| !s.trim().is_empty()) {
            if !suffix.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
                return Err(BuildError::InvalidUserAgent(suffix));
            }
            user_agent.push(' ');
            user_agent.push_str(suffix.trim());
        }

        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(user_agent.clone())
            // A redirect would re-send the signed query (and any security token) elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| BuildError::Http(e.without_url()))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials,
                endpoint,
                user_agent,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
            }),
        })
    }
}

fn parse_endpoint(endpoint: &str) -> Result<url::Url, BuildError> {
    let invalid = |reason: String| BuildError::InvalidEndpoint { endpoint: endpoint.to_owned(), reason };
    let url = url::Url::parse(endpoint.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!("the scheme must be http or https, not {}", url.scheme())));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not contain a user name or password".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment".into()));
    }
    Ok(url)
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &str {
        self.inner.endpoint.as_str()
    }

    /// The credentials requests are signed with.
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// Validates `op` and builds its signed request with a fresh nonce and the current time, without sending
    /// it.
    pub fn prepare<O: Operation>(&self, op: &O) -> Result<PreparedRequest, Error<O::ErrorCode>> {
        let nonce = uuid::Uuid::new_v4().to_string();
        self.prepare_at(op, &nonce, SystemTime::now())
    }

    /// Like [`prepare`](Self::prepare) with a given `SignatureNonce` and `Timestamp`, for reproducible
    /// signatures. A nonce must never be reused against the real service (`SignatureNonceUsed`).
    ///
    /// The timestamp is sent in whole seconds, UTC (`2016-02-23T12:46:24Z`); times before 1970 or after
    /// 9999 are clamped to those bounds.
    pub fn prepare_at<O: Operation>(
        &self,
        op: &O,
        nonce: &str,
        timestamp: SystemTime,
    ) -> Result<PreparedRequest, Error<O::ErrorCode>> {
        op.validate()?;
        let mut params = Params::new();
        op.write_params(&mut params);
        let (query, body) = params.into_parts();
        Ok(self.sign(
            Target { action: O::ACTION, version: O::VERSION, method: O::METHOD, idempotent: O::IDEMPOTENT },
            query,
            body,
            nonce,
            timestamp,
        ))
    }

    fn sign(
        &self,
        target: Target,
        mut query: BTreeMap<String, String>,
        body: BTreeMap<String, String>,
        nonce: &str,
        timestamp: SystemTime,
    ) -> PreparedRequest {
        let credentials = &self.inner.credentials;
        let common = [
            ("Action", target.action),
            ("Version", target.version),
            ("Format", "JSON"),
            ("AccessKeyId", credentials.access_key_id()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", nonce),
        ];
        for (name, value) in common {
            query.insert(name.to_owned(), value.to_owned());
        }
        query.insert("Timestamp".to_owned(), format_timestamp(timestamp));
        if let Some(token) = credentials.security_token().filter(|t| !t.is_empty()) {
            query.insert("SecurityToken".to_owned(), token.to_owned());
        }
        // Signing was over query ∪ body: names are unique across both in practice; the query wins a clash,
        // as it is what the service reads first.
        query.remove("Signature");
        let string_to_sign = {
            let mut signed = body.clone();
            signed.extend(query.iter().map(|(k, v)| (k.clone(), v.clone())));
            signing::string_to_sign(target.method, &signing::canonical_query_string(&signed))
        };
        let signature = signing::sign(credentials.access_key_secret(), &string_to_sign);
        query.insert("Signature".to_owned(), signature);

        let mut url = self.inner.endpoint.clone();
        if url.path().is_empty() {
            url.set_path("/");
        }
        // Already percent-encoded with the RFC 3986 unreserved set, which `url` leaves as it is.
        url.set_query(Some(&signing::canonical_query_string(&query)));
        let body_text = signing::canonical_query_string(&body);

        PreparedRequest {
            target,
            url,
            query,
            body_params: body,
            body: body_text,
            string_to_sign,
            security_token: credentials.security_token().map(str::to_owned),
        }
    }

    /// Validates `op` (before any I/O), signs it and sends it; decodes the answer.
    ///
    /// A 2xx answer decodes into `O::Response`; an error answer with a `Code` becomes
    /// [`Error::Service`]; anything else unusable becomes [`Error::Response`]; no answer at all becomes
    /// [`Error::Transport`]. Each attempt is one request: nothing is retried.
    pub async fn send<O: Operation>(&self, op: &O) -> Result<O::Response, Error<O::ErrorCode>> {
        let prepared = self.prepare(op)?;
        self.send_prepared::<O>(&prepared).await
    }

    /// Every page of a paginated list, starting with `first`, fetched lazily: the next request is sent only
    /// when the stream is polled past the previous page, and the stream ends after the last page. The first
    /// error ends it too.
    ///
    /// Which paging style is used follows `first`: an operation that pages both by number and by token
    /// (DescribeDBInstances) pages by token when `first` sets a token-paging parameter.
    pub fn pages<O: Paginated + 'static>(
        &self,
        first: O,
    ) -> impl Stream<Item = Result<O::Response, Error<O::ErrorCode>>> + Send + 'static {
        let client = self.clone();
        futures_util::stream::try_unfold(Some(first), move |state| {
            let client = client.clone();
            async move {
                let Some(request) = state else {
                    return Ok(None);
                };
                let response = client.send(&request).await?;
                let next = request.next_page(&response);
                Ok(Some((response, next)))
            }
        })
    }

    /// Every item of every page of a paginated list (see [`pages`](Self::pages)), in order, fetched lazily.
    pub fn items<O: Paginated + 'static>(
        &self,
        first: O,
    ) -> impl Stream<Item = Result<O::Item, Error<O::ErrorCode>>> + Send + 'static
    where
        O::Item: Send + 'static,
    {
        self.pages(first)
            .map_ok(|page| futures_util::stream::iter(O::into_items(page).into_iter().map(Ok)))
            .try_flatten()
    }

    /// Sends a request signed earlier by [`prepare`](Self::prepare) or [`prepare_at`](Self::prepare_at), as
    /// it is: the same nonce and timestamp, so the service refuses a second sending (`SignatureNonceUsed`)
    /// and one older than 15 minutes (`InvalidTimeStamp.Expired`). For debugging and protocol tests; `send`
    /// is what applications want.
    ///
    /// `O` must be the operation the request was prepared for: it decides how the answer is decoded.
    pub async fn send_prepared<O: Operation>(
        &self,
        prepared: &PreparedRequest,
    ) -> Result<O::Response, Error<O::ErrorCode>> {
        debug_assert_eq!(prepared.action(), O::ACTION, "a prepared request is sent with its own operation type");
        let raw = self.exchange(prepared).await?;
        let token = self.inner.credentials.security_token();
        if (200..300).contains(&raw.status) {
            serde_json::from_slice::<O::Response>(&raw.body).map_err(|err| {
                let reason = if err.is_syntax() || err.is_eof() {
                    format!("the body is not JSON: {err}")
                } else {
                    format!("could not decode {} response: {err}", O::ACTION)
                };
                Error::Response(raw.response_error(O::ACTION, &reason, token))
            })
        } else {
            match serde_json::from_slice::<ErrorBody>(&raw.body) {
                Ok(ErrorBody { code: Some(code), message, request_id, host_id, recommend }) => {
                    let redact = |s: String| redact_token(&s, token).into_owned();
                    Err(Error::from(ServiceError {
                        kind: O::ErrorCode::from_code(&code),
                        code,
                        message: message.map(redact).unwrap_or_default(),
                        request_id: request_id.or_else(|| raw.request_id.clone()),
                        host_id,
                        recommend: recommend.map(redact),
                        status: raw.status,
                        operation: O::ACTION,
                    }))
                }
                Ok(_) => Err(Error::Response(raw.response_error(O::ACTION, "the error body has no Code", token))),
                Err(err) => {
                    let reason = if err.is_syntax() || err.is_eof() {
                        format!("the body is not JSON: {err}")
                    } else {
                        format!("the error body is not a JSON object: {err}")
                    };
                    Err(Error::Response(raw.response_error(O::ACTION, &reason, token)))
                }
            }
        }
    }

    /// Sends a prepared request and reads the whole answer.
    async fn exchange(&self, prepared: &PreparedRequest) -> Result<RawResponse, TransportError> {
        let action = prepared.target.action;
        let method = match prepared.target.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        tracing::debug!(
            action,
            version = prepared.target.version,
            method = prepared.target.method.as_str(),
            idempotent = prepared.target.idempotent,
            "sending RDS request"
        );
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .request(method, prepared.url.clone())
            .header("accept", "application/json")
            .header("x-acs-action", action)
            .header("x-acs-version", prepared.target.version);
        if prepared.body.is_empty() {
            if prepared.target.method == Method::Post {
                request = request.header("content-length", "0");
            }
        } else {
            request = request.header("content-type", FORM_CONTENT_TYPE).body(prepared.body.clone());
        }

        let failed = |err: reqwest::Error| {
            let err = TransportError::new(action, err);
            tracing::debug!(
                action,
                elapsed_ms = elapsed_ms(started),
                error = %err,
                "RDS request failed"
            );
            err
        };
        let response = request.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let request_id = response.headers().get("x-acs-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = response.bytes().await.map_err(failed)?;
        tracing::debug!(
            action,
            status,
            request_id = request_id.as_deref().or(find_request_id(&body).as_deref()),
            elapsed_ms = elapsed_ms(started),
            "RDS response received"
        );
        Ok(RawResponse { status, request_id, body: body.into() })
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// `YYYY-MM-DDThh:mm:ssZ`, UTC, clamped to 1970..=9999.
fn format_timestamp(timestamp: SystemTime) -> String {
    const LAST_SECOND_OF_9999: u64 = 253_402_300_799;
    let secs = timestamp.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()).min(LAST_SECOND_OF_9999);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(secs)).to_string()
}

/// What identifies the operation of a prepared request.
#[derive(Clone, Copy, Debug)]
struct Target {
    action: &'static str,
    version: &'static str,
    method: Method,
    idempotent: bool,
}

/// A signed request, ready to send: what [`Client::send`] puts on the wire.
///
/// Its `Debug` replaces the security token (in the URL and the string to sign) with `***`.
#[derive(Clone)]
pub struct PreparedRequest {
    target: Target,
    url: url::Url,
    query: BTreeMap<String, String>,
    body_params: BTreeMap<String, String>,
    body: String,
    string_to_sign: String,
    security_token: Option<String>,
}

impl PreparedRequest {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.target.method
    }

    /// The full URL: endpoint and the canonical (sorted, `%20`-encoded) query, `Signature` included.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Every query parameter, common ones and `Signature` included (unencoded).
    pub fn query(&self) -> &BTreeMap<String, String> {
        &self.query
    }

    /// The form body parameters (unencoded); empty for almost every operation.
    pub fn body_params(&self) -> &BTreeMap<String, String> {
        &self.body_params
    }

    /// The form body as sent (percent-encoded like the query); empty when there are no body parameters.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// `application/x-www-form-urlencoded` when there is a body, else `None`.
    pub fn content_type(&self) -> Option<&'static str> {
        (!self.body.is_empty()).then_some(FORM_CONTENT_TYPE)
    }

    /// The string that was signed (`METHOD&%2F&…`).
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The `Signature` parameter.
    pub fn signature(&self) -> &str {
        self.query.get("Signature").map_or("", String::as_str)
    }

    /// The operation's wire name (`Action`).
    pub fn action(&self) -> &'static str {
        self.target.action
    }

    /// The API version (`Version`).
    pub fn version(&self) -> &'static str {
        self.target.version
    }

    /// Whether the operation may be re-sent (with a new nonce and timestamp) after a failure.
    pub fn idempotent(&self) -> bool {
        self.target.idempotent
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.security_token.as_deref();
        let query: BTreeMap<&str, &str> = self
            .query
            .iter()
            .map(|(k, v)| {
                let v = if k == "SecurityToken" { "***" } else { v.as_str() };
                (k.as_str(), v)
            })
            .collect();
        f.debug_struct("PreparedRequest")
            .field("action", &self.target.action)
            .field("version", &self.target.version)
            .field("method", &self.target.method)
            .field("idempotent", &self.target.idempotent)
            .field("url", &redact_token(self.url.as_str(), token))
            .field("query", &query)
            .field("body", &redact_token(&self.body, token))
            .field("string_to_sign", &redact_token(&self.string_to_sign, token))
            .finish()
    }
}

/// An answer, read in full.
struct RawResponse {
    status: u16,
    /// From the `x-acs-request-id` header.
    request_id: Option<String>,
    body: Vec<u8>,
}

impl RawResponse {
    fn response_error(&self, operation: &'static str, reason: &str, token: Option<&str>) -> ResponseError {
        let prefix = &self.body[..self.body.len().min(SNIPPET_CHARS * 4)];
        let snippet: String = String::from_utf8_lossy(prefix).chars().take(SNIPPET_CHARS).collect();
        ResponseError {
            operation,
            status: self.status,
            request_id: self.request_id.clone().or_else(|| find_request_id(&self.body)),
            body_snippet: redact_token(&snippet, token).into_owned(),
            reason: redact_token(reason, token).into_owned(),
        }
    }
}

/// Best effort: the string value of the first `"RequestId"` key (any case) in a body that may not even be
/// valid JSON (e.g. truncated).
fn find_request_id(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"requestid\"";
    let start = body.windows(KEY.len()).position(|w| w.eq_ignore_ascii_case(KEY))? + KEY.len();
    let rest = body[start..].trim_ascii_start().strip_prefix(b":")?;
    let rest = rest.trim_ascii_start().strip_prefix(b"\"")?;
    let end = rest.iter().position(|&b| b == b'"' || b == b'\\')?;
    let id = std::str::from_utf8(&rest[..end]).ok()?;
    (!id.is_empty() && id.len() <= 128).then(|| id.to_owned())
}

/// The fields of an error answer, keys matched in any case (`Code`, `code`, …).
#[derive(Default)]
struct ErrorBody {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    host_id: Option<String>,
    recommend: Option<String>,
}

impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ErrorBodyVisitor)
    }
}

struct ErrorBodyVisitor;

impl<'de> Visitor<'de> for ErrorBodyVisitor {
    type Value = ErrorBody;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an error object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ErrorBody, A::Error> {
        let mut body = ErrorBody::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.to_ascii_lowercase().as_str() {
                "code" => &mut body.code,
                "message" => &mut body.message,
                "requestid" => &mut body.request_id,
                "hostid" => &mut body.host_id,
                "recommend" => &mut body.recommend,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let value = map.next_value::<ScalarText>()?.0;
            if slot.is_none() {
                *slot = value.filter(|v| !v.is_empty());
            }
        }
        Ok(body)
    }
}

/// A scalar as text; `null`, arrays and objects as `None`.
struct ScalarText(Option<String>);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarTextVisitor)
    }
}

struct ScalarTextVisitor;

impl<'de> Visitor<'de> for ScalarTextVisitor {
    type Value = ScalarText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ScalarText, E> {
        Ok(ScalarText(Some(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<ScalarText, E> {
        Ok(ScalarText(Some(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<ScalarText, E> {
        Ok(ScalarText(Some(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ScalarText, E> {
        Ok(ScalarText(Some(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ScalarText, E> {
        Ok(ScalarText(Some(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ScalarText, E> {
        Ok(ScalarText(Some(v.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ScalarText, E> {
        Ok(ScalarText(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<ScalarText, E> {
        Ok(ScalarText(None))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ScalarText, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(ScalarText(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ScalarText, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(ScalarText(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let t = UNIX_EPOCH + Duration::from_secs(1_456_231_584) + Duration::from_millis(999);
        assert_eq!(format_timestamp(t), "2016-02-23T12:46:24Z");
        assert_eq!(format_timestamp(UNIX_EPOCH - Duration::from_secs(10)), "1970-01-01T00:00:00Z");
        assert_eq!(format_timestamp(UNIX_EPOCH + Duration::from_secs(400_000_000_000)), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn error_bodies_in_any_case() {
        let body: ErrorBody = serde_json::from_str(
            r#"{"requestId":"R","hostid":"h","CODE":"C","message":"m","Recommend":"r","AccessDeniedDetail":{"x":1},"Code":"second"}"#,
        )
        .unwrap();
        assert_eq!(body.code.as_deref(), Some("C"));
        assert_eq!(body.message.as_deref(), Some("m"));
        assert_eq!(body.request_id.as_deref(), Some("R"));
        assert_eq!(body.host_id.as_deref(), Some("h"));
        assert_eq!(body.recommend.as_deref(), Some("r"));

        let body: ErrorBody = serde_json::from_str(r#"{"Code":404,"Message":null,"RequestId":["x"]}"#).unwrap();
        assert_eq!(body.code.as_deref(), Some("404"));
        assert_eq!(body.message, None);
        assert_eq!(body.request_id, None);

        assert!(serde_json::from_str::<ErrorBody>("[1]").is_err());
    }

    #[test]
    fn request_id_best_effort() {
        assert_eq!(find_request_id(br#"{"RequestId" : "ABC-1","ImportId":"#).as_deref(), Some("ABC-1"));
        assert_eq!(find_request_id(br#"{"requestId":"x"}"#).as_deref(), Some("x"));
        assert_eq!(find_request_id(br#"{"RequestId":"#), None);
        assert_eq!(find_request_id(br#"{"RequestId":5}"#), None);
        assert_eq!(find_request_id(b"<html>"), None);
    }

    #[test]
    fn endpoints() {
        assert!(parse_endpoint("https://rds.aliyuncs.com").is_ok());
        assert!(parse_endpoint("http://127.0.0.1:8080/").is_ok());
        for bad in [
            "",
            "rds.aliyuncs.com",
            "ftp://rds.aliyuncs.com",
            "https://user:pw@rds.aliyuncs.com",
            "https://rds.aliyuncs.com/?a=b",
            "https://rds.aliyuncs.com/#x",
            "http://",
        ] {
            assert!(matches!(parse_endpoint(bad), Err(BuildError::InvalidEndpoint { .. })), "{bad}");
        }
    }
}
