//! The aliyun CLI's profile file, `~/.aliyun/config.json`:
//!
//! ```json
//! { "current": "default",
//!   "profiles": [ { "name": "default", "mode": "AK", "access_key_id": "…", "access_key_secret": "…" } ] }
//! ```
//!
//! The file is read as untyped JSON and walked by hand, so that no message ever quotes a value from it other
//! than profile names and modes: a serde error about a mistyped field would quote the value, which may be a
//! secret.

use std::io;
use std::path::Path;

use serde_json::{Map, Value};

use super::chain::ENV_PROFILE;
use super::Credentials;

/// The modes this crate reads, as `aliyun configure` writes them (they are matched in any case).
const SUPPORTED: &str = "AK, StsToken";

/// The credentials of the chosen profile in the file at `path`, or why there are none. `chosen` is the
/// profile named by [`ENV_PROFILE`] (non-empty), if any.
pub(super) fn load(path: &Path, chosen: Option<String>) -> Result<Credentials, String> {
    let bytes = std::fs::read(path).map_err(|err| match err.kind() {
        io::ErrorKind::NotFound => "not found".to_owned(),
        _ => format!("could not be read: {err}"),
    })?;
    parse(&bytes, chosen)
}

/// The credentials of the chosen profile in the text of a profile file.
pub(super) fn parse(bytes: &[u8], chosen: Option<String>) -> Result<Credentials, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // serde_json's syntax errors give a position, never the text around it.
    let root: Value = serde_json::from_slice(bytes).map_err(|err| format!("is not valid JSON: {err}"))?;
    let Value::Object(root) = root else {
        return Err(format!("is not a JSON object (the top level is {})", kind(&root)));
    };

    let (name, chosen_by) = match chosen {
        Some(name) => (name, format!("chosen by {ENV_PROFILE}")),
        None => match root.get("current") {
            Some(Value::String(name)) if !name.is_empty() => (name.clone(), "the file's \"current\"".to_owned()),
            None | Some(Value::Null) | Some(Value::String(_)) => {
                return Err(format!("no profile chosen: {ENV_PROFILE} is not set and \"current\" is missing or empty"))
            }
            Some(other) => return Err(format!("\"current\" is {}, not a string", kind(other))),
        },
    };

    let profiles: &[Value] = match root.get("profiles") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(profiles)) => profiles,
        Some(other) => return Err(format!("\"profiles\" is {}, not an array", kind(other))),
    };
    let Some((_, profile)) = profiles.iter().filter_map(named).find(|(n, _)| *n == name) else {
        let names: Vec<String> = profiles.iter().filter_map(named).map(|(n, _)| format!("{n:?}")).collect();
        let has = if names.is_empty() { "no profiles".to_owned() } else { names.join(", ") };
        return Err(format!("profile {name:?} not found ({chosen_by}; the file has {has})"));
    };

    let mode = match profile.get("mode") {
        Some(Value::String(mode)) if !mode.is_empty() => mode.as_str(),
        None | Some(Value::Null) | Some(Value::String(_)) => {
            return Err(format!("profile {name:?} has no mode (supported: {SUPPORTED})"))
        }
        Some(other) => return Err(format!("profile {name:?}: \"mode\" is {}, not a string", kind(other))),
    };
    let field = |key: &str| text_field(profile, key).map_err(|why| format!("profile {name:?} (mode {mode}): {why}"));
    if mode.eq_ignore_ascii_case("AK") {
        Ok(Credentials::new(field("access_key_id")?, field("access_key_secret")?))
    } else if mode.eq_ignore_ascii_case("StsToken") {
        let credentials = Credentials::new(field("access_key_id")?, field("access_key_secret")?);
        Ok(credentials.with_security_token(field("sts_token")?))
    } else {
        let shown = if mode.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            mode.to_owned()
        } else {
            format!("{mode:?}")
        };
        Err(format!("profile {name:?}: mode {shown} is not supported (supported: {SUPPORTED})"))
    }
}

/// A profile with its name; `None` for anything that is not an object with a string `name`.
fn named(profile: &Value) -> Option<(&str, &Map<String, Value>)> {
    let profile = profile.as_object()?;
    Some((profile.get("name")?.as_str()?, profile))
}

/// A non-empty string field; the error names the field and the JSON type found, never the value.
fn text_field(profile: &Map<String, Value>, key: &str) -> Result<String, String> {
    match profile.get(key) {
        // Trimmed: the value is sent, signed and redacted as the service will read it.
        Some(Value::String(value)) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        None | Some(Value::Null) | Some(Value::String(_)) => Err(format!("{key} is missing or empty")),
        Some(other) => Err(format!("{key} is {}, not a string", kind(other))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str, chosen: Option<&str>) -> Result<Credentials, String> {
        parse(text.as_bytes(), chosen.map(str::to_owned))
    }

    #[test]
    fn modes_in_any_case_and_a_bom() {
        let text = "\u{feff}{\"current\":\"a\",\"profiles\":[{\"name\":\"a\",\"mode\":\"ak\",\"access_key_id\":\"i\",\"access_key_secret\":\"s\"},{\"name\":\"b\",\"mode\":\"STSTOKEN\",\"access_key_id\":\"i2\",\"access_key_secret\":\"s2\",\"sts_token\":\"t\"}]}";
        let a = parse_str(text, None).unwrap();
        assert_eq!((a.access_key_id(), a.access_key_secret(), a.security_token()), ("i", "s", None));
        let b = parse_str(text, Some("b")).unwrap();
        assert_eq!((b.access_key_id(), b.access_key_secret(), b.security_token()), ("i2", "s2", Some("t")));
    }

    #[test]
    fn first_profile_of_a_name_wins() {
        let text = r#"{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"first","access_key_secret":"s"},{"name":"a","mode":"AK","access_key_id":"second","access_key_secret":"s"}]}"#;
        assert_eq!(parse_str(text, None).unwrap().access_key_id(), "first");
    }

    #[test]
    fn shapes_are_reported_without_values() {
        let cases = [
            ("[1]", None, "is not a JSON object (the top level is an array)"),
            (
                r#"{"profiles":[]}"#,
                None,
                "no profile chosen: ALIBABA_CLOUD_PROFILE is not set and \"current\" is missing or empty",
            ),
            (r#"{"current":7}"#, None, "\"current\" is a number, not a string"),
            (r#"{"current":"a"}"#, None, "profile \"a\" not found (the file's \"current\"; the file has no profiles)"),
            (r#"{"current":"a","profiles":{"SECRET":1}}"#, None, "\"profiles\" is an object, not an array"),
            (
                r#"{"current":"a","profiles":[{"name":"b"},{"name":"c"},"SECRET",{"name":9}]}"#,
                Some("x"),
                "profile \"x\" not found (chosen by ALIBABA_CLOUD_PROFILE; the file has \"b\", \"c\")",
            ),
            (
                r#"{"current":"a","profiles":[{"name":"a"}]}"#,
                None,
                "profile \"a\" has no mode (supported: AK, StsToken)",
            ),
            (
                r#"{"current":"a","profiles":[{"name":"a","mode":["SECRET"]}]}"#,
                None,
                "profile \"a\": \"mode\" is an array, not a string",
            ),
            (
                r#"{"current":"a","profiles":[{"name":"a","mode":"Ram Role"}]}"#,
                None,
                "profile \"a\": mode \"Ram Role\" is not supported (supported: AK, StsToken)",
            ),
            (
                r#"{"current":"a","profiles":[{"name":"a","mode":"AK","access_key_id":"i","access_key_secret":{"v":"SECRET"}}]}"#,
                None,
                "profile \"a\" (mode AK): access_key_secret is an object, not a string",
            ),
            (
                r#"{"current":"a","profiles":[{"name":"a","mode":"StsToken","access_key_id":"i","access_key_secret":"SECRET","sts_token":""}]}"#,
                None,
                "profile \"a\" (mode StsToken): sts_token is missing or empty",
            ),
        ];
        for (text, chosen, expected) in cases {
            assert_eq!(parse_str(text, chosen).unwrap_err(), expected, "{text}");
        }
    }
}
