//! The request and response shapes beyond scalars and JSON (`tests/fixtures/specs/operations/TagWidgets.yaml`):
//! objects and lists of objects sent flattened, a comma-joined list, `float32`, a parameter group, a secret
//! inside a JSON object, response maps and `any` values. Each is written, read back by the server side, and
//! (for responses) decoded from an answer over loopback.

#[path = "../../rds-api/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use integration_tests::fixture_api::tag_widgets::{Login, TagEntry, Window};
use integration_tests::fixture_api::TagWidgetsRequest;
use integration_tests::wire::params_of as wire;
use rds_api::runtime::{FromParams, Operation, Rule};
use rds_api::{Client, Credentials, Error};
use serde_json::json;
use support::{CannedResponse, TestServer};

fn full() -> TagWidgetsRequest {
    TagWidgetsRequest::builder()
        .widget_ids(["w-1".to_owned(), "w,2".to_owned()])
        .tag([
            TagEntry { key: "env".into(), value: Some("prod".into()), aliases: Some(vec!["e".into(), "stage".into()]) },
            TagEntry { key: "數據".into(), value: Some("a&b=c d".into()), aliases: None },
        ])
        .window(Window { start: "2026-01-01T00:00Z".into(), end: None })
        .ratio(0.25)
        .options(vec![("z".into(), json!(1)), ("a".into(), json!({"deep": [true, null]}))])
        .login(Login { user: "admin".into(), password: "correct horse".into() })
        .owner_id(42)
        .owner_account("acct")
        .build()
        .unwrap()
}

#[test]
fn flattened_joined_and_grouped_parameters_are_written_under_their_wire_names() {
    let sent = wire(&full());
    let expected: BTreeMap<String, String> = [
        ("WidgetIds", "w-1,w,2"),
        ("Tag.1.key", "env"),
        ("Tag.1.Value", "prod"),
        ("Tag.1.Aliases.1", "e"),
        ("Tag.1.Aliases.2", "stage"),
        ("Tag.2.key", "數據"),
        ("Tag.2.Value", "a&b=c d"),
        ("Window.Start", "2026-01-01T00:00Z"),
        ("Ratio", "0.25"),
        ("Options", r#"{"z":1,"a":{"deep":[true,null]}}"#),
        ("Login", r#"{"User":"admin","Password":"correct horse"}"#),
        ("OwnerId", "42"),
        ("OwnerAccount", "acct"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(sent, expected);
}

#[test]
fn the_server_side_reads_every_shape_back() {
    let request = full();
    // The comma inside "w,2" cannot survive a comma-joined list: the read-back splits it, as the service would.
    let read = TagWidgetsRequest::from_params(&wire(&request)).unwrap();
    assert_eq!(read.widget_ids, ["w-1", "w", "2"]);
    let mut expected = request.clone();
    expected.widget_ids = read.widget_ids.clone();
    assert_eq!(read, expected);

    let minimal = TagWidgetsRequest::builder().widget_ids(["w".to_owned()]).build().unwrap();
    assert_eq!(TagWidgetsRequest::from_params(&wire(&minimal)).unwrap(), minimal);
}

#[test]
fn a_flattened_object_missing_a_required_field_is_reported_by_its_wire_path() {
    let mut params = wire(&full());
    params.remove("Tag.2.key");
    params.remove("Window.Start");
    params.insert("Window.End".into(), "later".into());
    params.insert("Ratio".into(), "1.5".into());
    let err = TagWidgetsRequest::from_params(&params).unwrap_err();
    let found: Vec<(&str, &Rule)> = err.violations.iter().map(|v| (v.parameter.as_str(), &v.rule)).collect();
    assert!(found.contains(&("Tag.2.key", &Rule::Required)), "{found:?}");
    assert!(found.contains(&("Window.Start", &Rule::Required)), "{found:?}");
    assert!(found.iter().any(|(p, r)| *p == "Ratio" && matches!(r, Rule::Maximum(_))), "{found:?}");
}

#[test]
fn constraints_inside_flattened_objects_and_joined_lists_name_the_wire_path() {
    let err = TagWidgetsRequest::builder()
        .widget_ids(["a".to_owned(), String::new(), "c".to_owned(), "d".to_owned()])
        .tag([TagEntry { key: String::new(), value: None, aliases: None }])
        .login(Login { user: "u".into(), password: "short".into() })
        .build()
        .unwrap_err();
    let found: Vec<&str> = err.violations.iter().map(|v| v.parameter.as_str()).collect();
    assert!(found.contains(&"WidgetIds"), "{found:?}");
    assert!(found.contains(&"WidgetIds.2"), "{found:?}");
    assert!(found.contains(&"Tag.1.key"), "{found:?}");
    assert!(found.contains(&"Login.Password"), "{found:?}");
    // The secret's violation says what is wrong, never the value.
    let shown = err.to_string();
    assert!(!shown.contains("short"), "{shown}");
}

#[test]
fn a_secret_inside_an_object_is_never_shown() {
    let request = full();
    for shown in [format!("{request:?}"), format!("{:?}", request.login.as_ref().unwrap())] {
        assert!(!shown.contains("correct horse"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
    let login = Login { user: "admin".into(), password: "correct horse".into() };
    assert_eq!(format!("{login:?}"), r#"Login { user: "admin", password: *** }"#);
    // The parameter that carries it is redacted as a whole by the client.
    assert!(<TagWidgetsRequest as Operation>::SENSITIVE.contains(&"Login"));
}

#[tokio::test]
async fn response_maps_any_values_and_float32_decode_over_loopback() {
    let body = json!({
        "RequestId": "r-1",
        "Labels": {"w-1": "blue", "w-2": 7},
        "Extra": {"nested": [1, "two", {"three": null}]},
        "Matrix": [{"a": 1, "b": "2"}, {}],
        "Weight": "0.5",
        "ConsoleKey": "k-secret-1",
        "Consoles": [{"Url": "https://console", "Password": "p-secret-2"}],
    });
    let server = TestServer::start(CannedResponse::json(200, &body.to_string())).await;
    let client =
        Client::builder().credentials(Credentials::new("id", "secret")).endpoint(server.url()).build().unwrap();
    let response = client.send(&full()).await.unwrap();
    assert_eq!(response.labels, [("w-1".to_owned(), "blue".to_owned()), ("w-2".to_owned(), "7".to_owned())]);
    assert_eq!(response.extra, Some(json!({"nested": [1, "two", {"three": null}]})));
    assert_eq!(response.matrix, vec![vec![("a".to_owned(), 1), ("b".to_owned(), 2)], vec![]]);
    assert_eq!(response.weight, Some(0.5f32));
    // Secrets in an answer are kept for the caller and never shown by `Debug`.
    assert_eq!(response.console_key.as_deref(), Some("k-secret-1"));
    assert_eq!(response.consoles[0].password.as_deref(), Some("p-secret-2"));
    let shown = format!("{response:?}");
    assert!(!shown.contains("k-secret-1") && !shown.contains("p-secret-2"), "{shown}");
    assert!(shown.contains("console_key: Some(***)") && shown.contains("password: Some(***)"), "{shown}");
    assert!(shown.contains("https://console"), "{shown}");

    let recorded = server.requests();
    assert_eq!(recorded[0].query_params().get("Tag.1.Aliases.2").map(String::as_str), Some("stage"));

    // A map given something else is an error that names the field.
    // The snippet it keeps of the body shows no secret of the answer.
    let body = r#"{"RequestId":"r","ConsoleKey":"k-secret-3","Consoles":[{"Password":"p-\"secret-4"}],"Labels":[1]}"#;
    let server = TestServer::start(CannedResponse::json(200, body)).await;
    let client =
        Client::builder().credentials(Credentials::new("id", "secret")).endpoint(server.url()).build().unwrap();
    match client.send(&full()).await {
        Err(Error::Response(err)) => {
            assert!(err.to_string().contains("Labels"), "{err}");
            let shown = format!("{err:?} {err}");
            assert!(!shown.contains("secret-3") && !shown.contains("secret-4"), "{shown}");
            assert!(err.body_snippet.contains(r#""ConsoleKey":"***""#), "{}", err.body_snippet);
            assert!(err.body_snippet.contains(r#""Password":"***""#), "{}", err.body_snippet);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
