//! The request type of an operation: struct, builder, validation, wire encoding and the `Operation` impl.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::validate::{checks, has_checks, Addressing};
use super::{docs, field_type, ident, op_type_names, rust_type, Ctx, Scope};
use crate::model::{Field, Location, Method, Operation, Rule, Shape};

pub(crate) fn emit(op: &Operation, ctx: &Ctx) -> TokenStream {
    let [request, builder, response, error] = op_type_names(op);
    let rt = &ctx.rt;
    let doc = docs::outer(&docs::request_doc(op));
    let fields = op.params.iter().map(|f| {
        let name = ident(&f.rust_name);
        let ty = field_type(f, false);
        let doc = docs::outer(&docs::field_doc(f, true));
        quote! { #doc pub #name: #ty, }
    });
    let builder_doc =
        docs::outer(&format!("Builder of [`{request}`]; [`build`]({builder}::build) checks every constraint."));
    let builder_fields = op.params.iter().map(|f| {
        let name = ident(&f.rust_name);
        let ty = rust_type(&f.ty);
        quote!(#name: Option<#ty>,)
    });
    let setters = op.params.iter().map(setter);
    let build = build_fn(op, &request, ctx);
    let validate_fields = validate_fields_fn(op, ctx);
    let validate_args = op.params.iter().filter(|f| takes_part(op, f, ctx)).map(|f| {
        let name = ident(&f.rust_name);
        if f.required {
            quote!(Some(&self.#name))
        } else {
            quote!(self.#name.as_ref())
        }
    });
    let writes = op.params.iter().map(|f| {
        let location = match f.location {
            Location::Query => quote!(#rt::Location::Query),
            Location::Body => quote!(#rt::Location::Body),
        };
        let wire = &f.wire_name;
        write_param(&ctx.scope(op), f, &quote!(#wire), &location, ctx)
    });
    let action = &op.wire_name;
    let version = &ctx.version;
    let method = match op.method {
        Method::Get => quote!(#rt::Method::Get),
        Method::Post => quote!(#rt::Method::Post),
    };
    let idempotent = op.idempotent;
    let v = validator_name(op);
    let params_arg = if op.params.is_empty() { quote!(_params) } else { quote!(params) };
    // With a sensitive parameter, `Debug` is written out so that it prints `***` for it; otherwise derived.
    let sensitive = op.params.iter().any(|f| f.sensitive);
    let (derive_debug, builder_derive_debug, debug_impls) = if sensitive {
        // The request's required parameters are plain fields; every field of the builder is an `Option`.
        let impls = [
            super::debug::redacted(&request, &op.params, |f| !f.required, ctx),
            super::debug::redacted(&builder, &op.params, |_| true, ctx),
        ];
        (quote!(), quote!(), quote!(#(#impls)*))
    } else {
        (quote!(Debug,), quote!(Debug,), quote!())
    };
    // The client redacts these parameters' values wherever a prepared request or an error shows them.
    let sensitive: Vec<&str> = op.params.iter().filter(|f| f.sensitive).map(|f| f.wire_name.as_str()).collect();
    let sensitive_const = if sensitive.is_empty() {
        quote!()
    } else {
        quote!(const SENSITIVE: &'static [&'static str] = &[#(#sensitive),*];)
    };
    // And the keys of the answer that hold secrets, redacted in the body snippet of an unreadable answer.
    let mut response_sensitive = Vec::new();
    secret_keys(&ctx.scope(op), &op.response, &mut response_sensitive, &mut Vec::new());
    let response_sensitive_const = if response_sensitive.is_empty() {
        quote!()
    } else {
        quote!(const RESPONSE_SENSITIVE: &'static [&'static str] = &[#(#response_sensitive),*];)
    };
    quote! {
        #doc
        #[derive(Clone, #derive_debug PartialEq)]
        #[non_exhaustive]
        pub struct #request {
            #(#fields)*
        }

        impl #request {
            /// Starts building a request.
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #builder_doc
        #[derive(Clone, #builder_derive_debug Default)]
        pub struct #builder {
            #(#builder_fields)*
        }

        #debug_impls

        impl #builder {
            #(#setters)*
            #build
        }

        #validate_fields

        impl #rt::Operation for #request {
            type Response = #response;
            type ErrorCode = #error;
            const ACTION: &'static str = #action;
            const VERSION: &'static str = #version;
            const METHOD: #rt::Method = #method;
            const IDEMPOTENT: bool = #idempotent;
            #sensitive_const
            #response_sensitive_const

            fn validate(&self) -> Result<(), #rt::ValidationError> {
                let mut #v = #rt::Validator::new(#action);
                validate_fields(&mut #v, #(#validate_args),*);
                #v.finish()
            }

            fn write_params(&self, #params_arg: &mut #rt::Params) {
                #(#writes)*
            }
        }
    }
}

/// The wire names of the `sensitive` fields among `fields` and inside their types, each once, in order.
fn secret_keys(scope: &Scope<'_>, fields: &[Field], out: &mut Vec<String>, seen: &mut Vec<String>) {
    for f in fields {
        if f.sensitive && !out.contains(&f.wire_name) {
            out.push(f.wire_name.clone());
        }
        let mut ty = &f.ty;
        while let Shape::List { items: inner, .. } | Shape::Map { value: inner } | Shape::Json(inner) = &ty.shape {
            ty = inner;
        }
        if let Some((named, inner)) = scope.enter(&ty.shape) {
            if seen.contains(&named.name) {
                continue;
            }
            seen.push(named.name.clone());
            if let crate::model::NamedKind::Object(fields) = &named.kind {
                secret_keys(&inner, fields, out, seen);
            }
        }
    }
}

/// The name of the validator in `validate_fields` and `build`, where the parameters are locals too: `v`,
/// unless a parameter has that Rust name.
fn validator_name(op: &Operation) -> Ident {
    let taken = |name: &str| op.params.iter().any(|f| f.rust_name == name);
    let name = ["v", "validator"]
        .into_iter()
        .map(str::to_owned)
        .chain((2..).map(|n| format!("validator{n}")))
        .find(|name| !taken(name))
        .expect("an unbounded list of names has one that no parameter takes");
    format_ident!("{name}")
}

/// Whether `validate_fields` takes the parameter: it is required, constrained, or named by a rule.
fn takes_part(op: &Operation, f: &Field, ctx: &Ctx) -> bool {
    f.required
        || has_checks(&ctx.scope(op), &f.ty)
        || op.rules.iter().any(|r| match r {
            Rule::Differ { parameters, .. } => parameters.iter().any(|p| p.wire_name == f.wire_name),
        })
}

fn setter(f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let doc = docs::outer(&docs::field_doc(f, true));
    match &f.ty.shape {
        Shape::String => quote! {
            #doc
            pub fn #name(mut self, value: impl Into<String>) -> Self {
                self.#name = Some(value.into());
                self
            }
        },
        Shape::List { items, .. } => {
            let item = rust_type(items);
            quote! {
                #doc
                pub fn #name(mut self, values: impl IntoIterator<Item = #item>) -> Self {
                    self.#name = Some(values.into_iter().collect());
                    self
                }
            }
        }
        _ => {
            let ty = rust_type(&f.ty);
            quote! {
                #doc
                pub fn #name(mut self, value: #ty) -> Self {
                    self.#name = Some(value);
                    self
                }
            }
        }
    }
}

/// `build()`: validates everything, reporting absent required parameters along with every other violation.
fn build_fn(op: &Operation, request: &proc_macro2::Ident, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let action = &op.wire_name;
    let v = validator_name(op);
    let args = op.params.iter().filter(|f| takes_part(op, f, ctx)).map(|f| {
        let name = ident(&f.rust_name);
        quote!(self.#name.as_ref())
    });
    let required: Vec<_> = op.params.iter().filter(|f| f.required).map(|f| ident(&f.rust_name)).collect();
    let unwrap = match required.len() {
        0 => quote!(),
        1 => {
            let name = &required[0];
            quote!(let Some(#name) = self.#name else { return Err(#v.into_error()); };)
        }
        _ => quote! {
            let (#(Some(#required)),*) = (#(self.#required),*) else { return Err(#v.into_error()); };
        },
    };
    let inits = op.params.iter().map(|f| {
        let name = ident(&f.rust_name);
        if f.required {
            quote!(#name,)
        } else {
            quote!(#name: self.#name,)
        }
    });
    let doc = docs::outer(&format!(
        "Checks every constraint of `{action}` and returns the request, or every violation at once."
    ));
    quote! {
        #doc
        pub fn build(self) -> Result<#request, #rt::ValidationError> {
            let mut #v = #rt::Validator::new(#action);
            validate_fields(&mut #v, #(#args),*);
            #unwrap
            #v.finish()?;
            Ok(#request { #(#inits)* })
        }
    }
}

/// The shared validation of the request and its builder, over optional references so that it also sees
/// what the builder is missing.
fn validate_fields_fn(op: &Operation, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let v = validator_name(op);
    let parts: Vec<&Field> = op.params.iter().filter(|f| takes_part(op, f, ctx)).collect();
    let params = parts.iter().map(|f| {
        let name = ident(&f.rust_name);
        let ty = rust_type(&f.ty);
        quote!(#name: Option<&#ty>)
    });
    let field_checks = parts.iter().map(|f| {
        let name = ident(&f.rust_name);
        let wire = &f.wire_name;
        // Inside a sensitive parameter, violations name it without its value.
        let enter = if f.sensitive { quote!(enter_sensitive) } else { quote!(enter) };
        let addressing = Addressing::Flattened;
        let scope = ctx.scope(op);
        let inner =
            if has_checks(&scope, &f.ty) { checks(&scope, &f.ty, &quote!(value), addressing, &v) } else { quote!() };
        match (f.required, has_checks(&scope, &f.ty)) {
            (true, true) => quote! {
                #v.#enter(#wire);
                match #name { Some(value) => { #inner } None => #v.required() }
                #v.leave();
            },
            (true, false) => quote! {
                if #name.is_none() { #v.#enter(#wire); #v.required(); #v.leave(); }
            },
            (false, true) => quote! {
                if let Some(value) = #name { #v.#enter(#wire); #inner #v.leave(); }
            },
            (false, false) => quote!(),
        }
    });
    let rules = op.rules.iter().map(|r| rule_check(r, &v, ctx));
    let body = quote!(#(#field_checks)* #(#rules)*);
    // Without checks there are no parameters either, so `_v` cannot clash.
    let v = if body.is_empty() { format_ident!("_{v}") } else { v };
    quote! {
        /// Records every violated constraint of the parameters present, and every required one absent.
        #[allow(clippy::too_many_arguments)]
        fn validate_fields(#v: &mut #rt::Validator, #(#params),*) {
            #body
        }
    }
}

fn rule_check(rule: &Rule, v: &Ident, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    match rule {
        Rule::Differ { parameters, description } => {
            let names: Vec<_> = parameters.iter().map(|p| ident(&p.rust_name)).collect();
            // Compared in wire form, which is what the service compares and what the violation shows.
            let pairs = parameters.iter().zip(&names).map(|(p, name)| {
                let wire = &p.wire_name;
                quote!((#wire, #rt::ParamValue::to_param(#name).as_str()))
            });
            let description = match description {
                Some(d) => quote!(Some(#d)),
                None => quote!(None),
            };
            // The shared value would be a sensitive parameter's: the violation then has none.
            let differ = if parameters.iter().any(|p| p.sensitive) { quote!(differ_sensitive) } else { quote!(differ) };
            quote! {
                if let (#(Some(#names)),*) = (#(#names),*) {
                    #v.#differ(&[#(#pairs),*], #description);
                }
            }
        }
    }
}

/// Sets the parameter(s) of field `f` of `self` (a request, or an object sent flattened) under the name
/// `name` (a `&str` expression) at `location` (an expression).
pub(crate) fn write_param(
    scope: &Scope<'_>,
    f: &Field,
    name_expr: &TokenStream,
    location: &TokenStream,
    ctx: &Ctx,
) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = name_expr;
    let put = match &f.ty.shape {
        Shape::List { separator: Some(separator), .. } => {
            quote!(params.put_joined(#location, #wire, value, #separator);)
        }
        Shape::List { items, .. } if scope.is_object(&items.shape) => {
            quote!(params.put_objects(#location, #wire, value);)
        }
        Shape::List { .. } => quote!(params.put_list(#location, #wire, value);),
        Shape::Json(inner) if matches!(inner.shape, Shape::Map { .. }) => {
            let rt = &ctx.rt;
            quote!(params.put_json(#location, #wire, &#rt::json::MapRef(value));)
        }
        Shape::Json(_) => quote!(params.put_json(#location, #wire, value);),
        shape if scope.is_object(shape) => quote!(params.put_object(#location, #wire, value);),
        _ => quote!(params.put(#location, #wire, value);),
    };
    if f.required {
        quote! { { let value = &self.#name; #put } }
    } else {
        quote! { if let Some(value) = &self.#name { #put } }
    }
}
