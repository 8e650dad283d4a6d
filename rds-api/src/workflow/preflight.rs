//! Checking the documented preconditions of ImportDatabaseBetweenInstances before sending it.

use std::fmt;

use super::{describe_instance, is_not_found, list_databases, name_pairs, Role, NOT_VISIBLE};
use crate::client::Client;
use crate::error::Error;
use crate::operations::describe_databases::{Database, DatabaseStatus};
use crate::operations::describe_db_instance_attribute::{
    DbInstanceAttribute, Engine, InstanceFamily, InstanceStatus, LockMode,
};
use crate::operations::{
    DescribeResourceUsageRequest, DescribeResourceUsageResponse, ImportDatabaseBetweenInstancesRequest,
};

/// The engine version of SQL Server 2017 Enterprise Cluster Edition ("2017 EE"), which cannot import.
const SQL_SERVER_2017_EE: &str = "2017_ent";
const BYTES_PER_GB: i64 = 1 << 30;

/// A documented precondition of ImportDatabaseBetweenInstances. Each has one line in a [`PreflightReport`],
/// in the order of [`Requirement::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Requirement {
    /// Both instances are visible to these credentials: the documented same-account rule, as far as a caller
    /// can check it (another account's instance answers `InvalidDBInstanceId.NotFound`, like a missing one).
    SameAccount,
    /// Both instances run SQL Server (`Engine` `SQLServer`).
    SqlServer,
    /// Both instances belong to the dedicated (`d`) or dedicated-host (`h`) family (`DBInstanceClassType`).
    InstanceFamily,
    /// Both instances are `Running` (`DBInstanceStatus`).
    Running,
    /// Neither instance is locked (`LockMode` `Unlock`).
    Unlocked,
    /// Neither instance is SQL Server 2017 Enterprise Cluster Edition (`EngineVersion` `2017_ent`).
    NotSqlServer2017Ee,
    /// The source and the destination are different instances.
    DistinctInstances,
    /// Every source database exists on the source and is `Running`.
    SourceDatabasesRunning,
    /// No destination name is already taken on the destination.
    DestinationNamesFree,
    /// The destination's free storage (`DBInstanceStorage` GB × 2³⁰ − used bytes) is larger than the source's
    /// used storage (DescribeResourceUsage `DiskUsed`).
    EnoughStorage,
}

impl Requirement {
    /// Every requirement, in the order of a report's lines.
    pub const ALL: [Requirement; 10] = [
        Requirement::SameAccount,
        Requirement::SqlServer,
        Requirement::InstanceFamily,
        Requirement::Running,
        Requirement::Unlocked,
        Requirement::NotSqlServer2017Ee,
        Requirement::DistinctInstances,
        Requirement::SourceDatabasesRunning,
        Requirement::DestinationNamesFree,
        Requirement::EnoughStorage,
    ];

    /// A short description, as shown in a report.
    pub fn description(self) -> &'static str {
        match self {
            Requirement::SameAccount => "both instances visible (same account)",
            Requirement::SqlServer => "both instances run SQL Server",
            Requirement::InstanceFamily => "dedicated (d) or dedicated-host (h) family",
            Requirement::Running => "both instances Running",
            Requirement::Unlocked => "neither instance locked",
            Requirement::NotSqlServer2017Ee => "not SQL Server 2017 EE (2017_ent)",
            Requirement::DistinctInstances => "source and destination differ",
            Requirement::SourceDatabasesRunning => "source databases exist and are Running",
            Requirement::DestinationNamesFree => "destination names not taken",
            Requirement::EnoughStorage => "destination free storage > source used",
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())
    }
}

/// How a requirement fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The values read show the requirement is met.
    Passed,
    /// The values read show the requirement is not met: the import would be refused.
    Failed,
    /// A value could not be read (an instance not visible, a failed call, a field the service did not report)
    /// and what was read does not show a failure either.
    CouldNotCheck,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "PASSED",
            Outcome::Failed => "FAILED",
            Outcome::CouldNotCheck => "COULD NOT CHECK",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One line of a [`PreflightReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// What was checked.
    pub requirement: Requirement,
    /// How it fared.
    pub outcome: Outcome,
    /// The values read (or why they could not be), per instance, e.g.
    /// `source rm-x: EngineVersion 2017_ent; destination rm-y: EngineVersion 2019_std_ha`.
    pub evidence: String,
}

/// The result of [`preflight`]: one [`Check`] per [`Requirement`], in the order of [`Requirement::ALL`].
///
/// `Display` renders one line per requirement under a summary line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightReport {
    source: String,
    destination: String,
    checks: Vec<Check>,
}

impl PreflightReport {
    /// Whether every requirement passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|check| check.outcome == Outcome::Passed)
    }

    /// Every line, in the order of [`Requirement::ALL`].
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The line of `requirement`.
    pub fn check(&self, requirement: Requirement) -> Option<&Check> {
        self.checks.iter().find(|check| check.requirement == requirement)
    }

    /// The lines that did not pass.
    pub fn problems(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|check| check.outcome != Outcome::Passed)
    }

    /// The source instance checked (`SourceDBInstanceId`).
    pub fn source_db_instance_id(&self) -> &str {
        &self.source
    }

    /// The destination instance checked (`DBInstanceId`).
    pub fn db_instance_id(&self) -> &str {
        &self.destination
    }

    fn count(&self, outcome: Outcome) -> usize {
        self.checks.iter().filter(|check| check.outcome == outcome).count()
    }
}

impl fmt::Display for PreflightReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "ImportDatabaseBetweenInstances {} -> {}: {} passed, {} failed, {} could not be checked",
            self.source,
            self.destination,
            self.count(Outcome::Passed),
            self.count(Outcome::Failed),
            self.count(Outcome::CouldNotCheck),
        )?;
        let outcome_width = Outcome::CouldNotCheck.label().len();
        let requirement_width = Requirement::ALL.iter().map(|r| r.description().len()).max().unwrap_or(0);
        for check in &self.checks {
            writeln!(
                f,
                "  {:<outcome_width$}  {:<requirement_width$}  {}",
                check.outcome.label(),
                check.requirement.description(),
                check.evidence,
            )?;
        }
        Ok(())
    }
}

/// Checks every documented precondition of `request` against the service, without starting anything.
///
/// Both instances are read concurrently (DescribeDBInstanceAttribute, DescribeDatabases and
/// DescribeResourceUsage of each: six calls at once). It never fails: an instance the credentials cannot
/// see fails [`Requirement::SameAccount`] and makes the requirements that need its values
/// [`Outcome::CouldNotCheck`]; any other error (transport, throttling, …) makes them
/// [`Outcome::CouldNotCheck`] with the error text as evidence.
///
/// The report reflects the moment of the calls: an instance can change state before the import is sent.
pub async fn preflight(client: &Client, request: &ImportDatabaseBetweenInstancesRequest) -> PreflightReport {
    let (source, destination) = tokio::join!(
        Snapshot::read(client, Role::Source, &request.source_db_instance_id),
        Snapshot::read(client, Role::Destination, &request.db_instance_id),
    );
    let names = name_pairs(&request.db_info.db_names);
    let sides = Sides { source: &source, destination: &destination, names: &names };
    let checks = Requirement::ALL.iter().map(|&requirement| sides.check(requirement)).collect();
    PreflightReport { source: source.id, destination: destination.id, checks }
}

/// A value read from the service, or why it could not be.
enum Fetched<T> {
    Found(T),
    NotVisible,
    Failed(String),
}

impl<T> Fetched<T> {
    fn from_result<E>(result: Result<T, Error<E>>) -> Self
    where
        Error<E>: fmt::Display,
    {
        match result {
            Ok(value) => Fetched::Found(value),
            Err(err) if is_not_found(&err) => Fetched::NotVisible,
            Err(err) => Fetched::Failed(err.to_string()),
        }
    }

    /// The value, or a verdict saying why there is none.
    fn get(&self) -> Result<&T, Verdict> {
        match self {
            Fetched::Found(value) => Ok(value),
            Fetched::NotVisible => Err(Verdict::Unknown(NOT_VISIBLE.to_owned())),
            Fetched::Failed(reason) => Err(Verdict::Unknown(reason.clone())),
        }
    }
}

/// Everything read about one instance.
struct Snapshot {
    role: Role,
    id: String,
    attribute: Fetched<DbInstanceAttribute>,
    databases: Fetched<Vec<Database>>,
    usage: Fetched<DescribeResourceUsageResponse>,
}

impl Snapshot {
    async fn read(client: &Client, role: Role, id: &str) -> Snapshot {
        let (attribute, databases, usage) =
            tokio::join!(describe_instance(client, id), list_databases(client, id), resource_usage(client, id));
        let attribute = match Fetched::from_result(attribute) {
            Fetched::Found(Some(attribute)) => Fetched::Found(attribute),
            Fetched::Found(None) => Fetched::Failed("DescribeDBInstanceAttribute described no instance".into()),
            Fetched::NotVisible => Fetched::NotVisible,
            Fetched::Failed(reason) => Fetched::Failed(reason),
        };
        Snapshot {
            role,
            id: id.to_owned(),
            attribute,
            databases: Fetched::from_result(databases),
            usage: Fetched::from_result(usage),
        }
    }

    /// Judges this instance's attributes; the verdict is prefixed with the instance.
    fn judge_attribute(&self, judge: impl Fn(&DbInstanceAttribute) -> Verdict) -> Verdict {
        let verdict = match self.attribute.get() {
            Ok(attribute) => judge(attribute),
            Err(unknown) => unknown,
        };
        verdict.about(self)
    }
}

async fn resource_usage(
    client: &Client,
    id: &str,
) -> Result<DescribeResourceUsageResponse, Error<crate::operations::DescribeResourceUsageError>> {
    let request = DescribeResourceUsageRequest::builder().db_instance_id(id).build()?;
    client.send(&request).await
}

/// How one instance (or one comparison) fares on a requirement, with its evidence.
#[derive(Debug)]
enum Verdict {
    Pass(String),
    Fail(String),
    Unknown(String),
}

impl Verdict {
    fn text(&self) -> &str {
        match self {
            Verdict::Pass(text) | Verdict::Fail(text) | Verdict::Unknown(text) => text,
        }
    }

    fn map_text(self, f: impl FnOnce(String) -> String) -> Verdict {
        match self {
            Verdict::Pass(text) => Verdict::Pass(f(text)),
            Verdict::Fail(text) => Verdict::Fail(f(text)),
            Verdict::Unknown(text) => Verdict::Unknown(f(text)),
        }
    }

    /// The same verdict, its evidence prefixed with the instance it is about: `source rm-x: ...`.
    fn about(self, side: &Snapshot) -> Verdict {
        self.map_text(|text| format!("{} {}: {text}", side.role, side.id))
    }

    /// Merges verdicts into one line. Any failure fails the line, even when another value is unknown: a
    /// failure read is a failure whatever else is true. Otherwise anything unknown makes it uncheckable.
    fn combine(requirement: Requirement, verdicts: &[Verdict]) -> Check {
        let outcome = if verdicts.iter().any(|v| matches!(v, Verdict::Fail(_))) {
            Outcome::Failed
        } else if verdicts.iter().any(|v| matches!(v, Verdict::Unknown(_))) {
            Outcome::CouldNotCheck
        } else {
            Outcome::Passed
        };
        let evidence = verdicts.iter().map(Verdict::text).collect::<Vec<_>>().join("; ");
        Check { requirement, outcome, evidence }
    }
}

/// Judges a field: `Name value` as evidence, passing when `ok` holds, unknown when the field is absent.
fn field<T: fmt::Display>(name: &str, value: Option<&T>, ok: impl Fn(&T) -> bool) -> Verdict {
    match value {
        Some(value) if ok(value) => Verdict::Pass(format!("{name} {value}")),
        Some(value) => Verdict::Fail(format!("{name} {value}")),
        None => Verdict::Unknown(format!("{name} not reported")),
    }
}

/// The two instances and the databases of one request.
struct Sides<'a> {
    source: &'a Snapshot,
    destination: &'a Snapshot,
    names: &'a [(String, String)],
}

impl Sides<'_> {
    fn check(&self, requirement: Requirement) -> Check {
        let verdicts = match requirement {
            Requirement::SameAccount => self.each(visible),
            Requirement::SqlServer => {
                self.each_attribute(|a| field("Engine", a.engine.as_ref(), |e| *e == Engine::SqlServer))
            }
            Requirement::InstanceFamily => self.each_attribute(|a| {
                field("DBInstanceClassType", a.db_instance_class_type.as_ref(), |family| {
                    matches!(family, InstanceFamily::Dedicated | InstanceFamily::DedicatedHost)
                })
            }),
            Requirement::Running => self.each_attribute(|a| {
                field("DBInstanceStatus", a.db_instance_status.as_ref(), |s| *s == InstanceStatus::Running)
            }),
            Requirement::Unlocked => self.each_attribute(unlocked),
            Requirement::NotSqlServer2017Ee => self.each_attribute(|a| {
                field("EngineVersion", a.engine_version.as_ref(), |v| !v.eq_ignore_ascii_case(SQL_SERVER_2017_EE))
            }),
            Requirement::DistinctInstances => vec![self.distinct()],
            Requirement::SourceDatabasesRunning => vec![self.source_databases()],
            Requirement::DestinationNamesFree => vec![self.destination_names()],
            Requirement::EnoughStorage => self.storage(),
        };
        Verdict::combine(requirement, &verdicts)
    }

    fn each(&self, judge: impl Fn(&Snapshot) -> Verdict) -> Vec<Verdict> {
        vec![judge(self.source), judge(self.destination)]
    }

    fn each_attribute(&self, judge: impl Fn(&DbInstanceAttribute) -> Verdict) -> Vec<Verdict> {
        self.each(|side| side.judge_attribute(&judge))
    }

    fn distinct(&self) -> Verdict {
        let (source, destination) = (&self.source.id, &self.destination.id);
        if source == destination {
            Verdict::Fail(format!("source and destination are both {source}"))
        } else {
            Verdict::Pass(format!("source {source}, destination {destination}"))
        }
    }

    fn source_databases(&self) -> Verdict {
        let verdict = match self.source.databases.get() {
            Ok(databases) => judge_source_databases(self.names, databases),
            Err(unknown) => unknown,
        };
        verdict.about(self.source)
    }

    fn destination_names(&self) -> Verdict {
        let verdict = match self.destination.databases.get() {
            Ok(databases) => judge_destination_names(self.names, databases),
            Err(unknown) => unknown,
        };
        verdict.about(self.destination)
    }

    /// One verdict with both values and their comparison when both are known; otherwise one per instance, so
    /// that the line shows what was read and what could not be.
    fn storage(&self) -> Vec<Verdict> {
        match (destination_free(self.destination), source_used(self.source)) {
            (Ok((free, free_text)), Ok((used, used_text))) => {
                let comparison = if free > used { "is larger than" } else { "is not larger than" };
                let text = format!("{free_text}; {used_text}; {} free {comparison} {} used", gib(free), gib(used));
                vec![if free > used { Verdict::Pass(text) } else { Verdict::Fail(text) }]
            }
            (free, used) => {
                let as_verdict =
                    |side: Result<(i64, String), Verdict>| side.map_or_else(|v| v, |(_, t)| Verdict::Pass(t));
                vec![as_verdict(free), as_verdict(used)]
            }
        }
    }
}

fn visible(side: &Snapshot) -> Verdict {
    match &side.attribute {
        Fetched::Found(_) => Verdict::Pass("visible".into()),
        Fetched::NotVisible => Verdict::Fail(NOT_VISIBLE.into()),
        Fetched::Failed(reason) => Verdict::Unknown(reason.clone()),
    }
    .about(side)
}

fn unlocked(attribute: &DbInstanceAttribute) -> Verdict {
    let verdict = field("LockMode", attribute.lock_mode.as_ref(), |mode| *mode == LockMode::Unlock);
    match (&verdict, attribute.lock_reason.as_deref().filter(|r| !r.is_empty())) {
        (Verdict::Fail(_), Some(reason)) => verdict.map_text(|text| format!("{text} (LockReason {reason})")),
        _ => verdict,
    }
}

/// Every source name must exist and be `Running`. Names are matched exactly: a database that only matches
/// ignoring case may still be refused by the service, and a preflight should not pass what may fail.
fn judge_source_databases(names: &[(String, String)], databases: &[Database]) -> Verdict {
    let mut failed = false;
    let mut unknown = false;
    let mut parts = Vec::new();
    for (source_name, _) in names {
        let status = databases.iter().find(|db| db.db_name == *source_name).map(|db| db.db_status.as_ref());
        match status {
            None => {
                failed = true;
                parts.push(format!("{source_name} missing"));
            }
            Some(Some(DatabaseStatus::Running)) => parts.push(format!("{source_name} Running")),
            Some(Some(status)) => {
                failed = true;
                parts.push(format!("{source_name} {status}"));
            }
            Some(None) => {
                unknown = true;
                parts.push(format!("{source_name} DBStatus not reported"));
            }
        }
    }
    let mut text = parts.join(", ");
    if failed {
        text.push_str(&format!(" (databases: {})", database_names(databases)));
    }
    verdict_of(failed, unknown, text)
}

/// No destination name may exist on the destination. Names are matched ignoring case, because SQL Server's
/// default collations treat `Sales` and `sales` as the same database.
fn judge_destination_names(names: &[(String, String)], databases: &[Database]) -> Verdict {
    let taken: Vec<&str> = names
        .iter()
        .map(|(_, destination_name)| destination_name.as_str())
        .filter(|name| databases.iter().any(|db| db.db_name.eq_ignore_ascii_case(name)))
        .collect();
    if taken.is_empty() {
        let free: Vec<&str> = names.iter().map(|(_, name)| name.as_str()).collect();
        Verdict::Pass(format!("{} not taken (databases: {})", free.join(", "), database_names(databases)))
    } else {
        Verdict::Fail(format!("{} already taken (databases: {})", taken.join(", "), database_names(databases)))
    }
}

fn database_names(databases: &[Database]) -> String {
    if databases.is_empty() {
        return "none".into();
    }
    databases.iter().map(|db| db.db_name.as_str()).collect::<Vec<_>>().join(", ")
}

fn verdict_of(failed: bool, unknown: bool, text: String) -> Verdict {
    match (failed, unknown) {
        (true, _) => Verdict::Fail(text),
        (false, true) => Verdict::Unknown(text),
        (false, false) => Verdict::Pass(text),
    }
}

/// The destination's free bytes and their evidence: `DBInstanceStorage` GB × 2³⁰ minus the used bytes. Used
/// bytes come from DescribeResourceUsage `DiskUsed`, else from `DBInstanceDiskUsed` (bytes in the current
/// docs; older docs said MB, so it is only the fallback).
fn destination_free(side: &Snapshot) -> Result<(i64, String), Verdict> {
    let attribute = side.attribute.get().map_err(|v| v.about(side))?;
    let storage_gb = attribute
        .db_instance_storage
        .ok_or_else(|| Verdict::Unknown("DBInstanceStorage not reported".into()).about(side))?;
    let (used, used_text) = destination_used(side, attribute)?;
    let free = i64::from(storage_gb) * BYTES_PER_GB - used;
    let text = format!("{} {}: DBInstanceStorage {storage_gb} GB, {used_text}, {} free", side.role, side.id, gib(free));
    Ok((free, text))
}

fn destination_used(side: &Snapshot, attribute: &DbInstanceAttribute) -> Result<(i64, String), Verdict> {
    let why_not_disk_used = match disk_used(&side.usage) {
        Ok(used) => return Ok((used, format!("DiskUsed {used} B"))),
        Err(why) => why,
    };
    let raw = attribute.db_instance_disk_used.as_deref().map(str::trim).filter(|raw| !raw.is_empty());
    match raw.map(|raw| (raw, raw.parse::<i64>())) {
        Some((_, Ok(used))) if used >= 0 => {
            Ok((used, format!("DBInstanceDiskUsed {used} B (DiskUsed unavailable: {why_not_disk_used})")))
        }
        Some((raw, _)) => Err(Verdict::Unknown(format!(
            "DiskUsed unavailable ({why_not_disk_used}) and DBInstanceDiskUsed {raw:?} is not a byte count"
        ))
        .about(side)),
        None => Err(Verdict::Unknown(format!(
            "DiskUsed unavailable ({why_not_disk_used}) and DBInstanceDiskUsed not reported"
        ))
        .about(side)),
    }
}

fn source_used(side: &Snapshot) -> Result<(i64, String), Verdict> {
    match disk_used(&side.usage) {
        Ok(used) => Ok((used, format!("{} {}: DiskUsed {used} B", side.role, side.id))),
        Err(why) => Err(Verdict::Unknown(format!("DiskUsed unavailable: {why}")).about(side)),
    }
}

/// DescribeResourceUsage `DiskUsed` in bytes, or why it is not available (`-1` means the service has no data).
fn disk_used(usage: &Fetched<DescribeResourceUsageResponse>) -> Result<i64, String> {
    let usage = usage.get().map_err(|unknown| unknown.text().to_owned())?;
    match usage.disk_used {
        Some(used) if used >= 0 => Ok(used),
        Some(_) => Err("the service has no data (-1)".into()),
        None => Err("not reported".into()),
    }
}

fn gib(bytes: i64) -> String {
    format!("{:.1} GiB", bytes as f64 / BYTES_PER_GB as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(json: &str) -> Database {
        crate::runtime::de::from_str(json).unwrap()
    }

    fn pairs(names: &[(&str, &str)]) -> Vec<(String, String)> {
        names.iter().map(|(s, d)| (s.to_string(), d.to_string())).collect()
    }

    #[test]
    fn source_databases_are_matched_exactly_and_must_be_running() {
        let databases = [
            db(r#"{"DBName":"sales","DBStatus":"Running"}"#),
            db(r#"{"DBName":"hr","DBStatus":"Creating"}"#),
            db(r#"{"DBName":"misc"}"#),
        ];
        let verdict = judge_source_databases(&pairs(&[("sales", "x")]), &databases);
        assert!(matches!(&verdict, Verdict::Pass(t) if t == "sales Running"), "{verdict:?}");
        let verdict = judge_source_databases(&pairs(&[("Sales", "x"), ("hr", "y")]), &databases);
        assert!(
            matches!(&verdict, Verdict::Fail(t) if t == "Sales missing, hr Creating (databases: sales, hr, misc)"),
            "{verdict:?}"
        );
        let verdict = judge_source_databases(&pairs(&[("misc", "x")]), &databases);
        assert!(matches!(verdict, Verdict::Unknown(_)), "{verdict:?}");
    }

    #[test]
    fn destination_names_are_matched_ignoring_case() {
        let databases = [db(r#"{"DBName":"Archive","DBStatus":"Running"}"#)];
        let verdict = judge_destination_names(&pairs(&[("a", "archive"), ("b", "new")]), &databases);
        assert!(
            matches!(&verdict, Verdict::Fail(t) if t == "archive already taken (databases: Archive)"),
            "{verdict:?}"
        );
        let verdict = judge_destination_names(&pairs(&[("a", "new")]), &[]);
        assert!(matches!(&verdict, Verdict::Pass(t) if t == "new not taken (databases: none)"), "{verdict:?}");
    }

    #[test]
    fn a_failure_outweighs_an_unknown() {
        let check = Verdict::combine(
            Requirement::SqlServer,
            &[Verdict::Unknown("source a: x".into()), Verdict::Fail("destination b: Engine MySQL".into())],
        );
        assert_eq!(check.outcome, Outcome::Failed);
        assert_eq!(check.evidence, "source a: x; destination b: Engine MySQL");
        let check =
            Verdict::combine(Requirement::SqlServer, &[Verdict::Unknown("a".into()), Verdict::Pass("b".into())]);
        assert_eq!(check.outcome, Outcome::CouldNotCheck);
    }
}
