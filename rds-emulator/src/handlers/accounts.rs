//! The database accounts of an instance: CreateAccount, DeleteAccount, DescribeAccounts (with their
//! privileges, in pages) and ResetAccountPassword. Passwords are checked, then kept only as salted hashes:
//! no answer, log or error message ever holds one.

use serde_json::{json, Value};

use super::{decode, ready_for_change, Ctx, Params, Reply};
use crate::errors::ApiError;
use crate::rules::{self, Engine};
use crate::state::{account_status, DbAccount, Instance, Password};

/// Page size when the request gives none.
const DEFAULT_PAGE_SIZE: usize = 30;

/// The account types CreateAccount takes (`Sysadmin` on SQL Server only).
const ACCOUNT_TYPES: [&str; 3] = ["Normal", "Super", "Sysadmin"];

/// Checks, in order: the instance exists; name, password, type and description follow the engine's rules;
/// the instance is ready for a change; the name is free. Then adds the account, `Available` at once.
pub(super) fn create_account(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::CreateAccountRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    rules::check_account_name(instance, &req.account_name)?;
    rules::check_password(&req.account_password)?;
    let account_type = req.account_type.as_deref().unwrap_or("Normal");
    if !ACCOUNT_TYPES.contains(&account_type) {
        return Err(ApiError::account_type_format(account_type));
    }
    let engine = Engine::of(instance);
    if account_type == "Sysadmin" && engine != Engine::SqlServer {
        return Err(ApiError::sysadmin_not_supported(&instance.id, &instance.engine));
    }
    if let Some(why) = req.account_description.as_deref().and_then(rules::description_problem) {
        return Err(ApiError::account_description_format(&why));
    }
    ready_for_change(instance)?;
    if let Some(existing) =
        instance.account(&req.account_name).or_else(|| privileged_twin(instance, &req, account_type))
    {
        return Err(ApiError::account_duplicate(&instance.id, &existing.name));
    }

    let account = DbAccount {
        account_type: account_type.into(),
        description: req.account_description.clone(),
        // Only SQL Server has a password policy to apply.
        check_policy: (engine == Engine::SqlServer).then(|| req.check_policy.unwrap_or(false)),
        ..DbAccount::new(&req.account_name, &req.account_password)
    };
    ctx.instance_mut(&req.db_instance_id)?.accounts.push(account);
    Ok(json!({}))
}

/// On MySQL a privileged account's name may not differ from a standard account's by case alone (`Test1`
/// and `test1`): the account that `req` would clash with that way, if any.
fn privileged_twin<'a>(
    instance: &'a Instance,
    req: &rds_api::CreateAccountRequest,
    account_type: &str,
) -> Option<&'a DbAccount> {
    if Engine::of(instance) != Engine::MySql {
        return None;
    }
    instance.accounts.iter().find(|other| {
        other.name.eq_ignore_ascii_case(&req.account_name) && (other.is_privileged() || account_type != "Normal")
    })
}

/// Checks that the instance exists and is ready for a change, and that the account exists; then removes it
/// with its privileges.
pub(super) fn delete_account(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::DeleteAccountRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    ready_for_change(instance)?;
    let name = existing_account(instance, &req.account_name)?.name.clone();
    ctx.instance_mut(&req.db_instance_id)?.accounts.retain(|account| account.name != name);
    Ok(json!({}))
}

/// Checks that the instance exists, that the password follows the rules, that the instance is ready for a
/// change and that the account exists; then replaces the password's hash.
pub(super) fn reset_account_password(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::ResetAccountPasswordRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    rules::check_password(&req.account_password)?;
    ready_for_change(instance)?;
    existing_account(instance, &req.account_name)?;
    if let Some(account) = ctx.instance_mut(&req.db_instance_id)?.account_mut(&req.account_name) {
        account.password = Password::new(&req.account_password);
        account.status = account_status::AVAILABLE.into();
    }
    Ok(json!({}))
}

/// The accounts of an instance in creation order, or the one called `AccountName` (none if it does not
/// exist), in pages. Works in any instance state.
pub(super) fn describe_accounts(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::DescribeAccountsRequest>(params)?;
    let instance = ctx.instance(&req.db_instance_id)?;
    let matching: Vec<&DbAccount> = instance
        .accounts
        .iter()
        .filter(|account| {
            req.account_name.as_deref().is_none_or(|name| instance.same_account_name(&account.name, name))
        })
        .collect();
    // PageNumber 0 (which the spec allows) reads as the first page.
    let page_number = req.page_number.map_or(1, |n| usize::try_from(n).unwrap_or(1).max(1));
    let page_size = req.page_size.map_or(DEFAULT_PAGE_SIZE, |n| usize::try_from(n).unwrap_or(DEFAULT_PAGE_SIZE));
    let total = matching.len();
    let page: Vec<Value> = matching
        .into_iter()
        .skip((page_number - 1).saturating_mul(page_size))
        .take(page_size)
        .map(|account| account_json(instance, account))
        .collect();
    Ok(json!({
        "Accounts": { "DBInstanceAccount": page },
        "PageNumber": page_number,
        "TotalRecordCount": total,
    }))
}

/// One `DBInstanceAccount` element, with the service's field names and types. Never the password.
fn account_json(instance: &Instance, account: &DbAccount) -> Value {
    let privileges: Vec<Value> = account
        .privileges
        .iter()
        .map(|grant| {
            json!({
                "DBName": grant.database,
                "AccountPrivilege": grant.privilege,
                "AccountPrivilegeDetail": rules::privilege_detail(instance, &grant.privilege),
            })
        })
        .collect();
    let mut item = json!({
        "DBInstanceId": instance.id,
        "AccountName": account.name,
        "AccountStatus": account.status,
        "AccountType": account.account_type,
        "AccountDescription": account.description.as_deref().unwrap_or_default(),
        // "1" when the account holds more privileges than the service can show; never in the emulator.
        "PrivExceeded": "0",
        "DatabasePrivileges": { "DatabasePrivilege": privileges },
    });
    if let Some(check_policy) = account.check_policy {
        item["CheckPolicy"] = check_policy.into();
    }
    item
}

/// The account `name` of `instance`, or `InvalidAccountName.NotFound`.
pub(super) fn existing_account<'a>(instance: &'a Instance, name: &str) -> Result<&'a DbAccount, ApiError> {
    instance.account(name).ok_or_else(|| ApiError::account_not_found(&instance.id, name))
}
