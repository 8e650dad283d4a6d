//! The response type of an operation, and how every decoded structure reads itself from JSON.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{docs, field_type, ident, is_optional, op_type_names, Ctx};
use crate::model::{Field, Operation};

pub(crate) fn emit(op: &Operation, ctx: &Ctx) -> TokenStream {
    let [_, _, response, _] = op_type_names(op);
    let doc = docs::outer(&format!("Response of `{}`.", op.wire_name));
    let fields = op.response.iter().map(decoded_field);
    let decode = decode_struct(&response, &op.response, true, ctx);
    let (derive, debug) = super::debug::derive_and_impl(&response, &op.response, |f| is_optional(f, true), ctx);
    quote! {
        #doc
        #derive
        #[non_exhaustive]
        pub struct #response {
            #(#fields)*
        }
        #debug
        #decode
    }
}

/// A field of a structure met in responses only.
pub(crate) fn decoded_field(f: &Field) -> TokenStream {
    let name = ident(&f.rust_name);
    let ty = field_type(f, true);
    let doc = docs::outer(&docs::field_doc(f, false));
    quote! {
        #doc
        pub #name: #ty,
    }
}

/// The local that collects a field while its object is read: the field's own name, unless that is one of
/// the names the decoder itself binds.
fn local(f: &Field) -> Ident {
    match f.rust_name.as_str() {
        "reader" | "key" => format_ident!("{}_value", f.rust_name),
        _ => ident(&f.rust_name),
    }
}

/// `Decode` for a structure: each field's value (leniently decoded by its type's own `Decode`) is kept in a
/// local as its key goes by; unknown keys are skipped; a missing required field is an error, a missing
/// optional one `None` (or an empty list). `response_shapes`: the fields have the shapes of a response-only type
/// (an optional list is a plain `Vec`), else those of a request type.
pub(crate) fn decode_struct(name: &Ident, fields: &[Field], response_shapes: bool, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    // Typed locals: the compiler then infers nothing across the callback (cheaper to type-check).
    let locals = fields.iter().map(|f| {
        let local = local(f);
        let ty = field_type(f, response_shapes);
        quote!(let mut #local: Option<#ty> = None;)
    });
    let arms = fields.iter().map(|f| {
        let wire = &f.wire_name;
        let local = local(f);
        quote!(#wire => reader.field(&mut #local),)
    });
    let values = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let local = local(f);
        let wire = &f.wire_name;
        if f.required {
            quote!(#field: reader.required(#local, #wire)?,)
        } else {
            quote!(#field: #local.unwrap_or_default(),)
        }
    });
    quote! {
        impl #rt::de::Decode for #name {
            fn decode(reader: &mut #rt::de::Reader<'_>) -> Result<Self, #rt::de::DecodeError> {
                #(#locals)*
                reader.object(&mut |reader, key| match key {
                    #(#arms)*
                    _ => reader.skip(),
                })?;
                Ok(Self { #(#values)* })
            }
        }
    }
}
