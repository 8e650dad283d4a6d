//! Credentials and region from `~/.aliyun/config.json` in a temporary HOME, as the aliyun CLI writes it.

mod common;

use common::{rds_in, Emu};
use rds_emulator::demo;

fn write_profiles(home: &std::path::Path) {
    let dir = home.join(".aliyun");
    std::fs::create_dir_all(&dir).unwrap();
    let config = serde_json::json!({
        "current": "default",
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "unknown-key", "access_key_secret": "x", "region_id": "cn-beijing"},
            {"name": "emu", "mode": "AK", "access_key_id": demo::ACCESS_KEY_ID, "access_key_secret": demo::ACCESS_KEY_SECRET, "region_id": demo::REGION},
            {"name": "sts", "mode": "StsToken", "access_key_id": demo::STS_ACCESS_KEY_ID, "access_key_secret": demo::STS_ACCESS_KEY_SECRET, "sts_token": demo::STS_SECURITY_TOKEN, "region_id": demo::REGION}
        ]
    });
    std::fs::write(dir.join("config.json"), config.to_string()).unwrap();
}

fn ids(run: &common::Run) -> Vec<String> {
    run.json()["Items"]["DBInstance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["DBInstanceId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_machine_set_up_for_the_aliyun_cli_works_unchanged() {
    let emu = Emu::demo();
    let home = tempfile::tempdir().unwrap();
    write_profiles(home.path());
    let endpoint = emu.endpoint();

    // --profile: its keys, and its region as RegionId (none given on the command line).
    let run = rds_in(home.path(), &[], &["DescribeDBInstances", "--profile", "emu", "--endpoint", &endpoint]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(ids(&run).contains(&demo::SOURCE.to_owned()));

    // ALIBABA_CLOUD_PROFILE picks it as well; STS profiles carry their token.
    for profile in ["emu", "sts"] {
        let run = rds_in(
            home.path(),
            &[("ALIBABA_CLOUD_PROFILE", profile)],
            &["DescribeDBInstances", "--endpoint", &endpoint],
        );
        assert_eq!(run.code, 0, "{profile}: {run:#?}");
    }

    // The file's current profile has a key the service does not know.
    let run = rds_in(home.path(), &[], &["DescribeDBInstances", "--endpoint", &endpoint]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stderr.contains("InvalidAccessKeyId"), "{}", run.stderr);

    // The environment's keys come before the file's current profile, as in the SDK's chain…
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", demo::ACCESS_KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", demo::ACCESS_KEY_SECRET),
    ];
    let run = rds_in(home.path(), &env, &["DescribeDBInstances", "--RegionId", demo::REGION, "--endpoint", &endpoint]);
    assert_eq!(run.code, 0, "{run:#?}");
    // …and an explicit --profile comes before the environment.
    let env = [("ALIBABA_CLOUD_ACCESS_KEY_ID", "unknown"), ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "unknown")];
    let run = rds_in(home.path(), &env, &["DescribeDBInstances", "--profile", "emu", "--endpoint", &endpoint]);
    assert_eq!(run.code, 0, "{run:#?}");

    // --region wins over the profile's region; a profile that does not exist is named.
    let run = rds_in(
        home.path(),
        &[],
        &["DescribeDBInstances", "--profile", "emu", "--region", "cn-shanghai", "--endpoint", &endpoint, "--dryrun"],
    );
    assert_eq!(run.json()["Query"]["RegionId"], "cn-shanghai");
    let run = rds_in(
        home.path(),
        &[],
        &["DescribeDBInstances", "--RegionId", demo::REGION, "--profile", "nope", "--endpoint", &endpoint],
    );
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stderr.contains("profile \"nope\" not found"), "{}", run.stderr);
    assert!(!run.stderr.contains(demo::ACCESS_KEY_SECRET));
}
