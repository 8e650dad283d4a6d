//! Validation code: calls into the runtime `Validator` for each constraint, walking nested values.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{ident, Ctx, Scope};
use crate::model::{Constraints, NamedKind, NamedType, Shape, Type};
use crate::spec::Scalar;

/// How list elements are addressed in violation paths.
#[derive(Clone, Copy)]
pub(crate) enum Addressing {
    /// A flattened request list: `Name.1`, `Name.2`, as on the wire.
    Flattened,
    /// Inside a JSON value: `Name[0]`.
    Json,
}

/// Whether a value of `ty` has anything to check.
pub(crate) fn has_checks(scope: &Scope<'_>, ty: &Type) -> bool {
    if !ty.constraints.is_empty() {
        return true;
    }
    match &ty.shape {
        Shape::List { items, .. } => has_checks(scope, items),
        Shape::Map { value } => has_checks(scope, value),
        Shape::Json(inner) => has_checks(scope, inner),
        Shape::Named(_) | Shape::Model(_) => {
            scope.enter(&ty.shape).is_some_and(|(t, inner)| named_has_checks(&inner, t))
        }
        _ => false,
    }
}

/// Whether a named type (whose own types are in `scope`) has anything to check.
pub(crate) fn named_has_checks(scope: &Scope<'_>, t: &NamedType) -> bool {
    match &t.kind {
        NamedKind::Object(fields) => fields.iter().any(|f| has_checks(scope, &f.ty)),
        NamedKind::OneOf(variants) => variants.iter().any(|v| has_checks(scope, &v.ty)),
        NamedKind::Enum(_) => false,
    }
}

/// Checks of `value` (an expression of type `&T`) against `ty`, at the current path of the validator `v`.
pub(crate) fn checks(
    scope: &Scope<'_>,
    ty: &Type,
    value: &TokenStream,
    addressing: Addressing,
    v: &Ident,
) -> TokenStream {
    let own = constraint_checks(&ty.shape, &ty.constraints, value, v);
    let nested = match &ty.shape {
        Shape::List { items, .. } if has_checks(scope, items) => {
            let inner = checks(scope, items, &quote!(item), addressing, v);
            let enter = match addressing {
                Addressing::Flattened => quote!(#v.enter(&(index + 1).to_string());),
                Addressing::Json => quote!(#v.enter_index(index);),
            };
            quote! {
                for (index, item) in #value.iter().enumerate() {
                    #enter
                    #inner
                    #v.leave();
                }
            }
        }
        Shape::Map { value: value_ty } if has_checks(scope, value_ty) => {
            let inner = checks(scope, value_ty, &quote!(entry), addressing, v);
            quote! {
                for (key, entry) in #value.iter() {
                    #v.enter(key);
                    #inner
                    #v.leave();
                }
            }
        }
        Shape::Json(inner) => checks(scope, inner, value, Addressing::Json, v),
        Shape::Named(_) | Shape::Model(_)
            if has_checks(scope, &Type { shape: ty.shape.clone(), constraints: Default::default() }) =>
        {
            quote!(#value.check(#v);)
        }
        _ => quote!(),
    };
    quote!(#own #nested)
}

fn constraint_checks(shape: &Shape, c: &Constraints, value: &TokenStream, v: &Ident) -> TokenStream {
    let mut out = TokenStream::new();
    if let Some(n) = c.min_length {
        out.extend(quote!(#v.min_length(#value, #n);));
    }
    if let Some(n) = c.max_length {
        out.extend(quote!(#v.max_length(#value, #n);));
    }
    if let Some(p) = &c.pattern {
        out.extend(quote!(#v.pattern(#value, #p);));
    }
    if let Some(min) = &c.min {
        let lit = number(shape, min);
        out.extend(quote!(#v.minimum(*#value, #lit);));
    }
    if let Some(max) = &c.max {
        let lit = number(shape, max);
        out.extend(quote!(#v.maximum(*#value, #lit);));
    }
    if !c.allowed.is_empty() {
        if let Shape::String = shape {
            let values = c.allowed.iter().map(super::docs::scalar_text);
            out.extend(quote!(#v.allowed(#value.as_str(), &[#(#values),*]);));
        } else {
            let values = c.allowed.iter().map(|s| number(shape, s));
            out.extend(quote!(#v.allowed(#value, &[#(&#values),*]);));
        }
    }
    if let Some(n) = c.min_items {
        out.extend(quote!(#v.min_items(#value.len(), #n);));
    }
    if let Some(n) = c.max_items {
        out.extend(quote!(#v.max_items(#value.len(), #n);));
    }
    match shape {
        Shape::Map { .. } => {
            if c.unique_items {
                out.extend(quote!(#v.unique_items(#value.iter().map(|(key, _)| key));));
            }
            if c.unique_values {
                out.extend(quote!(#v.unique_values(#value.iter().map(|(_, value)| value));));
            }
        }
        Shape::List { .. } if c.unique_items => out.extend(quote!(#v.unique_items(#value.iter());)),
        _ => {}
    }
    out
}

/// A numeric literal of the field's own type, so comparisons need no casts.
pub(crate) fn number(shape: &Shape, s: &Scalar) -> Literal {
    match (shape, s) {
        (Shape::Int32, Scalar::Int(i)) => Literal::i32_suffixed(*i as i32),
        (Shape::Int64, Scalar::Int(i)) => Literal::i64_suffixed(*i),
        (Shape::Float, Scalar::Int(i)) => Literal::f64_suffixed(*i as f64),
        (Shape::Float, Scalar::Float(f)) => Literal::f64_suffixed(*f),
        (Shape::Float32, Scalar::Int(i)) => Literal::f32_suffixed(*i as f32),
        (Shape::Float32, Scalar::Float(f)) => Literal::f32_suffixed(*f as f32),
        (_, Scalar::Int(i)) => Literal::i64_suffixed(*i),
        (_, Scalar::Float(f)) => Literal::f64_suffixed(*f),
        (_, other) => Literal::string(&super::docs::scalar_text(other)),
    }
}

/// `fn check(&self, v)` for a request object or one_of: the checks of its fields or variants.
pub(crate) fn named_check_fn(scope: &Scope<'_>, kind: &NamedKind, flattened: bool, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    // Fields are read through `self`, so no name of the spec's can clash with the validator's.
    let v = &format_ident!("v");
    // Lists inside an object sent flattened are addressed as on the wire (`Tag.1.Values.2`).
    let addressing = if flattened { Addressing::Flattened } else { Addressing::Json };
    let body = match kind {
        NamedKind::Object(fields) => {
            let per_field = fields.iter().filter(|f| has_checks(scope, &f.ty)).map(|f| {
                let name = ident(&f.rust_name);
                let wire = &f.wire_name;
                let inner = checks(scope, &f.ty, &quote!(value), addressing, v);
                // A secret's violations name it but never carry its value.
                let enter = if f.sensitive { quote!(enter_sensitive) } else { quote!(enter) };
                if f.required {
                    quote! { #v.#enter(#wire); let value = &self.#name; #inner #v.leave(); }
                } else {
                    quote! { if let Some(value) = &self.#name { #v.#enter(#wire); #inner #v.leave(); } }
                }
            });
            quote!(#(#per_field)*)
        }
        NamedKind::OneOf(variants) => {
            let arms = variants.iter().map(|variant| {
                let name = ident(&variant.name);
                if !has_checks(scope, &variant.ty) {
                    return quote!(Self::#name(_) => {});
                }
                let inner = checks(scope, &variant.ty, &quote!(value), Addressing::Json, v);
                quote!(Self::#name(value) => { #inner })
            });
            quote!(match self { #(#arms)* })
        }
        NamedKind::Enum(_) => return quote!(),
    };
    quote! {
        /// Records every constraint this value breaks.
        pub(crate) fn check(&self, v: &mut #rt::Validator) {
            #body
        }
    }
}
