//! ImportDatabaseBetweenInstances: checks every documented precondition, then starts an import that the
//! emulator clock finishes (see `migration::settle`). CancelImport: stops a running one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rds_api::import_database_between_instances::DbNames;
use serde_json::json;

use rds_api::runtime::FromParams;
use rds_api::Rule;

use super::{decode, Ctx, Params, Reply};
use crate::errors::ApiError;
use crate::rules::sqlserver_db_name_problem;
use crate::state::{status, Import, ImportStatus, ImportedDatabase, Instance};

/// Instance families that support the import: dedicated and dedicated host.
const SUPPORTED_FAMILIES: [&str; 2] = ["d", "h"];
/// SQL Server 2017 Enterprise Cluster Edition, which does not support it.
const UNSUPPORTED_VERSION: &str = "2017_ent";

/// A precondition on one instance.
type Check = fn(&Instance) -> Result<(), ApiError>;

/// Checks run on both instances, destination first, each check on both before the next: so the answer
/// names the most basic problem (an unsupported kind of instance before a busy one).
const INSTANCE_CHECKS: [Check; 4] = [supported_type, supported_version, running, unlocked];

fn supported_type(i: &Instance) -> Result<(), ApiError> {
    if i.engine == "SQLServer" && SUPPORTED_FAMILIES.contains(&i.class_type.as_str()) {
        Ok(())
    } else {
        Err(ApiError::instance_type(&i.id, &i.engine, &i.class_type))
    }
}

fn supported_version(i: &Instance) -> Result<(), ApiError> {
    if i.engine_version == UNSUPPORTED_VERSION {
        Err(ApiError::engine_version(&i.id, &i.engine_version))
    } else {
        Ok(())
    }
}

fn running(i: &Instance) -> Result<(), ApiError> {
    if i.status == status::RUNNING {
        Ok(())
    } else {
        Err(ApiError::instance_state(&i.id, &i.status))
    }
}

fn unlocked(i: &Instance) -> Result<(), ApiError> {
    if i.lock_mode == "Unlock" {
        Ok(())
    } else {
        Err(ApiError::lock_mode(&i.id, &i.lock_mode))
    }
}

/// What is wrong with the text of `DBInfo`, in the service's terms, if anything.
fn db_info_problem(text: &str) -> Option<String> {
    const FORM: &str = "DBInfo must be a JSON object such as {\"DBNames\":{\"sales\":\"sales_copy\"}} (each source \
                        database to its name on the destination) or {\"DBNames\":[\"sales\"]} (same names)";
    let shown = |value: &serde_json::Value| {
        let text = value.to_string();
        if text.chars().count() > 40 {
            format!("{}…", text.chars().take(40).collect::<String>())
        } else {
            text
        }
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
        return Some(format!("it is not JSON. {FORM}."));
    };
    let Some(fields) = value.as_object() else {
        return Some(format!("it is {}, not an object. {FORM}.", shown(&value)));
    };
    match fields.get("DBNames") {
        None => Some(format!("it has no DBNames. {FORM}.")),
        Some(serde_json::Value::Array(names)) => names
            .iter()
            .find(|name| !name.is_string())
            .map(|bad| format!("DBNames lists {}, which is not a database name. {FORM}.", shown(bad))),
        Some(serde_json::Value::Object(pairs)) => pairs
            .iter()
            .find(|(_, to)| !to.is_string())
            .map(|(from, to)| format!("DBNames maps {from:?} to {}, which is not a database name. {FORM}.", shown(to))),
        Some(other) => Some(format!("DBNames is {}, neither an object nor a list. {FORM}.", shown(other))),
    }
}

/// Decodes the request; an empty `DBInfo` is as missing as an absent one, and a `DBInfo` of the wrong shape
/// is explained in the service's terms rather than the decoder's.
fn decode_import(params: &Params) -> Result<rds_api::ImportDatabaseBetweenInstancesRequest, ApiError> {
    let db_info = params.get("DBInfo").map(String::as_str);
    let mut params = params.clone();
    if db_info.is_some_and(|text| text.trim().is_empty()) {
        params.remove("DBInfo");
    }
    let problem = db_info.filter(|text| !text.trim().is_empty()).and_then(db_info_problem);
    let err = match rds_api::ImportDatabaseBetweenInstancesRequest::from_params(&params) {
        Ok(req) => return Ok(req),
        Err(err) => err,
    };
    let Some(problem) = problem else {
        return Err(ApiError::from_validation(&err));
    };
    if let Some(missing) = err.violations.iter().find(|v| v.rule == Rule::Required) {
        return Err(ApiError::missing_parameter(&missing.parameter));
    }
    let others = err.violations.iter().filter(|v| !v.parameter.starts_with("DBInfo")).map(ToString::to_string);
    let listed: Vec<String> = std::iter::once(format!("DBInfo: {problem}")).chain(others).collect();
    Err(ApiError::new(
        "InvalidParameter",
        400,
        format!("The specified parameters are not valid: {}", listed.join("; ")),
    ))
}

pub(super) fn import_database_between_instances(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode_import(params)?;
    let (destination_id, source_id) = (req.db_instance_id.as_str(), req.source_db_instance_id.as_str());
    // The generated validation already refuses this (`differ` rule); kept so the behaviour does not depend
    // on the spec keeping that rule.
    if destination_id == source_id {
        return Err(ApiError::invalid_parameter("SourceDBInstanceId", "must differ from DBInstanceId"));
    }
    let (pairs, keep_names): (Vec<(String, String)>, bool) = match req.db_info.db_names {
        DbNames::Same(names) => (names.into_iter().map(|name| (name.clone(), name)).collect(), true),
        DbNames::Renamed(pairs) => (pairs, false),
    };
    for (_, name) in &pairs {
        if let Some(why) = sqlserver_db_name_problem(name) {
            return Err(ApiError::database_name_format(name, &why));
        }
    }

    let destination = ctx.instance(destination_id)?;
    let source = ctx.instance(source_id)?;
    for check in INSTANCE_CHECKS {
        check(destination)?;
        check(source)?;
    }

    let mut databases = Vec::with_capacity(pairs.len());
    for (source_name, destination_name) in &pairs {
        let db = source
            .database(source_name)
            .ok_or_else(|| ApiError::database_not_found(source_id, source_name, "it does not exist"))?;
        if db.status != status::RUNNING {
            let why = format!("it is {}, not Running", db.status);
            return Err(ApiError::database_not_found(source_id, source_name, &why));
        }
        databases.push(ImportedDatabase {
            // The names as the source has them (`SALES` names `sales` under a case-insensitive collation).
            source_name: db.name.clone(),
            destination_name: if keep_names { db.name.clone() } else { destination_name.clone() },
            size_bytes: db.size_bytes,
            character_set: db.character_set.clone(),
        });
    }
    // Destination names compare as the destination's collation does: among themselves, and with its databases.
    for (index, db) in databases.iter().enumerate() {
        let name = &db.destination_name;
        if let Some(twin) = databases[..index].iter().find(|other| destination.same_name(&other.destination_name, name))
        {
            return Err(ApiError::invalid_parameter(
                "DBInfo",
                &format!(
                    "the destination names {:?} and {name:?} are the same name on {destination_id}, whose collation \
                     ignores case.",
                    twin.destination_name
                ),
            ));
        }
        if destination.database(name).is_some() {
            return Err(ApiError::database_duplicate(destination_id, name));
        }
    }
    if destination.free_bytes() <= source.used_bytes {
        return Err(ApiError::insufficient_storage(
            destination_id,
            destination.free_bytes(),
            source_id,
            source.used_bytes,
        ));
    }

    // Every check passed: start the import.
    ctx.instance_mut(source_id)?.status = status::TRANSING_TO_OTHERS.into();
    ctx.instance_mut(destination_id)?.status = status::IMPORTING_FROM_OTHERS.into();
    let started_at = whole_millis(ctx.now);
    let id = ctx.state.next_import_id;
    ctx.state.next_import_id += 1;
    let finishes_at = started_at + ctx.state.migration_duration();
    ctx.state.imports.push(Import {
        id,
        account: ctx.account.to_owned(),
        source: source_id.to_owned(),
        destination: destination_id.to_owned(),
        databases,
        started_at,
        finishes_at,
        status: ImportStatus::Running,
    });
    // The service documents ImportId as a string (and has been seen sending a number).
    Ok(json!({ "ImportId": id.to_string() }))
}

/// `time` cut to whole milliseconds, the precision a state file keeps, so a saved state loads back equal.
fn whole_millis(time: SystemTime) -> SystemTime {
    let since_epoch = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    UNIX_EPOCH + Duration::from_millis(u64::try_from(since_epoch.as_millis()).unwrap_or(u64::MAX))
}

pub(super) fn cancel_import(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::CancelImportRequest>(params)?;
    let instance_id = req.db_instance_id.as_str();
    // The docs name only "the instance": the destination is what they mean, and the source is accepted too.
    let instance = ctx.instance(instance_id)?;
    supported_version(instance)?;
    let account = ctx.account;
    let import = ctx
        .state
        .imports
        .iter_mut()
        .find(|import| {
            u64::try_from(req.import_id).is_ok_and(|id| import.id == id)
                && import.account == account
                && (import.destination == instance_id || import.source == instance_id)
                && import.status == ImportStatus::Running
        })
        .ok_or_else(|| ApiError::import_not_found(req.import_id, instance_id))?;
    // Imports due by now were finished before the handler ran, so this one is still under way: stop it. The
    // destination gets none of its databases; each instance goes back to Running unless something else
    // changed its status meanwhile (as `migration::settle` does).
    import.status = ImportStatus::Cancelled;
    let (source_id, destination_id) = (import.source.clone(), import.destination.clone());
    for (id, busy) in [(source_id, status::TRANSING_TO_OTHERS), (destination_id, status::IMPORTING_FROM_OTHERS)] {
        if let Ok(instance) = ctx.instance_mut(&id) {
            if instance.status == busy {
                instance.status = status::RUNNING.into();
            }
        }
    }
    Ok(json!({}))
}
