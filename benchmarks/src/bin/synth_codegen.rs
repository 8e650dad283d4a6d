//! Generates rds-api's code for a synthetic spec set of N operations, for `benchmarks/compile-time.sh`.
//!
//! ```text
//! cargo run -p benchmarks --bin synth_codegen -- --operations 1000 --specs DIR --out DIR
//! ```
//!
//! The set holds the real operations of `api-specs/` under their own names, plus N minus their number copies
//! made by [`benchmarks::write_synthetic_specs`] (renamed after their index), so that the hand-written rest
//! of rds-api (client, workflow helpers), which names real operations, compiles unchanged against it. The
//! specs go to `--specs` and the generated code to `--out` (normally `rds-api/src/generated` of a copy of the
//! workspace), with the settings `cargo xtask codegen` uses for rds-api. Prints the number of operations
//! and of generated files and lines.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::{Job, Mode, Settings};

const USAGE: &str = "usage: synth_codegen --operations N --specs DIR --out DIR

  --operations N   operations in the set, the real ones included (at least their number)
  --specs DIR      where to write the synthetic spec directory (created; its .yaml files are replaced)
  --out DIR        where to write the generated code (rds-api/src/generated of a copy of the workspace)";

/// The command line.
#[derive(Debug, PartialEq)]
struct Args {
    operations: usize,
    specs: PathBuf,
    out: PathBuf,
}

/// Parses the arguments (without the program name); `Ok(None)` for `--help`.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let (mut operations, mut specs, mut out) = (None, None, None);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--operations" => {
                let text = value("--operations")?;
                operations = Some(text.parse().map_err(|_| format!("--operations: not a whole number: {text}"))?);
            }
            "--specs" => specs = Some(PathBuf::from(value("--specs")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    match (operations, specs, out) {
        (Some(operations), Some(specs), Some(out)) => Ok(Some(Args { operations, specs, out })),
        _ => Err("--operations, --specs and --out are required".into()),
    }
}

/// The `.yaml` files of `dir`, sorted.
fn yaml_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Writes the spec set (the real operations plus synthetic copies, `operations` in all); returns how many
/// of them are real.
fn write_specs(real: &Path, out: &Path, operations: usize) -> Result<usize, String> {
    let real_operations = yaml_files(&real.join("operations")).map_err(|e| format!("{}: {e}", real.display()))?;
    let synthetic = operations.checked_sub(real_operations.len()).ok_or_else(|| {
        format!("--operations must be at least {}, the number of real operations", real_operations.len())
    })?;
    benchmarks::write_synthetic_specs(real, out, synthetic).map_err(|e| format!("synthetic specs: {e}"))?;
    for path in &real_operations {
        let name = path.file_name().expect("a listed file has a name");
        fs::copy(path, out.join("operations").join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(real_operations.len())
}

/// Files and lines of the generated code in `dir`.
fn count_lines(dir: &Path) -> io::Result<(usize, usize)> {
    let (mut files, mut lines) = (0, 0);
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            files += 1;
            lines += fs::read_to_string(&path)?.lines().count();
        }
    }
    Ok((files, lines))
}

fn run(args: &Args) -> Result<(), String> {
    let real = benchmarks::real_specs_dir();
    let real_count = write_specs(&real, &args.specs, args.operations)?;
    // The generator writes only what changed and removes files it no longer generates.
    fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let job = Job { specs: args.specs.clone(), out: args.out.clone(), settings: Settings::new() };
    job.run(Mode::Write).map_err(|e| format!("codegen of {}:\n{e}", args.specs.display()))?;
    let (files, lines) = count_lines(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    println!(
        "synth_codegen: {} operations ({real_count} real, {} synthetic) -> {} ({files} files, {lines} lines)",
        args.operations,
        args.operations - real_count,
        args.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)) {
        Ok(Some(args)) => match run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("synth_codegen: {err}");
                ExitCode::FAILURE
            }
        },
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("synth_codegen: {err}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_command_line() {
        let parse = |text: &str| parse_args(text.split_whitespace().map(str::to_owned));
        assert_eq!(
            parse("--operations 12 --specs s --out o").unwrap(),
            Some(Args { operations: 12, specs: "s".into(), out: "o".into() })
        );
        assert_eq!(parse("--help").unwrap(), None);
        assert!(parse("--operations 12 --specs s").is_err());
        assert!(parse("--operations x --specs s --out o").is_err());
        assert!(parse("--bogus").is_err());
    }

    /// A small set generates, with the real operations kept under their own names.
    #[test]
    fn generates_a_small_set_with_the_real_operations() {
        let dir = tempfile::tempdir().unwrap();
        let real = yaml_files(&benchmarks::real_specs_dir().join("operations")).unwrap();
        // Three synthetic copies beyond the real operations.
        let count = real.len() + 3;
        let args = Args { operations: count, specs: dir.path().join("specs"), out: dir.path().join("generated") };
        run(&args).unwrap();
        let written = yaml_files(&args.specs.join("operations")).unwrap();
        assert_eq!(written.len(), count);
        for path in real {
            assert!(args.specs.join("operations").join(path.file_name().unwrap()).is_file());
        }
        assert!(args.out.join("mod.rs").is_file());
        assert!(run(&Args { operations: 1, ..args }).is_err());
    }
}
