//! Request validation: every violation of every documented constraint, reported by wire parameter path.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

use regex::Regex;

/// How many characters of an offending value a [`Violation`] keeps.
const MAX_SHOWN_CHARS: usize = 64;

/// Stands for the value of a sensitive parameter (`sensitive: true` in the spec: a password, a key) where a
/// value would be shown: its `Debug` prints `***`. Generated `Debug` impls of requests with such a parameter
/// print it in the parameter's place.
///
/// ```
/// assert_eq!(format!("{:?}", rds_api::runtime::Redacted), "***");
/// assert_eq!(format!("{:?}", Some(rds_api::runtime::Redacted)), "Some(***)");
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A constraint a parameter value broke.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// A required parameter is missing.
    Required,
    /// The text is shorter than this many characters.
    MinLength(u64),
    /// The text is longer than this many characters.
    MaxLength(u64),
    /// The text does not match this regular expression (as a whole).
    Pattern(String),
    /// The number is below this minimum (inclusive bound).
    Minimum(String),
    /// The number is above this maximum (inclusive bound).
    Maximum(String),
    /// The list or map has fewer items than this.
    MinItems(u64),
    /// The list or map has more items than this.
    MaxItems(u64),
    /// The list holds the same item more than once.
    UniqueItems,
    /// The map holds the same value more than once.
    UniqueValues,
    /// The value is not one of these.
    Allowed(Vec<String>),
    /// The wire text is not a value of this type (`int32`, `boolean`, `JSON`, one of an enum's values…).
    /// Only decoding wire parameters (`FromParams`, used by servers) reports it.
    Format(String),
    /// The parameter has the same value as all of `others`, but must differ.
    Differ {
        /// The other parameters (wire names) it was compared with.
        others: Vec<String>,
        /// Why they must differ, when the spec says.
        description: Option<String>,
    },
    /// The parameter is one the client sends itself with every request (`Action`, `Timestamp`,
    /// `Signature`, …): a request cannot set it.
    CommonParameter,
    /// The parameter is also sent from the credentials (an operation's own `SecurityToken`), and the two values
    /// differ: only one can be sent. Neither value is shown.
    ConflictsWithCredentials,
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required"),
            Rule::MinLength(n) => write!(f, "must be at least {n} {} long", plural(*n, "character", "characters")),
            Rule::MaxLength(n) => write!(f, "must be at most {n} {} long", plural(*n, "character", "characters")),
            Rule::Pattern(p) => write!(f, "must match the pattern {p}"),
            Rule::Minimum(m) => write!(f, "must be at least {m}"),
            Rule::Maximum(m) => write!(f, "must be at most {m}"),
            Rule::MinItems(n) => {
                write!(f, "must have at least {n} {}", plural(*n, "item", "items"))
            }
            Rule::MaxItems(n) => {
                write!(f, "must have at most {n} {}", plural(*n, "item", "items"))
            }
            Rule::UniqueItems => f.write_str("must not contain the same item twice"),
            Rule::UniqueValues => f.write_str("must not contain the same value twice"),
            Rule::Allowed(values) => write!(f, "must be one of {}", values.join(", ")),
            Rule::Format(what) => write!(f, "must be a valid {what}"),
            Rule::CommonParameter => {
                f.write_str("is a common parameter that the client sets itself; a request cannot set it")
            }
            Rule::ConflictsWithCredentials => {
                f.write_str("differs from the security token of the client's credentials; only one value can be sent")
            }
            Rule::Differ { others, description } => {
                write!(f, "must differ from {}", others.join(", "))?;
                if let Some(description) = description {
                    write!(f, " ({description})")?;
                }
                Ok(())
            }
        }
    }
}

/// One broken constraint: which parameter, which rule, and the offending value (shortened).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Wire path of the parameter, e.g. `DBInstanceId` or `DBInfo.DBNames[1]`.
    pub parameter: String,
    /// The rule it broke.
    pub rule: Rule,
    /// The offending value, cut to 64 characters plus `…`; `None` when there is none (a missing value) or
    /// it must not be shown (a sensitive parameter, or a value inside one).
    pub value: Option<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.parameter.is_empty() {
            write!(f, "{}: ", self.parameter)?;
        }
        write!(f, "{}", self.rule)?;
        if let Some(value) = &self.value {
            write!(f, " (got {value:?})")?;
        }
        Ok(())
    }
}

/// A request broke one or more constraints; nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// The operation's wire name.
    pub operation: &'static str,
    /// Every violation, in the order they were found.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} request: ", self.operation)?;
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Shortens a value for display in a violation: at most 64 characters, then `…`.
fn shown(value: &str) -> String {
    match value.char_indices().nth(MAX_SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// The compiled form of a `pattern` constraint, anchored to the whole value; compiled once per pattern.
fn whole_match_regex(pattern: &'static str) -> Option<Regex> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    // A panic while the lock is held cannot leave the map inconsistent, so a poisoned lock is still usable.
    let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
    cache
        .entry(pattern)
        .or_insert_with(|| match Regex::new(&format!(r"\A(?:{pattern})\z")) {
            Ok(regex) => Some(regex),
            Err(err) => {
                tracing::warn!(pattern, error = %err, "pattern constraint does not compile; it is not checked");
                None
            }
        })
        .clone()
}

/// Collects constraint violations of one request, keyed by wire parameter path.
///
/// Generated `validate()` bodies walk the request:
///
/// ```
/// use rds_api::runtime::Validator;
///
/// let id = "";
/// let mut v = Validator::new("ImportDatabaseBetweenInstances");
/// v.enter("DBInstanceId");
/// v.min_length(id, 1);
/// v.leave();
/// let err = v.finish().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"invalid ImportDatabaseBetweenInstances request: DBInstanceId: must be at least 1 character long (got "")"#
/// );
/// ```
///
/// A sensitive parameter is entered with [`enter_sensitive`](Validator::enter_sensitive): until the matching
/// [`leave`](Validator::leave), violations carry no value.
#[derive(Debug)]
pub struct Validator {
    operation: &'static str,
    path: String,
    marks: Vec<usize>,
    /// While inside a sensitive parameter: the depth (`marks.len()`) at which it was entered.
    hidden_from: Option<usize>,
    violations: Vec<Violation>,
}

impl Validator {
    /// Starts validating a request of `operation` (its wire name).
    pub fn new(operation: &'static str) -> Self {
        // Room for the usual depth and path length from the start, rather than growing on the first few
        // `enter`s of every request.
        Validator {
            operation,
            path: String::with_capacity(64),
            marks: Vec::with_capacity(8),
            hidden_from: None,
            violations: Vec::new(),
        }
    }

    /// Descends into the parameter or field `segment`: path `A` becomes `A.segment`.
    pub fn enter(&mut self, segment: &str) {
        self.marks.push(self.path.len());
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(segment);
    }

    /// Descends into the sensitive parameter `segment` (a password, a key), like [`enter`](Self::enter): until
    /// the matching [`leave`](Self::leave), every violation names its path but not its value.
    pub fn enter_sensitive(&mut self, segment: &str) {
        if self.hidden_from.is_none() {
            self.hidden_from = Some(self.marks.len());
        }
        self.enter(segment);
    }

    /// Descends into item `index` (0-based) of a list: path `A` becomes `A[index]`.
    pub fn enter_index(&mut self, index: usize) {
        use fmt::Write as _;
        self.marks.push(self.path.len());
        // Writing to a String cannot fail.
        let _ = write!(self.path, "[{index}]");
    }

    /// Undoes the last [`enter`](Self::enter) or [`enter_index`](Self::enter_index).
    pub fn leave(&mut self) {
        if let Some(mark) = self.marks.pop() {
            self.path.truncate(mark);
        }
        if self.hidden_from == Some(self.marks.len()) {
            self.hidden_from = None;
        }
    }

    /// Whether values are hidden here (inside a sensitive parameter).
    fn hides_values(&self) -> bool {
        self.hidden_from.is_some()
    }

    fn push(&mut self, rule: Rule, value: Option<String>) {
        let value = if self.hides_values() { None } else { value };
        self.violations.push(Violation { parameter: self.path.clone(), rule, value });
    }

    /// Records that the current parameter is required but missing.
    pub fn required(&mut self) {
        self.push(Rule::Required, None);
    }

    /// Checks that `value` has at least `min` characters.
    pub fn min_length(&mut self, value: &str, min: u64) {
        // A character is 1 to 4 bytes: a quarter of the byte length is enough, most often, not to count.
        if value.len().div_ceil(4) as u64 >= min {
            return;
        }
        if (value.chars().count() as u64) < min {
            self.push(Rule::MinLength(min), Some(shown(value)));
        }
    }

    /// Checks that `value` has at most `max` characters.
    pub fn max_length(&mut self, value: &str, max: u64) {
        // A character is at least 1 byte: within `max` bytes is within `max` characters, without counting.
        if value.len() as u64 <= max {
            return;
        }
        if value.chars().count() as u64 > max {
            self.push(Rule::MaxLength(max), Some(shown(value)));
        }
    }

    /// Checks that the whole of `value` matches the regular expression `pattern`.
    ///
    /// Each pattern is compiled once and cached. The generator only emits patterns that compile; one that
    /// does not is logged (`tracing` warning) and not checked, rather than failing every request.
    pub fn pattern(&mut self, value: &str, pattern: &'static str) {
        if let Some(regex) = whole_match_regex(pattern) {
            if !regex.is_match(value) {
                self.push(Rule::Pattern(pattern.to_owned()), Some(shown(value)));
            }
        }
    }

    /// Checks `value >= min` (a value that does not compare, like NaN, fails).
    pub fn minimum<T: PartialOrd + fmt::Display>(&mut self, value: T, min: T) {
        if !matches!(value.partial_cmp(&min), Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)) {
            self.push(Rule::Minimum(min.to_string()), Some(shown(&value.to_string())));
        }
    }

    /// Checks `value <= max` (a value that does not compare, like NaN, fails).
    pub fn maximum<T: PartialOrd + fmt::Display>(&mut self, value: T, max: T) {
        if !matches!(value.partial_cmp(&max), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)) {
            self.push(Rule::Maximum(max.to_string()), Some(shown(&value.to_string())));
        }
    }

    /// Checks that a list or map of `len` items has at least `min`.
    pub fn min_items(&mut self, len: usize, min: u64) {
        if (len as u64) < min {
            self.push(Rule::MinItems(min), Some(format!("{len} items")));
        }
    }

    /// Checks that a list or map of `len` items has at most `max`.
    pub fn max_items(&mut self, len: usize, max: u64) {
        if len as u64 > max {
            self.push(Rule::MaxItems(max), Some(format!("{len} items")));
        }
    }

    fn duplicates<'a, T: PartialEq + fmt::Display + ?Sized + 'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a T>,
        rule: Rule,
    ) {
        // The items seen so far: the first few on the stack, as lists here are short and validating every
        // request should not allocate for them.
        const INLINE: usize = 16;
        let mut inline: [Option<&T>; INLINE] = [None; INLINE];
        let mut spilled: Vec<&T> = Vec::new();
        for (seen, item) in items.into_iter().enumerate() {
            // A value is reported once, at its second occurrence.
            let earlier =
                inline[..seen.min(INLINE)].iter().flatten().chain(&spilled).filter(|earlier| **earlier == item).count();
            if earlier == 1 {
                self.push(rule.clone(), Some(shown(&item.to_string())));
            }
            match inline.get_mut(seen) {
                Some(slot) => *slot = Some(item),
                None => spilled.push(item),
            }
        }
    }

    /// Checks that no item occurs twice; each duplicated value is reported once ([`Rule::UniqueItems`]).
    pub fn unique_items<'a, T: PartialEq + fmt::Display + ?Sized + 'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a T>,
    ) {
        self.duplicates(items, Rule::UniqueItems);
    }

    /// Checks that no map value occurs twice; each duplicated value is reported once
    /// ([`Rule::UniqueValues`]).
    pub fn unique_values<'a, T: PartialEq + fmt::Display + ?Sized + 'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a T>,
    ) {
        self.duplicates(items, Rule::UniqueValues);
    }

    /// Checks that `value` is one of `allowed`.
    pub fn allowed<T: PartialEq + fmt::Display + ?Sized>(&mut self, value: &T, allowed: &[&T]) {
        if !allowed.contains(&value) {
            self.push(
                Rule::Allowed(allowed.iter().map(ToString::to_string).collect()),
                Some(shown(&value.to_string())),
            );
        }
    }

    /// Checks that the parameters `(wire name, value)` do not all have the same value.
    ///
    /// The violation is reported at the last parameter, names the others, and shows the shared value. Names
    /// are taken relative to the current path (top-level rules are checked at the empty path).
    pub fn differ(&mut self, parameters: &[(&str, &str)], description: Option<&'static str>) {
        self.differ_shown(parameters, description, true);
    }

    /// [`differ`](Self::differ) over parameters one of which is sensitive: the violation has no value.
    pub fn differ_sensitive(&mut self, parameters: &[(&str, &str)], description: Option<&'static str>) {
        self.differ_shown(parameters, description, false);
    }

    fn differ_shown(&mut self, parameters: &[(&str, &str)], description: Option<&'static str>, show: bool) {
        let Some(((last, value), rest)) = parameters.split_last() else {
            return;
        };
        if rest.is_empty() || rest.iter().any(|(_, other)| other != value) {
            return;
        }
        let qualify = |name: &str| {
            if self.path.is_empty() {
                name.to_owned()
            } else {
                format!("{}.{name}", self.path)
            }
        };
        let violation = Violation {
            parameter: qualify(last),
            rule: Rule::Differ {
                others: rest.iter().map(|(name, _)| qualify(name)).collect(),
                description: description.map(str::to_owned),
            },
            value: (show && !self.hides_values()).then(|| shown(value)),
        };
        self.violations.push(violation);
    }

    /// Records a violation of `rule` at the current path, with the offending value (none inside a sensitive
    /// parameter).
    pub fn violation(&mut self, rule: Rule, value: Option<&str>) {
        self.push(rule, value.map(shown));
    }

    /// Ends validation that has already found a problem (such as an absent required parameter).
    ///
    /// Generated builders call it when they cannot assemble the request; they have always recorded the
    /// reason first, so the error is never empty.
    pub fn into_error(self) -> ValidationError {
        ValidationError { operation: self.operation, violations: self.violations }
    }

    /// Ends validation: `Ok` when nothing was violated, else every violation found.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError { operation: self.operation, violations: self.violations })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(v: Validator) -> Vec<Violation> {
        v.finish().err().map(|e| e.violations).unwrap_or_default()
    }

    fn one(v: Validator) -> Violation {
        let mut all = violations(v);
        assert_eq!(all.len(), 1, "{all:?}");
        all.remove(0)
    }

    #[test]
    fn no_violation_is_ok() {
        let mut v = Validator::new("Op");
        v.enter("A");
        v.min_length("abc", 1);
        v.max_length("abc", 3);
        v.minimum(5, 5);
        v.maximum(5, 5);
        v.leave();
        assert_eq!(v.finish(), Ok(()));
    }

    #[test]
    fn paths() {
        let mut v = Validator::new("Op");
        v.enter("DBInfo");
        v.enter("DBNames");
        v.enter_index(1);
        v.required();
        v.leave();
        v.required();
        v.leave();
        v.leave();
        v.enter("Other");
        v.required();
        v.leave();
        v.leave(); // extra leave is harmless
        v.required();
        let all = violations(v);
        let paths: Vec<&str> = all.iter().map(|v| v.parameter.as_str()).collect();
        assert_eq!(paths, ["DBInfo.DBNames[1]", "DBInfo.DBNames", "Other", ""]);
    }

    #[test]
    fn required() {
        let mut v = Validator::new("Op");
        v.enter("DBInstanceId");
        v.required();
        let x = one(v);
        assert_eq!(x.rule, Rule::Required);
        assert_eq!(x.value, None);
        assert_eq!(x.to_string(), "DBInstanceId: is required");
    }

    #[test]
    fn lengths_count_chars() {
        let mut v = Validator::new("Op");
        v.enter("A");
        v.min_length("测试", 2); // 2 chars, 6 bytes: ok
        v.max_length("测试", 2);
        v.min_length("", 1);
        v.max_length("测试x", 2);
        let all = violations(v);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].rule, Rule::MinLength(1));
        assert_eq!(all[0].value.as_deref(), Some(""));
        assert_eq!(all[0].to_string(), r#"A: must be at least 1 character long (got "")"#);
        assert_eq!(all[1].rule, Rule::MaxLength(2));
        assert_eq!(all[1].to_string(), r#"A: must be at most 2 characters long (got "测试x")"#);
    }

    #[test]
    fn long_values_are_shortened() {
        let mut v = Validator::new("Op");
        v.enter("A");
        let long = "é".repeat(100);
        v.max_length(&long, 10);
        let x = one(v);
        let shown = x.value.unwrap();
        assert_eq!(shown.chars().count(), 65);
        assert!(shown.ends_with('…'));
        assert!(shown.starts_with(&"é".repeat(64)));
    }

    #[test]
    fn pattern_matches_whole_value() {
        let mut v = Validator::new("Op");
        v.enter("A");
        v.pattern("rm-abc", "rm-[a-z]+");
        v.pattern("xrm-abc", "rm-[a-z]+");
        v.pattern("rm-abc1", "rm-[a-z]+");
        v.pattern("a", "a|b"); // alternation is grouped before anchoring
        v.pattern("ab", "a|b");
        v.pattern("rm-abc", "rm-[a-z]+"); // cached
        let all = violations(v);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].rule, Rule::Pattern("rm-[a-z]+".into()));
        assert_eq!(all[0].value.as_deref(), Some("xrm-abc"));
        assert_eq!(all[2].value.as_deref(), Some("ab"));
        assert_eq!(all[0].to_string(), r#"A: must match the pattern rm-[a-z]+ (got "xrm-abc")"#);
    }

    #[test]
    fn bad_pattern_is_not_checked() {
        let mut v = Validator::new("Op");
        v.pattern("x", "(");
        v.pattern("x", "(");
        assert_eq!(v.finish(), Ok(()));
    }

    #[test]
    fn minimum_and_maximum() {
        let mut v = Validator::new("Op");
        v.enter("PageSize");
        v.minimum(29, 30);
        v.maximum(101i64, 100);
        v.minimum(0.5, 1.0);
        v.maximum(f64::NAN, 1.0);
        v.minimum(30, 30);
        let all = violations(v);
        assert_eq!(all.len(), 4);
        assert_eq!(all[0].rule, Rule::Minimum("30".into()));
        assert_eq!(all[0].value.as_deref(), Some("29"));
        assert_eq!(all[1].rule, Rule::Maximum("100".into()));
        assert_eq!(all[2].rule, Rule::Minimum("1".into()));
        assert_eq!(all[2].value.as_deref(), Some("0.5"));
        assert_eq!(all[3].rule, Rule::Maximum("1".into()));
        assert_eq!(all[0].to_string(), r#"PageSize: must be at least 30 (got "29")"#);
    }

    #[test]
    fn item_counts() {
        let mut v = Validator::new("Op");
        v.enter("DBNames");
        v.min_items(0, 1);
        v.max_items(3, 2);
        v.min_items(1, 1);
        v.max_items(2, 2);
        let all = violations(v);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].rule, Rule::MinItems(1));
        assert_eq!(all[0].to_string(), r#"DBNames: must have at least 1 item (got "0 items")"#);
        assert_eq!(all[1].rule, Rule::MaxItems(2));
    }

    #[test]
    fn unique_items_reports_each_duplicate_once() {
        let mut v = Validator::new("Op");
        v.enter("DBNames");
        let names = ["a", "b", "a", "c", "a", "b"];
        v.unique_items(names.iter().copied());
        let owned: Vec<String> = vec!["x".into(), "y".into()];
        v.unique_items(owned.iter());
        let all = violations(v);
        assert_eq!(all.len(), 2);
        assert!(all.iter().all(|x| x.rule == Rule::UniqueItems));
        assert_eq!(all[0].value.as_deref(), Some("a"));
        assert_eq!(all[1].value.as_deref(), Some("b"));
        assert_eq!(all[0].to_string(), r#"DBNames: must not contain the same item twice (got "a")"#);
    }

    #[test]
    fn duplicates_past_the_inline_items_are_found() {
        // 40 items: the first 16 are kept on the stack, the rest in a vector; duplicates across both, and
        // within the vector, reported once each in order of their second occurrence.
        let items: Vec<String> =
            (0..40).map(|i| if i < 30 { format!("n{i}") } else { format!("n{}", (i - 30) % 5 * 7) }).collect();
        let mut v = Validator::new("Op");
        v.unique_items(items.iter());
        let reported: Vec<String> = violations(v).into_iter().filter_map(|x| x.value).collect();
        assert_eq!(reported, [r#"n0"#, "n7", "n14", "n21", "n28"]);
        let mut v = Validator::new("Op");
        let spilled: Vec<String> = (0..20).map(|i| if i == 19 { "n17".to_owned() } else { format!("n{i}") }).collect();
        v.unique_items(spilled.iter());
        assert_eq!(one(v).value.as_deref(), Some("n17"));
    }

    #[test]
    fn lengths_near_the_byte_shortcuts() {
        // 4-byte characters: 8 bytes are 2 characters, so neither bound may be decided by bytes alone.
        let mut v = Validator::new("Op");
        v.min_length("🚀🚀", 3);
        v.max_length("🚀🚀🚀", 2);
        v.min_length("🚀🚀", 2);
        v.max_length("🚀🚀", 2);
        v.min_length("abcd", 1);
        v.max_length("ab", 2);
        let all = violations(v);
        assert_eq!(all.iter().map(|x| x.rule.clone()).collect::<Vec<_>>(), [Rule::MinLength(3), Rule::MaxLength(2)]);
    }

    #[test]
    fn unique_values() {
        let mut v = Validator::new("Op");
        v.enter("DBNames");
        let map: Vec<(String, String)> =
            vec![("src1".into(), "dst".into()), ("src2".into(), "dst".into()), ("src3".into(), "other".into())];
        v.unique_values(map.iter().map(|(_, value)| value));
        let x = one(v);
        assert_eq!(x.rule, Rule::UniqueValues);
        assert_eq!(x.value.as_deref(), Some("dst"));
    }

    #[test]
    fn allowed() {
        let mut v = Validator::new("Op");
        v.enter("Engine");
        v.allowed("MySQL", &["MySQL", "SQLServer"]);
        v.allowed("Oracle", &["MySQL", "SQLServer"]);
        v.allowed(&3, &[&1, &2]);
        let all = violations(v);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].rule, Rule::Allowed(vec!["MySQL".into(), "SQLServer".into()]));
        assert_eq!(all[0].to_string(), r#"Engine: must be one of MySQL, SQLServer (got "Oracle")"#);
        assert_eq!(all[1].value.as_deref(), Some("3"));
    }

    #[test]
    fn differ() {
        let mut v = Validator::new("ImportDatabaseBetweenInstances");
        v.differ(&[("DBInstanceId", "rm-1"), ("SourceDBInstanceId", "rm-2")], None);
        v.differ(&[("Only", "x")], None);
        v.differ(&[], None);
        v.differ(&[("A", "x"), ("B", "x"), ("C", "y")], Some("must not all match"));
        assert!(violations(v).is_empty());

        let mut v = Validator::new("ImportDatabaseBetweenInstances");
        v.differ(
            &[("DBInstanceId", "rm-1"), ("SourceDBInstanceId", "rm-1")],
            Some("The source and destination instances must be different instances."),
        );
        v.enter("Nested");
        v.differ(&[("A", "x"), ("B", "x"), ("C", "x")], None);
        let all = violations(v);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].parameter, "SourceDBInstanceId");
        assert_eq!(
            all[0].rule,
            Rule::Differ {
                others: vec!["DBInstanceId".into()],
                description: Some("The source and destination instances must be different instances.".into()),
            }
        );
        assert_eq!(all[0].value.as_deref(), Some("rm-1"));
        assert_eq!(
            all[0].to_string(),
            r#"SourceDBInstanceId: must differ from DBInstanceId (The source and destination instances must be different instances.) (got "rm-1")"#
        );
        assert_eq!(all[1].parameter, "Nested.C");
        assert_eq!(all[1].rule, Rule::Differ { others: vec!["Nested.A".into(), "Nested.B".into()], description: None });
    }

    #[test]
    fn error_display_lists_every_violation() {
        let mut v = Validator::new("ImportDatabaseBetweenInstances");
        v.enter("DBInstanceId");
        v.required();
        v.leave();
        v.enter("DBInfo");
        v.enter("DBNames");
        v.enter_index(1);
        v.min_length("", 1);
        v.leave();
        v.leave();
        v.leave();
        let err = v.finish().unwrap_err();
        assert_eq!(err.operation, "ImportDatabaseBetweenInstances");
        assert_eq!(
            err.to_string(),
            r#"invalid ImportDatabaseBetweenInstances request: DBInstanceId: is required; DBInfo.DBNames[1]: must be at least 1 character long (got "")"#
        );
        let as_error: &dyn std::error::Error = &err;
        assert!(as_error.source().is_none());
    }

    #[test]
    fn sensitive_parameters_hide_their_values() {
        let mut v = Validator::new("Op");
        v.enter_sensitive("Password");
        v.max_length("hunter2-hunter2", 4);
        v.pattern("hunter2", "[0-9]+");
        v.leave();
        v.enter("Name");
        v.max_length("shown", 2);
        v.leave();
        v.enter("Spec");
        v.enter_sensitive("Key");
        v.enter_index(0);
        v.min_length("k", 2);
        v.violation(Rule::Format("int32".into()), Some("secret-k"));
        v.leave();
        v.leave();
        v.min_length("s", 2);
        v.leave();
        v.differ_sensitive(&[("Password", "same-pw"), ("OldPassword", "same-pw")], None);
        v.differ(&[("A", "x"), ("B", "x")], None);
        let err = v.finish().unwrap_err();
        let values: Vec<Option<&str>> = err.violations.iter().map(|x| x.value.as_deref()).collect();
        assert_eq!(values, [None, None, Some("shown"), None, None, Some("s"), None, Some("x")]);
        let paths: Vec<&str> = err.violations.iter().map(|x| x.parameter.as_str()).collect();
        assert_eq!(paths, ["Password", "Password", "Name", "Spec.Key[0]", "Spec.Key[0]", "Spec", "OldPassword", "B"]);
        let text = err.to_string();
        assert!(text.contains("Password: must be at most 4 characters long; "), "{text}");
        for secret in ["hunter2", "secret-k", "same-pw", "\"k\""] {
            assert!(!text.contains(secret), "{secret} shown: {text}");
        }
    }

    #[test]
    fn rule_sentences() {
        assert_eq!(Rule::MinLength(2).to_string(), "must be at least 2 characters long");
        assert_eq!(Rule::UniqueValues.to_string(), "must not contain the same value twice");
        assert_eq!(Rule::MaxItems(1).to_string(), "must have at most 1 item");
        assert_eq!(
            Rule::Differ { others: vec!["A".into(), "B".into()], description: None }.to_string(),
            "must differ from A, B"
        );
    }
}
