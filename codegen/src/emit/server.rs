//! The server side of a request: `FromParams`, reading the flat wire parameters back into the generated
//! request type and validating it with the same generated rules. A local stand-in of the service uses it, so
//! that client and server read one spec.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, op_type_names, rust_type, Ctx};
use crate::model::{NamedKind, Operation, Shape, Type};

pub(crate) fn emit(op: &Operation, ctx: &Ctx) -> TokenStream {
    let Some(cfg) = ctx.server_cfg() else {
        return quote!();
    };
    let rt = &ctx.rt;
    let [request, _, _, _] = op_type_names(op);
    let reads = op.params.iter().map(|f| {
        let setter = ident(&f.rust_name);
        let read = read(op, &f.ty, &f.wire_name, ctx);
        quote! {
            if let Some(value) = #read {
                builder = builder.#setter(value);
            }
        }
    });
    let (reader, builder) = if op.params.is_empty() {
        (quote!(reader), quote!(builder))
    } else {
        (quote!(mut reader), quote!(mut builder))
    };
    quote! {
        #cfg
        impl #rt::FromParams for #request {
            fn from_params(
                params: &std::collections::BTreeMap<String, String>,
            ) -> Result<Self, #rt::ValidationError> {
                let #reader = #rt::ParamReader::new(<Self as #rt::Operation>::ACTION, params);
                let #builder = Self::builder();
                #(#reads)*
                reader.finish_with(builder.build())
            }
        }
    }
}

/// The `ParamReader` call that reads a parameter of type `ty`, as an `Option`.
fn read(op: &Operation, ty: &Type, wire: &str, ctx: &Ctx) -> TokenStream {
    match &ty.shape {
        Shape::String => quote!(reader.string(#wire)),
        Shape::Boolean => quote!(reader.boolean(#wire)),
        Shape::Int32 => quote!(reader.parse::<i32>(#wire, "int32")),
        Shape::Int64 => quote!(reader.parse::<i64>(#wire, "int64")),
        Shape::Float => quote!(reader.parse::<f64>(#wire, "float")),
        Shape::Named(name) | Shape::Model(name) => {
            let what = format!("{name} value");
            let decode = item_decode(op, ty, ctx);
            quote!(reader.decode(#wire, #what, #decode))
        }
        Shape::List { items, .. } => {
            let item_ty = rust_type(items);
            let what = format!("{} item", quote!(#item_ty));
            let decode = item_decode(op, items, ctx);
            quote!(reader.list(#wire, #what, #decode))
        }
        Shape::Json(inner) => {
            let inner = rust_type(inner);
            quote!(reader.json::<#inner>(#wire))
        }
        // `check` allows maps only inside JSON values, where serde reads them.
        Shape::Map { .. } => quote!(None),
    }
}

/// A closure decoding one wire text into a value of `ty` (a scalar or an enum), as an `Option`.
fn item_decode(op: &Operation, ty: &Type, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    match &ty.shape {
        Shape::String => quote!(|text: &str| Some(text.to_owned())),
        Shape::Boolean => quote!(#rt::parse_bool),
        Shape::Int32 => quote!(|text: &str| text.parse::<i32>().ok()),
        Shape::Int64 => quote!(|text: &str| text.parse::<i64>().ok()),
        Shape::Float => quote!(|text: &str| text.parse::<f64>().ok()),
        Shape::Named(name) | Shape::Model(name) => {
            let open = ctx
                .scope(op)
                .enter(&ty.shape)
                .is_some_and(|(t, _)| t.in_response && matches!(t.kind, NamedKind::Enum(_)));
            let name = ident(name);
            if open {
                quote!(|text: &str| Some(#name::from_wire(text)))
            } else {
                quote!(#name::from_wire)
            }
        }
        _ => quote!(|_: &str| None),
    }
}
