//! The service's documented rules for what a caller names and chooses, per engine: database and account
//! names, passwords, descriptions, character sets and privileges (the CreateDatabase, CreateAccount and
//! GrantAccountPrivilege references). Each check returns the error RDS answers when the rule is broken.

use crate::errors::ApiError;
use crate::state::Instance;

/// The engines whose rules differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    MySql,
    MariaDb,
    SqlServer,
    PostgreSql,
    /// An engine a state file names that RDS does not have: MySQL's rules, without its capitals.
    Other,
}

impl Engine {
    pub(crate) fn of(instance: &Instance) -> Self {
        match instance.engine.to_ascii_lowercase().as_str() {
            "mysql" => Engine::MySql,
            "mariadb" => Engine::MariaDb,
            "sqlserver" => Engine::SqlServer,
            "postgresql" => Engine::PostgreSql,
            _ => Engine::Other,
        }
    }
}

// ---- database names -------------------------------------------------------------------------------------

/// Longest database name (CreateDatabase).
const MAX_DB_NAME_CHARS: usize = 64;
/// Shortest database name (idem).
const MIN_DB_NAME_CHARS: usize = 2;
/// SQL Server's own databases, which no user database may be called (in any case).
const SQLSERVER_SYSTEM_DATABASES: [&str; 6] = ["master", "model", "msdb", "tempdb", "resource", "distribution"];
/// MySQL's and MariaDB's own schemas.
const MYSQL_SYSTEM_DATABASES: [&str; 4] = ["mysql", "information_schema", "performance_schema", "sys"];
/// PostgreSQL's own databases.
const POSTGRESQL_SYSTEM_DATABASES: [&str; 3] = ["postgres", "template0", "template1"];

/// Why `name` cannot be a database name on SQL Server, if it cannot: 2 to 64 characters, letters, digits,
/// underscores and hyphens, starting with a letter and ending with a letter or a digit (CreateDatabase's
/// rules; SQL Server keeps the case of a name, so capitals are accepted), and not a system database.
///
/// The import's rule for destination names, where every problem is `InvalidDBName.Format`.
pub(crate) fn sqlserver_db_name_problem(name: &str) -> Option<String> {
    db_name_format_problem(name, true).or_else(|| {
        SQLSERVER_SYSTEM_DATABASES
            .iter()
            .any(|system| system.eq_ignore_ascii_case(name))
            .then(|| "it is the name of a SQL Server system database".into())
    })
}

/// CreateDatabase's rules for `name` on `instance`: `InvalidDBName.Format` when it breaks the naming rules
/// (capitals only on SQL Server, which keeps the case of names; the other engines take lowercase names),
/// `InvalidDBName.Forbid` when it is one of the engine's own databases.
pub(crate) fn check_db_name(instance: &Instance, name: &str) -> Result<(), ApiError> {
    let engine = Engine::of(instance);
    if let Some(why) = db_name_format_problem(name, engine == Engine::SqlServer) {
        return Err(ApiError::database_name_format(name, &why));
    }
    let system: &[&str] = match engine {
        Engine::SqlServer => &SQLSERVER_SYSTEM_DATABASES,
        Engine::MySql | Engine::MariaDb | Engine::Other => &MYSQL_SYSTEM_DATABASES,
        Engine::PostgreSql => &POSTGRESQL_SYSTEM_DATABASES,
    };
    if system.iter().any(|system| system.eq_ignore_ascii_case(name)) {
        return Err(ApiError::database_name_forbidden(name));
    }
    Ok(())
}

fn db_name_format_problem(name: &str, capitals: bool) -> Option<String> {
    let chars = name.chars().count();
    if !(MIN_DB_NAME_CHARS..=MAX_DB_NAME_CHARS).contains(&chars) {
        return Some(format!("it is {chars} characters long; a name has {MIN_DB_NAME_CHARS} to {MAX_DB_NAME_CHARS}"));
    }
    let letter = |c: char| c.is_ascii_lowercase() || (capitals && c.is_ascii_uppercase());
    if let Some(bad) = name.chars().find(|&c| !(letter(c) || c.is_ascii_digit() || c == '_' || c == '-')) {
        let letters = if capitals { "letters" } else { "lowercase letters" };
        return Some(format!(
            "it contains {bad:?}; a name may contain only {letters}, digits, underscores (_) and hyphens (-)"
        ));
    }
    if !name.starts_with(letter) {
        return Some("it must start with a letter".into());
    }
    if !name.ends_with(|c: char| letter(c) || c.is_ascii_digit()) {
        return Some("it must end with a letter or a digit".into());
    }
    None
}

// ---- account names ----------------------------------------------------------------------------------------

/// Names no account may have on any engine: the examples of DescribeInstanceKeywords (`Key=account`) and
/// the usual superuser names.
const FORBIDDEN_ACCOUNT_NAMES: [&str; 5] = ["admin", "administrator", "dbo", "login", "root"];
/// SQL Server's built-in logins and roles.
const SQLSERVER_FORBIDDEN_ACCOUNT_NAMES: [&str; 4] = ["sa", "guest", "public", "sysadmin"];
/// The accounts RDS itself keeps on MySQL and MariaDB instances, and MySQL's own schema.
const MYSQL_FORBIDDEN_ACCOUNT_NAMES: [&str; 5] = ["aliyun_root", "aurora", "eagleye", "replicator", "mysql"];
/// PostgreSQL's superuser, and the accounts RDS keeps on PostgreSQL instances.
const POSTGRESQL_FORBIDDEN_ACCOUNT_NAMES: [&str; 3] = ["postgres", "aurora", "replicator"];

/// CreateAccount's rules for `name` on `instance`: lowercase letters (and capitals on MySQL), digits and
/// underscores, starting with a letter and ending with a letter or a digit, 2 to 16 characters on MySQL 5.6
/// and MariaDB, 32 on other MySQL versions, 63 on PostgreSQL (which also refuses names starting with `pg`),
/// 64 on SQL Server (`InvalidAccountName.Format`); and not a keyword (`InvalidAccountName.Forbid`).
pub(crate) fn check_account_name(instance: &Instance, name: &str) -> Result<(), ApiError> {
    let engine = Engine::of(instance);
    let max = match engine {
        Engine::MySql if instance.engine_version == "5.6" => 16,
        Engine::MySql | Engine::Other => 32,
        Engine::MariaDb => 16,
        Engine::PostgreSql => 63,
        Engine::SqlServer => 64,
    };
    let capitals = engine == Engine::MySql;
    let letter = |c: char| c.is_ascii_lowercase() || (capitals && c.is_ascii_uppercase());
    let format = |why: String| Err(ApiError::account_name_format(name, &why));
    let chars = name.chars().count();
    if !(2..=max).contains(&chars) {
        return format(format!("it is {chars} characters long; on {} a name has 2 to {max}", instance.engine));
    }
    if let Some(bad) = name.chars().find(|&c| !(letter(c) || c.is_ascii_digit() || c == '_')) {
        let letters = if capitals { "letters" } else { "lowercase letters" };
        return format(format!("it contains {bad:?}; a name may contain only {letters}, digits and underscores (_)"));
    }
    if !name.starts_with(letter) {
        return format("it must start with a letter".into());
    }
    if !name.ends_with(|c: char| letter(c) || c.is_ascii_digit()) {
        return format("it must end with a letter or a digit".into());
    }
    if engine == Engine::PostgreSql && name.starts_with("pg") {
        return format("on PostgreSQL it must not start with pg".into());
    }
    let engine_names: &[&str] = match engine {
        Engine::SqlServer => &SQLSERVER_FORBIDDEN_ACCOUNT_NAMES,
        Engine::MySql | Engine::MariaDb | Engine::Other => &MYSQL_FORBIDDEN_ACCOUNT_NAMES,
        Engine::PostgreSql => &POSTGRESQL_FORBIDDEN_ACCOUNT_NAMES,
    };
    if FORBIDDEN_ACCOUNT_NAMES.iter().chain(engine_names).any(|keyword| keyword.eq_ignore_ascii_case(name)) {
        return Err(ApiError::account_name_forbidden(name));
    }
    Ok(())
}

// ---- passwords --------------------------------------------------------------------------------------------

/// The special characters a password may contain (CreateAccount, ResetAccountPassword).
pub(crate) const PASSWORD_SPECIALS: &str = "!@#$%^&*()_+-=";

/// CreateAccount's and ResetAccountPassword's rules: 8 to 32 characters, each an uppercase or lowercase
/// letter, a digit or one of [`PASSWORD_SPECIALS`], with at least three of those four kinds
/// (`InvalidAccountPassword.Format`). The error never repeats the password.
pub(crate) fn check_password(password: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    if !(8..=32).contains(&chars) {
        return Err(ApiError::account_password_format(&format!("it must be 8 to 32 characters long, not {chars}")));
    }
    if password.chars().any(|c| !(c.is_ascii_alphanumeric() || PASSWORD_SPECIALS.contains(c))) {
        return Err(ApiError::account_password_format(&format!(
            "it may contain only letters, digits and the special characters {PASSWORD_SPECIALS}"
        )));
    }
    let kinds = [
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| PASSWORD_SPECIALS.contains(c)),
    ];
    if kinds.iter().filter(|&&kind| kind).count() < 3 {
        return Err(ApiError::account_password_format(
            "it must contain at least three of: uppercase letters, lowercase letters, digits, special characters",
        ));
    }
    Ok(())
}

// ---- descriptions ------------------------------------------------------------------------------------------

/// Why `text` cannot be a database or account description, if it cannot: 2 to 256 characters, starting with
/// a letter (Chinese characters count), and not starting with `http://` or `https://`.
pub(crate) fn description_problem(text: &str) -> Option<String> {
    let chars = text.chars().count();
    if !(2..=256).contains(&chars) {
        return Some(format!("it is {chars} characters long; a description has 2 to 256"));
    }
    if !text.starts_with(char::is_alphabetic) {
        return Some("it must start with a letter".into());
    }
    if text.starts_with("http://") || text.starts_with("https://") {
        return Some("it must not start with http:// or https://".into());
    }
    None
}

// ---- character sets ----------------------------------------------------------------------------------------

const MYSQL_CHARACTER_SETS: [&str; 4] = ["utf8", "gbk", "latin1", "utf8mb4"];
const SQLSERVER_COLLATIONS: [&str; 5] = [
    "Chinese_PRC_CI_AS",
    "Chinese_PRC_CS_AS",
    "SQL_Latin1_General_CP1_CI_AS",
    "SQL_Latin1_General_CP1_CS_AS",
    "Chinese_PRC_BIN",
];
const POSTGRESQL_ENCODINGS: [&str; 34] = [
    "KOI8U",
    "UTF8",
    "WIN866",
    "WIN874",
    "WIN1250",
    "WIN1251",
    "WIN1252",
    "WIN1253",
    "WIN1254",
    "WIN1255",
    "WIN1256",
    "WIN1257",
    "WIN1258",
    "EUC_CN",
    "EUC_KR",
    "EUC_TW",
    "EUC_JP",
    "EUC_JIS_2004",
    "KOI8R",
    "MULE_INTERNAL",
    "LATIN1",
    "LATIN2",
    "LATIN3",
    "LATIN4",
    "LATIN5",
    "LATIN6",
    "LATIN7",
    "LATIN8",
    "LATIN9",
    "LATIN10",
    "ISO_8859_5",
    "ISO_8859_6",
    "ISO_8859_7",
    "SQL_ASCII",
];

/// CreateDatabase's `CharacterSetName` on `instance`: one of MySQL's (and MariaDB's) `utf8`, `gbk`, `latin1`,
/// `utf8mb4`; one of the five SQL Server collations; on PostgreSQL an encoding, alone or as
/// `<encoding>,<collate>,<ctype>` (`InvalidCharacterSetName.Format`).
pub(crate) fn check_character_set(instance: &Instance, name: &str) -> Result<(), ApiError> {
    let valid = match Engine::of(instance) {
        Engine::MySql | Engine::MariaDb | Engine::Other => MYSQL_CHARACTER_SETS.contains(&name),
        Engine::SqlServer => SQLSERVER_COLLATIONS.contains(&name),
        Engine::PostgreSql => {
            let parts: Vec<&str> = name.split(',').collect();
            POSTGRESQL_ENCODINGS.contains(&parts[0])
                && (parts.len() == 1 || (parts.len() == 3 && parts[1..].iter().all(|part| !part.is_empty())))
        }
    };
    if valid {
        Ok(())
    } else {
        Err(ApiError::character_set_format(name, &instance.engine))
    }
}

// ---- privileges ----------------------------------------------------------------------------------------------

/// The privileges an account may get on a database of `instance`: `ReadWrite`, `ReadOnly`, `DDLOnly` and
/// `DMLOnly` on MySQL and MariaDB; `ReadWrite`, `ReadOnly` and `DBOwner` on SQL Server; `DBOwner` on
/// PostgreSQL.
pub(crate) fn privileges(instance: &Instance) -> &'static [&'static str] {
    match Engine::of(instance) {
        Engine::MySql | Engine::MariaDb | Engine::Other => &["ReadWrite", "ReadOnly", "DDLOnly", "DMLOnly"],
        Engine::SqlServer => &["ReadWrite", "ReadOnly", "DBOwner"],
        Engine::PostgreSql => &["DBOwner"],
    }
}

/// `privilege` if `instance`'s engine has it, else `InvalidAccountPrivilege.Malformed`.
pub(crate) fn check_privilege(instance: &Instance, privilege: &str) -> Result<(), ApiError> {
    let allowed = privileges(instance);
    if allowed.contains(&privilege) {
        Ok(())
    } else {
        Err(ApiError::account_privilege_malformed(privilege, &instance.engine, allowed))
    }
}

/// `AccountPrivilegeDetail`: what `privilege` means in the engine's own terms (MySQL's as the service's
/// DescribeAccounts example shows them; SQL Server's as its database roles).
pub(crate) fn privilege_detail(instance: &Instance, privilege: &str) -> &'static str {
    match (Engine::of(instance), privilege) {
        (Engine::SqlServer, "ReadWrite") => "db_datareader,db_datawriter,db_ddladmin",
        (Engine::SqlServer, "ReadOnly") => "db_datareader",
        (Engine::SqlServer, "DBOwner") => "db_owner",
        (Engine::PostgreSql, _) => "OWNER",
        (_, "ReadWrite") => {
            "SELECT,INSERT,UPDATE,DELETE,CREATE,DROP,REFERENCES,INDEX,ALTER,CREATE TEMPORARY TABLES,LOCK TABLES,\
             EXECUTE,CREATE VIEW,SHOW VIEW,CREATE ROUTINE,ALTER ROUTINE,EVENT,TRIGGER"
        }
        (_, "ReadOnly") => "SELECT,LOCK TABLES,SHOW VIEW",
        (_, "DDLOnly") => {
            "CREATE,DROP,INDEX,ALTER,CREATE TEMPORARY TABLES,LOCK TABLES,CREATE VIEW,SHOW VIEW,CREATE ROUTINE,\
             ALTER ROUTINE"
        }
        (_, "DMLOnly") => {
            "SELECT,INSERT,UPDATE,DELETE,CREATE TEMPORARY TABLES,LOCK TABLES,EXECUTE,SHOW VIEW,EVENT,TRIGGER"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T>(result: Result<T, ApiError>) -> String {
        result.err().map(|e| e.code).unwrap_or_default()
    }

    #[test]
    fn account_names_follow_each_engine() {
        let sql = Instance::sql_server("rm-1");
        let mysql = Instance::new("rm-2", "MySQL", "8.0", 20);
        let mysql56 = Instance::new("rm-3", "MySQL", "5.6", 20);
        let pg = Instance::new("rm-4", "PostgreSQL", "16.0", 20);
        assert!(check_account_name(&sql, "app_user1").is_ok());
        assert_eq!(code(check_account_name(&sql, "App")), "InvalidAccountName.Format");
        assert!(check_account_name(&mysql, "App").is_ok());
        assert_eq!(code(check_account_name(&sql, "a")), "InvalidAccountName.Format");
        assert_eq!(code(check_account_name(&sql, "1app")), "InvalidAccountName.Format");
        assert_eq!(code(check_account_name(&sql, "app_")), "InvalidAccountName.Format");
        assert_eq!(code(check_account_name(&sql, "app-user")), "InvalidAccountName.Format");
        assert!(check_account_name(&mysql, &"a".repeat(32)).is_ok());
        assert_eq!(code(check_account_name(&mysql56, &"a".repeat(17))), "InvalidAccountName.Format");
        assert!(check_account_name(&sql, &"a".repeat(64)).is_ok());
        assert_eq!(code(check_account_name(&pg, "pgadmin")), "InvalidAccountName.Format");
        assert_eq!(code(check_account_name(&sql, "sa")), "InvalidAccountName.Forbid");
        assert_eq!(code(check_account_name(&mysql, "Root")), "InvalidAccountName.Forbid");
    }

    #[test]
    fn passwords_need_length_and_three_kinds_and_are_never_repeated() {
        assert!(check_password("Test123456").is_ok());
        assert!(check_password("test_123456").is_ok());
        for bad in ["Te1!", "testtesttest", "TESTTEST1234", "Test 123456", "Tést123456", &"Aa1!".repeat(9)] {
            let err = check_password(bad).unwrap_err();
            assert_eq!(err.code, "InvalidAccountPassword.Format", "{bad}");
            assert!(!err.message.contains(bad), "{}", err.message);
        }
    }

    #[test]
    fn database_names_and_character_sets_follow_each_engine() {
        let sql = Instance::sql_server("rm-1");
        let mysql = Instance::new("rm-2", "MySQL", "8.0", 20);
        let pg = Instance::new("rm-4", "PostgreSQL", "16.0", 20);
        assert!(check_db_name(&sql, "Sales_2024").is_ok());
        assert_eq!(code(check_db_name(&mysql, "Sales")), "InvalidDBName.Format");
        assert_eq!(code(check_db_name(&sql, "TempDB")), "InvalidDBName.Forbid");
        assert_eq!(code(check_db_name(&pg, "template1")), "InvalidDBName.Forbid");
        assert_eq!(
            sqlserver_db_name_problem("MSDB").as_deref(),
            Some("it is the name of a SQL Server system database")
        );
        assert!(check_character_set(&sql, "Chinese_PRC_CI_AS").is_ok());
        assert_eq!(code(check_character_set(&sql, "utf8")), "InvalidCharacterSetName.Format");
        assert!(check_character_set(&mysql, "utf8mb4").is_ok());
        assert!(check_character_set(&pg, "UTF8,C,en_US.utf8").is_ok());
        assert_eq!(code(check_character_set(&pg, "UTF8,C")), "InvalidCharacterSetName.Format");
    }

    #[test]
    fn privileges_and_descriptions() {
        let sql = Instance::sql_server("rm-1");
        let pg = Instance::new("rm-4", "PostgreSQL", "16.0", 20);
        assert!(check_privilege(&sql, "DBOwner").is_ok());
        assert_eq!(code(check_privilege(&sql, "DDLOnly")), "InvalidAccountPrivilege.Malformed");
        assert_eq!(code(check_privilege(&pg, "ReadWrite")), "InvalidAccountPrivilege.Malformed");
        assert_eq!(privilege_detail(&sql, "ReadOnly"), "db_datareader");
        assert!(description_problem("Reporting database").is_none());
        assert!(description_problem("报表库").is_none());
        assert!(description_problem("x").is_some());
        assert!(description_problem("1st").is_some());
        assert!(description_problem("https://example.com").is_some());
    }
}
