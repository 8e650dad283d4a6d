//! `Paginated` for operations whose spec declares `pagination:`: how to ask for the next page.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, op_type_names, rust_type, Ctx};
use crate::model::{IntField, Operation, PageNumberPaging, TokenPaging};

pub(crate) fn emit(op: &Operation, ctx: &Ctx) -> TokenStream {
    let Some(pagination) = &op.pagination else {
        return quote!();
    };
    let rt = &ctx.rt;
    let [request, _, _, _] = op_type_names(op);
    let item = rust_type(&pagination.item_type);
    let items = ident(&pagination.items);
    let by_token = pagination.token.as_ref().map(|t| token_next(t, ctx));
    let by_number = pagination.page_number.as_ref().map(|p| number_next(p, &items, ctx));
    let body = match (by_token, by_number, &pagination.token) {
        (Some(by_token), Some(by_number), Some(token)) => {
            // Both styles: the request's own parameters say which one the caller started.
            let uses_token = match &token.size {
                Some(size) => {
                    let (t, s) = (ident(&token.token), ident(size));
                    quote!(self.#t.is_some() || self.#s.is_some())
                }
                None => {
                    let t = ident(&token.token);
                    quote!(self.#t.is_some())
                }
            };
            quote!(if #uses_token { #by_token } else { #by_number })
        }
        (Some(by_token), None, _) => by_token,
        (None, Some(by_number), _) => by_number,
        _ => quote!(None),
    };
    quote! {
        impl #rt::Paginated for #request {
            type Item = #item;

            fn next_page(&self, response: &Self::Response) -> Option<Self> {
                #body
            }

            fn into_items(response: Self::Response) -> Vec<Self::Item> {
                response.#items
            }
        }
    }
}

fn token_next(t: &TokenPaging, _ctx: &Ctx) -> TokenStream {
    let token = ident(&t.token);
    let next = ident(&t.next_token);
    quote! {
        let token = response.#next.as_deref().filter(|token| !token.is_empty())?;
        let mut next = self.clone();
        next.#token = Some(token.to_owned());
        Some(next)
    }
}

/// `value` (an `Option` of the field's type) as an `Option<i64>`, widening an `i32`.
fn widened(field: &IntField, value: TokenStream) -> TokenStream {
    if field.int64 {
        value
    } else {
        quote!(#value.map(i64::from))
    }
}

fn number_next(p: &PageNumberPaging, items: &proc_macro2::Ident, ctx: &Ctx) -> TokenStream {
    let rt = &ctx.rt;
    let page_name = ident(&p.page.name);
    let page = widened(&p.page, quote!(self.#page_name));
    let size_name = ident(&p.size.name);
    let size = widened(&p.size, quote!(self.#size_name));
    let size_expr = match p.default_size {
        Some(default) => quote!(Some(#size.unwrap_or(#default))),
        None => size,
    };
    let total = match &p.total {
        Some(total) => {
            let name = ident(&total.name);
            widened(total, quote!(response.#name))
        }
        None => quote!(None),
    };
    let page_value = if p.page.int64 { quote!(page) } else { quote!(page.try_into().ok()?) };
    quote! {
        let page = #rt::next_page_number(
            #page,
            #size_expr,
            response.#items.len(),
            #total,
        )?;
        let mut next = self.clone();
        next.#page_name = Some(#page_value);
        Some(next)
    }
}
