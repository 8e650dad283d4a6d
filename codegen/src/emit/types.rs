//! Enums, objects and one_ofs written inline in an operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::response::{decode_struct, decoded_field};
use super::validate::{named_check_fn, named_has_checks};
use super::{docs, field_type, ident, rust_type, Ctx, Scope};
use crate::model::{EnumValue, Field, NamedKind, NamedType, Shape, Variant};

pub(crate) fn named_type(scope: &Scope<'_>, t: &NamedType, ctx: &Ctx) -> TokenStream {
    match &t.kind {
        NamedKind::Enum(values) => enumeration(t, values, ctx),
        NamedKind::Object(fields) => object(scope, t, fields, ctx),
        NamedKind::OneOf(variants) => one_of(scope, t, variants, ctx),
    }
}

fn type_doc(t: &NamedType, fallback: String) -> String {
    t.description.clone().unwrap_or(fallback)
}

/// Response enums keep values this SDK does not know (`Unknown`), so a new service value never fails a
/// decode; request enums are closed sets.
fn enumeration(t: &NamedType, values: &[EnumValue], ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&t.name);
    let open = t.in_response;
    let doc = docs::outer(&type_doc(t, format!("Values of `{}`.", t.name)));
    let variants = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = docs::outer(&v.description.clone().unwrap_or_else(|| format!("`{}`", v.wire)));
        quote! { #doc #variant, }
    });
    let as_str = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire;
        quote!(Self::#variant => #wire,)
    });
    let from_wire = values.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire;
        quote!(#wire => Self::#variant,)
    });
    let wires = values.iter().map(|v| &v.wire);
    let (unknown_variant, unknown_as_str, derives, from_fn) = if open {
        (
            quote! {
                /// A value this version of the SDK does not know, kept as sent.
                Unknown(String),
            },
            quote!(Self::Unknown(value) => value,),
            quote!(#[derive(Clone, Debug, PartialEq, Eq, Hash)]),
            quote! {
                /// The variant of a wire value; values this SDK does not know become `Unknown`.
                pub fn from_wire(value: &str) -> Self {
                    match value {
                        #(#from_wire)*
                        other => Self::Unknown(other.to_owned()),
                    }
                }
            },
        )
    } else {
        (
            quote!(),
            quote!(),
            quote!(#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]),
            quote! {
                /// The variant of a wire value, if it is one of the known values.
                pub fn from_wire(value: &str) -> Option<Self> {
                    Some(match value {
                        #(#from_wire)*
                        _ => return None,
                    })
                }
            },
        )
    };
    let server_deserialize = match ctx.server_cfg() {
        Some(cfg) => {
            let from = if open {
                quote!(Ok(Self::from_wire(&value)))
            } else {
                quote! {
                    Self::from_wire(&value).ok_or_else(|| {
                        #rt::serde::de::Error::unknown_variant(&value, Self::KNOWN_VALUES)
                    })
                }
            };
            quote! {
                #cfg
                impl<'de> #rt::serde::Deserialize<'de> for #name {
                    fn deserialize<D: #rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <String as #rt::serde::Deserialize>::deserialize(deserializer)?;
                        #from
                    }
                }
            }
        }
        None => quote!(),
    };
    let request_impls = if t.in_request {
        quote! {
            impl #rt::ParamValue for #name {
                fn to_param(&self) -> String {
                    self.as_str().to_owned()
                }
            }

            impl #rt::serde::Serialize for #name {
                fn serialize<S: #rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            #server_deserialize
        }
    } else {
        quote!()
    };
    let response_impls = if open {
        quote! {
            impl #rt::de::Decode for #name {
                fn decode(reader: &mut #rt::de::Reader<'_>) -> Result<Self, #rt::de::DecodeError> {
                    reader.text().map(|value| Self::from_wire(&value))
                }

                fn decode_optional(reader: &mut #rt::de::Reader<'_>) -> Result<Option<Self>, #rt::de::DecodeError> {
                    Ok(reader.optional_text()?.map(|value| Self::from_wire(&value)))
                }
            }
        }
    } else {
        quote!()
    };
    quote! {
        #doc
        #derives
        pub enum #name {
            #(#variants)*
            #unknown_variant
        }

        impl #name {
            /// Every value this SDK knows, as sent on the wire.
            pub const KNOWN_VALUES: &'static [&'static str] = &[#(#wires),*];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #unknown_as_str
                }
            }

            #from_fn
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #request_impls
        #response_impls
    }
}

fn object(scope: &Scope<'_>, t: &NamedType, fields: &[Field], ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&t.name);
    let serde_crate = ctx.rt_fn("serde");
    let doc = docs::outer(&type_doc(t, format!("The `{}` structure.", t.name)));
    let body = fields.iter().map(|f| match (t.in_request, t.in_response) {
        (false, true) => decoded_field(f),
        // Met in requests too: shaped like a request field (and encoded like one), decoded by `Decode`.
        _ => encoded_field(f, ctx),
    });
    // Callers build request values, so only a type met in responses alone may grow fields unannounced. A
    // response type has no serde derive at all: it is read by its `Decode` impl.
    let (serde, non_exhaustive) = match (t.in_request, t.in_response) {
        (false, true) => (quote!(), quote!(#[non_exhaustive])),
        _ => (quote!(#[derive(#rt::serde::Serialize)] #[serde(crate = #serde_crate)]), quote!()),
    };
    let check = if t.in_request && named_has_checks(scope, t) {
        let f = named_check_fn(scope, &t.kind, t.flattened, ctx);
        quote!(impl #name { #f })
    } else {
        quote!()
    };
    // A type also met in requests has the request's field shapes (an optional list is an `Option`).
    let decode = if t.in_response { decode_struct(&name, fields, !t.in_request, ctx) } else { quote!() };
    let server = server_deserialize(t, ctx);
    let flat = if t.flattened {
        let location = quote!(location);
        let writes = fields.iter().map(|f| {
            let wire = &f.wire_name;
            super::request::write_param(scope, f, &quote!(&#rt::flat_name(prefix, #wire)), &location, ctx)
        });
        quote! {
            impl #rt::FlatObject for #name {
                fn write_flat(&self, params: &mut #rt::Params, location: #rt::Location, prefix: &str) {
                    #(#writes)*
                }
            }
        }
    } else {
        quote!()
    };
    let (debug_derive, debug_impl) =
        super::debug::derive_and_impl(&name, fields, |f| super::is_optional(f, !t.in_request), ctx);
    quote! {
        #doc
        #debug_derive
        #serde
        #server
        #non_exhaustive
        pub struct #name {
            #(#body)*
        }
        #debug_impl
        #check
        #decode
        #flat
    }
}

/// Deserialize for the server side, which reads request values back (the JSON the client wrote).
fn server_deserialize(t: &NamedType, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    if t.in_request {
        ctx.server_derive(quote!(#rt::serde::Deserialize))
    } else {
        quote!()
    }
}

/// A field of a request object, serialized into a JSON-encoded parameter.
fn encoded_field(f: &Field, ctx: &Ctx) -> TokenStream {
    let name = ident(&f.rust_name);
    let wire = &f.wire_name;
    let ty = field_type(f, false);
    let doc = docs::outer(&docs::field_doc(f, true));
    // `default` only matters to the server side's Deserialize: an absent optional field is `None`.
    let skip = if f.required { quote!() } else { quote!(default, skip_serializing_if = "Option::is_none",) };
    let with = match (&f.ty.shape, f.required) {
        (Shape::Map { .. }, true) => {
            let ser = ctx.rt_fn("json::ordered_map");
            let de = ctx.rt_fn("json::deserialize_ordered_map");
            quote!(serialize_with = #ser, deserialize_with = #de,)
        }
        (Shape::Map { .. }, false) => {
            let ser = ctx.rt_fn("json::optional_ordered_map");
            let de = ctx.rt_fn("json::deserialize_optional_ordered_map");
            quote!(serialize_with = #ser, deserialize_with = #de,)
        }
        _ => quote!(),
    };
    quote! {
        #doc
        #[serde(rename = #wire, #skip #with)]
        pub #name: #ty,
    }
}

/// One of several shapes, written untagged: the variant is told apart by the JSON value's own shape.
fn one_of(scope: &Scope<'_>, t: &NamedType, variants: &[Variant], ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let name = ident(&t.name);
    let serde_crate = ctx.rt_fn("serde");
    let doc = docs::outer(&type_doc(t, format!("The shapes `{}` may take.", t.name)));
    let body = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = rust_type(&v.ty);
        let doc = docs::outer(&v.description.clone().unwrap_or_else(|| format!("The `{}` shape.", v.name)));
        let attr = if !t.in_request {
            quote!()
        } else if let Shape::Map { .. } = v.ty.shape {
            let ser = ctx.rt_fn("json::ordered_map");
            let de = ctx.rt_fn("json::deserialize_ordered_map");
            quote!(#[serde(serialize_with = #ser, deserialize_with = #de)])
        } else {
            quote!()
        };
        quote! { #doc #variant(#attr #ty), }
    });
    let serde = if t.in_request {
        quote!(#[derive(#rt::serde::Serialize)] #[serde(crate = #serde_crate, untagged)])
    } else {
        quote!()
    };
    let check = if t.in_request && named_has_checks(scope, t) {
        let f = named_check_fn(scope, &t.kind, t.flattened, ctx);
        quote!(impl #name { #f })
    } else {
        quote!()
    };
    let decode = if t.in_response { decode_one_of(&name, variants, ctx) } else { quote!() };
    let server = server_deserialize(t, ctx);
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        #serde
        #server
        pub enum #name {
            #(#body)*
        }
        #check
        #decode
    }
}

/// `Decode` for a one_of: the first variant whose shape reads the value, tried in spec order, as serde's
/// untagged enums do.
fn decode_one_of(name: &proc_macro2::Ident, variants: &[Variant], ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let tries = variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote! {
            if let Some(value) = reader.attempt(|reader| reader.decode()) {
                return Ok(Self::#variant(value));
            }
        }
    });
    let expected = format!("a value of one of the shapes of {name}");
    quote! {
        impl #rt::de::Decode for #name {
            fn decode(reader: &mut #rt::de::Reader<'_>) -> Result<Self, #rt::de::DecodeError> {
                #(#tries)*
                Err(reader.mismatch(#expected))
            }
        }
    }
}
