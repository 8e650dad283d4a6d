//! Operations that exist only as YAML (`tests/fixtures/specs/`): their generated code, compiled into
//! `integration_tests::fixture_api`, is called over real TCP on 127.0.0.1. Every feature of the spec format
//! shows up here on the wire: scalar types, enums, flattened lists, body parameters, JSON-encoded values,
//! raw identifiers, wrapped response lists, lenient decoding and error-code enums.

#[path = "../../rds-api/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;

use integration_tests::fixture_api::create_widget::{Color, Parts, WidgetSpec};
use integration_tests::fixture_api::describe_widgets::{Status, WidgetStatus};
use integration_tests::fixture_api::models::{Dimensions, Shade};
use integration_tests::fixture_api::{
    CommonError, CreateWidgetError, CreateWidgetRequest, DescribeWidgetsRequest, PingRequest,
};
use integration_tests::signature;
use integration_tests::wire::params_of as wire;
use rds_api::runtime::{Method, Operation};
use rds_api::{Client, Credentials, Error, Rule, Violation};
use support::{CannedResponse, TestServer};

const SECRET: &str = "fixture-secret";

fn client(server: &TestServer) -> Client {
    Client::builder().credentials(Credentials::new("fixture-id", SECRET)).endpoint(server.url()).build().unwrap()
}

fn rules(violations: &[Violation]) -> Vec<(&str, &Rule)> {
    violations.iter().map(|v| (v.parameter.as_str(), &v.rule)).collect()
}

#[tokio::test]
async fn an_operation_without_parameters_is_a_signed_get() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"ping-1"}"#)).await;
    let request = PingRequest::builder().build().unwrap();
    assert_eq!(PingRequest::METHOD, Method::Get);
    assert_eq!(PingRequest::VERSION, "2020-01-01");

    let response = client(&server).send(&request).await.unwrap();

    assert_eq!(response.request_id, "ping-1");
    let recorded = &server.requests()[0];
    assert_eq!(recorded.method, "GET");
    let params = recorded.query_params();
    assert_eq!(params["Action"], "Ping");
    assert_eq!(params["Version"], "2020-01-01");
    signature::verify("GET", &params, SECRET).unwrap();
}

fn describe() -> rds_api::runtime::Params {
    let request = DescribeWidgetsRequest::builder()
        .region_id("cn-hangzhou")
        .page_size(30)
        .min_capacity(9_000_000_000)
        .ratio(0.5)
        .verbose(true)
        .status(Status::Stopped)
        .widget_id(["w-1".to_owned(), "w-2".to_owned()])
        .proxy_id("p-1")
        .r#type("large")
        .shade(Shade::Dark)
        .build()
        .unwrap();
    let mut params = rds_api::runtime::Params::new();
    request.write_params(&mut params);
    params
}

#[test]
fn every_scalar_type_is_written_in_its_wire_form() {
    let params = describe();
    let query: Vec<(&str, &str)> = params.query().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        query,
        vec![
            ("MinCapacity", "9000000000"),
            ("PageSize", "30"),
            ("Ratio", "0.5"),
            ("RegionId", "cn-hangzhou"),
            ("Shade", "dark"),
            ("Status", "stopped"),
            ("Type", "large"),
            ("Verbose", "true"),
            ("WidgetId.1", "w-1"),
            ("WidgetId.2", "w-2"),
            ("proxyId", "p-1"),
        ]
    );
    assert!(params.body().is_empty());
}

#[tokio::test]
async fn a_wrapped_response_list_decodes_leniently_and_keeps_unknown_enum_values() {
    let body = r#"{"RequestId":"d-1","TotalCount":"2","Items":{"Widget":[
        {"WidgetId":"w-1","Status":"Running","Size":3,"Ratio":"0.25","Enabled":"true","Labels":{"Label":["a","b"]},
         "Dimensions":{"Width":"7","Shade":"dusk"}},
        {"WidgetId":12345,"Status":"Melting","Size":"4","Enabled":0,"Unexpected":{"x":1}}
    ]}}"#;
    let server = TestServer::start(CannedResponse::json(200, body)).await;
    let request = DescribeWidgetsRequest::builder().region_id("cn-hangzhou").build().unwrap();

    let response = client(&server).send(&request).await.unwrap();

    assert_eq!(response.request_id, "d-1");
    assert_eq!(response.total_count, Some(2));
    assert_eq!(response.widgets.len(), 2);
    let first = &response.widgets[0];
    assert_eq!(first.widget_id, "w-1");
    assert_eq!(first.status, Some(WidgetStatus::Running));
    assert_eq!(first.size, Some(3));
    assert_eq!(first.ratio, Some(0.25));
    assert_eq!(first.enabled, Some(true));
    assert_eq!(first.labels, vec!["a".to_owned(), "b".to_owned()]);
    let dimensions = first.dimensions.as_ref().expect("a shared model in a response");
    assert_eq!(dimensions.width, 7);
    assert_eq!(dimensions.shade, Some(Shade::Unknown("dusk".to_owned())), "the model is also met in responses: open");
    let second = &response.widgets[1];
    assert_eq!(second.widget_id, "12345");
    assert_eq!(second.status, Some(WidgetStatus::Unknown("Melting".to_owned())));
    assert_eq!(second.status.as_ref().unwrap().as_str(), "Melting");
    assert_eq!(second.size, Some(4));
    assert_eq!(second.enabled, Some(false));
    assert!(second.labels.is_empty(), "an absent list is empty");
    assert_eq!(server.requests()[0].method, "GET");
}

#[tokio::test]
async fn an_absent_list_wrapper_is_empty_and_a_fraction_is_never_truncated() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"d-2"}"#)).await;
    let request = DescribeWidgetsRequest::builder().region_id("cn-hangzhou").build().unwrap();
    let response = client(&server).send(&request).await.unwrap();
    assert!(response.widgets.is_empty());
    assert_eq!(response.total_count, None);

    let body = r#"{"RequestId":"d-3","Items":{"Widget":[{"WidgetId":"w","Size":100.1}]}}"#;
    let server = TestServer::start(CannedResponse::json(200, body)).await;
    let err = client(&server).send(&request).await.unwrap_err();
    match err {
        Error::Response(e) => {
            assert_eq!(e.request_id.as_deref(), Some("d-3"));
            assert!(e.reason.contains("100.1"), "{e}");
        }
        other => panic!("expected a response error, got {other:?}"),
    }
}

#[test]
fn every_numeric_string_and_list_constraint_is_checked_at_once() {
    let err = DescribeWidgetsRequest::builder()
        .region_id("Not A Region")
        .page_size(7)
        .page_number(0)
        .min_capacity(9_000_000_001)
        .ratio(2.0)
        .widget_id(["w-1".to_owned(), "x".to_owned(), "w-1".to_owned(), "much-too-long".to_owned()])
        .r#type("medium")
        .build()
        .unwrap_err();
    assert_eq!(
        rules(&err.violations),
        vec![
            ("RegionId", &Rule::Pattern("^[a-z]+-[a-z0-9-]+$".to_owned())),
            ("PageSize", &Rule::Allowed(vec!["10".into(), "30".into(), "50".into(), "100".into()])),
            ("PageNumber", &Rule::Minimum("1".to_owned())),
            ("MinCapacity", &Rule::Maximum("9000000000".to_owned())),
            ("Ratio", &Rule::Maximum("1.5".to_owned())),
            ("WidgetId", &Rule::MaxItems(3)),
            ("WidgetId", &Rule::UniqueItems),
            ("WidgetId.2", &Rule::MinLength(2)),
            ("WidgetId.4", &Rule::MaxLength(8)),
            ("Type", &Rule::Allowed(vec!["small".into(), "large".into()])),
        ]
    );
}

fn spec(parts: Parts) -> WidgetSpec {
    WidgetSpec { parts, color: None, weight: None, labels: None, size: None }
}

#[tokio::test]
async fn json_values_body_parameters_and_the_signature_over_both() {
    let server =
        TestServer::start(CannedResponse::json(200, r#"{"RequestId":"c-1","WidgetId":"w-9","Serial":"77"}"#)).await;
    let request = CreateWidgetRequest::builder()
        .owner_widget_id("w-1")
        .twin_widget_id("w-2")
        .spec(WidgetSpec {
            parts: Parts::Renames(vec![("bolt".into(), "screw".into()), ("axle".into(), "shaft".into())]),
            color: Some(Color::Green),
            weight: Some(3),
            labels: Some(vec![("z".into(), "last".into()), ("a".into(), "first".into())]),
            size: Some(Dimensions { width: 2, shade: Some(Shade::Dark) }),
        })
        .note("hello world & more")
        .build()
        .unwrap();

    let response = client(&server).send(&request).await.unwrap();

    assert_eq!(response.widget_id, "w-9");
    assert_eq!(response.serial, Some(77));
    let recorded = &server.requests()[0];
    assert_eq!(recorded.method, "POST");
    assert_eq!(recorded.header("content-type"), Some("application/x-www-form-urlencoded"));
    let query = recorded.query_params();
    let body = recorded.body_params();
    assert_eq!(
        query["Spec"],
        r#"{"Parts":{"bolt":"screw","axle":"shaft"},"Color":"green","Weight":3,"Labels":{"z":"last","a":"first"},"Size":{"Width":2,"Shade":"dark"}}"#
    );
    assert_eq!(body.get("Note").map(String::as_str), Some("hello world & more"));
    assert!(!query.contains_key("Note"), "a body parameter is not repeated in the query");
    let mut signed: BTreeMap<String, String> = query.clone();
    signed.extend(body);
    signature::verify("POST", &signed, SECRET).unwrap();
}

#[test]
fn optional_json_fields_are_left_out_and_lists_keep_order() {
    let request = CreateWidgetRequest::builder()
        .owner_widget_id("w-1")
        .spec(spec(Parts::Names(vec!["b".into(), "a".into()])))
        .build()
        .unwrap();
    let mut params = rds_api::runtime::Params::new();
    request.write_params(&mut params);
    assert_eq!(params.query()["Spec"], r#"{"Parts":["b","a"]}"#);
    assert!(!params.query().contains_key("TwinWidgetId"));
}

#[test]
fn a_rule_over_an_optional_parameter_applies_only_when_it_is_present() {
    let build = |twin: Option<&str>| {
        let builder = CreateWidgetRequest::builder().owner_widget_id("w-1").spec(spec(Parts::Names(vec!["a".into()])));
        match twin {
            Some(twin) => builder.twin_widget_id(twin).build(),
            None => builder.build(),
        }
    };
    assert!(build(None).is_ok());
    assert!(build(Some("w-2")).is_ok());
    let err = build(Some("w-1")).unwrap_err();
    assert_eq!(err.violations.len(), 1);
    match &err.violations[0].rule {
        Rule::Differ { others, description } => {
            assert_eq!(others, &["OwnerWidgetId".to_owned()]);
            assert_eq!(description.as_deref(), Some("A widget cannot be its own twin."));
        }
        other => panic!("unexpected rule {other:?}"),
    }
    assert_eq!(err.violations[0].parameter, "TwinWidgetId");
}

#[test]
fn nested_json_constraints_name_their_path() {
    let err = CreateWidgetRequest::builder()
        .owner_widget_id("w-1")
        .spec(WidgetSpec {
            parts: Parts::Renames(vec![("a".into(), "x".into()), ("b".into(), "x".into()), ("c".into(), "".into())]),
            color: None,
            weight: Some(0),
            labels: None,
            size: Some(Dimensions { width: 0, shade: None }),
        })
        .note("n".repeat(21))
        .build()
        .unwrap_err();
    assert_eq!(
        rules(&err.violations),
        vec![
            ("Spec.Parts", &Rule::UniqueValues),
            ("Spec.Parts.c", &Rule::MinLength(1)),
            ("Spec.Weight", &Rule::Minimum("1".to_owned())),
            ("Spec.Size.Width", &Rule::Minimum("1".to_owned())),
            ("Note", &Rule::MaxLength(20)),
        ]
    );
}

// A `sensitive: true` parameter (CreateWidget's `Password`): sent, never shown.

const PASSWORD: &str = "pw-Hunter2-very-secret";

#[tokio::test]
async fn a_sensitive_parameter_is_never_shown_by_a_prepared_request_or_an_error() {
    let request = CreateWidgetRequest::builder()
        .owner_widget_id("w-1")
        .spec(spec(Parts::Names(vec!["a".into()])))
        .password(PASSWORD)
        .build()
        .unwrap();
    let encoded = PASSWORD.replace('-', "%2D"); // not needed by RFC 3986, but any encoded form must go too
    for version in [rds_api::SignatureVersion::V1, rds_api::SignatureVersion::V3] {
        let client = Client::builder()
            .credentials(Credentials::new("fixture-id", SECRET))
            .endpoint("https://widgets.example.com")
            .signature_version(version)
            .build()
            .unwrap();
        let prepared = client.prepare(&request).unwrap();
        assert!(prepared.url().contains(PASSWORD), "it is sent: {}", prepared.url());
        let shown = format!("{prepared:?}");
        assert!(!shown.contains(PASSWORD) && !shown.contains(&encoded), "{version:?}: {shown}");
        assert!(shown.contains(r#""Password": "***""#), "{version:?}: {shown}");
    }

    // A gateway page and a service error that echo the request: the password is redacted from both.
    let echo_page = TestServer::start_with(|r| {
        CannedResponse::html(400, &format!("<html>{}<pre>{}</pre></html>", "x".repeat(250), r.raw_text()))
    })
    .await;
    let err = client(&echo_page).send(&request).await.unwrap_err();
    let rds_api::Error::Response(response) = &err else { panic!("{err:?}") };
    assert!(response.body_snippet.contains("***"), "{}", response.body_snippet);
    for shown in [format!("{err}"), format!("{err:?}")] {
        assert!(!shown.contains("Hunter2"), "{shown}");
    }
    let echo_error = TestServer::start(CannedResponse::json(
        400,
        &format!(
            r#"{{"Code":"InvalidPassword","Message":"password {PASSWORD} is weak","Recommend":"see {PASSWORD}"}}"#
        ),
    ))
    .await;
    let err = client(&echo_error).send(&request).await.unwrap_err();
    let service = err.service_error().expect("a service error");
    assert_eq!(service.message, "password *** is weak");
    assert!(!format!("{err:?}").contains("Hunter2"));
}

#[tokio::test]
async fn a_sensitive_parameter_is_sent_on_the_wire() {
    use rds_api::runtime::FromParams;

    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"c-2","WidgetId":"w-3"}"#)).await;
    let request = CreateWidgetRequest::builder()
        .owner_widget_id("w-1")
        .spec(spec(Parts::Names(vec!["a".into()])))
        .password(PASSWORD)
        .build()
        .unwrap();
    assert_eq!(request.password.as_deref(), Some(PASSWORD));

    client(&server).send(&request).await.unwrap();

    let recorded = &server.requests()[0];
    assert_eq!(recorded.query_params().get("Password").map(String::as_str), Some(PASSWORD));
    assert_eq!(CreateWidgetRequest::from_params(&wire(&request)).unwrap(), request);
}

#[test]
fn debug_of_a_request_and_its_builder_never_shows_a_sensitive_value() {
    let builder = CreateWidgetRequest::builder()
        .owner_widget_id("w-1")
        .spec(spec(Parts::Names(vec!["a".into()])))
        .note("visible note")
        .password(PASSWORD);
    let request = builder.clone().build().unwrap();
    for shown in [format!("{builder:?}"), format!("{builder:#?}"), format!("{request:?}"), format!("{request:#?}")] {
        assert!(!shown.contains(PASSWORD), "{shown}");
        assert!(!shown.contains("Hunter2"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
        // Everything else prints as the derive would.
        assert!(shown.contains("visible note") && shown.contains("owner_widget_id"), "{shown}");
    }
    assert_eq!(
        format!("{request:?}"),
        r#"CreateWidgetRequest { owner_widget_id: "w-1", twin_widget_id: None, spec: WidgetSpec { parts: Names(["a"]), color: None, weight: None, labels: None, size: None }, note: Some("visible note"), password: Some(***), old_password: None }"#
    );
    assert!(format!("{builder:?}").starts_with(r#"CreateWidgetRequestBuilder { owner_widget_id: Some("w-1"), "#));
    assert!(format!("{builder:?}").ends_with("password: Some(***), old_password: None }"));
    // Unset, it shows as unset.
    let unset = CreateWidgetRequest::builder();
    assert!(format!("{unset:?}").ends_with("password: None, old_password: None }"), "{unset:?}");
}

#[test]
fn a_violation_of_a_sensitive_parameter_names_it_without_its_value() {
    use rds_api::runtime::FromParams;

    let too_long = format!("{PASSWORD}-{PASSWORD}");
    for (password, rule) in [(too_long.as_str(), Rule::MaxLength(32)), ("pw-1", Rule::MinLength(8))] {
        let builder = CreateWidgetRequest::builder()
            .owner_widget_id("w-1")
            .spec(spec(Parts::Names(vec!["a".into()])))
            .note("n".repeat(21))
            .password(password);
        let err = builder.build().unwrap_err();
        assert_eq!(rules(&err.violations), vec![("Note", &Rule::MaxLength(20)), ("Password", &rule)]);
        assert_eq!(err.violations[1].value, None);
        // Other parameters still show theirs.
        assert_eq!(err.violations[0].value.as_deref(), Some("n".repeat(21).as_str()));
        let text = err.to_string();
        assert!(text.contains("Password: must be"), "{text}");
        assert!(!text.contains(password), "{text}");
        assert!(!format!("{err:?}").contains(password), "{err:?}");
    }
    // The server side reports it the same way.
    let mut params = wire(
        &CreateWidgetRequest::builder()
            .owner_widget_id("w-1")
            .spec(spec(Parts::Names(vec!["a".into()])))
            .build()
            .unwrap(),
    );
    params.insert("Password".to_owned(), "pw-1".to_owned());
    let err = CreateWidgetRequest::from_params(&params).unwrap_err();
    assert_eq!(rules(&err.violations), vec![("Password", &Rule::MinLength(8))]);
    assert_eq!(err.violations[0].value, None);
}

#[test]
fn a_rule_over_sensitive_parameters_shows_no_value() {
    let build = |old: &str| {
        CreateWidgetRequest::builder()
            .owner_widget_id("w-1")
            .spec(spec(Parts::Names(vec!["a".into()])))
            .old_password(old)
            .password(PASSWORD)
            .build()
    };
    let request = build("pw-old-password").unwrap();
    assert!(!format!("{request:?}").contains("pw-old-password"), "{request:?}");
    let err = build(PASSWORD).unwrap_err();
    let differ = Rule::Differ {
        others: vec!["OldPassword".to_owned()],
        description: Some("The new password must differ from the old one.".to_owned()),
    };
    assert_eq!(rules(&err.violations), vec![("Password", &differ)]);
    assert_eq!(err.violations[0].value, None);
    assert!(!err.to_string().contains(PASSWORD), "{err}");
}

#[tokio::test]
async fn operation_common_and_unknown_error_codes() {
    for (code, expected) in [
        ("QuotaExceeded", CreateWidgetError::QuotaExceeded),
        ("Throttling.User", CreateWidgetError::Common(CommonError::ThrottlingUser)),
        ("Widget.Melted", CreateWidgetError::Unknown("Widget.Melted".to_owned())),
    ] {
        let body = format!(r#"{{"RequestId":"e-1","Code":"{code}","Message":"no"}}"#);
        let server = TestServer::start(CannedResponse::json(403, &body)).await;
        let request = CreateWidgetRequest::builder()
            .owner_widget_id("w-1")
            .spec(spec(Parts::Names(vec!["a".into()])))
            .build()
            .unwrap();
        let err = client(&server).send(&request).await.unwrap_err();
        assert_eq!(err.kind(), Some(&expected), "{code}");
        assert_eq!(err.kind().unwrap().to_string(), code);
    }
    assert_eq!(CreateWidgetError::QuotaExceeded.documented_status(), Some(403));
    assert_eq!(CommonError::ThrottlingUser.status(), 400);
}

#[test]
fn request_enums_are_closed_and_know_their_values() {
    assert_eq!(Status::from_wire("stopped"), Some(Status::Stopped));
    assert_eq!(Status::from_wire("Stopped"), None);
    assert_eq!(Status::KNOWN_VALUES, &["Running", "stopped"]);
    assert_eq!(WidgetStatus::from_wire("Gone"), WidgetStatus::Unknown("Gone".to_owned()));
    const { assert!(!CreateWidgetRequest::IDEMPOTENT) };
    const { assert!(DescribeWidgetsRequest::IDEMPOTENT) };
}

// ---------------------------------------------------------------------------------------------------------
// The server side (`FromParams`): what the client writes, a server reads back into the same request.

#[test]
fn every_request_reads_back_from_its_wire_parameters() {
    use rds_api::runtime::FromParams;

    let describe = DescribeWidgetsRequest::builder()
        .region_id("cn-hangzhou")
        .page_size(30)
        .min_capacity(9_000_000_000)
        .ratio(0.5)
        .verbose(false)
        .status(Status::Stopped)
        .widget_id(["w-1".to_owned(), "w-2".to_owned()])
        .proxy_id("p-1")
        .r#type("large")
        .build()
        .unwrap();
    assert_eq!(DescribeWidgetsRequest::from_params(&wire(&describe)).unwrap(), describe);

    let create = CreateWidgetRequest::builder()
        .owner_widget_id("w-1")
        .twin_widget_id("w-2")
        .spec(WidgetSpec {
            parts: Parts::Renames(vec![("b".into(), "y".into()), ("a".into(), "x".into())]),
            color: Some(Color::Red),
            weight: Some(2),
            labels: Some(vec![("k".into(), "v".into())]),
            size: Some(Dimensions { width: 3, shade: Some(Shade::Light) }),
        })
        .note("n")
        .build()
        .unwrap();
    assert_eq!(CreateWidgetRequest::from_params(&wire(&create)).unwrap(), create);

    let names = CreateWidgetRequest::builder().owner_widget_id("w").spec(spec(Parts::Names(vec!["a".into()]))).build();
    let names = names.unwrap();
    assert_eq!(CreateWidgetRequest::from_params(&wire(&names)).unwrap(), names);

    let ping = PingRequest::builder().build().unwrap();
    assert_eq!(PingRequest::from_params(&BTreeMap::new()).unwrap(), ping);
}

#[test]
fn a_server_reports_values_of_the_wrong_type_then_the_spec_rules() {
    use rds_api::runtime::FromParams;

    let mut params = wire(&DescribeWidgetsRequest::builder().region_id("cn-hangzhou").build().unwrap());
    for (k, v) in [("PageSize", "thirty"), ("Verbose", "yes"), ("Status", "Melting"), ("WidgetId.1", "ok")] {
        params.insert(k.to_owned(), v.to_owned());
    }
    let err = DescribeWidgetsRequest::from_params(&params).unwrap_err();
    assert_eq!(
        rules(&err.violations),
        vec![
            ("PageSize", &Rule::Format("int32".to_owned())),
            ("Verbose", &Rule::Format("boolean".to_owned())),
            ("Status", &Rule::Format("Status value".to_owned())),
        ]
    );

    let mut params = BTreeMap::new();
    params.insert("Spec".to_owned(), r#"{"Parts":[]}"#.to_owned());
    params.insert("OwnerWidgetId".to_owned(), "w".to_owned());
    let err = CreateWidgetRequest::from_params(&params).unwrap_err();
    assert_eq!(rules(&err.violations), vec![("Spec.Parts", &Rule::MinItems(1))]);

    params.insert("Spec".to_owned(), r#"{"Parts":{"a":"x"},"Color":"blue"}"#.to_owned());
    let err = CreateWidgetRequest::from_params(&params).unwrap_err();
    assert_eq!(err.violations[0].parameter, "Spec");
    assert!(matches!(&err.violations[0].rule, Rule::Format(what) if what.starts_with("JSON")), "{err}");

    let err = CreateWidgetRequest::from_params(&BTreeMap::new()).unwrap_err();
    assert_eq!(rules(&err.violations), vec![("OwnerWidgetId", &Rule::Required), ("Spec", &Rule::Required)]);
}

// ---------------------------------------------------------------------------------------------------------
// Pagination declared in the spec: pages are fetched lazily, in both styles, and the stream ends.

/// Serves `total` widgets `w-0`.. in pages: by number (PageNumber/PageSize, with TotalCount) or, when the
/// request carries a NextToken, by token (`t<offset>`).
fn paging_server(total: usize) -> impl Fn(&support::RecordedRequest) -> CannedResponse + Send + Sync + 'static {
    move |request| {
        let params = request.query_params();
        let size: usize = params.get("PageSize").map_or(30, |s| s.parse().unwrap());
        let (start, token_style) = match params.get("NextToken") {
            Some(token) => (token.trim_start_matches('t').parse::<usize>().unwrap(), true),
            None => ((params.get("PageNumber").map_or(1, |p| p.parse::<usize>().unwrap()) - 1) * size, false),
        };
        let end = (start + size).min(total);
        let items: Vec<String> = (start..end).map(|i| format!(r#"{{"WidgetId":"w-{i}"}}"#)).collect();
        let next = if token_style && end < total { format!(r#","NextToken":"t{end}""#) } else { String::new() };
        let body =
            format!(r#"{{"RequestId":"p","TotalCount":{total}{next},"Items":{{"Widget":[{}]}}}}"#, items.join(","));
        CannedResponse::json(200, &body)
    }
}

#[tokio::test]
async fn pages_by_number_until_the_total_lazily() {
    use futures_util::{StreamExt, TryStreamExt};

    let server = TestServer::start_with(paging_server(95)).await;
    let client = client(&server);
    let first = DescribeWidgetsRequest::builder().region_id("cn-hangzhou").page_size(30).build().unwrap();

    let mut pages = Box::pin(client.pages(first.clone()));
    let page = pages.next().await.unwrap().unwrap();
    assert_eq!(page.widgets.len(), 30);
    assert_eq!(server.requests().len(), 1, "only the first page is fetched before the stream is polled again");
    drop(pages);

    let ids: Vec<String> = client.items(first).map_ok(|w| w.widget_id).try_collect().await.unwrap();
    let expected: Vec<String> = (0..95).map(|i| format!("w-{i}")).collect();
    assert_eq!(ids, expected);
    let numbers: Vec<String> = server.requests()[1..]
        .iter()
        .map(|r| r.query_params().get("PageNumber").cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        numbers,
        ["", "2", "3", "4"].map(String::from),
        "the first page as asked, then 2..4; 4 * 30 >= 95 ends it"
    );
}

#[tokio::test]
async fn pages_by_token_until_no_token() {
    use futures_util::TryStreamExt;

    let server = TestServer::start_with(paging_server(70)).await;
    let client = client(&server);
    let first =
        DescribeWidgetsRequest::builder().region_id("cn-hangzhou").page_size(30).next_token("t0").build().unwrap();
    let pages: Vec<_> = client.pages(first).try_collect().await.unwrap();
    assert_eq!(pages.iter().map(|p| p.widgets.len()).collect::<Vec<_>>(), [30, 30, 10]);
    let tokens: Vec<String> = server.requests().iter().map(|r| r.query_params()["NextToken"].clone()).collect();
    assert_eq!(tokens, ["t0", "t30", "t60"]);
}

#[tokio::test]
async fn an_error_ends_the_stream_with_that_error() {
    use futures_util::TryStreamExt;

    let server = TestServer::start(CannedResponse::json(
        400,
        r#"{"RequestId":"e","Code":"InvalidRegionId.NotFound","Message":"no"}"#,
    ))
    .await;
    let first = DescribeWidgetsRequest::builder().region_id("cn-nowhere").build().unwrap();
    let err = client(&server).items(first).try_collect::<Vec<_>>().await.unwrap_err();
    assert_eq!(err.kind().map(|k| k.to_string()).as_deref(), Some("InvalidRegionId.NotFound"));
}

// ---------------------------------------------------------------------------------------------------------
// A request parameter that is also a common parameter of the client: `SecurityToken` marked `common: shared`.

#[test]
fn a_shared_security_token_is_written_where_its_spec_puts_it() {
    let request =
        DescribeWidgetsRequest::builder().region_id("cn-hangzhou").security_token("sts-token").build().unwrap();
    let mut params = rds_api::runtime::Params::new();
    request.write_params(&mut params);
    assert_eq!(params.query().get("SecurityToken").map(String::as_str), Some("sts-token"));
    // It is the STS token: a secret, never shown, although the spec does not say `sensitive`.
    assert!(!format!("{request:?}").contains("sts-token"), "{request:?}");
}

#[tokio::test]
async fn a_shared_security_token_equal_to_the_credentials_is_sent_once() {
    let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"s-1","Items":[]}"#)).await;
    let credentials = Credentials::new("fixture-id", SECRET).with_security_token("sts-token");
    let client = Client::builder().credentials(credentials).endpoint(server.url()).build().unwrap();
    let request =
        DescribeWidgetsRequest::builder().region_id("cn-hangzhou").security_token("sts-token").build().unwrap();

    client.send(&request).await.unwrap();

    let recorded = &server.requests()[0];
    assert_eq!(recorded.query.matches("SecurityToken=").count(), 1, "{}", recorded.query);
    let params = recorded.query_params();
    assert_eq!(params["SecurityToken"], "sts-token");
    signature::verify("GET", &params, SECRET).unwrap();
}

// ---------------------------------------------------------------------------------------------------------
// `tests/fixtures/edge-specs/`: names and shapes that must compile (a service without common errors,
// parameters named like the generated code's locals, enum values named `Unknown`).

mod edges {
    use integration_tests::edge_api::names::{Mode, State};
    use integration_tests::edge_api::{self, NamesError, NamesRequest};
    use rds_api::runtime::{ErrorCode, Operation};
    use rds_api::{Error, Rule};

    use super::support::{CannedResponse, TestServer};
    use super::{client, rules};

    fn names(v: &str, validator: &str) -> Result<NamesRequest, rds_api::ValidationError> {
        NamesRequest::builder().v(v).validator(validator).value(1).params("p").mode(Mode::UnknownValue).build()
    }

    #[test]
    fn parameters_named_like_the_validator_are_validated_like_any_other() {
        let err = NamesRequest::builder().v("").validator("x").value(0).build().unwrap_err();
        assert_eq!(rules(&err.violations), vec![("V", &Rule::MinLength(1)), ("Value", &Rule::Minimum("1".into()))]);
        let err = names("same", "same").unwrap_err();
        let differ = Rule::Differ { others: vec!["V".to_owned()], description: None };
        assert_eq!(rules(&err.violations), vec![("Validator", &differ)]);
        let missing = NamesRequest::builder().build().unwrap_err();
        assert_eq!(rules(&missing.violations), vec![("V", &Rule::Required), ("Validator", &Rule::Required)]);
    }

    #[test]
    fn they_are_written_under_their_wire_names() {
        let request = NamesRequest::builder().v("a").validator("b").value(2).params("p").mode(Mode::UnknownValue);
        let request = request.build().unwrap();
        request.validate().unwrap();
        let mut params = rds_api::runtime::Params::new();
        request.write_params(&mut params);
        let query: Vec<(&str, &str)> = params.query().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(query, [("Mode", "Unknown"), ("Params", "p"), ("V", "a"), ("Validator", "b"), ("Value", "2")]);
    }

    #[test]
    fn an_enum_value_unknown_is_a_variant_of_its_own_beside_the_catch_all() {
        assert_eq!(Mode::UnknownValue.as_str(), "Unknown");
        assert_eq!(Mode::from_wire("Unknown"), Some(Mode::UnknownValue));
        assert_eq!(State::from_wire("Unknown"), State::UnknownValue);
        assert_eq!(State::from_wire("Melting"), State::Unknown("Melting".to_owned()));
        assert_eq!(State::Unknown("Melting".to_owned()).as_str(), "Melting");
        assert_eq!(State::KNOWN_VALUES, &["Unknown", "Ready"]);
    }

    #[tokio::test]
    async fn a_response_enum_value_unknown_decodes_to_its_variant() {
        let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"n-1","State":"Unknown"}"#)).await;
        let response = client(&server).send(&names("a", "b").unwrap()).await.unwrap();
        assert_eq!(response.state, Some(State::UnknownValue));
    }

    #[tokio::test]
    async fn without_common_errors_every_code_the_operation_does_not_know_is_unknown() {
        assert_eq!(edge_api::CommonError::from_code("Throttling.User"), None);
        assert_eq!(NamesError::from_code("Throttling.User"), NamesError::Unknown("Throttling.User".to_owned()));
        let body = r#"{"RequestId":"e-1","Code":"Throttling.User","Message":"slow down"}"#;
        let server = TestServer::start(CannedResponse::json(400, body)).await;
        let err = client(&server).send(&names("a", "b").unwrap()).await.unwrap_err();
        let Error::Service(e) = &err else { panic!("{err}") };
        assert_eq!(e.kind, NamesError::Unknown("Throttling.User".to_owned()));
        assert_eq!(e.kind.documented_status(), None);
    }
}
