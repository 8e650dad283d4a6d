//! GrantAccountPrivilege and RevokeAccountPrivilege: an account's privileges on the databases of its
//! instance, at most one per database.

use serde_json::json;

use super::accounts::existing_account;
use super::databases::running_database;
use super::{decode, ready_for_change, Ctx, Params, Reply};
use crate::errors::ApiError;
use crate::rules;
use crate::state::{Grant, Instance};

/// `DBName` (and `AccountPrivilege`) may list several values separated by commas.
fn split(list: &str) -> Vec<&str> {
    list.split(',').map(str::trim).collect()
}

/// Checks, in order: the instance exists; `DBName` and `AccountPrivilege` pair up one to one, each database
/// named once; each privilege is one the engine has; the instance is ready for a change; the account exists
/// and is a standard one; each database exists and is `Running`. Then gives the account each privilege,
/// replacing the one it had on that database.
pub(super) fn grant_account_privilege(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::GrantAccountPrivilegeRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    let (names, privileges) = (split(&req.db_name), split(&req.account_privilege));
    if names.len() != privileges.len() {
        return Err(ApiError::db_names_and_privileges_mismatch(&format!(
            "DBName names {} databases but AccountPrivilege gives {} privileges",
            names.len(),
            privileges.len()
        )));
    }
    distinct(instance, &names)?;
    for privilege in &privileges {
        rules::check_privilege(instance, privilege)?;
    }
    ready_for_change(instance)?;
    let account = standard_account(instance, &req.account_name)?;
    let mut grants = Vec::with_capacity(names.len());
    for (name, privilege) in names.iter().zip(&privileges) {
        let db = running_database(instance, name)?;
        grants.push(Grant { database: db.name.clone(), privilege: (*privilege).into() });
    }
    let account_name = account.name.clone();

    let instance = ctx.instance_mut(&req.db_instance_id)?;
    let same = instance.name_comparison();
    if let Some(account) = instance.accounts.iter_mut().find(|account| account.name == account_name) {
        for grant in grants {
            account.privileges.retain(|held| !same(&held.database, &grant.database));
            account.privileges.push(grant);
        }
    }
    Ok(json!({}))
}

/// Checks, in order: the instance exists; each database is named once; the instance is ready for a change;
/// the account exists and is a standard one; each database exists. Then takes away the account's privilege
/// on each (revoking a privilege the account does not hold changes nothing and is not an error).
pub(super) fn revoke_account_privilege(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::RevokeAccountPrivilegeRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    let names = split(&req.db_name);
    distinct(instance, &names)?;
    ready_for_change(instance)?;
    let account_name = standard_account(instance, &req.account_name)?.name.clone();
    let mut databases = Vec::with_capacity(names.len());
    for name in &names {
        let db = instance
            .database(name)
            .ok_or_else(|| ApiError::database_not_found(&instance.id, name, "it does not exist"))?;
        databases.push(db.name.clone());
    }

    let instance = ctx.instance_mut(&req.db_instance_id)?;
    let same = instance.name_comparison();
    if let Some(account) = instance.accounts.iter_mut().find(|account| account.name == account_name) {
        account.privileges.retain(|held| !databases.iter().any(|db| same(&held.database, db)));
    }
    Ok(json!({}))
}

/// The account `name`, which must be a standard one: a privileged account holds every privilege on every
/// database already (`IncorrectAccountType`).
fn standard_account<'a>(instance: &'a Instance, name: &str) -> Result<&'a crate::state::DbAccount, ApiError> {
    let account = existing_account(instance, name)?;
    if account.is_privileged() {
        return Err(ApiError::incorrect_account_type(&account.name, &account.account_type));
    }
    Ok(account)
}

/// Each database named at most once (an account holds one privilege per database), none empty.
fn distinct(instance: &Instance, names: &[&str]) -> Result<(), ApiError> {
    for (index, name) in names.iter().enumerate() {
        if name.is_empty() {
            return Err(ApiError::db_names_and_privileges_mismatch("DBName has an empty database name"));
        }
        if names[..index].iter().any(|other| instance.same_name(other, name)) {
            return Err(ApiError::db_names_and_privileges_mismatch(&format!(
                "DBName names {name} twice; an account has one privilege per database"
            )));
        }
    }
    Ok(())
}
