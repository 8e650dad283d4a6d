//! Lenient response decoding: one small JSON reader shared by every generated response type.
//!
//! The service does not always honour its declared types: numbers arrive as strings and strings as numbers,
//! booleans as `"true"`/`0`, lists inside a wrapper object named after the element
//! (`{"Items":{"DBInstance":[…]}}`), absent lists as `null`, and "no value" as `""`. Each generated type
//! implements [`Decode`] with a few lines: its fields as locals, one [`Reader::object`] call whose callback
//! matches the keys, and the struct built from the locals. Everything else (scanning JSON, leniency, exact
//! numbers, error positions and paths) lives here, compiled once, instead of in a serde derive per type and a
//! `deserialize_with` wrapper per field, which is what made each operation expensive to compile.
//!
//! Decoding never changes a value: a number read into a text field keeps its literal text (`8.0` stays
//! `"8.0"`), and an integer field takes only what it holds exactly (`100.0` is 100, `1.5` is an error, and so
//! is a value out of range). Errors say where: `Items.DBInstance[3].MaxIOPS`, with line and column.
//!
//! ```
//! use rds_api::runtime::de;
//! use rds_api::DescribeResourceUsageResponse;
//!
//! let usage: DescribeResourceUsageResponse =
//!     de::from_str(r#"{"RequestId":"R","DBInstanceId":"rm-1","DiskUsed":"1024","DataSize":""}"#)?;
//! assert_eq!((usage.disk_used, usage.data_size), (Some(1024), None));
//!
//! let err = de::from_str::<DescribeResourceUsageResponse>(r#"{"RequestId":"R","DiskUsed":1.5}"#).unwrap_err();
//! assert_eq!(err.path(), "DiskUsed");
//! assert_eq!(err.to_string(), "1.5 is not an integer at line 1 column 29");
//! # Ok::<(), de::DecodeError>(())
//! ```

use std::borrow::Cow;
use std::fmt;

/// A type that can be decoded leniently from a JSON answer.
pub trait Decode: Sized {
    /// Decodes a value at the reader's position, accepting the representations the service is known to use.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Decodes the value of an optional field (`null` was already handled): `None` for what the service
    /// writes for "no value". Numbers, booleans and enums read an empty string (`"MaxIOPS": ""`) as absent,
    /// where Alibaba's Go SDK reads zero or false; a required field refuses it. By default, the value itself.
    fn decode_optional(r: &mut Reader<'_>) -> Result<Option<Self>, DecodeError> {
        Self::decode(r).map(Some)
    }
}

/// Decodes a whole answer: one JSON value, nothing after it but whitespace.
pub fn from_slice<T: Decode>(input: &[u8]) -> Result<T, DecodeError> {
    let mut r = Reader::new(input);
    let value = T::decode(&mut r)?;
    r.skip_whitespace();
    if r.pos < r.input.len() {
        return Err(r.syntax("trailing characters after the JSON value"));
    }
    Ok(value)
}

/// [`from_slice`] of a string.
pub fn from_str<T: Decode>(input: &str) -> Result<T, DecodeError> {
    from_slice(input.as_bytes())
}

/// Why an answer did not decode: what, where in the document (a path of keys and indexes), and at which
/// line and column of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
    /// Path segments, innermost first (they are added while the error travels outwards).
    path: Vec<Segment>,
    line: usize,
    column: usize,
    syntax: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl DecodeError {
    /// What is wrong, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where in the document, e.g. `Items.DBInstance[3].MaxIOPS`; empty for the document itself.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for segment in self.path.iter().rev() {
            match segment {
                Segment::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// The line (from 1) where the problem was found.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column (from 1, in bytes) where the problem was found.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Whether the text is not JSON at all (or ends too early), rather than JSON of the wrong shape.
    pub fn is_syntax(&self) -> bool {
        self.syntax
    }

    fn within_key(mut self, key: &str) -> Self {
        self.path.push(Segment::Key(key.to_owned()));
        self
    }

    fn within_index(mut self, index: usize) -> Self {
        self.path.push(Segment::Index(index));
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.line, self.column)
    }
}

impl std::error::Error for DecodeError {}

/// Nesting deeper than this is refused, so that a hostile answer cannot exhaust the stack.
const MAX_DEPTH: u32 = 128;

/// A position in a JSON text. Generated [`Decode`] impls walk it with [`object`](Self::object) and
/// [`decode`](Self::decode); the scalar impls of this module read the tokens.
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    depth: u32,
}

/// One JSON scalar as sent: a string (unescaped), a number (its literal text), a boolean, or null; arrays
/// and objects are skipped and only named.
enum Scalar<'a> {
    Text(Cow<'a, str>),
    Number(&'a str),
    Bool(bool),
    Null,
    Structure(&'static str),
}

impl<'a> Reader<'a> {
    /// A reader at the start of `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Reader { input, pos: 0, depth: 0 }
    }

    /// Decodes a `T` at the current position.
    pub fn decode<T: Decode>(&mut self) -> Result<T, DecodeError> {
        T::decode(self)
    }

    /// Decodes a `T` at the current position into `slot`: what a generated decoder does with each known key
    /// (a repeated key keeps its last value).
    pub fn field<T: Decode>(&mut self, slot: &mut Option<T>) -> Result<(), DecodeError> {
        *slot = Some(T::decode(self)?);
        Ok(())
    }

    /// Reads an object, calling `field` with each key; `field` must consume the value (with
    /// [`decode`](Self::decode) or [`skip`](Self::skip)). An error inside a value gets the key in its path.
    /// `null` is read as an object without keys.
    pub fn object(
        &mut self,
        field: &mut dyn FnMut(&mut Reader<'a>, &str) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        match self.peek() {
            Some(b'{') => {}
            Some(b'n') => return self.literal("null"),
            _ => return Err(self.mismatch("an object")),
        }
        self.enter()?;
        self.pos += 1;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.syntax("expected a key (a string)"));
            }
            let key = self.string()?;
            if self.peek() != Some(b':') {
                return Err(self.syntax("expected `:` after a key"));
            }
            self.pos += 1;
            field(self, &key).map_err(|e| e.within_key(&key))?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.syntax("expected `,` or `}` in an object")),
            }
        }
    }

    /// Skips one value of any kind.
    pub fn skip(&mut self) -> Result<(), DecodeError> {
        match self.peek() {
            Some(b'"') => self.string().map(drop),
            Some(b'{') => self.object(&mut |r, _| r.skip()),
            Some(b'[') => self.array(&mut |r, _| r.skip()),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(_) => Err(self.syntax("expected a JSON value")),
            None => Err(self.eof()),
        }
    }

    /// Reads an array, calling `item` with each element's index; an error inside gets the index in its path.
    fn array(
        &mut self,
        item: &mut dyn FnMut(&mut Reader<'a>, usize) -> Result<(), DecodeError>,
    ) -> Result<(), DecodeError> {
        self.enter()?;
        self.pos += 1;
        if self.peek() == Some(b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            item(self, index).map_err(|e| e.within_index(index))?;
            index += 1;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.syntax("expected `,` or `]` in an array")),
            }
        }
    }

    /// Reads a list: an array, `null` (empty), or Alibaba's wrapper object whose array values are appended
    /// in order (`{"DBInstance":[…]}`; `null` values skipped).
    fn list<T: Decode>(&mut self) -> Result<Vec<T>, DecodeError> {
        let mut items = Vec::new();
        match self.peek() {
            Some(b'[') => self.array(&mut |r, _| {
                items.push(T::decode(r)?);
                Ok(())
            })?,
            Some(b'{') => self.object(&mut |r, _| match r.peek() {
                Some(b'[') => r.array(&mut |r, _| {
                    items.push(T::decode(r)?);
                    Ok(())
                }),
                Some(b'n') => r.literal("null"),
                _ => Err(r.mismatch("an array or null inside a list wrapper object")),
            })?,
            Some(b'n') => self.literal("null")?,
            // "No value", as the service writes it for other fields too.
            Some(b'"') if self.blank_string() => {}
            _ => return Err(self.mismatch("an array, null, or an object wrapping arrays")),
        }
        Ok(items)
    }

    /// Consumes a string that is empty once trimmed and says so; leaves anything else where it is.
    fn blank_string(&mut self) -> bool {
        let start = self.pos;
        match self.string() {
            Ok(text) if text.trim().is_empty() => true,
            _ => {
                self.pos = start;
                false
            }
        }
    }

    /// Tries `decode` and, if it fails, puts the reader back where it was (for values of several shapes).
    pub fn attempt<T>(&mut self, decode: impl FnOnce(&mut Reader<'a>) -> Result<T, DecodeError>) -> Option<T> {
        let (pos, depth) = (self.pos, self.depth);
        match decode(self) {
            Ok(value) => Some(value),
            Err(_) => {
                self.pos = pos;
                self.depth = depth;
                None
            }
        }
    }

    /// The text of a string (or the literal text of a number or boolean), for an enum's wire value.
    pub fn text(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        let start = self.pos;
        match self.scalar()? {
            Scalar::Text(text) => Ok(text),
            Scalar::Number(n) => Ok(Cow::Borrowed(n)),
            Scalar::Bool(b) => Ok(Cow::Borrowed(if b { "true" } else { "false" })),
            other => {
                Err(self.data_at(start, format!("expected a string, number or boolean, found {}", describe(&other))))
            }
        }
    }

    /// Like [`text`](Self::text) for an optional field: `None` for `null` and for an empty string.
    pub fn optional_text(&mut self) -> Result<Option<Cow<'a, str>>, DecodeError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            return Ok(None);
        }
        let text = self.text()?;
        Ok((!text.trim().is_empty()).then_some(text))
    }

    /// The value of a required field once its object is read: an error naming it when it was missing.
    pub fn required<T>(&self, value: Option<T>, wire_name: &str) -> Result<T, DecodeError> {
        value.ok_or_else(|| self.missing(wire_name))
    }

    /// A missing required field.
    pub fn missing(&self, wire_name: &str) -> DecodeError {
        DecodeError { syntax: false, ..self.error_at(self.pos, format!("missing field `{wire_name}`")) }
    }

    // --- tokens ---------------------------------------------------------------------------------------

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.input.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next significant byte, after whitespace.
    fn peek(&mut self) -> Option<u8> {
        self.skip_whitespace();
        self.input.get(self.pos).copied()
    }

    fn enter(&mut self) -> Result<(), DecodeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.syntax("the document is nested too deeply"));
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static str) -> Result<(), DecodeError> {
        if self.input[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else if self.input.len() - self.pos < word.len() && word.as_bytes().starts_with(&self.input[self.pos..]) {
            Err(self.eof())
        } else {
            Err(self.syntax("expected a JSON value"))
        }
    }

    fn scalar(&mut self) -> Result<Scalar<'a>, DecodeError> {
        Ok(match self.peek() {
            Some(b'"') => Scalar::Text(self.string()?),
            Some(b'-' | b'0'..=b'9') => Scalar::Number(self.number()?),
            Some(b't') => {
                self.literal("true")?;
                Scalar::Bool(true)
            }
            Some(b'f') => {
                self.literal("false")?;
                Scalar::Bool(false)
            }
            Some(b'n') => {
                self.literal("null")?;
                Scalar::Null
            }
            Some(b'[') => {
                self.skip()?;
                Scalar::Structure("an array")
            }
            Some(b'{') => {
                self.skip()?;
                Scalar::Structure("an object")
            }
            Some(_) => return Err(self.syntax("expected a JSON value")),
            None => return Err(self.eof()),
        })
    }

    /// A JSON number's literal text, checked against JSON's grammar.
    fn number(&mut self) -> Result<&'a str, DecodeError> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while let Some(b'0'..=b'9') = r.input.get(r.pos) {
                r.pos += 1;
            }
            r.pos - from
        };
        if self.input.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let first = self.input.get(self.pos).copied();
        let int_digits = digits(self);
        if first == Some(b'0') && int_digits > 1 {
            return Err(self.syntax("invalid number (a leading zero)"));
        }
        if int_digits == 0 {
            return Err(self.number_error());
        }
        if self.input.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(self.number_error());
            }
        }
        if let Some(b'e' | b'E') = self.input.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.input.get(self.pos) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.number_error());
            }
        }
        // ASCII only, so a valid str.
        Ok(std::str::from_utf8(&self.input[start..self.pos]).unwrap_or_default())
    }

    fn number_error(&self) -> DecodeError {
        if self.pos >= self.input.len() {
            self.eof()
        } else {
            self.syntax("invalid number")
        }
    }

    /// A string at the current `"`: borrowed from the input when it has no escapes.
    fn string(&mut self) -> Result<Cow<'a, str>, DecodeError> {
        self.pos += 1; // the opening quote
        let start = self.pos;
        loop {
            match self.input.get(self.pos) {
                Some(b'"') => {
                    let text = self.utf8(start, self.pos)?;
                    self.pos += 1;
                    return Ok(Cow::Borrowed(text));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.syntax("control character in a string")),
                Some(_) => self.pos += 1,
                None => return Err(self.eof()),
            }
        }
        let mut out = String::with_capacity(self.pos - start + 16);
        out.push_str(self.utf8(start, self.pos)?);
        loop {
            let run = self.pos;
            while let Some(&b) = self.input.get(self.pos) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.utf8(run, self.pos)?);
            match self.input.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let escaped = match self.input.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let unit = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&unit) {
                                if !self.input[self.pos..].starts_with(b"\\u") {
                                    return Err(self.syntax("unpaired surrogate in a \\u escape"));
                                }
                                self.pos += 2;
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return Err(self.syntax("unpaired surrogate in a \\u escape"));
                                }
                                char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                            } else {
                                char::from_u32(unit)
                            };
                            out.push(c.ok_or_else(|| self.syntax("unpaired surrogate in a \\u escape"))?);
                            continue;
                        }
                        Some(_) => return Err(self.syntax("invalid escape in a string")),
                        None => return Err(self.eof()),
                    };
                    out.push(escaped);
                    self.pos += 1;
                }
                Some(_) => return Err(self.syntax("control character in a string")),
                None => return Err(self.eof()),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, DecodeError> {
        let Some(digits) = self.input.get(self.pos..self.pos + 4) else {
            return Err(self.eof());
        };
        let mut value = 0;
        for &d in digits {
            let v = (d as char).to_digit(16).ok_or_else(|| self.syntax("invalid \\u escape"))?;
            value = value * 16 + v;
        }
        self.pos += 4;
        Ok(value)
    }

    fn utf8(&self, from: usize, to: usize) -> Result<&'a str, DecodeError> {
        std::str::from_utf8(&self.input[from..to]).map_err(|e| {
            let at = from + e.valid_up_to();
            DecodeError { syntax: true, ..self.error_at(at, "invalid UTF-8 in a string".to_owned()) }
        })
    }

    // --- errors ---------------------------------------------------------------------------------------

    fn error_at(&self, at: usize, message: String) -> DecodeError {
        let before = &self.input[..at.min(self.input.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len() - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        DecodeError { message, path: Vec::new(), line, column, syntax: false }
    }

    fn syntax(&self, message: &str) -> DecodeError {
        DecodeError { syntax: true, ..self.error_at(self.pos, message.to_owned()) }
    }

    fn eof(&self) -> DecodeError {
        DecodeError { syntax: true, ..self.error_at(self.input.len(), "the document ends too early".to_owned()) }
    }

    /// An error about the value at the current position, which is consumed: "expected `expected`, found …".
    pub fn mismatch(&mut self, expected: &str) -> DecodeError {
        let start = self.pos;
        match self.scalar() {
            Ok(found) => self.data_at(start, format!("expected {expected}, found {}", describe(&found))),
            Err(syntax) => syntax,
        }
    }

    /// A data error about the value that starts at `start`: the position points at its beginning.
    fn data_at(&self, start: usize, message: String) -> DecodeError {
        let start = start + self.input[start..].iter().take_while(|b| b.is_ascii_whitespace()).count();
        self.error_at(start, message)
    }
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
// Scalars

impl Decode for String {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.text().map(Cow::into_owned)
    }
}

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
            // Beyond a million the value is a fraction or far out of range either way.
            let magnitude = std::str::from_utf8(digits).ok().and_then(|d| d.parse::<i64>().ok()).unwrap_or(i64::MAX);
            sign * magnitude.min(1_000_000)
        }
        Some(_) => return Err(IntProblem::NotANumber),
    };
    // value = digits × 10^(exponent − fraction length), leading zeros dropped.
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
fn integer(r: &mut Reader<'_>, optional: bool, min: i64, max: i64, name: &str) -> Result<Option<i64>, DecodeError> {
    let start = r.pos;
    let scalar = r.scalar()?;
    let text = match &scalar {
        Scalar::Number(n) => *n,
        Scalar::Text(t) if !t.trim().is_empty() => t.trim(),
        Scalar::Text(_) if optional => return Ok(None),
        other => {
            let message = format!("expected an integer ({name}) or a string holding one, found {}", describe(other));
            return Err(r.data_at(start, message));
        }
    };
    let message = match exact_integer(text) {
        // In range of [min, max] ⊆ i64.
        Ok(v) if v >= i128::from(min) && v <= i128::from(max) => return Ok(Some(v as i64)),
        Ok(_) | Err(IntProblem::OutOfRange) => format!("{} is out of range for {name}", shorten(text)),
        Err(IntProblem::NotAnInteger) => format!("{} is not an integer", shorten(text)),
        Err(IntProblem::NotANumber) => {
            format!("expected an integer ({name}) or a string holding one, found {}", describe(&scalar))
        }
    };
    Err(r.data_at(start, message))
}

fn float(r: &mut Reader<'_>, optional: bool) -> Result<Option<f64>, DecodeError> {
    let start = r.pos;
    let scalar = r.scalar()?;
    let text = match &scalar {
        Scalar::Number(n) => *n,
        Scalar::Text(t) if !t.trim().is_empty() => t.trim(),
        Scalar::Text(_) if optional => return Ok(None),
        other => {
            return Err(
                r.data_at(start, format!("expected a number or a string holding one, found {}", describe(other)))
            )
        }
    };
    // Digits required: `inf` and `NaN` spelled out are not numbers the service sends.
    let has_digits = text.bytes().any(|b| b.is_ascii_digit());
    let message = match text.parse::<f64>() {
        Ok(f) if f.is_finite() && has_digits => return Ok(Some(f)),
        Ok(f) if f.is_infinite() && has_digits => format!("{} is out of range for f64", shorten(text)),
        _ => format!("expected a number or a string holding one, found {}", describe(&scalar)),
    };
    Err(r.data_at(start, message))
}

fn boolean(r: &mut Reader<'_>, optional: bool) -> Result<Option<bool>, DecodeError> {
    let start = r.pos;
    let scalar = r.scalar()?;
    match &scalar {
        Scalar::Bool(b) => return Ok(Some(*b)),
        Scalar::Number("1") => return Ok(Some(true)),
        Scalar::Number("0") => return Ok(Some(false)),
        Scalar::Text(t) => {
            let text = t.trim();
            if text.eq_ignore_ascii_case("true") || text == "1" {
                return Ok(Some(true));
            }
            if text.eq_ignore_ascii_case("false") || text == "0" {
                return Ok(Some(false));
            }
            if text.is_empty() && optional {
                return Ok(None);
            }
        }
        _ => {}
    }
    Err(r.data_at(start, format!(r#"expected a boolean, "true"/"false", or 0/1, found {}"#, describe(&scalar))))
}

/// `Some` always: called for required values, which never read as absent.
fn present<T>(value: Option<T>) -> T {
    match value {
        Some(value) => value,
        None => unreachable!("a required value is never read as absent"),
    }
}

impl Decode for i64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        integer(r, false, i64::MIN, i64::MAX, "i64").map(present)
    }

    fn decode_optional(r: &mut Reader<'_>) -> Result<Option<Self>, DecodeError> {
        integer(r, true, i64::MIN, i64::MAX, "i64")
    }
}

impl Decode for i32 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        // The range was checked.
        integer(r, false, i32::MIN.into(), i32::MAX.into(), "i32").map(|v| present(v) as i32)
    }

    fn decode_optional(r: &mut Reader<'_>) -> Result<Option<Self>, DecodeError> {
        Ok(integer(r, true, i32::MIN.into(), i32::MAX.into(), "i32")?.map(|v| v as i32))
    }
}

impl Decode for f64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        float(r, false).map(present)
    }

    fn decode_optional(r: &mut Reader<'_>) -> Result<Option<Self>, DecodeError> {
        float(r, true)
    }
}

impl Decode for f32 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let start = r.pos;
        float(r, false).map(present).and_then(|value| narrow(r, start, value))
    }

    fn decode_optional(r: &mut Reader<'_>) -> Result<Option<Self>, DecodeError> {
        let start = r.pos;
        float(r, true)?.map(|value| narrow(r, start, value)).transpose()
    }
}

/// `value` as an `f32` (rounded to the nearest), unless it is beyond `f32`'s range.
fn narrow(r: &Reader<'_>, start: usize, value: f64) -> Result<f32, DecodeError> {
    let narrowed = value as f32;
    if narrowed.is_finite() {
        Ok(narrowed)
    } else {
        Err(r.data_at(start, format!("{value} is out of range for f32")))
    }
}

impl Decode for bool {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        boolean(r, false).map(present)
    }

    fn decode_optional(r: &mut Reader<'_>) -> Result<Option<Self>, DecodeError> {
        boolean(r, true)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Option and Vec

impl<T: Decode> Decode for Option<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        if r.peek() == Some(b'n') {
            r.literal("null")?;
            return Ok(None);
        }
        T::decode_optional(r)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.list()
    }
}

/// A map (`type: map`): an object's entries in the order sent; `null` or an empty string is an empty map.
impl<T: Decode> Decode for Vec<(String, T)> {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut entries = Vec::new();
        match r.peek() {
            Some(b'"') if r.blank_string() => {}
            Some(b'{' | b'n') => r.object(&mut |r, key| {
                entries.push((key.to_owned(), T::decode(r)?));
                Ok(())
            })?,
            _ => return Err(r.mismatch("an object (a map), null, or an empty string")),
        }
        Ok(entries)
    }
}

/// Any value (`type: any`), kept as it was sent.
impl Decode for serde_json::Value {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.skip_whitespace();
        let start = r.pos;
        r.skip()?;
        // The text was just read as one JSON value, so serde_json reads it too; it still reports, not panics.
        serde_json::from_slice(&r.input[start..r.pos])
            .map_err(|e| r.data_at(start, format!("a JSON value that could not be kept: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d<T: Decode>(json: &str) -> Result<T, String> {
        from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn string_accepts_scalars() {
        assert_eq!(d::<String>(r#""abc""#).unwrap(), "abc");
        assert_eq!(d::<String>(r#""esc\"aped\u00e9\ud83d\ude00\/\n""#).unwrap(), "esc\"apedé😀/\n");
        assert_eq!(d::<String>("2122321").unwrap(), "2122321");
        assert_eq!(d::<String>("-5").unwrap(), "-5");
        assert_eq!(d::<String>("18446744073709551615").unwrap(), "18446744073709551615");
        assert_eq!(d::<String>("9007199254740993").unwrap(), "9007199254740993");
        assert_eq!(d::<String>("1.5").unwrap(), "1.5");
        assert_eq!(d::<String>("true").unwrap(), "true");
        assert_eq!(d::<String>("false").unwrap(), "false");
        assert_eq!(d::<String>(" \n\"x\"\t").unwrap(), "x");
    }

    #[test]
    fn numbers_keep_their_literal_text_in_strings() {
        assert_eq!(d::<String>("8.0").unwrap(), "8.0");
        assert_eq!(d::<String>("8.00").unwrap(), "8.00");
        assert_eq!(d::<String>("123456789012345678901234").unwrap(), "123456789012345678901234");
        assert_eq!(d::<String>("1E+3").unwrap(), "1E+3");
        assert_eq!(d::<String>(" -0.5 ").unwrap(), "-0.5");
        assert_eq!(d::<Vec<String>>(r#"[8.0, "8.0", 2, true]"#).unwrap(), ["8.0", "8.0", "2", "true"]);
    }

    #[test]
    fn string_rejects_structures_and_null() {
        assert!(d::<String>("null").is_err());
        assert!(d::<String>("[]").is_err());
        let err = d::<String>("{}").unwrap_err();
        assert!(err.contains("expected a string, number or boolean, found an object"), "{err}");
    }

    #[test]
    fn syntax_errors() {
        for (text, message) in [
            ("", "the document ends too early at line 1 column 1"),
            (r#""abc"#, "the document ends too early"),
            ("[1,", "the document ends too early"),
            ("[1 2]", "expected `,` or `]` in an array"),
            ("{\"a\" 1}", "expected `:` after a key"),
            ("{1:2}", "expected a key (a string)"),
            ("{\"a\":1 \"b\":2}", "expected `,` or `}` in an object"),
            ("01", "invalid number"),
            ("1.", "the document ends too early"),
            ("1.e5", "invalid number"),
            ("-", "the document ends too early"),
            ("tru", "the document ends too early"),
            ("trux", "expected a JSON value"),
            ("\"a\u{1}\"", "control character in a string"),
            (r#""\x""#, "invalid escape in a string"),
            (r#""\ud800""#, "unpaired surrogate"),
            (r#""\ud800\u0041""#, "unpaired surrogate"),
            ("\"1\" x", "trailing characters after the JSON value"),
        ] {
            let err = from_str::<String>(text).unwrap_err();
            assert!(err.is_syntax(), "{text}: {err}");
            assert!(err.to_string().contains(message), "{text}: {err}");
        }
        let invalid_utf8 = from_slice::<String>(b"\"a\xff\"").unwrap_err();
        assert!(invalid_utf8.is_syntax() && invalid_utf8.message().contains("UTF-8"), "{invalid_utf8}");
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert!(d::<Vec<String>>(&deep).unwrap_err().contains("nested too deeply"));
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
    fn integers_never_truncate() {
        // The position is where the value starts.
        assert_eq!(d::<Vec<i64>>("[1, 100.1]").unwrap_err(), "100.1 is not an integer at line 1 column 5");
        assert!(d::<i64>(r#""100.1""#).unwrap_err().starts_with("100.1 is not an integer"));
        assert!(d::<i64>("9223372036854775808")
            .unwrap_err()
            .starts_with("9223372036854775808 is out of range for i64"));
        assert!(d::<i64>("1e300").unwrap_err().contains("out of range for i64"));
        assert!(d::<i32>("2147483648").unwrap_err().starts_with("2147483648 is out of range for i32"));
        assert!(d::<i32>(r#""-2147483649""#).unwrap_err().contains("out of range for i32"));
        assert!(d::<i32>("3e9").unwrap_err().contains("out of range for i32"));
        for bad in [r#""abc""#, r#""""#, r#""NaN""#, r#""inf""#, "true", "null", "[1]"] {
            assert!(d::<i64>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn empty_strings_are_absent_when_optional_and_errors_when_required() {
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
        assert!(d::<f64>("1e400").unwrap_err().contains("out of range for f64"));
        for bad in [r#""x""#, r#""inf""#, "true", "null"] {
            assert!(d::<f64>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn booleans() {
        for (text, expected) in [
            ("true", true),
            ("false", false),
            (r#""True""#, true),
            (r#""TRUE""#, true),
            (r#""False""#, false),
            ("1", true),
            ("0", false),
            (r#""1""#, true),
        ] {
            assert_eq!(d::<bool>(text).unwrap(), expected, "{text}");
        }
        for bad in ["2", "-1", r#""yes""#, "null", "1.0"] {
            assert!(d::<bool>(bad).is_err(), "{bad}");
        }
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
        assert_eq!(d::<Vec<i64>>(r#""""#).unwrap(), Vec::<i64>::new(), "an empty string is no items");
        assert_eq!(d::<Vec<i64>>(r#"" ""#).unwrap(), Vec::<i64>::new());
        assert!(d::<Vec<i32>>("[1, 2.5]").unwrap_err().starts_with("2.5 is not an integer"));
    }

    /// A type decoded the way generated code decodes it.
    #[derive(Debug, PartialEq)]
    struct Instance {
        id: String,
        memory: Option<i64>,
    }

    impl Decode for Instance {
        fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
            let (mut id, mut memory) = (None, None);
            r.object(&mut |r, key| {
                match key {
                    "DBInstanceId" => id = Some(r.decode()?),
                    "DBInstanceMemory" => memory = Some(r.decode()?),
                    _ => r.skip()?,
                }
                Ok(())
            })?;
            Ok(Instance { id: id.ok_or_else(|| r.missing("DBInstanceId"))?, memory: memory.unwrap_or_default() })
        }
    }

    #[derive(Debug, PartialEq)]
    struct Page {
        request_id: String,
        total: Option<i32>,
        items: Vec<Instance>,
    }

    impl Decode for Page {
        fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
            let (mut request_id, mut total, mut items) = (None, None, None);
            r.object(&mut |r, key| {
                match key {
                    "RequestId" => request_id = Some(r.decode()?),
                    "TotalRecordCount" => total = Some(r.decode()?),
                    "Items" => items = Some(r.decode()?),
                    _ => r.skip()?,
                }
                Ok(())
            })?;
            Ok(Page {
                request_id: request_id.ok_or_else(|| r.missing("RequestId"))?,
                total: total.unwrap_or_default(),
                items: items.unwrap_or_default(),
            })
        }
    }

    #[test]
    fn through_a_generated_shape() {
        let json = r#"{
            "RequestId": "A1B2",
            "TotalRecordCount": "2",
            "Items": {"DBInstance": [
                {"DBInstanceId": "rm-1", "DBInstanceMemory": "4096"},
                {"DBInstanceId": "rm-2", "DBInstanceMemory": null},
                {"DBInstanceId": 3, "DBInstanceMemory": ""}
            ]},
            "Unknown": {"x": [1, 2, {"y": null, "z": "\u00e9\"}"}], "w": -1.5e-3}
        }"#;
        let page: Page = from_str(json).unwrap();
        assert_eq!(
            page,
            Page {
                request_id: "A1B2".into(),
                total: Some(2),
                items: vec![
                    Instance { id: "rm-1".into(), memory: Some(4096) },
                    Instance { id: "rm-2".into(), memory: None },
                    Instance { id: "3".into(), memory: None },
                ],
            }
        );
        let minimal: Page = from_str(r#"{"RequestId":"x","Items":null}"#).unwrap();
        assert_eq!((minimal.total, minimal.items.len()), (None, 0));

        let err = from_str::<Page>(r#"{"TotalRecordCount":1}"#).unwrap_err();
        assert_eq!((err.message(), err.path().as_str()), ("missing field `RequestId`", ""));

        let err = from_str::<Page>(
            "{\"RequestId\":\"x\",\n\"Items\":{\"DBInstance\":[{\"DBInstanceId\":\"a\"},{\"DBInstanceId\":\"b\",\"DBInstanceMemory\":2.5}]}}",
        )
        .unwrap_err();
        assert_eq!(err.path(), "Items.DBInstance[1].DBInstanceMemory");
        assert_eq!(err.to_string(), "2.5 is not an integer at line 2 column 84");
        assert!(!err.is_syntax());

        let err = from_str::<Page>(r#"{"RequestId":"x","Items":[{}]}"#).unwrap_err();
        assert_eq!((err.message(), err.path().as_str()), ("missing field `DBInstanceId`", "Items[0]"));
        assert!(from_str::<Page>("[]").unwrap_err().message().contains("expected an object, found an array"));
    }

    #[test]
    fn attempt_backtracks() {
        let mut r = Reader::new(br#"["a", 1]"#);
        assert_eq!(r.attempt(|r| r.decode::<i64>()), None);
        assert_eq!(r.attempt(|r| r.decode::<Vec<String>>()), Some(vec!["a".to_owned(), "1".to_owned()]));
    }
}
