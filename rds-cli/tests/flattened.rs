//! Parameters sent flattened (objects, lists of objects) and comma-joined lists, given as aliyun CLI users write
//! them, checked on the wire with `--dryrun`: the same parameters as the SDK sends, and every refusal with exit
//! code 2 and nothing sent.

mod common;

use std::collections::BTreeMap;
use std::time::SystemTime;

use common::{rds, Emu, Run};
use rds_api::add_tags_to_resource::TagItem;
use rds_api::{AddTagsToResourceRequest, Client, Credentials};
use rds_emulator::demo;
use serde_json::Value;

/// The dry run's query without the parameters every request has (its nonce, time, signature and so on).
fn own_params(run: &Run) -> BTreeMap<String, String> {
    let common = [
        "AccessKeyId",
        "Action",
        "Format",
        "RegionId",
        "Signature",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureVersion",
        "Timestamp",
        "Version",
    ];
    let answer: Value = run.json();
    answer["Query"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !common.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// `rds <args> --dryrun` against the emulator, which must receive nothing.
fn dryrun(emu: &Emu, action: &str, args: &[&str]) -> Run {
    let mut all = vec![action];
    all.extend(args);
    all.push("--dryrun");
    let run = emu.rds(&all);
    assert_eq!(emu.requests(action), 0, "a dry run sends nothing: {run:#?}");
    run
}

/// A refusal: exit code 2, every `expected` text on stderr, nothing on stdout and nothing sent (not a dry run).
fn refused(emu: &Emu, action: &str, args: &[&str], expected: &[&str]) {
    let mut all = vec![action];
    all.extend(args);
    let run = emu.rds(&all).expect(2);
    for text in expected {
        assert!(run.stderr.contains(text), "{text:?} in {}", run.stderr);
    }
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert_eq!(emu.requests(action), 0, "{run:#?}");
}

const TAG_ARGS: [&str; 4] = ["--DBInstanceId", demo::DESTINATION, "--RegionId", "cn-hangzhou"];

#[test]
fn add_tags_by_dotted_arguments_and_by_json_send_the_lower_case_wire_names() {
    let emu = Emu::demo();
    let want = map(&[
        ("DBInstanceId", demo::DESTINATION),
        ("Tag.1.key", "env"),
        ("Tag.1.value", "prod"),
        ("Tag.2.key", "team"),
        ("Tag.2.value", "db"),
    ]);

    // Field by field, as AddTagsToResource names its fields; kebab-case names work as for any parameter.
    let dotted = ["--Tag.1.key", "env", "--Tag.1.value=prod", "--tag.2.key", "team", "--tag.2.value", "db"];
    let run = dryrun(&emu, "AddTagsToResource", &[&TAG_ARGS[..], &dotted].concat()).expect(0);
    assert_eq!(own_params(&run), want);

    // Whole as JSON, and from a file.
    let json = r#"[{"key":"env","value":"prod"},{"key":"team","value":"db"}]"#;
    let run = dryrun(&emu, "AddTagsToResource", &[&TAG_ARGS[..], &["--Tag", json]].concat()).expect(0);
    let answer = run.json();
    assert_eq!(own_params(&run), want);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tags.json");
    std::fs::write(&path, json).unwrap();
    let file = format!("file://{}", path.display());
    let run = dryrun(&emu, "AddTagsToResource", &[&TAG_ARGS[..], &["--tag", &file]].concat()).expect(0);
    assert_eq!(own_params(&run), want);

    // Exactly what rds-api signs for the typed request, with the same nonce and time.
    let query: BTreeMap<String, String> =
        answer["Query"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect();
    let client = Client::builder()
        .endpoint(emu.endpoint())
        .credentials(Credentials::new(demo::ACCESS_KEY_ID, demo::ACCESS_KEY_SECRET))
        .build()
        .unwrap();
    let tag = |key: &str, value: &str| TagItem { key: Some(key.into()), value: Some(value.into()) };
    let request = AddTagsToResourceRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .region_id("cn-hangzhou")
        .tag([tag("env", "prod"), tag("team", "db")])
        .build()
        .unwrap();
    let time: SystemTime = humantime::parse_rfc3339(&query["Timestamp"]).unwrap();
    let prepared = client.prepare_at(&request, &query["SignatureNonce"], time).unwrap();
    assert_eq!(&query, prepared.query());
    assert_eq!(answer["Url"], prepared.url());
}

#[test]
fn create_db_instance_takes_its_tags_as_json() {
    let emu = Emu::demo();
    let args = [
        "--RegionId",
        "cn-hangzhou",
        "--Engine",
        "MySQL",
        "--EngineVersion",
        "8.0",
        "--DBInstanceClass",
        "mysql.n2.medium.1",
        "--DBInstanceStorage",
        "20",
        "--DBInstanceNetType",
        "Intranet",
        "--PayType",
        "Postpaid",
        "--SecurityIPList",
        "10.0.0.0/8",
        "--Tag",
        r#"[{"Key":"env","Value":"prod"},{"Key":"cost-center","Value":42}]"#,
    ];
    let run = dryrun(&emu, "CreateDBInstance", &args).expect(0);
    let params = own_params(&run);
    let tags: BTreeMap<&str, &str> =
        params.iter().filter(|(k, _)| k.starts_with("Tag.")).map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // A number is sent as its JSON text.
    let want = [("Tag.1.Key", "env"), ("Tag.1.Value", "prod"), ("Tag.2.Key", "cost-center"), ("Tag.2.Value", "42")];
    assert_eq!(tags, want.into_iter().collect());
}

#[test]
fn a_comma_joined_list_is_one_parameter_given_joined_or_as_json() {
    let emu = Emu::demo();
    let want = map(&[("InstanceIds", "rc-1,rc-2"), ("Password", "***")]);
    let secret = "Sup3r-secret!";
    for ids in ["rc-1,rc-2", r#"["rc-1","rc-2"]"#] {
        let run = dryrun(&emu, "AttachRCInstances", &["--InstanceIds", ids, "--Password", secret]).expect(0);
        // The password is sent but never shown.
        assert_eq!(own_params(&run), want, "{ids}");
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "{run:#?}");
    }
    let run = dryrun(&emu, "attach-rc-instances", &["--instance-ids", "rc-9"]).expect(0);
    assert_eq!(own_params(&run), map(&[("InstanceIds", "rc-9")]));

    // Item by item is how a flattened list is given, not this one.
    refused(
        &emu,
        "AttachRCInstances",
        &["--InstanceIds.1", "rc-1", "--InstanceIds.2", "rc-2"],
        &["--InstanceIds.1: InstanceIds is a list<string> sent as one parameter, comma-joined: give --InstanceIds \
           a,b or --InstanceIds '[\"a\",\"b\"]'"],
    );
    // An item holding the separator would become two on the service's side.
    refused(
        &emu,
        "AttachRCInstances",
        &["--InstanceIds", r#"["rc-1,rc-2"]"#],
        &["InstanceIds: item 1 contains the separator \",\""],
    );
}

#[test]
fn a_flattened_object_field_by_field_or_whole() {
    let emu = Emu::demo();
    let want =
        map(&[("EventPublishTime.End", "2026-02-01T00:00:00Z"), ("EventPublishTime.Start", "2026-01-01T00:00:00Z")]);
    let fields = [
        "--RegionId",
        "cn-hangzhou",
        "--EventPublishTime.Start",
        "2026-01-01T00:00:00Z",
        "--event-publish-time.end",
        "2026-02-01T00:00:00Z",
    ];
    let run = dryrun(&emu, "DescribeRCInstanceHistoryEvents", &fields).expect(0);
    assert_eq!(own_params(&run), want);
    let whole = [
        "--RegionId",
        "cn-hangzhou",
        "--EventPublishTime",
        r#"{"Start":"2026-01-01T00:00:00Z","End":"2026-02-01T00:00:00Z"}"#,
    ];
    let run = dryrun(&emu, "DescribeRCInstanceHistoryEvents", &whole).expect(0);
    assert_eq!(own_params(&run), want);
}

#[test]
fn wrong_names_and_shapes_are_refused_by_wire_name_and_nothing_is_sent() {
    let emu = Emu::demo();
    let tag = |extra: &[&'static str]| -> Vec<&'static str> { [&TAG_ARGS[..], extra].concat() };
    // Bad indices, and this operation's own (lower-case) field names.
    refused(
        &emu,
        "AddTagsToResource",
        &tag(&["--Tag.0.key", "a", "--tag.x.key", "b", "--Tag.1.Key", "c", "--Tag.1.key.2", "d"]),
        &[
            "4 problems",
            "--Tag.0.key: Tag is a list<object TagItem>; its items are given as --Tag.N.key <string>, --Tag.N.value \
             <string> (N from 1)",
            // Named as typed, kebab-case too.
            "\n  --tag.x.key: Tag is a list<object TagItem>",
            "--Tag.1.Key: Tag.1 has no field \"Key\" (its fields: key, value); did you mean --Tag.1.key?",
            "--Tag.1.key.2: Tag.1.key is a string; nothing is below it",
        ],
    );
    // JSON of the wrong shape, each mistake by its wire name.
    refused(
        &emu,
        "AddTagsToResource",
        &tag(&["--Tag", r#"[{"Key":"env"},"team",{"key":null},{}]"#]),
        &[
            "Tag.1: has no field \"Key\" (its fields: key, value); did you mean \"key\"?",
            "Tag.2: must be a JSON object (object TagItem, fields key, value), not a string",
            "Tag.3.key: is null; leave it out instead",
            "Tag.4: is an empty object",
        ],
    );
    refused(
        &emu,
        "AddTagsToResource",
        &tag(&["--Tag", r#"{"key":"env"}"#]),
        &["Tag: must be a JSON array (list<object TagItem>), not an object"],
    );
    refused(
        &emu,
        "AddTagsToResource",
        &tag(&["--Tag", "env=prod"]),
        &[
            "Tag: is not JSON (",
            "a list<object TagItem> is given as --Tag.N.key <string>, --Tag.N.value <string>, or whole as JSON",
        ],
    );
    refused(
        &emu,
        "DescribeRCInstanceHistoryEvents",
        &["--RegionId", "r", "--EventPublishTime", "[]"],
        &["EventPublishTime: must be a JSON object (object EventPublishTime, fields End, Start), not an array"],
    );
    // Given twice, once by field and once whole.
    refused(
        &emu,
        "AddTagsToResource",
        &tag(&["--Tag.1.key", "a", "--Tag", r#"[{"key":"b"}]"#]),
        &["Tag.1.key: is given more than once"],
    );
}

#[test]
fn help_shows_how_each_is_given() {
    let help = rds(&["AddTagsToResource", "--help"]).expect(0).stdout;
    assert!(help.contains("  --Tag <list<object TagItem>>  (--tag) optional\n"), "{help}");
    assert!(help.contains("      flattened: --Tag.N.key <string>, --Tag.N.value <string> (N = 1, 2, …)\n"), "{help}");
    assert!(help.contains(r#"      or whole as JSON: --Tag '[{"key":"…","value":"…"}]', or file://<path>"#), "{help}");
    let help = rds(&["AttachRCInstances", "--help"]).expect(0).stdout;
    assert!(
        help.contains(
            r#"comma-joined, sent as one parameter: --InstanceIds a,b, or as JSON: --InstanceIds '["a","b"]'"#
        ),
        "{help}"
    );
    let help = rds(&["DescribeRCInstanceHistoryEvents", "--help"]).expect(0).stdout;
    assert!(help.contains("flattened: --EventPublishTime.End <string>, --EventPublishTime.Start <string>\n"), "{help}");
}
