//! Lenient response decoding.
//!
//! The service does not always honour its declared types: numbers arrive as strings and strings as numbers,
//! booleans as `"true"`/`0`, lists inside a wrapper object named after the element
//! (`{"Items":{"DBInstance":[…]}}`), and absent lists as `null`. Generated response fields use
//!
//! ```text
//! #[serde(deserialize_with = "::rds_api::runtime::de::decode")]
//! ```
//!
//! which dispatches to the field type's [`Decode`] implementation. Decoding drives serde visitors directly
//! (no intermediate `serde_json::Value`), and never truncates: a number that does not fit, or a float with a
//! fractional part where an integer is expected, is an error rather than a silently wrong value.
//!
//! Generated structs and enums implement [`Decode`] by calling their derived `Deserialize`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A type that can be decoded leniently from a response.
pub trait Decode: Sized {
    /// Decodes a value from `d`, accepting the representations the service is known to use.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
}

/// Decodes a `T` leniently; the target of `#[serde(deserialize_with = "::rds_api::runtime::de::decode")]`.
pub fn decode<'de, D: Deserializer<'de>, T: Decode>(d: D) -> Result<T, D::Error> {
    T::decode(d)
}

// ---------------------------------------------------------------------------------------------------------
// String

struct StringVisitor;

impl Visitor<'_> for StringVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl Decode for String {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StringVisitor)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Integers

/// Decodes an integer within `[MIN, MAX]` (as i64), named `NAME` in errors.
struct IntVisitor<const MIN: i64, const MAX: i64> {
    name: &'static str,
}

impl<const MIN: i64, const MAX: i64> IntVisitor<MIN, MAX> {
    fn check<E: de::Error>(&self, v: i128) -> Result<i64, E> {
        if v < i128::from(MIN) || v > i128::from(MAX) {
            Err(E::custom(format_args!("{v} is out of range for {}", self.name)))
        } else {
            // In range of [MIN, MAX] ⊆ i64.
            Ok(v as i64)
        }
    }

    fn check_float<E: de::Error>(&self, v: f64, shown: &dyn fmt::Display) -> Result<i64, E> {
        if !v.is_finite() {
            return Err(E::custom(format_args!("{shown} is not an integer")));
        }
        if v.fract() != 0.0 {
            return Err(E::custom(format_args!("{shown} is not an integer")));
        }
        // Every finite whole f64 below 2^127 in magnitude converts to i128 exactly.
        if v.abs() >= 1.0e38 {
            return Err(E::custom(format_args!("{shown} is out of range for {}", self.name)));
        }
        self.check(v as i128)
    }
}

impl<const MIN: i64, const MAX: i64> Visitor<'_> for IntVisitor<MIN, MAX> {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an integer ({}) or a string holding one", self.name)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        self.check(i128::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        self.check(i128::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<i64, E> {
        self.check(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<i64, E> {
        match i128::try_from(v) {
            Ok(v) => self.check(v),
            Err(_) => Err(E::custom(format_args!("{v} is out of range for {}", self.name))),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        self.check_float(v, &v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        let text = v.trim();
        if let Ok(n) = text.parse::<i128>() {
            return self.check(n);
        }
        match text.parse::<f64>() {
            // Accept "100.0" or "1e3", but never "inf"/"NaN" spelled out as words.
            Ok(f) if text.bytes().any(|b| b.is_ascii_digit()) => self.check_float(f, &text),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

impl Decode for i64 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntVisitor::<{ i64::MIN }, { i64::MAX }> { name: "i64" })
    }
}

impl Decode for i32 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = d.deserialize_any(IntVisitor::<{ i32::MIN as i64 }, { i32::MAX as i64 }> { name: "i32" })?;
        // The visitor checked the i32 range.
        Ok(v as i32)
    }
}

// ---------------------------------------------------------------------------------------------------------
// f64

struct FloatVisitor;

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string holding one")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        let text = v.trim();
        match text.parse::<f64>() {
            Ok(f) if text.bytes().any(|b| b.is_ascii_digit()) => Ok(f),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

impl Decode for f64 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FloatVisitor)
    }
}

// ---------------------------------------------------------------------------------------------------------
// bool

struct BoolVisitor;

impl Visitor<'_> for BoolVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a boolean, "true"/"false", or 0/1"#)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        match v {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(E::invalid_value(de::Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        let text = v.trim();
        if text.eq_ignore_ascii_case("true") || text == "1" {
            Ok(true)
        } else if text.eq_ignore_ascii_case("false") || text == "0" {
            Ok(false)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
}

impl Decode for bool {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoolVisitor)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Option

struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: Decode> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null or a value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::decode(d).map(Some)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(OptionVisitor(PhantomData))
    }
}

// ---------------------------------------------------------------------------------------------------------
// Vec

/// Decodes one element with `T::decode`.
struct DecodeSeed<T>(PhantomData<T>);

impl<'de, T: Decode> DeserializeSeed<'de> for DecodeSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::decode(d)
    }
}

/// Appends the elements of one array (or nothing, for `null`) to a vector.
struct ExtendSeed<'a, T>(&'a mut Vec<T>);

impl<'de, T: Decode> DeserializeSeed<'de> for ExtendSeed<'_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Decode> Visitor<'de> for ExtendSeed<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array or null inside a list wrapper object")
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some(hint) = seq.size_hint() {
            self.0.reserve(hint.min(4096));
        }
        while let Some(item) = seq.next_element_seed(DecodeSeed::<T>(PhantomData))? {
            self.0.push(item);
        }
        Ok(())
    }
}

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: Decode> Visitor<'de> for VecVisitor<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array, null, or an object wrapping arrays")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
        Ok(Vec::new())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        ExtendSeed(&mut items).visit_seq(seq)?;
        Ok(items)
    }

    /// `{"DBInstance":[…]}`: the wrapper object Alibaba puts around lists; every array value is appended in
    /// order, `null` values are skipped.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::new();
        while map.next_key::<de::IgnoredAny>()?.is_some() {
            map.next_value_seed(ExtendSeed(&mut items))?;
        }
        Ok(items)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(VecVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    fn d<T: Decode>(json: &str) -> Result<T, String> {
        let mut de = serde_json::Deserializer::from_str(json);
        let value = T::decode(&mut de).map_err(|e| e.to_string())?;
        de.end().map_err(|e| e.to_string())?;
        Ok(value)
    }

    #[test]
    fn string_accepts_scalars() {
        assert_eq!(d::<String>(r#""abc""#).unwrap(), "abc");
        assert_eq!(d::<String>(r#""esc\"aped\u00e9""#).unwrap(), "esc\"apedé");
        assert_eq!(d::<String>("2122321").unwrap(), "2122321");
        assert_eq!(d::<String>("-5").unwrap(), "-5");
        assert_eq!(d::<String>("18446744073709551615").unwrap(), "18446744073709551615");
        assert_eq!(d::<String>("9007199254740993").unwrap(), "9007199254740993");
        assert_eq!(d::<String>("1.5").unwrap(), "1.5");
        assert_eq!(d::<String>("true").unwrap(), "true");
        assert_eq!(d::<String>("false").unwrap(), "false");
    }

    #[test]
    fn string_rejects_structures_and_null() {
        assert!(d::<String>("null").is_err());
        assert!(d::<String>("[]").is_err());
        let err = d::<String>("{}").unwrap_err();
        assert!(err.contains("a string, number or boolean"), "{err}");
    }

    #[test]
    fn integers() {
        assert_eq!(d::<i64>("42").unwrap(), 42);
        assert_eq!(d::<i64>("-42").unwrap(), -42);
        assert_eq!(d::<i64>("100.0").unwrap(), 100);
        assert_eq!(d::<i64>("1e3").unwrap(), 1000);
        assert_eq!(d::<i64>(r#""2122321""#).unwrap(), 2_122_321);
        assert_eq!(d::<i64>(r#"" 2122321 ""#).unwrap(), 2_122_321);
        assert_eq!(d::<i64>(r#""100.0""#).unwrap(), 100);
        assert_eq!(d::<i64>("9223372036854775807").unwrap(), i64::MAX);
        assert_eq!(d::<i64>(r#""-9223372036854775808""#).unwrap(), i64::MIN);
        assert_eq!(d::<i32>("2147483647").unwrap(), i32::MAX);
        assert_eq!(d::<i32>(r#""-2147483648""#).unwrap(), i32::MIN);
    }

    #[test]
    fn integers_never_truncate() {
        assert_eq!(d::<i64>("100.1").unwrap_err(), "100.1 is not an integer at line 1 column 5");
        assert!(d::<i64>(r#""100.1""#).unwrap_err().starts_with("100.1 is not an integer"));
        assert!(d::<i64>("9223372036854775808")
            .unwrap_err()
            .starts_with("9223372036854775808 is out of range for i64"));
        assert!(d::<i64>("1e300").unwrap_err().contains("out of range for i64"));
        assert!(d::<i32>("2147483648").unwrap_err().starts_with("2147483648 is out of range for i32"));
        assert!(d::<i32>(r#""-2147483649""#).unwrap_err().contains("out of range for i32"));
        assert!(d::<i32>("3e9").unwrap_err().contains("out of range for i32"));
        assert!(d::<i64>(r#""abc""#).is_err());
        assert!(d::<i64>(r#""""#).is_err());
        assert!(d::<i64>(r#""NaN""#).is_err());
        assert!(d::<i64>(r#""inf""#).is_err());
        assert!(d::<i64>("true").is_err());
        assert!(d::<i64>("null").is_err());
        assert!(d::<i64>("[1]").is_err());
    }

    #[test]
    fn floats() {
        assert_eq!(d::<f64>("1.5").unwrap(), 1.5);
        assert_eq!(d::<f64>("3").unwrap(), 3.0);
        assert_eq!(d::<f64>("-3").unwrap(), -3.0);
        assert_eq!(d::<f64>(r#"" 2.25 ""#).unwrap(), 2.25);
        assert_eq!(d::<f64>(r#""7""#).unwrap(), 7.0);
        assert!(d::<f64>(r#""x""#).is_err());
        assert!(d::<f64>(r#""inf""#).is_err());
        assert!(d::<f64>("true").is_err());
        assert!(d::<f64>("null").is_err());
    }

    #[test]
    fn booleans() {
        assert!(d::<bool>("true").unwrap());
        assert!(!d::<bool>("false").unwrap());
        assert!(d::<bool>(r#""True""#).unwrap());
        assert!(d::<bool>(r#""TRUE""#).unwrap());
        assert!(!d::<bool>(r#""False""#).unwrap());
        assert!(d::<bool>("1").unwrap());
        assert!(!d::<bool>("0").unwrap());
        assert!(d::<bool>(r#""1""#).unwrap());
        assert!(d::<bool>("2").is_err());
        assert!(d::<bool>("-1").is_err());
        assert!(d::<bool>(r#""yes""#).is_err());
        assert!(d::<bool>("null").is_err());
        assert!(d::<bool>("1.0").is_err());
    }

    #[test]
    fn options() {
        assert_eq!(d::<Option<i64>>("null").unwrap(), None);
        assert_eq!(d::<Option<i64>>(r#""12""#).unwrap(), Some(12));
        assert_eq!(d::<Option<String>>("12").unwrap(), Some("12".into()));
        assert!(d::<Option<i64>>("1.5").is_err());
    }

    #[test]
    fn vectors() {
        assert_eq!(d::<Vec<i64>>("[1, \"2\", 3.0]").unwrap(), [1, 2, 3]);
        assert_eq!(d::<Vec<i64>>("null").unwrap(), Vec::<i64>::new());
        assert_eq!(d::<Vec<i64>>("[]").unwrap(), Vec::<i64>::new());
        assert_eq!(d::<Vec<i64>>("{}").unwrap(), Vec::<i64>::new());
        assert_eq!(d::<Vec<String>>(r#"{"DBInstance":["a", 1]}"#).unwrap(), ["a", "1"]);
        assert_eq!(d::<Vec<String>>(r#"{"A":["a"],"B":null,"C":["c","d"]}"#).unwrap(), ["a", "c", "d"]);
        assert_eq!(d::<Vec<String>>(r#"{"A":null}"#).unwrap(), Vec::<String>::new());
        assert_eq!(d::<Vec<Option<i32>>>("[null, 1]").unwrap(), [None, Some(1)]);
        assert_eq!(d::<Vec<Vec<i32>>>(r#"[[1],{"X":[2,3]}]"#).unwrap(), [vec![1], vec![2, 3]]);
        assert!(d::<Vec<i64>>(r#"{"A":{"B":[1]}}"#).is_err());
        assert!(d::<Vec<i64>>(r#"{"A":1}"#).is_err());
        assert!(d::<Vec<i64>>(r#""1""#).is_err());
        assert!(d::<Vec<i32>>("[1, 2.5]").unwrap_err().starts_with("2.5 is not an integer"));
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(crate = "::rds_api::runtime::serde")]
    struct Instance {
        #[serde(rename = "DBInstanceId", deserialize_with = "crate::runtime::de::decode")]
        id: String,
        #[serde(rename = "DBInstanceMemory", default, deserialize_with = "::rds_api::runtime::de::decode")]
        memory: Option<i64>,
    }

    impl Decode for Instance {
        fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Self::deserialize(d)
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(crate = "::rds_api::runtime::serde")]
    struct Response {
        #[serde(rename = "RequestId", deserialize_with = "::rds_api::runtime::de::decode")]
        request_id: String,
        #[serde(rename = "ImportId", deserialize_with = "::rds_api::runtime::de::decode")]
        import_id: String,
        #[serde(rename = "TotalRecordCount", default, deserialize_with = "::rds_api::runtime::de::decode")]
        total: Option<i32>,
        #[serde(rename = "Enabled", default, deserialize_with = "::rds_api::runtime::de::decode")]
        enabled: bool,
        #[serde(rename = "Ratio", default, deserialize_with = "::rds_api::runtime::de::decode")]
        ratio: f64,
        #[serde(rename = "Items", default, deserialize_with = "::rds_api::runtime::de::decode")]
        items: Vec<Instance>,
    }

    #[test]
    fn through_derived_struct() {
        let json = r#"{
            "RequestId": "A1B2",
            "ImportId": 2122321,
            "TotalRecordCount": "2",
            "Enabled": "True",
            "Ratio": "0.5",
            "Items": {"DBInstance": [
                {"DBInstanceId": "rm-1", "DBInstanceMemory": "4096"},
                {"DBInstanceId": "rm-2", "DBInstanceMemory": null},
                {"DBInstanceId": 3}
            ]},
            "Unknown": {"x": [1, 2, {"y": null}]}
        }"#;
        let r: Response = serde_json::from_str(json).unwrap();
        assert_eq!(
            r,
            Response {
                request_id: "A1B2".into(),
                import_id: "2122321".into(),
                total: Some(2),
                enabled: true,
                ratio: 0.5,
                items: vec![
                    Instance { id: "rm-1".into(), memory: Some(4096) },
                    Instance { id: "rm-2".into(), memory: None },
                    Instance { id: "3".into(), memory: None },
                ],
            }
        );

        let minimal: Response = serde_json::from_str(r#"{"RequestId":"x","ImportId":"7","Items":null}"#).unwrap();
        assert_eq!(minimal.total, None);
        assert!(minimal.items.is_empty());
        assert!(!minimal.enabled);

        let err = serde_json::from_str::<Response>(r#"{"RequestId":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `ImportId`"), "{err}");

        let err =
            serde_json::from_str::<Response>(r#"{"RequestId":"x","ImportId":"7","TotalRecordCount":2.5}"#).unwrap_err();
        assert!(err.to_string().contains("2.5 is not an integer"), "{err}");
    }

    #[test]
    fn decode_function_is_generic_over_deserializers() {
        let v: i64 = decode(serde_json::Value::String("12".into())).unwrap();
        assert_eq!(v, 12);
        let v: Vec<String> = decode(serde_json::json!({"X": ["a"]})).unwrap();
        assert_eq!(v, ["a"]);
    }
}
