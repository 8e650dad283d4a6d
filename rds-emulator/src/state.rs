//! Everything the emulator knows: accounts, their credentials and instances (with their databases and
//! database accounts), and the imports under way.
//!
//! `State` is plain data (serde), so a test can build one in code, load one from a YAML file, take a snapshot
//! of a running emulator and compare it. Field names in YAML are the Rust names (`snake_case`); a state file
//! may leave out every field that has a default. See the README for a complete example.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

mod db_account;

pub use db_account::{account_status, DbAccount, Grant, Password};

/// How long a migration takes on the emulator clock when the state does not say.
pub const DEFAULT_MIGRATION_SECONDS: u64 = 30;

/// The first ImportId handed out by a fresh state.
const FIRST_IMPORT_ID: u64 = 10_001;

/// The whole emulated world.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Knobs of the emulated service.
    #[serde(default)]
    pub settings: Settings,
    /// The accounts; each sees only its own instances.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// Every import started, running or finished, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<Import>,
    /// The ImportId the next import gets.
    #[serde(default = "first_import_id")]
    pub next_import_id: u64,
}

fn first_import_id() -> u64 {
    FIRST_IMPORT_ID
}

impl Default for State {
    fn default() -> Self {
        State {
            settings: Settings::default(),
            accounts: Vec::new(),
            imports: Vec::new(),
            next_import_id: FIRST_IMPORT_ID,
        }
    }
}

/// Knobs of the emulated service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// How long an import runs, in seconds of emulator clock; absent means 30 (the library's default; the
    /// binary uses 5 unless the state file or `--migration-seconds` says otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration_seconds: Option<u64>,
}

/// An Alibaba Cloud account: its credentials and its instances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Name, used in logs and by [`State::account`].
    pub name: String,
    /// Permanent AccessKey pairs.
    #[serde(default)]
    pub access_keys: Vec<AccessKey>,
    /// Temporary STS credentials (AccessKey ID starting with `STS.`, secret, security token).
    #[serde(default)]
    pub sts_credentials: Vec<StsCredential>,
    /// The account's RDS instances.
    #[serde(default)]
    pub instances: Vec<Instance>,
}

/// A permanent AccessKey pair. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessKey {
    /// The AccessKey ID.
    pub id: String,
    /// The AccessKey secret.
    pub secret: String,
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey").field("id", &self.id).field("secret", &"***").finish()
    }
}

/// Temporary credentials issued by STS: requests must carry `security_token` as `SecurityToken`. `Debug`
/// never shows the secret or the token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StsCredential {
    /// The AccessKey ID; must start with `STS.`.
    pub access_key_id: String,
    /// The AccessKey secret.
    pub access_key_secret: String,
    /// The security token.
    pub security_token: String,
    /// When the credential stops working (by the machine's clock); never when absent.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rfc3339_option")]
    pub expiration: Option<SystemTime>,
}

impl StsCredential {
    /// Whether the credential has expired at `now`.
    pub fn expired_at(&self, now: SystemTime) -> bool {
        self.expiration.is_some_and(|expiration| now >= expiration)
    }
}

impl fmt::Debug for StsCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsCredential")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"***")
            .field("security_token", &"***")
            .field("expiration", &self.expiration.map(humantime::format_rfc3339_seconds))
            .finish()
    }
}

/// Instance status values the emulator itself sets.
pub mod status {
    /// Ready; the only state an import may start from.
    pub const RUNNING: &str = "Running";
    /// The source of an import, while it runs.
    pub const TRANSING_TO_OTHERS: &str = "TransingToOthers";
    /// The destination of an import, while it runs.
    pub const IMPORTING_FROM_OTHERS: &str = "ImportingFromOthers";
}

/// An RDS instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// Instance ID, e.g. `rm-demo-source`; unique across all accounts.
    pub id: String,
    /// Region, default `cn-hangzhou`.
    #[serde(default = "default_region")]
    pub region_id: String,
    /// Zone, default `cn-hangzhou-h`.
    #[serde(default = "default_zone")]
    pub zone_id: String,
    /// `SQLServer`, `MySQL`, `PostgreSQL`, `MariaDB`.
    pub engine: String,
    /// e.g. `2019_std_ha`, `2017_ent`, `8.0`.
    pub engine_version: String,
    /// Instance family: `s` shared, `x` general-purpose, `d` dedicated, `h` dedicated host. Default `d`.
    #[serde(default = "default_class_type")]
    pub class_type: String,
    /// Instance type code (`DBInstanceClass`), e.g. `mssql.x4.medium.s2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<String>,
    /// Edition: `Basic`, `HighAvailability`, `AlwaysOn`, … Default `HighAvailability`.
    #[serde(default = "default_category")]
    pub category: String,
    /// `DBInstanceStatus`: `Running`, `Stopped`, `TransingToOthers`, … Default `Running`.
    #[serde(default = "default_status")]
    pub status: String,
    /// `Unlock`, `ManualLock`, `LockByExpiration`, … Default `Unlock`.
    #[serde(default = "default_lock_mode")]
    pub lock_mode: String,
    /// Storage capacity in GB (GiB: free bytes are `storage_gb * 2^30 - used_bytes`).
    pub storage_gb: i64,
    /// Storage used, in bytes.
    #[serde(default)]
    pub used_bytes: i64,
    /// Description, shown as `DBInstanceDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the instance was created, shown as `CreateTime` by DescribeDBInstances; absent, it is not shown.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "rfc3339_option")]
    pub created_at: Option<SystemTime>,
    /// The server collation, which decides how database names compare: SQL Server's case-insensitive
    /// collations (`…_CI_…`) ignore case, so `SALES` names the database `sales`; `…_CS_…` and binary (`…_BIN…`)
    /// ones do not. Absent: `Chinese_PRC_CI_AS` for SQL Server (the demo instances' collation); other engines
    /// compare names exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// The instance's databases.
    #[serde(default)]
    pub databases: Vec<Database>,
    /// The accounts of the instance's database engine (CreateAccount), with their privileges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<DbAccount>,
}

fn default_region() -> String {
    "cn-hangzhou".into()
}
fn default_zone() -> String {
    "cn-hangzhou-h".into()
}
fn default_class_type() -> String {
    "d".into()
}
fn default_category() -> String {
    "HighAvailability".into()
}
fn default_status() -> String {
    status::RUNNING.into()
}
fn default_lock_mode() -> String {
    "Unlock".into()
}
fn default_character_set() -> String {
    "Chinese_PRC_CI_AS".into()
}

impl Instance {
    /// An instance with the defaults a state file gives: `cn-hangzhou` (`cn-hangzhou-h`), family `d`,
    /// `HighAvailability`, `Running`, `Unlock`, nothing used, no databases, no instance class, description or
    /// creation time. Change the public fields for anything else:
    ///
    /// ```
    /// use rds_emulator::Instance;
    ///
    /// let mysql = Instance { zone_id: "cn-hangzhou-i".into(), ..Instance::new("rm-1", "MySQL", "8.0", 20) };
    /// assert_eq!((mysql.region_id.as_str(), mysql.status.as_str()), ("cn-hangzhou", "Running"));
    /// ```
    pub fn new(
        id: impl Into<String>,
        engine: impl Into<String>,
        engine_version: impl Into<String>,
        storage_gb: i64,
    ) -> Self {
        Instance {
            id: id.into(),
            region_id: default_region(),
            zone_id: default_zone(),
            engine: engine.into(),
            engine_version: engine_version.into(),
            class_type: default_class_type(),
            instance_class: None,
            category: default_category(),
            status: default_status(),
            lock_mode: default_lock_mode(),
            storage_gb,
            used_bytes: 0,
            description: None,
            created_at: None,
            collation: None,
            databases: Vec::new(),
            accounts: Vec::new(),
        }
    }

    /// A healthy SQL Server 2019 Standard (`2019_std_ha`) instance of 100 GB with the defaults of
    /// [`new`](Self::new): a valid source or destination of an import once it holds databases. Handy to fill
    /// a state with many instances:
    ///
    /// ```
    /// use rds_emulator::{demo, Instance, State};
    ///
    /// let mut state = State::demo();
    /// let demo_account = state.account_mut(demo::ACCOUNT).unwrap();
    /// demo_account.instances.extend((0..250).map(|n| Instance::sql_server(format!("rm-bulk-{n:03}"))));
    /// state.validate().unwrap();
    /// ```
    pub fn sql_server(id: impl Into<String>) -> Self {
        Instance::new(id, "SQLServer", "2019_std_ha", 100)
    }

    /// The database called `name`, compared as the instance's [`collation`](Self::collation) compares names.
    ///
    /// ```
    /// use rds_emulator::{demo, State};
    ///
    /// let state = State::demo();
    /// let source = state.instance(demo::SOURCE).unwrap(); // SQL Server, Chinese_PRC_CI_AS
    /// assert_eq!(source.database("SALES").unwrap().name, "sales");
    /// ```
    pub fn database(&self, name: &str) -> Option<&Database> {
        self.databases.iter().find(|db| self.same_name(&db.name, name))
    }

    /// The database account called `name`, compared as the engine compares account names (see
    /// [`same_account_name`](Self::same_account_name)).
    pub fn account(&self, name: &str) -> Option<&DbAccount> {
        self.accounts.iter().find(|account| self.same_account_name(&account.name, name))
    }

    /// The database account called `name`, to change it.
    pub fn account_mut(&mut self, name: &str) -> Option<&mut DbAccount> {
        let index = self.accounts.iter().position(|account| self.same_account_name(&account.name, name))?;
        self.accounts.get_mut(index)
    }

    /// Whether `a` and `b` name the same database account: SQL Server logins compare as the server collation
    /// compares names (like database names); MySQL, MariaDB and PostgreSQL account names are exact.
    pub fn same_account_name(&self, a: &str, b: &str) -> bool {
        if self.engine == "SQLServer" {
            self.same_name(a, b)
        } else {
            a == b
        }
    }

    /// Whether the instance's collation ignores the case of names: a SQL Server collation with `_CI` (the
    /// default `Chinese_PRC_CI_AS` included).
    pub fn names_ignore_case(&self) -> bool {
        match &self.collation {
            Some(collation) => {
                let upper = collation.to_ascii_uppercase();
                upper.contains("_CI_") || upper.ends_with("_CI")
            }
            None => self.engine == "SQLServer",
        }
    }

    /// Whether `a` and `b` name the same database on this instance.
    pub fn same_name(&self, a: &str, b: &str) -> bool {
        self.name_comparison()(a, b)
    }

    /// [`same_name`](Self::same_name) detached from the instance, for use while the instance is being changed.
    pub(crate) fn name_comparison(&self) -> impl Fn(&str, &str) -> bool + Copy {
        let ignore_case = self.names_ignore_case();
        move |a: &str, b: &str| a == b || (ignore_case && a.to_lowercase() == b.to_lowercase())
    }

    /// Storage capacity minus used storage, in bytes.
    pub fn free_bytes(&self) -> i64 {
        self.storage_gb.saturating_mul(1 << 30).saturating_sub(self.used_bytes)
    }
}

/// A database of an instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// Name, unique within its instance.
    pub name: String,
    /// `Running`, `Creating`, `Deleting`, `Cold`. Default `Running`.
    #[serde(default = "default_status")]
    pub status: String,
    /// Size in bytes.
    #[serde(default)]
    pub size_bytes: i64,
    /// Character set (collation for SQL Server). Default `Chinese_PRC_CI_AS`.
    #[serde(default = "default_character_set")]
    pub character_set: String,
    /// Description, shown as `DBDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Where an import is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportStatus {
    /// Both instances are busy until `finishes_at`.
    Running,
    /// The databases were copied and both instances are `Running` again.
    Success,
    /// Stopped by CancelImport before its end: both instances are `Running` again and the destination got
    /// none of the databases.
    Cancelled,
}

/// One ImportDatabaseBetweenInstances call that was accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Import {
    /// The ImportId returned to the caller.
    pub id: u64,
    /// The account that started it (both instances belong to it).
    pub account: String,
    /// Source instance ID.
    pub source: String,
    /// Destination instance ID.
    pub destination: String,
    /// What is copied, as it was on the source when the import started.
    pub databases: Vec<ImportedDatabase>,
    /// When it started (emulator clock).
    #[serde(with = "rfc3339")]
    pub started_at: SystemTime,
    /// When it ends (emulator clock); for a cancelled import, when it would have ended.
    #[serde(with = "rfc3339")]
    pub finishes_at: SystemTime,
    /// Running, done or cancelled.
    pub status: ImportStatus,
}

/// One database of an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportedDatabase {
    /// Name on the source.
    pub source_name: String,
    /// Name it gets on the destination.
    pub destination_name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Character set.
    pub character_set: String,
}

/// Why a state could not be loaded, saved or accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The YAML is not a state.
    #[error("invalid state YAML: {0}")]
    Yaml(#[from] serde_yaml::Error),
    /// The state contradicts itself (duplicate ids, an STS key not starting with `STS.`, …).
    #[error("inconsistent state: {0}")]
    Invalid(String),
    /// The emulator was asked to save its state but has no file to save it to
    /// ([`Emulator::save_path`](crate::Emulator::save_path)).
    #[error("the emulator has no file to save its state to (Emulator::save_path, or the binary's --state FILE)")]
    NoSavePath,
}

/// An AccessKey ID resolved to its account and secret.
#[derive(Clone, Copy)]
pub(crate) struct KeyRef<'a> {
    pub(crate) account: &'a str,
    pub(crate) secret: &'a str,
    /// Set for STS credentials, whose token must be checked.
    pub(crate) sts: Option<&'a StsCredential>,
}

impl State {
    /// The built-in demo state (see [`crate::demo`]).
    pub fn demo() -> Self {
        crate::demo::state()
    }

    /// Parses a YAML state and checks it.
    pub fn from_yaml(text: &str) -> Result<Self, StateError> {
        let state: State = serde_yaml::from_str(text)?;
        state.validate()?;
        Ok(state)
    }

    /// Reads and checks a YAML state file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, StateError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| StateError::Io { path: path.to_owned(), source })?;
        Self::from_yaml(&text)
    }

    /// The state as YAML (secrets included: it is the emulator's own data).
    pub fn to_yaml(&self) -> Result<String, StateError> {
        Ok(serde_yaml::to_string(self)?)
    }

    /// Writes the state as YAML to `path`, atomically: to a temporary file in the same directory first, which
    /// is flushed to disk (fsync) and then renamed over `path`. A process killed at any moment leaves either the
    /// old file or the new one, never a part of one (at worst a stray `.NAME.*.tmp` file beside it).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), StateError> {
        let path = path.as_ref();
        write_atomically(path, self.to_yaml()?.as_bytes())
            .map_err(|source| StateError::Io { path: path.to_owned(), source })
    }

    /// How long an import runs on the emulator clock.
    pub fn migration_duration(&self) -> Duration {
        Duration::from_secs(self.settings.migration_seconds.unwrap_or(DEFAULT_MIGRATION_SECONDS))
    }

    /// Checks that ids are unique where the service needs them to be: account names, AccessKey IDs and
    /// security tokens across all accounts, instance IDs across all accounts, database names and database
    /// account names per instance; that STS AccessKey IDs start with `STS.` and permanent ones do not; and that
    /// every privilege of a database account is on a database of its instance, at most one per database.
    pub fn validate(&self) -> Result<(), StateError> {
        fn unique<'a>(seen: &mut HashSet<&'a str>, what: &str, value: &'a str) -> Result<(), StateError> {
            if value.is_empty() {
                return Err(StateError::Invalid(format!("empty {what}")));
            }
            if !seen.insert(value) {
                return Err(StateError::Invalid(format!("duplicate {what} {value:?}")));
            }
            Ok(())
        }
        let (mut names, mut keys, mut tokens, mut instances) =
            (HashSet::new(), HashSet::new(), HashSet::new(), HashSet::new());
        for account in &self.accounts {
            unique(&mut names, "account name", &account.name)?;
            for key in &account.access_keys {
                if key.id.starts_with("STS.") {
                    return Err(StateError::Invalid(format!(
                        "AccessKey ID {:?} of account {:?} starts with STS.; list it under sts_credentials",
                        key.id, account.name
                    )));
                }
                unique(&mut keys, "AccessKey ID", &key.id)?;
            }
            for sts in &account.sts_credentials {
                if !sts.access_key_id.starts_with("STS.") {
                    return Err(StateError::Invalid(format!(
                        "STS AccessKey ID {:?} of account {:?} must start with STS.",
                        sts.access_key_id, account.name
                    )));
                }
                unique(&mut keys, "AccessKey ID", &sts.access_key_id)?;
                // Tokens are not printed: they are credentials.
                if !tokens.insert(sts.security_token.as_str()) || sts.security_token.is_empty() {
                    return Err(StateError::Invalid(format!(
                        "the security token of {:?} is empty or also used by another STS credential",
                        sts.access_key_id
                    )));
                }
            }
            for instance in &account.instances {
                unique(&mut instances, "instance ID", &instance.id)?;
                // Names are unique as the instance's collation compares them.
                let folded: Vec<String> = instance
                    .databases
                    .iter()
                    .map(|db| if instance.names_ignore_case() { db.name.to_lowercase() } else { db.name.clone() })
                    .collect();
                let mut databases = HashSet::new();
                for (db, key) in instance.databases.iter().zip(&folded) {
                    if !databases.insert(key.as_str()) || db.name.is_empty() {
                        return Err(StateError::Invalid(format!(
                            "empty or duplicate database name on {} {:?} (its collation {} case)",
                            instance.id,
                            db.name,
                            if instance.names_ignore_case() { "ignores" } else { "respects" }
                        )));
                    }
                }
                validate_db_accounts(instance)?;
            }
        }
        Ok(())
    }

    /// The account called `name`.
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// The account called `name`, to change it.
    pub fn account_mut(&mut self, name: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.name == name)
    }

    /// The instance `id` of any account (tests use it to look behind the scenes).
    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.accounts.iter().flat_map(|a| &a.instances).find(|i| i.id == id)
    }

    /// The instance `id` of any account, to change it.
    pub fn instance_mut(&mut self, id: &str) -> Option<&mut Instance> {
        self.accounts.iter_mut().flat_map(|a| &mut a.instances).find(|i| i.id == id)
    }

    /// The import with this ImportId.
    pub fn import(&self, id: u64) -> Option<&Import> {
        self.imports.iter().find(|i| i.id == id)
    }

    pub(crate) fn find_key(&self, access_key_id: &str) -> Option<KeyRef<'_>> {
        self.accounts.iter().find_map(|account| {
            let permanent = account.access_keys.iter().find(|k| k.id == access_key_id).map(|k| KeyRef {
                account: &account.name,
                secret: &k.secret,
                sts: None,
            });
            permanent.or_else(|| {
                account.sts_credentials.iter().find(|s| s.access_key_id == access_key_id).map(|s| KeyRef {
                    account: &account.name,
                    secret: &s.access_key_secret,
                    sts: Some(s),
                })
            })
        })
    }

    pub(crate) fn is_security_token(&self, token: &str) -> bool {
        self.accounts.iter().flat_map(|a| &a.sts_credentials).any(|s| s.security_token == token)
    }
}

/// The database accounts of `instance`: non-empty names unique as the engine compares them, each privilege on a
/// database of the instance, at most one privilege per database.
fn validate_db_accounts(instance: &Instance) -> Result<(), StateError> {
    for (index, account) in instance.accounts.iter().enumerate() {
        let twin =
            instance.accounts[..index].iter().any(|other| instance.same_account_name(&other.name, &account.name));
        if account.name.is_empty() || twin {
            return Err(StateError::Invalid(format!(
                "empty or duplicate database account name on {} {:?}",
                instance.id, account.name
            )));
        }
        for (index, grant) in account.privileges.iter().enumerate() {
            if instance.database(&grant.database).is_none() {
                return Err(StateError::Invalid(format!(
                    "database account {:?} of {} has a privilege on {:?}, which is not a database of the instance",
                    account.name, instance.id, grant.database
                )));
            }
            if account.privileges[..index].iter().any(|other| instance.same_name(&other.database, &grant.database)) {
                return Err(StateError::Invalid(format!(
                    "database account {:?} of {} has two privileges on {:?}",
                    account.name, instance.id, grant.database
                )));
            }
        }
    }
    Ok(())
}

impl Account {
    /// The account's instance `id`.
    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|i| i.id == id)
    }

    /// The account's instance `id`, to change it.
    pub fn instance_mut(&mut self, id: &str) -> Option<&mut Instance> {
        self.instances.iter_mut().find(|i| i.id == id)
    }
}

/// Writes `bytes` to a new temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
/// directory, so that `path` always holds a whole file, the old one or the new one.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;

    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"))?
        .to_string_lossy();
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
        return written;
    }
    // The rename itself is durable once the directory is synced (Unix; elsewhere a directory cannot be opened).
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// `SystemTime` as an RFC 3339 UTC string with milliseconds (`2024-05-01T10:00:00.000Z`).
mod rfc3339 {
    use std::time::SystemTime;

    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&humantime::format_rfc3339_millis(*time))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let text = String::deserialize(d)?;
        humantime::parse_rfc3339_weak(&text).map_err(D::Error::custom)
    }
}

mod rfc3339_option {
    use std::time::SystemTime;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(time: &Option<SystemTime>, s: S) -> Result<S::Ok, S::Error> {
        match time {
            Some(time) => super::rfc3339::serialize(time, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
        #[derive(Deserialize)]
        struct Wrapped(#[serde(with = "super::rfc3339")] SystemTime);
        Ok(Option::<Wrapped>::deserialize(d)?.map(|Wrapped(t)| t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_yaml_gets_defaults() {
        let state = State::from_yaml(
            r#"
accounts:
  - name: a
    access_keys: [{ id: ak, secret: sk }]
    instances:
      - { id: rm-1, engine: SQLServer, engine_version: 2019_std_ha, storage_gb: 20, databases: [{ name: db }] }
"#,
        )
        .unwrap();
        let instance = state.instance("rm-1").unwrap();
        assert_eq!(instance.status, "Running");
        assert_eq!(instance.lock_mode, "Unlock");
        assert_eq!(instance.class_type, "d");
        assert_eq!(instance.region_id, "cn-hangzhou");
        assert_eq!(instance.databases[0].status, "Running");
        assert_eq!(instance.free_bytes(), 20 << 30);
        assert_eq!(state.next_import_id, FIRST_IMPORT_ID);
        assert_eq!(state.migration_duration(), Duration::from_secs(DEFAULT_MIGRATION_SECONDS));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = State::from_yaml("accounts: []\nsurprise: 1\n").unwrap_err();
        assert!(err.to_string().contains("surprise"), "{err}");
    }

    #[test]
    fn inconsistencies_are_refused() {
        let dup = r#"
accounts:
  - { name: a, instances: [{ id: rm-1, engine: MySQL, engine_version: "8.0", storage_gb: 1 }] }
  - { name: b, instances: [{ id: rm-1, engine: MySQL, engine_version: "8.0", storage_gb: 1 }] }
"#;
        assert!(State::from_yaml(dup).unwrap_err().to_string().contains("duplicate instance ID \"rm-1\""));
        let sts = r#"
accounts:
  - { name: a, sts_credentials: [{ access_key_id: plain, access_key_secret: s, security_token: t }] }
"#;
        assert!(State::from_yaml(sts).unwrap_err().to_string().contains("must start with STS."));
        let token = r#"
accounts:
  - name: a
    sts_credentials:
      - { access_key_id: STS.1, access_key_secret: s, security_token: same-token }
      - { access_key_id: STS.2, access_key_secret: s, security_token: same-token }
"#;
        let err = State::from_yaml(token).unwrap_err().to_string();
        assert!(err.contains("security token") && !err.contains("same-token"), "{err}");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let state = State::demo();
        let text = format!("{state:?}");
        assert!(text.contains(crate::demo::ACCESS_KEY_ID));
        assert!(!text.contains(crate::demo::ACCESS_KEY_SECRET), "{text}");
        assert!(!text.contains(crate::demo::STS_SECURITY_TOKEN));
        assert!(!text.contains(crate::demo::STS_ACCESS_KEY_SECRET));
    }

    #[test]
    fn sts_expiration_round_trips() {
        let mut state = State::demo();
        let expiration = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        state.accounts[0].sts_credentials[0].expiration = Some(expiration);
        let back = State::from_yaml(&state.to_yaml().unwrap()).unwrap();
        assert_eq!(back, state);
        assert!(back.accounts[0].sts_credentials[0].expired_at(expiration));
    }
}
