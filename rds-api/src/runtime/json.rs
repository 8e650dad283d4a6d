//! Serialization helpers for JSON-typed request parameters (sent as JSON text, e.g. `DBInfo`).

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// Serializes `[(key, value), …]` as a JSON object, keeping the caller's order of entries.
///
/// Used on map-typed fields kept as `Vec<(String, V)>`:
///
/// ```text
/// #[serde(serialize_with = "::rds_api::runtime::json::ordered_map")]
/// ```
///
/// Duplicate keys are written as given; validation (`unique_items`) is what rejects them.
pub fn ordered_map<S: Serializer, V: Serialize>(entries: &[(String, V)], s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(entries.len()))?;
    for (key, value) in entries {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// [`ordered_map`] for an optional map field (`Option<Vec<(String, V)>>`), used together with
/// `skip_serializing_if = "Option::is_none"`; a `None` that reaches it is written as `null`.
pub fn optional_ordered_map<S: Serializer, V: Serialize>(
    entries: &Option<Vec<(String, V)>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match entries {
        Some(entries) => ordered_map(entries, s),
        None => s.serialize_none(),
    }
}

/// Reads a JSON object into `[(key, value), …]` in the order written, keeping repeated keys (so that
/// validation can report them). The inverse of [`ordered_map`], used by servers decoding JSON parameters.
pub fn deserialize_ordered_map<'de, D, V>(deserializer: D) -> Result<Vec<(String, V)>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: serde::Deserialize<'de>,
{
    struct Entries<V>(std::marker::PhantomData<V>);

    impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Entries<V> {
        type Value = Vec<(String, V)>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
            while let Some(entry) = map.next_entry()? {
                entries.push(entry);
            }
            Ok(entries)
        }
    }

    deserializer.deserialize_map(Entries(std::marker::PhantomData))
}

/// [`deserialize_ordered_map`] for an optional map field (use with `default`).
pub fn deserialize_optional_ordered_map<'de, D, V>(deserializer: D) -> Result<Option<Vec<(String, V)>>, D::Error>
where
    D: serde::Deserializer<'de>,
    V: serde::Deserialize<'de>,
{
    deserialize_ordered_map(deserializer).map(Some)
}

/// A map (`[(key, value), …]`) that serializes as a JSON object, in the caller's order: the value of a `json`
/// parameter whose schema is a map itself.
pub struct MapRef<'a, V>(pub &'a [(String, V)]);

impl<V: Serialize> Serialize for MapRef<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ordered_map(self.0, s)
    }
}

/// A JSON object read into `[(key, value), …]` in the order written: the server side of [`MapRef`].
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_ordered_map(deserializer).map(OrderedMap)
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    #[derive(Serialize)]
    #[serde(crate = "::rds_api::runtime::serde")]
    struct DbInfo {
        #[serde(rename = "DBNames", serialize_with = "::rds_api::runtime::json::ordered_map")]
        db_names: Vec<(String, String)>,
    }

    #[derive(Serialize)]
    #[serde(crate = "::rds_api::runtime::serde")]
    enum DbNames {
        #[serde(serialize_with = "crate::runtime::json::ordered_map")]
        Renamed(Vec<(String, String)>),
    }

    #[test]
    fn keeps_order() {
        let info = DbInfo { db_names: vec![("srcdb".into(), "destdb".into()), ("srcdb2".into(), "destmydb2".into())] };
        assert_eq!(serde_json::to_string(&info).unwrap(), r#"{"DBNames":{"srcdb":"destdb","srcdb2":"destmydb2"}}"#);
        let reversed = DbInfo { db_names: vec![("z".into(), "1".into()), ("a".into(), "2".into())] };
        assert_eq!(serde_json::to_string(&reversed).unwrap(), r#"{"DBNames":{"z":"1","a":"2"}}"#);
        let empty = DbInfo { db_names: vec![] };
        assert_eq!(serde_json::to_string(&empty).unwrap(), r#"{"DBNames":{}}"#);
    }

    #[test]
    fn works_on_newtype_variants() {
        let names = DbNames::Renamed(vec![("b".into(), "x\"y".into())]);
        assert_eq!(serde_json::to_string(&names).unwrap(), r#"{"Renamed":{"b":"x\"y"}}"#);
    }
}
