//! `cargo run -p rds-api --example accounts`: give an application its own database and account, with no cloud
//! account and no network.
//!
//! What a migration script does once the databases have arrived: create a database, create an account for the
//! application, grant it read-write access, and list the instance's accounts with their privileges.
//!
//! It talks to rds-emulator, a local RDS endpoint:
//!
//! - by default it starts one itself (`cargo run -p rds-emulator -- --listen 127.0.0.1:0`, on a free loopback
//!   port, with the emulator's demo state) and stops it at the end;
//! - with `RDS_EMULATOR_ENDPOINT=http://127.0.0.1:8080` it uses an emulator already running there, signing
//!   with `ALIBABA_CLOUD_ACCESS_KEY_ID` and `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (default: the demo state's
//!   AccessKey). Run it twice against the same emulator: what exists already is reported and kept.
//!
//! `RDS_INSTANCE_ID` chooses the instance (default `rm-demo-destination`, a SQL Server 2019 instance of the
//! demo state). The code below it is the same against the real service: only the endpoint and the
//! credentials differ.

use std::error::Error;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use rds_api::{
    Client, CreateAccountRequest, CreateDatabaseRequest, Credentials, DescribeAccountsRequest,
    GrantAccountPrivilegeRequest,
};

/// The emulator's demo AccessKey (rds-emulator's README, "The demo state").
const DEMO_ACCESS_KEY: (&str, &str) = ("demo-access-key-id", "demo-access-key-secret");
const DEFAULT_INSTANCE: &str = "rm-demo-destination";

const DATABASE: &str = "orders";
const ACCOUNT: &str = "orders_app";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let emulator = Emulator::find_or_start()?;
    println!("RDS endpoint: {}\n", emulator.endpoint);
    let client = Client::builder().endpoint(&emulator.endpoint).credentials(emulator.credentials.clone()).build()?;
    let instance = std::env::var("RDS_INSTANCE_ID").unwrap_or_else(|_| DEFAULT_INSTANCE.to_owned());

    println!("1. Database {DATABASE} on {instance}");
    let database = CreateDatabaseRequest::builder()
        .db_instance_id(&instance)
        .db_name(DATABASE)
        .character_set_name("Chinese_PRC_CI_AS") // a SQL Server collation; utf8mb4 on MySQL
        .db_description("Orders of the web shop")
        .build()?;
    match client.send(&database).await {
        Ok(_) => println!("   created"),
        Err(err) if code(&err) == Some("InvalidDBName.Duplicate") => println!("   exists already"),
        Err(err) => return Err(err.into()),
    }

    println!("2. Account {ACCOUNT}");
    // A real script would take the password from a secret store; it is never printed, and the request's
    // Debug output shows it as ***.
    let password = std::env::var("RDS_ACCOUNT_PASSWORD").unwrap_or_else(|_| "Orders!2024-app".to_owned());
    let account = CreateAccountRequest::builder()
        .db_instance_id(&instance)
        .account_name(ACCOUNT)
        .account_password(password)
        .account_description("Web shop backend")
        .build()?;
    match client.send(&account).await {
        Ok(_) => println!("   created"),
        Err(err) if code(&err) == Some("InvalidAccountName.Duplicate") => println!("   exists already"),
        Err(err) => return Err(err.into()),
    }

    println!("3. Grant {ACCOUNT} ReadWrite on {DATABASE}");
    let grant = GrantAccountPrivilegeRequest::builder()
        .db_instance_id(&instance)
        .account_name(ACCOUNT)
        .db_name(DATABASE)
        .account_privilege("ReadWrite")
        .build()?;
    client.send(&grant).await?;
    println!("   granted");

    println!("4. Accounts of {instance}");
    let listing = client.send(&DescribeAccountsRequest::builder().db_instance_id(&instance).build()?).await?;
    for account in &listing.accounts {
        let privileges: Vec<String> = account
            .database_privileges
            .iter()
            .map(|p| {
                format!("{}:{}", p.db_name.as_deref().unwrap_or("?"), p.account_privilege.as_deref().unwrap_or("?"))
            })
            .collect();
        println!(
            "   {:<16} {:<8} {:<10} {}",
            account.account_name.as_deref().unwrap_or("?"),
            account.account_type.as_deref().unwrap_or("?"),
            account.account_status.as_deref().unwrap_or("?"),
            if privileges.is_empty() { "(no database)".to_owned() } else { privileges.join(", ") }
        );
    }
    println!("\n{} account(s).", listing.total_record_count.unwrap_or_default());
    Ok(())
}

/// The service's error code, when the call was answered with one.
fn code<E>(err: &rds_api::Error<E>) -> Option<&str> {
    err.service_error().map(|service| service.code.as_str())
}

/// The emulator this example talks to: one already running (`RDS_EMULATOR_ENDPOINT`), or one it started.
struct Emulator {
    endpoint: String,
    credentials: Credentials,
    /// The emulator process this example started, stopped when the example ends.
    child: Option<Child>,
}

impl Emulator {
    fn find_or_start() -> Result<Self, Box<dyn Error>> {
        if let Ok(endpoint) = std::env::var("RDS_EMULATOR_ENDPOINT") {
            let id = std::env::var("ALIBABA_CLOUD_ACCESS_KEY_ID").unwrap_or_else(|_| DEMO_ACCESS_KEY.0.to_owned());
            let secret =
                std::env::var("ALIBABA_CLOUD_ACCESS_KEY_SECRET").unwrap_or_else(|_| DEMO_ACCESS_KEY.1.to_owned());
            return Ok(Emulator { endpoint, credentials: Credentials::new(id, secret), child: None });
        }
        Self::start()
    }

    /// Builds and starts the emulator binary with the cargo that runs this example, on a free loopback port,
    /// and reads the endpoint and the AccessKey from the first three lines it prints.
    fn start() -> Result<Self, Box<dyn Error>> {
        println!("Starting rds-emulator (cargo run -p rds-emulator)...");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
        let mut child = Command::new(cargo)
            .args(["run", "--quiet", "--manifest-path", manifest, "-p", "rds-emulator", "--"])
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()) // one log line per request: not this example's output
            .spawn()?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        // Owned from here, so the process is stopped on every way out, errors included.
        let mut emulator =
            Emulator { endpoint: String::new(), credentials: Credentials::new("", ""), child: Some(child) };
        let mut lines = BufReader::new(stdout).lines();
        let mut next = |prefix: &str| -> Result<String, Box<dyn Error>> {
            let line = lines.next().ok_or("rds-emulator stopped before printing its endpoint")??;
            Ok(line
                .strip_prefix(prefix)
                .ok_or_else(|| format!("unexpected line from rds-emulator: {line}"))?
                .to_owned())
        };
        emulator.endpoint = next("rds-emulator listening on ")?;
        let id = next("AccessKeyId: ")?;
        let secret = next("AccessKeySecret: ")?;
        emulator.credentials = Credentials::new(id, secret);
        Ok(emulator)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
