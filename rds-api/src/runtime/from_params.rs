//! Decoding flat wire parameters back into a generated request: the server side of [`Params`](super::Params).
//!
//! A local stand-in of the service (the `rds-emulator` crate) accepts requests with the same generated types
//! the client sends, so both sides read the same specs: a parameter is decoded by its declared type and then
//! checked by the same generated validation.

use std::collections::BTreeMap;
use std::str::FromStr;

use super::{Rule, ValidationError, Validator};

/// A generated request that can be read back from its wire parameters.
///
/// Implemented by every generated request type when rds-api is built with its `server` feature.
pub trait FromParams: Sized {
    /// Decodes `params` (query and body parameters together; common parameters such as `Action` or
    /// `Signature` are ignored) and validates the result. Every undecodable value and every violated
    /// constraint is reported at once.
    fn from_params(params: &BTreeMap<String, String>) -> Result<Self, ValidationError>;
}

/// The server side of one operation, type-erased so that one table holds every operation
/// (`rds_api::operations::SERVER_OPERATIONS`, built with the `server` feature).
#[derive(Clone, Copy)]
pub struct ServerOperation {
    /// The operation's wire name (`Action`).
    pub action: &'static str,
    /// Whether the operation may be re-sent (its spec's `idempotent`).
    pub idempotent: bool,
    /// Whether the spec marks it `deprecated` (withdrawn from Alibaba's current SDKs, still answered).
    pub deprecated: bool,
    reencode: fn(&BTreeMap<String, String>) -> Result<super::Params, ValidationError>,
    decode_response: fn(&[u8]) -> Result<(), super::de::DecodeError>,
}

impl ServerOperation {
    /// The entry of the generated request type `T`.
    pub const fn of<T: FromParams + super::Operation>() -> Self {
        ServerOperation {
            action: T::ACTION,
            idempotent: T::IDEMPOTENT,
            deprecated: false,
            reencode: reencode::<T>,
            decode_response: decode_response::<T>,
        }
    }

    /// The same entry, marked deprecated (the generated table marks the operations whose spec says so).
    pub const fn deprecated(self) -> Self {
        ServerOperation { deprecated: true, ..self }
    }

    /// Decodes `body` as the operation's generated response type (as the client does with an answer),
    /// discarding the value: whether an answer of this shape is understood.
    pub fn decode_response(&self, body: &[u8]) -> Result<(), super::de::DecodeError> {
        (self.decode_response)(body)
    }

    /// Decodes and validates a request from its wire parameters (query and body together), as the generated
    /// `FromParams` does, and writes it back as the client would send it: every parameter the operation
    /// knows, in its declared placement. Parameters the operation does not declare are not in the result.
    pub fn reencode(&self, params: &BTreeMap<String, String>) -> Result<super::Params, ValidationError> {
        (self.reencode)(params)
    }

    /// Decodes and validates a request from its wire parameters, reporting every problem at once.
    pub fn validate(&self, params: &BTreeMap<String, String>) -> Result<(), ValidationError> {
        self.reencode(params).map(drop)
    }
}

impl std::fmt::Debug for ServerOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerOperation").field("action", &self.action).finish_non_exhaustive()
    }
}

fn decode_response<T: super::Operation>(body: &[u8]) -> Result<(), super::de::DecodeError> {
    super::de::from_slice::<T::Response>(body).map(drop)
}

fn reencode<T: FromParams + super::Operation>(
    params: &BTreeMap<String, String>,
) -> Result<super::Params, ValidationError> {
    let request = T::from_params(params)?;
    let mut out = super::Params::new();
    request.write_params(&mut out);
    Ok(out)
}

/// A generated object that the server reads back from flattened parameters (`Tag.1.Key`).
pub trait FromFlat: Sized {
    /// Reads the fields named `prefix.Field`; `None` after recording why when a field is missing or of the
    /// wrong type.
    fn read_flat(reader: &mut ParamReader<'_>, prefix: &str) -> Option<Self>;
}

/// Reads typed values out of wire parameters, recording a [`Rule::Format`] violation for each value that is
/// not of its declared type. Generated `from_params` bodies call it once per parameter.
#[derive(Debug)]
pub struct ParamReader<'a> {
    params: &'a BTreeMap<String, String>,
    validator: Validator,
}

impl<'a> ParamReader<'a> {
    /// Starts reading a request of `operation` (its wire name).
    pub fn new(operation: &'static str, params: &'a BTreeMap<String, String>) -> Self {
        ParamReader { params, validator: Validator::new(operation) }
    }

    fn fail(&mut self, name: &str, what: &str, value: &str) {
        self.validator.enter(name);
        self.validator.violation(Rule::Format(what.to_owned()), Some(value));
        self.validator.leave();
    }

    /// The text of `name`, if present.
    pub fn string(&mut self, name: &str) -> Option<String> {
        self.params.get(name).cloned()
    }

    /// `name` parsed as `T` (integers and floats in their decimal form); `what` names the type in violations.
    pub fn parse<T: FromStr>(&mut self, name: &str, what: &str) -> Option<T> {
        let text = self.params.get(name)?;
        match text.parse() {
            Ok(value) => Some(value),
            Err(_) => {
                self.fail(name, what, text);
                None
            }
        }
    }

    /// `name` as a boolean: `true` or `false` in any case (the Python SDKs send `True`).
    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        let text = self.params.get(name)?;
        parse_bool(text).or_else(|| {
            self.fail(name, "boolean", text);
            None
        })
    }

    /// `name` decoded by `decode` (an enum's `from_wire`); `what` names the type in violations.
    pub fn decode<T>(&mut self, name: &str, what: &str, decode: impl Fn(&str) -> Option<T>) -> Option<T> {
        let text = self.params.get(name)?;
        decode(text).or_else(|| {
            self.fail(name, what, text);
            None
        })
    }

    /// A flattened list `Name.1`, `Name.2`, … in index order, each item decoded by `decode`; `None` when no
    /// item is present.
    pub fn list<T>(&mut self, name: &str, what: &str, decode: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
        let prefix = format!("{name}.");
        let mut indexed: Vec<(u64, &String, &String)> = self
            .params
            .range(prefix.clone()..)
            .take_while(|(key, _)| key.starts_with(&prefix))
            .filter_map(|(key, value)| Some((key[prefix.len()..].parse().ok()?, key, value)))
            .collect();
        if indexed.is_empty() {
            return None;
        }
        indexed.sort_by_key(|(index, _, _)| *index);
        let mut items = Vec::with_capacity(indexed.len());
        for (_, key, value) in indexed {
            match decode(value) {
                Some(item) => items.push(item),
                None => self.fail(key, what, value),
            }
        }
        Some(items)
    }

    /// A list sent as one parameter, its items joined by `separator` (`a,b,c`), each decoded by `decode`.
    pub fn joined<T>(
        &mut self,
        name: &str,
        what: &str,
        separator: &str,
        decode: impl Fn(&str) -> Option<T>,
    ) -> Option<Vec<T>> {
        let text = self.params.get(name)?.clone();
        let mut items = Vec::new();
        for item in text.split(separator) {
            match decode(item) {
                Some(value) => items.push(value),
                None => self.fail(name, what, item),
            }
        }
        Some(items)
    }

    /// An object sent flattened (`Name.Field`); `None` when none of its fields is present.
    pub fn object<T: FromFlat>(&mut self, name: &str) -> Option<T> {
        let prefix = format!("{name}.");
        let present = self.params.range(prefix.clone()..).next().is_some_and(|(key, _)| key.starts_with(&prefix));
        if !present {
            return None;
        }
        T::read_flat(self, name)
    }

    /// A list of objects sent flattened (`Name.1.Field`, `Name.2.Field`), in index order; `None` when no item
    /// is present.
    pub fn objects<T: FromFlat>(&mut self, name: &str) -> Option<Vec<T>> {
        let prefix = format!("{name}.");
        let indices: std::collections::BTreeSet<u64> = self
            .params
            .range(prefix.clone()..)
            .take_while(|(key, _)| key.starts_with(&prefix))
            .filter_map(|(key, _)| key[prefix.len()..].split_once('.')?.0.parse().ok())
            .collect();
        if indices.is_empty() {
            return None;
        }
        let mut items = Vec::with_capacity(indices.len());
        for index in indices {
            if let Some(item) = T::read_flat(self, &format!("{name}.{index}")) {
                items.push(item);
            }
        }
        Some(items)
    }

    /// `value`, or a [`Rule::Required`] violation of `name` when it is absent.
    pub fn require<T>(&mut self, value: Option<T>, name: &str) -> Option<T> {
        if value.is_none() {
            self.validator.enter(name);
            self.validator.violation(Rule::Required, None);
            self.validator.leave();
        }
        value
    }

    /// `name` as JSON text decoded into `T`.
    pub fn json<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        let text = self.params.get(name)?;
        match serde_json::from_str(text) {
            Ok(value) => Some(value),
            Err(err) => {
                self.fail(name, &format!("JSON value of the declared shape ({err})"), text);
                None
            }
        }
    }

    /// Ends decoding: `Ok` when every present value had its declared type, else every violation.
    pub fn finish(self) -> Result<(), ValidationError> {
        self.validator.finish()
    }

    /// Ends decoding of a request that `built` from the values that could be decoded: every value of the
    /// wrong type and every violated rule, at once. A parameter whose value could not be decoded is not also
    /// reported as absent.
    pub fn finish_with<T>(self, built: Result<T, ValidationError>) -> Result<T, ValidationError> {
        match (self.validator.finish(), built) {
            (Ok(()), built) => built,
            (Err(decoding), Ok(_)) => Err(decoding),
            (Err(mut decoding), Err(validation)) => {
                let undecodable: Vec<String> = decoding.violations.iter().map(|v| v.parameter.clone()).collect();
                decoding.violations.extend(
                    validation
                        .violations
                        .into_iter()
                        .filter(|v| !(v.rule == Rule::Required && undecodable.contains(&v.parameter))),
                );
                Err(decoding)
            }
        }
    }
}

/// `true` / `false` in any case.
pub fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn reads_each_type_and_reports_every_bad_value() {
        let p = params(&[
            ("Count", "12"),
            ("Big", "x1"),
            ("Flag", "True"),
            ("Bad", "yes"),
            ("Ids.2", "b"),
            ("Ids.10", "c"),
            ("Ids.1", "a"),
            ("Nums.1", "1"),
            ("Nums.2", "two"),
            ("Doc", r#"{"a":[1,2]}"#),
            ("BadDoc", "{"),
        ]);
        let mut r = ParamReader::new("Op", &p);
        assert_eq!(r.parse::<i32>("Count", "int32"), Some(12));
        assert_eq!(r.parse::<i64>("Big", "int64"), None);
        assert_eq!(r.parse::<i64>("Absent", "int64"), None);
        assert_eq!(r.boolean("Flag"), Some(true));
        assert_eq!(r.boolean("Bad"), None);
        assert_eq!(r.list("Ids", "string", |s| Some(s.to_owned())), Some(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(r.list("Nums", "int32", |s| s.parse::<i32>().ok()), Some(vec![1]));
        assert_eq!(r.list("None", "string", |s| Some(s.to_owned())), None);
        assert_eq!(r.json::<serde_json::Value>("Doc"), Some(serde_json::json!({"a": [1, 2]})));
        assert_eq!(r.json::<serde_json::Value>("BadDoc"), None);
        let err = r.finish().unwrap_err();
        let found: Vec<(&str, &Rule)> = err.violations.iter().map(|v| (v.parameter.as_str(), &v.rule)).collect();
        assert_eq!(found.len(), 4, "{err}");
        assert_eq!(found[0], ("Big", &Rule::Format("int64".into())));
        assert_eq!(found[1], ("Bad", &Rule::Format("boolean".into())));
        assert_eq!(found[2], ("Nums.2", &Rule::Format("int32".into())));
        assert_eq!(found[3].0, "BadDoc");
    }
}
