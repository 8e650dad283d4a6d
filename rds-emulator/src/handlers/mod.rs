//! The behaviour of each emulated operation, and the table from Action to handler.
//!
//! Adding an operation is one handler function and one entry in [`TABLE`]. A handler starts with
//! `let req = decode::<rds_api::XRequest>(params)?;`: decoding and validation come from the same YAML specs
//! as the client's request types (rds-api's `server` feature), so the emulator holds no copy of the rules.
//! It then reads or changes the caller's world through [`Ctx`] and returns the answer's fields; the
//! pipeline adds `RequestId`. Operations without a handler are answered by `crate::routing`.

mod accounts;
mod databases;
mod import;
mod instance_list;
mod instances;
mod privileges;
mod regions;

use std::collections::BTreeMap;
use std::time::SystemTime;

use rds_api::runtime::FromParams;
use serde_json::Value;

use crate::errors::ApiError;
use crate::state::{status, Account, Instance, State};

/// Wire parameters of a request: query and form body together.
pub(crate) type Params = BTreeMap<String, String>;

/// The fields of a successful answer as a JSON object (without `RequestId`), or the error to answer with.
pub(crate) type Reply = Result<Value, ApiError>;

/// One operation's behaviour.
pub(crate) type Handler = fn(&mut Ctx<'_>, &Params) -> Reply;

/// Action -> behaviour.
pub(crate) const TABLE: &[(&str, Handler)] = &[
    ("CancelImport", import::cancel_import),
    ("CreateAccount", accounts::create_account),
    ("CreateDatabase", databases::create_database),
    ("DeleteAccount", accounts::delete_account),
    ("DeleteDatabase", databases::delete_database),
    ("DescribeAccounts", accounts::describe_accounts),
    ("DescribeDBInstances", instance_list::describe_db_instances),
    ("DescribeDBInstanceAttribute", instances::describe_db_instance_attribute),
    ("DescribeDatabases", databases::describe_databases),
    ("DescribeRegions", regions::describe_regions),
    ("DescribeResourceUsage", instances::describe_resource_usage),
    ("GrantAccountPrivilege", privileges::grant_account_privilege),
    ("ImportDatabaseBetweenInstances", import::import_database_between_instances),
    ("ModifyDBDescription", databases::modify_db_description),
    ("ResetAccountPassword", accounts::reset_account_password),
    ("RevokeAccountPrivilege", privileges::revoke_account_privilege),
];

/// The handler of `action`, if the emulator emulates it.
pub(crate) fn handler(action: &str) -> Option<Handler> {
    TABLE.iter().find(|(name, _)| *name == action).map(|(_, handler)| *handler)
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

/// An instance's databases and accounts change only while it is `Running` (`IncorrectDBInstanceState`) and
/// unlocked (`IncorrectDBInstanceLockMode`).
pub(crate) fn ready_for_change(instance: &Instance) -> Result<(), ApiError> {
    if instance.status != status::RUNNING {
        return Err(ApiError::instance_state(&instance.id, &instance.status));
    }
    if instance.lock_mode != "Unlock" {
        return Err(ApiError::lock_mode(&instance.id, &instance.lock_mode));
    }
    Ok(())
}
