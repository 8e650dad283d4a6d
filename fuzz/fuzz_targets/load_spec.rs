//! The spec loader never panics, and places every problem in the file (line and column from 1), whatever the
//! text: as an operation, as a service, and as both files of a spec set. The unbounded twin of
//! `codegen/tests/proptest_loader.rs`. Seed the corpus with `api-specs/` (see README.md).
#![no_main]

use std::path::Path;

use codegen::diagnostic::Diagnostics;
use codegen::load::{load_operation_str, load_service_str, load_sources, SourceFile};
use libfuzzer_sys::fuzz_target;

fn check<T>(result: Result<T, Diagnostics>) {
    if let Err(diagnostics) = result {
        assert!(!diagnostics.is_empty(), "an error without diagnostics");
        for d in &diagnostics.0 {
            assert!(d.span.line >= 1 && d.span.column >= 1, "not placed in the file: {d}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check(load_operation_str(Path::new("operations/Op.yaml"), text));
    check(load_service_str(Path::new("service.yaml"), text));
    // A service and an operation in one input, split at the first document end marker.
    let (service, operation) = text.split_once("\n...\n").unwrap_or((text, text));
    check(load_sources(
        SourceFile { path: "service.yaml".into(), text: service.to_owned() },
        vec![SourceFile { path: "operations/Op.yaml".into(), text: operation.to_owned() }],
    ));
});
