//! Workspace automation. `cargo xtask codegen` regenerates the code of every spec directory;
//! `cargo xtask codegen --check` writes nothing and fails when committed code is stale.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::{Job, Mode, Settings};

const USAGE: &str = "usage: cargo xtask codegen [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => Mode::Write,
        ["codegen", "--check"] => Mode::Check,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match codegen_all(&workspace_root(), mode) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(report) => {
            eprint!("{report}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace root").to_path_buf()
}

/// Every spec directory of the workspace and where its code goes.
fn jobs(root: &Path) -> Vec<Job> {
    vec![
        // The product: the RDS API.
        Job { specs: root.join("api-specs"), out: root.join("rds-api/src/generated"), settings: Settings::new() },
        // Fixture specs exercising every feature of the format; their code is compiled and called by the
        // workspace tests, so the snapshots are checked by the compiler as well as by this diff.
        Job {
            specs: root.join("tests/fixtures/specs"),
            out: root.join("tests/src/fixture_api"),
            settings: Settings::new(),
        },
    ]
}

/// Runs every job; returns the report, as an error when a spec is bad or (in check mode) code is stale.
fn codegen_all(root: &Path, mode: Mode) -> Result<String, String> {
    let mut report = String::new();
    let mut failed = false;
    for job in jobs(root) {
        let shown = job.specs.strip_prefix(root).unwrap_or(&job.specs).display().to_string();
        match job.run(mode) {
            Ok(outcome) if outcome.is_clean() => report.push_str(&format!("{shown}: up to date\n")),
            Ok(outcome) => {
                failed |= mode == Mode::Check;
                let verb = if mode == Mode::Check { "is stale" } else { "regenerated" };
                report.push_str(&format!("{shown}: {verb}\n{outcome}"));
            }
            Err(e) => {
                failed = true;
                report.push_str(&format!("{shown}:\n{e}\n"));
            }
        }
    }
    if failed && mode == Mode::Check {
        report.push_str("run `cargo xtask codegen` and commit the result\n");
    }
    if failed {
        Err(report)
    } else {
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo test` fails when the committed generated code does not match the specs.
    #[test]
    fn generated_code_is_fresh() {
        if let Err(report) = codegen_all(&workspace_root(), Mode::Check) {
            panic!("{report}");
        }
    }
}
