//! `rds migrate`: ImportDatabaseBetweenInstances end to end, with `rds_api::workflow`: the preflight report,
//! a confirmation, the import, a wait with a progress bar, and the destination's databases.
//!
//! Human-readable progress goes to stderr; stdout gets one JSON document (the preflight report, the import's
//! id and request id, the databases now on the destination), so the command pipes into jq.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::workflow::{self, PreflightReport, Progress, Waiter};
use rds_api::ImportDatabaseBetweenInstancesRequest;
use serde_json::{json, Value};

use crate::args::{self, Globals};
use crate::run::{self, Problem};
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

const ACTION: &str = "ImportDatabaseBetweenInstances";

/// `rds help migrate`.
pub const HELP: &str = "\
rds migrate: migrate SQL Server databases from one RDS instance to another (ImportDatabaseBetweenInstances),
checking every documented precondition first and waiting until the import has finished.

Usage: rds migrate --source <instance id> --destination <instance id> --db <name>[:<new name>]... [flags]

  --source <id>        the instance the databases come from (SourceDBInstanceId)
  --destination <id>   the instance they go to (DBInstanceId)
  --db <name>[:<new>]  a database to migrate, renamed when <new> is given; repeat for several
  --preflight-only     print the preflight report and stop (exit 0 when every check passed, else 1)
  --yes                start without asking for confirmation (needed when stdin is not a terminal)
  --timeout <dur>      how long to wait for the import (default 1h; seconds or 30m, 2h)
  --interval <dur>     the first delay between polls, growing up to 30s (default 2s)
  --dryrun             print the signed ImportDatabaseBetweenInstances request; send nothing
  and the global flags (--profile, --region, --endpoint, --access-key-id, ...).

Progress goes to stderr; stdout gets one JSON document: {\"Preflight\": {...}, \"ImportId\", \"RequestId\",
\"Databases\": [...]}. Exit codes: 0 migrated (or preflight passed), 1 preflight failed, refused or the wait
failed, 2 bad command line (nothing sent).
";

/// The flags of `rds migrate` itself.
pub const FLAGS: &[&str] =
    &["--source", "--destination", "--db", "--yes", "--preflight-only", "--timeout", "--interval"];

/// The options of `rds migrate`.
#[derive(Debug, Default)]
struct Options {
    source: Option<String>,
    destination: Option<String>,
    dbs: Vec<(String, Option<String>)>,
    yes: bool,
    preflight_only: bool,
    timeout: Option<Duration>,
    interval: Option<Duration>,
}

fn parse(mut globals: Globals, words: &[String]) -> (Options, Globals, Vec<Problem>) {
    let mut o = Options::default();
    let mut problems = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let (name, inline) = match word.strip_prefix("--") {
            Some(flag) => match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (flag, None),
            },
            None => {
                problems.push(Problem::new(word, "unexpected argument (`rds help migrate`)"));
                i += 1;
                continue;
            }
        };
        if matches!(name, "yes" | "preflight-only") {
            if name == "yes" {
                o.yes = true;
            } else {
                o.preflight_only = true;
            }
            i += 1;
            continue;
        }
        if matches!(name, "source" | "destination" | "db" | "timeout" | "interval") {
            let value = inline.or_else(|| {
                i += 1;
                words.get(i).cloned()
            });
            i += 1;
            let Some(value) = value else {
                problems.push(Problem::new("", &format!("--{name} needs a value")));
                continue;
            };
            match name {
                "source" => o.source = Some(value),
                "destination" => o.destination = Some(value),
                "db" => match value.split_once(':') {
                    Some((from, to)) => o.dbs.push((from.to_owned(), Some(to.to_owned()))),
                    None => o.dbs.push((value, None)),
                },
                _ => match args::duration(&value) {
                    Some(d) if name == "timeout" => o.timeout = Some(d),
                    Some(d) => o.interval = Some(d),
                    None => problems.push(Problem::new("", &format!("--{name}: {value:?} is not a duration"))),
                },
            }
            continue;
        }
        // Global flags (`--profile`, `--endpoint`, …) also after `migrate`.
        match args::global(name, inline.as_deref(), words, &mut i, &mut globals) {
            Some(Ok(())) => {}
            Some(Err(message)) => problems.push(Problem::new("", &message)),
            None => {
                let known = FLAGS.iter().chain(args::GLOBAL_FLAGS).copied();
                let hint =
                    crate::suggest::nearest(name, known).map(|s| format!("; did you mean {s}?")).unwrap_or_default();
                problems.push(Problem::new("", &format!("unknown flag --{name}{hint} (`rds help migrate`)")));
            }
        }
        i += 1;
    }
    if o.source.is_none() {
        problems.push(Problem::new("", "--source <instance id> is required"));
    }
    if o.destination.is_none() {
        problems.push(Problem::new("", "--destination <instance id> is required"));
    }
    if o.dbs.is_empty() {
        problems.push(Problem::new("", "--db <name>[:<new name>] is required (repeat it for several databases)"));
    }
    (o, globals, problems)
}

fn request(o: &Options) -> Result<ImportDatabaseBetweenInstancesRequest, rds_api::ValidationError> {
    let renamed = o.dbs.iter().any(|(_, to)| to.is_some());
    let db_names = if renamed {
        DbNames::Renamed(
            o.dbs.iter().map(|(from, to)| (from.clone(), to.clone().unwrap_or_else(|| from.clone()))).collect(),
        )
    } else {
        DbNames::Same(o.dbs.iter().map(|(from, _)| from.clone()).collect())
    };
    ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(o.destination.clone().unwrap_or_default())
        .source_db_instance_id(o.source.clone().unwrap_or_default())
        .db_info(DbInfo { db_names })
        .build()
}

fn report_json(report: &PreflightReport) -> Value {
    let checks: Vec<Value> = report
        .checks()
        .iter()
        .map(|c| json!({"Requirement": c.requirement.description(), "Outcome": c.outcome.to_string(), "Evidence": c.evidence}))
        .collect();
    json!({
        "SourceDBInstanceId": report.source_db_instance_id(),
        "DBInstanceId": report.db_instance_id(),
        "Passed": report.passed(),
        "Checks": checks,
    })
}

fn print_stdout(globals: &Globals, value: &Value) {
    crate::output::print_json(globals, value);
}

/// Runs `rds migrate` with the words after `migrate`; returns the exit code.
pub fn main(globals: Globals, words: &[String]) -> i32 {
    let (o, globals, mut problems) = parse(globals, words);
    if globals.help {
        print!("{HELP}");
        return EXIT_OK;
    }
    let request = if o.source.is_some() && o.destination.is_some() && !o.dbs.is_empty() {
        match request(&o) {
            Ok(request) => Some(request),
            Err(err) => {
                let command = crate::table::find(ACTION).expect("the table has the import");
                problems.extend(run::violations(command, &Default::default(), &err));
                None
            }
        }
    } else {
        None
    };
    let Some(request) = request.filter(|_| problems.is_empty()) else {
        run::print_problems("migrate", &problems);
        return EXIT_USAGE;
    };
    let client = match run::client(&globals, run::region(&globals).as_deref()) {
        Ok(client) => client,
        Err(message) => {
            eprintln!("rds: {message}");
            return EXIT_FAILED;
        }
    };
    if globals.dryrun {
        return match client.prepare(&request) {
            Ok(prepared) => {
                print_stdout(&globals, &run::dryrun_json(&prepared));
                EXIT_OK
            }
            Err(err) => run::report_error(&err),
        };
    }
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("rds: could not start the I/O runtime: {err}");
            return EXIT_FAILED;
        }
    };
    rt.block_on(migrate(&o, &globals, &client, &request))
}

async fn migrate(
    o: &Options,
    globals: &Globals,
    client: &rds_api::Client,
    request: &ImportDatabaseBetweenInstancesRequest,
) -> i32 {
    let mut err = std::io::stderr();
    let _ = writeln!(err, "Preflight: {} -> {}", request.source_db_instance_id, request.db_instance_id);
    let report = workflow::preflight(client, request).await;
    let _ = write!(err, "{report}");
    let preflight = report_json(&report);
    if o.preflight_only {
        print_stdout(globals, &json!({ "Preflight": preflight }));
        return if report.passed() { EXIT_OK } else { EXIT_FAILED };
    }
    if !report.passed() {
        let _ = writeln!(err, "rds: a precondition of the import is not met; nothing was started");
        print_stdout(globals, &json!({ "Preflight": preflight, "Started": false }));
        return EXIT_FAILED;
    }
    if !o.yes {
        if !std::io::stdin().is_terminal() {
            let _ = writeln!(err, "rds: not started: confirm with --yes (stdin is not a terminal to ask on)");
            return EXIT_USAGE;
        }
        let _ = write!(err, "Start the import onto {}? [y/N] ", request.db_instance_id);
        let _ = err.flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            let _ = writeln!(err, "rds: not started");
            print_stdout(globals, &json!({ "Preflight": preflight, "Started": false }));
            return EXIT_FAILED;
        }
    }
    let (started, body) = match client.send_with_body(request).await {
        Ok(started) => started,
        Err(e) => return run::report_error(&e),
    };
    let _ = writeln!(err, "Import {} started (request {})", started.import_id, started.request_id);
    let timeout = o.timeout.unwrap_or(Duration::from_secs(3600));
    let tty = std::io::stderr().is_terminal();
    let mut waiter = Waiter::new(client)
        .initial_delay(o.interval.unwrap_or(Duration::from_secs(2)))
        .timeout(timeout)
        .on_progress(move |p| progress_line(p, timeout, tty));
    let result = waiter.wait(request).await;
    if tty {
        let _ = writeln!(err);
    }
    let answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    match result {
        Ok(done) => {
            let names: Vec<&str> = done.databases.iter().map(|d| d.db_name.as_str()).collect();
            let _ = writeln!(
                err,
                "Done in {:.1}s: databases now on {}: {}",
                done.elapsed.as_secs_f64(),
                request.db_instance_id,
                names.join(", ")
            );
            print_stdout(
                globals,
                &json!({
                    "Preflight": preflight,
                    "Import": answer,
                    "ImportId": started.import_id,
                    "RequestId": started.request_id,
                    "DBInstanceId": request.db_instance_id,
                    "Databases": names,
                    "ElapsedSeconds": done.elapsed.as_secs_f64(),
                }),
            );
            EXIT_OK
        }
        Err(e) => {
            let _ = writeln!(err, "rds: the import {} did not complete: {e}", started.import_id);
            print_stdout(globals, &json!({ "Preflight": preflight, "Import": answer, "Completed": false }));
            EXIT_FAILED
        }
    }
}

/// One progress line on stderr: on a terminal a bar redrawn in place (the share of the timeout spent), else
/// one line per poll.
fn progress_line(p: &Progress, timeout: Duration, tty: bool) {
    const WIDTH: usize = 24;
    let share = (p.elapsed.as_secs_f64() / timeout.as_secs_f64().max(0.001)).clamp(0.0, 1.0);
    let filled = ((share * WIDTH as f64).round() as usize).min(WIDTH);
    let bar = format!("[{}{}]", "#".repeat(filled), ".".repeat(WIDTH - filled));
    let text = format!("{bar} {:>6.1}s  {}, {} (poll {})", p.elapsed.as_secs_f64(), p.source, p.destination, p.attempt);
    let mut err = std::io::stderr();
    if tty {
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
    } else {
        let _ = writeln!(err, "{text}");
    }
}
