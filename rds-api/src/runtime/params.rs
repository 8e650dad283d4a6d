//! Flat wire parameters of one request.

use std::collections::BTreeMap;

use super::Location;

/// The wire parameters of one request, split by where they travel.
///
/// Both maps are sorted by name (byte order), which is the order the signature needs. Generated
/// `write_params` implementations only add the operation's own parameters; the client adds the common ones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Params {
    query: BTreeMap<String, String>,
    body: BTreeMap<String, String>,
}

impl Params {
    /// An empty parameter set.
    pub fn new() -> Self {
        Self::default()
    }

    fn map_mut(&mut self, location: Location) -> &mut BTreeMap<String, String> {
        match location {
            Location::Query => &mut self.query,
            Location::Body => &mut self.body,
        }
    }

    /// Sets `name` to the wire text of `value` (replacing an earlier value of the same name).
    pub fn put<V: ParamValue + ?Sized>(&mut self, location: Location, name: &str, value: &V) {
        self.map_mut(location).insert(name.to_owned(), value.to_param());
    }

    /// Sets a repeated parameter: `Name.1`, `Name.2`, … (1-based, in the order of `values`).
    pub fn put_list<V: ParamValue>(&mut self, location: Location, name: &str, values: &[V]) {
        let map = self.map_mut(location);
        for (index, value) in values.iter().enumerate() {
            map.insert(format!("{name}.{}", index + 1), value.to_param());
        }
    }

    /// Sets `name` to the compact JSON text of `value`, e.g. `{"DBNames":["a","b"]}`.
    ///
    /// # Panics
    ///
    /// If `value`'s `Serialize` implementation fails, which derived implementations of generated types
    /// (string-keyed objects, lists, scalars) never do.
    pub fn put_json<V: serde::Serialize + ?Sized>(&mut self, location: Location, name: &str, value: &V) {
        let text = serde_json::to_string(value)
            .unwrap_or_else(|err| panic!("parameter {name} could not be serialized as JSON: {err}"));
        self.map_mut(location).insert(name.to_owned(), text);
    }

    /// The parameters sent in the URL query, by name.
    pub fn query(&self) -> &BTreeMap<String, String> {
        &self.query
    }

    /// The parameters sent in the form body, by name.
    pub fn body(&self) -> &BTreeMap<String, String> {
        &self.body
    }

    pub(crate) fn into_parts(self) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        (self.query, self.body)
    }
}

/// A value that can be sent as a request parameter: its wire text.
///
/// Implemented for strings, `i32`, `i64`, `bool` (`true`/`false`), `f64` (Rust's `Display`) and references
/// to those; generated enums implement it themselves (their wire value).
pub trait ParamValue {
    /// The text sent on the wire (before percent-encoding).
    fn to_param(&self) -> String;
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for i32 {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for i64 {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

impl ParamValue for f64 {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    #[serde(crate = "::rds_api::runtime::serde")]
    struct DbInfo {
        #[serde(rename = "DBNames")]
        db_names: Vec<String>,
    }

    #[test]
    fn scalar_values() {
        let mut p = Params::new();
        p.put(Location::Query, "S", "a b");
        p.put(Location::Query, "Owned", &String::from("x"));
        p.put(Location::Query, "I32", &-7i32);
        p.put(Location::Query, "I64", &9_007_199_254_740_993i64);
        p.put(Location::Query, "T", &true);
        p.put(Location::Query, "F", &false);
        p.put(Location::Query, "Float", &1.5f64);
        p.put(Location::Query, "Whole", &2.0f64);
        p.put(Location::Query, "Ref", &&&5i32);
        let q = p.query();
        assert_eq!(q["S"], "a b");
        assert_eq!(q["Owned"], "x");
        assert_eq!(q["I32"], "-7");
        assert_eq!(q["I64"], "9007199254740993");
        assert_eq!(q["T"], "true");
        assert_eq!(q["F"], "false");
        assert_eq!(q["Float"], "1.5");
        assert_eq!(q["Whole"], "2");
        assert_eq!(q["Ref"], "5");
        assert!(p.body().is_empty());
    }

    #[test]
    fn locations_are_separate() {
        let mut p = Params::new();
        p.put(Location::Body, "Confirmor", "1234567890");
        p.put(Location::Query, "DBInstanceId", "rm-1");
        assert_eq!(p.body().len(), 1);
        assert_eq!(p.query().len(), 1);
        assert_eq!(p.body()["Confirmor"], "1234567890");
    }

    #[test]
    fn lists_are_one_based() {
        let mut p = Params::new();
        let ids: Vec<String> = (1..=11).map(|i| format!("id{i}")).collect();
        p.put_list(Location::Query, "Id", &ids);
        p.put_list::<i32>(Location::Query, "Empty", &[]);
        assert_eq!(p.query().len(), 11);
        assert_eq!(p.query()["Id.1"], "id1");
        assert_eq!(p.query()["Id.10"], "id10");
        assert_eq!(p.query()["Id.11"], "id11");
        assert!(!p.query().contains_key("Id.0"));
        // Byte order: "Id.10" < "Id.11" < "Id.2".
        let keys: Vec<&str> = p.query().keys().map(String::as_str).take(4).collect();
        assert_eq!(keys, ["Id.1", "Id.10", "Id.11", "Id.2"]);
    }

    #[test]
    fn json_is_compact() {
        let mut p = Params::new();
        let info = DbInfo { db_names: vec!["a".into(), "b".into()] };
        p.put_json(Location::Query, "DBInfo", &info);
        p.put_json(Location::Body, "NotifyIdList", &[1001, 1002][..]);
        assert_eq!(p.query()["DBInfo"], r#"{"DBNames":["a","b"]}"#);
        assert_eq!(p.body()["NotifyIdList"], "[1001,1002]");
    }

    #[test]
    fn put_replaces() {
        let mut p = Params::new();
        p.put(Location::Query, "A", "1");
        p.put(Location::Query, "A", "2");
        assert_eq!(p.query()["A"], "2");
        let (q, b) = p.into_parts();
        assert_eq!(q.len(), 1);
        assert!(b.is_empty());
    }
}
