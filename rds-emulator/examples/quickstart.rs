//! `cargo run --example quickstart`: a SQL Server migration end to end, with no account and no network.
//!
//! It starts the emulator in this process on a free loopback port, then uses rds-api exactly as against the
//! real service: check both instances, start ImportDatabaseBetweenInstances, follow it until both instances
//! are `Running` again, and list the databases that arrived on the destination.

use std::error::Error;
use std::time::{Duration, Instant};

use rds_api::describe_db_instance_attribute::{DbInstanceAttribute, InstanceStatus};
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{
    Client, DescribeDatabasesRequest, DescribeDbInstanceAttributeRequest, DescribeResourceUsageRequest,
    ImportDatabaseBetweenInstancesRequest,
};
use rds_emulator::{demo, ClockMode, Emulator, State};

/// How long the emulated import takes (real time, so the progress is visible).
const IMPORT_SECONDS: u64 = 3;
/// How often the import is polled.
const POLL_EVERY: Duration = Duration::from_millis(500);
/// When to give up following it.
const GIVE_UP_AFTER: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let mut state = State::demo();
    state.settings.migration_seconds = Some(IMPORT_SECONDS);
    let emulator = Emulator::new(state).clock_mode(ClockMode::Real).listen("127.0.0.1:0").await?;
    println!("Emulated RDS endpoint: {}\n", emulator.endpoint());

    let client = Client::builder().endpoint(emulator.endpoint()).credentials(emulator.demo_credentials()).build()?;

    println!("1. Check the instances");
    for id in [demo::SOURCE, demo::DESTINATION] {
        let instance = describe(&client, id).await?;
        let usage = client.send(&DescribeResourceUsageRequest::builder().db_instance_id(id).build()?).await?;
        println!(
            "   {id}: {} {}, family {}, {}, {} GB, {} used",
            show(&instance.engine),
            instance.engine_version.as_deref().unwrap_or("?"),
            show(&instance.db_instance_class_type),
            show(&instance.db_instance_status),
            instance.db_instance_storage.unwrap_or_default(),
            gib(usage.disk_used.unwrap_or_default()),
        );
    }
    println!("   databases on {}: {}", demo::SOURCE, database_names(&client, demo::SOURCE).await?.join(", "));

    println!("\n2. Start the import: sales -> sales_copy, inventory -> inventory");
    let request = ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(DbInfo {
            db_names: DbNames::Renamed(vec![
                ("sales".into(), "sales_copy".into()),
                ("inventory".into(), "inventory".into()),
            ]),
        })
        .build()?;
    let import = client.send(&request).await?;
    println!("   ImportId {} (request {})", import.import_id, import.request_id);

    println!("\n3. Follow it until both instances are Running again");
    let following = Instant::now();
    let mut last = String::new();
    loop {
        let source = describe(&client, demo::SOURCE).await?;
        let destination = describe(&client, demo::DESTINATION).await?;
        let now = format!(
            "source {}, destination {}",
            show(&source.db_instance_status),
            show(&destination.db_instance_status)
        );
        if now != last {
            println!("   {:>4.1}s  {now}", following.elapsed().as_secs_f64());
            last = now;
        }
        let running = |i: &DbInstanceAttribute| i.db_instance_status == Some(InstanceStatus::Running);
        if running(&source) && running(&destination) {
            break;
        }
        if following.elapsed() > GIVE_UP_AFTER {
            return Err(format!("the import did not finish within {GIVE_UP_AFTER:?}").into());
        }
        tokio::time::sleep(POLL_EVERY).await;
    }

    println!(
        "\n4. Databases now on {}: {}",
        demo::DESTINATION,
        database_names(&client, demo::DESTINATION).await?.join(", ")
    );
    println!("\nDone in {:.1}s.", started.elapsed().as_secs_f64());
    Ok(())
}

async fn describe(client: &Client, id: &str) -> Result<DbInstanceAttribute, Box<dyn Error>> {
    let response = client.send(&DescribeDbInstanceAttributeRequest::builder().db_instance_id(id).build()?).await?;
    response.instances.into_iter().next().ok_or_else(|| format!("{id} was not described").into())
}

async fn database_names(client: &Client, id: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let response = client.send(&DescribeDatabasesRequest::builder().db_instance_id(id).build()?).await?;
    Ok(response.databases.into_iter().map(|db| db.db_name).collect())
}

fn show<T: std::fmt::Display>(value: &Option<T>) -> String {
    value.as_ref().map_or_else(|| "?".to_owned(), T::to_string)
}

fn gib(bytes: i64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}
