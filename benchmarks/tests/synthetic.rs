//! Synthetic spec sets load cleanly, with exactly the operations asked for.

use std::fs;

use benchmarks::{real_specs_dir, write_synthetic_specs};

fn loads_with(operations: usize) {
    let dir = tempfile::tempdir().unwrap();
    write_synthetic_specs(&real_specs_dir(), dir.path(), operations).unwrap();
    let set = codegen::load::load_dir(dir.path()).unwrap_or_else(|d| panic!("{operations} operations: {d}"));
    assert_eq!(set.operations.len(), operations);
    assert_eq!(fs::read_dir(dir.path().join("operations")).unwrap().count(), operations);
    let real = codegen::load::load_dir(&real_specs_dir()).unwrap();
    assert_eq!(set.models.len(), real.models.len());
}

#[test]
fn one_hundred_operations_load() {
    loads_with(100);
}

#[test]
fn one_thousand_operations_load() {
    loads_with(1000);
}

#[test]
fn names_follow_the_index_and_a_smaller_set_replaces_a_larger_one() {
    let dir = tempfile::tempdir().unwrap();
    write_synthetic_specs(&real_specs_dir(), dir.path(), 20).unwrap();
    write_synthetic_specs(&real_specs_dir(), dir.path(), 7).unwrap();
    let set = codegen::load::load_dir(dir.path()).unwrap();
    let names: Vec<_> = set.operations.iter().map(|op| op.name.value.clone()).collect();
    assert_eq!(names.len(), 7);
    let real = codegen::load::load_dir(&real_specs_dir()).unwrap();
    // Copy i is named after real operation i (round robin) and its index.
    for (i, op) in real.operations.iter().take(7).enumerate() {
        assert!(names.contains(&format!("{}{i:04}", op.name.value)), "{names:?}");
    }
}

#[test]
fn the_whole_set_generates() {
    let dir = tempfile::tempdir().unwrap();
    write_synthetic_specs(&real_specs_dir(), dir.path(), 13).unwrap();
    let files = codegen::generate(dir.path(), &codegen::Settings::new()).unwrap_or_else(|e| panic!("{e}"));
    assert!(!files.is_empty());
}
