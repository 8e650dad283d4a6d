//! `cargo xtask import`: one spec per operation of `api-specs/metadata/rds-surface.json`, and
//! `cargo xtask import --check`: whether those specs are up to date and where any spec and the metadata
//! disagree about the wire.
//!
//! A file the importer wrote carries [`MARKER`] as its second line; import rewrites such files and writes
//! missing ones, and never touches a file without the marker (a curated spec). Steps, one module each:
//! [`surface`] (the metadata file) -> [`shape`] (facts to spec types, with [`prose`] for our own words) ->
//! [`naming`] (explicit names where derived ones clash) -> [`write`](mod@write) (YAML text); [`drift`] compares.

pub mod drift;
pub mod naming;
pub mod prose;
pub mod shape;
pub mod surface;
pub mod write;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use shape::{Field, Operation, Ty};

/// First line of every spec file: editors validate it against the JSON Schema.
pub const SCHEMA_LINE: &str = "# yaml-language-server: $schema=../schema/operation.schema.json";

/// Second line of an imported file; a file without it is curated.
pub const MARKER: &str = "# Imported by `cargo xtask import` from api-specs/metadata/rds-surface.json. Delete this \
                          line to curate the file; import then leaves it alone.";

/// The metadata, relative to the spec directory.
pub const METADATA: &str = "metadata/rds-surface.json";

/// The accepted drift findings, relative to the spec directory.
pub const DELIBERATE: &str = "metadata/deliberate-differences.txt";

/// Whether a spec file's text is an imported file (its second line is [`MARKER`]).
pub fn is_imported(text: &str) -> bool {
    text.lines().nth(1) == Some(MARKER)
}

/// What importing writes, counted over the files import owns (curated operations excluded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Imported files.
    pub files: usize,
    /// `idempotent: true`.
    pub idempotent: usize,
    /// `idempotent: false`.
    pub not_idempotent: usize,
    /// Parameters and object fields marked `sensitive: true`.
    pub sensitive: usize,
    /// Operations with `include: [caller]`.
    pub include_caller: usize,
    /// `type_name`s written.
    pub type_names: usize,
    /// `rust_name`s written.
    pub rust_names: usize,
}

/// How many created, rewritten or removed files the import report names one by one.
const LIST_AT_MOST: usize = 20;

/// The outcome of `cargo xtask import`.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Operations whose file was created.
    pub created: Vec<String>,
    /// Imported files rewritten because they differed.
    pub rewritten: Vec<String>,
    /// Imported files whose operation the metadata no longer has, removed.
    pub removed: Vec<String>,
    /// Operations with a curated file, left alone.
    pub curated: Vec<String>,
    /// Imported files already up to date.
    pub unchanged: usize,
    /// What the imported files hold.
    pub stats: Stats,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A first import creates hundreds of files: name them only when there are few.
        for (verb, names) in [("created", &self.created), ("rewritten", &self.rewritten), ("removed", &self.removed)] {
            if names.len() <= LIST_AT_MOST {
                for name in names {
                    writeln!(f, "{verb}: operations/{name}.yaml")?;
                }
            }
        }
        let s = &self.stats;
        writeln!(
            f,
            "import: {} imported files ({} created, {} rewritten, {} unchanged, {} removed); {} curated files left alone",
            s.files,
            self.created.len(),
            self.rewritten.len(),
            self.unchanged,
            self.removed.len(),
            self.curated.len()
        )?;
        writeln!(
            f,
            "import: idempotent {} / not {}; {} sensitive; {} include [caller]; {} type_names, {} rust_names",
            s.idempotent, s.not_idempotent, s.sensitive, s.include_caller, s.type_names, s.rust_names
        )
    }
}

/// The outcome of `cargo xtask import --check`.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    /// Imported files (or missing ones) that import would change: always a failure.
    pub stale: Vec<String>,
    /// Drift findings the list of deliberate differences does not accept.
    pub unexpected: Vec<String>,
    /// Lines of that list that no longer occur.
    pub gone: Vec<String>,
    /// Findings the list accepts.
    pub accepted: usize,
}

impl CheckReport {
    /// Whether the check passes.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.unexpected.is_empty() && self.gone.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.stale {
            writeln!(f, "stale: {line}")?;
        }
        for line in &self.unexpected {
            writeln!(f, "drift: {line}")?;
        }
        for line in &self.gone {
            writeln!(f, "no longer occurs (remove it from {DELIBERATE}): {line}")?;
        }
        if !self.stale.is_empty() {
            writeln!(f, "run `cargo xtask import` and commit the result")?;
        }
        if !self.unexpected.is_empty() {
            writeln!(
                f,
                "fix the spec, or accept a difference by adding its line, with a `#` comment saying why, to {DELIBERATE}"
            )?;
        }
        writeln!(
            f,
            "import --check: {} stale, {} unexpected, {} accepted drift findings, {} listed lines gone",
            self.stale.len(),
            self.unexpected.len(),
            self.accepted,
            self.gone.len()
        )
    }
}

/// One operation as import would write it.
struct Planned {
    name: String,
    /// Full parameter list, before `include: [caller]` (what drift compares).
    wire: Operation,
    /// As written: caller group taken out, explicit names given.
    written: Operation,
    /// The explicit names given.
    names: naming::Written,
    text: String,
}

/// Everything read from the spec directory.
struct Inputs {
    dir: PathBuf,
    planned: Vec<Planned>,
    service: drift::Service,
    models: drift::Models,
}

fn load(specs: &Path) -> Result<Inputs, String> {
    let surface = surface::Surface::load(&specs.join(METADATA))?;
    let mut models = drift::Models::new();
    let models_dir = specs.join("models");
    if models_dir.is_dir() {
        for path in yaml_files(&models_dir)? {
            let (name, kind) = drift::read_model_kind(&read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
            models.insert(name, kind);
        }
    }
    let service_path = specs.join("service.yaml");
    let service =
        drift::read_service(&read(&service_path)?, &models).map_err(|e| format!("{}: {e}", service_path.display()))?;
    let model_names: Vec<String> = models.keys().cloned().collect();
    let caller = service.groups.get(shape::CALLER_GROUP).map_or(&[][..], Vec::as_slice);
    let mut planned = Vec::new();
    for (op, historical) in surface.all() {
        let wire = shape::operation(op, historical).map_err(|e| format!("{METADATA}: {}: {e}", op.name))?;
        let mut written = wire.clone();
        written.use_caller_group(caller);
        let included = if written.include_caller { caller } else { &[] };
        let names = naming::assign(&mut written, &model_names, included);
        let text = write::operation(&written);
        planned.push(Planned { name: op.name.clone(), wire, written, names, text });
    }
    planned.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Inputs { dir: specs.join("operations"), planned, service, models })
}

/// Counts what the imported text of `op` holds.
fn count(stats: &mut Stats, op: &Operation, names: naming::Written) {
    stats.files += 1;
    if op.idempotent {
        stats.idempotent += 1;
    } else {
        stats.not_idempotent += 1;
    }
    stats.include_caller += usize::from(op.include_caller);
    stats.sensitive += op.parameters.iter().map(sensitive).sum::<usize>();
    stats.type_names += names.type_names;
    stats.rust_names += names.rust_names;
}

fn sensitive(f: &Field) -> usize {
    usize::from(f.sensitive) + nested_fields(&f.ty).iter().map(sensitive).sum::<usize>()
}

fn nested_fields(ty: &Ty) -> &[Field] {
    match ty {
        Ty::Object { fields, .. } => fields,
        Ty::List { items: inner, .. } | Ty::Map { value: inner } | Ty::Json { schema: inner } => nested_fields(inner),
        _ => &[],
    }
}

/// Writes every operation's file that is missing or imported and different; removes imported files of
/// operations the metadata no longer has; leaves curated files alone.
pub fn import(specs: &Path) -> Result<ImportReport, String> {
    let inputs = load(specs)?;
    let mut report = ImportReport::default();
    fs::create_dir_all(&inputs.dir).map_err(|e| format!("{}: {e}", inputs.dir.display()))?;
    for p in &inputs.planned {
        let path = inputs.dir.join(format!("{}.yaml", p.name));
        match fs::read_to_string(&path) {
            Ok(text) if !is_imported(&text) => {
                report.curated.push(p.name.clone());
                continue;
            }
            Ok(text) if text == p.text => report.unchanged += 1,
            Ok(_) => {
                write_file(&path, &p.text)?;
                report.rewritten.push(p.name.clone());
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write_file(&path, &p.text)?;
                report.created.push(p.name.clone());
            }
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    for (name, path, text) in spec_files(&inputs.dir)? {
        if is_imported(&text) && !inputs.planned.iter().any(|p| p.name == name) {
            fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            report.removed.push(name);
        }
    }
    for p in inputs.planned.iter().filter(|p| !report.curated.contains(&p.name)) {
        count(&mut report.stats, &p.written, p.names);
    }
    Ok(report)
}

/// Compares without writing: stale imported files, and drift of every spec against the metadata judged by
/// the list of deliberate differences.
pub fn check(specs: &Path) -> Result<CheckReport, String> {
    let inputs = load(specs)?;
    let mut report = CheckReport::default();
    let files = spec_files(&inputs.dir)?;
    let mut findings = Vec::new();
    for p in &inputs.planned {
        let Some((_, _, text)) = files.iter().find(|(name, _, _)| *name == p.name) else {
            report.stale.push(format!("{}: no spec file", p.name));
            continue;
        };
        if is_imported(text) && *text != p.text {
            report.stale.push(format!("{}: the imported file differs from what import writes", p.name));
        }
        let spec = drift::read_spec(text, &inputs.service, &inputs.models)
            .map_err(|e| format!("operations/{}.yaml: {e}", p.name))?;
        findings.extend(drift::compare(&p.name, p.wire.get, &p.wire.parameters, &spec, &inputs.service));
    }
    for (name, _, text) in &files {
        if !inputs.planned.iter().any(|p| p.name == *name) {
            if is_imported(text) {
                report.stale.push(format!("{name}: imported, but the metadata no longer has the operation"));
            } else {
                findings.push(format!("{name}: operation missing from the metadata"));
            }
        }
    }
    let listed = match fs::read_to_string(specs.join(DELIBERATE)) {
        Ok(text) => drift::read_deliberate(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(format!("{DELIBERATE}: {e}")),
    };
    let verdict = drift::judge(&findings, &listed);
    report.unexpected = verdict.unexpected;
    report.gone = verdict.gone;
    report.accepted = verdict.accepted;
    Ok(report)
}

/// The `.yaml` files of `dir` as (operation name, path, text), sorted by name.
fn spec_files(dir: &Path) -> Result<Vec<(String, PathBuf, String)>, String> {
    let mut out = Vec::new();
    for path in yaml_files(dir)? {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
        let text = read(&path)?;
        out.push((name, path, text));
    }
    Ok(out)
}

fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "yaml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
