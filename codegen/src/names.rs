//! How wire names become Rust names, shared by `check` (which rejects names that would not compile) and the
//! modeller (which uses them), so that both always agree.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of the 2021 edition, strict and reserved, plus `gen` (reserved from 2024 on) so that generated
/// code keeps compiling after an edition bump.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that `r#` cannot escape: a name equal to one of these has to be replaced, not escaped.
const UNESCAPABLE_KEYWORDS: &[&str] = &["self", "Self", "super", "crate"];

/// The Rust name of a field or parameter: `DBInstanceId` -> `db_instance_id`, `proxyId` -> `proxy_id`.
pub fn rust_field_name(wire: &str) -> String {
    wire.to_snake_case()
}

/// The Rust name of a type, enum variant or error variant: `DBNames` -> `DbNames`, `Throttling.User` ->
/// `ThrottlingUser`.
pub fn rust_type_name(wire: &str) -> String {
    wire.to_upper_camel_case()
}

/// Names of the Rust prelude (2021, plus 2024's `Future` and `IntoFuture`) that a generated type must not
/// take: generated code writes `Result`, `Option`, `Some`, `String`, `Vec`, `Into`, ... unqualified, and a
/// type of the same name in its module would shadow them. Primitive types (`bool`, `i32`, ...) are not listed:
/// a type name is UpperCamelCase.
pub const PRELUDE_NAMES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Whether a generated type named `s` would shadow a name of the Rust prelude.
pub fn is_prelude_name(s: &str) -> bool {
    PRELUDE_NAMES.contains(&s)
}

/// The types generated for an operation whose Rust prefix is `prefix`, in its module: request, builder,
/// response, error.
pub fn operation_type_names(prefix: &str) -> [String; 4] {
    ["Request", "RequestBuilder", "Response", "Error"].map(|suffix| format!("{prefix}{suffix}"))
}

/// The name of the catch-all variant of a generated enum (a value the SDK does not know, kept as sent).
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// The Rust name of an enum value's variant: [`rust_type_name`], except that a value deriving `Unknown` (the
/// catch-all variant's name) becomes `UnknownValue`.
pub fn rust_enum_value_name(wire: &str) -> String {
    let name = rust_type_name(wire);
    if name == UNKNOWN_VARIANT {
        format!("{name}Value")
    } else {
        name
    }
}

/// Whether `s` is a Rust keyword (strict or reserved), which needs `r#` or another name.
pub fn is_rust_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

/// Whether `s` is a keyword that cannot be written as a raw identifier (`self`, `Self`, `super`, `crate`).
pub fn is_unescapable_keyword(s: &str) -> bool {
    UNESCAPABLE_KEYWORDS.contains(&s)
}

/// Whether `s` is an ASCII identifier (keywords included): a letter or `_` then letters, digits or `_`,
/// and not `_` alone.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts_well && s != "_" && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `s` is a snake_case identifier as rustc's `non_snake_case` lint wants it: lowercase words joined by
/// single underscores (`db_instance_id`).
pub fn is_snake_case(s: &str) -> bool {
    is_identifier(s)
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.contains("__")
        && !s.ends_with('_')
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether `s` is an UpperCamelCase identifier as rustc's `non_camel_case_types` lint wants it (`DbInfo`).
pub fn is_upper_camel_case(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_field_names() {
        assert_eq!(rust_field_name("DBInstanceId"), "db_instance_id");
        assert_eq!(rust_field_name("DbInstanceId"), "db_instance_id");
        assert_eq!(rust_field_name("proxyId"), "proxy_id");
    }

    #[test]
    fn derives_type_names() {
        assert_eq!(rust_type_name("DBNames"), "DbNames");
        assert_eq!(rust_type_name("InvalidDBInstanceId.NotFound"), "InvalidDbInstanceIdNotFound");
        assert_eq!(rust_type_name("Running"), "Running");
    }

    #[test]
    fn an_enum_value_never_derives_the_catch_all_name() {
        assert_eq!(rust_enum_value_name("Unknown"), "UnknownValue");
        assert_eq!(rust_enum_value_name("unknown"), "UnknownValue");
        assert_eq!(rust_enum_value_name("UNKNOWN"), "UnknownValue");
        assert_eq!(rust_enum_value_name("Running"), "Running");
    }

    #[test]
    fn knows_keywords() {
        assert!(is_rust_keyword("type"));
        assert!(is_rust_keyword("Self"));
        assert!(is_rust_keyword("gen"));
        assert!(!is_rust_keyword("kind"));
        assert!(is_unescapable_keyword("crate"));
        assert!(!is_unescapable_keyword("type"));
    }

    #[test]
    fn classifies_identifiers() {
        assert!(is_identifier("_x"));
        assert!(!is_identifier("_"));
        assert!(!is_identifier("2017Ent"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("ä"));
        assert!(is_snake_case("db_names2"));
        assert!(!is_snake_case("DbNames"));
        assert!(!is_snake_case("db__names"));
        assert!(!is_snake_case("db_"));
        assert!(is_upper_camel_case("DbNames"));
        assert!(is_upper_camel_case("DBInfo"));
        assert!(!is_upper_camel_case("Db_Names"));
        assert!(!is_upper_camel_case("dbNames"));
    }
}
