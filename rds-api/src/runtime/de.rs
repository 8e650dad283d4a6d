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

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A type that can be decoded leniently from a response.
pub trait Decode: Sized {
    /// Decodes a value from `d`, accepting the representations the service is known to use.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;

    /// Decodes the value of an optional field (`null` was already handled): `None` for what the service
    /// writes for "no value". Numbers and booleans read an empty string (`"MaxIOPS": ""`) as absent, where
    /// Alibaba's Go SDK reads zero or false; a required field refuses it. By default, the value itself.
    fn decode_optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Self::decode(d).map(Some)
    }
}

/// Decodes a `T` leniently; the target of `#[serde(deserialize_with = "::rds_api::runtime::de::decode")]`.
pub fn decode<'de, D: Deserializer<'de>, T: Decode>(d: D) -> Result<T, D::Error> {
    T::decode(d)
}

// ---------------------------------------------------------------------------------------------------------
// Scalars, as the service wrote them

/// The name under which serde_json (feature `raw_value`) hands a visitor the literal text of a value instead
/// of a parsed one. Another deserializer, or a serde_json that stopped recognising it, calls
/// `visit_newtype_struct` instead, and decoding falls back to parsed values (a unit test notices).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// One JSON scalar as sent: a string (unescaped), a number (its literal text, so that neither `8.0` nor a
/// 24-digit ID is changed by a round trip through `f64`), a boolean, or null.
enum Scalar<'a> {
    Text(Cow<'a, str>),
    Number(Cow<'a, str>),
    Bool(bool),
    Null,
    /// An array or an object, where a scalar was expected.
    Structure(&'static str),
}

/// Turns a scalar into a field's value, or says what is wrong with it.
type Convert<T> = for<'a> fn(Scalar<'a>) -> Result<T, String>;

/// Reads one scalar and converts it inside the visitor, so that serde_json puts the line and column on the
/// error.
fn read_scalar<'de, D: Deserializer<'de>, T>(d: D, convert: Convert<T>) -> Result<T, D::Error> {
    d.deserialize_newtype_struct(RAW_VALUE_TOKEN, RawScalarVisitor(convert))
}

impl<'a> Scalar<'a> {
    /// Classifies the literal text of a JSON value (as serde_json validated it).
    fn from_raw<E: de::Error>(raw: Cow<'a, str>) -> Result<Scalar<'a>, E> {
        let text = raw.trim_matches(|c: char| c.is_ascii_whitespace());
        Ok(match text.as_bytes().first() {
            Some(b'"') if !text.contains('\\') && text.len() >= 2 => {
                let inner = text.len() - 1;
                match raw {
                    Cow::Borrowed(raw) => {
                        let start = raw.find('"').unwrap_or(0) + 1;
                        Scalar::Text(Cow::Borrowed(&raw[start..start + inner - 1]))
                    }
                    Cow::Owned(_) => Scalar::Text(Cow::Owned(text[1..inner].to_owned())),
                }
            }
            Some(b'"') => Scalar::Text(Cow::Owned(serde_json::from_str::<String>(text).map_err(E::custom)?)),
            Some(b't') => Scalar::Bool(true),
            Some(b'f') => Scalar::Bool(false),
            Some(b'n') => Scalar::Null,
            Some(b'[') => Scalar::Structure("an array"),
            Some(b'{') => Scalar::Structure("an object"),
            _ => match raw {
                Cow::Borrowed(raw) => Scalar::Number(Cow::Borrowed(raw.trim_matches(|c: char| c.is_ascii_whitespace()))),
                Cow::Owned(_) => Scalar::Number(Cow::Owned(text.to_owned())),
            },
        })
    }
}

/// Receives the literal text from serde_json, or falls back to the parsed value from any other deserializer.
struct RawScalarVisitor<T>(Convert<T>);

impl<'de, T> Visitor<'de> for RawScalarVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        map.next_key::<de::IgnoredAny>()?;
        let raw = map.next_value_seed(RawText)?;
        (self.0)(Scalar::from_raw(raw)?).map_err(de::Error::custom)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(ParsedScalarVisitor(self.0))
    }
}

/// The literal text serde_json hands over: borrowed from the input when it can be.
struct RawText;

impl<'de> DeserializeSeed<'de> for RawText {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for RawText {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the text of a JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v))
    }
}

/// The fallback: a value as another deserializer parsed it.
struct ParsedScalarVisitor<T>(Convert<T>);

impl<T> ParsedScalarVisitor<T> {
    fn convert<E: de::Error>(self, scalar: Scalar<'_>) -> Result<T, E> {
        (self.0)(scalar).map_err(E::custom)
    }
}

impl<'de, T> Visitor<'de> for ParsedScalarVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        self.convert(Scalar::Text(Cow::Borrowed(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.convert(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.convert(Scalar::Number(Cow::Owned(v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.convert(Scalar::Number(Cow::Owned(v.to_string())))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<T, E> {
        self.convert(Scalar::Number(Cow::Owned(v.to_string())))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<T, E> {
        self.convert(Scalar::Number(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        // `{:?}` keeps a fraction (`8.0`), as the literal most likely had one.
        self.convert(Scalar::Number(Cow::Owned(format!("{v:?}"))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.convert(Scalar::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.convert(Scalar::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        self.convert(Scalar::Structure("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
        self.convert(Scalar::Structure("an object"))
    }
}

/// Whether a string is empty once trimmed: how the service writes "no value" in a numeric or boolean field.
fn is_blank(scalar: &Scalar<'_>) -> bool {
    matches!(scalar, Scalar::Text(text) if text.trim().is_empty())
}

/// What a scalar was, for an error message.
fn describe(scalar: &Scalar<'_>) -> String {
    match scalar {
        Scalar::Text(text) if text.trim().is_empty() => "an empty string".to_owned(),
        Scalar::Text(text) => format!("the string {:?}", shorten(text)),
        Scalar::Number(n) => format!("the number {}", shorten(n)),
        Scalar::Bool(b) => format!("the boolean {b}"),
        Scalar::Null => "null".to_owned(),
        Scalar::Structure(what) => (*what).to_owned(),
    }
}

fn shorten(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(64) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &text[..cut])),
        None => Cow::Borrowed(text),
    }
}

// ---------------------------------------------------------------------------------------------------------
// String

fn to_string(scalar: Scalar<'_>) -> Result<String, String> {
    match scalar {
        Scalar::Text(text) | Scalar::Number(text) => Ok(text.into_owned()),
        Scalar::Bool(b) => Ok(b.to_string()),
        other => Err(format!("expected a string, number or boolean, found {}", describe(&other))),
    }
}

impl Decode for String {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read_scalar(d, to_string)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Integers

/// Why a text is not an integer of the wanted width.
enum IntProblem {
    NotANumber,
    NotAnInteger,
    OutOfRange,
}

/// The exact value of a decimal literal (`-12`, `100.0`, `1e3`, `1.5E2`), when it is a whole number that fits
/// an i128; decided on the digits, never through `f64`.
fn exact_integer(text: &str) -> Result<i128, IntProblem> {
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let int_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (int_digits, rest) = rest.split_at(int_len);
    let (frac_digits, rest) = match rest.split_first() {
        Some((b'.', rest)) => {
            let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            rest.split_at(len)
        }
        _ => (&rest[..0], rest),
    };
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(IntProblem::NotANumber);
    }
    let exponent: i64 = match rest.split_first() {
        None => 0,
        Some((b'e' | b'E', digits)) => {
            let (sign, digits) = match digits.split_first() {
                Some((b'-', d)) => (-1, d),
                Some((b'+', d)) => (1, d),
                _ => (1, digits),
            };
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(IntProblem::NotANumber);
            }
            // Beyond this the value is zero-or-fraction or far out of range either way.
            let magnitude = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<i64>().ok()).unwrap_or(i64::MAX);
            sign * magnitude.min(1_000_000)
        }
        Some(_) => return Err(IntProblem::NotANumber),
    };
    // value = digits × 10^(exponent − frac_len), with the leading zeros of the digits dropped.
    let digits: Vec<u8> = int_digits.iter().chain(frac_digits).copied().skip_while(|&b| b == b'0').collect();
    if digits.is_empty() {
        return Ok(0);
    }
    let scale = exponent - frac_digits.len() as i64;
    let kept = if scale < 0 {
        let dropped = usize::try_from(-scale).unwrap_or(usize::MAX);
        if dropped >= digits.len() || digits[digits.len() - dropped..].iter().any(|&b| b != b'0') {
            return Err(IntProblem::NotAnInteger);
        }
        &digits[..digits.len() - dropped]
    } else {
        &digits[..]
    };
    let zeros = usize::try_from(scale.max(0)).unwrap_or(usize::MAX);
    if kept.len().saturating_add(zeros) > 39 {
        return Err(IntProblem::OutOfRange);
    }
    let mut value: i128 = 0;
    for &digit in kept.iter().chain(std::iter::repeat_n(&b'0', zeros)) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(digit - b'0')))
            .ok_or(IntProblem::OutOfRange)?;
    }
    Ok(if negative { -value } else { value })
}

/// An integer within `[min, max]`, named `name` (`i64`, `i32`) in errors.
fn integer(scalar: Scalar<'_>, min: i64, max: i64, name: &str) -> Result<i64, String> {
    let text = match &scalar {
        Scalar::Number(n) => n.as_ref(),
        Scalar::Text(t) if !t.trim().is_empty() => t.trim(),
        other => return Err(format!("expected an integer ({name}) or a string holding one, found {}", describe(other))),
    };
    match exact_integer(text) {
        // In range of [min, max] ⊆ i64.
        Ok(v) if v >= i128::from(min) && v <= i128::from(max) => Ok(v as i64),
        Ok(_) | Err(IntProblem::OutOfRange) => Err(format!("{} is out of range for {name}", shorten(text))),
        Err(IntProblem::NotAnInteger) => Err(format!("{} is not an integer", shorten(text))),
        Err(IntProblem::NotANumber) => {
            Err(format!("expected an integer ({name}) or a string holding one, found {}", describe(&scalar)))
        }
    }
}

fn to_i64(scalar: Scalar<'_>) -> Result<i64, String> {
    integer(scalar, i64::MIN, i64::MAX, "i64")
}

fn to_i32(scalar: Scalar<'_>) -> Result<i32, String> {
    // The range was checked.
    integer(scalar, i32::MIN.into(), i32::MAX.into(), "i32").map(|v| v as i32)
}

/// A number in text form: digits required, so that `inf` and `NaN` spelled out are refused.
fn to_f64(scalar: Scalar<'_>) -> Result<f64, String> {
    let text = match &scalar {
        Scalar::Number(n) => n.as_ref(),
        Scalar::Text(t) if !t.trim().is_empty() => t.trim(),
        other => return Err(format!("expected a number or a string holding one, found {}", describe(other))),
    };
    let has_digits = text.bytes().any(|b| b.is_ascii_digit());
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && has_digits => Ok(f),
        Ok(f) if f.is_infinite() && has_digits => Err(format!("{} is out of range for f64", shorten(text))),
        _ => Err(format!("expected a number or a string holding one, found {}", describe(&scalar))),
    }
}

fn to_bool(scalar: Scalar<'_>) -> Result<bool, String> {
    match &scalar {
        Scalar::Bool(b) => return Ok(*b),
        Scalar::Number(n) if n == "1" => return Ok(true),
        Scalar::Number(n) if n == "0" => return Ok(false),
        Scalar::Text(t) => {
            let text = t.trim();
            if text.eq_ignore_ascii_case("true") || text == "1" {
                return Ok(true);
            }
            if text.eq_ignore_ascii_case("false") || text == "0" {
                return Ok(false);
            }
        }
        _ => {}
    }
    Err(format!(r#"expected a boolean, "true"/"false", or 0/1, found {}"#, describe(&scalar)))
}

/// Implements [`Decode`] for a number or boolean type: a required field refuses an empty string, an optional
/// one reads it as absent.
macro_rules! decode_scalar {
    ($ty:ty, $convert:ident) => {
        impl Decode for $ty {
            fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                read_scalar(d, $convert)
            }

            fn decode_optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                read_scalar(d, |scalar| if is_blank(&scalar) { Ok(None) } else { $convert(scalar).map(Some) })
            }
        }
    };
}

decode_scalar!(i64, to_i64);
decode_scalar!(i32, to_i32);
decode_scalar!(f64, to_f64);
decode_scalar!(bool, to_bool);

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
        T::decode_optional(d)
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
        // serde_json places the error where the enclosing array or object ends.
        assert_eq!(d::<Vec<i64>>("[100.1]").unwrap_err(), "100.1 is not an integer at line 1 column 7");
        assert!(d::<i64>("100.1").unwrap_err().starts_with("100.1 is not an integer"));
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
    fn numbers_keep_their_literal_text_in_strings() {
        assert_eq!(d::<String>("8.0").unwrap(), "8.0");
        assert_eq!(d::<String>("8.00").unwrap(), "8.00");
        assert_eq!(d::<String>("123456789012345678901234").unwrap(), "123456789012345678901234");
        assert_eq!(d::<String>("1E+3").unwrap(), "1E+3");
        assert_eq!(d::<String>(" -0.5 ").unwrap(), "-0.5");
        assert_eq!(d::<Vec<String>>(r#"[8.0, "8.0", 2, true]"#).unwrap(), ["8.0", "8.0", "2", "true"]);
        // Through a reader (no borrowing) and through a parsed value, too.
        let owned: Vec<String> = decode(&mut serde_json::Deserializer::from_reader(&b"[8.0, 1e2]"[..])).unwrap();
        assert_eq!(owned, ["8.0", "1e2"]);
    }

    #[test]
    fn integers_are_exact_or_refused() {
        assert_eq!(d::<i64>("9007199254740993").unwrap(), 9_007_199_254_740_993);
        assert_eq!(d::<i64>("9007199254740993.0").unwrap(), 9_007_199_254_740_993);
        assert_eq!(d::<i64>(r#""9007199254740993.000""#).unwrap(), 9_007_199_254_740_993);
        assert_eq!(d::<i64>("90071992547409930e-1").unwrap(), 9_007_199_254_740_993);
        assert_eq!(d::<i64>("1.5e1").unwrap(), 15);
        assert_eq!(d::<i64>("-0.0").unwrap(), 0);
        assert_eq!(d::<i64>("0e999999999999").unwrap(), 0);
        assert!(d::<i64>("9223372036854775807.5").unwrap_err().starts_with("9223372036854775807.5 is not an integer"));
        assert!(d::<i64>("9223372036854775808.0").unwrap_err().contains("out of range for i64"));
        assert!(d::<i64>("1e999999999999").unwrap_err().contains("out of range for i64"));
        assert!(d::<i64>("1e-999999999999").unwrap_err().contains("is not an integer"));
        assert!(d::<i32>("2147483647.0").is_ok());
        assert!(d::<i32>("2147483648.0").unwrap_err().contains("out of range for i32"));
    }

    #[test]
    fn empty_strings_are_absent_when_optional_and_named_errors_when_required() {
        assert_eq!(d::<Option<i64>>(r#""""#).unwrap(), None);
        assert_eq!(d::<Option<i32>>(r#"" ""#).unwrap(), None);
        assert_eq!(d::<Option<f64>>(r#""""#).unwrap(), None);
        assert_eq!(d::<Option<bool>>(r#""""#).unwrap(), None);
        // A string field keeps its empty string: it is a value.
        assert_eq!(d::<Option<String>>(r#""""#).unwrap(), Some(String::new()));
        let err = d::<i32>(r#""""#).unwrap_err();
        assert!(err.starts_with("expected an integer (i32) or a string holding one, found an empty string"), "{err}");
        assert!(d::<bool>(r#""""#).unwrap_err().contains("found an empty string"));
        assert!(d::<f64>(r#""""#).unwrap_err().contains("found an empty string"));
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

        // One odd field does not fail the whole answer.
        let odd: Response = serde_json::from_str(
            r#"{"RequestId":"x","ImportId":8.0,"TotalRecordCount":"","Items":{"DBInstance":[{"DBInstanceId":"rm","DBInstanceMemory":""}]}}"#,
        )
        .unwrap();
        assert_eq!(odd.import_id, "8.0");
        assert_eq!(odd.total, None);
        assert_eq!(odd.items[0].memory, None);
    }

    #[test]
    fn decode_function_is_generic_over_deserializers() {
        let v: i64 = decode(serde_json::Value::String("12".into())).unwrap();
        assert_eq!(v, 12);
        let v: Vec<String> = decode(serde_json::json!({"X": ["a"]})).unwrap();
        assert_eq!(v, ["a"]);
    }
}
