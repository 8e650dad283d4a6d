//! Waiting for an import to finish, by polling both instances.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::time::Duration;

use tokio::time::Instant;

use super::{describe_instance, is_not_found, list_databases, name_pairs, Role};
use crate::client::Client;
use crate::error::Error;
use crate::operations::describe_databases::{Database, DatabaseStatus};
use crate::operations::describe_db_instance_attribute::InstanceStatus;
use crate::operations::{
    DescribeDatabasesError, DescribeDbInstanceAttributeError, ImportDatabaseBetweenInstancesRequest,
};
use crate::retry::FailureKind;

const DEFAULT_INITIAL_DELAY: Duration = Duration::from_secs(2);
const DEFAULT_FACTOR: f64 = 2.0;
const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(30);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3600);
const DEFAULT_STARTUP_GRACE: Duration = Duration::from_secs(10);

/// The callback [`Waiter::on_progress`] sets.
type ProgressCallback<'a> = Box<dyn FnMut(&Progress) + Send + 'a>;

/// Waits for an ImportDatabaseBetweenInstances import to finish.
///
/// It polls DescribeDBInstanceAttribute of the source and the destination (concurrently), first at once, then
/// after `initial_delay`, growing by `factor` up to `max_delay` (with jitter unless turned off), and:
///
/// * succeeds ([`Completed`]) when both instances are `Running` again and every destination database of the
///   request is on the destination (DescribeDatabases) and `Running`;
/// * fails with [`WaitError::InstanceGone`] when an instance disappears (`InvalidDBInstanceId.NotFound`);
/// * fails with [`WaitError::DatabasesMissing`] when the destination is `Running` but a destination database
///   is missing, once the import has been seen running or `startup_grace` has passed;
/// * fails with [`WaitError::Timeout`], which carries the last statuses seen, once `timeout` has passed.
///
/// Throttling, server errors (5xx), unusable answers and transport errors are retried on the same schedule
/// (and show in [`Progress`]); other errors (authentication, permissions, an invalid instance ID) end the
/// wait, as retrying cannot fix them. The deadline is checked between polls, so a poll in flight (bounded by
/// the client's timeout) finishes first.
///
/// Each poll calls the [`on_progress`](Self::on_progress) callback and emits a `tracing` event.
///
/// ```no_run
/// # async fn run(client: &rds_api::Client, request: &rds_api::ImportDatabaseBetweenInstancesRequest)
/// # -> Result<(), rds_api::workflow::WaitError> {
/// use std::time::Duration;
/// use rds_api::workflow::Waiter;
///
/// let completed = Waiter::new(client)
///     .initial_delay(Duration::from_secs(5))
///     .factor(1.5)
///     .max_delay(Duration::from_secs(60))
///     .timeout(Duration::from_secs(2 * 3600))
///     .on_progress(|p| eprintln!("{p}"))
///     .wait(request)
///     .await?;
/// # Ok(()) }
/// ```
pub struct Waiter<'a> {
    client: &'a Client,
    backoff: Backoff,
    timeout: Duration,
    startup_grace: Duration,
    on_progress: Option<ProgressCallback<'a>>,
}

impl fmt::Debug for Waiter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiter")
            .field("backoff", &self.backoff)
            .field("timeout", &self.timeout)
            .field("startup_grace", &self.startup_grace)
            .field("on_progress", &self.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

impl<'a> Waiter<'a> {
    /// A waiter with the default settings: first delay 2 s, factor 2, at most 30 s between polls, jitter on,
    /// timeout 1 h, startup grace 10 s.
    pub fn new(client: &'a Client) -> Self {
        Waiter {
            client,
            backoff: Backoff {
                initial: DEFAULT_INITIAL_DELAY,
                factor: DEFAULT_FACTOR,
                max: DEFAULT_MAX_DELAY,
                jitter: true,
            },
            timeout: DEFAULT_TIMEOUT,
            startup_grace: DEFAULT_STARTUP_GRACE,
            on_progress: None,
        }
    }

    /// The delay after the first poll; default 2 s.
    pub fn initial_delay(mut self, delay: Duration) -> Self {
        self.backoff.initial = delay;
        self
    }

    /// How much each delay grows over the previous one; default 2. Values below 1 (and NaN) count as 1: a
    /// constant delay.
    pub fn factor(mut self, factor: f64) -> Self {
        // `!(x >= 1.0)` is also true for NaN.
        self.backoff.factor = if factor >= 1.0 { factor } else { 1.0 };
        self
    }

    /// The longest delay between polls; default 30 s.
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.backoff.max = delay;
        self
    }

    /// Whether each delay is drawn at random between half of it and all of it, so that many waiters started
    /// together do not poll in step; default on.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.backoff.jitter = jitter;
        self
    }

    /// How long to wait in all before giving up with [`WaitError::Timeout`]; default 1 h.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long the instances may look idle (destination `Running`, databases absent) before the import has
    /// been seen running, without that counting as a failed import; default 10 s. It covers a service that
    /// takes a moment to switch the instances to their importing states after accepting the import.
    pub fn startup_grace(mut self, grace: Duration) -> Self {
        self.startup_grace = grace;
        self
    }

    /// Called after every poll with what it saw.
    pub fn on_progress(mut self, callback: impl FnMut(&Progress) + Send + 'a) -> Self {
        self.on_progress = Some(Box::new(callback));
        self
    }

    /// Waits for the import `request` started. Call it after [`Client::send`] of the request succeeded.
    pub async fn wait(&mut self, request: &ImportDatabaseBetweenInstancesRequest) -> Result<Completed, WaitError> {
        let target = Target::of(request);
        let started = Instant::now();
        let mut seen_busy = false;
        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            let progress = poll(self.client, &target, attempt, started).await?;
            self.report(&progress);
            seen_busy |= progress.source.is_busy() || progress.destination.is_busy();
            let settled = seen_busy || progress.elapsed >= self.startup_grace;
            if let Some(completed) = check_arrival(self.client, &target, &progress, settled).await? {
                tracing::info!(attempts = attempt, elapsed_ms = millis(completed.elapsed), "import finished");
                return Ok(completed);
            }
            let elapsed = started.elapsed();
            if elapsed >= self.timeout {
                tracing::warn!(%progress, "gave up waiting for the import");
                return Err(WaitError::Timeout { elapsed, last: Box::new(progress) });
            }
            tokio::time::sleep(self.backoff.delay(attempt).min(self.timeout - elapsed)).await;
        }
    }

    fn report(&mut self, progress: &Progress) {
        tracing::debug!(
            attempt = progress.attempt,
            elapsed_ms = millis(progress.elapsed),
            source = %progress.source,
            destination = %progress.destination,
            "import progress"
        );
        if let Some(callback) = &mut self.on_progress {
            callback(progress);
        }
    }
}

/// Describes both instances at once.
async fn poll(client: &Client, target: &Target, attempt: u32, started: Instant) -> Result<Progress, WaitError> {
    let (source, destination) = tokio::join!(
        observe(client, Role::Source, &target.source),
        observe(client, Role::Destination, &target.destination),
    );
    let elapsed = started.elapsed();
    let source = source.map_err(|failure| failure.into_wait_error(Role::Source, &target.source, elapsed))?;
    let destination =
        destination.map_err(|failure| failure.into_wait_error(Role::Destination, &target.destination, elapsed))?;
    Ok(Progress { attempt, elapsed, source, destination })
}

/// Once the destination is `Running`, looks at its databases: `Some` when the import is complete, `None`
/// to keep waiting.
///
/// `settled` says whether a missing database means a failed import: once the import has been seen running, or
/// after the startup grace. Before, a Running destination without the databases may just not have started.
async fn check_arrival(
    client: &Client,
    target: &Target,
    progress: &Progress,
    settled: bool,
) -> Result<Option<Completed>, WaitError> {
    if !progress.destination.is_running() {
        return Ok(None);
    }
    let databases = match list_databases(client, &target.destination).await {
        Ok(databases) => databases,
        Err(err) if is_not_found(&err) => {
            return Err(PollFailure::Gone.into_wait_error(Role::Destination, &target.destination, progress.elapsed))
        }
        Err(err) if is_transient(&err) => {
            tracing::warn!(error = %err, "could not list the destination's databases; retrying");
            return Ok(None);
        }
        Err(err) => return Err(WaitError::DescribeDatabases(err)),
    };
    let arrival = Arrival::of(&target.expected, &databases);
    if !arrival.missing.is_empty() {
        if settled {
            return Err(WaitError::DatabasesMissing {
                destination: target.destination.clone(),
                missing: arrival.missing,
                present: databases.into_iter().map(|db| db.db_name).collect(),
                elapsed: progress.elapsed,
            });
        }
        return Ok(None);
    }
    let done = progress.source.is_running() && arrival.not_running.is_empty();
    Ok(done.then_some(Completed { attempts: progress.attempt, elapsed: progress.elapsed, databases }))
}

/// The capped exponential schedule of delays between polls.
#[derive(Clone, Copy, Debug)]
struct Backoff {
    initial: Duration,
    factor: f64,
    max: Duration,
    jitter: bool,
}

impl Backoff {
    /// The delay after poll number `attempt` (from 1): `initial × factor^(attempt-1)`, at most `max`, then
    /// jittered.
    fn delay(&self, attempt: u32) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let max = self.max.as_secs_f64();
        // `min` in floating point first: the product can be infinite, which `Duration` cannot hold.
        let secs = (self.initial.as_secs_f64() * self.factor.powi(exponent)).min(max);
        // `max` as f64 may round above what `Duration` holds (`Duration::MAX`): fall back to `max` itself
        // rather than panic.
        let delay = Duration::try_from_secs_f64(secs).unwrap_or(self.max);
        if self.jitter {
            Duration::try_from_secs_f64(delay.as_secs_f64() * (0.5 + 0.5 * random_fraction())).unwrap_or(delay)
        } else {
            delay
        }
    }
}

/// A number in [0, 1), random enough for jitter. std's hasher keys are random per `RandomState`, which spares
/// a dependency on a random-number crate.
fn random_fraction() -> f64 {
    let bits = RandomState::new().hash_one(0u8) >> 11;
    bits as f64 / (1u64 << 53) as f64
}

/// What is being waited for.
struct Target {
    source: String,
    destination: String,
    /// Destination names of the databases.
    expected: Vec<String>,
}

impl Target {
    fn of(request: &ImportDatabaseBetweenInstancesRequest) -> Self {
        Target {
            source: request.source_db_instance_id.clone(),
            destination: request.db_instance_id.clone(),
            expected: name_pairs(&request.db_info.db_names).into_iter().map(|(_, destination)| destination).collect(),
        }
    }
}

/// Where the expected databases stand on the destination. Names are matched ignoring case, as SQL Server's
/// default collations do.
struct Arrival {
    missing: Vec<String>,
    not_running: Vec<String>,
}

impl Arrival {
    fn of(expected: &[String], databases: &[Database]) -> Self {
        let mut arrival = Arrival { missing: Vec::new(), not_running: Vec::new() };
        for name in expected {
            match databases.iter().find(|db| db.db_name.eq_ignore_ascii_case(name)) {
                None => arrival.missing.push(name.clone()),
                Some(db) if db.db_status != Some(DatabaseStatus::Running) => arrival.not_running.push(name.clone()),
                Some(_) => {}
            }
        }
        arrival
    }
}

/// Why polling an instance cannot go on.
enum PollFailure {
    /// `InvalidDBInstanceId.NotFound`.
    Gone,
    /// An error retrying cannot fix.
    Fatal(Error<DescribeDbInstanceAttributeError>),
}

impl PollFailure {
    fn into_wait_error(self, role: Role, id: &str, elapsed: Duration) -> WaitError {
        match self {
            PollFailure::Gone => WaitError::InstanceGone { role, id: id.to_owned(), elapsed },
            PollFailure::Fatal(err) => WaitError::DescribeInstance(err),
        }
    }
}

/// One poll of one instance. A transient failure is an observation without a status, so that it shows in the
/// progress and the wait goes on.
async fn observe(client: &Client, role: Role, id: &str) -> Result<Observation, PollFailure> {
    let mut observation = Observation { role, id: id.to_owned(), status: None, error: None };
    match describe_instance(client, id).await {
        Ok(Some(attribute)) => match attribute.db_instance_status {
            Some(status) => observation.status = Some(status),
            None => observation.error = Some("DBInstanceStatus not reported".into()),
        },
        Ok(None) => observation.error = Some("DescribeDBInstanceAttribute described no instance".into()),
        Err(err) if is_not_found(&err) => return Err(PollFailure::Gone),
        Err(err) if is_transient(&err) => {
            tracing::warn!(%role, id, error = %err, "could not describe an instance; retrying");
            observation.error = Some(err.to_string());
        }
        Err(err) => return Err(PollFailure::Fatal(err)),
    }
    Ok(observation)
}

/// Whether an error may go away by itself: what the client would retry for an idempotent operation (the
/// Describe calls are): throttling, a passing failure of the service or a gateway, no answer at all
/// ([`crate::retry`]). A 2xx answer that does not decode is permanent: the next poll would get the same body,
/// so waiting on would only spin until the timeout.
fn is_transient<E>(err: &Error<E>) -> bool {
    FailureKind::of(err).is_retryable(true)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// What one poll saw of one instance.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Observation {
    /// Which side of the import the instance is on.
    pub role: Role,
    /// The instance ID.
    pub id: String,
    /// Its `DBInstanceStatus`; `None` when this poll could not read it (see `error`).
    pub status: Option<InstanceStatus>,
    /// Why the status could not be read (a retried error, or a field the service did not report).
    pub error: Option<String>,
}

impl Observation {
    /// Whether the instance is `Running`.
    pub fn is_running(&self) -> bool {
        self.status == Some(InstanceStatus::Running)
    }

    /// Whether the instance was seen in a state other than `Running` (e.g. `TransingToOthers`,
    /// `ImportingFromOthers`). The names of the import states are not documented reliably, so any other state
    /// counts.
    fn is_busy(&self) -> bool {
        self.status.as_ref().is_some_and(|status| *status != InstanceStatus::Running)
    }
}

impl fmt::Display for Observation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.role, self.id)?;
        match (&self.status, &self.error) {
            (Some(status), _) => write!(f, "{status}"),
            (None, Some(error)) => write!(f, "unknown ({error})"),
            (None, None) => f.write_str("unknown"),
        }
    }
}

/// What one poll saw: both instances, which attempt it was and how long the wait has taken.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// The poll number, from 1.
    pub attempt: u32,
    /// Time since the wait started.
    pub elapsed: Duration,
    /// The source instance.
    pub source: Observation,
    /// The destination instance.
    pub destination: Observation,
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {} (attempt {}, {:.1}s)",
            self.source,
            self.destination,
            self.attempt,
            self.elapsed.as_secs_f64()
        )
    }
}

/// A finished import.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Completed {
    /// How many polls it took.
    pub attempts: u32,
    /// How long the wait took.
    pub elapsed: Duration,
    /// Every database now on the destination (DescribeDatabases), the imported ones included.
    pub databases: Vec<Database>,
}

/// Why [`Waiter::wait`] did not see the import complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// An instance is gone: the service answered `InvalidDBInstanceId.NotFound`.
    #[error("the {role} instance {id} is gone (InvalidDBInstanceId.NotFound) after {:.1}s", elapsed.as_secs_f64())]
    InstanceGone {
        /// Which side of the import it was on.
        role: Role,
        /// The instance ID.
        id: String,
        /// Time since the wait started.
        elapsed: Duration,
    },
    /// The destination is `Running` again but without some of the databases: the import failed or was
    /// cancelled.
    #[error(
        "the import ended without {} on {destination} (it has: {}) after {:.1}s",
        missing.join(", "),
        present.join(", "),
        elapsed.as_secs_f64()
    )]
    DatabasesMissing {
        /// The destination instance ID.
        destination: String,
        /// Destination names of the databases that did not arrive.
        missing: Vec<String>,
        /// The databases the destination has.
        present: Vec<String>,
        /// Time since the wait started.
        elapsed: Duration,
    },
    /// The timeout passed before the import completed.
    #[error("gave up after {:.1}s; last seen: {last}", elapsed.as_secs_f64())]
    Timeout {
        /// Time since the wait started.
        elapsed: Duration,
        /// The last poll: both statuses (or why they could not be read), attempt and elapsed time.
        last: Box<Progress>,
    },
    /// DescribeDBInstanceAttribute failed in a way retrying cannot fix.
    #[error("could not follow the import: {0}")]
    DescribeInstance(#[source] Error<DescribeDbInstanceAttributeError>),
    /// DescribeDatabases failed in a way retrying cannot fix.
    #[error("could not list the destination's databases: {0}")]
    DescribeDatabases(#[source] Error<DescribeDatabasesError>),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff(jitter: bool) -> Backoff {
        Backoff { initial: Duration::from_millis(100), factor: 2.0, max: Duration::from_secs(1), jitter }
    }

    #[test]
    fn delays_grow_and_are_capped() {
        let delays: Vec<u128> = (1..=6).map(|attempt| backoff(false).delay(attempt).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff(false).delay(u32::MAX), Duration::from_secs(1), "no overflow however long it runs");
    }

    #[test]
    fn huge_settings_never_panic() {
        for jitter in [false, true] {
            for factor in [2.0, 1e300, f64::MAX, f64::INFINITY] {
                let huge = Backoff { initial: Duration::from_secs(1), factor, max: Duration::MAX, jitter };
                for attempt in [1, 2, 64, 2000, u32::MAX] {
                    let delay = huge.delay(attempt);
                    assert!(delay <= Duration::MAX && delay >= Duration::from_millis(500), "{delay:?}");
                }
            }
            let all_max = Backoff { initial: Duration::MAX, factor: 2.0, max: Duration::MAX, jitter };
            assert!(all_max.delay(3) > Duration::from_secs(1 << 62));
        }
    }

    #[test]
    fn an_undecodable_success_is_permanent_an_error_page_is_not() {
        let response = |status| -> Error<String> {
            crate::error::ResponseError {
                operation: "DescribeDBInstanceAttribute",
                status,
                request_id: None,
                body_snippet: String::new(),
                reason: "could not decode".into(),
                retry_after: None,
                attempts: 1,
            }
            .into()
        };
        assert!(!is_transient(&response(200)));
        assert!(!is_transient(&response(204)));
        assert!(is_transient(&response(502)));
        assert!(is_transient(&response(429)));
    }

    #[test]
    fn jitter_stays_between_half_and_all() {
        for attempt in 1..50 {
            let full = backoff(false).delay(attempt);
            let jittered = backoff(true).delay(attempt);
            assert!(jittered >= full / 2 && jittered <= full, "{jittered:?} vs {full:?}");
        }
    }

    #[test]
    fn factors_below_one_mean_a_constant_delay() {
        let client = Client::builder().credentials(crate::Credentials::new("id", "secret")).build().unwrap();
        for factor in [0.5, f64::NAN, -1.0] {
            let waiter = Waiter::new(&client).factor(factor);
            assert_eq!(waiter.backoff.factor, 1.0);
        }
    }

    #[test]
    fn the_futures_can_be_spawned() {
        fn assert_send<T: Send>(_: &T) {}
        let client = Client::builder().credentials(crate::Credentials::new("id", "secret")).build().unwrap();
        let request = ImportDatabaseBetweenInstancesRequest::builder()
            .db_instance_id("rm-destination")
            .source_db_instance_id("rm-source")
            .db_info(crate::import_database_between_instances::DbInfo {
                db_names: crate::import_database_between_instances::DbNames::Same(vec!["db".into()]),
            })
            .build()
            .unwrap();
        let mut waiter = Waiter::new(&client).on_progress(|_| {});
        assert_send(&waiter.wait(&request));
        assert_send(&super::super::preflight(&client, &request));
    }

    #[test]
    fn arrival_ignores_case_and_waits_for_running() {
        let databases: Vec<Database> = crate::runtime::de::from_str(
            r#"[{"DBName":"Sales","DBStatus":"Running"},{"DBName":"hr","DBStatus":"Creating"}]"#,
        )
        .unwrap();
        let arrival = Arrival::of(&["sales".into(), "hr".into(), "ops".into()], &databases);
        assert_eq!(arrival.missing, ["ops"]);
        assert_eq!(arrival.not_running, ["hr"]);
    }
}
