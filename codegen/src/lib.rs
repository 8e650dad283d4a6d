//! Loads, checks and models the YAML API specs under `api-specs/`, and emits the Rust code of `rds-api`.
//!
//! The pipeline, one module per step: [`yaml`] (text to a spanned tree) -> [`parse`] (tree to the [`spec`]
//! AST) -> [`check`] (semantic rules, every problem at once) -> [`model`] (names resolved) -> [`emit`]
//! (Rust tokens, printed by prettyplease) -> [`output`] (write the files, or check they are up to date).

pub mod check;
pub mod diagnostic;
pub mod emit;
pub mod import;
pub mod load;
pub mod model;
pub mod names;
pub mod output;
pub mod parse;
pub mod spec;
pub mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

pub use emit::{GeneratedFile, ServerCode, Settings};
pub use output::{Mode, Outcome};

/// One generation: a spec directory, where its code goes, and how it is emitted.
#[derive(Clone, Debug)]
pub struct Job {
    /// Directory holding `service.yaml` and `operations/`.
    pub specs: PathBuf,
    /// Directory the generated files are written to (holds nothing else).
    pub out: PathBuf,
    /// Emission settings.
    pub settings: Settings,
}

/// Why a job failed.
#[derive(Debug)]
pub enum Error {
    /// The specs have problems; nothing was written.
    Specs(diagnostic::Diagnostics),
    /// Reading or writing a file failed.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Specs(d) => d.fmt(f),
            Error::Io(path, e) => write!(f, "{}: {e}", path.display()),
        }
    }
}

impl std::error::Error for Error {}

/// Loads, checks and models the specs of a directory, and emits their files (nothing is written).
pub fn generate(specs: &Path, settings: &Settings) -> Result<Vec<GeneratedFile>, Error> {
    let set = load::load_dir(specs).map_err(Error::Specs)?;
    let api = model::build(&set).map_err(Error::Specs)?;
    Ok(emit::emit(&api, settings))
}

impl Job {
    /// Generates and writes (or checks) the job's files.
    pub fn run(&self, mode: Mode) -> Result<Outcome, Error> {
        let files = generate(&self.specs, &self.settings)?;
        output::sync_dir(&self.out, &files, mode).map_err(|e| Error::Io(self.out.clone(), e))
    }
}
