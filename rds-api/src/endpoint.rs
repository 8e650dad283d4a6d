//! Which endpoint serves a region.
//!
//! The rule of Alibaba Cloud's official SDKs for RDS (legacy `aliyun-python-sdk-rds` and the current
//! `alibabacloud-rds20140815` agree): a region in the product's endpoint map ([`ENDPOINT_MAP`]) is served by
//! the host the map gives (the central `rds.aliyuncs.com` for most of them); any other region by
//! `rds.<region>.aliyuncs.com`. Endpoints are HTTPS.
//!
//! ```
//! use rds_api::endpoint;
//!
//! assert_eq!(endpoint::resolve("cn-hangzhou"), "https://rds.aliyuncs.com");
//! assert_eq!(endpoint::resolve("cn-zhangjiakou"), "https://rds.cn-zhangjiakou.aliyuncs.com");
//! assert_eq!(endpoint::resolve("cn-hangzhou-finance"), "https://rds-vpc.cn-hangzhou-finance.aliyuncs.com");
//! ```
//!
//! [`ClientBuilder::region`](crate::ClientBuilder::region) applies it;
//! [`ClientBuilder::endpoint`](crate::ClientBuilder::endpoint) overrides it.

use std::net::IpAddr;

/// The central host, which the map gives for most of its regions.
const CENTRAL: &str = "rds.aliyuncs.com";

/// The RDS product's endpoint map: region, host. Regions not in it are served by `rds.<region>.aliyuncs.com`.
///
/// Copied from the official SDKs (the same 45 entries in `aliyunsdkrds/endpoint.py` and
/// `alibabacloud_rds20140815/client.py`): `cn-hangzhou-finance` has its own host, every other listed region
/// (including internal and test zones) is served centrally.
pub const ENDPOINT_MAP: &[(&str, &str)] = &[
    ("cn-hangzhou-finance", "rds-vpc.cn-hangzhou-finance.aliyuncs.com"),
    ("cn-qingdao", CENTRAL),
    ("cn-beijing", CENTRAL),
    ("cn-hangzhou", CENTRAL),
    ("cn-shanghai", CENTRAL),
    ("cn-shenzhen", CENTRAL),
    ("cn-heyuan", CENTRAL),
    ("cn-hongkong", CENTRAL),
    ("ap-southeast-1", CENTRAL),
    ("us-west-1", CENTRAL),
    ("us-east-1", CENTRAL),
    ("cn-wuhan", CENTRAL),
    ("cn-zhangbei", CENTRAL),
    ("cn-fujian", CENTRAL),
    ("cn-edge-1", CENTRAL),
    ("cn-yushanfang", CENTRAL),
    ("cn-shanghai-finance-1", CENTRAL),
    ("cn-shenzhen-finance-1", CENTRAL),
    ("cn-beijing-finance-1", CENTRAL),
    ("cn-beijing-finance-pop", CENTRAL),
    ("cn-hongkong-finance-pop", CENTRAL),
    ("cn-north-2-gov-1", CENTRAL),
    ("cn-beijing-gov-1", CENTRAL),
    ("ap-northeast-2-pop", CENTRAL),
    ("rus-west-1-pop", CENTRAL),
    ("eu-west-1-oxs", CENTRAL),
    ("cn-shanghai-inner", CENTRAL),
    ("cn-shenzhen-inner", CENTRAL),
    ("cn-hangzhou-internal-prod-1", CENTRAL),
    ("cn-hangzhou-internal-test-1", CENTRAL),
    ("cn-hangzhou-internal-test-2", CENTRAL),
    ("cn-hangzhou-internal-test-3", CENTRAL),
    ("cn-shanghai-internal-test-1", CENTRAL),
    ("cn-hangzhou-test-306", CENTRAL),
    ("cn-hangzhou-bj-b01", CENTRAL),
    ("cn-beijing-nu16-b01", CENTRAL),
    ("cn-haidian-cm12-c01", CENTRAL),
    ("cn-qingdao-nebula", CENTRAL),
    ("cn-shanghai-et15-b01", CENTRAL),
    ("cn-shanghai-et2-b01", CENTRAL),
    ("cn-shenzhen-st4-d01", CENTRAL),
    ("cn-shenzhen-su18-b01", CENTRAL),
    ("cn-zhangbei-na61-b01", CENTRAL),
    ("cn-zhangjiakou-na62-a01", CENTRAL),
    ("cn-zhengzhou-nebula-1", CENTRAL),
];

/// The host that serves `region`: its [`ENDPOINT_MAP`] entry, else `rds.<region>.aliyuncs.com`.
///
/// The region is not checked (see [`is_valid_region`]); [`ClientBuilder`](crate::ClientBuilder) checks it.
///
/// ```
/// assert_eq!(rds_api::endpoint::host("ap-southeast-5"), "rds.ap-southeast-5.aliyuncs.com");
/// assert_eq!(rds_api::endpoint::host("us-east-1"), "rds.aliyuncs.com");
/// ```
pub fn host(region: &str) -> String {
    match ENDPOINT_MAP.iter().find(|(mapped, _)| *mapped == region) {
        Some((_, host)) => (*host).to_owned(),
        None => format!("rds.{region}.aliyuncs.com"),
    }
}

/// The HTTPS endpoint URL that serves `region`: `https://` and its [`host`].
///
/// ```
/// assert_eq!(rds_api::endpoint::resolve("cn-zhangjiakou"), "https://rds.cn-zhangjiakou.aliyuncs.com");
/// ```
pub fn resolve(region: &str) -> String {
    format!("https://{}", host(region))
}

/// Whether `region` looks like a region ID: non-empty, at most 63 characters of lowercase ASCII letters,
/// digits and dashes, neither starting nor ending with a dash (it becomes part of a host name).
///
/// ```
/// use rds_api::endpoint::is_valid_region;
///
/// assert!(is_valid_region("cn-hangzhou"));
/// assert!(!is_valid_region("CN-Hangzhou"));
/// assert!(!is_valid_region("cn_hangzhou"));
/// assert!(!is_valid_region(""));
/// ```
pub fn is_valid_region(region: &str) -> bool {
    region_problem(region).is_none()
}

/// Why `region` is not a region ID, if it is not one.
pub(crate) fn region_problem(region: &str) -> Option<&'static str> {
    if region.is_empty() {
        Some("it is empty")
    } else if !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        Some("only lowercase letters, digits and dashes are allowed")
    } else if region.starts_with('-') || region.ends_with('-') {
        Some("it must not start or end with a dash")
    } else if region.len() > 63 {
        Some("it is longer than 63 characters")
    } else {
        None
    }
}

/// Whether the URL's host is a loopback address (`127.0.0.0/8`, `::1`, `::ffff:127.x.y.z`) or `localhost`:
/// where plain HTTP stays on the machine.
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).to_canonical().is_loopback(),
        Some(url::Host::Domain(domain)) => {
            let domain = domain.strip_suffix('.').unwrap_or(domain);
            domain.eq_ignore_ascii_case("localhost")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_has_45_distinct_valid_regions() {
        assert_eq!(ENDPOINT_MAP.len(), 45);
        let mut regions: Vec<&str> = ENDPOINT_MAP.iter().map(|(region, _)| *region).collect();
        regions.sort_unstable();
        regions.dedup();
        assert_eq!(regions.len(), 45);
        assert!(regions.iter().all(|r| is_valid_region(r)), "{regions:?}");
        assert_eq!(ENDPOINT_MAP.iter().filter(|(_, host)| *host != CENTRAL).count(), 1);
    }

    #[test]
    fn loopback_hosts() {
        for url in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9",
            "http://[::ffff:127.0.0.1]",
            "http://localhost:1",
            "http://LOCALHOST.",
        ] {
            assert!(is_loopback(&url::Url::parse(url).unwrap()), "{url}");
        }
        for url in [
            "http://128.0.0.1",
            "http://10.0.0.1",
            "http://[::2]",
            "http://localhost.example.com",
            "http://rds.aliyuncs.com",
        ] {
            assert!(!is_loopback(&url::Url::parse(url).unwrap()), "{url}");
        }
    }

    #[test]
    fn region_problems() {
        assert_eq!(region_problem("cn-hangzhou"), None);
        assert_eq!(region_problem(""), Some("it is empty"));
        assert_eq!(region_problem("cn hangzhou"), Some("only lowercase letters, digits and dashes are allowed"));
        assert_eq!(region_problem("-cn"), Some("it must not start or end with a dash"));
        assert_eq!(region_problem(&"a".repeat(64)), Some("it is longer than 63 characters"));
        assert_eq!(region_problem(&"a".repeat(63)), None);
    }
}
