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
    let _ = serde_json::from_slice::<DescribeDbInstanceAttributeResponse>(data);
    let _ = serde_json::from_slice::<DescribeDbInstancesResponse>(data);
    let _ = serde_json::from_slice::<DescribeDatabasesResponse>(data);
    let _ = serde_json::from_slice::<DescribeResourceUsageResponse>(data);
    let _ = serde_json::from_slice::<ImportDatabaseBetweenInstancesResponse>(data);
    let _ = serde_json::from_slice::<CancelImportResponse>(data);
    // The same bytes as a JSON value first, then into the types (the path serde_json::Value takes).
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = serde_json::from_value::<DescribeDbInstanceAttributeResponse>(value.clone());
        let _ = serde_json::from_value::<DescribeDbInstancesResponse>(value.clone());
        let _ = serde_json::from_value::<DescribeDatabasesResponse>(value.clone());
        let _ = serde_json::from_value::<DescribeResourceUsageResponse>(value.clone());
        let _ = serde_json::from_value::<ImportDatabaseBetweenInstancesResponse>(value.clone());
        let _ = serde_json::from_value::<CancelImportResponse>(value);
    }
});
