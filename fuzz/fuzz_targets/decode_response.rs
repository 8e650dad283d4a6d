//! Decoding an answer never panics: any bytes into every generated response type of rds-api (decoding may
//! fail, only with an error). The unbounded twin of `tests/tests/proptest_decode.rs`. Seed the corpus with
//! real answers (see README.md).
#![no_main]

use libfuzzer_sys::fuzz_target;
use rds_api::{
    CancelImportResponse, DescribeDatabasesResponse, DescribeDbInstanceAttributeResponse, DescribeDbInstancesResponse,
    DescribeResourceUsageResponse, ImportDatabaseBetweenInstancesResponse,
};

fuzz_target!(|data: &[u8]| {
    let _ = rds_api::runtime::de::from_slice::<DescribeDbInstanceAttributeResponse>(data);
    let _ = rds_api::runtime::de::from_slice::<DescribeDbInstancesResponse>(data);
    let _ = rds_api::runtime::de::from_slice::<DescribeDatabasesResponse>(data);
    let _ = rds_api::runtime::de::from_slice::<DescribeResourceUsageResponse>(data);
    let _ = rds_api::runtime::de::from_slice::<ImportDatabaseBetweenInstancesResponse>(data);
    let _ = rds_api::runtime::de::from_slice::<CancelImportResponse>(data);
    // Pretty-printed again when the bytes are JSON: the same values with other whitespace.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let pretty = serde_json::to_vec_pretty(&value).unwrap_or_default();
        let _ = rds_api::runtime::de::from_slice::<DescribeDbInstancesResponse>(&pretty);
        let _ = rds_api::runtime::de::from_slice::<DescribeDatabasesResponse>(&pretty);
    }
});
