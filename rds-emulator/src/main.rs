//! `rds-emulator --listen 127.0.0.1:PORT [--state FILE] [--migration-seconds N]`
//!
//! Serves the demo state (or a YAML state file) with a real-time clock until Ctrl-C. The first three lines
//! on stdout are fixed, for scripts to parse:
//!
//! ```text
//! rds-emulator listening on http://127.0.0.1:PORT
//! AccessKeyId: demo-access-key-id
//! AccessKeySecret: demo-access-key-secret
//! ```
//!
//! Requests are logged to stderr (never a secret or token).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use rds_emulator::{ClockMode, Emulator, State};

/// Migration length of the binary when neither the flag nor the state file sets one: short enough to watch.
const DEFAULT_MIGRATION_SECONDS: u64 = 5;

const USAGE: &str = "usage: rds-emulator [--listen ADDR] [--state FILE] [--migration-seconds N]

  --listen ADDR            address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --state FILE             YAML state file (default: the built-in demo state)
  --migration-seconds N    how long an import takes, in real seconds (default: the state file's
                           settings.migration_seconds, else 5)";

struct Args {
    listen: String,
    state: Option<PathBuf>,
    migration_seconds: Option<u64>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args { listen: "127.0.0.1:8080".into(), state: None, migration_seconds: None };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => parsed.listen = value("--listen")?,
            "--state" => parsed.state = Some(value("--state")?.into()),
            "--migration-seconds" => {
                let text = value("--migration-seconds")?;
                let seconds =
                    text.parse().map_err(|_| format!("--migration-seconds: not a number of seconds: {text}"))?;
                parsed.migration_seconds = Some(seconds);
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    // Colours only for a person watching, not in a file or a script's pipe.
    let ansi = std::io::stderr().is_terminal();
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_ansi(ansi).with_target(false).init();
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("rds-emulator: {err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("rds-emulator: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let mut state = match &args.state {
        Some(path) => State::load(path)?,
        None => State::demo(),
    };
    if args.migration_seconds.is_some() || state.settings.migration_seconds.is_none() {
        state.settings.migration_seconds = Some(args.migration_seconds.unwrap_or(DEFAULT_MIGRATION_SECONDS));
    }
    // The credentials printed are the first AccessKey of the first account (the demo account's).
    let key = state
        .accounts
        .iter()
        .find_map(|account| account.access_keys.first())
        .cloned()
        .ok_or("the state has no AccessKey to print")?;

    let handle = Emulator::new(state).clock_mode(ClockMode::Real).listen(args.listen.as_str()).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "rds-emulator listening on {}", handle.endpoint())?;
    writeln!(stdout, "AccessKeyId: {}", key.id)?;
    writeln!(stdout, "AccessKeySecret: {}", key.secret)?;
    stdout.flush()?;
    drop(stdout);

    stop_requested().await?;
    tracing::info!("shutting down");
    handle.shutdown().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM where there is one (what `kill` and process supervisors send).
async fn stop_requested() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
