//! Parameters sent flattened (lists, objects and lists of objects): where a dotted argument lands
//! (`--Tag.1.Key` is the wire parameter `Tag.1.Key`), how help shows the forms, what completion offers below a
//! parameter, and which enum a nested value belongs to.
//!
//! Every step of a dotted name is checked against the shape the command table gives: the generated `FromParams`
//! ignores wire names it does not know, so a misspelt field would otherwise vanish instead of being refused.

use std::collections::BTreeSet;

use crate::suggest;
use crate::table::{Field, Kind, Param};

/// Where an argument's value goes: a parameter, or a part of one below it.
#[derive(Clone, Debug)]
pub struct Target {
    /// The wire name (`Tag`, `Tag.1`, `Tag.1.Key`).
    pub wire: String,
    /// The value's type as help shows it.
    pub type_text: &'static str,
    /// How the value is given.
    pub kind: &'static Kind,
    /// Whether the parameter it belongs to is sensitive (its values are never shown).
    pub sensitive: bool,
}

impl Target {
    /// The whole parameter.
    pub fn of(param: &'static Param) -> Target {
        Target {
            wire: param.wire.to_owned(),
            type_text: param.type_text,
            kind: &param.kind,
            sensitive: param.sensitive,
        }
    }
}

/// Whether `segment` is a list index as the wire writes it (decimal digits only, from 1).
fn index(segment: &str) -> Option<u32> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    segment.parse().ok().filter(|n| *n >= 1)
}

/// Resolves `rest`, the dotted path after the parameter's name in the flag `--<flag>`, below `param`. Indices are
/// written back in their plain form (`01` is `1`) and fields under their wire names (a kebab-case field name is
/// accepted, as for parameters), so the result is the wire name the SDK sends.
pub fn resolve(param: &'static Param, flag: &str, rest: &str) -> Result<Target, String> {
    let mut at = Target::of(param);
    for segment in rest.split('.') {
        at = step(at, segment).map_err(|why| format!("--{flag}: {why}"))?;
    }
    Ok(at)
}

fn step(at: Target, segment: &str) -> Result<Target, String> {
    match at.kind {
        Kind::List { item, items } => match index(segment) {
            Some(n) => Ok(Target { wire: format!("{}.{n}", at.wire), type_text: item, kind: items, ..at }),
            None => Err(format!(
                "{} is {}; its items are given as {} ({} from 1), or all at once as JSON",
                at.wire,
                a(at.type_text),
                paths(&at.wire, at.type_text, at.kind).join(", "),
                letters(at.kind, 0).join(", ")
            )),
        },
        Kind::Object(fields) => match Field::find(fields, segment) {
            Some(f) => {
                Ok(Target { wire: format!("{}.{}", at.wire, f.wire), type_text: f.type_text, kind: &f.kind, ..at })
            }
            None => {
                let names: Vec<&str> = fields.iter().map(|f| f.wire).collect();
                let hint = suggest::nearest(segment, names.iter().copied())
                    .map(|s| format!("; did you mean --{}.{s}?", at.wire))
                    .unwrap_or_default();
                Err(format!("{} has no field {segment:?} (its fields: {}){hint}", at.wire, names.join(", ")))
            }
        },
        Kind::Joined { separator, .. } => Err(format!(
            "{} is {} sent as one parameter, {}: give --{0} a{separator}b or --{0} '[\"a\",\"b\"]', not item by item",
            at.wire,
            a(at.type_text),
            joined_word(separator)
        )),
        Kind::Json => Err(format!("{} is one JSON value: give it whole, --{0} '<JSON>' or file://<path>", at.wire)),
        Kind::Scalar(_) | Kind::Boolean => Err(format!("{} is {}; nothing is below it", at.wire, a(at.type_text))),
    }
}

/// `type_text` with its article, for messages: `a string`, `an object TagItem`.
pub fn a(type_text: &str) -> String {
    let vowel = type_text.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {type_text}", if vowel { "an" } else { "a" })
}

/// How a joined list's separator is named in messages and help.
pub fn joined_word(separator: &str) -> String {
    match separator {
        "," => "comma-joined".to_owned(),
        other => format!("joined by {other:?}"),
    }
}

/// The letter standing for the index of a list at `depth` lists deep (`Tag.N.Aliases.M`).
fn letter(depth: usize) -> String {
    match ["N", "M", "K", "L"].get(depth) {
        Some(l) => (*l).to_owned(),
        None => format!("N{depth}"),
    }
}

/// The index letters that `paths` of `kind` use, from `depth` on.
fn letters(kind: &Kind, depth: usize) -> Vec<String> {
    match kind {
        Kind::List { items, .. } => std::iter::once(letter(depth)).chain(letters(items, depth + 1)).collect(),
        Kind::Object(fields) => {
            let deepest = fields.iter().map(|f| letters(&f.kind, depth)).max_by_key(Vec::len);
            deepest.unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// Every argument a value of `kind` at `wire` is given by, one per value it holds, with its type:
/// `--Tag.N.Key <string>`, a required field marked so.
pub fn paths(wire: &str, type_text: &str, kind: &Kind) -> Vec<String> {
    let mut out = Vec::new();
    collect_paths(wire, type_text, kind, false, 0, &mut out);
    out
}

fn collect_paths(wire: &str, type_text: &str, kind: &Kind, required: bool, depth: usize, out: &mut Vec<String>) {
    match kind {
        Kind::List { item, items } => {
            collect_paths(&format!("{wire}.{}", letter(depth)), item, items, false, depth + 1, out)
        }
        Kind::Object(fields) => {
            for f in fields.iter() {
                collect_paths(&format!("{wire}.{}", f.wire), f.type_text, &f.kind, f.required, depth, out);
            }
        }
        _ => {
            let joined = match kind {
                Kind::Joined { separator, .. } => format!(", {}", joined_word(separator)),
                _ => String::new(),
            };
            let required = if required { " (required)" } else { "" };
            out.push(format!("--{wire} <{type_text}{joined}>{required}"));
        }
    }
}

/// A JSON value of `kind`'s shape, for help: `[{"Key":"…","Value":"…"}]`.
fn skeleton(kind: &Kind) -> String {
    match kind {
        Kind::Scalar(_) => "\"…\"".to_owned(),
        Kind::Boolean => "true".to_owned(),
        Kind::Joined { .. } => "[\"…\"]".to_owned(),
        Kind::List { items, .. } => format!("[{}]", skeleton(items)),
        Kind::Object(fields) => {
            let fields: Vec<String> = fields.iter().map(|f| format!("\"{}\":{}", f.wire, skeleton(&f.kind))).collect();
            format!("{{{}}}", fields.join(","))
        }
        Kind::Json => "{…}".to_owned(),
    }
}

/// The lines help shows under a parameter on how its value is given (none for a plain value).
pub fn help_lines(p: &Param) -> Vec<String> {
    let w = p.wire;
    match &p.kind {
        Kind::Scalar(_) | Kind::Boolean => Vec::new(),
        Kind::Json => vec!["JSON text, or file://<path>".to_owned()],
        Kind::Joined { separator, .. } => vec![format!(
            "{}, sent as one parameter: --{w} a{separator}b, or as JSON: --{w} '[\"a\",\"b\"]'",
            joined_word(separator)
        )],
        kind => {
            let letters = letters(kind, 0);
            let indices = match letters.len() {
                0 => String::new(),
                _ => format!(" ({} = 1, 2, …)", letters.join(", ")),
            };
            vec![
                format!("flattened: {}{indices}", paths(w, p.type_text, kind).join(", ")),
                format!("or whole as JSON: --{w} '{}', or file://<path>", skeleton(kind)),
            ]
        }
    }
}

/// Completion below a parameter: `typed` is the flag being completed (`--Tag.1.K`), whose name before the first
/// dot is `param`'s. Offers the next level, in the style typed (wire or kebab field names): a list's indices
/// already given among `before` and the next one, or an object's fields.
pub fn complete(param: &'static Param, typed: &str, kebab: bool, before: &[String]) -> Vec<String> {
    let Some((done, last)) = typed.rsplit_once('.') else { return Vec::new() };
    let mut kind = &param.kind;
    for segment in done.split('.').skip(1) {
        kind = match kind {
            Kind::List { items, .. } if index(segment).is_some() => items,
            Kind::Object(fields) => match Field::find(fields, segment) {
                Some(f) => &f.kind,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
    }
    let names: Vec<String> = match kind {
        Kind::List { .. } => {
            let prefix = format!("{done}.");
            let given: BTreeSet<u32> = before
                .iter()
                .filter_map(|word| word.strip_prefix(&prefix))
                .filter_map(|rest| index(rest.split(['.', '=']).next()?))
                .collect();
            let next = given.last().map_or(1, |n| n + 1);
            given.into_iter().chain([next]).map(|n| n.to_string()).collect()
        }
        Kind::Object(fields) => fields.iter().map(|f| if kebab { f.kebab } else { f.wire }.to_owned()).collect(),
        _ => Vec::new(),
    };
    names.into_iter().filter(|n| n.starts_with(last)).map(|n| format!("{done}.{n}")).collect()
}

/// The enum values the value at the wire name `wire` (`Tag.1.Kind`, or `param`'s own) must be one of; empty when
/// any is fine or the name is not below `param`.
pub fn enum_values_at(param: &Param, wire: &str) -> &'static [&'static str] {
    let Some(rest) = wire.strip_prefix(param.wire).filter(|r| r.is_empty() || r.starts_with('.')) else {
        return &[];
    };
    let mut kind = &param.kind;
    for segment in rest.split('.').skip(1) {
        kind = match kind {
            Kind::List { items, .. } => items,
            Kind::Object(fields) => match fields.iter().find(|f| f.wire == segment) {
                Some(f) => &f.kind,
                None => return &[],
            },
            _ => break,
        };
    }
    kind.enum_values()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::table::Location;

    /// A list of objects with a nested list and an enum (`Tag.N.Key`, `Tag.N.Aliases.M`, `Tag.N.Kind`), an
    /// object, and a comma-joined list: the shapes the specs allow, whether or not RDS uses them all.
    pub static TAG: Param = param(
        "Tag",
        "tag",
        "list<object TagItem>",
        Kind::List {
            item: "object TagItem",
            items: &Kind::Object(&[
                Field { wire: "Key", kebab: "key", type_text: "string", required: true, kind: Kind::Scalar(&[]) },
                Field { wire: "Value", kebab: "value", type_text: "string", required: false, kind: Kind::Scalar(&[]) },
                Field {
                    wire: "Aliases",
                    kebab: "aliases",
                    type_text: "list<string>",
                    required: false,
                    kind: Kind::List { item: "string", items: &Kind::Scalar(&[]) },
                },
                Field {
                    wire: "Kind",
                    kebab: "kind",
                    type_text: "enum Kind",
                    required: false,
                    kind: Kind::Scalar(&["system", "user"]),
                },
                Field { wire: "Shared", kebab: "shared", type_text: "boolean", required: false, kind: Kind::Boolean },
            ]),
        },
    );
    pub static WINDOW: Param = param(
        "Window",
        "window",
        "object Window",
        Kind::Object(&[
            Field { wire: "Start", kebab: "start", type_text: "string", required: true, kind: Kind::Scalar(&[]) },
            Field { wire: "End", kebab: "end", type_text: "string", required: false, kind: Kind::Scalar(&[]) },
        ]),
    );
    pub static IDS: Param = param("Ids", "ids", "list<string>", Kind::Joined { separator: ",", values: &[] });

    const fn param(wire: &'static str, kebab: &'static str, type_text: &'static str, kind: Kind) -> Param {
        Param {
            wire,
            kebab,
            kind,
            type_text,
            required: false,
            location: Location::Query,
            constraints: &[],
            description: "",
            example: None,
            default: None,
            sensitive: false,
        }
    }

    #[test]
    fn dotted_names_resolve_to_wire_names() {
        let at = resolve(&TAG, "tag.01.key", "01.key").unwrap();
        assert_eq!((at.wire.as_str(), at.type_text), ("Tag.1.Key", "string"));
        let at = resolve(&TAG, "Tag.2.Aliases.3", "2.Aliases.3").unwrap();
        assert_eq!(at.wire, "Tag.2.Aliases.3");
        let at = resolve(&TAG, "Tag.2", "2").unwrap();
        assert!(matches!(at.kind, Kind::Object(_)), "an item is given whole as JSON");
        assert_eq!(resolve(&WINDOW, "window.start", "start").unwrap().wire, "Window.Start");

        let why = resolve(&TAG, "Tag.x.Key", "x.Key").unwrap_err();
        assert!(
            why.starts_with("--Tag.x.Key: Tag is a list<object TagItem>; its items are given as --Tag.N.Key"),
            "{why}"
        );
        assert!(why.contains("--Tag.N.Aliases.M <string>") && why.contains("(N, M from 1)"), "{why}");
        assert!(resolve(&TAG, "Tag.0.Key", "0.Key").is_err());
        let why = resolve(&TAG, "Tag.1.key_", "1.key_").unwrap_err();
        assert!(why.contains("Tag.1 has no field \"key_\" (its fields: Key, Value,"), "{why}");
        assert!(why.ends_with("did you mean --Tag.1.Key?"), "{why}");
        let why = resolve(&TAG, "Tag.1.Key.2", "1.Key.2").unwrap_err();
        assert!(why.contains("Tag.1.Key is a string; nothing is below it"), "{why}");
        let why = resolve(&IDS, "Ids.1", "1").unwrap_err();
        assert!(why.contains("Ids is a list<string> sent as one parameter, comma-joined: give --Ids a,b"), "{why}");
    }

    #[test]
    fn help_shows_every_form() {
        let lines = help_lines(&TAG);
        assert_eq!(
            lines[0],
            "flattened: --Tag.N.Key <string> (required), --Tag.N.Value <string>, --Tag.N.Aliases.M <string>, \
             --Tag.N.Kind <enum Kind>, --Tag.N.Shared <boolean> (N, M = 1, 2, …)"
        );
        assert_eq!(
            lines[1],
            r#"or whole as JSON: --Tag '[{"Key":"…","Value":"…","Aliases":["…"],"Kind":"…","Shared":true}]', or file://<path>"#
        );
        assert_eq!(help_lines(&WINDOW)[0], "flattened: --Window.Start <string> (required), --Window.End <string>");
        assert_eq!(
            help_lines(&IDS),
            [r#"comma-joined, sent as one parameter: --Ids a,b, or as JSON: --Ids '["a","b"]'"#]
        );
    }

    #[test]
    fn completion_offers_the_next_level() {
        let none: &[String] = &[];
        assert_eq!(complete(&TAG, "--Tag.", false, none), ["--Tag.1"]);
        let before = ["--Tag.1.Key".to_owned(), "a".to_owned(), "--Tag.3.Key=b".to_owned()];
        assert_eq!(complete(&TAG, "--Tag.", false, &before), ["--Tag.1", "--Tag.3", "--Tag.4"]);
        assert_eq!(complete(&TAG, "--Tag.2.", false, none).len(), 5);
        assert_eq!(complete(&TAG, "--Tag.2.K", false, none), ["--Tag.2.Key", "--Tag.2.Kind"]);
        assert_eq!(complete(&TAG, "--tag.2.a", true, none), ["--tag.2.aliases"]);
        assert_eq!(complete(&TAG, "--Tag.2.Aliases.", false, none), ["--Tag.2.Aliases.1"]);
        assert!(complete(&TAG, "--Tag.2.Key.", false, none).is_empty());
        assert!(complete(&IDS, "--Ids.", false, none).is_empty());
    }

    #[test]
    fn enum_values_below_a_parameter() {
        assert_eq!(enum_values_at(&TAG, "Tag.3.Kind"), ["system", "user"]);
        assert!(enum_values_at(&TAG, "Tag.3.Key").is_empty());
        assert!(enum_values_at(&TAG, "Tag.3.Nope").is_empty());
        assert!(enum_values_at(&WINDOW, "Tag.1.Kind").is_empty());
        assert!(enum_values_at(&TAG, "Tags.1.Kind").is_empty());
    }
}
