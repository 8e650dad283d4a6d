//! The loader never panics, whatever the text: truncated and garbled versions of the real specs, and a few
//! pathological inputs, all come back as diagnostics that point into the file.

use std::path::{Path, PathBuf};

use codegen::diagnostic::Diagnostics;
use codegen::load::{load_operation_str, load_service_str, load_sources, SourceFile};

fn real_spec(relative: &str) -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs").join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (path, text)
}

fn operation() -> (PathBuf, String) {
    real_spec("operations/ImportDatabaseBetweenInstances.yaml")
}

fn service() -> (PathBuf, String) {
    real_spec("service.yaml")
}

/// Problems found in a text are placed in it (only an unreadable file gets line 0).
fn assert_positioned<T>(result: Result<T, Diagnostics>, input: &str) {
    if let Err(diagnostics) = result {
        assert!(!diagnostics.is_empty(), "an error without diagnostics for:\n{input}");
        for d in &diagnostics.0 {
            assert!(d.span.line >= 1 && d.span.column >= 1, "{d}\nfor:\n{input}");
        }
    }
}

/// Every prefix of `text` that ends on a character boundary.
fn truncations(text: &str) -> impl Iterator<Item = &str> {
    (0..=text.len()).filter(|&i| text.is_char_boundary(i)).map(|i| &text[..i])
}

#[test]
fn every_truncation_of_the_real_operation_loads_without_panicking() {
    let (path, text) = operation();
    for prefix in truncations(&text) {
        assert_positioned(load_operation_str(&path, prefix), prefix);
    }
}

#[test]
fn every_truncation_of_the_real_service_loads_without_panicking() {
    let (path, text) = service();
    for prefix in truncations(&text) {
        assert_positioned(load_service_str(&path, prefix), prefix);
    }
}

/// A fixed-seed linear congruential generator (Knuth's MMIX constants): reproducible without a dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Bytes that mean something to YAML, most likely to reach unusual parser states.
const INTERESTING: &[u8] = b":-? \n\t[]{},\"'&*!#|>%@`~0123456789";

/// `text` with a few random edits: bytes replaced, deleted, inserted, or lines swapped.
fn mutate(text: &str, rng: &mut Lcg) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len());
        let byte = match rng.below(4) {
            0 => rng.next() as u8,
            _ => INTERESTING[rng.below(INTERESTING.len())],
        };
        match rng.below(4) {
            0 => bytes[at] = byte,
            1 => {
                bytes.remove(at);
            }
            2 => bytes.insert(at, byte),
            _ => swap_lines(&mut bytes, rng),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn swap_lines(bytes: &mut Vec<u8>, rng: &mut Lcg) {
    let mut lines: Vec<Vec<u8>> = bytes.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
    lines.swap(a, b);
    *bytes = lines.join(&b'\n');
}

#[test]
fn random_mutations_of_the_real_specs_load_without_panicking() {
    let (op_path, op_text) = operation();
    let (service_path, service_text) = service();
    let mut rng = Lcg(0x5eed);
    for _ in 0..400 {
        let garbled_op = mutate(&op_text, &mut rng);
        let garbled_service = mutate(&service_text, &mut rng);
        let service = SourceFile { path: service_path.clone(), text: garbled_service.clone() };
        let op = SourceFile { path: op_path.clone(), text: garbled_op.clone() };
        assert_positioned(load_sources(service, vec![op]), &format!("{garbled_service}\n---\n{garbled_op}"));
        assert_positioned(load_operation_str(&op_path, &garbled_op), &garbled_op);
    }
}

#[test]
fn pathological_inputs_are_reported() {
    let deep_flow = format!("name: {}{}", "[".repeat(200), "]".repeat(200));
    let deep_block: String = (0..100).map(|depth| format!("{}- \n", "  ".repeat(depth))).collect();
    let inputs = [
        "",
        "\u{feff}",
        "---",
        "---\n---\n",
        "...",
        "~",
        "- a\n- b\n",
        "name",
        "name: [",
        "name: {a: }",
        "? [a, b]\n: c\n",
        "[a]: b\n",
        "\tname: Op\n",
        "name: Op\nname: Op\nname: Op\n",
        "name: \"unterminated\n",
        "name: 'x'\u{0}\n",
        "%YAML 1.2\n---\nname: Op\n",
        "%TAG ! tag:example.com,2000:\n---\nname: !x Op\n",
        "name: &a [*a]\n",
        "name: *nowhere\n",
        "parameters: [{name: A, type: list, items: {type: list, items: {type: list}}}]\n",
        "parameters:\n  - name: A\n    type: enum\n    values: [{}, [], ~]\n",
        &deep_flow,
        &deep_block,
    ];
    let path = Path::new("Op.yaml");
    for input in inputs {
        let result = load_operation_str(path, input);
        assert!(result.is_err(), "accepted:\n{input}");
        assert_positioned(result, input);
        assert_positioned(load_service_str(Path::new("service.yaml"), input), input);
    }
}
