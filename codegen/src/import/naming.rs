//! Explicit Rust names, written only where the derived ones would not do: the generator refuses a spec
//! whose inline types or fields clash (see "Names the generated code takes" in `api-specs/README.md`), and
//! the importer must write specs it accepts. The derivations are the generator's own ([`crate::names`]),
//! and types are visited in the generator's order (parameters, then response; depth first), so that the
//! first type of a name keeps it.

use std::collections::HashSet;

use super::shape::{Field, Operation, Ty};
use crate::names::{
    is_identifier, is_prelude_name, is_unescapable_keyword, operation_type_names, rust_field_name, rust_type_name,
};

/// How many names were written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// `type_name`s.
    pub type_names: usize,
    /// `rust_name`s.
    pub rust_names: usize,
}

/// Gives `op` the `type_name`s and `rust_name`s it needs. `models` are the shared models' names (taken in
/// every operation's module once it uses one; avoided everywhere so that a later use cannot clash);
/// `included` are the parameters `include:` adds to the request, which share its Rust names.
pub fn assign(op: &mut Operation, models: &[String], included: &[Field]) -> Written {
    let prefix = rust_type_name(&op.name);
    let mut namer = Namer {
        fixed: operation_type_names(&prefix).into_iter().chain(models.iter().cloned()).collect(),
        prefix,
        used: HashSet::new(),
        written: Written::default(),
    };
    let reserved: Vec<String> = included.iter().map(|f| rust_field_name(&f.name)).collect();
    namer.fields(&mut op.parameters, &reserved, None);
    namer.fields(&mut op.response, &[], None);
    namer.written
}

struct Namer {
    /// The operation's Rust prefix (`DescribeDbInstances`).
    prefix: String,
    /// Names no inline type may take: the operation's own types and the models.
    fixed: HashSet<String>,
    /// Names given to inline types so far.
    used: HashSet<String>,
    written: Written,
}

impl Namer {
    /// The fields of one struct: unique Rust names (none of `reserved`), then each field's type.
    /// `parent` is the struct's type name (`None` for the request and the response).
    fn fields(&mut self, fields: &mut [Field], reserved: &[String], parent: Option<&str>) {
        let mut taken: HashSet<String> = reserved.iter().cloned().collect();
        for f in fields.iter_mut() {
            let derived = rust_field_name(&f.name);
            let usable = is_identifier(&derived) && !is_unescapable_keyword(&derived);
            let name = if usable && !taken.contains(&derived) {
                derived
            } else {
                let base = if usable { derived } else { format!("{derived}_field") };
                let name = (2..).map(|n| format!("{base}_{n}")).find(|n| !taken.contains(n)).expect("unbounded");
                f.rust_name = Some(name.clone());
                self.written.rust_names += 1;
                name
            };
            taken.insert(name);
        }
        for f in fields.iter_mut() {
            let fallback = rust_type_name(&f.name);
            self.ty(&mut f.ty, fallback, parent);
        }
    }

    /// A type whose derived name is `fallback`: lists' items are `<Name>Item`, maps' values `<Name>Value`, a
    /// json parameter's schema takes the parameter's name.
    fn ty(&mut self, ty: &mut Ty, fallback: String, parent: Option<&str>) {
        match ty {
            Ty::List { items, .. } => self.ty(items, format!("{fallback}Item"), parent),
            Ty::Map { value } => self.ty(value, format!("{fallback}Value"), parent),
            Ty::Json { schema } => self.ty(schema, fallback, parent),
            Ty::Object { type_name, fields } => {
                let name = self.choose(&fallback, parent);
                if name != fallback {
                    *type_name = Some(name.clone());
                    self.written.type_names += 1;
                }
                self.used.insert(name.clone());
                self.fields(fields, &[], Some(&name));
            }
            _ => {}
        }
    }

    /// The derived name when it is free; else one qualified by the operation (a prelude, operation or model
    /// name) or by the enclosing type (a second inline type of the same name), numbered if need be.
    fn choose(&self, fallback: &str, parent: Option<&str>) -> String {
        let free = |name: &str| !self.used.contains(name) && !self.fixed.contains(name) && !is_prelude_name(name);
        if free(fallback) {
            return fallback.to_owned();
        }
        let qualifier = if self.used.contains(fallback) { parent.unwrap_or(&self.prefix) } else { &self.prefix };
        let base = format!("{qualifier}{fallback}");
        if free(&base) {
            return base;
        }
        (2..).map(|n| format!("{base}{n}")).find(|n| free(n)).expect("unbounded")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(name: &str, fields: Vec<Field>) -> Field {
        field(name, Ty::Object { type_name: None, fields })
    }

    fn field(name: &str, ty: Ty) -> Field {
        Field {
            name: name.into(),
            rust_name: None,
            ty,
            required: false,
            body: false,
            shared_common: false,
            sensitive: false,
            limits: Default::default(),
            description: String::new(),
        }
    }

    fn type_name(f: &Field) -> Option<&str> {
        match &f.ty {
            Ty::Object { type_name, .. } => type_name.as_deref(),
            _ => None,
        }
    }

    #[test]
    fn clashing_types_and_fields_get_names() {
        let mut op = Operation {
            name: "CreateGADInstance".into(),
            summary: String::new(),
            get: false,
            idempotent: false,
            historical: false,
            include_caller: false,
            parameters: vec![field("DBInstanceId", Ty::String), field("DbInstanceId", Ty::String)],
            response: vec![
                object("Result", vec![object("Data", vec![field("A", Ty::String)])]),
                object("Data", vec![field("B", Ty::String)]),
                object("Engine", vec![field("C", Ty::String)]),
            ],
        };
        let written = assign(&mut op, &["Engine".to_owned()], &[]);
        assert_eq!(written, Written { type_names: 3, rust_names: 1 });
        assert_eq!(op.parameters[1].rust_name.as_deref(), Some("db_instance_id_2"));
        assert_eq!(type_name(&op.response[0]), Some("CreateGadInstanceResult"));
        let Ty::Object { fields, .. } = &op.response[0].ty else { panic!() };
        assert_eq!(type_name(&fields[0]), None, "the first Data keeps its name");
        assert_eq!(type_name(&op.response[1]), Some("CreateGadInstanceData"));
        assert_eq!(type_name(&op.response[2]), Some("CreateGadInstanceEngine"));
    }
}
