//! DescribeDatabases: the databases of an instance, optionally filtered by name and status, in pages.

use serde_json::json;

use super::{decode, Ctx, Params, Reply};

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
                "Accounts": { "AccountPrivilegeInfo": [] },
            })
        })
        .collect();
    Ok(json!({ "Databases": { "Database": page } }))
}
