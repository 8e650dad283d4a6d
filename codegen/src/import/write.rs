//! The text of an imported spec file. Written by hand rather than through a YAML serializer so that the
//! layout is the curated files' (block lists of fields, nested types as flow mappings when they are one
//! line), keys come in one fixed order, and nothing is written that is a default: the files stay lean and
//! byte-for-byte stable.

use std::fmt::Write as _;

use super::prose::WITHDRAWN;
use super::shape::{Field, Limits, Operation, Ty};
use super::{MARKER, SCHEMA_LINE};

/// The whole file of an imported operation.
pub fn operation(op: &Operation) -> String {
    let mut out = Out::default();
    out.line(0, SCHEMA_LINE);
    out.line(0, MARKER);
    out.entry(0, "name", &op.name);
    out.entry(0, "summary", &op.summary);
    if op.get {
        out.entry(0, "http_method", "GET");
    }
    out.raw(0, "idempotent", op.idempotent);
    if op.historical {
        out.line(0, "deprecated:");
        out.entry(2, "note", WITHDRAWN);
    }
    if op.include_caller {
        out.line(0, "include: [caller]");
    }
    out.fields(0, "parameters", &op.parameters);
    out.fields(0, "response", &op.response);
    out.text
}

#[derive(Default)]
struct Out {
    text: String,
}

impl Out {
    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.text, "{:indent$}{text}", "");
    }

    /// `key: value` for a string value, quoted when YAML would read it as something else.
    fn entry(&mut self, indent: usize, key: &str, value: &str) {
        self.line(indent, &format!("{key}: {}", scalar(value)));
    }

    /// `key: value` for a number or boolean, written as YAML reads it.
    fn raw(&mut self, indent: usize, key: &str, value: impl std::fmt::Display) {
        self.line(indent, &format!("{key}: {value}"));
    }

    fn fields(&mut self, indent: usize, key: &str, fields: &[Field]) {
        if fields.is_empty() {
            return;
        }
        self.line(indent, &format!("{key}:"));
        for f in fields {
            self.field(indent + 2, f);
        }
    }

    /// One field as a list entry: `- name: ...` then its keys under it.
    fn field(&mut self, indent: usize, f: &Field) {
        self.line(indent, &format!("- name: {}", scalar(&f.name)));
        let inner = indent + 2;
        if let Some(rust_name) = &f.rust_name {
            self.entry(inner, "rust_name", rust_name);
        }
        self.type_head(inner, &f.ty);
        if f.required {
            self.raw(inner, "required", true);
        }
        if f.body {
            self.entry(inner, "location", "body");
        }
        if f.shared_common {
            self.entry(inner, "common", "shared");
        }
        if f.sensitive {
            self.raw(inner, "sensitive", true);
        }
        self.limits(inner, &f.limits);
        if !f.description.is_empty() {
            self.entry(inner, "description", &f.description);
        }
        self.type_body(inner, &f.ty);
    }

    /// The keys of a type that fit on one line each: `type`, `type_name`, `wrapper`, `separator`.
    fn type_head(&mut self, indent: usize, ty: &Ty) {
        self.entry(indent, "type", keyword(ty));
        match ty {
            Ty::Object { type_name: Some(name), .. } => self.entry(indent, "type_name", name),
            Ty::List { separator, wrapper, .. } => {
                if let Some(wrapper) = wrapper {
                    self.entry(indent, "wrapper", wrapper);
                }
                if let Some(separator) = separator {
                    // Always quoted: a separator is punctuation.
                    self.line(indent, &format!("separator: {}", quoted(separator)));
                }
            }
            _ => {}
        }
    }

    /// The nested parts of a type: `items`, `value`, `schema` or `fields`.
    fn type_body(&mut self, indent: usize, ty: &Ty) {
        match ty {
            Ty::List { items, .. } => self.nested(indent, "items", items),
            Ty::Map { value } => self.nested(indent, "value", value),
            Ty::Json { schema } => self.nested(indent, "schema", schema),
            Ty::Object { fields, .. } => self.fields(indent, "fields", fields),
            _ => {}
        }
    }

    /// A type under `key`: `{ type: string }` when it is a scalar, else a block mapping.
    fn nested(&mut self, indent: usize, key: &str, ty: &Ty) {
        if is_scalar(ty) {
            self.line(indent, &format!("{key}: {{ type: {} }}", keyword(ty)));
            return;
        }
        self.line(indent, &format!("{key}:"));
        self.type_head(indent + 2, ty);
        self.type_body(indent + 2, ty);
    }

    fn limits(&mut self, indent: usize, limits: &Limits) {
        let Limits { min, max, min_length, max_length } = limits;
        for (key, value) in [("min", min), ("max", max)] {
            if let Some(v) = value {
                self.raw(indent, key, v);
            }
        }
        for (key, value) in [("min_length", min_length), ("max_length", max_length)] {
            if let Some(v) = value {
                self.raw(indent, key, v);
            }
        }
    }
}

fn is_scalar(ty: &Ty) -> bool {
    !matches!(ty, Ty::List { .. } | Ty::Map { .. } | Ty::Object { .. } | Ty::Json { .. })
}

/// The `type` keyword of a type.
pub fn keyword(ty: &Ty) -> &str {
    match ty {
        Ty::String => "string",
        Ty::Int32 => "int32",
        Ty::Int64 => "int64",
        Ty::Boolean => "boolean",
        Ty::Float => "float",
        Ty::Float32 => "float32",
        Ty::Any => "any",
        Ty::List { .. } => "list",
        Ty::Map { .. } => "map",
        Ty::Object { .. } => "object",
        Ty::Json { .. } => "json",
        Ty::Other(keyword) => keyword,
    }
}

/// A string as YAML text: plain when YAML reads it back as the same string, else single-quoted.
fn scalar(text: &str) -> String {
    if is_plain(text) {
        text.to_owned()
    } else {
        quoted(text)
    }
}

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Whether `text` can be written as a plain scalar that reads back as that string: it starts with a
/// letter, has no `: ` or ` #` (a mapping or a comment), no leading or trailing space, and is not a
/// YAML 1.1 or 1.2 boolean or null.
fn is_plain(text: &str) -> bool {
    let starts_well = text.starts_with(|c: char| c.is_ascii_alphabetic());
    let special =
        ["true", "false", "yes", "no", "on", "off", "null", "y", "n"].iter().any(|w| w.eq_ignore_ascii_case(text));
    starts_well
        && !special
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && text.trim() == text
        && !text.contains(['\n', '\r', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{self, NodeKind};

    #[test]
    fn scalars_read_back_as_written() {
        for text in ["Describes a DB instance.", "true", "no", "12", "a: b", "it's", "'q'", "x #y", "Tag.N.key", "-1"] {
            let doc = yaml::parse(&format!("k: {}\n", scalar(text)));
            let root = doc.root.unwrap();
            let NodeKind::Scalar(s) = &root.get("k").unwrap().kind else { panic!() };
            assert_eq!(s.text, text);
            let plain = s.style == yaml::ScalarStyle::Plain;
            assert_eq!(plain, !scalar(text).starts_with('\''), "{text}");
        }
    }

    #[test]
    fn writes_lean_files() {
        let op = Operation {
            name: "DescribeThings".into(),
            summary: "Describes things.".into(),
            get: true,
            idempotent: true,
            historical: false,
            include_caller: true,
            parameters: vec![Field {
                name: "Ids".into(),
                rust_name: None,
                ty: Ty::List { items: Box::new(Ty::String), separator: Some(",".into()), wrapper: None },
                required: true,
                body: false,
                shared_common: false,
                sensitive: false,
                limits: Limits::default(),
                description: "IDs of the things.".into(),
            }],
            response: vec![],
        };
        let text = operation(&op);
        let expected = format!(
            "{SCHEMA_LINE}\n{MARKER}\nname: DescribeThings\nsummary: Describes things.\nhttp_method: GET\n\
             idempotent: true\ninclude: [caller]\nparameters:\n  - name: Ids\n    type: list\n    separator: ','\n    \
             required: true\n    description: IDs of the things.\n    items: {{ type: string }}\n"
        );
        assert_eq!(text, expected);
    }
}
