//! Workspace automation. `cargo xtask codegen` regenerates the code of every spec directory;
//! `cargo xtask codegen --check` writes nothing and fails when committed code is stale.
//! `cargo xtask import` writes the specs of `api-specs/metadata/rds-surface.json` (never touching a curated
//! one); `cargo xtask import --check` writes nothing and fails when an imported spec is stale or a spec
//! drifts from the metadata in a way `api-specs/metadata/deliberate-differences.txt` does not accept.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::{Job, Mode, ServerCode, Settings};

const USAGE: &str = "usage: cargo xtask codegen [--check]\n       cargo xtask import [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, mode) = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => (Task::Codegen, Mode::Write),
        ["codegen", "--check"] => (Task::Codegen, Mode::Check),
        ["import"] => (Task::Import, Mode::Write),
        ["import", "--check"] => (Task::Import, Mode::Check),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match task {
        Task::Codegen => codegen_all(&workspace_root(), mode),
        Task::Import => import(&workspace_root().join("api-specs"), mode),
    };
    match result {
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

/// The subcommands.
enum Task {
    Codegen,
    Import,
}

/// `import` writes the imported specs; `import --check` reports stale ones and unaccepted drift.
fn import(specs: &Path, mode: Mode) -> Result<String, String> {
    match mode {
        Mode::Write => codegen::import::import(specs).map(|report| report.to_string()),
        Mode::Check => match codegen::import::check(specs)? {
            report if report.is_clean() => Ok(report.to_string()),
            report => Err(report.to_string()),
        },
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
            settings: Settings::new().server(ServerCode::Always),
        },
        // Edge cases of naming that must compile: a service without `errors`, parameters named like the
        // generated code's locals, enum values named `Unknown`.
        Job {
            specs: root.join("tests/fixtures/edge-specs"),
            out: root.join("tests/src/edge_api"),
            settings: Settings::new().server(ServerCode::Always),
        },
    ]
}

/// Generates (or checks) `rds-cli/src/generated/commands.rs`, the command table of the `rds` tool, from the
/// same model as the client's code.
fn cli_table(root: &Path, mode: Mode) -> Result<codegen::Outcome, codegen::Error> {
    let set = codegen::load::load_dir(&root.join("api-specs")).map_err(codegen::Error::Specs)?;
    let api = codegen::model::build(&set).map_err(codegen::Error::Specs)?;
    let out = root.join("rds-cli/src/generated");
    codegen::output::sync_dir(&out, &codegen::emit::cli::emit(&api), mode).map_err(|e| codegen::Error::Io(out, e))
}

/// Runs every job; returns the report, as an error when a spec is bad or (in check mode) code is stale.
fn codegen_all(root: &Path, mode: Mode) -> Result<String, String> {
    let mut report = String::new();
    let mut failed = false;
    // The command table of the `rds` tool (from the product's specs) is one large file printed on one core:
    // it is made beside the jobs, which spread their operations over the cores, not after them.
    let results = std::thread::scope(|scope| {
        let cli = scope.spawn(|| ("api-specs (rds-cli)".to_owned(), cli_table(root, mode)));
        let mut results: Vec<_> = jobs(root)
            .into_iter()
            .map(|job| {
                let shown = job.specs.strip_prefix(root).unwrap_or(&job.specs).display().to_string();
                (shown, job.run(mode))
            })
            .collect();
        results.push(cli.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        results
    });
    for (shown, result) in results {
        match result {
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

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let path = entry.unwrap().path();
            let target = to.join(path.file_name().unwrap());
            if path.is_dir() {
                copy_dir(&path, &target);
            } else {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }

    /// The user's workflow in a copy of the workspace: add a YAML file, `--check` names what is now missing,
    /// `codegen` writes it, `--check` passes.
    #[test]
    fn a_new_yaml_operation_is_stale_until_generated() {
        let root = tempfile::tempdir().unwrap();
        let real = workspace_root();
        for dir in [
            "api-specs",
            "rds-api/src/generated",
            "rds-cli/src/generated",
            "tests/fixtures/specs",
            "tests/src/fixture_api",
            "tests/fixtures/edge-specs",
            "tests/src/edge_api",
        ] {
            copy_dir(&real.join(dir), &root.path().join(dir));
        }
        assert!(codegen_all(root.path(), Mode::Check).is_ok());

        // A name no RDS operation has, so that no code of it exists yet.
        let op = "name: DescribeSandboxRegions\nsummary: Lists regions.\nidempotent: true\nresponse:\n  \
                  - name: RequestId\n    type: string\n    required: true\n";
        std::fs::write(root.path().join("api-specs/operations/DescribeSandboxRegions.yaml"), op).unwrap();

        let report = codegen_all(root.path(), Mode::Check).unwrap_err();
        assert!(report.contains("stale or missing: ") && report.contains("describe_sandbox_regions.rs"), "{report}");
        assert!(report.contains("generated/mod.rs"), "{report}");
        assert!(report.contains("rds-cli/src/generated/commands.rs"), "the CLI's table is stale too: {report}");
        assert!(!root.path().join("rds-api/src/generated/describe_sandbox_regions.rs").exists());

        codegen_all(root.path(), Mode::Write).unwrap();
        let generated =
            std::fs::read_to_string(root.path().join("rds-api/src/generated/describe_sandbox_regions.rs")).unwrap();
        assert!(generated.contains("pub struct DescribeSandboxRegionsRequest"));
        assert!(codegen_all(root.path(), Mode::Check).is_ok());
    }

    #[test]
    fn a_bad_spec_is_reported_with_its_position() {
        let root = tempfile::tempdir().unwrap();
        let real = workspace_root();
        for dir in ["api-specs", "tests/fixtures/specs", "tests/fixtures/edge-specs"] {
            copy_dir(&real.join(dir), &root.path().join(dir));
        }
        std::fs::write(
            root.path().join("api-specs/operations/Bad.yaml"),
            "name: Bad\nsummary: x\nidempotent: true\ncolour: red\n",
        )
        .unwrap();
        let report = codegen_all(root.path(), Mode::Write).unwrap_err();
        assert!(report.contains("Bad.yaml:4:1: operation Bad: unknown key `colour`"), "{report}");
        assert!(!root.path().join("rds-api/src/generated").exists(), "nothing is written when a spec is bad");
    }
}
