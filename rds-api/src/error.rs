//! What a call can fail with.
//!
//! None of these types ever shows the AccessKey secret or the security token: the secret is never sent, the
//! token is removed from anything the service echoes back (e.g. the server's string to sign in a
//! `SignatureDoesNotMatch` message), and transport errors carry no URL.

use std::fmt;
use std::time::Duration;

pub use crate::runtime::ValidationError;

/// Why a call failed. `E` is the operation's error-code enum.
///
/// The service error is boxed so that `Result<T, Error<E>>` stays small on the happy path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request broke documented constraints; nothing was sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The service answered with an error code.
    #[error(transparent)]
    Service(Box<ServiceError<E>>),
    /// The service (or something in between) answered with a body that could not be understood.
    #[error(transparent)]
    Response(#[from] ResponseError),
    /// No usable answer: connection refused or reset, timeout, TLS failure, …
    #[error(transparent)]
    Transport(#[from] TransportError),
}

impl<E> From<ServiceError<E>> for Error<E> {
    fn from(err: ServiceError<E>) -> Self {
        Error::Service(Box::new(err))
    }
}

impl<E> Error<E> {
    /// The service's error, when it answered with one.
    pub fn service_error(&self) -> Option<&ServiceError<E>> {
        match self {
            Error::Service(err) => Some(err),
            _ => None,
        }
    }

    /// The typed error code, when the service answered with one.
    pub fn kind(&self) -> Option<&E> {
        self.service_error().map(|err| &err.kind)
    }

    /// The request ID the service assigned, when an answer carried one (quote it to Alibaba Cloud support).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(err) => err.request_id.as_deref(),
            Error::Response(err) => err.request_id.as_deref(),
            Error::Validation(_) | Error::Transport(_) => None,
        }
    }

    /// The HTTP status, when an answer arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Service(err) => Some(err.status),
            Error::Response(err) => Some(err.status),
            Error::Validation(_) | Error::Transport(_) => None,
        }
    }

    /// The wire name of the operation that failed.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Validation(err) => err.operation,
            Error::Service(err) => err.operation,
            Error::Response(err) => err.operation,
            Error::Transport(err) => err.operation,
        }
    }

    /// How many attempts were made before giving up: 0 for a request refused before sending
    /// ([`Error::Validation`]), else at least 1 (more when failures were retried, see [`crate::retry`]).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Validation(_) => 0,
            Error::Service(err) => err.attempts,
            Error::Response(err) => err.attempts,
            Error::Transport(err) => err.attempts,
        }
    }

    /// What kind of failure this is for retrying ([`FailureKind::of`](crate::retry::FailureKind::of)).
    pub fn failure_kind(&self) -> crate::retry::FailureKind {
        crate::retry::FailureKind::of(self)
    }

    /// Records that the call made `attempts` attempts (a validation error keeps 0).
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            Error::Validation(_) => {}
            Error::Service(err) => err.attempts = attempts,
            Error::Response(err) => err.attempts = attempts,
            Error::Transport(err) => err.attempts = attempts,
        }
        self
    }
}

/// ` (after N attempts)`-style context for `Display`, empty for a single attempt.
struct AfterAttempts(u32);

impl fmt::Display for AfterAttempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, "after {} attempts", self.0)?;
        }
        Ok(())
    }
}

/// An error answer of the service: `{"Code": …, "Message": …, "RequestId": …, "HostId": …, "Recommend": …}`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ServiceError<E> {
    /// The code as the operation's error-code enum (unknown codes land in its `Unknown` variant).
    pub kind: E,
    /// The code as sent, e.g. `InvalidDBInstanceId.NotFound`.
    pub code: String,
    /// The service's message (empty when it sent none).
    pub message: String,
    /// The request ID (from the body, else the `x-acs-request-id` header).
    pub request_id: Option<String>,
    /// The host that answered, e.g. `rds.aliyuncs.com`.
    pub host_id: Option<String>,
    /// A diagnosis link the service suggests.
    pub recommend: Option<String>,
    /// The HTTP status. Do not classify by it: the same code comes with different statuses.
    pub status: u16,
    /// The wire name of the operation.
    pub operation: &'static str,
    /// The wait the service asked for with an `x-acs-retry-after` header (sent with throttling).
    pub retry_after: Option<Duration>,
    /// How many attempts were made; this answer is the last one's.
    pub attempts: u32,
}

impl<E> fmt::Display for ServiceError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.operation, self.code, self.message)?;
        match (&self.request_id, self.attempts > 1) {
            (Some(id), true) => write!(f, " (request id {id}, {})", AfterAttempts(self.attempts)),
            (Some(id), false) => write!(f, " (request id {id})"),
            (None, true) => write!(f, " ({})", AfterAttempts(self.attempts)),
            (None, false) => Ok(()),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for ServiceError<E> {}

/// An answer that could not be understood: not JSON, truncated, an HTML error page from a proxy, or JSON
/// that does not fit the operation's response type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseError {
    /// The wire name of the operation.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The request ID, from the `x-acs-request-id` header or, best effort, from the body.
    pub request_id: Option<String>,
    /// The first 512 characters of the body (lossy UTF-8).
    pub body_snippet: String,
    /// What was wrong, e.g. `the body is not JSON: …`.
    pub reason: String,
    /// The wait asked for with an `x-acs-retry-after` header, if the answer had one.
    pub retry_after: Option<Duration>,
    /// How many attempts were made; this answer is the last one's.
    pub attempts: u32,
}

/// How many characters of the snippet `Display` shows.
const DISPLAYED_SNIPPET_CHARS: usize = 100;

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: unusable response (HTTP {}", self.operation, self.status)?;
        if let Some(id) = &self.request_id {
            write!(f, ", request id {id}")?;
        }
        if self.attempts > 1 {
            write!(f, ", {}", AfterAttempts(self.attempts))?;
        }
        write!(f, "): {}", self.reason)?;
        if !self.body_snippet.is_empty() {
            let shown: String = self.body_snippet.chars().take(DISPLAYED_SNIPPET_CHARS).collect();
            let more = if shown.len() < self.body_snippet.len() { "…" } else { "" };
            write!(f, "; body: {shown:?}{more}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ResponseError {}

/// The request could not be completed: connection refused or reset, timeout, TLS or protocol failure.
///
/// The underlying `reqwest` error is kept without its URL (which carries the signature and any security
/// token).
#[derive(Debug)]
pub struct TransportError {
    operation: &'static str,
    source: reqwest::Error,
    attempts: u32,
}

impl TransportError {
    pub(crate) fn new(operation: &'static str, source: reqwest::Error) -> Self {
        TransportError { operation, source: source.without_url(), attempts: 1 }
    }

    /// How many attempts were made; this error is the last one's.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The wire name of the operation.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// Whether the connect or total timeout ran out.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }

    /// Whether no connection could be made (refused, unreachable, DNS, TLS handshake).
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.is_timeout() {
            "request timed out"
        } else if self.is_connect() {
            "could not connect"
        } else {
            "request failed"
        };
        write!(f, "{}: {what}", self.operation)?;
        if self.attempts > 1 {
            write!(f, " ({})", AfterAttempts(self.attempts))?;
        }
        // The innermost cause says the most ("Connection refused (os error 111)").
        let mut cause: &dyn std::error::Error = &self.source;
        while let Some(next) = cause.source() {
            cause = next;
        }
        write!(f, ": {cause}")
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Rule, Violation};

    #[derive(Clone, Debug, PartialEq)]
    enum Code {
        Unknown(String),
    }

    fn service() -> ServiceError<Code> {
        ServiceError {
            kind: Code::Unknown("X.Y".into()),
            code: "X.Y".into(),
            message: "Something failed.".into(),
            request_id: Some("REQ-1".into()),
            host_id: Some("rds.aliyuncs.com".into()),
            recommend: None,
            status: 400,
            operation: "Op",
            retry_after: None,
            attempts: 1,
        }
    }

    #[test]
    fn service_display_and_helpers() {
        let err: Error<Code> = service().into();
        assert_eq!(err.to_string(), "Op: X.Y: Something failed. (request id REQ-1)");
        assert_eq!(err.request_id(), Some("REQ-1"));
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.operation(), "Op");
        assert_eq!(err.kind(), Some(&Code::Unknown("X.Y".into())));
        assert!(err.service_error().is_some());
        let mut without_id = service();
        without_id.request_id = None;
        assert_eq!(without_id.to_string(), "Op: X.Y: Something failed.");
        assert_eq!(err.attempts(), 1);
    }

    #[test]
    fn retried_errors_say_how_many_attempts() {
        let err = Error::from(service()).with_attempts(3);
        assert_eq!(err.attempts(), 3);
        assert_eq!(err.to_string(), "Op: X.Y: Something failed. (request id REQ-1, after 3 attempts)");
        let mut without_id = service();
        without_id.request_id = None;
        without_id.attempts = 2;
        assert_eq!(without_id.to_string(), "Op: X.Y: Something failed. (after 2 attempts)");
        let response = ResponseError {
            operation: "Op",
            status: 503,
            request_id: Some("R".into()),
            body_snippet: String::new(),
            reason: "the body is not JSON".into(),
            retry_after: None,
            attempts: 1,
        };
        let err = Error::<Code>::from(response).with_attempts(4);
        assert_eq!(
            err.to_string(),
            "Op: unusable response (HTTP 503, request id R, after 4 attempts): the body is not JSON"
        );
        let invalid: Error<Code> = ValidationError { operation: "Op", violations: vec![] }.into();
        assert_eq!(invalid.with_attempts(3).attempts(), 0);
    }

    #[test]
    fn response_display() {
        let err = ResponseError {
            operation: "Op",
            status: 502,
            request_id: None,
            body_snippet: "<html>".repeat(30),
            reason: "the body is not JSON: expected value at line 1 column 1".into(),
            retry_after: None,
            attempts: 1,
        };
        let text = err.to_string();
        assert!(
            text.starts_with("Op: unusable response (HTTP 502): the body is not JSON: expected value at line 1 column 1; body: \"<html><html>"),
            "{text}"
        );
        assert!(text.ends_with('…'), "{text}");
        let err: Error<Code> = err.into();
        assert_eq!(err.status(), Some(502));
        assert_eq!(err.request_id(), None);
        assert!(err.service_error().is_none());
    }

    #[test]
    fn validation_is_transparent() {
        let err: Error<Code> = ValidationError {
            operation: "Op",
            violations: vec![Violation { parameter: "A".into(), rule: Rule::Required, value: None }],
        }
        .into();
        assert_eq!(err.to_string(), "invalid Op request: A: is required");
        assert_eq!(err.operation(), "Op");
        assert_eq!(err.status(), None);
    }

    #[test]
    fn errors_are_send_sync_static() {
        fn check<T: Send + Sync + 'static + std::error::Error>() {}
        check::<Error<Code>>();
        check::<TransportError>();
    }
}
