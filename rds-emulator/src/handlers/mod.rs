//! The behaviour of each operation, and the table that routes an Action to it.
//!
//! Adding an operation is one handler function and one entry in [`TABLE`]. A handler starts with
//! `let req = decode::<rds_api::XRequest>(params)?;`: decoding and validation come from the same YAML specs
//! as the client's request types (rds-api's `server` feature), so the emulator holds no copy of the rules.
//! It then reads or changes the caller's world through [`Ctx`] and returns the answer's fields; the
//! pipeline adds `RequestId`.

mod databases;
mod import;
mod instance_list;
mod instances;

use std::collections::BTreeMap;
use std::time::SystemTime;

use rds_api::runtime::FromParams;
use serde_json::Value;

use crate::errors::ApiError;
use crate::state::{Account, Instance, State};

/// Wire parameters of a request: query and form body together.
pub(crate) type Params = BTreeMap<String, String>;

/// The fields of a successful answer as a JSON object (without `RequestId`), or the error to answer with.
pub(crate) type Reply = Result<Value, ApiError>;

/// One operation's behaviour.
pub(crate) type Handler = fn(&mut Ctx<'_>, &Params) -> Reply;

/// Action -> behaviour.
const TABLE: &[(&str, Handler)] = &[
    ("CancelImport", import::cancel_import),
    ("DescribeDBInstances", instance_list::describe_db_instances),
    ("DescribeDBInstanceAttribute", instances::describe_db_instance_attribute),
    ("DescribeDatabases", databases::describe_databases),
    ("DescribeResourceUsage", instances::describe_resource_usage),
    ("ImportDatabaseBetweenInstances", import::import_database_between_instances),
];

/// Every Action the rds-api specs define, handled or not (generated from `api-specs/`). An Action here without
/// a handler is `UnsupportedOperation` rather than `InvalidApi.NotFound`.
const SPEC_ACTIONS: &[&str] = rds_api::operations::ACTIONS;

/// Every Action the real RDS API has or had (`data/rds-actions.txt`: one name a line, `withdrawn` after the
/// ones current SDKs no longer have, `#` comments). An Action here without a handler is `UnsupportedOperation`
/// naming it, so a client can tell "not emulated" from a misspelt Action (`InvalidApi.NotFound`).
const REAL_ACTIONS: &str = include_str!("../../data/rds-actions.txt");

/// Whether the real service has (or had) `action`, and whether it was withdrawn.
fn real_action(action: &str) -> Option<RealAction> {
    REAL_ACTIONS.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(action)).then(|| {
            if words.next() == Some("withdrawn") {
                RealAction::Withdrawn
            } else {
                RealAction::Current
            }
        })
    })
}

/// How the real service knows an Action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RealAction {
    /// In Alibaba's current SDKs.
    Current,
    /// Withdrawn from current SDKs, still documented or callable through a generic RPC call.
    Withdrawn,
}

/// What a handler works on: the caller's account within the state, and the emulator time.
pub(crate) struct Ctx<'a> {
    /// The whole state (imports and ImportIds are global).
    pub(crate) state: &'a mut State,
    /// The caller's account name.
    pub(crate) account: &'a str,
    /// The emulator clock's time.
    pub(crate) now: SystemTime,
}

impl Ctx<'_> {
    /// The caller's account. It exists: the caller was authenticated against it, unless a test removed it
    /// since, which reads as an unknown key.
    pub(crate) fn account(&self) -> Result<&Account, ApiError> {
        self.state.account(self.account).ok_or_else(ApiError::access_key_not_found)
    }

    /// The caller's instance `id`; another account's instance is as absent as a missing one.
    pub(crate) fn instance(&self, id: &str) -> Result<&Instance, ApiError> {
        self.account()?.instance(id).ok_or_else(|| ApiError::instance_not_found(id))
    }

    /// The caller's instance `id`, to change it.
    pub(crate) fn instance_mut(&mut self, id: &str) -> Result<&mut Instance, ApiError> {
        self.state
            .account_mut(self.account)
            .ok_or_else(ApiError::access_key_not_found)?
            .instance_mut(id)
            .ok_or_else(|| ApiError::instance_not_found(id))
    }
}

/// Decodes and validates the request type `T` from the wire parameters, with the generated code of the
/// specs. A missing required parameter is `MissingParameter` naming it; any other violation is
/// `InvalidParameter` listing every violation.
pub(crate) fn decode<T: FromParams>(params: &Params) -> Result<T, ApiError> {
    T::from_params(params).map_err(|err| ApiError::from_validation(&err))
}

/// The handler of `action` at API `version`.
pub(crate) fn route(action: &str, version: &str) -> Result<Handler, ApiError> {
    if version != rds_api::operations::API_VERSION {
        return Err(ApiError::api_not_found(action, version));
    }
    match TABLE.iter().find(|(name, _)| *name == action) {
        Some((_, handler)) => Ok(*handler),
        None => Err(unhandled(action, SPEC_ACTIONS)),
    }
}

/// The error for an Action without a handler: an operation of the real service (or of the specs) that the
/// emulator does not emulate, or no operation at all.
fn unhandled(action: &str, spec_actions: &[&str]) -> ApiError {
    match real_action(action) {
        Some(kind) => ApiError::unsupported_operation(action, kind),
        None if spec_actions.contains(&action) => ApiError::unsupported_operation(action, RealAction::Current),
        None => ApiError::api_not_found(action, rds_api::operations::API_VERSION),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handled_action_is_a_spec_action() {
        for (action, _) in TABLE {
            assert!(SPEC_ACTIONS.contains(action), "{action}");
        }
    }

    #[test]
    fn routing() {
        assert!(route("DescribeDatabases", "2014-08-15").is_ok());
        assert_eq!(route("DescribeDatabases", "2015-01-01").err().unwrap().code, "InvalidApi.NotFound");
        assert_eq!(route("NoSuchAction", "2014-08-15").err().unwrap().code, "InvalidApi.NotFound");
        let err = unhandled("CancelImport", &["CancelImport"]);
        assert_eq!((err.code.as_str(), err.status), ("UnsupportedOperation", 400));
    }

    #[test]
    fn the_real_action_list_is_complete_and_well_formed() {
        let names: Vec<&str> =
            REAL_ACTIONS.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_whitespace().next()).collect();
        assert_eq!(names.len(), 423, "413 current and 10 withdrawn operations");
        for line in REAL_ACTIONS.lines().filter(|l| !l.starts_with('#')) {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert!(matches!(words.as_slice(), [_] | [_, "withdrawn"]), "{line:?}");
        }
        assert_eq!(real_action("CreateDatabase"), Some(RealAction::Current));
        assert_eq!(real_action("ImportDatabaseBetweenInstances"), Some(RealAction::Withdrawn));
        assert_eq!(real_action("CreateDatabse"), None);
        // Every operation of the specs is a real one.
        for action in SPEC_ACTIONS {
            assert!(real_action(action).is_some(), "{action}");
        }
    }
}
