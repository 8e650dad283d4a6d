//! Retries: which failed attempts are sent again, for which operations, and how long to wait in between.
//!
//! [`Client::send`](crate::Client::send) makes up to [`RetryPolicy::attempts`] attempts (default
//! [`DEFAULT_MAX_ATTEMPTS`] = 3). Every attempt is prepared anew: a fresh `SignatureNonce` and `Timestamp`,
//! so a fresh signature. [`Client::send_prepared`](crate::Client::send_prepared) never retries: it must send
//! the signature it was given, and the service refuses a nonce twice.
//!
//! A failed attempt is classified by the service's error **code**, not by the HTTP status (the same code
//! comes with different statuses), into a [`FailureKind`]. Whether it is retried then depends on the
//! operation's `idempotent` flag from its spec ([`Operation::IDEMPOTENT`](crate::runtime::Operation)):
//!
//! | failure | examples | idempotent | not idempotent |
//! | --- | --- | --- | --- |
//! | [`Connect`](FailureKind::Connect) | connection refused, unreachable, connect timeout, TLS handshake | retried | retried: the request never left |
//! | [`Throttled`](FailureKind::Throttled) | `Throttling`, `Throttling.User`, `Throttling.Api`; HTTP 429 with another code; a 429 or 503 answer without a code (a gateway's XML or HTML page) | retried | retried: the service refused it without processing it |
//! | [`Transient`](FailureKind::Transient) | `ServiceUnavailable`, `InternalError`, `UnknownError`; HTTP 500/502/503/504 with another code; a 500/502/504 answer without a code | retried | **not** retried: it may have been applied |
//! | [`Timeout`](FailureKind::Timeout) | the total timeout ran out once connected | retried | **not** retried: it may have been applied |
//! | [`Interrupted`](FailureKind::Interrupted) | connection reset or closed before the whole answer arrived | retried | **not** retried: it may have been applied |
//! | [`Permanent`](FailureKind::Permanent) | validation errors, every other code, every 2xx answer (one whose body does not decode included) | no | no |
//!
//! An `x-acs-retry-after` header never makes an answer retryable: a non-idempotent request answered
//! `500 InternalError` with the header may have been applied, and is not sent again. The header only sets
//! the wait before an attempt that the table above already allows.
//!
//! Between attempts the client waits: the server's `x-acs-retry-after` (milliseconds) when it sent one, at
//! most [`max_backoff`](RetryPolicy::max_backoff); otherwise a "full jitter" backoff, uniformly random between
//! zero and `min(max_backoff, initial_backoff · 2^(retry − 1))` ([`RetryPolicy::backoff_ceiling`]).
//!
//! Each retry is a `tracing` event at `INFO` (target `rds_api::retry`) with the Action, the attempt that
//! failed, the delay, the failure kind, the HTTP status and the error code; each attempt runs in an
//! `rds_attempt` span with its number. No event carries a URL, a signature, a secret or a token.
//!
//! The connect and total timeouts ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout),
//! [`ClientBuilder::timeout`](crate::ClientBuilder::timeout); 5 s and 10 s by default, as Alibaba's SDKs) apply
//! to each attempt, so a call can take up to `attempts × timeout` plus the waits.

use std::time::Duration;

use crate::error::Error;

/// How many attempts a call makes at most by default (the first one and two retries).
///
/// Alibaba's own SDKs do not retry RDS calls unless told to. Three attempts are safe here because a
/// non-idempotent operation is only re-sent when it provably was not applied (see the [module docs](self)).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The default ceiling of the first backoff (the one after the first attempt): 100 ms, as the legacy SDKs.
pub const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_millis(100);
/// The default cap of every wait, including one the server asks for with `x-acs-retry-after`: 20 s, as the
/// legacy SDKs.
pub const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Error codes that mean the service refused the request because of flow control, without processing it.
pub const THROTTLING_CODES: [&str; 3] = ["Throttling", "Throttling.User", "Throttling.Api"];
/// Error codes of a passing failure of the service; the request may or may not have been applied.
pub const TRANSIENT_CODES: [&str; 3] = ["ServiceUnavailable", "InternalError", "UnknownError"];
/// HTTP statuses of a passing failure of the service or of a gateway in front of it.
pub const TRANSIENT_STATUSES: [u16; 4] = [500, 502, 503, 504];
/// HTTP statuses with which a gateway refuses a request for flow control, when its answer has no error code
/// (an XML or HTML page): `429 Too Many Requests` and `503 Service Unavailable`.
pub const THROTTLING_STATUSES: [u16; 2] = [429, 503];

fn is_success_status(status: u16) -> bool {
    (200..300).contains(&status)
}

/// How many times a call is attempted and how long to wait in between; set with
/// [`ClientBuilder::retry`](crate::ClientBuilder::retry).
///
/// ```
/// use std::time::Duration;
/// use rds_api::RetryPolicy;
///
/// let patient = RetryPolicy::new()
///     .max_attempts(5)
///     .initial_backoff(Duration::from_millis(200))
///     .max_backoff(Duration::from_secs(5));
/// assert_eq!(patient.attempts(), 5);
/// assert_eq!(patient.backoff_ceiling(1), Duration::from_millis(200));
/// assert_eq!(patient.backoff_ceiling(3), Duration::from_millis(800));
/// assert_eq!(patient.backoff_ceiling(10), Duration::from_secs(5));
/// assert_eq!(RetryPolicy::disabled().attempts(), 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy {
    /// The default policy: [`DEFAULT_MAX_ATTEMPTS`] attempts, backoff from [`DEFAULT_INITIAL_BACKOFF`]
    /// capped at [`DEFAULT_MAX_BACKOFF`].
    pub const fn new() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
            max_backoff: DEFAULT_MAX_BACKOFF,
        }
    }

    /// One attempt, never a retry.
    pub const fn disabled() -> Self {
        RetryPolicy::new().max_attempts(1)
    }

    /// How many attempts a call makes at most, the first one included; 0 counts as 1.
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// The ceiling of the first backoff; each further one doubles it, up to [`max_backoff`](Self::max_backoff).
    pub const fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between two attempts, a server's `x-acs-retry-after` included.
    pub const fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// How many attempts a call makes at most (1 when retries are disabled).
    pub const fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The upper bound of the wait before retry number `retry` (1 is the wait after the first attempt):
    /// `min(max_backoff, initial_backoff · 2^(retry − 1))`. The wait itself is uniformly random between zero
    /// and this bound ("full jitter"), so that clients throttled together do not come back together.
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(63);
        let factor = 1u64 << doublings;
        let nanos = self.initial_backoff.as_nanos().saturating_mul(u128::from(factor));
        let max = self.max_backoff.as_nanos();
        duration_from_nanos(nanos.min(max))
    }

    /// The wait before retry number `retry`: the server's `retry_after`, at most
    /// [`max_backoff`](Self::max_backoff), when it sent one; else a random wait up to
    /// [`backoff_ceiling`](Self::backoff_ceiling).
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(wait) => wait.min(self.max_backoff),
            None => {
                let ceiling = u64::try_from(self.backoff_ceiling(retry).as_nanos()).unwrap_or(u64::MAX);
                Duration::from_nanos(fastrand::u64(0..=ceiling))
            }
        }
    }
}

fn duration_from_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX);
    // The remainder is below 10^9, so it fits.
    Duration::new(secs, (nanos % NANOS_PER_SEC) as u32)
}

/// What kind of failure an attempt ended with, as far as retrying it is concerned (see the
/// [module docs](self) for the table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// No connection could be made (refused, unreachable, DNS, connect timeout, TLS handshake): the request
    /// never left the machine.
    Connect,
    /// The service refused the request because of flow control (a `Throttling` code, or HTTP 429, or a
    /// gateway's 429 or 503 page without a code), without processing it.
    Throttled,
    /// The service or a gateway failed for a while (`ServiceUnavailable`, `InternalError`, `UnknownError`,
    /// HTTP 500/502/503/504); the request may have been applied.
    Transient,
    /// The total timeout ran out after the connection was made; the request may have been applied.
    Timeout,
    /// The connection was reset or closed, or broke, before the whole answer arrived; the request may
    /// have been applied.
    Interrupted,
    /// Retrying cannot help: the request is invalid, the service gave any other error code, or a successful
    /// answer could not be read.
    Permanent,
}

impl FailureKind {
    /// Classifies a failed call.
    ///
    /// A 2xx answer is never retried, whatever it carries: the service accepted the request, so a body that
    /// does not decode is a response error, not a reason to send it again. Otherwise the class comes from the
    /// error code first, then from the HTTP status; an `x-acs-retry-after` header never makes an answer
    /// retryable, it only sets the delay of an attempt already judged retryable.
    pub fn of<E>(error: &Error<E>) -> FailureKind {
        match error {
            Error::Validation(_) => FailureKind::Permanent,
            Error::Service(e) => {
                if is_success_status(e.status) {
                    FailureKind::Permanent
                } else if is_throttling_code(&e.code) {
                    FailureKind::Throttled
                } else if is_transient_code(&e.code) || TRANSIENT_STATUSES.contains(&e.status) {
                    FailureKind::Transient
                } else if e.status == 429 {
                    // A code we do not know under "Too Many Requests": flow control all the same.
                    FailureKind::Throttled
                } else {
                    FailureKind::Permanent
                }
            }
            // No code to go by: an XML or HTML page from a gateway. Its status is all there is.
            Error::Response(e) => {
                if is_success_status(e.status) {
                    FailureKind::Permanent
                } else if THROTTLING_STATUSES.contains(&e.status) {
                    FailureKind::Throttled
                } else if TRANSIENT_STATUSES.contains(&e.status) {
                    FailureKind::Transient
                } else {
                    FailureKind::Permanent
                }
            }
            Error::Transport(e) => {
                // A connect timeout is a connect error too: nothing was written yet.
                if e.is_connect() {
                    FailureKind::Connect
                } else if e.is_timeout() {
                    FailureKind::Timeout
                } else {
                    FailureKind::Interrupted
                }
            }
        }
    }

    /// Whether a failure of this kind may be retried for an operation that is (or is not) idempotent.
    pub fn is_retryable(self, idempotent: bool) -> bool {
        match self {
            FailureKind::Connect | FailureKind::Throttled => true,
            FailureKind::Transient | FailureKind::Timeout | FailureKind::Interrupted => idempotent,
            FailureKind::Permanent => false,
        }
    }

    /// A short name, as it appears in tracing events: `connect`, `throttled`, `transient`, `timeout`,
    /// `interrupted` or `permanent`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Connect => "connect",
            FailureKind::Throttled => "throttled",
            FailureKind::Transient => "transient",
            FailureKind::Timeout => "timeout",
            FailureKind::Interrupted => "interrupted",
            FailureKind::Permanent => "permanent",
        }
    }
}

/// Whether `code` is one of [`THROTTLING_CODES`].
pub fn is_throttling_code(code: &str) -> bool {
    THROTTLING_CODES.contains(&code)
}

/// Whether `code` is one of [`TRANSIENT_CODES`].
pub fn is_transient_code(code: &str) -> bool {
    TRANSIENT_CODES.contains(&code)
}

/// The value of an `x-acs-retry-after` header: a positive whole number of milliseconds (anything else is
/// ignored, as Alibaba's SDKs do).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let millis: u64 = value.trim().parse().ok()?;
    (millis > 0).then(|| Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        let policy = RetryPolicy::default();
        assert_eq!(policy, RetryPolicy::new());
        assert_eq!(policy.attempts(), 3);
        assert_eq!(policy.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(policy.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(policy.backoff_ceiling(8), Duration::from_millis(12_800));
        assert_eq!(policy.backoff_ceiling(9), Duration::from_secs(20));
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::from_secs(20));
        assert_eq!(RetryPolicy::disabled().attempts(), 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).attempts(), 1);
    }

    #[test]
    fn backoff_never_overflows() {
        let huge = RetryPolicy::new().initial_backoff(Duration::MAX).max_backoff(Duration::MAX);
        assert_eq!(huge.backoff_ceiling(1), Duration::MAX);
        assert_eq!(huge.backoff_ceiling(64), Duration::MAX);
        assert!(huge.delay(64, None) <= Duration::MAX);
        let zero = RetryPolicy::new().initial_backoff(Duration::ZERO);
        assert_eq!(zero.delay(5, None), Duration::ZERO);
    }

    #[test]
    fn full_jitter_stays_under_the_ceiling_and_varies() {
        let policy =
            RetryPolicy::new().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(50));
        let mut seen = std::collections::BTreeSet::new();
        for retry in 1..=6 {
            for _ in 0..200 {
                let delay = policy.delay(retry, None);
                assert!(delay <= policy.backoff_ceiling(retry), "{delay:?} at retry {retry}");
                seen.insert(delay);
            }
        }
        assert!(seen.len() > 100, "the waits are spread out: {} distinct", seen.len());
    }

    #[test]
    fn retry_after_is_honoured_within_the_cap() {
        let policy = RetryPolicy::new().max_backoff(Duration::from_secs(2));
        assert_eq!(policy.delay(1, Some(Duration::from_millis(1500))), Duration::from_millis(1500));
        assert_eq!(policy.delay(1, Some(Duration::from_secs(60))), Duration::from_secs(2));
    }

    #[test]
    fn retry_after_headers() {
        assert_eq!(parse_retry_after("1500"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after(" 20 "), Some(Duration::from_millis(20)));
        for ignored in ["0", "-5", "1.5", "soon", "", "99999999999999999999999"] {
            assert_eq!(parse_retry_after(ignored), None, "{ignored}");
        }
    }

    #[test]
    fn what_is_retried_for_whom() {
        use FailureKind::*;
        for kind in [Connect, Throttled] {
            assert!(kind.is_retryable(true) && kind.is_retryable(false), "{kind:?}");
        }
        for kind in [Transient, Timeout, Interrupted] {
            assert!(kind.is_retryable(true) && !kind.is_retryable(false), "{kind:?}");
        }
        assert!(!Permanent.is_retryable(true) && !Permanent.is_retryable(false));
        assert_eq!(Throttled.as_str(), "throttled");
    }

    fn service(code: &str, status: u16, retry_after: Option<Duration>) -> Error<String> {
        crate::error::ServiceError {
            kind: code.to_owned(),
            code: code.to_owned(),
            message: String::new(),
            request_id: None,
            host_id: None,
            recommend: None,
            status,
            operation: "Op",
            retry_after,
            attempts: 1,
        }
        .into()
    }

    fn response(status: u16, retry_after: Option<Duration>) -> Error<String> {
        crate::error::ResponseError {
            operation: "Op",
            status,
            request_id: None,
            body_snippet: "<html>".into(),
            reason: "the body is not JSON".into(),
            retry_after,
            attempts: 1,
        }
        .into()
    }

    #[test]
    fn classified_by_code_first() {
        use FailureKind::*;
        let ms = Some(Duration::from_millis(5));
        let cases = [
            (service("Throttling.User", 400, None), Throttled),
            (service("Throttling", 503, None), Throttled),
            (service("Throttling.Api", 400, None), Throttled),
            // The header sets a delay; it never makes an answer retryable.
            (service("SomethingElse", 400, ms), Permanent),
            (service("InternalError", 500, ms), Transient),
            (service("IncorrectDBInstanceState", 403, ms), Permanent),
            (service("Throttling.User", 200, None), Permanent),
            (service("SomeCode", 429, None), Throttled),
            (response(200, ms), Permanent),
            (response(204, ms), Permanent),
            (response(429, None), Throttled),
            (response(503, None), Throttled),
            (response(500, ms), Transient),
            (response(400, ms), Permanent),
            (service("ServiceUnavailable", 503, None), Transient),
            (service("InternalError", 400, None), Transient),
            (service("UnknownError", 500, None), Transient),
            (service("UnknownError", 200, None), Permanent),
            (service("Whatever", 502, None), Transient),
            (service("IncorrectDBInstanceState", 403, None), Permanent),
            (service("InvalidDBInstanceId.NotFound", 404, None), Permanent),
            (service("Throttling.user", 400, None), Permanent),
            (service("SomeCode", 501, None), Permanent),
            (response(200, None), Permanent),
            (response(502, None), Transient),
            (response(504, None), Transient),
            (response(429, ms), Throttled),
            (response(403, None), Permanent),
            (Error::Validation(crate::ValidationError { operation: "Op", violations: vec![] }), Permanent),
        ];
        for (err, expected) in cases {
            assert_eq!(FailureKind::of(&err), expected, "{err}");
            assert_eq!(err.failure_kind(), expected);
        }
    }

    #[test]
    fn codes() {
        assert!(is_throttling_code("Throttling.User") && is_throttling_code("Throttling"));
        assert!(!is_throttling_code("throttling.user") && !is_throttling_code("Throttling.Other"));
        assert!(is_transient_code("ServiceUnavailable") && !is_transient_code("InvalidParameter"));
    }
}
