//! The wire differential: for every operation of `api-specs/`, random valid requests are put on the wire by
//! Alibaba's official Tea Python SDK (`tests/interop/sdk_wire.py`, which stops where the SDK would send) and
//! by rds-api, and the two parameter sets must be equal: same names, same encoded values, same placement.
//!
//!     cargo run -p integration-tests --example wire_differential -- --python <venv>/bin/python
//!
//! `tests/interop/run.sh` runs it with the virtualenv it builds (CI does). Options: `--cases N` per operation
//! (default 3), `--seed S` (default: random, printed; `WIRE_SEED` also sets it), `--only Action`.
//!
//! How rds-api's side is formed: the SDK's parameters are read back by the generated server side of the
//! operation (`rds_api::operations::SERVER_OPERATIONS`: decode, validate) and written again by the generated client code, the same
//! `write_params` the client signs and sends. A parameter the SDK sends that the spec does not declare is then
//! missing from rds-api's side; one the spec declares that the SDK does not know never reaches the wire (the
//! SDK's `from_map` drops it), which the check of every generated root name catches.
//!
//! Quirks accepted, each explained where it is applied: the Python SDK writes booleans as `True`/`False`
//! (Python's `str`), rds-api as `true`/`false` like Alibaba's Java and Go SDKs; the service reads both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use codegen::model::{Api, Field, NamedKind, Operation, Shape, Type};
use codegen::spec::Scalar;
use rds_api::operations::SERVER_OPERATIONS;
use serde_json::{json, Map, Value};

/// Operations the pinned SDK (16.0.2) no longer has: the withdrawn ones, which other checks cover
/// (ImportDatabaseBetweenInstances and CancelImport: the legacy SDK's signature vectors and the interop check).
const NOT_IN_SDK: &str = "not in SDK 16.0.2";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut python = None;
    let mut cases = 3usize;
    let mut seed: Option<u64> = std::env::var("WIRE_SEED").ok().and_then(|s| s.parse().ok());
    let mut only: Option<String> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--python" => python = it.next().cloned(),
            "--cases" => cases = it.next().and_then(|n| n.parse().ok()).unwrap_or(cases),
            "--seed" => seed = it.next().and_then(|n| n.parse().ok()),
            "--only" => only = it.next().cloned(),
            other => {
                eprintln!("wire differential: unknown argument {other}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(python) = python else {
        eprintln!("usage: wire_differential --python <python with alibabacloud-rds20140815> [--cases N] [--seed S]");
        return ExitCode::from(2);
    };
    let seed = seed.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    println!("wire differential: seed {seed} (replay with --seed {seed})");

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the workspace").to_path_buf();
    let api = match load(&root.join("api-specs")) {
        Ok(api) => api,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };

    let mut rng = Rng(seed);
    let mut inputs = Vec::new();
    for op in &api.operations {
        if only.as_deref().is_some_and(|only| only != op.wire_name) {
            continue;
        }
        for _ in 0..cases {
            let params = Generator { api: &api, op, rng: &mut rng }.request();
            inputs.push(json!({"id": inputs.len(), "action": op.wire_name, "params": Value::Object(params)}));
        }
    }

    let answers = match run_sdk(&python, &root, &inputs) {
        Ok(answers) => answers,
        Err(err) => {
            eprintln!("wire differential: {err}");
            return ExitCode::FAILURE;
        }
    };

    let mut failures = Vec::new();
    let mut compared = 0usize;
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut actions = std::collections::BTreeSet::new();
    for (input, answer) in inputs.iter().zip(&answers) {
        let action = input["action"].as_str().unwrap_or_default();
        if let Some(error) = answer.get("error").and_then(Value::as_str) {
            if error == NOT_IN_SDK {
                *skipped.entry(action.to_owned()).or_default() += 1;
            } else {
                failures.push(format!("{action}: the SDK failed: {error}\n  params: {}", input["params"]));
            }
            continue;
        }
        compared += 1;
        actions.insert(action.to_owned());
        if let Err(problems) = compare(action, &input["params"], answer) {
            failures.push(format!("{action}: {problems}\n  params: {}", input["params"]));
        }
    }

    println!(
        "wire differential: {compared} requests of {} operations compared with the official SDK; {} withdrawn \
         operations not in it: {}",
        actions.len(),
        skipped.len(),
        skipped.keys().cloned().collect::<Vec<_>>().join(", ")
    );
    if failures.is_empty() {
        println!("wire differential: no differences");
        ExitCode::SUCCESS
    } else {
        for failure in failures.iter().take(40) {
            eprintln!("DIFFERENCE {failure}");
        }
        eprintln!("wire differential: {} requests differ (seed {seed})", failures.len());
        ExitCode::FAILURE
    }
}

fn load(specs: &Path) -> Result<Api, String> {
    let set = codegen::load::load_dir(specs).map_err(|d| d.to_string())?;
    codegen::model::build(&set).map_err(|d| d.to_string())
}

/// Runs the SDK script over every case at once (one interpreter start).
fn run_sdk(python: &str, root: &Path, inputs: &[Value]) -> Result<Vec<Value>, String> {
    let dir = std::env::temp_dir().join(format!("rds-wire-differential-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file: PathBuf = dir.join("cases.json");
    std::fs::write(&file, serde_json::to_vec(inputs).expect("JSON values serialize"))
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let script = root.join("tests/interop/sdk_wire.py");
    let output = Command::new(python).arg(&script).arg(&file).output().map_err(|e| format!("{python}: {e}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    if !output.status.success() {
        return Err(format!(
            "{} failed ({}): {}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let answers: Vec<Value> =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("the SDK script's output is not JSON: {e}"))?;
    if answers.len() != inputs.len() {
        return Err(format!("{} cases sent, {} answers", inputs.len(), answers.len()));
    }
    Ok(answers)
}

/// Compares the SDK's wire parameters with rds-api's for one request.
fn compare(action: &str, params: &Value, answer: &Value) -> Result<(), String> {
    let strings = |key: &str| -> BTreeMap<String, String> {
        answer[key]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
            .unwrap_or_default()
    };
    let (sdk_query, sdk_body) = (strings("query"), strings("body"));
    let Some(server) = SERVER_OPERATIONS.iter().find(|op| op.action == action) else {
        return Err("no generated server side".to_owned());
    };
    let mut merged = sdk_query.clone();
    merged.extend(sdk_body.clone());
    let ours = server.reencode(&merged).map_err(|e| format!("rds-api refuses what the SDK sent: {e}"))?;

    let mut problems = Vec::new();
    for (placement, sdk, ours) in [("query", &sdk_query, ours.query()), ("body", &sdk_body, ours.body())] {
        for (name, value) in sdk {
            match ours.get(name) {
                None => problems.push(format!("{placement} {name}={value:?} sent by the SDK, not by rds-api")),
                Some(mine) if !same_value(value, mine) => {
                    problems.push(format!("{placement} {name}: SDK {value:?}, rds-api {mine:?}"))
                }
                Some(_) => {}
            }
        }
        for (name, value) in ours {
            if !sdk.contains_key(name) {
                problems.push(format!("{placement} {name}={value:?} sent by rds-api, not by the SDK"));
            }
        }
    }
    // Every parameter given must reach the wire: the SDK drops names its model does not know.
    let roots: std::collections::BTreeSet<&str> =
        sdk_query.keys().chain(sdk_body.keys()).map(|k| k.split('.').next().unwrap_or(k)).collect();
    for name in params.as_object().into_iter().flat_map(|m| m.keys()) {
        if !roots.contains(name.as_str()) && !is_empty_flattened(&params[name]) {
            problems.push(format!("{name} was given but the SDK sent nothing for it (unknown to its model?)"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// A flattened value with nothing inside puts no parameter on the wire, in either SDK.
fn is_empty_flattened(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(is_empty_flattened),
        Value::Object(fields) => fields.values().all(is_empty_flattened),
        _ => false,
    }
}

/// Equal texts, or the one accepted quirk: Python's `True`/`False` for rds-api's `true`/`false`.
fn same_value(sdk: &str, ours: &str) -> bool {
    sdk == ours || matches!((sdk, ours), ("True", "true") | ("False", "false"))
}

/// SplitMix64: small, seedable, good enough to vary test inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Random valid values for one operation's request, keyed by wire names as the SDK's `from_map` reads them.
struct Generator<'a> {
    api: &'a Api,
    op: &'a Operation,
    rng: &'a mut Rng,
}

/// Pieces of text: plain, reserved in URLs and forms, and beyond ASCII.
const PIECES: &[&str] = &[
    "rm-", "a", "Z", "0", "9", "_", "-", ".", " ", "&", "=", "+", "/", "%", "?", "#", "數據", "ü", "€", "😀", "~", "*",
];

impl Generator<'_> {
    fn request(&mut self) -> Map<String, Value> {
        let mut out = Map::new();
        for field in &self.op.params {
            // Optional parameters are left out now and then, so that absent values are compared too.
            if field.required || self.rng.chance(75) {
                if let Some(value) = self.field(field, false) {
                    out.insert(field.wire_name.clone(), value);
                }
            }
        }
        out
    }

    fn field(&mut self, field: &Field, in_json: bool) -> Option<Value> {
        self.value(&field.ty, in_json, None)
    }

    /// A value of `ty`; `avoid` is a text no generated string may contain (a list's separator).
    fn value(&mut self, ty: &Type, in_json: bool, avoid: Option<&str>) -> Option<Value> {
        let c = &ty.constraints;
        if !c.allowed.is_empty() {
            return Some(scalar(self.rng.pick(&c.allowed)));
        }
        Some(match &ty.shape {
            Shape::String => {
                if c.pattern.is_some() {
                    // Matching an arbitrary pattern is beyond this generator; no RDS operation declares one.
                    return None;
                }
                Value::String(self.text(c.min_length, c.max_length, avoid))
            }
            Shape::Int32 => json!(self.integer(c, i64::from(i32::MIN), i64::from(i32::MAX))),
            Shape::Int64 => json!(self.integer(c, -(1 << 53), 1 << 53)),
            Shape::Boolean => json!(self.rng.chance(50)),
            // Values exact in both widths and written alike by Python and serde_json.
            Shape::Float | Shape::Float32 => {
                let candidates = [0.5, 2.0, 1.25, 100.0, 0.375, 7.75, 1024.0];
                let fits: Vec<f64> = candidates.into_iter().filter(|v| in_bounds(*v, c)).collect();
                match fits.as_slice() {
                    [] => json!(bound(&c.min).or(bound(&c.max)).unwrap_or(1.0)),
                    fits => json!(*self.rng.pick(fits)),
                }
            }
            Shape::Any => self.any(2),
            Shape::Json(inner) => return self.value(inner, true, None),
            Shape::List { items, separator, .. } => {
                let min = c.min_items.unwrap_or(1).max(1);
                let max = c.max_items.unwrap_or(3).clamp(min, min + 2);
                let count = min + self.rng.below(max - min + 1);
                let mut values: Vec<Value> = Vec::new();
                for _ in 0..count * 4 {
                    if values.len() as u64 == count {
                        break;
                    }
                    let item = self.value(items, in_json, separator.as_deref())?;
                    if c.unique_items && values.contains(&item) {
                        continue;
                    }
                    values.push(item);
                }
                Value::Array(values)
            }
            Shape::Map { value } => {
                let count = 1 + self.rng.below(2);
                let mut map = Map::new();
                for i in 0..count {
                    let key = format!("k{i}{}", self.text(Some(1), Some(4), None));
                    map.insert(key, self.value(value, in_json, None)?);
                }
                Value::Object(map)
            }
            Shape::Named(name) | Shape::Model(name) => {
                let named = self.op.types.get(name).or_else(|| self.api.models.get(name))?;
                match &named.kind {
                    NamedKind::Enum(values) => Value::String(self.rng.pick(values).wire.clone()),
                    NamedKind::Object(fields) => {
                        let mut object = Map::new();
                        for f in fields {
                            if f.required || self.rng.chance(70) {
                                if let Some(v) = self.field(f, in_json) {
                                    object.insert(f.wire_name.clone(), v);
                                }
                            }
                        }
                        // An object with nothing set puts nothing on the wire, so its place in a flattened
                        // list (`Tag.1` absent, `Tag.2.Key` present) cannot be read back: give it a field.
                        if object.is_empty() {
                            if let Some(f) = fields.first() {
                                if let Some(v) = self.field(f, in_json) {
                                    object.insert(f.wire_name.clone(), v);
                                }
                            }
                        }
                        Value::Object(object)
                    }
                    NamedKind::OneOf(variants) => {
                        let variant = self.rng.pick(variants);
                        return self.value(&variant.ty, in_json, None);
                    }
                }
            }
        })
    }

    fn text(&mut self, min: Option<u64>, max: Option<u64>, avoid: Option<&str>) -> String {
        let min = min.unwrap_or(1) as usize;
        let max = (max.unwrap_or(24) as usize).max(min);
        let target = min + self.rng.below((max.min(min + 24) - min + 1) as u64) as usize;
        let mut out = String::new();
        while out.chars().count() < target {
            let piece = *self.rng.pick(PIECES);
            if avoid.is_some_and(|a| piece.contains(a)) {
                continue;
            }
            let room = target - out.chars().count();
            out.extend(piece.chars().take(room));
        }
        // `True`/`False` would be indistinguishable from the boolean quirk accepted above.
        if out == "True" || out == "False" {
            out.push('x');
        }
        out
    }

    fn integer(&mut self, c: &codegen::model::Constraints, lo: i64, hi: i64) -> i64 {
        let lo = bound(&c.min).map_or(lo, |v| v as i64).max(lo);
        let hi = bound(&c.max).map_or(hi, |v| v as i64).min(hi);
        match self.rng.below(4) {
            0 => lo,
            1 => hi,
            _ => {
                let span = (hi as i128 - lo as i128 + 1) as u128;
                (lo as i128 + (u128::from(self.rng.next()) % span) as i128) as i64
            }
        }
    }

    fn any(&mut self, depth: u32) -> Value {
        match self.rng.below(if depth == 0 { 4 } else { 6 }) {
            0 => Value::String(self.text(Some(1), Some(8), None)),
            1 => json!(self.rng.below(1000)),
            2 => json!(self.rng.chance(50)),
            3 => Value::Null,
            4 => Value::Array((0..2).map(|_| self.any(depth - 1)).collect()),
            _ => {
                let mut map = Map::new();
                for i in 0..2 {
                    map.insert(format!("key{i}"), self.any(depth - 1));
                }
                Value::Object(map)
            }
        }
    }
}

fn bound(s: &Option<Scalar>) -> Option<f64> {
    match s {
        Some(Scalar::Int(i)) => Some(*i as f64),
        Some(Scalar::Float(f)) => Some(*f),
        _ => None,
    }
}

fn in_bounds(v: f64, c: &codegen::model::Constraints) -> bool {
    bound(&c.min).is_none_or(|min| v >= min) && bound(&c.max).is_none_or(|max| v <= max)
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::String(s) => Value::String(s.clone()),
        Scalar::Int(i) => json!(i),
        Scalar::Float(f) => json!(f),
        Scalar::Bool(b) => json!(b),
    }
}
