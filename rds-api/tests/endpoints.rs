//! Region -> endpoint resolution, the explicit override, and plain HTTP only where it is allowed.

use rds_api::client::{BuildError, Client, ClientBuilder, DEFAULT_ENDPOINT};
use rds_api::credentials::Credentials;
use rds_api::endpoint::{self, ENDPOINT_MAP};

fn builder() -> ClientBuilder {
    Client::builder().credentials(Credentials::new("id", "secret"))
}

#[test]
fn central_regions_of_the_map() {
    for region in
        ["cn-hangzhou", "cn-beijing", "cn-shanghai", "cn-hongkong", "ap-southeast-1", "us-east-1", "us-west-1"]
    {
        assert_eq!(endpoint::host(region), "rds.aliyuncs.com", "{region}");
        assert_eq!(endpoint::resolve(region), "https://rds.aliyuncs.com", "{region}");
    }
    for region in ["cn-shanghai-finance-1", "cn-north-2-gov-1", "eu-west-1-oxs", "cn-zhangjiakou-na62-a01"] {
        assert_eq!(endpoint::resolve(region), "https://rds.aliyuncs.com", "{region}");
    }
}

#[test]
fn the_finance_region_has_its_own_host() {
    assert_eq!(endpoint::resolve("cn-hangzhou-finance"), "https://rds-vpc.cn-hangzhou-finance.aliyuncs.com");
}

#[test]
fn other_regions_are_regional() {
    for region in [
        "cn-zhangjiakou",
        "ap-southeast-5",
        "cn-chengdu",
        "cn-guangzhou",
        "ap-northeast-1",
        "eu-central-1",
        "eu-west-1",
    ] {
        assert_eq!(endpoint::resolve(region), format!("https://rds.{region}.aliyuncs.com"));
    }
    assert_eq!(endpoint::host("me-east-1"), "rds.me-east-1.aliyuncs.com");
}

#[test]
fn the_map_is_the_sdks_45_entries() {
    assert_eq!(ENDPOINT_MAP.len(), 45);
    for (region, host) in ENDPOINT_MAP {
        assert_eq!(endpoint::host(region), *host);
        assert!(endpoint::is_valid_region(region), "{region}");
    }
}

#[test]
fn the_builder_derives_the_endpoint_from_the_region() {
    let client = builder().region("cn-zhangjiakou").build().unwrap();
    assert_eq!(client.endpoint(), "https://rds.cn-zhangjiakou.aliyuncs.com/");
    let client = builder().region("cn-hangzhou").build().unwrap();
    assert_eq!(client.endpoint(), "https://rds.aliyuncs.com/");
    let client = builder().region("ap-southeast-5").build().unwrap();
    assert_eq!(client.endpoint(), "https://rds.ap-southeast-5.aliyuncs.com/");
    // Neither region nor endpoint: the default.
    assert_eq!(builder().build().unwrap().endpoint(), format!("{DEFAULT_ENDPOINT}/"));
}

#[test]
fn an_explicit_endpoint_wins_over_the_region() {
    for client in [
        builder().region("cn-zhangjiakou").endpoint("https://rds-vpc.cn-zhangjiakou.aliyuncs.com").build().unwrap(),
        builder().endpoint("https://rds-vpc.cn-zhangjiakou.aliyuncs.com").region("cn-zhangjiakou").build().unwrap(),
    ] {
        assert_eq!(client.endpoint(), "https://rds-vpc.cn-zhangjiakou.aliyuncs.com/");
    }
    let client = builder().region("cn-hangzhou").endpoint("http://127.0.0.1:8080").build().unwrap();
    assert_eq!(client.endpoint(), "http://127.0.0.1:8080/");
}

#[test]
fn invalid_regions_are_refused() {
    for (region, reason) in [
        ("", "it is empty"),
        ("CN-Hangzhou", "only lowercase letters, digits and dashes are allowed"),
        ("cn_hangzhou", "only lowercase letters, digits and dashes are allowed"),
        ("cn-hangzhou.evil.example", "only lowercase letters, digits and dashes are allowed"),
        ("cn-hangzhou/", "only lowercase letters, digits and dashes are allowed"),
        ("-cn-hangzhou", "it must not start or end with a dash"),
    ] {
        assert!(!endpoint::is_valid_region(region), "{region:?}");
        let err = builder().region(region).build().unwrap_err();
        let BuildError::InvalidRegion { region: shown, reason: why } = &err else {
            panic!("expected an invalid region, got {err:?}");
        };
        assert_eq!((shown.as_str(), why.as_str()), (region, reason));
        assert_eq!(err.to_string(), format!("invalid region {region:?}: {reason}"));
        // Even when an explicit endpoint makes the region unnecessary.
        assert!(matches!(
            builder().region(region).endpoint("https://rds.aliyuncs.com").build(),
            Err(BuildError::InvalidRegion { .. })
        ));
    }
}

#[test]
fn plain_http_to_a_public_host_is_refused_unless_allowed() {
    // (endpoint as given, the endpoint a client built with `allow_http(true)` uses)
    for (endpoint, normalized) in [
        ("http://rds.aliyuncs.com", "http://rds.aliyuncs.com/"),
        // The scheme's default port, written out or not, is the same endpoint and the same refusal.
        ("http://rds.aliyuncs.com:80", "http://rds.aliyuncs.com/"),
        ("http://rds.aliyuncs.com:80/", "http://rds.aliyuncs.com/"),
        ("HTTP://RDS.ALIYUNCS.COM", "http://rds.aliyuncs.com/"),
        (" http://rds.aliyuncs.com:80 ", "http://rds.aliyuncs.com/"),
        ("http://10.0.0.8:8080", "http://10.0.0.8:8080/"),
        ("http://10.0.0.8", "http://10.0.0.8/"),
        ("http://[2001:db8::1]", "http://[2001:db8::1]/"),
        ("http://[2001:db8::1]:80", "http://[2001:db8::1]/"),
        ("http://localhost.evil.example", "http://localhost.evil.example/"),
        ("http://localhost.evil.example:80", "http://localhost.evil.example/"),
    ] {
        let err = builder().endpoint(endpoint).build().unwrap_err();
        assert!(matches!(&err, BuildError::InsecureEndpoint { endpoint: shown } if shown == endpoint), "{err:?}");
        assert!(err.to_string().contains("allow_http(true)"), "{err}");
        assert!(matches!(
            builder().endpoint(endpoint).allow_http(false).build(),
            Err(BuildError::InsecureEndpoint { .. })
        ));

        let client = builder().endpoint(endpoint).allow_http(true).build().unwrap();
        assert_eq!(client.endpoint(), normalized, "{endpoint:?}");
    }
}

#[test]
fn plain_http_to_loopback_is_allowed() {
    for (endpoint, normalized) in [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://127.0.0.1:9/", "http://127.0.0.1:9/"),
        ("http://127.0.0.1", "http://127.0.0.1/"),
        ("http://127.0.0.1:80", "http://127.0.0.1/"),
        ("http://127.1.2.3", "http://127.1.2.3/"),
        ("http://[::1]:8080", "http://[::1]:8080/"),
        ("http://[::1]", "http://[::1]/"),
        ("http://localhost:8080", "http://localhost:8080/"),
        ("http://localhost", "http://localhost/"),
    ] {
        let client = builder().endpoint(endpoint).build().unwrap_or_else(|e| panic!("{endpoint}: {e}"));
        assert_eq!(client.endpoint(), normalized, "{endpoint:?}");
    }
}

#[test]
fn https_needs_no_permission() {
    for (endpoint, normalized) in [
        ("https://rds.aliyuncs.com", "https://rds.aliyuncs.com/"),
        ("https://rds.aliyuncs.com:443", "https://rds.aliyuncs.com/"),
        ("https://127.0.0.1:8443", "https://127.0.0.1:8443/"),
        ("https://rds.example.com:8443/base/", "https://rds.example.com:8443/base/"),
    ] {
        let client = builder().endpoint(endpoint).build().unwrap_or_else(|e| panic!("{endpoint}: {e}"));
        assert_eq!(client.endpoint(), normalized, "{endpoint:?}");
    }
}
