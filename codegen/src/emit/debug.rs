//! `Debug` of generated structures that hold secrets: written out instead of derived, printing `***` for each
//! `sensitive` field (and `None` as `None`, so that whether it is set still shows).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{ident, Ctx};
use crate::model::Field;

/// The derive attribute of a structure with `fields` (`Clone`, `PartialEq`, and `Debug` unless a field is
/// sensitive) and, when one is, its written-out `Debug`. `optional` says whether a field is an `Option` in
/// this structure.
pub(crate) fn derive_and_impl(
    name: &Ident,
    fields: &[Field],
    optional: impl Fn(&Field) -> bool,
    ctx: &Ctx,
) -> (TokenStream, TokenStream) {
    if fields.iter().any(|f| f.sensitive) {
        (quote!(#[derive(Clone, PartialEq)]), redacted(name, fields, optional, ctx))
    } else {
        (quote!(#[derive(Clone, Debug, PartialEq)]), quote!())
    }
}

/// `impl Debug` printing what the derive would, except `***` for the value of a sensitive field.
pub(crate) fn redacted(name: &Ident, fields: &[Field], optional: impl Fn(&Field) -> bool, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let label_of_type = name.to_string();
    let shown = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let label = &f.rust_name;
        let value = match (f.sensitive, optional(f)) {
            (false, _) => quote!(&self.#field),
            (true, false) => quote!(&#rt::Redacted),
            (true, true) => quote!(&self.#field.as_ref().map(|_| #rt::Redacted)),
        };
        quote!(.field(#label, #value))
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label_of_type) #(#shown)* .finish()
            }
        }
    }
}
