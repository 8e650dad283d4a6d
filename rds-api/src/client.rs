//! The HTTP client: signs operations (RPC HMAC-SHA1) and sends them.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::credentials::{redact_token, Credentials, CredentialsChain, CredentialsError};
use crate::endpoint;
use crate::error::{Error, ResponseError, ServiceError, TransportError};
use crate::retry::{self, FailureKind, RetryPolicy};
use crate::runtime::{
    ErrorCode, Location, Method, NextPage, Operation, Paginated, Params, Rule, ValidationError, Violation,
};
use crate::signing::{self, v3, SignatureVersion};
use futures_util::{Stream, TryStreamExt};

/// Appends `enc(name)=enc(value)` for each pair, joined with `&`, to `once`, and the same text encoded again
/// (`&` and `=` as `%26` and `%3D`) to `twice`; `separated`: whether a separator goes before the first pair.
fn push_pairs_twice(once: &mut String, twice: &mut String, pairs: &[(&str, &str)], mut separated: bool) {
    for (name, value) in pairs {
        if separated {
            once.push('&');
            twice.push_str("%26");
        }
        separated = true;
        signing::percent_encode_twice_into(once, twice, name);
        once.push('=');
        twice.push_str("%3D");
        signing::percent_encode_twice_into(once, twice, value);
    }
}

/// A common parameter's name as V1 writes it: plain ASCII, encoded once and twice the same, so its pieces
/// with the separators around it are written as they are.
#[derive(Clone, Copy)]
struct CommonName {
    name: &'static str,
    /// `&name=`.
    once: &'static str,
    /// `%26name%3D`.
    twice: &'static str,
}

macro_rules! common_name {
    ($name:literal) => {
        CommonName { name: $name, once: concat!("&", $name, "="), twice: concat!("%26", $name, "%3D") }
    };
}

/// The common parameters V1 signs, in byte order of their names.
const COMMON_NAMES: [CommonName; 9] = [
    common_name!("AccessKeyId"),
    common_name!("Action"),
    common_name!("Format"),
    common_name!("SecurityToken"),
    common_name!("SignatureMethod"),
    common_name!("SignatureNonce"),
    common_name!("SignatureVersion"),
    common_name!("Timestamp"),
    common_name!("Version"),
];

/// A parameter V1 signs; a common one's name is written from its [`CommonName`] pieces, without encoding it
/// (a fifth of the bytes and the pieces written otherwise).
#[derive(Clone, Copy)]
struct Entry<'a> {
    name: &'a str,
    value: &'a str,
    encoded_name: Option<CommonName>,
}

/// [`push_pairs_twice`] of entries.
fn push_entries_twice(once: &mut String, twice: &mut String, entries: &[Entry<'_>], mut separated: bool) {
    for entry in entries {
        match entry.encoded_name {
            Some(common) if separated => {
                once.push_str(common.once);
                twice.push_str(common.twice);
            }
            Some(common) => {
                once.push_str(&common.once[1..]);
                twice.push_str(&common.twice[3..]);
            }
            None => {
                if separated {
                    once.push('&');
                    twice.push_str("%26");
                }
                signing::percent_encode_twice_into(once, twice, entry.name);
                once.push('=');
                twice.push_str("%3D");
            }
        }
        separated = true;
        signing::percent_encode_twice_into(once, twice, entry.value);
    }
}

/// Inserts `Signature=enc(signature)` into the query of `url` (from `query_start`) at `at`: the end of the
/// entries whose names sort before `Signature`, so the query stays sorted by name.
fn splice_signature(url: &mut String, query_start: usize, at: usize, signature: &str) {
    let mut entry = String::with_capacity(signature.len() * 2 + 12);
    if at > query_start {
        entry.push('&');
    }
    entry.push_str("Signature=");
    signing::percent_encode_into(&mut entry, signature);
    if at == query_start && url.len() > query_start {
        entry.push('&');
    }
    url.insert_str(at, &entry);
}

/// The parameters of a query or form body written by [`signing::canonical_query_string`], decoded: the
/// inverse of that encoding (which never writes `+`), so the maps of a [`PreparedRequest`] need not be kept
/// on the way to the wire.
fn decode_pairs(text: &str) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(text.as_bytes()).map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

/// The endpoint used when none is set: the central RDS endpoint, as `api-specs/service.yaml` declares it.
pub use crate::operations::DEFAULT_ENDPOINT;
/// How long connecting may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request (connect, send, read the answer) may take by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How many bytes of an answer's body are read by default before it is given up as too large: 8 MiB. The
/// largest RDS answers (a page of 100 instances with every attribute) are a few hundred KiB.
pub const DEFAULT_MAX_RESPONSE_BODY: usize = 8 * 1024 * 1024;

const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Whether the client sends `name` itself with every V1 request (the common parameters and `Signature`). A
/// request never sets them, but for `SecurityToken`: some operations declare it as their own parameter
/// (`common: shared` in their spec), and it is then the same value as the credentials' token.
fn is_common_parameter(name: &str) -> bool {
    name == "Signature" || COMMON_NAMES.iter().any(|common| common.name == name)
}

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
    signature_version: SignatureVersion,
    retry: RetryPolicy,
    max_response_body: usize,
    /// The credentials' V1 signing key, prepared once.
    v1_key: signing::V1Key,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("credentials", &self.inner.credentials)
            .field("user_agent", &self.inner.user_agent)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("max_response_body", &self.inner.max_response_body)
            .finish()
    }
}

/// Settings of a [`Client`]; from [`Client::builder`].
///
/// Credentials: those set with [`credentials`](Self::credentials), else the first found by the
/// [`CredentialsChain`] (the environment, then the aliyun CLI profile file). Endpoint: the one set with
/// [`endpoint`](Self::endpoint), else the one serving the [`region`](Self::region), else
/// [`DEFAULT_ENDPOINT`]. Plain `http://` is refused unless the host is loopback or
/// [`allow_http`](Self::allow_http) allows it.
///
/// ```
/// use rds_api::{Client, Credentials};
///
/// let client = Client::builder()
///     .credentials(Credentials::new("LTAI…", "secret"))
///     .region("cn-zhangjiakou")
///     .build()?;
/// assert_eq!(client.endpoint(), "https://rds.cn-zhangjiakou.aliyuncs.com/");
/// # Ok::<(), rds_api::BuildError>(())
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    credentials_chain: CredentialsChain,
    endpoint: Option<String>,
    region: Option<String>,
    allow_http: bool,
    connect_timeout: Duration,
    timeout: Duration,
    user_agent: Option<String>,
    signature_version: SignatureVersion,
    retry: RetryPolicy,
    max_response_body: usize,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            credentials_chain: CredentialsChain::new(),
            endpoint: None,
            region: None,
            allow_http: false,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            user_agent: None,
            signature_version: SignatureVersion::V1,
            retry: RetryPolicy::new(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

/// Why [`ClientBuilder::build`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The credentials set with [`ClientBuilder::credentials`] have an empty AccessKey ID or secret.
    #[error("invalid credentials: the AccessKey ID and secret set with ClientBuilder::credentials must not be empty")]
    MissingCredentials,
    /// No credentials were set and the [`CredentialsChain`] found none; it says where it looked and why each
    /// source failed.
    #[error(transparent)]
    Credentials(CredentialsError),
    /// The endpoint is not an `http://` or `https://` URL with a host.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The endpoint is plain `http://` to a host that is not loopback, and
    /// [`ClientBuilder::allow_http`] did not allow it.
    #[error(
        "refusing plain HTTP endpoint {endpoint:?}: requests (with any security token) would travel \
         unencrypted; use https://, or allow it with ClientBuilder::allow_http(true)"
    )]
    InsecureEndpoint {
        /// The endpoint as given.
        endpoint: String,
    },
    /// The region is not a region ID (lowercase letters, digits and dashes).
    #[error("invalid region {region:?}: {reason}")]
    InvalidRegion {
        /// The region as given.
        region: String,
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
    /// The credentials that sign every request. They win over any found by the
    /// [`credentials_chain`](Self::credentials_chain); their AccessKey ID and secret must not be empty.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Where credentials are found when none are set with [`credentials`](Self::credentials); default
    /// [`CredentialsChain::new`]: the process's environment, then `~/.aliyun/config.json`.
    ///
    /// ```
    /// use rds_api::credentials::{CredentialsChain, Environment};
    /// use rds_api::Client;
    ///
    /// let env = Environment::empty()
    ///     .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example")
    ///     .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret");
    /// let client = Client::builder().credentials_chain(CredentialsChain::new().environment(env)).build()?;
    /// assert_eq!(client.credentials().access_key_id(), "LTAI-example");
    /// # Ok::<(), rds_api::BuildError>(())
    /// ```
    pub fn credentials_chain(mut self, chain: CredentialsChain) -> Self {
        self.credentials_chain = chain;
        self
    }

    /// The endpoint URL. It wins over the [`region`](Self::region)'s; without either, [`DEFAULT_ENDPOINT`].
    /// Any `https` URL with a host is accepted, e.g. `https://rds.cn-zhangjiakou.aliyuncs.com`; plain `http`
    /// only to a loopback host (`127.0.0.0/8`, `::1`, `localhost`), e.g. `http://127.0.0.1:8080` for a
    /// local stand-in, unless [`allow_http`](Self::allow_http) allows it.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region whose endpoint requests go to, by the SDKs' rule ([`endpoint::resolve`]), e.g.
    /// `https://rds.aliyuncs.com` for `cn-hangzhou` and `https://rds.cn-zhangjiakou.aliyuncs.com` for
    /// `cn-zhangjiakou`. An [`endpoint`](Self::endpoint) set explicitly wins. The region must be lowercase
    /// letters, digits and dashes.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Whether a plain `http://` endpoint to a host that is not loopback is allowed; default `false`.
    /// Requests, security tokens included, then travel unencrypted: only for trusted networks.
    ///
    /// Proxies: a loopback endpoint is always reached directly, never through a proxy from `HTTP_PROXY`,
    /// `HTTPS_PROXY` or `ALL_PROXY` (a proxy would receive the signed URL, and any security token, in the
    /// clear). Other endpoints use the proxy the environment names; for a plain `http://` one that takes
    /// this explicit `allow_http(true)`.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
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

    /// When and how often [`Client::send`] retries a failed attempt; default [`RetryPolicy::new`] (3 attempts,
    /// only when safe for the operation: see [`crate::retry`]). [`RetryPolicy::disabled`] makes one attempt.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The most bytes of an answer's body that are read; default [`DEFAULT_MAX_RESPONSE_BODY`] (8 MiB). The
    /// body is read as it arrives, and a larger one is abandoned at the limit and reported as an
    /// [`Error::Response`] with its status, request id and first characters, so a broken or hostile server
    /// cannot make the client hold an unbounded answer in memory.
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = bytes;
        self
    }

    /// Text appended (after a space) to the `User-Agent`, e.g. `my-tool/1.2`.
    pub fn user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent = Some(suffix.into());
        self
    }

    /// The signature scheme; default [`SignatureVersion::V1`] (RPC HMAC-SHA1, common parameters in the
    /// query). [`SignatureVersion::V3`] signs with ACS3-HMAC-SHA256 into an `Authorization` header, as
    /// Alibaba's current SDKs do by default (see [`signing::v3`]).
    pub fn signature_version(mut self, version: SignatureVersion) -> Self {
        self.signature_version = version;
        self
    }

    /// Checks the settings, finds the credentials (see [`credentials_chain`](Self::credentials_chain)) and
    /// builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        if let Some(region) = &self.region {
            if let Some(reason) = endpoint::region_problem(region) {
                return Err(BuildError::InvalidRegion { region: region.clone(), reason: reason.to_owned() });
            }
        }
        let endpoint_text = match (self.endpoint, &self.region) {
            (Some(endpoint), _) => endpoint,
            (None, Some(region)) => endpoint::resolve(region),
            (None, None) => DEFAULT_ENDPOINT.to_owned(),
        };
        let endpoint = parse_endpoint(&endpoint_text)?;
        if endpoint.scheme() == "http" && !self.allow_http && !endpoint::is_loopback(&endpoint) {
            return Err(BuildError::InsecureEndpoint { endpoint: endpoint_text });
        }

        let mut user_agent = format!("rds-api-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(suffix) = self.user_agent.filter(|s| !s.trim().is_empty()) {
            if !suffix.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
                return Err(BuildError::InvalidUserAgent(suffix));
            }
            user_agent.push(' ');
            user_agent.push_str(suffix.trim());
        }

        let credentials = match self.credentials {
            Some(credentials) if credentials.is_complete() => credentials,
            Some(_) => return Err(BuildError::MissingCredentials),
            None => self.credentials_chain.resolve().map_err(BuildError::Credentials)?,
        };

        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(user_agent.clone())
            // A redirect would re-send the signed query (and any security token) elsewhere.
            .redirect(reqwest::redirect::Policy::none());
        if endpoint::is_loopback(&endpoint) {
            // The plain-HTTP rule allows loopback because the request never leaves the machine; a proxy
            // from the environment would carry it (token included) elsewhere, unencrypted.
            http = http.no_proxy();
        }
        let http = http.build().map_err(|e| BuildError::Http(e.without_url()))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                v1_key: signing::V1Key::new(credentials.access_key_secret()),
                credentials,
                endpoint,
                user_agent,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                signature_version: self.signature_version,
                retry: self.retry,
                max_response_body: self.max_response_body,
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

    /// The retry policy of [`send`](Self::send).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Validates `op` and builds its signed request with a fresh nonce and the current time, without sending
    /// it.
    pub fn prepare<O: Operation>(&self, op: &O) -> Result<PreparedRequest, Error<O::ErrorCode>> {
        let nonce = signing::Nonce::fresh();
        self.prepare_at(op, nonce.as_str(), SystemTime::now())
    }

    /// Like [`prepare`](Self::prepare) with a given `SignatureNonce` and `Timestamp` (V3: headers
    /// `x-acs-signature-nonce` and `x-acs-date`), for reproducible signatures. A nonce must never be reused
    /// against the real service (`SignatureNonceUsed`).
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
        let mut query = params.sorted(Location::Query);
        let mut body = params.sorted(Location::Body);
        let security_token = self.merge_common_parameters(O::ACTION, &mut query, &mut body)?;
        let secrets = sensitive_values(O::SENSITIVE, &query, &body);
        let mut prepared = self.sign(
            Target { action: O::ACTION, version: O::VERSION, method: O::METHOD, idempotent: O::IDEMPOTENT },
            &query,
            &body,
            security_token,
            nonce,
            timestamp,
        );
        prepared.sensitive = O::SENSITIVE;
        prepared.response_sensitive = O::RESPONSE_SENSITIVE;
        prepared.secrets = secrets;
        Ok(prepared)
    }

    /// Takes the request's own `SecurityToken` (an operation that declares it) out of its parameters and
    /// returns the one token to send: the request's, the credentials', or both when they are equal. Refuses,
    /// before any I/O, a request that sets another common parameter or whose token differs from the
    /// credentials', so that no name is ever sent with two values.
    fn merge_common_parameters(
        &self,
        action: &'static str,
        query: &mut Vec<(&str, &str)>,
        body: &mut Vec<(&str, &str)>,
    ) -> Result<Option<String>, ValidationError> {
        let credentials_token = self.inner.credentials.security_token().filter(|t| !t.is_empty());
        // The request's few names are looked up among the common ones, rather than each common name in both
        // lists.
        if !query.iter().chain(body.iter()).any(|(name, _)| is_common_parameter(name)) {
            return Ok(credentials_token.map(str::to_owned));
        }
        let mut violations: Vec<Violation> = query
            .iter()
            .chain(body.iter())
            .filter(|(name, _)| *name != "SecurityToken" && is_common_parameter(name))
            .map(|(name, _)| Violation { parameter: (*name).to_owned(), rule: Rule::CommonParameter, value: None })
            .collect();
        violations.sort_by(|a, b| a.parameter.cmp(&b.parameter));
        // Every value the token has: the request's (query and body hold each name once) and the credentials'.
        let token_in = |list: &[(&str, &str)]| {
            list.iter().find(|(name, _)| *name == "SecurityToken").map(|(_, value)| (*value).to_owned())
        };
        let mut values: Vec<String> = [token_in(query), token_in(body), credentials_token.map(str::to_owned)]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .collect();
        values.dedup();
        // V1 sends the one token as the common parameter; V3 keeps the operation's own parameter where its spec
        // puts it, and sends the credentials' token (the same value) in its header.
        if self.inner.signature_version == SignatureVersion::V1 {
            query.retain(|(name, _)| *name != "SecurityToken");
            body.retain(|(name, _)| *name != "SecurityToken");
        }
        let token = if values.len() > 1 {
            violations.push(Violation {
                parameter: "SecurityToken".to_owned(),
                rule: Rule::ConflictsWithCredentials,
                value: None,
            });
            None
        } else {
            values.pop()
        };
        if violations.is_empty() {
            Ok(token)
        } else {
            Err(ValidationError { operation: action, violations })
        }
    }

    fn sign(
        &self,
        target: Target,
        query: &[(&str, &str)],
        body: &[(&str, &str)],
        security_token: Option<String>,
        nonce: &str,
        timestamp: SystemTime,
    ) -> PreparedRequest {
        if self.inner.signature_version == SignatureVersion::V3 {
            let owned = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
                pairs.iter().map(|(name, value)| ((*name).to_owned(), (*value).to_owned())).collect()
            };
            return self.sign_v3(target, owned(query), owned(body), security_token, nonce, timestamp);
        }
        let credentials = &self.inner.credentials;
        let timestamp = signing::Timestamp::new(timestamp);
        // Every query parameter, borrowed, sorted by name (byte order): the request's own (sorted by
        // `Params::sorted`) merged with the common ones (listed in that order). `merge_common_parameters` has
        // refused (or, for SecurityToken, taken out) every request parameter named like a common one, so no
        // name occurs twice.
        let common = [
            (COMMON_NAMES[0], credentials.access_key_id()),
            (COMMON_NAMES[1], target.action),
            (COMMON_NAMES[2], "JSON"),
            (COMMON_NAMES[3], security_token.as_deref().unwrap_or_default()),
            (COMMON_NAMES[4], "HMAC-SHA1"),
            (COMMON_NAMES[5], nonce),
            (COMMON_NAMES[6], "1.0"),
            (COMMON_NAMES[7], timestamp.as_str()),
            (COMMON_NAMES[8], target.version),
        ];
        let mut sorted: Vec<Entry<'_>> = Vec::with_capacity(query.len() + common.len());
        let mut own = query.iter().map(|&(name, value)| Entry { name, value, encoded_name: None }).peekable();
        for (common_name, value) in common {
            let name = common_name.name;
            if name == "SecurityToken" && security_token.is_none() {
                continue;
            }
            while let Some(entry) = own.next_if(|entry| entry.name < name) {
                sorted.push(entry);
            }
            sorted.push(Entry { name, value, encoded_name: Some(common_name) });
        }
        sorted.extend(own);
        debug_assert!(sorted.windows(2).all(|pair| pair[0].name < pair[1].name), "sorted, no name twice");

        // One pass encodes every parameter once into the URL and twice into the string to sign. `Signature`
        // is not signed; it is spliced into the URL at its sorted place once it is known.
        let endpoint = self.inner.endpoint.as_str();
        let size: usize = sorted.iter().map(|entry| entry.name.len() + entry.value.len() + 2).sum();
        let mut url = String::with_capacity(endpoint.len() + size + size / 2 + 48);
        url.push_str(endpoint);
        url.push('?');
        let query_start = url.len();
        let mut string_to_sign = String::with_capacity(size * 2 + 16);
        string_to_sign.push_str(target.method.as_str());
        string_to_sign.push_str("&%2F&");
        let before_signature = sorted.partition_point(|entry| entry.name < "Signature");
        let (head, tail) = sorted.split_at(before_signature);
        let signature_at;
        if body.is_empty() {
            push_entries_twice(&mut url, &mut string_to_sign, head, false);
            signature_at = url.len();
            push_entries_twice(&mut url, &mut string_to_sign, tail, !head.is_empty());
        } else {
            // The signed set is the query and the body together (the query's value where both have a name).
            let mut unused = String::new();
            push_entries_twice(&mut url, &mut unused, head, false);
            signature_at = url.len();
            push_entries_twice(&mut url, &mut unused, tail, !head.is_empty());
            let mut signed: BTreeMap<&str, &str> = body.iter().copied().collect();
            signed.extend(sorted.iter().map(|entry| (entry.name, entry.value)));
            let signed: Vec<(&str, &str)> = signed.into_iter().collect();
            push_pairs_twice(&mut unused, &mut string_to_sign, &signed, false);
        }
        let signature = self.inner.v1_key.sign(&string_to_sign);

        splice_signature(&mut url, query_start, signature_at, signature.as_str());

        PreparedRequest {
            target,
            signature_version: SignatureVersion::V1,
            url,
            query_start,
            body: {
                let mut text = String::new();
                push_pairs_twice(&mut text, &mut String::new(), body, false);
                text
            },
            headers: OnceLock::new(),
            query: OnceLock::new(),
            body_params: OnceLock::new(),
            canonical_request: None,
            string_to_sign,
            signature: signature.as_str().to_owned(),
            security_token,
            sensitive: &[],
            response_sensitive: &[],
            secrets: Vec::new(),
        }
    }

    /// Signature V3 (ACS3-HMAC-SHA256): the operation's parameters alone in the query, the protocol in
    /// `x-acs-*` headers, and an `Authorization` header over `host`, every `x-acs-*` header and, with a body,
    /// `content-type`.
    fn sign_v3(
        &self,
        target: Target,
        query: BTreeMap<String, String>,
        body: BTreeMap<String, String>,
        security_token: Option<String>,
        nonce: &str,
        timestamp: SystemTime,
    ) -> PreparedRequest {
        let credentials = &self.inner.credentials;
        let mut url = self.inner.endpoint.clone();
        if url.path().is_empty() {
            url.set_path("/");
        }
        // Sent encoded like V1's (RFC 3986, `%20`); the server decodes it and re-encodes the values for V3.
        let wire_query = signing::canonical_query_string(&query);
        url.set_query((!wire_query.is_empty()).then_some(wire_query.as_str()));
        let body_text = signing::canonical_query_string(&body);
        let hashed_payload = v3::hashed_payload(body_text.as_bytes());

        // What the HTTP stack would send as Host: the port only when it is not the scheme's default.
        let host = url.host_str().unwrap_or_default();
        let host = url.port().map_or_else(|| host.to_owned(), |port| format!("{host}:{port}"));
        let mut headers = BTreeMap::from([
            ("host".to_owned(), host),
            ("x-acs-action".to_owned(), target.action.to_owned()),
            ("x-acs-version".to_owned(), target.version.to_owned()),
            ("x-acs-date".to_owned(), format_timestamp(timestamp)),
            ("x-acs-signature-nonce".to_owned(), nonce.to_owned()),
            ("x-acs-content-sha256".to_owned(), hashed_payload.clone()),
        ]);
        if credentials.security_token().is_some_and(|t| !t.is_empty()) {
            // As Alibaba's SDKs send STS credentials: the key ID again, and the token, both signed.
            if let Some(token) = &security_token {
                headers.insert("x-acs-accesskey-id".to_owned(), credentials.access_key_id().to_owned());
                headers.insert("x-acs-security-token".to_owned(), token.clone());
            }
        }
        if !body_text.is_empty() {
            headers.insert("content-type".to_owned(), FORM_CONTENT_TYPE.to_owned());
        }

        let canonical = v3::canonical_request(
            target.method,
            url.path(),
            &query,
            headers.iter().map(|(name, value)| (name.as_str(), value.as_str())),
            &hashed_payload,
        );
        let string_to_sign = v3::string_to_sign(&canonical.text);
        let signature = v3::sign(credentials.access_key_secret(), &string_to_sign);
        headers.insert(
            "authorization".to_owned(),
            v3::authorization(credentials.access_key_id(), &canonical.signed_headers, &signature),
        );

        let url = String::from(url);
        let query_start = url.find('?').map_or(url.len(), |at| at + 1);
        PreparedRequest {
            target,
            signature_version: SignatureVersion::V3,
            url,
            query_start,
            query: OnceLock::from(query),
            body_params: OnceLock::from(body),
            body: body_text,
            headers: OnceLock::from(headers),
            canonical_request: Some(canonical.text),
            string_to_sign,
            signature,
            security_token,
            sensitive: &[],
            response_sensitive: &[],
            secrets: Vec::new(),
        }
    }

    /// Validates `op` (before any I/O), signs it and sends it; decodes the answer. Retries a failed attempt
    /// when the [retry policy](ClientBuilder::retry) allows it and it is safe for the operation.
    ///
    /// A 2xx answer decodes into `O::Response`; an error answer with a `Code` becomes
    /// [`Error::Service`]; anything else unusable becomes [`Error::Response`]; no answer at all becomes
    /// [`Error::Transport`].
    ///
    /// Retries follow [`crate::retry`]: throttling and refused connections are retried for every operation;
    /// transient service errors (5xx, `ServiceUnavailable`, …), timeouts and broken connections only for
    /// operations whose spec says `idempotent: true`, because a non-idempotent request may already have been
    /// applied. Every attempt is signed anew (fresh nonce and timestamp). The error of the last attempt says
    /// how many were made ([`Error::attempts`]).
    pub async fn send<O: Operation>(&self, op: &O) -> Result<O::Response, Error<O::ErrorCode>> {
        self.send_attempts(op).await.map(|(response, _)| response)
    }

    /// Like [`send`](Self::send), and also returns the answer's body as the service sent it (JSON), for tools
    /// that print or filter the service's own document (a command-line client). The body is returned only when
    /// it decoded into `O::Response`, so it is exactly what the typed response was read from.
    pub async fn send_with_body<O: Operation>(&self, op: &O) -> Result<(O::Response, String), Error<O::ErrorCode>> {
        self.send_attempts(op).await.map(|(response, body)| {
            // serde_json accepted it, so it is UTF-8.
            (response, String::from_utf8(body).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
        })
    }

    async fn send_attempts<O: Operation>(&self, op: &O) -> Result<(O::Response, Vec<u8>), Error<O::ErrorCode>> {
        let policy = self.inner.retry;
        let mut attempt: u32 = 1;
        loop {
            // A fresh nonce and timestamp, so a fresh signature, for every attempt.
            let prepared = self.prepare(op)?;
            let span = tracing::debug_span!("rds_attempt", action = O::ACTION, attempt);
            let result = tracing::Instrument::instrument(self.attempt::<O>(&prepared), span).await;
            let err = match result {
                Ok(response) => return Ok(response),
                Err(err) => err,
            };
            let kind = FailureKind::of(&err);
            if attempt >= policy.attempts() || !kind.is_retryable(O::IDEMPOTENT) {
                if attempt > 1 {
                    tracing::info!(
                        target: "rds_api::retry",
                        action = O::ACTION,
                        attempts = attempt,
                        error_kind = kind.as_str(),
                        status = err.status(),
                        code = err.service_error().map(|e| e.code.as_str()),
                        "RDS request failed after retries"
                    );
                }
                return Err(err.with_attempts(attempt));
            }
            let retry_after = match &err {
                Error::Service(e) => e.retry_after,
                Error::Response(e) => e.retry_after,
                _ => None,
            };
            let delay = policy.delay(attempt, retry_after);
            tracing::info!(
                target: "rds_api::retry",
                action = O::ACTION,
                attempt,
                max_attempts = policy.attempts(),
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                retry_after_ms = retry_after.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
                error_kind = kind.as_str(),
                status = err.status(),
                code = err.service_error().map(|e| e.code.as_str()),
                idempotent = O::IDEMPOTENT,
                "retrying RDS request"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Every page of a paginated list, starting with `first`, fetched lazily: the next request is sent only
    /// when the stream is polled past the previous page, and the stream ends after the last page. The first
    /// error ends it too.
    ///
    /// Which paging style is used follows `first`: an operation that pages both by number and by token
    /// (DescribeDBInstances) pages by token when `first` sets a token-paging parameter.
    ///
    /// A service that answers with the very request it was sent as the next one (a token paginator returning
    /// the token it got) would make the stream loop forever: the stream ends with an [`Error::Response`]
    /// instead, after yielding that page.
    pub fn pages<O: Paginated + PartialEq + 'static>(
        &self,
        first: O,
    ) -> impl Stream<Item = Result<O::Response, Error<O::ErrorCode>>> + Send + 'static {
        enum Next<O> {
            Page(O),
            Loop,
            Done,
        }
        let client = self.clone();
        futures_util::stream::try_unfold(Next::Page(first), move |state| {
            let client = client.clone();
            async move {
                let request = match state {
                    Next::Page(request) => request,
                    Next::Done => return Ok(None),
                    Next::Loop => {
                        return Err(Error::Response(ResponseError {
                            operation: O::ACTION,
                            status: 200,
                            request_id: None,
                            body_snippet: String::new(),
                            reason: "the service answered with the same page token it was sent; paging stopped \
                                     rather than request the same page forever"
                                .to_owned(),
                            retry_after: None,
                            attempts: 1,
                        }))
                    }
                };
                let response = client.send(&request).await?;
                let next = match request.following(&response) {
                    NextPage::Page(next) => Next::Page(next),
                    NextPage::Last => Next::Done,
                    NextPage::Repeated => Next::Loop,
                };
                Ok(Some((response, next)))
            }
        })
    }

    /// Every item of every page of a paginated list (see [`pages`](Self::pages)), in order, fetched lazily.
    pub fn items<O: Paginated + PartialEq + 'static>(
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
    ///
    /// It is never retried: a retry needs a new signature, which [`send`](Self::send) makes.
    pub async fn send_prepared<O: Operation>(
        &self,
        prepared: &PreparedRequest,
    ) -> Result<O::Response, Error<O::ErrorCode>> {
        debug_assert_eq!(prepared.action(), O::ACTION, "a prepared request is sent with its own operation type");
        self.attempt::<O>(prepared).await.map(|(response, _)| response)
    }

    /// One attempt: sends `prepared` once and decodes the answer; also returns the body it was decoded from.
    async fn attempt<O: Operation>(
        &self,
        prepared: &PreparedRequest,
    ) -> Result<(O::Response, Vec<u8>), Error<O::ErrorCode>> {
        let raw = self.exchange(prepared).await?;
        if let Some(limit) = raw.oversized {
            let reason = format!(
                "the body is larger than {limit} bytes, the most this client reads (ClientBuilder::max_response_body)"
            );
            return Err(Error::Response(raw.response_error(O::ACTION, &reason, prepared)));
        }
        if (200..300).contains(&raw.status) {
            let decoded = crate::runtime::de::from_slice::<O::Response>(&raw.body).map_err(|err| {
                let path = err.path();
                let reason = if err.is_syntax() {
                    format!("the body is not JSON: {err}")
                } else if path.is_empty() {
                    format!("could not decode {} response: {err}", O::ACTION)
                } else {
                    format!("could not decode {} response at {path}: {err}", O::ACTION)
                };
                Error::Response(raw.response_error(O::ACTION, &reason, prepared))
            })?;
            Ok((decoded, raw.body))
        } else {
            match serde_json::from_slice::<ErrorBody>(&raw.body) {
                Ok(ErrorBody { code: Some(code), message, request_id, host_id, recommend }) => {
                    let redact = |s: String| prepared.redact(&s).into_owned();
                    Err(Error::from(ServiceError {
                        kind: O::ErrorCode::from_code(&code),
                        code,
                        message: message.map(redact).unwrap_or_default(),
                        request_id: request_id.or_else(|| raw.request_id.clone()),
                        host_id,
                        recommend: recommend.map(redact),
                        status: raw.status,
                        operation: O::ACTION,
                        retry_after: raw.retry_after,
                        attempts: 1,
                    }))
                }
                Ok(_) => Err(Error::Response(raw.response_error(O::ACTION, "the error body has no Code", prepared))),
                Err(err) => {
                    let reason = if err.is_syntax() || err.is_eof() {
                        format!("the body is not JSON: {err}")
                    } else {
                        format!("the error body is not a JSON object: {err}")
                    };
                    Err(Error::Response(raw.response_error(O::ACTION, &reason, prepared)))
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
            .request(method, prepared.url.as_str())
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
        request = request.headers(prepared.header_map());

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
        let mut response = request.send().await.map_err(failed)?;
        let status = response.status().as_u16();
        let request_id = response.headers().get("x-acs-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let retry_after = response
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(retry::parse_retry_after);
        let limit = self.inner.max_response_body;
        let declared = response.content_length().and_then(|n| usize::try_from(n).ok());
        let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit).min(1 << 20));
        let mut oversized = false;
        // Read as it arrives, and stop at the limit (what was read gives the snippet and the request id); the
        // connection is then dropped with the rest unread.
        while !oversized {
            let Some(chunk) = response.chunk().await.map_err(failed)? else { break };
            if body.len() + chunk.len() > limit {
                body.extend_from_slice(&chunk[..limit - body.len()]);
                oversized = true;
            } else {
                body.extend_from_slice(&chunk);
            }
        }
        tracing::debug!(
            action,
            status,
            request_id = request_id.as_deref().or(find_request_id(&body).as_deref()),
            elapsed_ms = elapsed_ms(started),
            oversized,
            "RDS response received"
        );
        Ok(RawResponse { status, request_id, retry_after, body, oversized: oversized.then_some(limit) })
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// `YYYY-MM-DDThh:mm:ssZ`, UTC, clamped to 1970..=9999.
fn format_timestamp(timestamp: SystemTime) -> String {
    signing::Timestamp::new(timestamp).as_str().to_owned()
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
/// Its `Debug` replaces the security token (in the URL, the headers, the canonical request and the string to
/// sign) with `***`.
#[derive(Clone)]
pub struct PreparedRequest {
    target: Target,
    signature_version: SignatureVersion,
    url: String,
    /// Where the query starts in `url` (after its `?`).
    query_start: usize,
    /// Decoded from the URL's query on first use: sending needs only the URL.
    query: OnceLock<BTreeMap<String, String>>,
    body_params: OnceLock<BTreeMap<String, String>>,
    body: String,
    /// Lowercase names; V3's `authorization` included. V1's are made on first use from `target` and `body`.
    headers: OnceLock<BTreeMap<String, String>>,
    /// V3 only.
    canonical_request: Option<String>,
    string_to_sign: String,
    signature: String,
    security_token: Option<String>,
    /// Wire names of the operation's `sensitive` parameters, and their values as sent: redacted wherever the
    /// request is shown.
    sensitive: &'static [&'static str],
    /// Keys of the answer whose values are secrets (`sensitive` response fields).
    response_sensitive: &'static [&'static str],
    secrets: Vec<String>,
}

impl PreparedRequest {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.target.method
    }

    /// The full URL: endpoint and the canonical (sorted, `%20`-encoded) query; in V1 with the common parameters
    /// and `Signature`, in V3 with the operation's parameters only.
    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    /// Every query parameter (unencoded): in V1 the common ones and `Signature` included, in V3 only the
    /// operation's.
    pub fn query(&self) -> &BTreeMap<String, String> {
        self.query.get_or_init(|| decode_pairs(&self.url[self.query_start..]))
    }

    /// The scheme the request is signed with.
    pub fn signature_version(&self) -> SignatureVersion {
        self.signature_version
    }

    /// The headers the request carries besides the HTTP client's own (`accept`, `user-agent`,
    /// `content-length`), by lowercase name: `x-acs-action`, `x-acs-version` and, with a body,
    /// `content-type`; in V3 also `host`, `x-acs-date`, `x-acs-signature-nonce`, `x-acs-content-sha256`, with
    /// STS `x-acs-accesskey-id` and `x-acs-security-token`, and `authorization`.
    pub fn headers(&self) -> &BTreeMap<String, String> {
        self.headers.get_or_init(|| {
            // V1: not signed; sent for the gateway's routing, as the official SDKs do.
            let mut headers = BTreeMap::from([
                ("x-acs-action".to_owned(), self.target.action.to_owned()),
                ("x-acs-version".to_owned(), self.target.version.to_owned()),
            ]);
            if !self.body.is_empty() {
                headers.insert("content-type".to_owned(), FORM_CONTENT_TYPE.to_owned());
            }
            headers
        })
    }

    /// V3: the canonical request whose SHA-256 is signed; `None` in V1.
    pub fn canonical_request(&self) -> Option<&str> {
        self.canonical_request.as_deref()
    }

    /// The form body parameters (unencoded); empty for almost every operation.
    pub fn body_params(&self) -> &BTreeMap<String, String> {
        self.body_params.get_or_init(|| decode_pairs(&self.body))
    }

    /// The form body as sent (percent-encoded like the query); empty when there are no body parameters.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// `application/x-www-form-urlencoded` when there is a body, else `None`.
    pub fn content_type(&self) -> Option<&'static str> {
        (!self.body.is_empty()).then_some(FORM_CONTENT_TYPE)
    }

    /// The string that was signed: V1 `METHOD&%2F&…`, V3 `ACS3-HMAC-SHA256\n<hex SHA-256 of the canonical
    /// request>`.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature: V1 the `Signature` parameter (Base64), V3 the `Signature=` of `Authorization` (hex).
    pub fn signature(&self) -> &str {
        &self.signature
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

    /// [`headers`](Self::headers) for the HTTP client. A value that cannot be a header value (a security token
    /// with control characters) is left out, and the service refuses the request.
    fn header_map(&self) -> reqwest::header::HeaderMap {
        let headers = self.headers();
        let mut map = reqwest::header::HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            match (
                reqwest::header::HeaderName::from_bytes(name.as_bytes()),
                reqwest::header::HeaderValue::from_str(value),
            ) {
                (Ok(name), Ok(value)) => {
                    map.insert(name, value);
                }
                // The value is not logged: it may be the security token.
                _ => tracing::warn!(header = name.as_str(), "header value not sendable; left out"),
            }
        }
        map
    }
}

impl PreparedRequest {
    /// `text` with the security token and every sensitive parameter's value (raw or percent-encoded) replaced
    /// by `***`.
    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = redact_token(text, self.security_token.as_deref());
        for secret in &self.secrets {
            if let Cow::Owned(redacted) = redact_token(&out, Some(secret)) {
                out = Cow::Owned(redacted);
            }
        }
        out
    }

    /// Whether the parameter `name` holds a secret: the security token or a sensitive parameter (or a part of
    /// one, `Name.1`).
    fn is_secret_parameter(&self, name: &str) -> bool {
        name == "SecurityToken" || self.sensitive.iter().any(|s| is_within(name, s))
    }
}

/// Whether `name` is the parameter `parent` or one below it (`parent.1`, `parent.Field`).
fn is_within(name: &str, parent: &str) -> bool {
    name.strip_prefix(parent).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The values of the parameters named by `sensitive` (and below them), as they are sent.
fn sensitive_values(sensitive: &[&str], query: &[(&str, &str)], body: &[(&str, &str)]) -> Vec<String> {
    if sensitive.is_empty() {
        return Vec::new();
    }
    query
        .iter()
        .chain(body)
        .filter(|(name, value)| !value.is_empty() && sensitive.iter().any(|s| is_within(name, s)))
        .map(|(_, value)| (*value).to_owned())
        .collect()
}

/// What may be shown of a prepared request (a dry run, a log line, `Debug`): the security token and every
/// `sensitive` parameter's value replaced by `***`, wherever it stands.
impl PreparedRequest {
    /// [`url`](Self::url), redacted.
    pub fn redacted_url(&self) -> Cow<'_, str> {
        self.redact(&self.url)
    }

    /// [`query`](Self::query), redacted.
    pub fn redacted_query(&self) -> BTreeMap<&str, &str> {
        self.redacted_params(self.query())
    }

    /// [`body_params`](Self::body_params), redacted.
    pub fn redacted_body_params(&self) -> BTreeMap<&str, &str> {
        self.redacted_params(self.body_params())
    }

    /// [`body`](Self::body), redacted.
    pub fn redacted_body(&self) -> Cow<'_, str> {
        self.redact(&self.body)
    }

    /// [`headers`](Self::headers), redacted.
    pub fn redacted_headers(&self) -> BTreeMap<&str, Cow<'_, str>> {
        self.headers().iter().map(|(name, value)| (name.as_str(), self.redact(value))).collect()
    }

    fn redacted_params<'a>(&self, params: &'a BTreeMap<String, String>) -> BTreeMap<&'a str, &'a str> {
        params
            .iter()
            .map(|(name, value)| {
                let shown = if self.is_secret_parameter(name) { "***" } else { value.as_str() };
                (name.as_str(), shown)
            })
            .collect()
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("action", &self.target.action)
            .field("version", &self.target.version)
            .field("method", &self.target.method)
            .field("idempotent", &self.target.idempotent)
            .field("signature_version", &self.signature_version)
            .field("url", &self.redacted_url())
            .field("query", &self.redacted_query())
            .field("body_params", &self.redacted_body_params())
            .field("headers", &self.redacted_headers())
            .field("body", &self.redacted_body())
            .field("canonical_request", &self.canonical_request.as_deref().map(|c| self.redact(c)))
            .field("string_to_sign", &self.redact(&self.string_to_sign))
            .finish()
    }
}

/// An answer, read in full.
struct RawResponse {
    status: u16,
    /// From the `x-acs-request-id` header.
    request_id: Option<String>,
    /// From the `x-acs-retry-after` header (milliseconds).
    retry_after: Option<Duration>,
    /// The body, or its first `limit` bytes when it was larger.
    body: Vec<u8>,
    /// `Some(limit)` when the body was larger than the client's limit and reading stopped there.
    oversized: Option<usize>,
}

impl RawResponse {
    fn response_error(&self, operation: &'static str, reason: &str, request: &PreparedRequest) -> ResponseError {
        // The whole body is redacted before it is cut: a token (or a password the page echoes) that crosses
        // the cut would otherwise not be recognised, and its first part would be kept.
        let text = String::from_utf8_lossy(&self.body);
        let redacted = request.redact(&text);
        let redacted = redact_json_values(&redacted, request.response_sensitive);
        let snippet: String = redacted.chars().take(SNIPPET_CHARS).collect();
        ResponseError {
            operation,
            status: self.status,
            request_id: self.request_id.clone().or_else(|| find_request_id(&self.body)),
            body_snippet: snippet,
            reason: request.redact(reason).into_owned(),
            retry_after: self.retry_after,
            attempts: 1,
        }
    }
}

/// `text` (a JSON answer, possibly cut short or not JSON at all) with the string value of every key named in
/// `keys` replaced by `***`: `"ServerKey":"-----BEGIN…"` becomes `"ServerKey":"***"`. A value cut off by the
/// end of the text is replaced as far as it goes.
fn redact_json_values<'a>(text: &'a str, keys: &[&str]) -> Cow<'a, str> {
    if keys.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('"') {
        let after_quote = &rest[at + 1..];
        let Some(end) = after_quote.find('"') else { break };
        let key = &after_quote[..end];
        let tail = &after_quote[end + 1..];
        let value = tail.trim_start().strip_prefix(':').map(str::trim_start);
        match value.filter(|v| v.starts_with('"') && keys.contains(&key)) {
            Some(value) => {
                // The value's closing quote: the first one not escaped by a backslash.
                let body = &value[1..];
                let mut close = None;
                let mut escaped = false;
                for (i, c) in body.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => {
                            close = Some(i);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let consumed = text_len_before(rest, value) + 1;
                out.push_str(&rest[..consumed]);
                out.push_str("***");
                match close {
                    Some(i) => {
                        out.push('"');
                        rest = &body[i + 1..];
                    }
                    None => return Cow::Owned(out),
                }
            }
            None => {
                out.push_str(&rest[..at + 1 + end + 1]);
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The length of `whole` up to where `part` (a subslice of it) starts.
fn text_len_before(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
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
    #[test]
    fn secret_values_of_an_answer_are_redacted_by_key() {
        use super::redact_json_values as r;
        let keys = &["ServerKey", "Password"];
        assert_eq!(r(r#"{"ServerKey":"k1","Other":"v"}"#, keys), r#"{"ServerKey":"***","Other":"v"}"#);
        assert_eq!(r(r#"{"ServerKey" : "a\"b\\","Password":"p"}"#, keys), r#"{"ServerKey" : "***","Password":"***"}"#);
        // Values of other keys, keys as values, and non-string values stay.
        assert_eq!(
            r(r#"{"Name":"Password","Password":null,"N":[1]}"#, keys),
            r#"{"Name":"Password","Password":null,"N":[1]}"#
        );
        // Nested, and cut off by the end of a snippet.
        assert_eq!(
            r(r#"{"Items":[{"Password":"abc"}],"ServerKey":"-----BEGIN"#, keys),
            r#"{"Items":[{"Password":"***"}],"ServerKey":"***"#
        );
        assert_eq!(r("not json at all", keys), "not json at all");
        assert_eq!(r(r#"{"ServerKey":"k"}"#, &[]), r#"{"ServerKey":"k"}"#);
    }

    #[test]
    fn the_signature_goes_where_its_name_sorts() {
        // What `sign` does: the pairs before `Signature`, then the rest, then the splice.
        let url = |names: &[&str]| {
            let pairs: Vec<(&str, &str)> = names.iter().map(|name| (*name, "v")).collect();
            let (head, tail) = pairs.split_at(pairs.partition_point(|(name, _)| *name < "Signature"));
            let (mut url, mut twice) = (String::from("http://h/?"), String::new());
            push_pairs_twice(&mut url, &mut twice, head, false);
            let at = url.len();
            push_pairs_twice(&mut url, &mut twice, tail, !head.is_empty());
            splice_signature(&mut url, "http://h/?".len(), at, "a+b/c=");
            url
        };
        assert_eq!(
            url(&["Action", "SignatureMethod", "Version"]),
            "http://h/?Action=v&Signature=a%2Bb%2Fc%3D&SignatureMethod=v&Version=v"
        );
        assert_eq!(url(&["Timestamp", "proxyId"]), "http://h/?Signature=a%2Bb%2Fc%3D&Timestamp=v&proxyId=v");
        assert_eq!(url(&["Action", "DBInstanceId"]), "http://h/?Action=v&DBInstanceId=v&Signature=a%2Bb%2Fc%3D");
        assert_eq!(url(&[]), "http://h/?Signature=a%2Bb%2Fc%3D");
    }

    #[test]
    fn pairs_are_encoded_once_and_twice_and_decode_back() {
        let params: BTreeMap<String, String> =
            [("A b", "c d"), ("Tags", ""), ("x", "=&+%/测🚀"), ("DBInfo", r#"{"DBNames":{"a":"b"}}"#)]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (mut once, mut twice) = (String::new(), String::new());
        push_pairs_twice(&mut once, &mut twice, &pairs, false);
        let canonical = signing::canonical_query_string(&params);
        assert_eq!(once, canonical);
        assert_eq!(format!("GET&%2F&{twice}"), signing::string_to_sign(Method::Get, &canonical));
        assert_eq!(decode_pairs(&once), params);
        assert!(decode_pairs("").is_empty());
    }

    use super::*;
    use std::time::UNIX_EPOCH;

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

    #[test]
    fn common_names_are_written_as_encoded() {
        assert!(COMMON_NAMES.windows(2).all(|pair| pair[0].name < pair[1].name));
        let mut names: Vec<&str> = COMMON_NAMES.iter().map(|common| common.name).collect();
        names.push("Signature");
        names.sort_unstable();
        let expected = [
            "AccessKeyId",
            "Action",
            "Format",
            "SecurityToken",
            "Signature",
            "SignatureMethod",
            "SignatureNonce",
            "SignatureVersion",
            "Timestamp",
            "Version",
        ];
        assert_eq!(names, expected, "the common parameters but Signature");
        assert!(expected.iter().all(|name| is_common_parameter(name)));
        assert!(!is_common_parameter("RegionId") && !is_common_parameter("timestamp"));
        for common in COMMON_NAMES {
            assert_eq!(signing::percent_encode(common.name), common.name);
        }
        // Entries with and without the pieces write the same, first or not.
        let value = "a b=&%";
        for separated in [false, true] {
            let pieces: Vec<Entry<'_>> = COMMON_NAMES
                .iter()
                .map(|&common| Entry { name: common.name, value, encoded_name: Some(common) })
                .collect();
            let plain: Vec<(&str, &str)> = COMMON_NAMES.iter().map(|common| (common.name, value)).collect();
            let (mut once, mut twice) = (String::from("?"), String::new());
            push_entries_twice(&mut once, &mut twice, &pieces, separated);
            let (mut once_plain, mut twice_plain) = (String::from("?"), String::new());
            push_pairs_twice(&mut once_plain, &mut twice_plain, &plain, separated);
            assert_eq!((once, twice), (once_plain, twice_plain));
        }
    }
}
