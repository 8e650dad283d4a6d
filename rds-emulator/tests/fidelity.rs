//! How closely the emulator answers like the real service: operations it does not emulate, parameters sent
//! twice, oversized requests, database names and DBInfo errors.

mod common;

use common::{demo_emulator, Raw};
use rds_emulator::demo;

#[tokio::test]
async fn a_real_operation_that_is_not_emulated_is_told_apart_from_a_misspelt_one() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    // A current operation of the real API, with valid parameters.
    let answer = Raw::new("DescribeDBInstanceNetInfo").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (400, "UnsupportedOperation"), "{:?}", answer.body);
    assert!(answer.message().contains("DescribeDBInstanceNetInfo") && answer.message().contains("does not emulate"));
    assert!(answer.header("x-acs-request-id").is_some());

    // The same operation is validated by the generated server code first: a missing or invalid parameter is
    // answered as the service answers it.
    let answer = Raw::new("DescribeDBInstanceNetInfo").send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (400, "MissingParameter"), "{:?}", answer.body);
    assert!(answer.message().contains("\"DBInstanceId\""), "{}", answer.message());
    let answer =
        Raw::new("DescribeBackups").param("DBInstanceId", demo::SOURCE).param("PageSize", "5").send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (400, "InvalidParameter"), "{:?}", answer.body);
    assert!(answer.message().contains("PageSize"), "{}", answer.message());
    assert_eq!(emulator.processed("DescribeBackups"), 0);

    // A withdrawn one.
    let answer = Raw::new("DescribeImportsForSQLServer")
        .param("DBInstanceId", demo::SOURCE)
        .param("StartTime", "2024-01-01T00:00Z")
        .param("EndTime", "2024-01-02T00:00Z")
        .send(&endpoint)
        .await;
    assert_eq!(answer.code(), "UnsupportedOperation", "{:?}", answer.body);
    assert!(answer.message().contains("DescribeImportsForSQLServer") && answer.message().contains("withdrawn"));

    // A misspelt one.
    let answer = Raw::new("CreateDatabse").send(&endpoint).await;
    assert_eq!((answer.status, answer.code()), (404, "InvalidApi.NotFound"));
}

#[tokio::test]
async fn a_parameter_in_both_query_and_body_is_signed_and_read_with_the_body_value() {
    let emulator = demo_emulator().await;
    // Signed as both official SDKs sign it: query and body merged, the body's value winning.
    let answer = Raw::new("DescribeDatabases")
        .query_and_body_param("DBInstanceId", demo::SOURCE, demo::DESTINATION)
        .send(&emulator.endpoint())
        .await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let databases = answer.body["Databases"]["Database"].as_array().unwrap();
    assert_eq!(databases.len(), 1, "{databases:?}");
    assert_eq!(
        (databases[0]["DBInstanceId"].as_str(), databases[0]["DBName"].as_str()),
        (Some(demo::DESTINATION), Some("archive"))
    );

    // A request signed with the query's value instead does not verify.
    let mut query_wins = Raw::new("DescribeDatabases").param("DBInstanceId", demo::DESTINATION);
    let signed_with_query_value = query_wins.clone().param("DBInstanceId", demo::SOURCE).string_to_sign();
    query_wins = query_wins.query_and_body_param("DBInstanceId", demo::SOURCE, demo::DESTINATION);
    query_wins.forced_signature = Some(rds_api::signing::sign(demo::ACCESS_KEY_SECRET, &signed_with_query_value));
    assert_eq!(query_wins.send(&emulator.endpoint()).await.code(), "SignatureDoesNotMatch");
}

/// Sends `request` as it is on a fresh connection and reads the whole answer (the emulator closes after it).
async fn exchange(endpoint: &str, request: &[u8]) -> (u16, String, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(endpoint.trim_start_matches("http://")).await.unwrap();
    // The server may answer and close before reading everything: a failed write is not the test's concern.
    let _ = stream.write_all(request).await;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the connection was not closed after the answer");
    let text = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {text:?}"));
    let status = head[9..12].parse().unwrap();
    let body = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, head.to_ascii_lowercase(), body)
}

#[tokio::test]
async fn oversized_and_broken_requests_get_the_service_error_shape() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let long_query = |bytes: usize| {
        format!("POST /?Action=DescribeDatabases&Padding={} HTTP/1.1\r\nHost: rds\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", "a".repeat(bytes))
    };

    for (size, status) in [(70 << 10, 414), (600 << 10, 431)] {
        let (got, head, body) = exchange(&endpoint, long_query(size).as_bytes()).await;
        assert_eq!(got, status, "{head}");
        assert!(head.contains("content-type: application/json"), "{head}");
        assert_eq!(body["Code"], "InvalidParameter");
        let request_id = body["RequestId"].as_str().unwrap();
        assert!(head.contains(&format!("x-acs-request-id: {}", request_id.to_ascii_lowercase())), "{head}");
        assert!(body["Message"].as_str().unwrap().contains("65534 bytes"), "{body}");
        assert_eq!(body["HostId"], "rds.aliyuncs.com");
    }

    // Just under the limit, the request reaches the emulator (and is refused for what it is: unsigned).
    let (status, _, body) = exchange(&endpoint, long_query(60 << 10).as_bytes()).await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("MissingVersion")));

    let (status, head, body) = exchange(&endpoint, b"NOT HTTP AT ALL\r\n\r\n").await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("InvalidParameter")), "{head}");

    // The emulator still serves.
    let answer = Raw::new("DescribeDatabases").param("DBInstanceId", demo::SOURCE).send(&endpoint).await;
    assert_eq!(answer.status, 200);
}

const IMPORT: &str = "ImportDatabaseBetweenInstances";

/// An import into the demo destination from the demo source with this `DBInfo`, as sent on the wire.
async fn import_with(endpoint: &str, db_info: &str) -> common::RawAnswer {
    Raw::new(IMPORT)
        .param("DBInstanceId", demo::DESTINATION)
        .param("SourceDBInstanceId", demo::SOURCE)
        .param("DBInfo", db_info)
        .send(endpoint)
        .await
}

#[tokio::test]
async fn destination_database_names_follow_the_naming_rules() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();
    let long = "d".repeat(100);
    for (name, why) in [
        ("tab\there", "contains '\\t'"),
        ("quote\"d", "contains '\"'"),
        ("sp ace", "contains ' '"),
        (long.as_str(), "100 characters"),
        ("x", "1 characters"),
        ("9lives", "start with a letter"),
        ("trailing_", "end with a letter or a digit"),
        ("MSDB", "system database"),
        ("数据库", "contains '数'"),
    ] {
        let db_info = serde_json::json!({ "DBNames": { "sales": name } }).to_string();
        let answer = import_with(&endpoint, &db_info).await;
        assert_eq!((answer.status, answer.code()), (400, "InvalidDBName.Format"), "{name:?}: {:?}", answer.body);
        assert!(answer.message().contains(why), "{name:?}: {}", answer.message());
    }
    assert!(emulator.state().imports.is_empty());
    // Capitals, digits, underscores and hyphens are fine.
    let answer = import_with(&endpoint, r#"{"DBNames":{"sales":"Sales-2024_copy"}}"#).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}

#[tokio::test]
async fn database_names_compare_as_the_instance_collation_does() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    // The demo instances use Chinese_PRC_CI_AS, which ignores case.
    let answer = import_with(&endpoint, r#"{"DBNames":{"sales":"ARCHIVE"}}"#).await;
    assert_eq!((answer.status, answer.code()), (400, "InvalidDBName.Duplicate"), "{:?}", answer.body);
    let answer = import_with(&endpoint, r#"{"DBNames":{"sales":"copy_a","inventory":"COPY_A"}}"#).await;
    assert_eq!((answer.status, answer.code()), (400, "InvalidParameter"), "{:?}", answer.body);
    assert!(answer.message().contains("COPY_A"), "{}", answer.message());
    let listed = Raw::new("DescribeDatabases").param("DBInstanceId", demo::SOURCE).param("DBName", "SALES");
    let listed = listed.send(&endpoint).await;
    assert_eq!(listed.body["Databases"]["Database"][0]["DBName"], "sales", "{:?}", listed.body);

    // `SALES` and `INVENTORY` name the source's `sales` and `inventory`; kept names keep the source's spelling.
    let answer = import_with(&endpoint, r#"{"DBNames":{"SALES":"sales_copy"}}"#).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    emulator.advance(std::time::Duration::from_secs(30));
    let answer = import_with(&endpoint, r#"{"DBNames":["INVENTORY"]}"#).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    emulator.advance(std::time::Duration::from_secs(30));
    let destination = emulator.state().instance(demo::DESTINATION).unwrap().clone();
    let names: Vec<&str> = destination.databases.iter().map(|db| db.name.as_str()).collect();
    assert_eq!(names, ["archive", "sales_copy", "inventory"]);

    // A case-sensitive collation tells `ARCHIVE` from `archive`.
    emulator.with_state(|state| {
        state.instance_mut(demo::DESTINATION).unwrap().collation = Some("Latin1_General_CS_AS".into());
    });
    let answer = import_with(&endpoint, r#"{"DBNames":{"sales":"ARCHIVE"}}"#).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
}

#[tokio::test]
async fn dbinfo_errors_are_told_in_the_service_terms() {
    let emulator = demo_emulator().await;
    let endpoint = emulator.endpoint();

    let answer = import_with(&endpoint, "").await;
    assert_eq!((answer.status, answer.code()), (400, "MissingParameter"), "{:?}", answer.body);
    assert!(answer.message().contains("\"DBInfo\""), "{}", answer.message());

    for (db_info, expected) in [
        ("sales", "not JSON"),
        ("[\"sales\"]", "not an object"),
        ("{}", "no DBNames"),
        (r#"{"DBNames":5}"#, "neither an object nor a list"),
        (r#"{"DBNames":{"sales":1}}"#, "maps \"sales\" to 1"),
        (r#"{"DBNames":["sales",{"a":"b"}]}"#, "lists {\"a\":\"b\"}"),
    ] {
        let answer = import_with(&endpoint, db_info).await;
        assert_eq!((answer.status, answer.code()), (400, "InvalidParameter"), "{db_info}: {:?}", answer.body);
        let message = answer.message();
        assert!(message.contains("DBInfo") && message.contains(expected), "{db_info}: {message}");
        for internal in ["untagged", "enum", "DbNames", "variant", "serde"] {
            assert!(!message.contains(internal), "{db_info}: Rust internals in {message}");
        }
    }
    assert_eq!(emulator.processed(IMPORT), 0);
}
