//! Rustdoc text built from spec descriptions, constraints and examples.

use std::fmt::Write;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Constraints, Field, Operation, Shape};
use crate::spec::Scalar;

/// Outer doc attributes, one per line, so that prettyplease prints them as `///` comments.
pub(crate) fn outer(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#[doc = #lines])*)
}

/// Inner doc attributes (`//!`), one per line.
pub(crate) fn inner(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote!(#(#![doc = #lines])*)
}

fn doc_lines(text: &str) -> Vec<String> {
    text.trim_end().lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect()
}

/// Module doc of an operation file.
pub(crate) fn operation_doc(op: &Operation) -> String {
    let mut doc = format!("{}\n\nWire action: `{}`.", op.summary, op.wire_name);
    if let Some(d) = &op.description {
        let _ = write!(doc, "\n\n{d}");
    }
    if let Some(note) = &op.deprecated {
        let _ = write!(doc, "\n\n**Deprecated:** {note}");
    }
    doc
}

/// Doc of the request type.
pub(crate) fn request_doc(op: &Operation) -> String {
    let mut doc = format!("Request of `{}`: {}", op.wire_name, op.summary);
    if let Some(d) = &op.description {
        let _ = write!(doc, "\n\n{d}");
    }
    let _ = write!(
        doc,
        "\n\n{} This operation is {}idempotent: {}.",
        match op.method {
            crate::model::Method::Get => "Sent as `GET`.",
            crate::model::Method::Post => "Sent as `POST`.",
        },
        if op.idempotent { "" } else { "not " },
        if op.idempotent {
            "re-sending it cannot do the work twice"
        } else {
            "a re-sent request may do the work twice, so it is never retried automatically"
        }
    );
    if let Some(note) = &op.deprecated {
        let _ = write!(doc, "\n\n**Deprecated:** {note}");
    }
    doc
}

/// Doc of a field: description, wire name, requirement, constraints, default, example.
pub(crate) fn field_doc(field: &Field, request: bool) -> String {
    let mut doc = field.description.clone().unwrap_or_else(|| format!("The `{}` value.", field.wire_name));
    let _ = write!(doc, "\n\nWire name: `{}`", field.wire_name);
    if request {
        doc.push_str(if field.required { " (required)." } else { " (optional)." });
    } else {
        doc.push('.');
    }
    let rules = constraint_lines(&field.ty.constraints);
    if !rules.is_empty() {
        let _ = write!(doc, " Constraints: {}.", rules.join("; "));
    }
    match &field.ty.shape {
        Shape::Json(_) => doc.push_str(" Sent as one JSON-encoded string."),
        Shape::List { separator: Some(separator), .. } => {
            let _ = write!(doc, " Sent as one parameter, the items joined by `{separator}`.");
        }
        _ => {}
    }
    if field.shared_common {
        let _ = write!(
            doc,
            " Shared with the client's common parameter `{}`: the same value as the credentials' STS token. \
             One value is sent, and a request whose value differs from the credentials' is refused before it is \
             sent.",
            field.wire_name
        );
    }
    if field.sensitive && request {
        doc.push_str(
            " Sensitive: sent, never shown: the request's and builder's `Debug` print `***` in its place, and a \
             violation of its constraints names it without its value.",
        );
    } else if field.sensitive {
        doc.push_str(" Sensitive: `Debug` prints `***` in its place.");
    }
    if let Some(d) = &field.default {
        let _ = write!(doc, " Default: `{}`.", scalar_text(d));
    }
    if let Some(e) = &field.example {
        let _ = write!(doc, " Example: `{}`.", scalar_text(e));
    }
    doc
}

fn constraint_lines(c: &Constraints) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = &c.min {
        out.push(format!("at least {}", scalar_text(v)));
    }
    if let Some(v) = &c.max {
        out.push(format!("at most {}", scalar_text(v)));
    }
    if let Some(n) = c.min_length {
        out.push(format!("at least {}", count(n, "character")));
    }
    if let Some(n) = c.max_length {
        out.push(format!("at most {}", count(n, "character")));
    }
    if let Some(p) = &c.pattern {
        out.push(format!("matches `{p}`"));
    }
    if let Some(n) = c.min_items {
        out.push(format!("at least {}", count(n, "item")));
    }
    if let Some(n) = c.max_items {
        out.push(format!("at most {}", count(n, "item")));
    }
    if c.unique_items {
        out.push("items unique".to_owned());
    }
    if c.unique_values {
        out.push("values unique".to_owned());
    }
    if !c.allowed.is_empty() {
        let list: Vec<String> = c.allowed.iter().map(|v| format!("`{}`", scalar_text(v))).collect();
        out.push(format!("one of {}", list.join(", ")));
    }
    out
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A scalar as the spec wrote it.
pub(crate) fn scalar_text(s: &Scalar) -> String {
    match s {
        Scalar::String(s) => s.clone(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) => f.to_string(),
        Scalar::Bool(b) => b.to_string(),
    }
}
