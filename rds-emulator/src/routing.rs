//! What answers an Action: its emulation, or, for an operation of the real service the emulator does not
//! emulate, the generated server code's validation and then `UnsupportedOperation`; anything else is
//! `InvalidApi.NotFound`.
//!
//! Every operation of the specs has an entry in rds-api's generated `SERVER_OPERATIONS` (decoding and
//! validation from the same YAML as the client's), so a request to an operation without emulation is still
//! checked like a real one: a client learns of a missing or invalid parameter before it learns that the
//! emulator cannot go further.

use rds_api::runtime::ServerOperation;

use crate::errors::ApiError;
use crate::handlers::{self, Handler, Params};

/// The server side of every operation of the specs (generated from `api-specs/`).
static SPEC_OPERATIONS: &[ServerOperation] = rds_api::operations::SERVER_OPERATIONS;

/// How the real service knows an Action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RealAction {
    /// In Alibaba's current SDKs.
    Current,
    /// Withdrawn from current SDKs, still documented or callable through a generic RPC call.
    Withdrawn,
}

/// The handler of `action` at API `version`. For an operation of the real service without one: the
/// validation error of `params` (when the specs have the operation), else `UnsupportedOperation` naming it;
/// nothing is run and the state is not touched.
pub(crate) fn route(action: &str, version: &str, params: &Params) -> Result<Handler, ApiError> {
    if version != rds_api::operations::API_VERSION {
        return Err(ApiError::api_not_found(action, version));
    }
    if let Some(handler) = handlers::handler(action) {
        return Ok(handler);
    }
    match spec_operation(action) {
        Some(operation) => {
            operation.validate(params).map_err(|invalid| ApiError::from_validation(&invalid))?;
            // A withdrawn operation is `deprecated` in its spec; the message says so.
            let kind = if operation.deprecated { RealAction::Withdrawn } else { RealAction::Current };
            Err(ApiError::unsupported_operation(action, kind))
        }
        None => Err(ApiError::api_not_found(action, version)),
    }
}

/// The generated server side of `action`, if the specs have it.
fn spec_operation(action: &str) -> Option<&'static ServerOperation> {
    SPEC_OPERATIONS.iter().find(|operation| operation.action == action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn withdrawn(action: &str) -> bool {
        spec_operation(action).is_some_and(|operation| operation.deprecated)
    }

    fn withdrawn_actions() -> impl Iterator<Item = &'static str> {
        SPEC_OPERATIONS.iter().filter(|operation| operation.deprecated).map(|operation| operation.action)
    }

    fn refusal(action: &str, params: &[(&str, &str)]) -> ApiError {
        let params = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        route(action, "2014-08-15", &params).err().unwrap_or_else(|| panic!("{action} is emulated"))
    }

    #[test]
    fn every_emulated_action_is_an_operation_of_the_specs() {
        for (action, _) in handlers::TABLE {
            assert!(spec_operation(action).is_some(), "{action}");
        }
    }

    #[test]
    fn the_withdrawn_list_is_the_ten_historical_operations() {
        let names: Vec<&str> = withdrawn_actions().collect();
        assert_eq!(names.len(), 10, "{names:?}");
        assert!(withdrawn("ImportDatabaseBetweenInstances") && withdrawn("DescribeImportsForSQLServer"));
        assert!(!withdrawn("CreateDatabase"));
    }

    #[test]
    fn unknown_actions_and_versions_are_not_found() {
        let none = Params::new();
        assert!(route("DescribeDatabases", "2014-08-15", &none).is_ok());
        assert_eq!(route("DescribeDatabases", "2015-01-01", &none).err().unwrap().code, "InvalidApi.NotFound");
        assert_eq!(refusal("CreateDatabse", &[]).code, "InvalidApi.NotFound");
    }

    #[test]
    fn a_real_operation_without_emulation_is_validated_then_unsupported() {
        // Withdrawn, without behaviour: its spec says so.
        let err =
            refusal("DescribeImportsForSQLServer", &[("DBInstanceId", "rm-1"), ("StartTime", "x"), ("EndTime", "y")]);
        assert_eq!((err.code.as_str(), err.status), ("UnsupportedOperation", 400), "{}", err.message);
        assert!(err.message.contains("withdrawn"), "{}", err.message);
        // Any operation of the specs without behaviour: a missing parameter comes first.
        if let Some(operation) = SPEC_OPERATIONS.iter().find(|op| handlers::handler(op.action).is_none()) {
            let err = refusal(operation.action, &[]);
            assert!(
                ["MissingParameter", "UnsupportedOperation"].contains(&err.code.as_str()),
                "{}: {}",
                operation.action,
                err.code
            );
        }
    }
}
