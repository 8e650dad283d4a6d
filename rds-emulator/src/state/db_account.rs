//! The accounts of an instance's database engine (CreateAccount), their passwords and their privileges on
//! the instance's databases (GrantAccountPrivilege).
//!
//! Not to be confused with [`Account`](super::Account), the Alibaba Cloud account that owns instances.

use std::fmt;

use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// Account status values the emulator sets.
pub mod account_status {
    /// Usable: what CreateAccount leaves (the service's `Unavailable` while it creates one is not emulated).
    pub const AVAILABLE: &str = "Available";
}

/// A database account of an instance. `Debug` never shows the password (which is kept only as a salted hash
/// anyway).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbAccount {
    /// The account name, unique within its instance.
    pub name: String,
    /// The password, as a salted SHA-256 hash: the emulator never keeps the password itself, so no state
    /// file, control API answer or log can show it.
    pub password: Password,
    /// `Normal` (standard account), `Super` (privileged account) or `Sysadmin` (SQL Server). Default `Normal`.
    #[serde(default = "default_account_type")]
    pub account_type: String,
    /// `AccountStatus`: `Available`, … Default `Available`.
    #[serde(default = "default_account_status")]
    pub status: String,
    /// `AccountDescription`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// SQL Server's `CheckPolicy`: whether the engine applies its password policy to the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_policy: Option<bool>,
    /// The account's privileges, at most one per database of the instance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub privileges: Vec<Grant>,
}

fn default_account_type() -> String {
    "Normal".into()
}

fn default_account_status() -> String {
    account_status::AVAILABLE.into()
}

impl DbAccount {
    /// A standard (`Normal`), `Available` account with this password, no description and no privileges.
    ///
    /// ```
    /// use rds_emulator::DbAccount;
    ///
    /// let account = DbAccount::new("app", "Str0ng!pass");
    /// assert!(account.password.matches("Str0ng!pass"));
    /// assert!(!format!("{account:?}").contains("Str0ng!pass"));
    /// ```
    pub fn new(name: impl Into<String>, password: &str) -> Self {
        DbAccount {
            name: name.into(),
            password: Password::new(password),
            account_type: default_account_type(),
            status: default_account_status(),
            description: None,
            check_policy: None,
            privileges: Vec::new(),
        }
    }

    /// The account's privilege on database `name`, compared by `same_name` (the instance's way of comparing
    /// database names).
    pub fn privilege_on(&self, name: &str, same_name: impl Fn(&str, &str) -> bool) -> Option<&Grant> {
        self.privileges.iter().find(|grant| same_name(&grant.database, name))
    }

    /// Whether the account is privileged (`Super` or `Sysadmin`), so it holds every privilege already.
    pub fn is_privileged(&self) -> bool {
        self.account_type != "Normal"
    }
}

impl fmt::Debug for DbAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbAccount")
            .field("name", &self.name)
            .field("password", &self.password)
            .field("account_type", &self.account_type)
            .field("status", &self.status)
            .field("description", &self.description)
            .field("check_policy", &self.check_policy)
            .field("privileges", &self.privileges)
            .finish()
    }
}

/// A privilege of an account on one database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The database's name, as the instance has it.
    pub database: String,
    /// `ReadWrite`, `ReadOnly`, `DDLOnly`, `DMLOnly` or `DBOwner`.
    pub privilege: String,
}

/// A password as a salted SHA-256 hash: what the emulator keeps instead of the password.
///
/// In a state file it is the text `sha256:<salt>:<hash>` (hex). A state file written by hand may give the
/// password itself instead: any other text is taken for a password and hashed as it is loaded.
#[derive(Clone, PartialEq, Eq)]
pub struct Password {
    salt: String,
    digest: String,
}

/// How a stored hash starts.
const SCHEME: &str = "sha256";

impl Password {
    /// The hash of `password`, with a fresh random salt.
    pub fn new(password: &str) -> Self {
        let salt = uuid::Uuid::new_v4().simple().to_string();
        let digest = hash(&salt, password);
        Password { salt, digest }
    }

    /// Whether `candidate` is the password.
    pub fn matches(&self, candidate: &str) -> bool {
        // Both digests are hex strings of the same length; a timing difference would only tell a hash.
        hash(&self.salt, candidate) == self.digest
    }

    /// The stored form, `sha256:<salt>:<hash>`.
    fn stored(&self) -> String {
        format!("{SCHEME}:{}:{}", self.salt, self.digest)
    }

    /// Reads the stored form, if `text` is one.
    fn from_stored(text: &str) -> Option<Self> {
        let mut parts = text.split(':');
        let (scheme, salt, digest) = (parts.next()?, parts.next()?, parts.next()?);
        let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
        (scheme == SCHEME && parts.next().is_none() && hex(salt) && digest.len() == 64 && hex(digest))
            .then(|| Password { salt: salt.to_owned(), digest: digest.to_ascii_lowercase() })
    }
}

fn hash(salt: &str, password: &str) -> String {
    let digest = Sha256::new().chain_update(salt.as_bytes()).chain_update(b":").chain_update(password.as_bytes());
    digest.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Serialize for Password {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.stored())
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() {
            return Err(D::Error::custom("an account password must not be empty"));
        }
        Ok(Password::from_stored(&text).unwrap_or_else(|| Password::new(&text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_kept_only_as_a_salted_hash() {
        let password = Password::new("Secr3t!pw");
        assert!(password.matches("Secr3t!pw"));
        assert!(!password.matches("Secr3t!pW"));
        let stored = password.stored();
        assert!(stored.starts_with("sha256:") && !stored.contains("Secr3t"), "{stored}");
        // The same password hashes differently each time.
        assert_ne!(Password::new("Secr3t!pw").stored(), stored);
        assert_eq!(format!("{password:?}"), "Password(***)");
    }

    #[test]
    fn a_state_file_may_give_the_stored_form_or_a_plain_password() {
        let stored = Password::new("Secr3t!pw").stored();
        let back: Password = serde_json::from_value(serde_json::Value::String(stored.clone())).unwrap();
        assert_eq!(back.stored(), stored);
        let plain: Password = serde_json::from_value(serde_json::Value::String("Plain!pw1".into())).unwrap();
        assert!(plain.matches("Plain!pw1"));
        assert!(serde_json::from_value::<Password>(serde_json::Value::String(String::new())).is_err());
    }
}
