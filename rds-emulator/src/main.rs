//! `rds-emulator [--listen ADDR] [--state FILE [--save-on-exit]] [--migration-seconds N] [--clock real|manual]`
//!
//! Serves the demo state (or a YAML state file) until Ctrl-C or SIGTERM. A control API (faults, counters, the
//! clock, the state) answers under `/_emulator/` on the same port. The first three lines on stdout are fixed,
//! for scripts to parse:
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

use rds_emulator::{demo, ClockMode, Emulator, State};

/// Migration length of the binary when neither the flag nor the state file sets one: short enough to watch.
const DEFAULT_MIGRATION_SECONDS: u64 = 5;

fn usage() -> String {
    format!(
        "usage: rds-emulator [--listen ADDR] [--state FILE [--save-on-exit]] [--migration-seconds N]
                    [--clock real|manual]

A local ApsaraDB RDS endpoint (API 2014-08-15) for tests: point any official Alibaba Cloud SDK at it
(endpoint 127.0.0.1:PORT, protocol http).

  --listen ADDR            address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --state FILE             YAML state file (default: the built-in demo state)
  --save-on-exit           on Ctrl-C or SIGTERM, write the state back to --state FILE (atomically)
  --migration-seconds N    how long an import takes, in emulator seconds (default: the state file's
                           settings.migration_seconds, else {DEFAULT_MIGRATION_SECONDS})
  --clock real|manual      real (default): the emulator clock follows the machine's; manual: it stands
                           still until moved with POST /_emulator/clock/advance

The demo state: account {account}, AccessKey {id} / {secret};
STS credentials {sts_id} / {sts_secret}, security token {sts_token};
account {other}: {other_id} / {other_secret}. SQL Server instances {source} and
{destination} (a healthy pair to import between) and one instance breaking each precondition.

Control API (same port): /_emulator/faults[/ACTION], /_emulator/counters[/ACTION], /_emulator/clock,
/_emulator/clock/advance, /_emulator/state, /_emulator/state/save, /_emulator/reset.
Everything is described in rds-emulator/README.md.",
        account = demo::ACCOUNT,
        id = demo::ACCESS_KEY_ID,
        secret = demo::ACCESS_KEY_SECRET,
        sts_id = demo::STS_ACCESS_KEY_ID,
        sts_secret = demo::STS_ACCESS_KEY_SECRET,
        sts_token = demo::STS_SECURITY_TOKEN,
        other = demo::OTHER_ACCOUNT,
        other_id = demo::OTHER_ACCESS_KEY_ID,
        other_secret = demo::OTHER_ACCESS_KEY_SECRET,
        source = demo::SOURCE,
        destination = demo::DESTINATION,
    )
}

struct Args {
    listen: String,
    state: Option<PathBuf>,
    save_on_exit: bool,
    migration_seconds: Option<u64>,
    clock: ClockMode,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        listen: "127.0.0.1:8080".into(),
        state: None,
        save_on_exit: false,
        migration_seconds: None,
        clock: ClockMode::Real,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--listen" => parsed.listen = value("--listen")?,
            "--state" => parsed.state = Some(value("--state")?.into()),
            "--save-on-exit" => parsed.save_on_exit = true,
            "--migration-seconds" => {
                let text = value("--migration-seconds")?;
                let seconds =
                    text.parse().map_err(|_| format!("--migration-seconds: not a number of seconds: {text}"))?;
                parsed.migration_seconds = Some(seconds);
            }
            "--clock" => {
                parsed.clock = match value("--clock")?.as_str() {
                    "real" => ClockMode::Real,
                    "manual" => ClockMode::Manual,
                    other => return Err(format!("--clock: real or manual, not {other}")),
                }
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if parsed.save_on_exit && parsed.state.is_none() {
        return Err("--save-on-exit needs --state FILE (the file to save to)".into());
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
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            eprintln!("rds-emulator: {err}\n{}", usage());
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

    let mut emulator = Emulator::new(state).clock_mode(args.clock);
    if let Some(path) = &args.state {
        emulator = emulator.save_path(path);
    }
    let handle = emulator
        .listen(args.listen.as_str())
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", args.listen))?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "rds-emulator listening on {}", handle.endpoint())?;
    writeln!(stdout, "AccessKeyId: {}", key.id)?;
    writeln!(stdout, "AccessKeySecret: {}", key.secret)?;
    stdout.flush()?;
    drop(stdout);

    stop_requested().await?;
    tracing::info!("shutting down");
    if args.save_on_exit {
        let path = handle.save()?;
        tracing::info!(path = %path.display(), "state saved");
    }
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
