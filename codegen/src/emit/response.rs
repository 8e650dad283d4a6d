//! The response type of an operation, and the serde attributes of every decoded field.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, field_type, ident, op_type_names, Ctx};
use crate::model::{Field, Operation};

pub(crate) fn emit(op: &Operation, ctx: &Ctx) -> TokenStream {
    let [_, _, response, _] = op_type_names(op);
    let rt = &ctx.rt;
    let serde_crate = ctx.rt_fn("serde");
    let doc = docs::outer(&format!("Response of `{}`.", op.wire_name));
    let fields = op.response.iter().map(|f| decoded_field(f, ctx));
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, #rt::serde::Deserialize)]
        #[serde(crate = #serde_crate)]
        #[non_exhaustive]
        pub struct #response {
            #(#fields)*
        }
    }
}

/// A struct field decoded leniently: numbers where strings are declared and the reverse, wrapped lists,
/// absent optional values.
pub(crate) fn decoded_field(f: &Field, ctx: &Ctx) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = &f.wire_name;
    let ty = field_type(f, true);
    let doc = docs::outer(&docs::field_doc(f, false));
    let decode = ctx.rt_fn("de::decode");
    let default = if f.required { quote!() } else { quote!(default,) };
    quote! {
        #doc
        #[serde(rename = #wire, #default deserialize_with = #decode)]
        pub #name: #ty,
    }
}
