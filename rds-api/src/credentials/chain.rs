//! The provider chain: explicit credentials, the environment, the aliyun CLI profile file.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use super::{profile, Credentials};

/// The environment variable with the AccessKey ID.
pub const ENV_ACCESS_KEY_ID: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
/// The environment variable with the AccessKey secret.
pub const ENV_ACCESS_KEY_SECRET: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
/// The environment variable with an STS security token (optional).
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
/// The environment variable naming the profile of the profile file to use (else the file's `current`).
pub const ENV_PROFILE: &str = "ALIBABA_CLOUD_PROFILE";
/// The environment variable that, set to `true` (any case), skips the profile file.
pub const ENV_CLI_PROFILE_DISABLED: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

/// Where a [`CredentialsChain`] reads environment variables and finds the home directory.
///
/// [`Environment::process`] is the real one, read when the chain resolves. [`Environment::empty`] has no
/// variables and no home directory; with [`var`](Self::var) and [`home`](Self::home) it makes a fake one,
/// e.g. for tests, which must not depend on (or change) the real environment:
///
/// ```
/// use rds_api::credentials::{CredentialsChain, Environment};
///
/// let env = Environment::empty()
///     .var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-example")
///     .var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret")
///     .home(std::env::temp_dir().join("no-such-home"));
/// let credentials = CredentialsChain::new().environment(env).resolve().unwrap();
/// assert_eq!(credentials.access_key_id(), "LTAI-example");
/// ```
///
/// `Debug` shows the names of the variables set with [`var`](Self::var), never their values.
#[derive(Clone)]
pub struct Environment {
    /// Whether variables not in `vars` are read from the process.
    process: bool,
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
}

impl Environment {
    /// The process's environment, read each time the chain resolves. The home directory is `HOME`, else
    /// `USERPROFILE` (on Windows `USERPROFILE` first).
    pub fn process() -> Self {
        Environment { process: true, vars: BTreeMap::new(), home: None }
    }

    /// No variables and no home directory; add them with [`var`](Self::var) and [`home`](Self::home).
    pub fn empty() -> Self {
        Environment { process: false, vars: BTreeMap::new(), home: None }
    }

    /// Sets a variable (over the process's, for [`Environment::process`]).
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets the home directory, instead of taking it from `HOME` or `USERPROFILE`.
    pub fn home(mut self, dir: impl Into<PathBuf>) -> Self {
        self.home = Some(dir.into());
        self
    }

    /// The value of a variable; `None` when it is not set or (in the process's environment) not Unicode.
    pub fn get(&self, name: &str) -> Option<String> {
        match self.vars.get(name) {
            Some(value) => Some(value.clone()),
            None if self.process => std::env::var(name).ok(),
            None => None,
        }
    }

    fn get_os(&self, name: &str) -> Option<OsString> {
        match self.vars.get(name) {
            Some(value) => Some(value.into()),
            None if self.process => std::env::var_os(name),
            None => None,
        }
    }

    /// The home directory: the one set with [`home`](Self::home), else the non-empty `HOME` or
    /// `USERPROFILE` variable (on Windows `USERPROFILE` first).
    pub fn home_dir(&self) -> Option<PathBuf> {
        if let Some(home) = &self.home {
            return Some(home.clone());
        }
        let order = if cfg!(windows) { ["USERPROFILE", "HOME"] } else { ["HOME", "USERPROFILE"] };
        order.into_iter().filter_map(|name| self.get_os(name)).find(|dir| !dir.is_empty()).map(PathBuf::from)
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("process", &self.process)
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("home", &self.home)
            .finish()
    }
}

/// Finds credentials like Alibaba Cloud's official SDKs: explicit ones, else the environment, else the aliyun
/// CLI's profile file; the first source that has complete credentials wins.
///
/// 1. Explicit credentials ([`credentials`](Self::credentials)), when set, are used as they are; when their
///    AccessKey ID or secret is empty, that is an error and nothing else is tried.
/// 2. [`ENV_ACCESS_KEY_ID`] and [`ENV_ACCESS_KEY_SECRET`], both non-empty, with [`ENV_SECURITY_TOKEN`] when
///    it is set and non-empty.
/// 3. `<home>/.aliyun/config.json`, written by `aliyun configure`: the profile named by [`ENV_PROFILE`], else
///    the file's `current` one. Its mode (any case) must be `AK` (`access_key_id`, `access_key_secret`) or
///    `StsToken` (the same and `sts_token`); other modes (RamRoleArn, EcsRamRole, …) are reported as not
///    supported. Skipped when [`ENV_CLI_PROFILE_DISABLED`] is `true`.
///
/// When no source has credentials, the [`CredentialsError`] says, for each source tried, why not. Neither
/// errors nor `Debug` ever show a secret or a token.
///
/// ```
/// use rds_api::credentials::{Credentials, CredentialsChain, CredentialsSource, Environment};
///
/// let home = std::env::temp_dir().join("rds-api-doc-no-such-home");
/// let chain = CredentialsChain::new().environment(Environment::empty().home(&home));
/// let err = chain.resolve().unwrap_err();
/// assert!(err.to_string().contains("environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set"), "{err}");
/// assert!(err.to_string().contains(".aliyun/config.json: not found") || cfg!(windows), "{err}");
///
/// let chain = chain.credentials(Credentials::new("LTAI-example", "example-secret"));
/// let (credentials, source) = chain.resolve_with_source().unwrap();
/// assert_eq!(credentials.access_key_id(), "LTAI-example");
/// assert_eq!(source, CredentialsSource::Explicit);
/// ```
#[derive(Clone, Debug)]
pub struct CredentialsChain {
    explicit: Option<Credentials>,
    environment: Environment,
}

impl Default for CredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl CredentialsChain {
    /// The chain over the process's environment and home directory ([`Environment::process`]), without
    /// explicit credentials.
    pub fn new() -> Self {
        CredentialsChain { explicit: None, environment: Environment::process() }
    }

    /// Explicit credentials: when set, the chain uses them and nothing else.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.explicit = Some(credentials);
        self
    }

    /// Where environment variables and the home directory come from; default [`Environment::process`].
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The credentials of the first source that has them.
    pub fn resolve(&self) -> Result<Credentials, CredentialsError> {
        self.resolve_with_source().map(|(credentials, _)| credentials)
    }

    /// The credentials of the first source that has them, and which source that was.
    pub fn resolve_with_source(&self) -> Result<(Credentials, CredentialsSource), CredentialsError> {
        if let Some(explicit) = &self.explicit {
            if explicit.is_complete() {
                return Ok(found(explicit.clone(), CredentialsSource::Explicit));
            }
            let reason = if explicit.access_key_id().is_empty() { "the AccessKey ID" } else { "the AccessKey secret" };
            return Err(CredentialsError {
                failures: vec![SourceFailure {
                    source: CredentialsSource::Explicit,
                    reason: format!("{reason} is empty"),
                }],
            });
        }

        let mut failures = Vec::new();
        match from_environment(&self.environment) {
            Ok(credentials) => return Ok(found(credentials, CredentialsSource::Environment)),
            Err(reason) => failures.push(SourceFailure { source: CredentialsSource::Environment, reason }),
        }

        let path = self.environment.home_dir().map(|home| home.join(".aliyun").join("config.json"));
        let source = CredentialsSource::ProfileFile(path.clone());
        let disabled =
            self.environment.get(ENV_CLI_PROFILE_DISABLED).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let outcome = match &path {
            _ if disabled => Err(format!("skipped: {ENV_CLI_PROFILE_DISABLED} is true")),
            None => Err("no home directory: neither HOME nor USERPROFILE is set".to_owned()),
            Some(path) => profile::load(path, self.environment.get(ENV_PROFILE).filter(|name| !name.is_empty())),
        };
        match outcome {
            Ok(credentials) => return Ok(found(credentials, source)),
            Err(reason) => failures.push(SourceFailure { source, reason }),
        }

        Err(CredentialsError { failures })
    }
}

fn found(credentials: Credentials, source: CredentialsSource) -> (Credentials, CredentialsSource) {
    tracing::debug!(access_key_id = credentials.access_key_id(), %source, "credentials found");
    (credentials, source)
}

fn from_environment(env: &Environment) -> Result<Credentials, String> {
    let required = |name: &str| match env.get(name) {
        None => Err(format!("{name} is not set")),
        Some(value) if value.trim().is_empty() => Err(format!("{name} is empty")),
        // A value pasted with a line break (`"CAIS…\r"`) is sent, signed and redacted without it.
        Some(value) => Ok(value.trim().to_owned()),
    };
    let id = required(ENV_ACCESS_KEY_ID)?;
    let secret =
        required(ENV_ACCESS_KEY_SECRET).map_err(|reason| format!("{ENV_ACCESS_KEY_ID} is set but {reason}"))?;
    let credentials = Credentials::new(id, secret);
    Ok(match env.get(ENV_SECURITY_TOKEN).filter(|token| !token.trim().is_empty()) {
        Some(token) => credentials.with_security_token(token.trim()),
        None => credentials,
    })
}

/// A place a [`CredentialsChain`] looks for credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsSource {
    /// Credentials set explicitly ([`CredentialsChain::credentials`], `ClientBuilder::credentials`).
    Explicit,
    /// The environment variables [`ENV_ACCESS_KEY_ID`], [`ENV_ACCESS_KEY_SECRET`], [`ENV_SECURITY_TOKEN`].
    Environment,
    /// The aliyun CLI's profile file, `<home>/.aliyun/config.json`; `None` when no home directory is known.
    ProfileFile(Option<PathBuf>),
}

impl fmt::Display for CredentialsSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialsSource::Explicit => f.write_str("explicit credentials"),
            CredentialsSource::Environment => f.write_str("environment"),
            CredentialsSource::ProfileFile(Some(path)) => write!(f, "profile file {}", path.display()),
            CredentialsSource::ProfileFile(None) => f.write_str("profile file ~/.aliyun/config.json"),
        }
    }
}

/// Why one source had no usable credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SourceFailure {
    /// The source.
    pub source: CredentialsSource,
    /// Why it had none, e.g. `ALIBABA_CLOUD_ACCESS_KEY_ID is not set` or `profile "dev" not found`. Never
    /// contains a secret or a token.
    pub reason: String,
}

impl fmt::Display for SourceFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

/// No source of a [`CredentialsChain`] had usable credentials: for each source tried, in order, why not.
///
/// Displayed as one line, e.g. `no usable credentials: environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set;
/// profile file /home/me/.aliyun/config.json: profile "dev" not found (…)`. It never contains a secret or a
/// token, not even from a malformed profile file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialsError {
    failures: Vec<SourceFailure>,
}

impl CredentialsError {
    /// Each source tried, in order, and why it had no usable credentials.
    pub fn failures(&self) -> &[SourceFailure] {
        &self.failures
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no usable credentials: ")?;
        for (i, failure) in self.failures.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}
