//! What a generated request writes, as a server reads it: query and body parameters in one map.

use std::collections::BTreeMap;

use rds_api::runtime::{Operation, Params};

/// The wire parameters `request` writes (its own, not the common ones), query and body together.
pub fn params_of(request: &impl Operation) -> BTreeMap<String, String> {
    let mut params = Params::new();
    request.write_params(&mut params);
    let mut all = params.query().clone();
    all.extend(params.body().clone());
    all
}
