//! What a migration user scripts around an import, against rds-emulator over loopback TCP with the rds-api
//! client and the generated request types: find the region, create a database and an account, grant it,
//! list accounts and databases, change a description and a password, revoke, delete; the main refusals;
//! and how an operation of the real API that the emulator does not emulate is answered.

mod emulated;

use emulated::{client, emulator};
use rds_api::runtime::{Location, Method, Operation, Params, ValidationError};
use rds_api::{
    CreateAccountRequest, CreateDatabaseRequest, DeleteAccountRequest, DeleteDatabaseRequest, DescribeAccountsRequest,
    DescribeBackupsError, DescribeBackupsResponse, DescribeDatabasesRequest, DescribeDbInstanceNetInfoRequest,
    DescribeRegionsRequest, Error, GrantAccountPrivilegeRequest, ModifyDbDescriptionRequest,
    ResetAccountPasswordRequest, RevokeAccountPrivilegeRequest,
};
use rds_emulator::demo;

const INSTANCE: &str = demo::DESTINATION; // SQL Server 2019, Running, holds `archive`
const PASSWORD: &str = "Migr4te!2024";

/// The code and HTTP status of a refused call.
fn refusal<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, Error<E>>) -> (String, u16) {
    let err = result.expect_err("the call is refused");
    let service = err.service_error().unwrap_or_else(|| panic!("not an answer of the service: {err:?}"));
    assert!(service.request_id.is_some(), "an error carries the request id");
    (service.code.clone(), service.status)
}

fn create_database(instance: &str, name: &str) -> CreateDatabaseRequest {
    CreateDatabaseRequest::builder()
        .db_instance_id(instance)
        .db_name(name)
        .character_set_name("Chinese_PRC_CI_AS")
        .db_description("Reports migrated from the old server")
        .build()
        .unwrap()
}

fn create_account(instance: &str, name: &str) -> CreateAccountRequest {
    CreateAccountRequest::builder()
        .db_instance_id(instance)
        .account_name(name)
        .account_password(PASSWORD)
        .account_description("Reporting service")
        .build()
        .unwrap()
}

fn list_accounts() -> DescribeAccountsRequest {
    DescribeAccountsRequest::builder().db_instance_id(INSTANCE).build().unwrap()
}

#[tokio::test]
async fn the_whole_lifecycle_around_an_import() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());

    // Where the instances are.
    let regions =
        client.send(&DescribeRegionsRequest::builder().accept_language("en-US").build().unwrap()).await.unwrap();
    let zone = regions.regions.iter().find(|zone| zone.zone_id.as_deref() == Some("cn-hangzhou-h")).unwrap();
    assert_eq!(zone.region_id.as_deref(), Some(demo::REGION));
    assert_eq!(zone.local_name.as_deref(), Some("China (Hangzhou)"));
    assert_eq!(zone.region_endpoint.as_deref(), Some("rds.aliyuncs.com"));

    // A database and an account for it.
    client.send(&create_database(INSTANCE, "reports")).await.unwrap();
    client.send(&create_account(INSTANCE, "reporter")).await.unwrap();
    let grant = GrantAccountPrivilegeRequest::builder()
        .db_instance_id(INSTANCE)
        .account_name("reporter")
        .db_name("reports,archive")
        .account_privilege("ReadWrite,ReadOnly")
        .build()
        .unwrap();
    client.send(&grant).await.unwrap();

    let listing = client.send(&list_accounts()).await.unwrap();
    assert_eq!(listing.total_record_count, Some(1));
    let reporter = &listing.accounts[0];
    assert_eq!(reporter.account_name.as_deref(), Some("reporter"));
    assert_eq!(reporter.account_type.as_deref(), Some("Normal"));
    assert_eq!(reporter.account_status.as_deref(), Some("Available"));
    assert_eq!(reporter.account_description.as_deref(), Some("Reporting service"));
    assert_eq!(reporter.db_instance_id.as_deref(), Some(INSTANCE));
    let privileges: Vec<(Option<&str>, Option<&str>)> =
        reporter.database_privileges.iter().map(|p| (p.db_name.as_deref(), p.account_privilege.as_deref())).collect();
    assert_eq!(privileges, [(Some("reports"), Some("ReadWrite")), (Some("archive"), Some("ReadOnly"))]);

    // The databases show the same privileges from their side.
    let databases = DescribeDatabasesRequest::builder().db_instance_id(INSTANCE).db_name("reports").build().unwrap();
    let reports = client.send(&databases).await.unwrap().databases.remove(0);
    assert_eq!(reports.db_description.as_deref(), Some("Reports migrated from the old server"));
    assert_eq!(reports.character_set_name.as_deref(), Some("Chinese_PRC_CI_AS"));
    assert_eq!(reports.accounts.len(), 1);
    assert_eq!(
        (reports.accounts[0].account.as_str(), reports.accounts[0].account_privilege.as_deref()),
        ("reporter", Some("ReadWrite"))
    );

    // Day-two changes.
    let describe = ModifyDbDescriptionRequest::builder()
        .db_instance_id(INSTANCE)
        .db_name("reports")
        .db_description("Monthly reports")
        .build()
        .unwrap();
    client.send(&describe).await.unwrap();
    let new_password = "N3w!password";
    let reset = ResetAccountPasswordRequest::builder()
        .db_instance_id(INSTANCE)
        .account_name("reporter")
        .account_password(new_password)
        .build()
        .unwrap();
    client.send(&reset).await.unwrap();
    let revoke = RevokeAccountPrivilegeRequest::builder()
        .db_instance_id(INSTANCE)
        .account_name("reporter")
        .db_name("archive")
        .build()
        .unwrap();
    client.send(&revoke).await.unwrap();
    let state = emulator.state();
    let instance = state.instance(INSTANCE).unwrap();
    assert_eq!(instance.database("reports").unwrap().description.as_deref(), Some("Monthly reports"));
    let account = instance.account("reporter").unwrap();
    assert!(account.password.matches(new_password) && !account.password.matches(PASSWORD));
    assert_eq!(account.privileges.len(), 1);

    // And gone again.
    let drop_account =
        DeleteAccountRequest::builder().db_instance_id(INSTANCE).account_name("reporter").build().unwrap();
    client.send(&drop_account).await.unwrap();
    let drop_database = DeleteDatabaseRequest::builder().db_instance_id(INSTANCE).db_name("reports").build().unwrap();
    client.send(&drop_database).await.unwrap();
    assert!(client.send(&list_accounts()).await.unwrap().accounts.is_empty());
    let all = DescribeDatabasesRequest::builder().db_instance_id(INSTANCE).build().unwrap();
    let names: Vec<String> = client.send(&all).await.unwrap().databases.into_iter().map(|db| db.db_name).collect();
    assert_eq!(names, ["archive"]);
    for action in ["CreateDatabase", "CreateAccount", "GrantAccountPrivilege", "DeleteAccount", "DeleteDatabase"] {
        assert_eq!(emulator.processed(action), 1, "{action}");
    }
}

#[tokio::test]
async fn the_main_refusals() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());
    let owned = |code: &str, status: u16| (code.to_owned(), status);

    assert_eq!(
        refusal(client.send(&create_database("rm-missing", "reports")).await),
        owned("InvalidDBInstanceId.NotFound", 404)
    );
    assert_eq!(
        refusal(client.send(&create_database(demo::OTHER_INSTANCE, "reports")).await),
        owned("InvalidDBInstanceId.NotFound", 404),
        "another account's instance is as absent as a missing one"
    );
    assert_eq!(
        refusal(client.send(&create_database(INSTANCE, "Archive")).await),
        owned("InvalidDBName.Duplicate", 400)
    );
    assert_eq!(
        refusal(client.send(&create_database(demo::STOPPED, "reports")).await),
        owned("IncorrectDBInstanceState", 403)
    );
    let missing_db = DeleteDatabaseRequest::builder().db_instance_id(INSTANCE).db_name("reports").build().unwrap();
    assert_eq!(refusal(client.send(&missing_db).await), owned("InvalidDBName.NotFound", 404));

    client.send(&create_account(INSTANCE, "reporter")).await.unwrap();
    assert_eq!(
        refusal(client.send(&create_account(INSTANCE, "reporter")).await),
        owned("InvalidAccountName.Duplicate", 400)
    );
    let missing_account =
        DeleteAccountRequest::builder().db_instance_id(INSTANCE).account_name("nobody").build().unwrap();
    let answer = client.send(&missing_account).await;
    // The curated spec lists the operation's codes: the answer is a typed variant, not only a text.
    let kind = answer.as_ref().err().and_then(|e| e.service_error()).map(|e| e.kind.clone());
    assert_eq!(kind, Some(rds_api::DeleteAccountError::InvalidAccountNameNotFound));
    assert_eq!(refusal(answer), owned("InvalidAccountName.NotFound", 404));
    let mut weak = create_account(INSTANCE, "weak");
    weak.account_password = "password".into();
    assert_eq!(refusal(client.send(&weak).await), owned("InvalidAccountPassword.Format", 400));
    let bad_privilege = GrantAccountPrivilegeRequest::builder()
        .db_instance_id(INSTANCE)
        .account_name("reporter")
        .db_name("archive")
        .account_privilege("DDLOnly") // MySQL's, not SQL Server's
        .build()
        .unwrap();
    assert_eq!(refusal(client.send(&bad_privilege).await), owned("InvalidAccountPrivilege.Malformed", 400));
    assert_eq!(emulator.processed("CreateAccount"), 1);
    assert_eq!(emulator.processed("GrantAccountPrivilege"), 0);
}

/// DescribeBackups sent as a client that does not check parameters might send it: the parameters as given.
/// It answers with the generated response and error types of DescribeBackups.
struct UncheckedDescribeBackups(Vec<(&'static str, &'static str)>);

impl Operation for UncheckedDescribeBackups {
    type Response = DescribeBackupsResponse;
    type ErrorCode = DescribeBackupsError;
    const ACTION: &'static str = "DescribeBackups";
    const VERSION: &'static str = "2014-08-15";
    const METHOD: Method = Method::Post;
    const IDEMPOTENT: bool = true;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_params(&self, params: &mut Params) {
        for (name, value) in &self.0 {
            params.put(Location::Query, name, *value);
        }
    }
}

#[tokio::test]
async fn a_real_operation_the_emulator_does_not_emulate_is_validated_then_unsupported() {
    let emulator = emulator().await;
    let client = client(&emulator, emulator.demo_credentials());

    // Valid: the emulator says it does not emulate it, naming it, rather than that it does not exist.
    let net_info = DescribeDbInstanceNetInfoRequest::builder().db_instance_id(INSTANCE).build().unwrap();
    let err = client.send(&net_info).await.unwrap_err();
    let service = err.service_error().unwrap();
    assert_eq!((service.code.as_str(), service.status), ("UnsupportedOperation", 400));
    assert!(service.message.contains("DescribeDBInstanceNetInfo") && service.message.contains("does not emulate"));

    // Invalid: the generated server code's validation answers first, as the service would.
    let missing = UncheckedDescribeBackups(vec![("PageSize", "50")]);
    assert_eq!(refusal(client.send(&missing).await), ("MissingParameter".to_owned(), 400));
    let out_of_range = UncheckedDescribeBackups(vec![("DBInstanceId", INSTANCE), ("PageSize", "5")]);
    let err = client.send(&out_of_range).await.unwrap_err();
    let service = err.service_error().unwrap();
    assert_eq!((service.code.as_str(), service.status), ("InvalidParameter", 400));
    assert!(service.message.contains("PageSize"), "{}", service.message);
    let valid = UncheckedDescribeBackups(vec![("DBInstanceId", INSTANCE), ("PageSize", "50")]);
    assert_eq!(refusal(client.send(&valid).await), ("UnsupportedOperation".to_owned(), 400));

    // All three arrived; none was processed.
    assert_eq!(emulator.processed("DescribeBackups"), 0);
    assert_eq!(emulator.requests("DescribeBackups"), 3);
}
