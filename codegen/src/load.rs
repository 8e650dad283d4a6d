//! A spec directory from disk: `service.yaml` and `operations/*.yaml`, parsed and checked, with every
//! problem of every file reported at once.
//!
//! A file's semantic checks run only when it parsed cleanly: an entry that failed to parse is missing from
//! its AST, and checking around the hole would add follow-on noise (a rule "naming an unknown parameter"
//! that is really a parameter with a typo in its `type`). Parse problems of all files, and check problems of
//! all clean files, are still reported together.

use std::fs;
use std::path::{Path, PathBuf};

use crate::check::{check_models, check_operation, check_operations, check_service};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::parse::{parse_model, parse_operation, parse_service};
use crate::spec::{OperationSpec, ServiceSpec, Span, SpecSet};

/// A spec file's path and text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Where it comes from; diagnostics name it.
    pub path: PathBuf,
    /// Its contents.
    pub text: String,
}

/// Loads `<dir>/service.yaml` and every `<dir>/operations/*.yaml` (in file-name order), parses and checks
/// them, and returns the specs or every problem found, sorted by file and position.
pub fn load_dir(dir: &Path) -> Result<SpecSet, Diagnostics> {
    let mut problems = Vec::new();
    let service = read(&dir.join("service.yaml"), &mut problems);
    let operations = yaml_paths(&dir.join("operations"), &mut problems)
        .into_iter()
        .filter_map(|path| read(&path, &mut problems))
        .collect();
    // Shared models are optional: a spec set without any has no `models/` directory.
    let models_dir = dir.join("models");
    let models = if models_dir.is_dir() {
        yaml_paths(&models_dir, &mut problems).into_iter().filter_map(|path| read(&path, &mut problems)).collect()
    } else {
        Vec::new()
    };
    load(service, operations, models, problems)
}

/// Like [`load_dir`], from texts already in memory; operations are sorted by file name.
pub fn load_sources(service: SourceFile, operations: Vec<SourceFile>) -> Result<SpecSet, Diagnostics> {
    load(Some(service), operations, Vec::new(), Vec::new())
}

/// Parses and checks one `service.yaml` text.
pub fn load_service_str(file: &Path, text: &str) -> Result<ServiceSpec, Diagnostics> {
    let service = parse_service(file, text).map_err(Diagnostics)?;
    finish(service, check_service)
}

/// Parses and checks one operation text on its own (nothing across files).
pub fn load_operation_str(file: &Path, text: &str) -> Result<OperationSpec, Diagnostics> {
    let operation = parse_operation(file, text).map_err(Diagnostics)?;
    finish(operation, check_operation)
}

fn finish<T>(spec: T, check: impl Fn(&T) -> Vec<Diagnostic>) -> Result<T, Diagnostics> {
    let problems = check(&spec);
    if problems.is_empty() {
        Ok(spec)
    } else {
        Err(Diagnostics(problems).sorted())
    }
}

fn load(
    service: Option<SourceFile>,
    mut operations: Vec<SourceFile>,
    mut models: Vec<SourceFile>,
    mut problems: Vec<Diagnostic>,
) -> Result<SpecSet, Diagnostics> {
    // The order of operations shows in generated code, so it must not depend on the filesystem.
    operations.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
    models.sort_by(|a, b| a.path.file_name().cmp(&b.path.file_name()));
    let models: Vec<_> = models
        .iter()
        .filter_map(|m| match parse_model(&m.path, &m.text) {
            Ok(model) => Some(model),
            Err(found) => {
                problems.extend(found);
                None
            }
        })
        .collect();
    let service = service.and_then(|s| parsed(parse_service(&s.path, &s.text), check_service, &mut problems));
    let operations: Vec<_> = operations
        .iter()
        .filter_map(|op| parsed(parse_operation(&op.path, &op.text), check_operation, &mut problems))
        .collect();
    problems.extend(check_operations(&operations));
    problems.extend(check_models(&models, &operations));
    match service {
        Some(service) if problems.is_empty() => Ok(SpecSet { service, models, operations }),
        _ => Err(Diagnostics(problems).sorted()),
    }
}

/// Keeps what parsed, after checking it; collects the problems either way.
fn parsed<T>(
    result: Result<T, Vec<Diagnostic>>,
    check: impl Fn(&T) -> Vec<Diagnostic>,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    match result {
        Ok(spec) => {
            problems.extend(check(&spec));
            Some(spec)
        }
        Err(found) => {
            problems.extend(found);
            None
        }
    }
}

/// The `.yaml` files of a spec directory (`operations/`, `models/`). A `.yml` file is reported rather than skipped, since its
/// author surely meant it to be loaded; other files (a README) and hidden files are ignored.
fn yaml_paths(dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Diagnostic::new(dir, Span::default(), format!("cannot read the directory: {e}")));
            return Vec::new();
        }
    };
    let mut paths = Vec::new();
    for entry in entries {
        let path = match entry {
            Ok(entry) => entry.path(),
            Err(e) => {
                problems.push(Diagnostic::new(dir, Span::default(), format!("cannot read the directory: {e}")));
                continue;
            }
        };
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        match path.extension().and_then(|e| e.to_str()) {
            _ if hidden || !path.is_file() => {}
            Some("yaml") => paths.push(path),
            Some("yml") => {
                let message = "operation files must end in `.yaml`; rename this `.yml` file";
                problems.push(Diagnostic::new(&path, Span::default(), message));
            }
            _ => {}
        }
    }
    paths
}

fn read(path: &Path, problems: &mut Vec<Diagnostic>) -> Option<SourceFile> {
    match fs::read_to_string(path) {
        Ok(text) => Some(SourceFile { path: path.to_path_buf(), text }),
        Err(e) => {
            problems.push(Diagnostic::new(path, Span::default(), format!("cannot read the file: {e}")));
            None
        }
    }
}
