//! DescribeDBInstances: the caller's instances of a region, filtered, paged by number or by token.
//!
//! Instances are listed by creation time (`created_at`; instances without one come last), then by ID: a
//! total order, so pages are stable. A NextToken is opaque: it carries the sort key of the last instance
//! listed, sealed with an HMAC over the caller's account and the request's filters, so a token the emulator
//! did not issue, or issued for other filters or another account, is refused. The next page starts after that
//! key, so an instance that exists during the whole paging is listed exactly once, even if others are added
//! or removed between pages.

use std::time::UNIX_EPOCH;

use rds_api::DescribeDbInstancesRequest;
use serde_json::{json, Value};

use super::{decode, Ctx, Params, Reply};
use crate::errors::ApiError;
use crate::regions;
use crate::state::Instance;

/// Page size (`PageSize`, `MaxResults`) when the request gives none.
const DEFAULT_PAGE_SIZE: usize = 30;

/// How the request pages.
#[derive(Debug, PartialEq, Eq)]
enum Paging<'a> {
    /// `PageNumber` (from 1) and `PageSize`.
    Number { number: usize, size: usize },
    /// `NextToken` (absent or empty: the first page) and `MaxResults`.
    Token { token: Option<&'a str>, size: usize },
}

/// The paging style of `req`: by token when it sends `NextToken` (even empty) or `MaxResults`, else by
/// number. Both at once is `InvalidParameter`.
fn paging(req: &DescribeDbInstancesRequest) -> Result<Paging<'_>, ApiError> {
    let number: Vec<&str> = [("PageNumber", req.page_number.is_some()), ("PageSize", req.page_size.is_some())]
        .into_iter()
        .filter_map(|(name, sent)| sent.then_some(name))
        .collect();
    let token: Vec<&str> = [("NextToken", req.next_token.is_some()), ("MaxResults", req.max_results.is_some())]
        .into_iter()
        .filter_map(|(name, sent)| sent.then_some(name))
        .collect();
    // The spec bounds the numbers to at least 1 (validated before we get here).
    let count = |value: Option<i32>, default: usize| value.map_or(default, |n| usize::try_from(n).unwrap_or(default));
    match (number.is_empty(), token.is_empty()) {
        (false, false) => Err(ApiError::paging_styles_mixed(&number, &token)),
        (_, true) => {
            Ok(Paging::Number { number: count(req.page_number, 1), size: count(req.page_size, DEFAULT_PAGE_SIZE) })
        }
        (true, false) => Ok(Paging::Token {
            token: req.next_token.as_deref().filter(|t| !t.is_empty()),
            size: count(req.max_results, DEFAULT_PAGE_SIZE),
        }),
    }
}

/// The filters of `req` as (wire name, value), in a fixed order: what selects the instances, and what a
/// NextToken is bound to. Filters the emulator ignores are here too, so changing any filter between pages
/// invalidates the token.
fn filters(req: &DescribeDbInstancesRequest) -> Vec<(&'static str, &str)> {
    let optional = [
        ("Engine", &req.engine),
        ("DBInstanceStatus", &req.db_instance_status),
        ("DBInstanceId", &req.db_instance_id),
        ("DBInstanceType", &req.db_instance_type),
        ("DBInstanceClass", &req.db_instance_class),
        ("EngineVersion", &req.engine_version),
        ("Category", &req.category),
        ("InstanceNetworkType", &req.instance_network_type),
        ("ConnectionMode", &req.connection_mode),
        ("ConnectionString", &req.connection_string),
        ("SearchKey", &req.search_key),
        ("Expired", &req.expired),
        ("ZoneId", &req.zone_id),
        ("VpcId", &req.vpc_id),
        ("VSwitchId", &req.v_switch_id),
        ("ResourceGroupId", &req.resource_group_id),
        ("DedicatedHostGroupId", &req.dedicated_host_group_id),
        ("DedicatedHostId", &req.dedicated_host_id),
        ("PayType", &req.pay_type),
        ("Tags", &req.tags),
        ("proxyId", &req.proxy_id),
    ];
    let mut all = vec![("RegionId", req.region_id.as_str())];
    all.extend(optional.into_iter().filter_map(|(name, value)| value.as_deref().map(|v| (name, v))));
    all
}

/// Whether `instance` passes the filters the emulator applies. The others (network, connection, VPC,
/// vSwitch, resource group, dedicated cluster and host, tags, proxy) are accepted and ignored: the state has
/// no such data.
fn selected(req: &DescribeDbInstancesRequest, instance: &Instance) -> bool {
    let is = |filter: &Option<String>, value: &str| filter.as_deref().is_none_or(|f| f == value);
    let ids: Option<Vec<&str>> = req
        .db_instance_id
        .as_deref()
        .map(|ids| ids.split(',').map(str::trim).filter(|id| !id.is_empty()).collect())
        .filter(|ids: &Vec<&str>| !ids.is_empty());
    let search = req.search_key.as_deref().map(str::to_lowercase);
    instance.region_id == req.region_id
        && req.engine.as_deref().is_none_or(|engine| engine.eq_ignore_ascii_case(&instance.engine))
        && is(&req.db_instance_status, &instance.status)
        && ids.is_none_or(|ids| ids.contains(&instance.id.as_str()))
        // Every emulated instance is a primary one, billed pay-as-you-go, which never expires.
        && is(&req.db_instance_type, "Primary")
        && is(&req.pay_type, "Postpaid")
        && req.expired.as_deref().is_none_or(|expired| !expired.eq_ignore_ascii_case("true"))
        && req.db_instance_class.as_deref().is_none_or(|class| instance.instance_class.as_deref() == Some(class))
        && is(&req.engine_version, &instance.engine_version)
        && is(&req.category, &instance.category)
        && is(&req.zone_id, &instance.zone_id)
        && search.is_none_or(|key| {
            instance.id.to_lowercase().contains(&key)
                || instance.description.as_deref().is_some_and(|d| d.to_lowercase().contains(&key))
        })
}

/// Where an instance is in the listing order: instances with a creation time first, by that time
/// (nanoseconds since the Unix epoch; an earlier time counts as the epoch), then by ID.
type SortKey<'a> = (bool, u128, &'a str);

fn sort_key(instance: &Instance) -> SortKey<'_> {
    let created = instance.created_at.map(|t| t.duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos());
    (created.is_none(), created.unwrap_or_default(), instance.id.as_str())
}

/// One `DBInstance` element, with the service's field names and types. `Category` only with
/// `InstanceLevel=1`, as the service does; `CreateTime` only when the state knows it.
fn element(instance: &Instance, with_category: bool) -> Value {
    let mut element = json!({
        "DBInstanceId": instance.id,
        "DBInstanceDescription": instance.description.as_deref().unwrap_or_default(),
        "Engine": instance.engine,
        "EngineVersion": instance.engine_version,
        "DBInstanceStatus": instance.status,
        "DBInstanceClass": instance.instance_class.as_deref().unwrap_or_default(),
        "DBInstanceType": "Primary",
        "LockMode": instance.lock_mode,
        "LockReason": super::instances::lock_reason(instance),
        "DBInstanceStorageType": "cloud_essd",
        "RegionId": instance.region_id,
        "ZoneId": instance.zone_id,
        "PayType": "Postpaid",
        "ReadOnlyDBInstanceIds": { "ReadOnlyDBInstanceId": [] },
    });
    if with_category {
        element["Category"] = instance.category.clone().into();
    }
    if let Some(created) = instance.created_at {
        element["CreateTime"] = humantime::format_rfc3339_seconds(created).to_string().into();
    }
    element
}

pub(super) fn describe_db_instances(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<DescribeDbInstancesRequest>(params)?;
    let paging = paging(&req)?;
    let filters = filters(&req);
    let resume = match paging {
        Paging::Token { token: Some(token), .. } => {
            Some(token::redeem(token, ctx.account, &filters).ok_or_else(ApiError::invalid_next_token)?)
        }
        _ => None,
    };
    if !regions::region_exists(ctx.state, &req.region_id) {
        return Err(ApiError::region_not_found(&req.region_id));
    }
    let mut matching: Vec<&Instance> = ctx.account()?.instances.iter().filter(|i| selected(&req, i)).collect();
    matching.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    let with_category = req.instance_level == Some(1);
    let items = |page: &[&Instance]| page.iter().map(|i| element(i, with_category)).collect::<Vec<_>>();

    match paging {
        Paging::Number { number, size } => {
            let start = number.saturating_sub(1).saturating_mul(size).min(matching.len());
            let page = &matching[start..start.saturating_add(size).min(matching.len())];
            Ok(json!({
                "TotalRecordCount": matching.len(),
                "PageNumber": number,
                "PageRecordCount": page.len(),
                "Items": { "DBInstance": items(page) },
            }))
        }
        Paging::Token { size, .. } => {
            // After the last instance of the previous page.
            let start = resume.map_or(0, |after| matching.partition_point(|i| sort_key(i) <= after.as_key()));
            let end = start.saturating_add(size).min(matching.len());
            let page = &matching[start..end];
            let mut answer = json!({
                "PageRecordCount": page.len(),
                "Items": { "DBInstance": items(page) },
            });
            // No NextToken on the last page.
            if let Some(last) = page.last().filter(|_| end < matching.len()) {
                answer["NextToken"] = token::issue(ctx.account, &filters, sort_key(last)).into();
            }
            Ok(answer)
        }
    }
}

/// NextTokens: `base64url(undated "." nanoseconds "." ID) "." base64url(HMAC-SHA1 tag)`: the sort key of
/// the last instance listed, and a tag over the account, the filters and that key, keyed by a secret of the
/// process. Stateless, so a token stays valid for as long as the process runs.
mod token {
    use std::sync::OnceLock;

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use hmac::{Hmac, Mac};
    use sha1::Sha1;

    use super::SortKey;

    /// Bytes of the HMAC kept in a token.
    const TAG_BYTES: usize = 16;

    /// The sort key of the last instance of the previous page: the next page starts after it.
    #[derive(Debug, PartialEq, Eq)]
    pub(super) struct After {
        undated: bool,
        created: u128,
        id: String,
    }

    impl After {
        pub(super) fn as_key(&self) -> SortKey<'_> {
            (self.undated, self.created, &self.id)
        }
    }

    /// The secret tokens are sealed with, random per process.
    fn key() -> &'static [u8; 16] {
        static KEY: OnceLock<[u8; 16]> = OnceLock::new();
        KEY.get_or_init(|| *uuid::Uuid::new_v4().as_bytes())
    }

    fn mac(account: &str, filters: &[(&str, &str)], payload: &str) -> Hmac<Sha1> {
        let mut mac = Hmac::<Sha1>::new_from_slice(key()).expect("HMAC takes any key length");
        // Length-prefixed, so no two different inputs produce the same message.
        let mut field = |value: &str| {
            mac.update(value.len().to_string().as_bytes());
            mac.update(b":");
            mac.update(value.as_bytes());
        };
        field("DescribeDBInstances");
        field(account);
        for (name, value) in filters {
            field(name);
            field(value);
        }
        field(payload);
        mac
    }

    /// A token for the page after the instance whose sort key is `last`.
    pub(super) fn issue(account: &str, filters: &[(&str, &str)], last: SortKey<'_>) -> String {
        let (undated, created, id) = last;
        let payload = format!("{}.{created}.{id}", u8::from(undated));
        let tag = mac(account, filters, &payload).finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES]))
    }

    /// Where the page of `token` starts, if this process issued it to `account` for these `filters`.
    pub(super) fn redeem(token: &str, account: &str, filters: &[(&str, &str)]) -> Option<After> {
        let (payload, tag) = token.split_once('.')?;
        let payload = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        if tag.len() != TAG_BYTES {
            return None;
        }
        mac(account, filters, &payload).verify_truncated_left(&tag).ok()?;
        let mut parts = payload.splitn(3, '.');
        let undated = match parts.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        Some(After { undated, created: parts.next()?.parse().ok()?, id: parts.next()?.to_owned() })
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_token_is_opaque_and_bound_to_account_and_filters() {
            let filters = [("RegionId", "cn-hangzhou"), ("Engine", "MySQL")];
            let token = issue("demo", &filters, (false, 1_700_000_000_000_000_000, "rm-030"));
            assert!(!token.contains("rm-030") && !token.contains("1700000000"), "{token}");
            let after = redeem(&token, "demo", &filters).unwrap();
            assert_eq!(after.as_key(), (false, 1_700_000_000_000_000_000, "rm-030"));
            let undated = issue("demo", &filters, (true, 0, "rm.with.dots"));
            assert_eq!(redeem(&undated, "demo", &filters).unwrap().as_key(), (true, 0, "rm.with.dots"));

            assert_eq!(redeem(&token, "other", &filters), None);
            assert_eq!(redeem(&token, "demo", &filters[..1]), None);
            assert_eq!(redeem(&token, "demo", &[("RegionId", "cn-hangzhou"), ("Engine", "SQLServer")]), None);
            let tampered = format!("{}.{}", URL_SAFE_NO_PAD.encode("0.0.rm-030"), token.split_once('.').unwrap().1);
            for forged in
                ["30", "", ".", "MC4wLnJtLTAzMA.AAAAAAAAAAAAAAAAAAAAAA", &tampered, &token[1..], &format!("{token}x")]
            {
                assert_eq!(redeem(forged, "demo", &filters), None, "{forged}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(
        build: impl FnOnce(rds_api::DescribeDbInstancesRequestBuilder) -> rds_api::DescribeDbInstancesRequestBuilder,
    ) -> DescribeDbInstancesRequest {
        build(DescribeDbInstancesRequest::builder().region_id("cn-hangzhou")).build().unwrap()
    }

    #[test]
    fn paging_styles() {
        assert_eq!(paging(&request(|b| b)), Ok(Paging::Number { number: 1, size: 30 }));
        assert_eq!(paging(&request(|b| b.page_number(3))), Ok(Paging::Number { number: 3, size: 30 }));
        assert_eq!(paging(&request(|b| b.max_results(5))), Ok(Paging::Token { token: None, size: 5 }));
        assert_eq!(paging(&request(|b| b.next_token(""))), Ok(Paging::Token { token: None, size: 30 }));
        assert_eq!(paging(&request(|b| b.next_token("t"))), Ok(Paging::Token { token: Some("t"), size: 30 }));
        let mixed = paging(&request(|b| b.page_size(10).next_token("t"))).unwrap_err();
        assert_eq!(mixed.code, "InvalidParameter");
        assert!(mixed.message.contains("PageSize") && mixed.message.contains("NextToken"), "{}", mixed.message);
    }
}
