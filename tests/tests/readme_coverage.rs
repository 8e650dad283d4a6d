//! The README's coverage line states what the code holds: the number of operations, of current and withdrawn
//! ones, and how many the emulator emulates.

use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap()
}

#[test]
fn the_coverage_line_counts_what_is_generated_and_emulated() {
    let readme = readme();
    let line = readme.lines().find(|l| l.starts_with("**Coverage:**")).expect("a coverage line");
    let total = rds_api::ACTIONS.len();
    assert!(line.contains(&format!("**Coverage:** {total} operations")), "{line}");

    let specs = codegen::load::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../api-specs")).unwrap();
    let withdrawn = specs.operations.iter().filter(|op| op.deprecated.is_some()).count();
    let paragraph = readme.split("**Coverage:**").nth(1).unwrap().split("\n\n").next().unwrap().replace('\n', " ");
    assert!(paragraph.contains(&format!("all {} of the current", total - withdrawn)), "{paragraph}");
    assert!(paragraph.contains(&format!("and {withdrawn} withdrawn ones")), "{paragraph}");

    let emulated = rds_emulator::emulated_actions();
    assert!(paragraph.contains(&format!("{} of them emulated", emulated.len())), "{paragraph}");
    for action in &emulated {
        assert!(rds_api::ACTIONS.contains(action), "{action} is emulated but has no spec");
    }
}
