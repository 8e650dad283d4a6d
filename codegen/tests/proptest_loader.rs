//! Property: the spec loader never panics, whatever the text, and every problem it reports points into the
//! file. Inputs: arbitrary text, YAML-shaped text made of the format's own keys and YAML's punctuation, and
//! every real spec (rds-api's and the fixture service's) with a few random edits. `robustness.rs` covers
//! every truncation and hand-picked pathological inputs; this explores around them.
//!
//! The same check runs unbounded as the cargo-fuzz target `load_spec` (see `fuzz/README.md`).

#[path = "../../tests/tests/seeded/mod.rs"]
mod seeded;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use codegen::diagnostic::Diagnostics;
use codegen::load::{load_operation_str, load_service_str, load_sources, SourceFile};
use proptest::prelude::*;

/// Every real spec text: `(path, text, is_service)`.
fn real_specs() -> &'static [(PathBuf, String, bool)] {
    static SPECS: OnceLock<Vec<(PathBuf, String, bool)>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut specs = Vec::new();
        for dir in [root.join("api-specs"), root.join("tests/fixtures/specs")] {
            let service = dir.join("service.yaml");
            specs.push((service.clone(), std::fs::read_to_string(&service).unwrap(), true));
            for sub in ["operations", "models"] {
                let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
                let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
                paths.sort();
                for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    specs.push((path, text, false));
                }
            }
        }
        assert!(specs.len() >= 8, "the real specs were found: {}", specs.len());
        specs
    })
}

/// Problems found in a text are placed in it (line and column from 1).
fn assert_positioned<T>(result: Result<T, Diagnostics>, input: &str) -> Result<(), TestCaseError> {
    if let Err(diagnostics) = result {
        prop_assert!(!diagnostics.is_empty(), "an error without diagnostics for:\n{}", input);
        for d in &diagnostics.0 {
            prop_assert!(d.span.line >= 1 && d.span.column >= 1, "{}\nfor:\n{}", d, input);
        }
    }
    Ok(())
}

/// Loads `text` as an operation, as a service, and as both files of a spec set.
fn load_everywhere(text: &str) -> Result<(), TestCaseError> {
    assert_positioned(load_operation_str(Path::new("operations/Op.yaml"), text), text)?;
    assert_positioned(load_service_str(Path::new("service.yaml"), text), text)?;
    let service = SourceFile { path: "service.yaml".into(), text: text.to_owned() };
    let operation = SourceFile { path: "operations/Op.yaml".into(), text: text.to_owned() };
    assert_positioned(load_sources(service, vec![operation]), text)
}

/// The format's own keys and type names, and scalars of every kind.
const WORDS: &str = "name summary description idempotent deprecated note parameters type required location \
    min_length max_length pattern minimum maximum items values fields response errors code status pagination \
    rules string integer int32 int64 boolean list enum json object query body true false ~ null Op DBInstanceId \
    1 -1 0x10 1e9 99999999999999999999 测 🚀";
/// YAML's punctuation and layout.
const PUNCTUATION: [&str; 31] = [
    ": ",
    ":",
    "- ",
    "-",
    "\n",
    "\n  ",
    "\n    ",
    "\n- ",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!str ",
    "!x ",
    "? ",
    "|",
    ">",
    "#",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "\u{feff}",
    " ",
    "\r\n",
];

/// Pieces of the spec format and of YAML syntax, to build text the parser gets far into.
fn token() -> impl Strategy<Value = &'static str> {
    let words: Vec<&'static str> = WORDS.split_whitespace().collect();
    prop_oneof![prop::sample::select(words), prop::sample::select(PUNCTUATION.to_vec())]
}

fn yaml_shaped() -> impl Strategy<Value = String> {
    prop::collection::vec(token(), 0..80).prop_map(|tokens| tokens.concat())
}

/// One edit of a text: replace, delete or insert a byte, or swap two lines.
#[derive(Clone, Debug)]
enum Edit {
    Replace(usize, u8),
    Delete(usize),
    Insert(usize, u8),
    SwapLines(usize, usize),
}

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![3 => prop::sample::select(b":-? \n\t[]{},\"'&*!#|>%@`~0123456789".to_vec()), 1 => any::<u8>()]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), byte()).prop_map(|(at, b)| Edit::Replace(at, b)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), byte()).prop_map(|(at, b)| Edit::Insert(at, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        if bytes.is_empty() {
            break;
        }
        let n = bytes.len();
        match *edit {
            Edit::Replace(at, b) => bytes[at % n] = b,
            Edit::Delete(at) => {
                bytes.remove(at % n);
            }
            Edit::Insert(at, b) => bytes.insert(at % (n + 1), b),
            Edit::SwapLines(a, b) => {
                let mut lines: Vec<Vec<u8>> = bytes.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let count = lines.len();
                lines.swap(a % count, b % count);
                bytes = lines.join(&b'\n');
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(seeded::config(256))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        load_everywhere(&text)?;
    }

    #[test]
    fn yaml_shaped_text_never_panics(text in yaml_shaped()) {
        load_everywhere(&text)?;
    }

    #[test]
    fn edited_real_specs_never_panic(which in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..6)) {
        let specs = real_specs();
        let (path, text, is_service) = &specs[which.index(specs.len())];
        let edited = apply(text, &edits);
        if *is_service {
            assert_positioned(load_service_str(path, &edited), &edited)?;
        } else {
            assert_positioned(load_operation_str(path, &edited), &edited)?;
        }
    }

    #[test]
    fn edited_spec_sets_never_panic(edits in prop::collection::vec(edit(), 1..6), also_service in any::<bool>()) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs");
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
        let service_text = read("service.yaml");
        let op_text = read("operations/ImportDatabaseBetweenInstances.yaml");
        let service_text = if also_service { apply(&service_text, &edits) } else { service_text };
        let op_text = apply(&op_text, &edits);
        let service = SourceFile { path: root.join("service.yaml"), text: service_text.clone() };
        let op = SourceFile { path: root.join("operations/ImportDatabaseBetweenInstances.yaml"), text: op_text.clone() };
        assert_positioned(load_sources(service, vec![op]), &format!("{service_text}\n---\n{op_text}"))?;
    }
}

#[test]
fn the_real_services_load_unedited() {
    for (path, text, _) in real_specs().iter().filter(|(_, _, is_service)| *is_service) {
        load_service_str(path, text).unwrap_or_else(|d| panic!("{}: {d}", path.display()));
    }
}
