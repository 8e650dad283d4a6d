//! Fault injection per Action: what a client must survive, on demand.
//!
//! Faults apply to authenticated requests (a request that fails signature checks gets that error, not a
//! fault), after they are counted as received and before the handler runs. Each fault is permanent until
//! cleared, or fires for the next N matching requests only ([`Fault::times`]).
//!
//! ```
//! use std::time::Duration;
//! use rds_emulator::{Fault, Faults};
//!
//! let faults = Faults::default();
//! faults.inject("ImportDatabaseBetweenInstances", Fault::drop_after().once());
//! faults.inject("DescribeDatabases", Fault::latency(Duration::from_millis(200)));
//! faults.inject("*", Fault::throttle(Duration::from_millis(500)).times(2)); // every Action
//! faults.clear("DescribeDatabases");
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::errors::ApiError;

/// The Action name that matches every Action.
pub const ANY_ACTION: &str = "*";

/// What a fault does to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Waits this long before processing (latencies of several faults add up).
    Latency(Duration),
    /// Answers with this error instead of processing.
    Error {
        /// The `Code`.
        code: String,
        /// The HTTP status.
        status: u16,
        /// The `Message`.
        message: String,
    },
    /// Answers `Throttling.User` (400) with header `x-acs-retry-after: <milliseconds>` instead of processing.
    Throttle {
        /// The value of `x-acs-retry-after`.
        retry_after: Duration,
    },
    /// Closes the connection without answering, before processing: nothing is applied.
    DropBeforeProcessing,
    /// Processes the request (its effect is applied and counted), then closes the connection without
    /// answering.
    DropAfterProcessing,
    /// Answers exactly this status, `Content-Type` and body (no `x-acs-request-id`), like a proxy's HTML error
    /// page or a truncated JSON body: before processing (nothing is applied), or after it (the effect is
    /// applied and counted, the real answer is lost).
    Raw {
        /// The HTTP status.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body, as sent.
        body: String,
        /// Whether the request is processed first.
        after_processing: bool,
    },
    /// Never answers and processes nothing: the connection stays open until the client gives up, or the
    /// emulator stops (a graceful [`shutdown`](crate::EmulatorHandle::shutdown) waits for it at most 5 s).
    Hang,
}

/// One injected fault: what it does and how many more requests it applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// What it does.
    pub kind: FaultKind,
    /// How many more requests it fires for; `None` until cleared.
    pub remaining: Option<usize>,
    /// An `x-acs-retry-after` header (milliseconds) added to the answer this fault gives, an error or a raw
    /// answer, whatever its status: a server's hint that clients must not take for a reason to resend.
    pub retry_after: Option<Duration>,
}

impl Fault {
    /// A permanent fault of `kind`.
    pub fn new(kind: FaultKind) -> Self {
        Fault { kind, remaining: None, retry_after: None }
    }

    /// Adds `delay` before processing.
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultKind::Latency(delay))
    }

    /// Answers with `code`, `status` and `message` instead of processing.
    pub fn error(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        Self::new(FaultKind::Error { code: code.into(), status, message: message.into() })
    }

    /// Answers `Throttling.User` with `x-acs-retry-after` set to `retry_after` in milliseconds.
    pub fn throttle(retry_after: Duration) -> Self {
        Self::new(FaultKind::Throttle { retry_after })
    }

    /// Drops the connection before processing.
    pub fn drop_before() -> Self {
        Self::new(FaultKind::DropBeforeProcessing)
    }

    /// Processes, then drops the connection without answering.
    pub fn drop_after() -> Self {
        Self::new(FaultKind::DropAfterProcessing)
    }

    /// Answers `status`, `content_type` and `body` as given instead of processing, e.g. a gateway's
    /// `502` HTML page: `Fault::raw(502, "text/html", "<html>502 Bad Gateway</html>")`.
    pub fn raw(status: u16, content_type: impl Into<String>, body: impl Into<String>) -> Self {
        Self::new(FaultKind::Raw {
            status,
            content_type: content_type.into(),
            body: body.into(),
            after_processing: false,
        })
    }

    /// Processes the request (the effect is applied and counted), then answers `status`, `content_type` and
    /// `body` as given instead of the real answer, e.g. a truncated JSON body:
    /// `Fault::raw_after_processing(200, "application/json", r#"{"RequestId":"#)`.
    pub fn raw_after_processing(status: u16, content_type: impl Into<String>, body: impl Into<String>) -> Self {
        Self::new(FaultKind::Raw {
            status,
            content_type: content_type.into(),
            body: body.into(),
            after_processing: true,
        })
    }

    /// Never answers and processes nothing (until the client times out).
    pub fn hang() -> Self {
        Self::new(FaultKind::Hang)
    }

    /// Adds header `x-acs-retry-after: <milliseconds>` to the answer this fault gives (an error or a raw
    /// answer; a throttling fault has its own).
    pub fn with_retry_after(mut self, retry_after: Duration) -> Self {
        self.retry_after = Some(retry_after);
        self
    }

    /// Fires for the next `n` matching requests only.
    pub fn times(mut self, n: usize) -> Self {
        self.remaining = Some(n);
        self
    }

    /// Fires for the next matching request only.
    pub fn once(self) -> Self {
        self.times(1)
    }
}

/// What the faults decided for one request.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Total latency to add first.
    pub(crate) delay: Duration,
    /// What happens instead of (or after) processing.
    pub(crate) outcome: Outcome,
}

/// The part of a [`Plan`] that changes the answer.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Process and answer normally.
    #[default]
    Proceed,
    /// Answer this error (with `x-acs-retry-after` when `retry_after` is set).
    Fail { error: ApiError, retry_after: Option<Duration> },
    /// Close the connection without processing.
    DropBefore,
    /// Process, then close the connection.
    DropAfter,
    /// Answer this instead of processing, or (`after_processing`) instead of the real answer.
    Raw(RawAnswer),
    /// Never answer, process nothing.
    Hang,
}

/// A body sent as it is (a [`FaultKind::Raw`] fault).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawAnswer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: String,
    pub(crate) after_processing: bool,
    pub(crate) retry_after: Option<Duration>,
}

/// The faults of a running emulator, shared with its handle; clones see the same faults.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    by_action: Arc<Mutex<HashMap<String, Vec<Fault>>>>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<Fault>>> {
        // Plain data: a panic elsewhere cannot leave it half-updated.
        self.by_action.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds `fault` to `action` (an Action name, or `"*"` for every Action). Faults of one Action fire in
    /// the order they were added; Action-specific ones before `"*"` ones.
    pub fn inject(&self, action: &str, fault: Fault) {
        self.lock().entry(action.to_owned()).or_default().push(fault);
    }

    /// Removes every fault of `action` (`"*"` removes only the faults added for every Action).
    pub fn clear(&self, action: &str) {
        self.lock().remove(action);
    }

    /// Removes every fault.
    pub fn clear_all(&self) {
        self.lock().clear();
    }

    /// The faults still active for `action` (not counting `"*"` ones).
    pub fn active(&self, action: &str) -> Vec<Fault> {
        self.lock().get(action).cloned().unwrap_or_default()
    }

    /// Every active fault, by Action (`"*"` included), each list in the order the faults fire.
    pub fn all(&self) -> std::collections::BTreeMap<String, Vec<Fault>> {
        self.lock().iter().map(|(action, faults)| (action.clone(), faults.clone())).collect()
    }

    /// Decides what happens to one request of `action`, using up one firing of each fault that applies:
    /// every latency, and the first fault that changes the answer.
    pub(crate) fn plan(&self, action: &str) -> Plan {
        let mut all = self.lock();
        let mut plan = Plan::default();
        for key in [action, ANY_ACTION] {
            let Some(faults) = all.get_mut(key) else { continue };
            for fault in faults.iter_mut() {
                let fires = match &fault.kind {
                    FaultKind::Latency(delay) => {
                        plan.delay += *delay;
                        true
                    }
                    _ if plan.outcome != Outcome::Proceed => false,
                    FaultKind::Error { code, status, message } => {
                        plan.outcome = Outcome::Fail {
                            error: ApiError::new(code, *status, message),
                            retry_after: fault.retry_after,
                        };
                        true
                    }
                    FaultKind::Throttle { retry_after } => {
                        plan.outcome = Outcome::Fail { error: ApiError::throttled(), retry_after: Some(*retry_after) };
                        true
                    }
                    FaultKind::DropBeforeProcessing => {
                        plan.outcome = Outcome::DropBefore;
                        true
                    }
                    FaultKind::DropAfterProcessing => {
                        plan.outcome = Outcome::DropAfter;
                        true
                    }
                    FaultKind::Raw { status, content_type, body, after_processing } => {
                        plan.outcome = Outcome::Raw(RawAnswer {
                            status: *status,
                            content_type: content_type.clone(),
                            body: body.clone(),
                            after_processing: *after_processing,
                            retry_after: fault.retry_after,
                        });
                        true
                    }
                    FaultKind::Hang => {
                        plan.outcome = Outcome::Hang;
                        true
                    }
                };
                if fires {
                    if let Some(n) = &mut fault.remaining {
                        *n = n.saturating_sub(1);
                    }
                }
            }
            faults.retain(|f| f.remaining != Some(0));
            if faults.is_empty() {
                all.remove(key);
            }
        }
        plan
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_faults_fire_the_given_number_of_times() {
        let faults = Faults::default();
        faults.inject("A", Fault::drop_before().times(2));
        assert_eq!(faults.plan("B").outcome, Outcome::Proceed);
        assert_eq!(faults.plan("A").outcome, Outcome::DropBefore);
        assert_eq!(faults.plan("A").outcome, Outcome::DropBefore);
        assert_eq!(faults.plan("A").outcome, Outcome::Proceed);
        assert!(faults.active("A").is_empty());
    }

    #[test]
    fn latencies_add_up_and_the_first_answer_changing_fault_wins() {
        let faults = Faults::default();
        faults.inject("A", Fault::latency(Duration::from_millis(10)));
        faults.inject("A", Fault::error("InternalError", 500, "boom").once());
        faults.inject("A", Fault::drop_after().once());
        faults.inject(ANY_ACTION, Fault::latency(Duration::from_millis(5)));

        let plan = faults.plan("A");
        assert_eq!(plan.delay, Duration::from_millis(15));
        assert!(
            matches!(plan.outcome, Outcome::Fail { ref error, retry_after: None } if error.code == "InternalError")
        );
        // The drop did not fire, so it is still armed.
        assert_eq!(faults.plan("A").outcome, Outcome::DropAfter);
        let plan = faults.plan("A");
        assert_eq!((plan.delay, plan.outcome), (Duration::from_millis(15), Outcome::Proceed));

        faults.clear("A");
        assert_eq!(faults.plan("A").delay, Duration::from_millis(5));
        faults.clear_all();
        assert_eq!(faults.plan("A"), Plan::default());
    }

    #[test]
    fn raw_answers_and_hangs() {
        let faults = Faults::default();
        faults.inject("A", Fault::raw(502, "text/html", "<html>").once());
        faults.inject("A", Fault::raw_after_processing(200, "application/json", "{").once());
        faults.inject("A", Fault::hang().once());
        let Outcome::Raw(first) = faults.plan("A").outcome else { panic!("not raw") };
        assert_eq!((first.status, first.content_type.as_str(), first.body.as_str()), (502, "text/html", "<html>"));
        assert!(!first.after_processing);
        let Outcome::Raw(second) = faults.plan("A").outcome else { panic!("not raw") };
        assert!(second.after_processing && second.status == 200);
        assert_eq!(faults.plan("A").outcome, Outcome::Hang);
        assert_eq!(faults.plan("A").outcome, Outcome::Proceed);
    }

    #[test]
    fn throttling_carries_retry_after() {
        let faults = Faults::default();
        faults.inject(ANY_ACTION, Fault::throttle(Duration::from_millis(250)));
        let Outcome::Fail { error, retry_after } = faults.plan("Anything").outcome else { panic!("not throttled") };
        assert_eq!((error.code.as_str(), error.status), ("Throttling.User", 400));
        assert_eq!(retry_after, Some(Duration::from_millis(250)));
    }
}
