//! The command table of the `rds` command-line tool (crate `rds-cli`), emitted from the same model as the
//! client: one `Command` per operation with its wire and kebab names, summary, paging and parameters (wire
//! name, kebab name, type, required flag, location, constraints, example, default, sensitivity), plus one
//! function pointer per operation to the tool's generic runner instantiated for the operation's request type.
//!
//! The table is plain static data, so the tool parses any operation's arguments with one generic parser
//! instead of one argument-parser derive per operation; the typed request is then read from the wire
//! parameters by the generated `FromParams` (validated exactly like the SDK's builders).

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::{format_file, op_type_names, GeneratedFile, Scope};
use crate::model::{Api, Field, Location, NamedKind, Operation, Pagination, Shape, Type};
use crate::spec::Scalar;

/// The file the command table is written to, in the tool's `src/generated/` directory.
pub const COMMANDS_FILE: &str = "commands.rs";

/// Emits `commands.rs`, the command table of `rds-cli`. The file refers to the tool's own table types
/// (`crate::table`) and runners (`crate::run`), and to the request types of `rds_api`.
pub fn emit(api: &Api) -> Vec<GeneratedFile> {
    let commands = api.operations.iter().map(|op| command(api, op));
    let doc = format!(
        " The command table of `rds`: every operation of the {} API (version {}), sorted by wire name.",
        api.service.name, api.service.version
    );
    let tokens = quote! {
        #![doc = #doc]

        use crate::table::{Command, Constraint, Field, Kind, Location, NumberPaging, Paging, Param, TokenPaging};

        /// Every operation, sorted by wire name (`Action`).
        pub static COMMANDS: &[Command] = &[#(#commands),*];
    };
    vec![GeneratedFile { name: COMMANDS_FILE.to_owned(), contents: format_file(tokens) }]
}

fn command(api: &Api, op: &Operation) -> TokenStream {
    let action = &op.wire_name;
    let kebab = op.wire_name.to_kebab_case();
    let summary = &op.summary;
    let description = op.description.as_deref().unwrap_or("").trim_end();
    let deprecated = option_str(op.deprecated.as_deref());
    let method = match op.method {
        crate::model::Method::Get => "GET",
        crate::model::Method::Post => "POST",
    };
    let idempotent = op.idempotent;
    let scope = Scope { types: &op.types, models: &api.models };
    let params = op.params.iter().map(|f| param(&scope, f));
    let rules = op.rules.iter().map(|rule| match rule {
        crate::model::Rule::Differ { parameters, description } => {
            let names: Vec<&str> = parameters.iter().map(|p| p.wire_name.as_str()).collect();
            let mut text = format!("{} must differ", names.join(" and "));
            if let Some(d) = description {
                text = format!("{text}: {d}");
            }
            quote!(#text)
        }
    });
    let [request, ..] = op_type_names(op);
    let (paging, run) = match &op.pagination {
        Some(p) => {
            let paging = paging(op, p);
            (quote!(Some(#paging)), quote!(crate::run::run_paginated::<::rds_api::#request>))
        }
        None => (quote!(None), quote!(crate::run::run::<::rds_api::#request>)),
    };
    quote! {
        Command {
            action: #action,
            kebab: #kebab,
            summary: #summary,
            description: #description,
            deprecated: #deprecated,
            method: #method,
            idempotent: #idempotent,
            params: &[#(#params),*],
            rules: &[#(#rules),*],
            paging: #paging,
            run: #run,
        }
    }
}

fn param(scope: &Scope<'_>, f: &Field) -> TokenStream {
    let wire = &f.wire_name;
    let kebab = f.wire_name.to_kebab_case();
    let kind = kind(scope, &f.ty);
    let type_text = type_text(scope, &f.ty);
    let required = f.required;
    let location = match f.location {
        Location::Query => quote!(Location::Query),
        Location::Body => quote!(Location::Body),
    };
    let constraints = constraints(&f.ty);
    let description = f.description.as_deref().unwrap_or("").trim_end();
    let example = option_str(f.example.as_ref().map(scalar_text).as_deref());
    let default = option_str(f.default.as_ref().map(scalar_text).as_deref());
    let sensitive = f.sensitive;
    quote! {
        Param {
            wire: #wire,
            kebab: #kebab,
            kind: #kind,
            type_text: #type_text,
            required: #required,
            location: #location,
            constraints: &[#(#constraints),*],
            description: #description,
            example: #example,
            default: #default,
            sensitive: #sensitive,
        }
    }
}

/// How the command line takes a value of `ty`: the whole shape of a value sent flattened (lists, objects and
/// what they hold), so that the tool can check a dotted argument (`--Tag.1.Key`) against the fields the request
/// really has and flatten a JSON value exactly as the SDK would send it; `FromParams` would silently ignore a
/// wire name it does not know.
fn kind(scope: &Scope<'_>, ty: &Type) -> TokenStream {
    match &ty.shape {
        Shape::List { items, separator: Some(separator), .. } => {
            let values = enum_values(scope, items);
            quote!(Kind::Joined { separator: #separator, values: &[#(#values),*] })
        }
        Shape::List { items, .. } => {
            let item = type_text(scope, items);
            let inner = kind(scope, items);
            quote!(Kind::List { item: #item, items: &#inner })
        }
        Shape::Json(_) | Shape::Map { .. } => quote!(Kind::Json),
        Shape::Boolean => quote!(Kind::Boolean),
        Shape::Named(_) | Shape::Model(_) => match scope.enter(&ty.shape) {
            Some((named, inner)) => match &named.kind {
                NamedKind::Enum(values) => {
                    let values = values.iter().map(|v| &v.wire);
                    quote!(Kind::Scalar(&[#(#values),*]))
                }
                NamedKind::Object(fields) => {
                    let fields = fields.iter().map(|f| field(&inner, f));
                    quote!(Kind::Object(&[#(#fields),*]))
                }
                // `check` refuses a one_of outside a `json` parameter; taken as text should one ever get here.
                NamedKind::OneOf(_) => quote!(Kind::Scalar(&[])),
            },
            None => quote!(Kind::Scalar(&[])),
        },
        _ => quote!(Kind::Scalar(&[])),
    }
}

/// A field of an object sent flattened, with its own kind (objects and lists nest).
fn field(scope: &Scope<'_>, f: &Field) -> TokenStream {
    let wire = &f.wire_name;
    let kebab = f.wire_name.to_kebab_case();
    let type_text = type_text(scope, &f.ty);
    let required = f.required;
    let kind = kind(scope, &f.ty);
    quote!(Field { wire: #wire, kebab: #kebab, type_text: #type_text, required: #required, kind: #kind })
}

/// The wire values of an enum type (empty for any other type).
fn enum_values(scope: &Scope<'_>, ty: &Type) -> Vec<String> {
    match scope.enter(&ty.shape) {
        Some((named, _)) => match &named.kind {
            NamedKind::Enum(values) => values.iter().map(|v| v.wire.clone()).collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// The type as help shows it: `string`, `int32`, `list<string>`, `enum Status`, `json (object DbInfo)`.
fn type_text(scope: &Scope<'_>, ty: &Type) -> String {
    match &ty.shape {
        Shape::String => "string".to_owned(),
        Shape::Int32 => "int32".to_owned(),
        Shape::Int64 => "int64".to_owned(),
        Shape::Boolean => "boolean".to_owned(),
        Shape::Float => "float".to_owned(),
        Shape::Float32 => "float32".to_owned(),
        Shape::Any => "any".to_owned(),
        Shape::Named(name) | Shape::Model(name) => match scope.enter(&ty.shape).map(|(t, _)| &t.kind) {
            Some(NamedKind::Enum(_)) => format!("enum {name}"),
            Some(NamedKind::Object(_)) => format!("object {name}"),
            Some(NamedKind::OneOf(_)) => format!("one_of {name}"),
            None => name.clone(),
        },
        Shape::List { items, .. } => format!("list<{}>", type_text(scope, items)),
        Shape::Map { value } => format!("map<string, {}>", type_text(scope, value)),
        Shape::Json(inner) => format!("json ({})", type_text(scope, inner)),
    }
}

fn constraints(ty: &Type) -> Vec<TokenStream> {
    let c = &ty.constraints;
    let mut out = Vec::new();
    if let Some(min) = &c.min {
        let min = scalar_text(min);
        out.push(quote!(Constraint::Min(#min)));
    }
    if let Some(max) = &c.max {
        let max = scalar_text(max);
        out.push(quote!(Constraint::Max(#max)));
    }
    if let Some(n) = c.min_length {
        out.push(quote!(Constraint::MinLength(#n)));
    }
    if let Some(n) = c.max_length {
        out.push(quote!(Constraint::MaxLength(#n)));
    }
    if let Some(p) = &c.pattern {
        out.push(quote!(Constraint::Pattern(#p)));
    }
    if let Some(n) = c.min_items {
        out.push(quote!(Constraint::MinItems(#n)));
    }
    if let Some(n) = c.max_items {
        out.push(quote!(Constraint::MaxItems(#n)));
    }
    if c.unique_items {
        out.push(quote!(Constraint::UniqueItems));
    }
    if c.unique_values {
        out.push(quote!(Constraint::UniqueValues));
    }
    if !c.allowed.is_empty() {
        let values: Vec<String> = c.allowed.iter().map(scalar_text).collect();
        out.push(quote!(Constraint::Allowed(&[#(#values),*])));
    }
    // The constraints of a list's items, for help (they are checked by the generated validation either way).
    if let Shape::List { items, .. } = &ty.shape {
        let inner = constraints(items);
        if !inner.is_empty() {
            out.push(quote!(Constraint::Items(&[#(#inner),*])));
        }
    }
    out
}

fn paging(op: &Operation, p: &Pagination) -> TokenStream {
    let request_wire = |rust: &str| wire_of(&op.params, rust);
    let response_wire = |rust: &str| wire_of(&op.response, rust);
    let items = response_wire(&p.items);
    let wrapper = op.response.iter().find(|f| f.rust_name == p.items).and_then(|f| match &f.ty.shape {
        Shape::List { wrapper, .. } => wrapper.clone(),
        _ => None,
    });
    let wrapper = option_str(wrapper.as_deref());
    let number = match &p.page_number {
        Some(n) => {
            let page = request_wire(&n.page.name);
            let size = request_wire(&n.size.name);
            let default_size = match n.default_size {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            let total = option_str(n.total.as_ref().map(|t| response_wire(&t.name)).as_deref());
            quote!(Some(NumberPaging { page: #page, size: #size, default_size: #default_size, total: #total }))
        }
        None => quote!(None),
    };
    let token = match &p.token {
        Some(t) => {
            let token = request_wire(&t.token);
            let next_token = response_wire(&t.next_token);
            let size = option_str(t.size.as_deref().map(request_wire).as_deref());
            quote!(Some(TokenPaging { token: #token, next_token: #next_token, size: #size }))
        }
        None => quote!(None),
    };
    quote!(Paging { items: #items, wrapper: #wrapper, number: #number, token: #token })
}

/// The wire name of the field whose Rust name is `rust` (pagination names fields by their Rust names; a
/// checked spec always names existing fields, and the Rust name is kept if not).
fn wire_of(fields: &[Field], rust: &str) -> String {
    fields.iter().find(|f| f.rust_name == rust).map_or_else(|| rust.to_owned(), |f| f.wire_name.clone())
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    }
}

fn scalar_text(value: &Scalar) -> String {
    match value {
        Scalar::String(s) => s.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => f.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(dir: &str) -> Api {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let set = crate::load::load_dir(&root.join(dir)).unwrap();
        crate::model::build(&set).unwrap()
    }

    #[test]
    fn one_command_per_operation_with_wire_and_kebab_names() {
        let api = api("api-specs");
        let files = emit(&api);
        assert_eq!(files.len(), 1);
        let text = &files[0].contents;
        assert!(text.starts_with(super::super::HEADER));
        for op in &api.operations {
            assert!(text.contains(&format!("action: \"{}\"", op.wire_name)), "{}", op.wire_name);
        }
        assert!(text.contains("kebab: \"describe-db-instances\""), "{text}");
        assert!(text.contains("kebab: \"db-instance-id\""), "{text}");
        assert!(text.contains("crate::run::run_paginated::<::rds_api::DescribeDbInstancesRequest>"), "{text}");
        assert!(text.contains("crate::run::run::<::rds_api::ImportDatabaseBetweenInstancesRequest>"), "{text}");
        assert!(text.contains("items: \"Items\""), "{text}");
        assert!(text.contains("wrapper: Some(\"DBInstance\")"), "{text}");
        assert!(text.contains("Constraint::Max(\"100\")"), "{text}");
        // Deterministic: the same model prints the same file.
        assert_eq!(emit(&api), files);
    }

    #[test]
    fn enums_lists_and_sensitive_parameters_of_the_fixtures() {
        let api = api("tests/fixtures/specs");
        let text = emit(&api).remove(0).contents;
        assert!(text.contains("Kind::Scalar(&["), "{text}");
        // TagWidgets: the whole shape of what is sent flattened, field wire names as declared, and a joined list
        // (compared without the printer's layout: whitespace and trailing commas).
        let compact: String = text.split_whitespace().collect::<String>().replace(",}", "}").replace(",)", ")");
        for shape in [
            r#"wire:"WidgetIds",kebab:"widget-ids",kind:Kind::Joined{separator:",",values:&[]}"#,
            r#"kind:Kind::List{item:"objectTagEntry",items:&Kind::Object(&[Field{wire:"key",kebab:"key",type_text:"string",required:true,kind:Kind::Scalar(&[])}"#,
            r#"Field{wire:"Aliases",kebab:"aliases",type_text:"list<string>",required:false,kind:Kind::List{item:"string",items:&Kind::Scalar(&[])}}"#,
            r#"wire:"Window",kebab:"window",kind:Kind::Object(&[Field{wire:"Start",kebab:"start",type_text:"string",required:true"#,
            r#"wire:"Login",kebab:"login",kind:Kind::Json"#,
        ] {
            assert!(compact.contains(shape), "{shape}\n{compact}");
        }
        // Sensitive are exactly the parameters marked so (CreateWidget's passwords), the shared SecurityToken and
        // TagWidgets' Login, whose object holds a password.
        let sensitive: Vec<&str> =
            api.operations.iter().flat_map(|op| &op.params).filter(|f| f.sensitive).map(|f| &*f.wire_name).collect();
        assert_eq!(sensitive, ["Password", "OldPassword", "SecurityToken", "Login"]);
        assert_eq!(text.matches("sensitive: true").count(), 4, "{text}");
        for param in ["Password", "OldPassword", "SecurityToken", "Login"] {
            let at = text.find(&format!("wire: \"{param}\"")).expect(param);
            let rest = &text[at..];
            let end = rest.find("sensitive:").expect("every Param has `sensitive`");
            assert!(rest[end..].starts_with("sensitive: true"), "{param}: {rest}");
        }
    }

    #[test]
    fn a_name_alone_does_not_make_a_parameter_sensitive() {
        let mut api = api("tests/fixtures/specs");
        let field = api.operations.iter_mut().flat_map(|op| &mut op.params).find(|f| f.wire_name == "Note").unwrap();
        field.wire_name = "SecretNote".to_owned();
        // The flag the emitted table gives the parameter.
        let flag = |api: &Api| {
            let text = emit(api).remove(0).contents;
            let rest = &text[text.find("wire: \"SecretNote\"").expect("the parameter is in the table")..];
            rest[rest.find("sensitive:").expect("every Param has `sensitive`")..].starts_with("sensitive: true")
        };
        assert!(!flag(&api), "unmarked, whatever its name");
        let field = api.operations.iter_mut().flat_map(|op| &mut op.params).find(|f| f.wire_name == "SecretNote");
        field.unwrap().sensitive = true;
        assert!(flag(&api));
    }
}
