//! Error-code enums: the service's common codes once, and each operation's own codes.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, op_type_names, Ctx};
use crate::model::{ErrorCase, Operation};

fn variant_doc(e: &ErrorCase) -> String {
    format!("`{}` (HTTP {}): {}", e.code, e.status, e.description)
}

/// `CommonError`: codes any operation of the service may return (the gateway's).
pub(crate) fn common_enum(errors: &[ErrorCase]) -> TokenStream {
    let variants = errors.iter().map(|e| {
        let name = ident(&e.rust_name);
        let doc = docs::outer(&variant_doc(e));
        quote! { #doc #name, }
    });
    let from = errors.iter().map(|e| {
        let name = ident(&e.rust_name);
        let code = &e.code;
        quote!(#code => Self::#name,)
    });
    let code = errors.iter().map(|e| {
        let name = ident(&e.rust_name);
        let code = &e.code;
        quote!(Self::#name => #code,)
    });
    let status = errors.iter().map(|e| {
        let name = ident(&e.rust_name);
        let status = e.status;
        quote!(Self::#name => #status,)
    });
    // A service without common errors has an empty enum: nothing to look up, and nothing to match on but
    // the value itself (`match *self {}`; an empty match on a reference does not compile).
    let from_code = if errors.is_empty() {
        quote! {
            pub fn from_code(_code: &str) -> Option<Self> {
                None
            }
        }
    } else {
        quote! {
            pub fn from_code(code: &str) -> Option<Self> {
                Some(match code {
                    #(#from)*
                    _ => return None,
                })
            }
        }
    };
    quote! {
        /// Error codes any operation of the service may return.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum CommonError {
            #(#variants)*
        }

        impl CommonError {
            /// The variant of a `Code`, if it is a common one.
            #from_code

            /// The `Code` as the service sends it.
            pub fn code(&self) -> &'static str {
                match *self {
                    #(#code)*
                }
            }

            /// The HTTP status the service documents for this code.
            pub fn status(&self) -> u16 {
                match *self {
                    #(#status)*
                }
            }
        }
    }
}

/// `<Op>Error`: the operation's own codes, then the common ones, then whatever else the service sends.
pub(crate) fn operation_enum(op: &Operation, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let [_, _, _, name] = op_type_names(op);
    let doc = docs::outer(&format!("Error codes `{}` may return.", op.wire_name));
    let variants = op.errors.iter().map(|e| {
        let variant = ident(&e.rust_name);
        let doc = docs::outer(&variant_doc(e));
        quote! { #doc #variant, }
    });
    let from = op.errors.iter().map(|e| {
        let variant = ident(&e.rust_name);
        let code = &e.code;
        quote!(#code => Self::#variant,)
    });
    let code = op.errors.iter().map(|e| {
        let variant = ident(&e.rust_name);
        let code = &e.code;
        quote!(Self::#variant => #code,)
    });
    let status = op.errors.iter().map(|e| {
        let variant = ident(&e.rust_name);
        let status = e.status;
        quote!(Self::#variant => Some(#status),)
    });
    let common_or_unknown = quote! {
        match super::CommonError::from_code(code) {
            Some(common) => Self::Common(common),
            None => Self::Unknown(code.to_owned()),
        }
    };
    let from_code = if op.errors.is_empty() {
        common_or_unknown
    } else {
        quote! {
            match code {
                #(#from)*
                _ => #common_or_unknown,
            }
        }
    };
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A code any operation of the service may return.
            Common(super::CommonError),
            /// A code this version of the SDK does not know, kept as sent.
            Unknown(String),
        }

        impl #name {
            /// The HTTP status documented for this code, when it is a known one.
            pub fn documented_status(&self) -> Option<u16> {
                match self {
                    #(#status)*
                    Self::Common(common) => Some(common.status()),
                    Self::Unknown(_) => None,
                }
            }
        }

        impl #rt::ErrorCode for #name {
            fn from_code(code: &str) -> Self {
                #from_code
            }

            fn code(&self) -> &str {
                match self {
                    #(#code)*
                    Self::Common(common) => common.code(),
                    Self::Unknown(code) => code,
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(#rt::ErrorCode::code(self))
            }
        }
    }
}
