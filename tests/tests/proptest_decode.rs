//! Property: decoding an answer never panics, whatever the body. Every generated response type (rds-api's
//! and the fixture service's) meets arbitrary bytes, arbitrary JSON whose keys and strings come from the
//! type's own wire names (so decoding gets deep), and real answers with one part replaced by anything.
//! Decoding may fail, but only with an error.
//!
//! The same check runs unbounded as the cargo-fuzz target `decode_response` (see `fuzz/README.md`).

mod seeded;

use std::sync::OnceLock;

use integration_tests::fixture_api::{CreateWidgetResponse, DescribeWidgetsResponse, PingResponse};
use proptest::prelude::*;
use rds_api::runtime::de;
use rds_api::{
    CancelImportResponse, DescribeDatabasesResponse, DescribeDbInstanceAttributeResponse, DescribeDbInstancesResponse,
    DescribeResourceUsageResponse, ImportDatabaseBetweenInstancesResponse,
};
use serde_json::{json, Map, Value};

/// The generated code whose string literals (wire names, enum values) make the vocabulary.
const GENERATED: [&str; 9] = [
    include_str!("../../rds-api/src/generated/cancel_import.rs"),
    include_str!("../../rds-api/src/generated/describe_databases.rs"),
    include_str!("../../rds-api/src/generated/describe_db_instance_attribute.rs"),
    include_str!("../../rds-api/src/generated/describe_db_instances.rs"),
    include_str!("../../rds-api/src/generated/describe_resource_usage.rs"),
    include_str!("../../rds-api/src/generated/import_database_between_instances.rs"),
    include_str!("../src/fixture_api/create_widget.rs"),
    include_str!("../src/fixture_api/describe_widgets.rs"),
    include_str!("../src/fixture_api/ping.rs"),
];

/// Every `"Word"` literal of the generated code: wire names, enum values, codes.
fn vocabulary() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: Vec<String> = GENERATED
            .iter()
            .flat_map(|source| source.split('"').skip(1).step_by(2))
            .filter(|w| {
                w.len() <= 40
                    && w.starts_with(|c: char| c.is_ascii_alphabetic())
                    && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
            })
            .map(str::to_owned)
            .collect();
        words.sort();
        words.dedup();
        assert!(words.len() > 100, "the vocabulary was found: {words:?}");
        words
    })
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vocabulary().to_vec())
}

/// Scalars as the service sends them, and as it should not: numbers as strings, strings as numbers, huge
/// and negative numbers, fractions, booleans as text, empty strings, odd Unicode.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<i64>().prop_map(|n| Value::String(n.to_string())),
        any::<u64>().prop_map(|n| Value::String(n.to_string())),
        any::<f64>().prop_map(|f| Value::String(f.to_string())),
        prop::sample::select(vec!["", "true", "false", "True", "1", "0", "-1", " 7 ", "1e400", "null", "NaN"])
            .prop_map(|s| Value::String(s.to_owned())),
        word().prop_map(Value::String),
        any::<String>().prop_map(Value::String),
    ]
}

/// Any JSON, at most 4 deep, with keys mostly from the vocabulary.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![4 => word(), 1 => any::<String>()];
    scalar().prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..7)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Real answers of each operation (the shapes the emulator and the service send).
fn seeds() -> Vec<Value> {
    let attribute = json!({
        "DBInstanceId": "rm-demo-source", "Engine": "SQLServer", "EngineVersion": "2019_std_ha",
        "Category": "HighAvailability", "DBInstanceClass": "mssql.x4.medium.s2", "DBInstanceClassType": "d",
        "DBInstanceStatus": "Running", "LockMode": "Unlock", "LockReason": "", "DBInstanceStorage": 100,
        "DBInstanceDiskUsed": "8589934592", "DBInstanceType": "Primary", "RegionId": "cn-hangzhou",
        "ZoneId": "cn-hangzhou-h", "CreationTime": "2024-01-01T00:00:00Z", "DBInstanceCPU": "4",
        "DBInstanceMemory": 8192, "ReadOnlyDBInstanceIds": {"ReadOnlyDBInstanceId": [{"DBInstanceId": "rr-1"}]},
        "SlaveZones": {"SlaveZone": [{"ZoneId": "cn-hangzhou-i"}]}
    });
    vec![
        json!({"RequestId": "R1", "Items": {"DBInstanceAttribute": [attribute]}}),
        json!({"RequestId": "R2", "TotalRecordCount": 12, "PageNumber": 1, "PageRecordCount": 2, "NextToken": "t",
               "Items": {"DBInstance": [{"DBInstanceId": "rm-1", "Engine": "SQLServer", "DBInstanceStatus": "Running",
                                         "ReadOnlyDBInstanceIds": {"ReadOnlyDBInstanceId": []}, "MutriORsignle": false}]}}),
        json!({"RequestId": "R3", "Databases": {"Database": [{"DBName": "sales", "DBStatus": "Running",
               "Engine": "SQLServer", "DBInstanceId": "rm-1", "CharacterSetName": "Chinese_PRC_CI_AS",
               "PageNumber": 1, "PageSize": 30, "TotalCount": 1,
               "Accounts": {"AccountPrivilegeInfo": [{"Account": "a", "AccountPrivilege": "ReadWrite"}]}}]}}),
        json!({"RequestId": "R4", "DBInstanceId": "rm-1", "Engine": "SQLServer", "DiskUsed": 8589934592_u64,
               "DataSize": "5368709120", "LogSize": 3221225472_u64, "BackupSize": 0}),
        json!({"RequestId": "R5", "ImportId": "10001"}),
        json!({"RequestId": "R6"}),
    ]
}

/// `value` with the part reached by following `path` (each step picks a child, modulo their number)
/// replaced by `replacement`.
fn mutate(mut value: Value, path: &[usize], replacement: Value) -> Value {
    replace_at(&mut value, path, replacement);
    value
}

fn replace_at(value: &mut Value, path: &[usize], replacement: Value) {
    match (path.split_first(), value) {
        (Some((step, rest)), Value::Array(items)) if !items.is_empty() => {
            let n = items.len();
            replace_at(&mut items[step % n], rest, replacement);
        }
        (Some((step, rest)), Value::Object(fields)) if !fields.is_empty() => {
            let n = fields.len();
            replace_at(fields.values_mut().nth(step % n).expect("in range"), rest, replacement);
        }
        (_, here) => *here = replacement,
    }
}

/// Decodes `bytes` into every response type; the result does not matter, a panic fails the test.
fn decode_all(bytes: &[u8]) {
    let _ = de::from_slice::<DescribeDbInstanceAttributeResponse>(bytes);
    let _ = de::from_slice::<DescribeDbInstancesResponse>(bytes);
    let _ = de::from_slice::<DescribeDatabasesResponse>(bytes);
    let _ = de::from_slice::<DescribeResourceUsageResponse>(bytes);
    let _ = de::from_slice::<ImportDatabaseBetweenInstancesResponse>(bytes);
    let _ = de::from_slice::<CancelImportResponse>(bytes);
    let _ = de::from_slice::<CreateWidgetResponse>(bytes);
    let _ = de::from_slice::<DescribeWidgetsResponse>(bytes);
    let _ = de::from_slice::<PingResponse>(bytes);
}

/// Decodes `value`'s text into every response type, compact and pretty-printed.
fn decode_value(value: &Value) {
    decode_all(&serde_json::to_vec(value).expect("a Value always serializes"));
    decode_all(&serde_json::to_vec_pretty(value).expect("a Value always serializes"));
}

/// Decodes a JSON value's text into `T`.
fn from_value<T: de::Decode>(value: Value) -> Result<T, de::DecodeError> {
    de::from_slice(&serde_json::to_vec(&value).expect("a Value always serializes"))
}

#[test]
fn the_seeds_decode() {
    let seeds = seeds();
    let attribute: DescribeDbInstanceAttributeResponse = from_value(seeds[0].clone()).unwrap();
    assert_eq!(attribute.instances[0].db_instance_id, "rm-demo-source");
    from_value::<DescribeDbInstancesResponse>(seeds[1].clone()).unwrap();
    let databases: DescribeDatabasesResponse = from_value(seeds[2].clone()).unwrap();
    assert_eq!(databases.databases[0].db_name, "sales");
    from_value::<DescribeResourceUsageResponse>(seeds[3].clone()).unwrap();
    let import: ImportDatabaseBetweenInstancesResponse = from_value(seeds[4].clone()).unwrap();
    assert_eq!(import.import_id, "10001");
    from_value::<CancelImportResponse>(seeds[5].clone()).unwrap();
}

proptest! {
    #![proptest_config(seeded::config(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        decode_value(&value);
    }

    #[test]
    fn damaged_real_answers_never_panic(
        seed in 0..6usize,
        path in prop::collection::vec(any::<usize>(), 0..6),
        replacement in json_value(),
    ) {
        decode_value(&mutate(seeds()[seed].clone(), &path, replacement));
    }

    #[test]
    fn truncated_real_answers_never_panic(seed in 0..6usize, cut in any::<prop::sample::Index>()) {
        let text = serde_json::to_vec(&seeds()[seed]).unwrap();
        decode_all(&text[..cut.index(text.len() + 1)]);
    }
}
