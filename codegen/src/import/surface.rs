//! The metadata file `api-specs/metadata/rds-surface.json`, as far as the importer reads it.
//!
//! Only the facts that carry over into a spec are declared; the file's other keys (provenance of each fact,
//! the SDK's own type names) are ignored, so a newer surface with more keys still loads.

use std::path::Path;

use serde::Deserialize;

/// The whole file.
#[derive(Clone, Debug, Deserialize)]
pub struct Surface {
    /// The operations of the current SDKs.
    pub operations: Vec<Operation>,
    /// Operations withdrawn from the current SDKs; imported as deprecated.
    #[serde(default)]
    pub historical_operations: Vec<Operation>,
}

/// One operation.
#[derive(Clone, Debug, Deserialize)]
pub struct Operation {
    /// Wire name, sent as `Action`.
    pub name: String,
    /// `GET` or `POST`.
    pub http_method: String,
    /// The request parameters.
    #[serde(default)]
    pub request: Vec<Fact>,
    /// The response tree; `null` in the file reads as empty.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub response: Vec<Fact>,
}

/// A request parameter, a response field, or a field of either.
#[derive(Clone, Debug, Deserialize)]
pub struct Fact {
    /// Exact wire name.
    pub name: String,
    /// `string`, `binary`, `integer`, `long`, `number`, `boolean`, `array`, `object`, `map` or `any`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `int32`, `int64`, `float32` or `float64` (from the Darabonba spec); of the items for an array.
    pub width: Option<String>,
    /// The legacy SDK's type comment (`long`, `integer`, ...), a width where `width` is absent.
    pub legacy_type: Option<String>,
    /// The OpenAPI metadata's type (`Long`, `Integer`, ...), a width where the others are absent.
    pub meta_type: Option<String>,
    /// `Query` or `Body` (request parameters).
    pub position: Option<String>,
    /// Whether the parameter is required (request parameters).
    #[serde(default)]
    pub required: bool,
    /// How a structured request parameter travels: `flattened`, `comma-joined` or `json-string`.
    pub encoding: Option<String>,
    /// The element type of an array (`string`, `integer`, `object`, `map`); an object's fields are `fields`.
    pub items: Option<String>,
    /// The fields of an object, or of an array's object elements.
    #[serde(default)]
    pub fields: Vec<Fact>,
    /// The value type of a map (`string` or `any`); absent means any JSON value.
    pub values: Option<String>,
    /// The constraints Alibaba declares.
    pub constraints: Option<Constraints>,
}

/// Declared constraints, as JSON Schema names them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Constraints {
    /// Inclusive lower bound of a number.
    pub minimum: Option<i64>,
    /// Inclusive upper bound of a number.
    pub maximum: Option<i64>,
    /// Minimum length of a string.
    pub min_length: Option<u64>,
    /// Maximum length of a string.
    pub max_length: Option<u64>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Fact>, D::Error> {
    Ok(Option::<Vec<Fact>>::deserialize(d)?.unwrap_or_default())
}

impl Surface {
    /// Reads and parses the file.
    pub fn load(path: &Path) -> Result<Surface, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Surface::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses the file's text.
    pub fn parse(text: &str) -> Result<Surface, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Every operation, current then historical, with whether it is historical.
    pub fn all(&self) -> impl Iterator<Item = (&Operation, bool)> {
        self.operations.iter().map(|o| (o, false)).chain(self.historical_operations.iter().map(|o| (o, true)))
    }
}
