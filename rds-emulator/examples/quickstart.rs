//! `cargo run --example quickstart`: a SQL Server migration end to end, with no account and no network.
//!
//! It starts the emulator in this process on a free loopback port, then uses rds-api exactly as against the
//! real service: list the region's instances, check every precondition of the import (preflight), start
//! ImportDatabaseBetweenInstances, wait until both instances are `Running` again, and list the databases
//! that arrived on the destination.

use std::error::Error;
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::workflow::{self, Waiter};
use rds_api::{Client, DescribeDbInstancesRequest, ImportDatabaseBetweenInstancesRequest};
use rds_emulator::{demo, ClockMode, Emulator, State};

/// How long the emulated import takes (real time, so the progress is visible).
const IMPORT_SECONDS: u64 = 3;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let started = Instant::now();
    let mut state = State::demo();
    state.settings.migration_seconds = Some(IMPORT_SECONDS);
    let emulator = Emulator::new(state).clock_mode(ClockMode::Real).listen("127.0.0.1:0").await?;
    println!("Emulated RDS endpoint: {}\n", emulator.endpoint());
    let client = Client::builder().endpoint(emulator.endpoint()).credentials(emulator.demo_credentials()).build()?;

    println!("1. SQL Server instances in {} (paged lazily, 4 per page)", demo::REGION);
    let listing =
        DescribeDbInstancesRequest::builder().region_id(demo::REGION).engine("SQLServer").page_size(4).build()?;
    let instances: Vec<_> = client.items(listing).try_collect().await?;
    for instance in &instances {
        let status = instance.db_instance_status.as_ref().map_or_else(|| "?".to_owned(), ToString::to_string);
        let version = instance.engine_version.as_deref().unwrap_or("?");
        println!("   {:<22} {version:<12} {status}", instance.db_instance_id);
    }

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

    println!("\n2. Preflight: {} -> {}", demo::SOURCE, demo::DESTINATION);
    let report = workflow::preflight(&client, &request).await;
    print!("{report}");
    if !report.passed() {
        return Err("a precondition of the import is not met".into());
    }

    println!("\n3. Start the import: sales -> sales_copy, inventory -> inventory");
    let import = client.send(&request).await?;
    println!("   ImportId {} (request {})", import.import_id, import.request_id);

    println!("\n4. Wait until both instances are Running again");
    let completed = Waiter::new(&client)
        .initial_delay(Duration::from_millis(250))
        .max_delay(Duration::from_secs(1))
        .timeout(Duration::from_secs(30))
        .on_progress(|progress| println!("   {progress}"))
        .wait(&request)
        .await?;

    let names: Vec<&str> = completed.databases.iter().map(|db| db.db_name.as_str()).collect();
    println!("\n5. Databases now on {}: {}", demo::DESTINATION, names.join(", "));
    println!("\nDone in {:.1}s.", started.elapsed().as_secs_f64());
    Ok(())
}
