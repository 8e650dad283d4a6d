//! Flat wire parameters of one request.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use super::Location;

/// The wire parameters of one request, split by where they travel.
///
/// Generated `write_params` implementations only add the operation's own parameters; the client adds the
/// common ones. A name set again replaces its earlier value.
///
/// Every name and value is kept in one text buffer, in the order they were set: preparing a request then
/// allocates nothing per parameter. The maps of [`query`](Self::query) and [`body`](Self::body) are made on
/// first use.
#[derive(Clone, Default)]
pub struct Params {
    /// Every name and value, back to back.
    text: String,
    /// One per parameter set, in order: where it travels and its name and value in `text`.
    entries: Vec<Entry>,
    /// The maps of `query()` and `body()`, made on first use and dropped by any change.
    maps: OnceLock<(BTreeMap<String, String>, BTreeMap<String, String>)>,
}

#[derive(Clone, Copy)]
struct Entry {
    location: Location,
    /// `text[name_start..value_start]` is the name, `text[value_start..end]` the value.
    name_start: usize,
    value_start: usize,
    end: usize,
}

impl Params {
    /// An empty parameter set.
    pub fn new() -> Self {
        Params { text: String::with_capacity(256), entries: Vec::with_capacity(8), maps: OnceLock::new() }
    }

    /// Starts an entry: writes `name` and returns where it starts.
    fn begin(&mut self, name: &str) -> usize {
        self.maps.take();
        let start = self.text.len();
        self.text.push_str(name);
        start
    }

    /// Ends the entry begun at `name_start`, whose value starts at `value_start` and ends here.
    fn end(&mut self, location: Location, name_start: usize, value_start: usize) {
        self.entries.push(Entry { location, name_start, value_start, end: self.text.len() });
    }

    /// Sets `name` to the wire text of `value` (replacing an earlier value of the same name).
    pub fn put<V: ParamValue + ?Sized>(&mut self, location: Location, name: &str, value: &V) {
        let name_start = self.begin(name);
        let value_start = self.text.len();
        value.write_param(&mut self.text);
        self.end(location, name_start, value_start);
    }

    /// Sets a repeated parameter: `Name.1`, `Name.2`, … (1-based, in the order of `values`).
    pub fn put_list<V: ParamValue>(&mut self, location: Location, name: &str, values: &[V]) {
        use fmt::Write as _;
        for (index, value) in values.iter().enumerate() {
            let name_start = self.begin(name);
            // Writing to a String cannot fail.
            let _ = write!(self.text, ".{}", index + 1);
            let value_start = self.text.len();
            value.write_param(&mut self.text);
            self.end(location, name_start, value_start);
        }
    }

    /// Sets `name` to the wire texts of `values` joined by `separator` (`a,b,c`); nothing when `values` is
    /// empty.
    pub fn put_joined<V: ParamValue>(&mut self, location: Location, name: &str, values: &[V], separator: &str) {
        if values.is_empty() {
            return;
        }
        let name_start = self.begin(name);
        let value_start = self.text.len();
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.text.push_str(separator);
            }
            value.write_param(&mut self.text);
        }
        self.end(location, name_start, value_start);
    }

    /// Sets the fields of an object sent flattened: `Name.Field`, `Name.Field.1`, `Name.Inner.Field`.
    pub fn put_object<V: FlatObject>(&mut self, location: Location, name: &str, value: &V) {
        value.write_flat(self, location, name);
    }

    /// Sets a list of objects sent flattened: `Name.1.Field`, `Name.2.Field`, … (1-based, in order).
    pub fn put_objects<V: FlatObject>(&mut self, location: Location, name: &str, values: &[V]) {
        let mut prefix = String::with_capacity(name.len() + 4);
        for (index, value) in values.iter().enumerate() {
            prefix.clear();
            prefix.push_str(name);
            prefix.push('.');
            write_display(&mut prefix, index + 1);
            value.write_flat(self, location, &prefix);
        }
    }

    /// Sets `name` to the compact JSON text of `value`, e.g. `{"DBNames":["a","b"]}`.
    ///
    /// # Panics
    ///
    /// If `value`'s `Serialize` implementation fails, which derived implementations of generated types
    /// (string-keyed objects, lists, scalars) never do.
    pub fn put_json<V: serde::Serialize + ?Sized>(&mut self, location: Location, name: &str, value: &V) {
        let name_start = self.begin(name);
        let value_start = self.text.len();
        // Written straight into the buffer; serde_json writes UTF-8, which `from_utf8` checks again.
        let mut bytes = std::mem::take(&mut self.text).into_bytes();
        if let Err(err) = serde_json::to_writer(&mut bytes, value) {
            panic!("parameter {name} could not be serialized as JSON: {err}");
        }
        self.text = String::from_utf8(bytes).expect("serde_json writes UTF-8");
        self.end(location, name_start, value_start);
    }

    fn name(&self, entry: &Entry) -> &str {
        &self.text[entry.name_start..entry.value_start]
    }

    fn value(&self, entry: &Entry) -> &str {
        &self.text[entry.value_start..entry.end]
    }

    /// The parameters of `location`, each name once with its last value, sorted by name (byte order, the
    /// order the signature needs).
    pub(crate) fn sorted(&self, location: Location) -> Vec<(&str, &str)> {
        let count = self.entries.iter().filter(|entry| entry.location == location).count();
        if count == 0 {
            // Almost every request has no body: no vector for it.
            return Vec::new();
        }
        let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(count);
        pairs.extend(
            self.entries.iter().filter(|entry| entry.location == location).map(|e| (self.name(e), self.value(e))),
        );
        // Stable, so that of the entries of one name the last set stays last, and it is the one kept.
        pairs.sort_by(|a, b| a.0.cmp(b.0));
        let mut kept = 0;
        for i in 0..pairs.len() {
            if kept > 0 && pairs[kept - 1].0 == pairs[i].0 {
                pairs[kept - 1] = pairs[i];
            } else {
                pairs[kept] = pairs[i];
                kept += 1;
            }
        }
        pairs.truncate(kept);
        pairs
    }

    fn maps(&self) -> &(BTreeMap<String, String>, BTreeMap<String, String>) {
        self.maps.get_or_init(|| {
            let mut maps = (BTreeMap::new(), BTreeMap::new());
            for entry in &self.entries {
                let map = match entry.location {
                    Location::Query => &mut maps.0,
                    Location::Body => &mut maps.1,
                };
                map.insert(self.name(entry).to_owned(), self.value(entry).to_owned());
            }
            maps
        })
    }

    /// The parameters sent in the URL query, by name.
    pub fn query(&self) -> &BTreeMap<String, String> {
        &self.maps().0
    }

    /// The parameters sent in the form body, by name.
    pub fn body(&self) -> &BTreeMap<String, String> {
        &self.maps().1
    }
}

impl fmt::Debug for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Params").field("query", self.query()).field("body", self.body()).finish()
    }
}

/// Equal when they send the same parameters with the same values, however they were set.
impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.maps() == other.maps()
    }
}

impl Eq for Params {}

/// A value that can be sent as a request parameter: its wire text.
///
/// Implemented for strings, `i32`, `i64`, `bool` (`true`/`false`), `f64` (Rust's `Display`) and references
/// to those; generated enums implement it themselves (their wire value).
pub trait ParamValue {
    /// The text sent on the wire (before percent-encoding).
    fn to_param(&self) -> String;

    /// Appends [`to_param`](Self::to_param)'s text to `out`; the strings, numbers and booleans write it
    /// without a `String` of their own.
    fn write_param(&self, out: &mut String) {
        out.push_str(&self.to_param());
    }
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }

    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }

    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// `Display` into `out` (which cannot fail for a String).
fn write_display(out: &mut String, value: impl fmt::Display) {
    use fmt::Write as _;
    let _ = write!(out, "{value}");
}

impl ParamValue for i32 {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn write_param(&self, out: &mut String) {
        write_display(out, self);
    }
}

impl ParamValue for i64 {
    fn to_param(&self) -> String {
        self.to_string()
    }

    fn write_param(&self, out: &mut String) {
        write_display(out, self);
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }

    fn write_param(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ParamValue for f64 {
    fn to_param(&self) -> String {
        let mut out = String::new();
        self.write_param(&mut out);
        out
    }

    fn write_param(&self, out: &mut String) {
        use fmt::Write as _;
        // `{:e}` gives the shortest digits that read back as the same number.
        let mut scientific = String::new();
        let _ = write!(scientific, "{self:e}");
        write_float(out, &scientific);
    }
}

impl ParamValue for f32 {
    fn to_param(&self) -> String {
        let mut out = String::new();
        self.write_param(&mut out);
        out
    }

    fn write_param(&self, out: &mut String) {
        use fmt::Write as _;
        let mut scientific = String::new();
        let _ = write!(scientific, "{self:e}");
        write_float(out, &scientific);
    }
}

/// Lays out a float given as Rust's shortest scientific text (`-1.5e-7`) the way Alibaba's SDKs send it
/// (Python's `repr`, which Java's `toString` matches in the common range): a fraction always shows
/// (`1.0`), plain notation for exponents from -4 to 15 (`0.0001`, `1234.5`), scientific with a sign and two
/// digits or more outside it (`1e-05`, `1e+16`, `1.5e+300`). Infinities and NaN as Python spells them.
fn write_float(out: &mut String, scientific: &str) {
    let (negative, unsigned) = match scientific.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, scientific),
    };
    if negative {
        out.push('-');
    }
    let Some((mantissa, exponent)) = unsigned.split_once('e') else {
        // `inf` or `NaN`.
        out.push_str(if unsigned == "inf" { "inf" } else { "nan" });
        return;
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
            out.push_str(&digits);
        } else {
            let point = exponent as usize + 1;
            if digits.len() <= point {
                out.push_str(&digits);
                out.extend(std::iter::repeat_n('0', point - digits.len()));
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        use fmt::Write as _;
        let _ = write!(out, "e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.abs());
    }
}

/// A generated object sent as flattened parameters (`Tag.1.Key`), not as JSON text.
pub trait FlatObject {
    /// Sets one parameter per present field, each named `prefix.Field` (lists and objects inside nest
    /// further: `prefix.Field.1`, `prefix.Field.Inner`).
    fn write_flat(&self, params: &mut Params, location: Location, prefix: &str);
}

/// `prefix.field`, the name of a field of a flattened object.
pub fn flat_name(prefix: &str, field: &str) -> String {
    let mut name = String::with_capacity(prefix.len() + 1 + field.len());
    name.push_str(prefix);
    name.push('.');
    name.push_str(field);
    name
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }

    fn write_param(&self, out: &mut String) {
        (**self).write_param(out);
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
        // As Alibaba's SDKs send it (Python's repr): a whole number keeps its fraction.
        assert_eq!(q["Whole"], "2.0");
        assert_eq!(q["Ref"], "5");
        assert!(p.body().is_empty());
    }

    #[test]
    fn floats_are_laid_out_as_the_official_sdks_send_them() {
        // Each expected text is what Python's `str(float)` prints (the Tea SDK sends it so).
        for (value, sent) in [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (123456.789, "123456.789"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(value.to_param(), sent, "{value:?}");
        }
        assert_eq!(f64::NAN.to_param(), "nan");
        // f32: the shortest digits of the f32 itself, not of its f64 widening (0.1f32 is 0.100000001…).
        assert_eq!(0.1f32.to_param(), "0.1");
        assert_eq!(3.0f32.to_param(), "3.0");
        assert_eq!(1e20f32.to_param(), "1e+20");
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
        let (q, b) = (p.sorted(Location::Query), p.sorted(Location::Body));
        assert_eq!(q, [("A", "2")]);
        assert!(b.is_empty());
    }

    #[test]
    fn the_last_value_of_a_name_wins_wherever_it_was_set() {
        let mut p = Params::new();
        p.put(Location::Query, "B", "1");
        p.put_list(Location::Query, "L", &["x", "y"]);
        p.put(Location::Body, "B", "body");
        p.put(Location::Query, "A", &7i64);
        p.put(Location::Query, "B", "2");
        p.put_json(Location::Query, "L.2", &["j"]);
        p.put(Location::Query, "B", "3");
        assert_eq!(p.sorted(Location::Query), [("A", "7"), ("B", "3"), ("L.1", "x"), ("L.2", r#"["j"]"#)]);
        assert_eq!(p.sorted(Location::Body), [("B", "body")]);
        let expected: BTreeMap<String, String> =
            p.sorted(Location::Query).into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        assert_eq!(p.query(), &expected);
        assert_eq!(p.body().len(), 1);
        // A change after the maps were made is seen.
        p.put(Location::Query, "A", "8");
        assert_eq!(p.query()["A"], "8");
        // Equal when the same parameters are sent, whatever the order of setting.
        let mut q = Params::new();
        q.put(Location::Body, "B", "body");
        q.put_json(Location::Query, "L.2", &["j"]);
        q.put(Location::Query, "L.1", "x");
        q.put(Location::Query, "B", "3");
        q.put(Location::Query, "A", "8");
        assert_eq!(p, q);
        q.put(Location::Query, "A", "9");
        assert_ne!(p, q);
        assert_eq!(format!("{:?}", Params::default()), "Params { query: {}, body: {} }");
    }
}
