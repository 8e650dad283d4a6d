//! The wire parameters one argument gives: its value as it is, a comma-joined list joined, and a list or object
//! given whole as JSON flattened into `Name.1.Field`, … exactly as the SDK sends the typed value.
//!
//! The result goes through the generated `FromParams`, which reads only the wire names it expects: anything that
//! would not survive that trip (a null, an empty item, a field the object does not have, an array where a value
//! belongs) is refused here, by its wire name, rather than dropped.

use serde_json::Value;

use crate::flat::{self, Target};
use crate::run::Problem;
use crate::table::Kind;

/// Wire parameters, by name, in the order given.
pub type Pairs = Vec<(String, String)>;

/// The wire parameters that `value`, given for `target`, stands for; or every problem with it.
pub fn wire_values(target: &Target, value: &str) -> Result<Pairs, Vec<Problem>> {
    let mut out = Pairs::new();
    let mut problems = Vec::new();
    match target.kind {
        Kind::Scalar(_) | Kind::Boolean => out.push((target.wire.clone(), value.to_owned())),
        Kind::Json => match file_or_text(value) {
            Ok(text) => out.push((target.wire.clone(), text)),
            Err(why) => problems.push(Problem::new(&target.wire, &why)),
        },
        // Already joined as the wire wants it, unless it is a JSON array.
        Kind::Joined { .. } if !value.trim_start().starts_with('[') => {
            out.push((target.wire.clone(), value.to_owned()))
        }
        Kind::Joined { .. } => match serde_json::from_str::<Value>(value) {
            Ok(json) => flatten(target, &json, &mut out, &mut problems),
            Err(e) => problems.push(not_json(target, &e.to_string())),
        },
        // One item of a list of plain values, as before lists could be given as JSON (`--DBNames sales`).
        Kind::List { items: Kind::Scalar(_) | Kind::Boolean, .. }
            if !value.starts_with("file://") && !value.trim_start().starts_with('[') =>
        {
            out.push((format!("{}.1", target.wire), value.to_owned()))
        }
        Kind::List { .. } | Kind::Object(_) => match file_or_text(value) {
            Ok(text) => match serde_json::from_str::<Value>(&text) {
                Ok(json) => flatten(target, &json, &mut out, &mut problems),
                Err(e) => problems.push(not_json(target, &e.to_string())),
            },
            Err(why) => problems.push(Problem::new(&target.wire, &why)),
        },
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// A JSON value's text: as given, or the contents of `file://<path>`.
pub fn file_or_text(value: &str) -> Result<String, String> {
    match value.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path)
            .map(|text| text.trim().to_owned())
            .map_err(|e| format!("could not read {path}: {e}")),
        None => Ok(value.to_owned()),
    }
}

fn not_json(target: &Target, error: &str) -> Problem {
    let forms = match target.kind {
        Kind::Joined { separator, .. } => format!("--{0} a{separator}b or --{0} '[\"a\",\"b\"]'", target.wire),
        kind => format!("{}, or whole as JSON", flat::paths(&target.wire, target.type_text, kind).join(", ")),
    };
    Problem::new(&target.wire, &format!("is not JSON ({error}); {} is given as {forms}", flat::a(target.type_text)))
}

/// What a JSON value is, for messages (never the value itself, which may be a secret).
fn what(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A plain JSON value's wire text: a string as it is, a number or boolean as its JSON text.
fn plain(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Appends the wire parameters of `value`, a value of `at`'s kind at `at.wire`, to `out`.
fn flatten(at: &Target, value: &Value, out: &mut Pairs, problems: &mut Vec<Problem>) {
    let refuse = |problems: &mut Vec<Problem>, why: String| problems.push(Problem::new(&at.wire, &why));
    if value.is_null() {
        // The SDK has no way to send a null: leaving the value out is what would be sent.
        return refuse(problems, "is null; leave it out instead".to_owned());
    }
    match (at.kind, value) {
        (Kind::Scalar(_) | Kind::Boolean, _) => match plain(value) {
            Some(text) => out.push((at.wire.clone(), text)),
            None => refuse(problems, format!("must be {}, not {}", flat::a(at.type_text), what(value))),
        },
        (Kind::Joined { separator, .. }, Value::Array(items)) => {
            let mut texts = Vec::with_capacity(items.len());
            for (n, item) in items.iter().enumerate() {
                match plain(item) {
                    // Not escaped on the wire: the service would split it into two items.
                    Some(text) if text.contains(separator) => {
                        refuse(problems, format!("item {} contains the separator {separator:?}", n + 1))
                    }
                    Some(text) => texts.push(text),
                    None => refuse(problems, format!("item {} must be a plain value, not {}", n + 1, what(item))),
                }
            }
            // An empty list sends nothing, as with the SDK.
            if !texts.is_empty() && texts.len() == items.len() {
                out.push((at.wire.clone(), texts.join(separator)));
            }
        }
        (Kind::Joined { separator, .. }, _) => match plain(value) {
            Some(text) => out.push((at.wire.clone(), text)),
            None => refuse(
                problems,
                format!(
                    "must be a JSON array or the items {} in one text, not {}",
                    flat::joined_word(separator),
                    what(value)
                ),
            ),
        },
        (Kind::List { item, items }, Value::Array(values)) => {
            for (n, v) in values.iter().enumerate() {
                let below =
                    Target { wire: format!("{}.{}", at.wire, n + 1), type_text: item, kind: items, ..at.clone() };
                flatten(&below, v, out, problems);
            }
        }
        (Kind::List { .. }, _) => {
            refuse(problems, format!("must be a JSON array ({}), not {}", at.type_text, what(value)))
        }
        (Kind::Object(fields), Value::Object(map)) => {
            if map.is_empty() {
                // It would send nothing; in a list the items after it would move up one place.
                return refuse(
                    problems,
                    format!("is an empty object; {} needs at least one field", flat::a(at.type_text)),
                );
            }
            for (key, v) in map {
                match fields.iter().find(|f| f.wire == *key) {
                    Some(f) => {
                        let below = Target {
                            wire: format!("{}.{}", at.wire, f.wire),
                            type_text: f.type_text,
                            kind: &f.kind,
                            ..at.clone()
                        };
                        flatten(&below, v, out, problems);
                    }
                    None => {
                        let names: Vec<&str> = fields.iter().map(|f| f.wire).collect();
                        let hint = crate::suggest::nearest(key, names.iter().copied())
                            .map(|s| format!("; did you mean {s:?}?"))
                            .unwrap_or_default();
                        refuse(problems, format!("has no field {key:?} (its fields: {}){hint}", names.join(", ")));
                    }
                }
            }
        }
        (Kind::Object(fields), _) => {
            let names: Vec<&str> = fields.iter().map(|f| f.wire).collect();
            refuse(
                problems,
                format!("must be a JSON object ({}, fields {}), not {}", at.type_text, names.join(", "), what(value)),
            )
        }
        // Never below a flattened parameter (`check` allows `json` only as a parameter's own type); sent as its
        // compact text should a spec ever put one there.
        (Kind::Json, _) => out.push((at.wire.clone(), value.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flat::tests::{IDS, TAG, WINDOW};

    fn given(target: Target, value: &str) -> Result<Vec<(String, String)>, Vec<String>> {
        wire_values(&target, value)
            .map_err(|problems| problems.into_iter().map(|p| format!("{}: {}", p.parameter, p.message)).collect())
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn json_values_are_flattened_as_the_sdk_sends_them() {
        let json =
            r#"[{"Key":"env","Value":"prod","Aliases":["e","environment"]},{"Key":"n","Shared":true,"Kind":"user"}]"#;
        let mut got = given(Target::of(&TAG), json).unwrap();
        got.sort();
        let want = [
            ("Tag.1.Aliases.1", "e"),
            ("Tag.1.Aliases.2", "environment"),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "prod"),
            ("Tag.2.Key", "n"),
            ("Tag.2.Kind", "user"),
            ("Tag.2.Shared", "true"),
        ];
        assert_eq!(got, pairs(&want));
        assert_eq!(
            given(Target::of(&WINDOW), r#"{"Start":"2026-01-01T00:00:00Z","End":7}"#).unwrap(),
            pairs(&[("Window.End", "7"), ("Window.Start", "2026-01-01T00:00:00Z")])
        );
        let item = crate::flat::resolve(&TAG, "Tag.3", "3").unwrap();
        assert_eq!(given(item, r#"{"Key":"k"}"#).unwrap(), pairs(&[("Tag.3.Key", "k")]));
        let aliases = crate::flat::resolve(&TAG, "Tag.3.Aliases", "3.Aliases").unwrap();
        assert_eq!(given(aliases, "only").unwrap(), pairs(&[("Tag.3.Aliases.1", "only")]));
        assert_eq!(given(Target::of(&TAG), "[]").unwrap(), pairs(&[]));
    }

    #[test]
    fn joined_lists_pass_as_they_are_or_are_joined() {
        assert_eq!(given(Target::of(&IDS), "i-1,i-2").unwrap(), pairs(&[("Ids", "i-1,i-2")]));
        assert_eq!(given(Target::of(&IDS), r#"["i-1", "i-2", 3]"#).unwrap(), pairs(&[("Ids", "i-1,i-2,3")]));
        assert_eq!(given(Target::of(&IDS), "[]").unwrap(), pairs(&[]));
        let why = given(Target::of(&IDS), r#"["a,b", null, ["c"]]"#).unwrap_err();
        assert_eq!(
            why,
            [
                "Ids: item 1 contains the separator \",\"",
                "Ids: item 2 must be a plain value, not null",
                "Ids: item 3 must be a plain value, not an array"
            ]
        );
        assert!(given(Target::of(&IDS), "[1,").unwrap_err()[0].starts_with("Ids: is not JSON"));
    }

    #[test]
    fn every_shape_mistake_is_named_by_its_wire_name() {
        let json = r#"[{"Key":null},"env",{},{"key":"k","Aliases":"a"},{"Key":{"x":1}}]"#;
        let why = given(Target::of(&TAG), json).unwrap_err();
        assert_eq!(
            why,
            [
                "Tag.1.Key: is null; leave it out instead",
                "Tag.2: must be a JSON object (object TagItem, fields Key, Value, Aliases, Kind, Shared), not a string",
                "Tag.3: is an empty object; an object TagItem needs at least one field",
                "Tag.4.Aliases: must be a JSON array (list<string>), not a string",
                "Tag.4: has no field \"key\" (its fields: Key, Value, Aliases, Kind, Shared); did you mean \"Key\"?",
                "Tag.5.Key: must be a string, not an object",
            ]
        );
        let why = given(Target::of(&WINDOW), "Start=now").unwrap_err();
        assert_eq!(why.len(), 1);
        assert!(why[0].starts_with("Window: is not JSON ("), "{why:?}");
        assert!(why[0].ends_with("an object Window is given as --Window.Start <string> (required), --Window.End <string>, or whole as JSON"), "{why:?}");
        assert!(given(Target::of(&TAG), "file:///nonexistent/tags.json").unwrap_err()[0].contains("could not read"));
    }
}
