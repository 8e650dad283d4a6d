//! The generic argument parser: the aliyun CLI's global flags, and any operation's parameters by the command
//! table (`--WireName value`, `--kebab-name value`, `--List.1 a`, `--List '["a","b"]'`, `--Tag.1.Key k`,
//! `--Tag '[{"Key":"k"}]'`, `--Ids a,b`, `--Json file://f`); values sent flattened are resolved by `flat` and
//! `flatten`.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::time::Duration;

use crate::flat::{self, Target};
use crate::flatten;
use crate::run::{Invocation, Problem};
use crate::suggest;
use crate::table::Command;

/// `--waiter expr=<JMESPath> to=<value> [timeout=<s>] [interval=<s>]`.
#[derive(Clone, Debug, PartialEq)]
pub struct WaiterSpec {
    /// The JMESPath expression evaluated on each answer.
    pub expr: String,
    /// The value it must reach (compared as text).
    pub to: String,
    /// How long to wait in all (default 180 s, as the aliyun CLI).
    pub timeout: Duration,
    /// How long between two requests (default 5 s, as the aliyun CLI).
    pub interval: Duration,
}

/// `--output cols=<a,b,…> [rows=<JMESPath>]`: a table instead of JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct TableSpec {
    /// Column names, read from each row object (a JMESPath expression each).
    pub cols: Vec<String>,
    /// The JMESPath expression of the rows array; the whole answer when absent.
    pub rows: Option<String>,
}

/// The global flags, as the aliyun CLI spells them.
#[derive(Clone, Debug, Default)]
pub struct Globals {
    /// `--profile`: the profile of `~/.aliyun/config.json` (credentials and region).
    pub profile: Option<String>,
    /// `--region`: the region (endpoint, and `RegionId` when the operation takes one and it is not given).
    pub region: Option<String>,
    /// `--endpoint`: the endpoint URL.
    pub endpoint: Option<String>,
    /// `--access-key-id`.
    pub access_key_id: Option<String>,
    /// `--access-key-secret`.
    pub access_key_secret: Option<String>,
    /// `--sts-token`.
    pub sts_token: Option<String>,
    /// `--read-timeout` (seconds, or a duration such as `500ms`): the whole request.
    pub read_timeout: Option<Duration>,
    /// `--connect-timeout` (seconds, or a duration).
    pub connect_timeout: Option<Duration>,
    /// `--retry-count`: retries after the first attempt.
    pub retry_count: Option<u32>,
    /// `--method`: must be the operation's own method (the spec fixes it).
    pub method: Option<String>,
    /// `--quiet`: print nothing on stdout.
    pub quiet: bool,
    /// `--dryrun`: print the signed request, send nothing.
    pub dryrun: bool,
    /// `--pager`: fetch every page and merge them.
    pub pager: bool,
    /// `--waiter …`.
    pub waiter: Option<WaiterSpec>,
    /// `--cli-query <JMESPath>`.
    pub cli_query: Option<String>,
    /// `--output cols=… rows=…`.
    pub output: Option<TableSpec>,
    /// `--help`.
    pub help: bool,
    /// `--version`.
    pub version: bool,
    /// Flags of `rds migrate` and anything else the subcommand reads itself, in order, as `(name, value)`.
    pub extra: Vec<(String, Option<String>)>,
}

/// Every global flag, as completion and suggestions show them.
pub const GLOBAL_FLAGS: &[&str] = &[
    "--profile",
    "--region",
    "--endpoint",
    "--access-key-id",
    "--access-key-secret",
    "--sts-token",
    "--read-timeout",
    "--connect-timeout",
    "--retry-count",
    "--method",
    "--quiet",
    "--dryrun",
    "--pager",
    "--waiter",
    "--cli-query",
    "--output",
    "--help",
];

/// Parses a duration: whole seconds (`30`, as the aliyun CLI) or a humantime duration (`500ms`, `2m`).
pub fn duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    match text.parse::<u64>() {
        Ok(secs) => Some(Duration::from_secs(secs)),
        Err(_) => humantime::parse_duration(text).ok(),
    }
}

/// What a global flag does with the tokens after it.
enum Arity {
    /// No value.
    Switch,
    /// One value.
    Value,
    /// The `key=value` tokens that follow (`--waiter`, `--output`, `--pager`).
    Pairs,
}

fn arity(name: &str) -> Option<Arity> {
    Some(match name {
        "quiet" | "dryrun" | "help" | "version" => Arity::Switch,
        "pager" | "waiter" | "output" => Arity::Pairs,
        "profile" | "region" | "endpoint" | "access-key-id" | "access-key-secret" | "sts-token" | "read-timeout"
        | "connect-timeout" | "retry-count" | "method" | "cli-query" => Arity::Value,
        _ => return None,
    })
}

/// Reads the global flag `name` (`Some` when it is one; `inline` is the value after `=`), consuming its values
/// from `args` after `*i`.
pub fn global(
    name: &str,
    inline: Option<&str>,
    args: &[String],
    i: &mut usize,
    g: &mut Globals,
) -> Option<Result<(), String>> {
    let arity = arity(name)?;
    let value = match arity {
        Arity::Switch => None,
        Arity::Value => match inline {
            Some(v) => Some(v.to_owned()),
            None if *i + 1 < args.len() => {
                *i += 1;
                Some(args[*i].clone())
            }
            None => return Some(Err(format!("--{name} needs a value"))),
        },
        Arity::Pairs => {
            let mut pairs: Vec<String> = inline.map(str::to_owned).into_iter().collect();
            while *i + 1 < args.len() && !args[*i + 1].starts_with("--") && args[*i + 1].contains('=') {
                *i += 1;
                pairs.push(args[*i].clone());
            }
            return Some(pairs_flag(name, &pairs, g));
        }
    };
    let secs = |v: &str| duration(v).ok_or_else(|| format!("--{name}: {v:?} is not a number of seconds or a duration"));
    let result = match (name, value) {
        ("quiet", _) => {
            g.quiet = true;
            Ok(())
        }
        ("dryrun", _) => {
            g.dryrun = true;
            Ok(())
        }
        ("help", _) => {
            g.help = true;
            Ok(())
        }
        ("version", _) => {
            g.version = true;
            Ok(())
        }
        ("profile", Some(v)) => {
            g.profile = Some(v);
            Ok(())
        }
        ("region", Some(v)) => {
            g.region = Some(v);
            Ok(())
        }
        ("endpoint", Some(v)) => {
            g.endpoint = Some(v);
            Ok(())
        }
        ("access-key-id", Some(v)) => {
            g.access_key_id = Some(v);
            Ok(())
        }
        ("access-key-secret", Some(v)) => {
            g.access_key_secret = Some(v);
            Ok(())
        }
        ("sts-token", Some(v)) => {
            g.sts_token = Some(v);
            Ok(())
        }
        ("read-timeout", Some(v)) => secs(&v).map(|d| g.read_timeout = Some(d)),
        ("connect-timeout", Some(v)) => secs(&v).map(|d| g.connect_timeout = Some(d)),
        ("retry-count", Some(v)) => v
            .parse()
            .map(|n| g.retry_count = Some(n))
            .map_err(|_| format!("--retry-count: {v:?} is not a whole number")),
        ("method", Some(v)) => {
            g.method = Some(v.to_ascii_uppercase());
            Ok(())
        }
        ("cli-query", Some(v)) => {
            g.cli_query = Some(v);
            Ok(())
        }
        _ => Err(format!("--{name} is not understood here")),
    };
    Some(result)
}

fn pairs_flag(name: &str, pairs: &[String], g: &mut Globals) -> Result<(), String> {
    let mut map = BTreeMap::new();
    for pair in pairs {
        let (k, v) = pair.split_once('=').ok_or_else(|| format!("--{name}: {pair:?} is not key=value"))?;
        map.insert(k.to_owned(), v.to_owned());
    }
    match name {
        "pager" => {
            // The aliyun CLI's `path=`, `PageNumber=`, … are accepted: the spec already says how the operation
            // pages, so they are not needed.
            g.pager = true;
            Ok(())
        }
        "waiter" => {
            let known = ["expr", "to", "timeout", "interval"];
            if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
                return Err(format!("--waiter: unknown key {k:?} (expr=, to=, timeout=, interval=)"));
            }
            let expr = map.remove("expr").ok_or("--waiter needs expr=<JMESPath of a field>")?;
            let to = map.remove("to").ok_or("--waiter needs to=<value>")?;
            let dur = |key: &str, default: u64| -> Result<Duration, String> {
                match map.get(key) {
                    Some(v) => duration(v).ok_or_else(|| format!("--waiter {key}={v:?} is not seconds or a duration")),
                    None => Ok(Duration::from_secs(default)),
                }
            };
            g.waiter = Some(WaiterSpec { expr, to, timeout: dur("timeout", 180)?, interval: dur("interval", 5)? });
            Ok(())
        }
        _ => {
            if let Some(k) = map.keys().find(|k| !["cols", "rows"].contains(&k.as_str())) {
                return Err(format!("--output: unknown key {k:?} (cols=, rows=)"));
            }
            let cols = map.remove("cols").ok_or("--output needs cols=<name,name,…>")?;
            let cols: Vec<String> = cols.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect();
            if cols.is_empty() {
                return Err("--output cols= names no column".to_owned());
            }
            g.output = Some(TableSpec { cols, rows: map.remove("rows") });
            Ok(())
        }
    }
}

fn split_flag(arg: &str) -> Option<(&str, Option<&str>)> {
    let name = arg.strip_prefix("--")?;
    Some(match name.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (name, None),
    })
}

/// The global flags before the first word, and the words from it on.
pub fn leading_globals(args: &[String]) -> Result<(Globals, &[String]), String> {
    let mut g = Globals::default();
    let mut i = 0;
    while i < args.len() {
        let Some((name, inline)) = split_flag(&args[i]) else { break };
        match global(name, inline, args, &mut i, &mut g) {
            Some(result) => result?,
            None => {
                let hint = suggest::nearest(&args[i], GLOBAL_FLAGS.iter().copied())
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown flag {}{hint} (the action comes first: `rds <Action> --Name value`)",
                    args[i]
                ));
            }
        }
        i += 1;
    }
    Ok((g, &args[i..]))
}

/// Parses the arguments of `command` (after its name): global flags, and parameters into wire parameters.
/// Every problem is collected, not just the first.
pub fn parse_command(command: &'static Command, mut globals: Globals, args: &[String]) -> Invocation {
    let mut params: BTreeMap<String, String> = BTreeMap::new();
    let mut problems: Vec<Problem> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let Some((name, inline)) = split_flag(arg) else {
            problems.push(Problem::new(
                arg,
                "unexpected argument: parameters are given as --Name value (`rds <Action> --help` lists them)",
            ));
            i += 1;
            continue;
        };
        if let Some(result) = global(name, inline, args, &mut i, &mut globals) {
            if let Err(message) = result {
                problems.push(Problem::new("", &message));
            }
            i += 1;
            continue;
        }
        // A value never starts with `--`: that is the next flag, and this one has no value.
        let value = match inline {
            Some(v) => Some(v.to_owned()),
            None if i + 1 < args.len() && !args[i + 1].starts_with("--") => {
                i += 1;
                Some(args[i].clone())
            }
            None => None,
        };
        i += 1;
        take_param(command, name, value, &mut params, &mut problems);
    }
    Invocation { command, params, problems, globals }
}

fn take_param(
    command: &'static Command,
    name: &str,
    value: Option<String>,
    params: &mut BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) {
    // `--Name value`, `--kebab-name value`, or a part of a parameter sent flattened: `--Name.3 value` (an item),
    // `--Name.Field value`, `--Name.1.Field value`.
    let target = match command.param(name) {
        Some(p) => Target::of(p),
        None => match name.split_once('.').and_then(|(base, rest)| Some((command.param(base)?, rest))) {
            Some((p, rest)) => match flat::resolve(p, name, rest) {
                Ok(target) => target,
                Err(message) => return problems.push(Problem::new(p.wire, &message)),
            },
            None => return problems.push(unknown_parameter(command, name)),
        },
    };
    let Some(value) = value else {
        return problems.push(Problem::new(&target.wire, &format!("--{name} needs a value")));
    };
    match flatten::wire_values(&target, &value) {
        Ok(pairs) => {
            for (wire, value) in pairs {
                match params.entry(wire) {
                    Entry::Occupied(taken) => problems.push(Problem::new(taken.key(), "is given more than once")),
                    Entry::Vacant(slot) => {
                        slot.insert(value);
                    }
                }
            }
        }
        Err(found) => problems.extend(found),
    }
}

fn unknown_parameter(command: &Command, name: &str) -> Problem {
    let kebab = name.contains('-') || name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    let names = command.params.iter().map(|p| if kebab { p.kebab } else { p.wire });
    let hint = match suggest::nearest(name, names) {
        Some(s) => format!("; did you mean --{s}?"),
        None => String::new(),
    };
    Problem::new(
        name,
        &format!(
            "--{name} is not a parameter of {}{hint} (`rds {} --help` lists them)",
            command.action, command.action
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn wire_kebab_lists_and_json() {
        let command = crate::table::find("DescribeDBInstances").unwrap();
        let args = strings(&["--RegionId", "cn-hangzhou", "--page-size=30", "--quiet", "--cli-query", "Items"]);
        let inv = parse_command(command, Globals::default(), &args);
        assert!(inv.problems.is_empty(), "{:?}", inv.problems);
        assert_eq!(inv.params.get("RegionId").map(String::as_str), Some("cn-hangzhou"));
        assert_eq!(inv.params.get("PageSize").map(String::as_str), Some("30"));
        assert!(inv.globals.quiet);
        assert_eq!(inv.globals.cli_query.as_deref(), Some("Items"));

        // Parameters sent flattened, by dotted names and as JSON, into the wire names the SDK sends.
        let params = |action: &str, args: &[&str]| {
            let inv = parse_command(crate::table::find(action).unwrap(), Globals::default(), &strings(args));
            assert!(inv.problems.is_empty(), "{:?}", inv.problems);
            inv.params.into_iter().collect::<Vec<_>>()
        };
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let tags = params("AddTagsToResource", &["--tag.1.key", "a", "--Tag.2", r#"{"value":"b"}"#]);
        assert_eq!(tags, [pair("Tag.1.key", "a"), pair("Tag.2.value", "b")]);
        let ids = params("DescribeRCInstanceHistoryEvents", &["--EventId.2", "e-2", "--event-id", r#"["e-1"]"#]);
        assert_eq!(ids, [pair("EventId.1", "e-1"), pair("EventId.2", "e-2")]);
        assert_eq!(params("DescribeRCInstanceHistoryEvents", &["--EventId", "only"]), [pair("EventId.1", "only")]);
        assert_eq!(params("AttachRCInstances", &["--InstanceIds", r#"["i-1",2]"#]), [pair("InstanceIds", "i-1,2")]);
    }

    #[test]
    fn every_problem_at_once() {
        let command = crate::table::find("DescribeDBInstances").unwrap();
        let args = strings(&["--RegionId", "a", "--RegionId", "b", "--Regio", "x", "stray", "--PageSize"]);
        let inv = parse_command(command, Globals::default(), &args);
        let text: Vec<String> = inv.problems.iter().map(|p| p.message.clone()).collect();
        assert_eq!(inv.problems.len(), 4, "{text:?}");
        assert!(text[0].contains("more than once"), "{text:?}");
        assert!(text[1].contains("did you mean --RegionId?"), "{text:?}");
        assert!(text[2].contains("unexpected argument"), "{text:?}");
        assert!(text[3].contains("--PageSize needs a value"), "{text:?}");
    }

    #[test]
    fn global_flags_with_pairs_and_durations() {
        let args = strings(&[
            "--waiter",
            "expr=DBInstanceStatus",
            "to=Running",
            "interval=200ms",
            "--read-timeout",
            "7",
            "DescribeDBInstances",
        ]);
        let (g, rest) = leading_globals(&args).unwrap();
        assert_eq!(rest, ["DescribeDBInstances"]);
        let w = g.waiter.unwrap();
        assert_eq!((w.expr.as_str(), w.to.as_str()), ("DBInstanceStatus", "Running"));
        assert_eq!((w.interval, w.timeout), (Duration::from_millis(200), Duration::from_secs(180)));
        assert_eq!(g.read_timeout, Some(Duration::from_secs(7)));
        assert!(leading_globals(&strings(&["--waiter", "to=x"])).is_err());
        assert!(leading_globals(&strings(&["--regin", "x"])).unwrap_err().contains("did you mean --region?"));
    }
}
