//! Problems found in specs, each pointing at file, line, column, operation and parameter.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::spec::Span;

/// One problem in a spec file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The spec file.
    pub file: PathBuf,
    /// Where in the file (line 0 when the whole file is meant, e.g. it cannot be read).
    pub span: Span,
    /// The operation's wire name, when known.
    pub operation: Option<String>,
    /// The parameter (or response field) wire name, when the problem belongs to one.
    pub parameter: Option<String>,
    /// What is wrong, and when it helps, what to do.
    pub message: String,
}

impl Diagnostic {
    /// A problem at `span` of `file`.
    pub fn new(file: &Path, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { file: file.to_path_buf(), span, operation: None, parameter: None, message: message.into() }
    }

    /// Names the operation the problem belongs to.
    pub fn operation(mut self, name: impl Into<String>) -> Self {
        self.operation = Some(name.into());
        self
    }

    /// Names the parameter the problem belongs to.
    pub fn parameter(mut self, name: impl Into<String>) -> Self {
        self.parameter = Some(name.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    /// `api-specs/operations/X.yaml:12:7: operation X, parameter DBInfo: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file.display(), self.span.line, self.span.column)?;
        match (&self.operation, &self.parameter) {
            (Some(op), Some(p)) => write!(f, "operation {op}, parameter {p}: ")?,
            (Some(op), None) => write!(f, "operation {op}: ")?,
            (None, Some(p)) => write!(f, "parameter {p}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

/// Every problem found, sorted by file and position.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file and position, so that output is stable whatever order checks ran in.
    pub fn sorted(mut self) -> Self {
        self.0.sort();
        self.0.dedup();
        self
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "error: {d}")?;
        }
        write!(f, "{} problem(s) in the specs", self.0.len())
    }
}

impl std::error::Error for Diagnostics {}
