//! The databases of an instance: DescribeDatabases (filtered by name and status, in pages, with the accounts'
//! privileges), CreateDatabase, DeleteDatabase and ModifyDBDescription.

use serde_json::{json, Value};

use super::accounts::existing_account;
use super::{decode, ready_for_change, Ctx, Params, Reply};
use crate::errors::ApiError;
use crate::rules;
use crate::state::{status, Database, Grant, Instance};

/// Page size when the request gives none.
const DEFAULT_PAGE_SIZE: usize = 30;

pub(super) fn describe_databases(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::DescribeDatabasesRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    // DBName may list several names separated by commas.
    let names: Option<Vec<&str>> = req.db_name.as_deref().map(|n| n.split(',').map(str::trim).collect());
    let matching: Vec<_> = instance
        .databases
        .iter()
        // Names compare as the instance's collation does (SQL Server's default ignores case).
        .filter(|db| names.as_ref().is_none_or(|names| names.iter().any(|name| instance.same_name(&db.name, name))))
        .filter(|db| req.db_status.as_deref().is_none_or(|status| db.status == status))
        .collect();

    // The spec bounds both to at least 1 (validated before we get here).
    let page_number = req.page_number.map_or(1, |n| usize::try_from(n).unwrap_or(1));
    let page_size = req.page_size.map_or(DEFAULT_PAGE_SIZE, |n| usize::try_from(n).unwrap_or(DEFAULT_PAGE_SIZE));
    let total = matching.len();
    let page: Vec<_> = matching
        .into_iter()
        .skip(page_number.saturating_sub(1).saturating_mul(page_size))
        .take(page_size)
        .map(|db| {
            json!({
                "DBName": db.name,
                "DBStatus": db.status,
                "Engine": instance.engine,
                "DBInstanceId": instance.id,
                "CharacterSetName": db.character_set,
                "DBDescription": db.description.as_deref().unwrap_or_default(),
                // The service reports paging on every element, not at the top level.
                "PageNumber": page_number,
                "PageSize": page_size,
                "TotalCount": total,
                "Accounts": { "AccountPrivilegeInfo": privileges_on(instance, db) },
            })
        })
        .collect();
    Ok(json!({ "Databases": { "Database": page } }))
}

/// `AccountPrivilegeInfo`: every account's privilege on `db`.
fn privileges_on(instance: &Instance, db: &Database) -> Vec<Value> {
    instance
        .accounts
        .iter()
        .filter_map(|account| {
            let grant = account.privilege_on(&db.name, |a, b| instance.same_name(a, b))?;
            Some(json!({
                "Account": account.name,
                "AccountPrivilege": grant.privilege,
                "AccountPrivilegeDetail": rules::privilege_detail(instance, &grant.privilege),
            }))
        })
        .collect()
}

/// Checks, in order: the instance exists; the name, character set, description and privilege follow the
/// engine's rules; the instance is ready for a change; the name is free; the account to grant exists and is a
/// standard one. Then adds the database, `Running` at once, and the account's privilege on it.
pub(super) fn create_database(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::CreateDatabaseRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    rules::check_db_name(instance, &req.db_name)?;
    rules::check_character_set(instance, &req.character_set_name)?;
    if let Some(why) = req.db_description.as_deref().and_then(rules::description_problem) {
        return Err(ApiError::db_description_format(&why));
    }
    // AccountPrivilege only means something with AccountName; the engine's first privilege is the default.
    let grant = match req.account_name.as_deref() {
        Some(account) => {
            let privilege = req.account_privilege.as_deref().unwrap_or(rules::privileges(instance)[0]);
            rules::check_privilege(instance, privilege)?;
            Some((account, privilege))
        }
        None => None,
    };
    ready_for_change(instance)?;
    if instance.database(&req.db_name).is_some() {
        return Err(ApiError::database_duplicate(&instance.id, &req.db_name));
    }
    if let Some((name, _)) = grant {
        let account = existing_account(instance, name)?;
        if account.is_privileged() {
            return Err(ApiError::incorrect_account_type(&account.name, &account.account_type));
        }
    }

    let instance = ctx.instance_mut(&req.db_instance_id)?;
    instance.databases.push(Database {
        name: req.db_name.clone(),
        status: status::RUNNING.into(),
        size_bytes: 0,
        character_set: req.character_set_name.clone(),
        description: req.db_description.clone(),
    });
    if let Some((name, privilege)) = grant {
        if let Some(account) = instance.account_mut(name) {
            account.privileges.push(Grant { database: req.db_name.clone(), privilege: privilege.into() });
        }
    }
    Ok(json!({}))
}

/// Checks that the instance exists and is ready for a change, and that the database exists and is `Running`;
/// then removes it, every account's privilege on it, and the storage it used.
pub(super) fn delete_database(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::DeleteDatabaseRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    ready_for_change(instance)?;
    let db = running_database(instance, &req.db_name)?;
    let (name, size) = (db.name.clone(), db.size_bytes);

    let instance = ctx.instance_mut(&req.db_instance_id)?;
    let same = instance.name_comparison();
    instance.databases.retain(|db| db.name != name);
    for account in &mut instance.accounts {
        account.privileges.retain(|grant| !same(&grant.database, &name));
    }
    instance.used_bytes = instance.used_bytes.saturating_sub(size).max(0);
    Ok(json!({}))
}

/// Checks that the instance and the database exist and that the description follows the rules; then
/// replaces the description. A description is the service's record, not the engine's, so the instance's
/// state does not matter.
pub(super) fn modify_db_description(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::ModifyDbDescriptionRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    let name = instance
        .database(&req.db_name)
        .ok_or_else(|| ApiError::database_not_found(&instance.id, &req.db_name, "it does not exist"))?
        .name
        .clone();
    if let Some(why) = rules::description_problem(&req.db_description) {
        return Err(ApiError::db_description_format(&why));
    }
    let instance = ctx.instance_mut(&req.db_instance_id)?;
    if let Some(db) = instance.databases.iter_mut().find(|db| db.name == name) {
        db.description = Some(req.db_description.clone());
    }
    Ok(json!({}))
}

/// The database `name` of `instance`, if it exists (`InvalidDBName.NotFound`) and is `Running`
/// (`IncorrectDBState`).
pub(super) fn running_database<'a>(instance: &'a Instance, name: &str) -> Result<&'a Database, ApiError> {
    let db =
        instance.database(name).ok_or_else(|| ApiError::database_not_found(&instance.id, name, "it does not exist"))?;
    if db.status != status::RUNNING {
        return Err(ApiError::database_state(&instance.id, &db.name, &db.status));
    }
    Ok(db)
}
