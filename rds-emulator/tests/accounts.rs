//! Databases and database accounts: each engine's naming, password and privilege rules, the instance and
//! database states they need, and their place in the state (file, control API, reset), where a password only
//! ever appears as a salted hash.

mod common;

use common::{demo_client, demo_emulator, Raw};
use rds_api::{
    Client, CreateAccountRequest, CreateDatabaseRequest, DeleteDatabaseRequest, DescribeAccountsRequest,
    DescribeDatabasesRequest, GrantAccountPrivilegeRequest, RevokeAccountPrivilegeRequest,
};
use rds_emulator::{demo, DbAccount, EmulatorHandle, Grant, Instance, State};

const PASSWORD: &str = "Str0ng!pass";

/// The code and status of a refused call (panics on success).
fn refused<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, rds_api::Error<E>>) -> (String, u16) {
    let err = result.expect_err("the call is refused");
    let service = err.service_error().unwrap_or_else(|| panic!("not a service error: {err:?}"));
    (service.code.clone(), service.status)
}

/// The code of a refused call.
fn code<T: std::fmt::Debug, E: std::fmt::Debug>(result: Result<T, rds_api::Error<E>>) -> String {
    refused(result).0
}

fn create_account(instance: &str, name: &str, password: &str) -> CreateAccountRequest {
    CreateAccountRequest::builder()
        .db_instance_id(instance)
        .account_name(name)
        .account_password(password)
        .build()
        .unwrap()
}

/// `request` for a privileged (`Super`) account.
fn privileged(mut request: CreateAccountRequest) -> CreateAccountRequest {
    request.account_type = Some("Super".into());
    request
}

fn create_database(instance: &str, name: &str, character_set: &str) -> CreateDatabaseRequest {
    CreateDatabaseRequest::builder()
        .db_instance_id(instance)
        .db_name(name)
        .character_set_name(character_set)
        .build()
        .unwrap()
}

fn grant(instance: &str, account: &str, databases: &str, privileges: &str) -> GrantAccountPrivilegeRequest {
    GrantAccountPrivilegeRequest::builder()
        .db_instance_id(instance)
        .account_name(account)
        .db_name(databases)
        .account_privilege(privileges)
        .build()
        .unwrap()
}

/// The demo state with a MySQL 8.0 and a PostgreSQL instance added to the demo account.
async fn emulator_with_more_engines() -> (EmulatorHandle, Client) {
    let mut state = State::demo();
    let account = state.account_mut(demo::ACCOUNT).unwrap();
    account.instances.push(Instance::new("rm-mysql-8", "MySQL", "8.0", 50));
    account.instances.push(Instance::new("pgm-postgres", "PostgreSQL", "16.0", 50));
    let emulator = rds_emulator::Emulator::start(state).await.unwrap();
    let client = demo_client(&emulator);
    (emulator, client)
}

#[tokio::test]
async fn account_names_passwords_types_and_descriptions_follow_the_documented_rules() {
    let (emulator, client) = emulator_with_more_engines().await;
    let sql = demo::DESTINATION;
    let format = ("InvalidAccountName.Format".to_owned(), 400);
    assert_eq!(refused(client.send(&create_account(sql, "App", PASSWORD)).await), format, "capitals on SQL Server");
    assert_eq!(refused(client.send(&create_account(sql, "1app", PASSWORD)).await), format);
    assert_eq!(refused(client.send(&create_account(sql, "app_", PASSWORD)).await), format);
    assert_eq!(refused(client.send(&create_account("rm-mysql-8", &"a".repeat(33), PASSWORD)).await), format);
    assert_eq!(refused(client.send(&create_account("pgm-postgres", "pg_app", PASSWORD)).await), format);
    client.send(&create_account("rm-mysql-8", "App", PASSWORD)).await.expect("MySQL takes capitals");
    let forbidden = ("InvalidAccountName.Forbid".to_owned(), 400);
    assert_eq!(refused(client.send(&create_account(sql, "sa", PASSWORD)).await), forbidden);
    assert_eq!(refused(client.send(&create_account("rm-mysql-8", "root", PASSWORD)).await), forbidden);

    for weak in ["Sh0rt!", "alllowercase", "NoDigitsOrSpecials", "Spaces are 1 bad", &"Aa1!".repeat(9)] {
        let answer = Raw::new("CreateAccount")
            .param("DBInstanceId", sql)
            .param("AccountName", "app")
            .param("AccountPassword", weak);
        let answer = answer.send(&emulator.endpoint()).await;
        assert_eq!((answer.status, answer.code()), (400, "InvalidAccountPassword.Format"), "{weak}");
        assert!(!answer.message().contains(weak), "the password in the message: {}", answer.message());
    }

    let typed = |instance: &str, account_type: &str| {
        let mut request = create_account(instance, "typed", PASSWORD);
        request.account_type = Some(account_type.into());
        request
    };
    assert_eq!(refused(client.send(&typed(sql, "Root")).await), ("InvalidAccountType.Format".to_owned(), 400));
    let sysadmin_on_mysql = typed("rm-mysql-8", "Sysadmin");
    assert_eq!(refused(client.send(&sysadmin_on_mysql).await).0, "InvalidEngineVersion.NotSupported");
    let mut described = typed(sql, "Normal");
    described.account_description = Some("http://example.com".into());
    assert_eq!(refused(client.send(&described).await).0, "InvalidAccountDescription.Format");
    assert_eq!(emulator.processed("CreateAccount"), 1);
}

#[tokio::test]
async fn duplicates_are_refused_as_each_engine_compares_names() {
    let (emulator, client) = emulator_with_more_engines().await;
    client.send(&create_account(demo::DESTINATION, "app", PASSWORD)).await.unwrap();
    let duplicate = ("InvalidAccountName.Duplicate".to_owned(), 400);
    assert_eq!(refused(client.send(&create_account(demo::DESTINATION, "app", "0ther!Pass")).await), duplicate);
    // Another instance has its own accounts.
    client.send(&create_account(demo::SOURCE, "app", PASSWORD)).await.unwrap();

    // MySQL names are exact, but a privileged account's name may not differ from another's by case alone.
    client.send(&privileged(create_account("rm-mysql-8", "Test1", PASSWORD))).await.unwrap();
    assert_eq!(refused(client.send(&create_account("rm-mysql-8", "test1", PASSWORD)).await), duplicate);
    client.send(&create_account("rm-mysql-8", "test2", PASSWORD)).await.unwrap();
    client.send(&create_account("rm-mysql-8", "Test2", PASSWORD)).await.expect("two standard accounts may");

    // The first password is kept (as a hash), not the refused one.
    let state = emulator.state();
    let app = state.instance(demo::DESTINATION).unwrap().account("app").unwrap();
    assert!(app.password.matches(PASSWORD) && !app.password.matches("0ther!Pass"));
}

#[tokio::test]
async fn changes_need_a_running_unlocked_instance_of_the_caller() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    assert_eq!(
        refused(client.send(&create_account(demo::STOPPED, "app", PASSWORD)).await),
        ("IncorrectDBInstanceState".to_owned(), 403)
    );
    assert_eq!(
        refused(client.send(&create_database(demo::LOCKED, "reports", "Chinese_PRC_CI_AS")).await),
        ("IncorrectDBInstanceLockMode".to_owned(), 403)
    );
    assert_eq!(
        refused(client.send(&create_account(demo::OTHER_INSTANCE, "app", PASSWORD)).await),
        ("InvalidDBInstanceId.NotFound".to_owned(), 404)
    );
    // Reading works in any state.
    let listing = DescribeAccountsRequest::builder().db_instance_id(demo::STOPPED).build().unwrap();
    assert!(client.send(&listing).await.unwrap().accounts.is_empty());
    // A rule broken by the request is reported before the instance's state.
    assert_eq!(
        refused(client.send(&create_account(demo::STOPPED, "sa", PASSWORD)).await).0,
        "InvalidAccountName.Forbid"
    );
}

#[tokio::test]
async fn database_names_character_sets_and_states() {
    let (emulator, client) = emulator_with_more_engines().await;
    let sql = demo::DESTINATION;
    assert_eq!(code(client.send(&create_database(sql, "tempdb", "Chinese_PRC_CI_AS")).await), "InvalidDBName.Forbid");
    assert_eq!(code(client.send(&create_database(sql, "bad name", "Chinese_PRC_CI_AS")).await), "InvalidDBName.Format");
    assert_eq!(code(client.send(&create_database("rm-mysql-8", "Sales", "utf8mb4")).await), "InvalidDBName.Format");
    assert_eq!(code(client.send(&create_database(sql, "reports", "utf8")).await), "InvalidCharacterSetName.Format");
    assert_eq!(
        refused(client.send(&create_database(sql, "ARCHIVE", "Chinese_PRC_CI_AS")).await),
        ("InvalidDBName.Duplicate".to_owned(), 400),
        "the collation ignores case"
    );
    client.send(&create_database("rm-mysql-8", "sales", "utf8mb4")).await.unwrap();
    client.send(&create_database("pgm-postgres", "sales", "UTF8,C,en_US.utf8")).await.unwrap();

    // A database that is not Running cannot be deleted or granted.
    let busy = DeleteDatabaseRequest::builder().db_instance_id(demo::BUSY_DB).db_name("sales").build().unwrap();
    assert_eq!(refused(client.send(&busy).await), ("IncorrectDBState".to_owned(), 403));
    client.send(&create_account(demo::BUSY_DB, "app", PASSWORD)).await.unwrap();
    assert_eq!(code(client.send(&grant(demo::BUSY_DB, "app", "sales", "ReadOnly")).await), "IncorrectDBState");
    let missing = DeleteDatabaseRequest::builder().db_instance_id(sql).db_name("nothing").build().unwrap();
    assert_eq!(refused(client.send(&missing).await), ("InvalidDBName.NotFound".to_owned(), 404));

    // Deleting frees the storage the database used.
    let before = emulator.state().instance(demo::SOURCE).unwrap().used_bytes;
    let sales = DeleteDatabaseRequest::builder().db_instance_id(demo::SOURCE).db_name("SALES").build().unwrap();
    client.send(&sales).await.unwrap();
    let source = emulator.state().instance(demo::SOURCE).unwrap().clone();
    assert!(source.database("sales").is_none());
    assert_eq!(source.used_bytes, before - (5 << 30));
}

#[tokio::test]
async fn privileges_pair_up_with_databases_and_follow_the_engine() {
    let (emulator, client) = emulator_with_more_engines().await;
    let source = demo::SOURCE; // sales, inventory
    client.send(&create_account(source, "app", PASSWORD)).await.unwrap();
    assert_eq!(
        code(client.send(&grant(source, "app", "sales,inventory", "ReadOnly")).await),
        "InvalidDBNameOrAccountPrivilege"
    );
    assert_eq!(
        code(client.send(&grant(source, "app", "sales,SALES", "ReadOnly,ReadOnly")).await),
        "InvalidDBNameOrAccountPrivilege"
    );
    assert_eq!(code(client.send(&grant(source, "app", "sales", "DDLOnly")).await), "InvalidAccountPrivilege.Malformed");
    assert_eq!(code(client.send(&grant(source, "nobody", "sales", "ReadOnly")).await), "InvalidAccountName.NotFound");
    assert_eq!(code(client.send(&grant(source, "app", "nothing", "ReadOnly")).await), "InvalidDBName.NotFound");
    client.send(&create_account("pgm-postgres", "owner", PASSWORD)).await.unwrap();
    client.send(&create_database("pgm-postgres", "app_db", "UTF8")).await.unwrap();
    assert_eq!(
        code(client.send(&grant("pgm-postgres", "owner", "app_db", "ReadWrite")).await),
        "InvalidAccountPrivilege.Malformed"
    );
    client.send(&grant("pgm-postgres", "owner", "app_db", "DBOwner")).await.unwrap();

    // Several at once; granting again replaces the privilege on that database.
    client.send(&grant(source, "app", "sales,inventory", "ReadOnly,ReadWrite")).await.unwrap();
    client.send(&grant(source, "app", "SALES", "DBOwner")).await.unwrap();
    let privileges = &emulator.state().instance(source).unwrap().account("app").unwrap().privileges.clone();
    assert_eq!(
        privileges,
        &[
            Grant { database: "inventory".into(), privilege: "ReadWrite".into() },
            Grant { database: "sales".into(), privilege: "DBOwner".into() },
        ]
    );

    // A privileged account holds every privilege already.
    client.send(&privileged(create_account(source, "boss", PASSWORD))).await.unwrap();
    assert_eq!(
        refused(client.send(&grant(source, "boss", "sales", "ReadOnly")).await),
        ("IncorrectAccountType".to_owned(), 403)
    );

    // Revoking one that is not held changes nothing; an unknown database is still refused.
    let revoke = |databases: &str| {
        RevokeAccountPrivilegeRequest::builder()
            .db_instance_id(source)
            .account_name("app")
            .db_name(databases)
            .build()
            .unwrap()
    };
    client.send(&revoke("inventory")).await.unwrap();
    client.send(&revoke("inventory")).await.unwrap();
    assert_eq!(code(client.send(&revoke("nothing")).await), "InvalidDBName.NotFound");

    // DescribeDatabases shows each database's accounts, as DescribeAccounts shows each account's databases.
    let listing = DescribeDatabasesRequest::builder().db_instance_id(source).build().unwrap();
    let databases = client.send(&listing).await.unwrap().databases;
    let sales = databases.iter().find(|db| db.db_name == "sales").unwrap();
    assert_eq!(sales.accounts.len(), 1);
    assert_eq!(
        (sales.accounts[0].account.as_str(), sales.accounts[0].account_privilege.as_deref()),
        ("app", Some("DBOwner"))
    );
    assert_eq!(sales.accounts[0].account_privilege_detail.as_deref(), Some("db_owner"));
    let inventory = databases.iter().find(|db| db.db_name == "inventory").unwrap();
    assert!(inventory.accounts.is_empty());

    // Deleting a database takes every privilege on it away.
    client
        .send(&DeleteDatabaseRequest::builder().db_instance_id(source).db_name("sales").build().unwrap())
        .await
        .unwrap();
    assert!(emulator.state().instance(source).unwrap().account("app").unwrap().privileges.is_empty());
}

#[tokio::test]
async fn database_accounts_live_in_the_state_file_and_the_control_api_as_hashes_only() {
    let emulator = demo_emulator().await;
    let client = demo_client(&emulator);
    client.send(&create_account(demo::DESTINATION, "app", PASSWORD)).await.unwrap();
    client.send(&grant(demo::DESTINATION, "app", "archive", "ReadWrite")).await.unwrap();
    let state = emulator.state();
    assert!(!format!("{state:?}").contains(PASSWORD));

    // The YAML file: the account with its privilege, the password only as a salted hash; loaded back equal.
    let yaml = state.to_yaml().unwrap();
    assert!(yaml.contains("name: app") && yaml.contains("password: sha256:"), "{yaml}");
    assert!(!yaml.contains(PASSWORD));
    assert_eq!(State::from_yaml(&yaml).unwrap(), state);

    // The control API shows the same, and takes a hand-written state with a plain password, which it hashes.
    let endpoint = emulator.endpoint();
    let http = reqwest::Client::new();
    let shown = http.get(format!("{endpoint}/_emulator/state")).send().await.unwrap().text().await.unwrap();
    assert!(shown.contains("\"app\"") && !shown.contains(PASSWORD), "{shown}");
    let mut replaced: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let instance = replaced["accounts"][0]["instances"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|instance| instance["id"] == demo::SOURCE)
        .unwrap();
    instance["accounts"] = serde_json::json!([{ "name": "reader", "password": "Hand!written1", "privileges": [{ "database": "sales", "privilege": "ReadOnly" }] }]);
    let put = http.put(format!("{endpoint}/_emulator/state")).body(replaced.to_string()).send().await.unwrap();
    assert_eq!(put.status(), 200);
    let reader = emulator.state().instance(demo::SOURCE).unwrap().account("reader").unwrap().clone();
    assert!(reader.password.matches("Hand!written1"));
    assert_eq!(reader.account_type, "Normal");
    let shown = http.get(format!("{endpoint}/_emulator/state")).send().await.unwrap().text().await.unwrap();
    assert!(!shown.contains("Hand!written1"));

    // A privilege on a database the instance does not have is refused whole.
    replaced["accounts"][0]["instances"][0]["accounts"] = serde_json::json!([{ "name": "x1", "password": "Hand!written1", "privileges": [{ "database": "nothing", "privilege": "ReadOnly" }] }]);
    let put = http.put(format!("{endpoint}/_emulator/state")).body(replaced.to_string()).send().await.unwrap();
    assert_eq!(put.status(), 400);

    // Reset brings the demo state back, without accounts.
    emulator.reset();
    assert!(emulator.state().accounts.iter().flat_map(|a| &a.instances).all(|i| i.accounts.is_empty()));
}

#[test]
fn a_state_built_in_code_can_hold_accounts() {
    let mut state = State::demo();
    let source = state.instance_mut(demo::SOURCE).unwrap();
    let mut reporting = DbAccount::new("reporting", PASSWORD);
    reporting.privileges.push(Grant { database: "sales".into(), privilege: "ReadOnly".into() });
    source.accounts.push(reporting);
    state.validate().unwrap();
    assert!(state.instance(demo::SOURCE).unwrap().account("REPORTING").is_some(), "SQL Server logins ignore case here");
    state.instance_mut(demo::SOURCE).unwrap().accounts.push(DbAccount::new("Reporting", PASSWORD));
    assert!(state.validate().unwrap_err().to_string().contains("duplicate database account name"));
}
