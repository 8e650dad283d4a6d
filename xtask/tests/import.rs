//! `cargo xtask import`: the repository's specs are what import writes and agree with the metadata (the
//! check CI relies on), and import's promises hold in a copy of `api-specs/`: it never touches a curated
//! file, running it twice changes nothing, and the list of deliberate differences must stay honest.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::import::{self, MARKER};

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace root").join("api-specs")
}

/// `cargo xtask import --check` on the repository: no stale imported file, no drift but the listed one.
#[test]
fn import_check_passes_on_the_repository() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask")).args(["import", "--check"]).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{report}");
    assert!(report.contains("0 stale, 0 unexpected"), "{report}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

fn copy_of_specs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&specs(), dir.path());
    dir
}

#[test]
fn import_rewrites_its_own_files_and_leaves_curated_ones_alone() {
    let dir = copy_of_specs();
    let ops = dir.path().join("operations");

    // Twice in a row: nothing to do.
    let report = import::import(dir.path()).unwrap();
    assert!(report.created.is_empty() && report.rewritten.is_empty() && report.removed.is_empty(), "{report}");
    assert_eq!(report.curated.len() + report.unchanged, 423, "{report}");

    // A curated file is never touched, even when it is far from the metadata.
    let curated = ops.join("DescribeResourceUsage.yaml");
    assert!(!import::is_imported(&fs::read_to_string(&curated).unwrap()));
    fs::write(&curated, "name: DescribeResourceUsage\nsummary: Mine.\nidempotent: true\n").unwrap();
    // An imported file edited by hand, and one deleted, are stale until import runs.
    let edited = ops.join("DescribeRegions.yaml");
    let original = fs::read_to_string(&edited).unwrap();
    assert!(original.lines().nth(1) == Some(MARKER));
    fs::write(&edited, original.replace("idempotent: true", "idempotent: false")).unwrap();
    fs::remove_file(ops.join("CreateAccount.yaml")).unwrap();

    let check = import::check(dir.path()).unwrap();
    assert!(!check.is_clean());
    let stale = check.stale.join("\n");
    assert!(stale.contains("DescribeRegions: the imported file differs"), "{check}");
    assert!(stale.contains("CreateAccount: no spec file"), "{check}");
    assert!(!stale.contains("DescribeResourceUsage"), "a curated file is never stale: {check}");

    let report = import::import(dir.path()).unwrap();
    assert_eq!(report.created, ["CreateAccount"]);
    assert_eq!(report.rewritten, ["DescribeRegions"]);
    assert_eq!(fs::read_to_string(&edited).unwrap(), original);
    assert_eq!(
        fs::read_to_string(&curated).unwrap(),
        "name: DescribeResourceUsage\nsummary: Mine.\nidempotent: true\n"
    );
}

#[test]
fn drift_fails_unless_listed_and_a_listed_line_must_still_occur() {
    let dir = copy_of_specs();
    let curated = dir.path().join("operations/DescribeDBInstanceAttribute.yaml");
    let text = fs::read_to_string(&curated).unwrap();
    // Drop the `Expired` parameter from the curated spec.
    let start = text.find("  - name: Expired\n").unwrap();
    let end = start + text[start + 1..].find("  - name:").unwrap() + 1;
    fs::write(&curated, format!("{}{}", &text[..start], &text[end..])).unwrap();

    let finding = "DescribeDBInstanceAttribute: parameter Expired: missing from the spec";
    let check = import::check(dir.path()).unwrap();
    assert_eq!(check.unexpected, [finding], "{check}");

    let list = dir.path().join(import::DELIBERATE);
    let listed = format!("{}\n# The test says so.\n{finding}\n", fs::read_to_string(&list).unwrap());
    fs::write(&list, listed).unwrap();
    assert!(import::check(dir.path()).unwrap().is_clean());

    // The spec gains the parameter back: the listed line is now a lie.
    fs::write(&curated, text).unwrap();
    let check = import::check(dir.path()).unwrap();
    assert_eq!(check.gone, [finding], "{check}");
    assert!(!check.is_clean());
}
