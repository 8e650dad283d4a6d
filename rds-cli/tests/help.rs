//! Help from the specs, checked against the spec file itself; shell completion; the general help.

mod common;

use common::rds;
use serde_yaml::Value;

#[test]
fn the_help_of_an_operation_shows_its_spec() {
    let spec_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../api-specs/operations/ImportDatabaseBetweenInstances.yaml");
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(spec_path).unwrap()).unwrap();
    let run = rds(&["ImportDatabaseBetweenInstances", "--help"]).expect(0);
    let help = run.stdout.clone();
    assert_eq!(rds(&["help", "import-database-between-instances"]).expect(0).stdout, help);

    assert!(help.starts_with(&format!(
        "ImportDatabaseBetweenInstances (import-database-between-instances): {}",
        spec["summary"].as_str().unwrap()
    )));
    let note = spec["deprecated"]["note"].as_str().unwrap();
    assert!(help.contains(&format!("DEPRECATED: {note}")), "{help}");
    assert!(help.contains("Method: POST, not idempotent"), "{help}");

    let params = spec["parameters"].as_sequence().unwrap();
    for p in params {
        let name = p["name"].as_str().unwrap();
        let required = p["required"].as_bool().unwrap_or(false);
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("--{name} <")))
            .unwrap_or_else(|| panic!("{name}: {help}"));
        assert!(line.ends_with(if required { "required" } else { "optional" }), "{line}");
        let ty = p["type"].as_str().unwrap();
        assert!(line.contains(&format!("<{ty}")), "{line}");
        // The parameter's block: its description, constraints and example.
        let block: String = help.split(line).nth(1).unwrap().split("\n  --").next().unwrap().to_owned();
        if let Some(description) = p["description"].as_str() {
            assert!(block.contains(description.trim()), "{name}: {block}");
        }
        if let Some(example) = p["example"].as_str() {
            assert!(block.contains(&format!("example: {example}")), "{name}: {block}");
        }
        if let Some(n) = p["min_length"].as_u64() {
            assert!(block.contains(&format!("min length {n}")), "{name}: {block}");
        }
        if let Some(n) = p["max_length"].as_u64() {
            assert!(block.contains(&format!("max length {n}")), "{name}: {block}");
        }
    }
    assert!(help.contains("DBInstanceId and SourceDBInstanceId must differ"), "{help}");
    // Plus the parameters of the groups it includes (service.yaml's `parameter_groups`).
    let service_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../api-specs/service.yaml");
    let service: Value = serde_yaml::from_str(&std::fs::read_to_string(service_path).unwrap()).unwrap();
    let included: usize = spec["include"]
        .as_sequence()
        .into_iter()
        .flatten()
        .map(|name| {
            let groups = service["parameter_groups"].as_sequence().unwrap();
            let group = groups.iter().find(|g| g["name"] == *name).unwrap();
            group["parameters"].as_sequence().unwrap().len()
        })
        .sum();
    assert!(included > 0, "ImportDatabaseBetweenInstances includes the caller group");
    assert_eq!(help.matches("\n  --").count(), params.len() + included, "one entry per parameter: {help}");
}

#[test]
fn general_help_lists_every_action() {
    let run = rds(&["help"]).expect(0);
    for action in rds_api::ACTIONS {
        assert!(run.stdout.contains(&format!("  {action} ")), "{action}: {}", run.stdout);
    }
    assert_eq!(rds(&["--help"]).expect(0).stdout, run.stdout);
    assert_eq!(rds(&[]).expect(0).stdout, run.stdout);
    assert!(rds(&["help", "migrate"]).expect(0).stdout.contains("--preflight-only"));
}

#[test]
fn completion_scripts_complete_actions_and_parameters() {
    for shell in ["bash", "zsh", "fish"] {
        let run = rds(&["completion", shell]).expect(0);
        assert!(run.stdout.contains("rds __complete"), "{shell}: {}", run.stdout);
    }
    rds(&["completion", "powershell"]).expect(2);

    // The bash script in a real bash, with this binary as `rds`.
    let has_bash = std::process::Command::new("bash").arg("-c").arg("true").status().is_ok_and(|s| s.success());
    if !has_bash {
        return;
    }
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_rds")).parent().unwrap().to_owned();
    let script = rds(&["completion", "bash"]).stdout;
    let complete = |words: &str, cword: usize| -> Vec<String> {
        let program =
            format!("{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; _rds; printf '%s\\n' \"${{COMPREPLY[@]}}\"");
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
        let out = std::process::Command::new("bash").arg("-c").arg(program).env("PATH", path).output().unwrap();
        String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
    };
    assert_eq!(
        complete("rds DescribeDBInstancesBy", 1),
        ["DescribeDBInstancesByExpireTime", "DescribeDBInstancesByPerformance"]
    );
    assert_eq!(complete("rds DescribeDBInstances --RegionId x --Page", 4), ["--PageNumber", "--PageSize"]);
    assert_eq!(complete("rds describe-databases --db-i", 2), ["--db-instance-id"]);
    // Below a parameter sent flattened: an item's fields, as the operation names them.
    assert_eq!(complete("rds AddTagsToResource --Tag.1.key a --Tag.", 4), ["--Tag.1", "--Tag.2"]);
    assert_eq!(complete("rds AddTagsToResource --Tag.2.", 2), ["--Tag.2.key", "--Tag.2.value"]);
    assert_eq!(
        complete("rds describe-rc-instance-history-events --event-publish-time.", 2),
        ["--event-publish-time.end", "--event-publish-time.start"]
    );
    assert!(complete("rds migrate --dest", 2).contains(&"--destination".to_owned()));
}
