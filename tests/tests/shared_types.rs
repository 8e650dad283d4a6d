//! A type met in a request and in a response (the edge fixtures' `Bundle` model, sent in a JSON parameter and
//! read back): one Rust type, encoded like a request value and decoded like a response, with the request's
//! field shapes (an optional list is `Option<Vec<_>>`). Over loopback, against the generated code.

#[path = "../../rds-api/tests/support/mod.rs"]
mod support;

use integration_tests::edge_api::models::Bundle;
use integration_tests::edge_api::EchoRequest;
use rds_api::{Client, Credentials};
use support::{CannedResponse, TestServer};

fn client(server: &TestServer) -> Client {
    Client::builder().credentials(Credentials::new("edge-id", "edge-secret")).endpoint(server.url()).build().unwrap()
}

#[tokio::test]
async fn a_structure_goes_out_as_json_and_comes_back_decoded() {
    let server = TestServer::start_with(|request| {
        // Echo what was sent, inside the answer.
        let sent = request.query_params().get("Bundle").cloned().unwrap_or_default();
        CannedResponse::json(200, &format!(r#"{{"RequestId":"E1","Bundle":{sent}}}"#))
    })
    .await;
    let bundle = Bundle { label: "box".into(), tags: Some(vec!["a".into(), "b".into()]) };
    let request = EchoRequest::builder().bundle(bundle.clone()).build().unwrap();
    let response = client(&server).send(&request).await.unwrap();
    assert_eq!(server.requests()[0].query_params()["Bundle"], r#"{"Label":"box","Tags":["a","b"]}"#);
    assert_eq!(response.bundle, Some(bundle));

    // Absent or empty lists, as the service writes them.
    for (body, tags) in [
        (r#"{"RequestId":"E2","Bundle":{"Label":"x"}}"#, None),
        (r#"{"RequestId":"E3","Bundle":{"Label":"x","Tags":null}}"#, None),
        (r#"{"RequestId":"E4","Bundle":{"Label":"x","Tags":{"Tag":["t"]}}}"#, Some(vec!["t".to_owned()])),
    ] {
        let decoded: integration_tests::edge_api::EchoResponse = rds_api::runtime::de::from_str(body).unwrap();
        assert_eq!(decoded.bundle, Some(Bundle { label: "x".into(), tags: tags.clone() }), "{body}");
    }
}
