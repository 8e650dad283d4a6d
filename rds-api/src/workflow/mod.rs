//! Hand-written helpers for the cross-instance SQL Server migration (ImportDatabaseBetweenInstances): check
//! every documented precondition before starting, then wait for the import to finish.
//!
//! They are built only on generated operations sent through [`Client::send`]: DescribeDBInstanceAttribute,
//! DescribeDatabases and DescribeResourceUsage. Nothing here starts or cancels an import; that stays an explicit
//! [`Client::send`] of [`ImportDatabaseBetweenInstancesRequest`](crate::ImportDatabaseBetweenInstancesRequest)
//! (or [`CancelImportRequest`](crate::CancelImportRequest)).
//!
//! * [`preflight`] reads both instances (concurrently) and returns a [`PreflightReport`]: one [`Check`] per
//!   [`Requirement`], each [`Outcome::Passed`], [`Outcome::Failed`] or [`Outcome::CouldNotCheck`], with the
//!   values it read as evidence.
//! * [`Waiter`] polls both instances with capped exponential backoff until both are `Running` again and the
//!   databases have arrived ([`Completed`]), a failure shows, or its timeout passes ([`WaitError`]).
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use rds_api::import_database_between_instances::{DbInfo, DbNames};
//! use rds_api::workflow::{self, Waiter};
//! use rds_api::{Client, Credentials, ImportDatabaseBetweenInstancesRequest};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder().credentials(Credentials::new("LTAI...", "secret")).build()?;
//! let request = ImportDatabaseBetweenInstancesRequest::builder()
//!     .db_instance_id("rm-destination")
//!     .source_db_instance_id("rm-source")
//!     .db_info(DbInfo { db_names: DbNames::Renamed(vec![("sales".into(), "sales_copy".into())]) })
//!     .build()?;
//!
//! let report = workflow::preflight(&client, &request).await;
//! println!("{report}");
//! if !report.passed() {
//!     return Err("a precondition of the import is not met".into());
//! }
//!
//! let started = client.send(&request).await?;
//! println!("import {} started", started.import_id);
//!
//! let completed = Waiter::new(&client)
//!     .initial_delay(Duration::from_secs(5))
//!     .max_delay(Duration::from_secs(60))
//!     .timeout(Duration::from_secs(4 * 3600))
//!     .on_progress(|progress| println!("{progress}"))
//!     .wait(&request)
//!     .await?;
//! println!("done after {:?}: {} databases on the destination", completed.elapsed, completed.databases.len());
//! # Ok(())
//! # }
//! ```

mod preflight;
mod waiter;

use std::fmt;

pub use preflight::{preflight, Check, Outcome, PreflightReport, Requirement};
pub use waiter::{Completed, Observation, Progress, WaitError, Waiter};

use crate::client::Client;
use crate::error::Error;
use crate::operations::describe_databases::Database;
use crate::operations::describe_db_instance_attribute::DbInstanceAttribute;
use crate::operations::import_database_between_instances::DbNames;
use crate::operations::{
    DescribeDatabasesError, DescribeDatabasesRequest, DescribeDbInstanceAttributeError,
    DescribeDbInstanceAttributeRequest,
};

/// Which side of an import an instance is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The instance the databases come from (`SourceDBInstanceId`).
    Source,
    /// The instance the databases go to (`DBInstanceId`).
    Destination,
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Source => "source",
            Role::Destination => "destination",
        })
    }
}

/// What the service says, in both operations, about an instance these credentials cannot see. Another
/// account's instance gets the same answer as one that does not exist, so the text names both.
const NOT_VISIBLE: &str = "not visible to these credentials (the same-account rule)";

/// Page size for DescribeDatabases: the largest the service documents (30, 50 or 100).
const DATABASES_PAGE_SIZE: i32 = 100;
/// A bound on paging, so that a service that ignores `PageNumber` cannot keep us looping.
const MAX_DATABASE_PAGES: i32 = 1000;

/// The `(source name, destination name)` pairs of an import, in the caller's order.
fn name_pairs(db_names: &DbNames) -> Vec<(String, String)> {
    match db_names {
        DbNames::Same(names) => names.iter().map(|name| (name.clone(), name.clone())).collect(),
        DbNames::Renamed(pairs) => pairs.clone(),
    }
}

/// DescribeDBInstanceAttribute of one instance; `None` when the answer lists no instance at all.
async fn describe_instance(
    client: &Client,
    id: &str,
) -> Result<Option<DbInstanceAttribute>, Error<DescribeDbInstanceAttributeError>> {
    let request = DescribeDbInstanceAttributeRequest::builder().db_instance_id(id).build()?;
    Ok(client.send(&request).await?.instances.into_iter().next())
}

/// Every database of an instance, all pages.
async fn list_databases(client: &Client, id: &str) -> Result<Vec<Database>, Error<DescribeDatabasesError>> {
    let mut databases = Vec::new();
    for page_number in 1..=MAX_DATABASE_PAGES {
        let request = DescribeDatabasesRequest::builder()
            .db_instance_id(id)
            .page_number(page_number)
            .page_size(DATABASES_PAGE_SIZE)
            .build()?;
        let page = client.send(&request).await?.databases;
        if !more_pages(&databases, &page) {
            databases.extend(page);
            break;
        }
        databases.extend(page);
    }
    Ok(databases)
}

/// Whether another page may follow `page`, given what came before it. The total is reported on each
/// database rather than at the top level; without it, a short page is the last one. Deciding by the total
/// first matters because the service may use a smaller page size than the one asked for.
fn more_pages(before: &[Database], page: &[Database]) -> bool {
    let Some(first) = page.first() else { return false };
    let seen = before.len() + page.len();
    match first.total_count.and_then(|total| usize::try_from(total).ok()) {
        Some(total) => seen < total,
        None => page.len() >= DATABASES_PAGE_SIZE as usize,
    }
}

/// Whether an error says the instance does not exist for these credentials.
fn is_not_found<E>(err: &Error<E>) -> bool {
    err.service_error().is_some_and(|e| e.code == "InvalidDBInstanceId.NotFound")
}

/// The CancelImport request for the import that `started` answered to `request`.
///
/// ImportDatabaseBetweenInstances returns the ImportId as text (sometimes as a JSON number, which rds-api
/// reads as text too) while CancelImport takes an int32: this converts it, and refuses an ImportId that is
/// not a positive int32 (as an `ImportId` violation) rather than sending a cancel that cannot match.
pub fn cancel_request(
    request: &crate::ImportDatabaseBetweenInstancesRequest,
    started: &crate::ImportDatabaseBetweenInstancesResponse,
) -> Result<crate::CancelImportRequest, crate::ValidationError> {
    let text = started.import_id.trim();
    let builder = crate::CancelImportRequest::builder().db_instance_id(request.db_instance_id.as_str());
    match text.parse::<i32>() {
        Ok(import_id) => builder.import_id(import_id).build(),
        Err(_) => {
            let mut v = crate::runtime::Validator::new("CancelImport");
            v.enter("ImportId");
            v.violation(crate::Rule::Format("int32".to_owned()), Some(text));
            v.leave();
            Err(v.into_error())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(count: usize, total: Option<i32>) -> Vec<Database> {
        let total = total.map_or(String::new(), |t| format!(r#","TotalCount":{t}"#));
        (0..count).map(|i| crate::runtime::de::from_str(&format!(r#"{{"DBName":"db{i}"{total}}}"#)).unwrap()).collect()
    }

    #[test]
    fn paging_follows_the_total_then_short_pages() {
        // The service may page by 30 whatever was asked: the total decides.
        assert!(more_pages(&page(30, Some(75)), &page(30, Some(75))));
        assert!(!more_pages(&page(60, Some(75)), &page(15, Some(75))));
        // Without a total, a full page may have a successor and a short one has none.
        assert!(more_pages(&[], &page(100, None)));
        assert!(!more_pages(&[], &page(99, None)));
        assert!(!more_pages(&page(100, None), &[]));
    }

    #[test]
    fn same_names_pair_with_themselves() {
        let pairs = name_pairs(&DbNames::Same(vec!["a".into(), "b".into()]));
        assert_eq!(pairs, [("a".to_owned(), "a".to_owned()), ("b".to_owned(), "b".to_owned())]);
    }

    #[test]
    fn a_cancel_takes_the_import_id_as_an_int32_or_refuses_it() {
        use crate::import_database_between_instances::{DbInfo, DbNames};
        use crate::{ImportDatabaseBetweenInstancesRequest, ImportDatabaseBetweenInstancesResponse, Rule};

        let request = ImportDatabaseBetweenInstancesRequest::builder()
            .db_instance_id("rm-dest")
            .source_db_instance_id("rm-src")
            .db_info(DbInfo { db_names: DbNames::Same(vec!["db".into()]) })
            .build()
            .unwrap();
        let started =
            |id: &str| ImportDatabaseBetweenInstancesResponse { request_id: "r".into(), import_id: id.into() };
        let cancel = super::cancel_request(&request, &started("2122321")).unwrap();
        assert_eq!((cancel.db_instance_id.as_str(), cancel.import_id), ("rm-dest", 2122321));
        for bad in ["85265475235", "abc", "-3", "0"] {
            let err = super::cancel_request(&request, &started(bad)).unwrap_err();
            assert_eq!(err.violations[0].parameter, "ImportId", "{bad}");
            assert!(matches!(err.violations[0].rule, Rule::Format(_) | Rule::Minimum(_)), "{bad}: {err}");
        }
    }
}
