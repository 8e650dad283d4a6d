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
        let wire = &f.wire_name;
        let read = read(op, &f.ty, &quote!(#wire), ctx);
        quote! {
            if let Some(value) = #read {
                builder = builder.#setter(value);
            }
        }
    });
    let flat = flat_reads(op, ctx);
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
        #flat
    }
}

/// `FromFlat` of every object of the operation sent flattened (`Tag.1.Key`): each field read as a parameter
/// named `prefix.Field`.
pub(crate) fn flat_reads(op: &Operation, ctx: &Ctx) -> TokenStream {
    let Some(cfg) = ctx.server_cfg() else {
        return quote!();
    };
    let rt = &ctx.rt;
    let impls = op.types.values().filter(|t| t.flattened).filter_map(|t| {
        let NamedKind::Object(fields) = &t.kind else { return None };
        let name = ident(&t.name);
        let reads = fields.iter().map(|f| {
            let local = ident(&f.rust_name);
            let wire = &f.wire_name;
            let key = quote!(&#rt::flat_name(prefix, #wire));
            let read = read(op, &f.ty, &key, ctx);
            let required = if f.required { quote!(let #local = reader.require(#local, #key);) } else { quote!() };
            quote! { let #local = #read; #required }
        });
        let values = fields.iter().map(|f| {
            let local = ident(&f.rust_name);
            if f.required {
                quote!(#local: #local?,)
            } else {
                quote!(#local,)
            }
        });
        Some(quote! {
            #cfg
            impl #rt::FromFlat for #name {
                fn read_flat(reader: &mut #rt::ParamReader<'_>, prefix: &str) -> Option<Self> {
                    #(#reads)*
                    Some(Self { #(#values)* })
                }
            }
        })
    });
    quote!(#(#impls)*)
}

/// The `ParamReader` call that reads a parameter of type `ty` named `wire` (a `&str` expression), as an
/// `Option`.
fn read(op: &Operation, ty: &Type, wire: &TokenStream, ctx: &Ctx) -> TokenStream {
    let scope = ctx.scope(op);
    match &ty.shape {
        Shape::String => quote!(reader.string(#wire)),
        Shape::Boolean => quote!(reader.boolean(#wire)),
        Shape::Int32 => quote!(reader.parse::<i32>(#wire, "int32")),
        Shape::Int64 => quote!(reader.parse::<i64>(#wire, "int64")),
        Shape::Float => quote!(reader.parse::<f64>(#wire, "float")),
        Shape::Float32 => quote!(reader.parse::<f32>(#wire, "float32")),
        Shape::Named(_) if scope.is_object(&ty.shape) => quote!(reader.object(#wire)),
        Shape::List { items, .. } if scope.is_object(&items.shape) => quote!(reader.objects(#wire)),
        Shape::List { items, separator: Some(separator), .. } => {
            let item_ty = rust_type(items);
            let what = format!("{} item", quote!(#item_ty));
            let decode = item_decode(op, items, ctx);
            quote!(reader.joined(#wire, #what, #separator, #decode))
        }
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
        Shape::Json(inner) if matches!(inner.shape, Shape::Map { .. }) => {
            let Shape::Map { value } = &inner.shape else { unreachable!("matched above") };
            let value = rust_type(value);
            let rt = &ctx.rt;
            quote!(reader.json::<#rt::json::OrderedMap<#value>>(#wire).map(|map| map.0))
        }
        Shape::Json(inner) => {
            let inner = rust_type(inner);
            quote!(reader.json::<#inner>(#wire))
        }
        // `check` allows maps and `any` only inside JSON values, where serde reads them.
        Shape::Map { .. } | Shape::Any => quote!(None),
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
        Shape::Float32 => quote!(|text: &str| text.parse::<f32>().ok()),
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
