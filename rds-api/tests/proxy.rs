//! Proxies from the environment and the plain-HTTP rule. One test in its own binary: it sets the process's
//! proxy variables, which every client built afterwards in this process would read.

mod support;

use rds_api::{Client, Credentials, DescribeDbInstanceAttributeRequest, RetryPolicy};
use support::{CannedResponse, TestServer};

const ANSWER: &str = r#"{"RequestId":"P1","Items":{"DBInstanceAttribute":[{"DBInstanceId":"rm-source"}]}}"#;

fn client(endpoint: &str, allow_http: bool) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .allow_http(allow_http)
        .credentials(Credentials::new("STS.test", "test-secret").with_security_token("CAIS-must-not-reach-a-proxy"))
        .retry(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn loopback_endpoints_never_go_through_a_proxy() {
    let proxy = TestServer::start(CannedResponse::json(200, ANSWER)).await;
    let service = TestServer::start(CannedResponse::json(200, ANSWER)).await;
    for name in ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        std::env::set_var(name, proxy.url());
    }
    for name in ["NO_PROXY", "no_proxy"] {
        std::env::remove_var(name);
    }
    let request = DescribeDbInstanceAttributeRequest::builder().db_instance_id("rm-source").build().unwrap();

    // Loopback, with and without allow_http, by address and by name: straight to the service.
    let by_name = format!("http://localhost:{}", service.addr().port());
    for (endpoint, allow_http) in [(service.url(), false), (service.url(), true), (by_name, false)] {
        client(&endpoint, allow_http).send(&request).await.unwrap();
    }
    assert_eq!(service.requests().len(), 3);
    assert_eq!(proxy.connection_count(), 0, "the proxy saw a signed request: {:?}", proxy.requests());

    // A plain-HTTP endpoint elsewhere needs allow_http; with it, the environment's proxy is used (as the
    // caller's network requires), which the proxy's request line shows.
    assert!(Client::builder()
        .endpoint("http://rds.example.test")
        .credentials(Credentials::new("LTAI-test", "test-secret"))
        .build()
        .is_err());
    client("http://rds.example.test", true).send(&request).await.unwrap();
    let through = proxy.requests();
    assert_eq!(through.len(), 1);
    assert!(through[0].target.starts_with("http://rds.example.test/?"), "{}", through[0].target);
}
