//! Error answers, shaped like the real service's:
//! `{"RequestId","HostId","Code","Message","Recommend"}` with the code's HTTP status.
//!
//! Every code the emulator can return is built here, so the README's table has one place to be checked
//! against. Codes and messages follow the real gateway and RDS where they are known (see
//! `alibaba-rpc-protocol.md`, section d); the few the emulator had to choose are marked "chosen".

use std::fmt;

use rds_api::{Rule, ValidationError};
use serde_json::{json, Value};

/// An error answer before it gets its request id and host: code, HTTP status and message.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The `Code`, e.g. `InvalidDBInstanceId.NotFound`.
    pub code: String,
    /// The HTTP status.
    pub status: u16,
    /// The `Message`.
    pub message: String,
}

impl fmt::Debug for ApiError {
    // The message of `SignatureDoesNotMatch` carries the server's string to sign, which holds the security
    // token of STS requests; Debug (used in logs and test failures) shows code and status only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError").field("code", &self.code).field("status", &self.status).finish_non_exhaustive()
    }
}

impl ApiError {
    /// An answer with any code, status and message (used by forced-error faults).
    pub fn new(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        ApiError { code: code.into(), status, message: message.into() }
    }

    // ---- gateway: common parameters and authentication ------------------------------------------------

    /// `Missing<Name>` (400, chosen spelling): a common parameter (`AccessKeyId`, `Signature`, …) is absent.
    /// The gateway's documented form for common parameters; operation parameters use `MissingParameter`.
    pub fn missing_common(name: &str) -> Self {
        Self::new(format!("Missing{name}"), 400, format!("{name} is mandatory for this action."))
    }

    /// `Missing<Name>` (400, chosen) for a V3 request without header `header` (e.g. `MissingTimestamp` for
    /// `x-acs-date`): the code of the V1 parameter the header stands for, the message naming the header.
    pub fn missing_common_header(code_name: &str, header: &str) -> Self {
        Self::new(format!("Missing{code_name}"), 400, format!("{header} is mandatory for this action."))
    }

    /// `IncompleteSignature` (400, status chosen): `SignatureMethod` is not `HMAC-SHA1` or
    /// `SignatureVersion` is not `1.0`; for V3, an unreadable `Authorization` header, another algorithm than
    /// `ACS3-HMAC-SHA256`, or `SignedHeaders` leaving out a header that must be signed.
    pub fn incomplete_signature(what: &str) -> Self {
        Self::new(
            "IncompleteSignature",
            400,
            format!("The request signature does not conform to Aliyun standards: {what}."),
        )
    }

    /// `InvalidTimeStamp.Format` (400): `Timestamp` is not `YYYY-MM-DDThh:mm:ssZ`.
    pub fn timestamp_format() -> Self {
        Self::new("InvalidTimeStamp.Format", 400, "Specified time stamp or date value is not well formatted.")
    }

    /// `InvalidTimeStamp.Expired` (400): `Timestamp` is more than 15 minutes from the machine's clock.
    pub fn timestamp_expired() -> Self {
        Self::new("InvalidTimeStamp.Expired", 400, "Specified time stamp or date value is expired.")
    }

    /// `InvalidAccessKeyId.NotFound` (404): no account has this AccessKey ID.
    pub fn access_key_not_found() -> Self {
        Self::new("InvalidAccessKeyId.NotFound", 404, "Specified access key is not found.")
    }

    /// `InvalidSecurityToken.Malformed` (400): an STS AccessKey ID without `SecurityToken`, or with a token
    /// the emulator never issued.
    pub fn security_token_malformed() -> Self {
        Self::new("InvalidSecurityToken.Malformed", 400, "Specified SecurityToken is malformed.")
    }

    /// `InvalidSecurityToken.MismatchWithAccessKey` (400): the token was issued with another STS AccessKey ID.
    pub fn security_token_mismatch() -> Self {
        Self::new(
            "InvalidSecurityToken.MismatchWithAccessKey",
            400,
            "Specified SecurityToken mismatch with the AccessKey.",
        )
    }

    /// `InvalidSecurityToken.Expired` (400): the STS credential's `expiration` has passed.
    pub fn security_token_expired() -> Self {
        Self::new("InvalidSecurityToken.Expired", 400, "Specified SecurityToken is expired.")
    }

    /// `SignatureDoesNotMatch` (400), with the server's string to sign, as the real service sends it.
    pub fn signature_mismatch(server_string_to_sign: &str) -> Self {
        Self::new(
            "SignatureDoesNotMatch",
            400,
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
            ),
        )
    }

    /// `SignatureDoesNotMatch` (400) of a V3 request: the server's string to sign, as for V1, then its
    /// canonical request (**chosen**: the string to sign alone is a hash, which tells a client nothing).
    pub fn signature_mismatch_v3(server_string_to_sign: &str, server_canonical_request: &str) -> Self {
        Self::new(
            "SignatureDoesNotMatch",
            400,
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}\nserver canonical request is:\n{server_canonical_request}"
            ),
        )
    }

    /// `SignatureDoesNotMatch` (400, message chosen) of a V3 request whose `x-acs-content-sha256` is not the
    /// SHA-256 of the body received.
    pub fn content_sha256_mismatch(claimed: &str, actual: &str) -> Self {
        Self::new(
            "SignatureDoesNotMatch",
            400,
            format!(
                "Specified signature is not matched with our calculation. x-acs-content-sha256 {claimed} is not the SHA-256 of the request body ({actual})."
            ),
        )
    }

    /// `SignatureNonceUsed` (400): the nonce was used with this AccessKey ID in the last 15 minutes.
    pub fn nonce_used() -> Self {
        Self::new("SignatureNonceUsed", 400, "Specified signature nonce was used already.")
    }

    /// `InvalidApi.NotFound` (404): unknown `Action`, or a `Version` other than `2014-08-15`.
    pub fn api_not_found(action: &str, version: &str) -> Self {
        Self::new(
            "InvalidApi.NotFound",
            404,
            format!("Specified api is not found, please check your url and method. (Action {action:?}, Version {version:?})"),
        )
    }

    /// `UnsupportedOperation` (400, chosen): the real service has (or had) the Action, but the emulator has no
    /// behaviour for it. The message names the Action, so it cannot be taken for a misspelt one
    /// (`InvalidApi.NotFound`).
    pub(crate) fn unsupported_operation(action: &str, kind: crate::routing::RealAction) -> Self {
        let withdrawn = match kind {
            crate::routing::RealAction::Current => "",
            crate::routing::RealAction::Withdrawn => " (withdrawn from Alibaba Cloud's current SDKs)",
        };
        Self::new(
            "UnsupportedOperation",
            400,
            format!(
                "{action} is an operation of ApsaraDB RDS (API 2014-08-15){withdrawn}, but rds-emulator does not \
                 emulate it."
            ),
        )
    }

    /// `Throttling.User` (400): sent by a throttling fault, with header `x-acs-retry-after`.
    pub fn throttled() -> Self {
        Self::new("Throttling.User", 400, "Request was denied due to user flow control.")
    }

    /// `InvalidParameter` (400, message chosen): the form body could not be read.
    pub fn unreadable_body(reason: &str) -> Self {
        Self::new("InvalidParameter", 400, format!("The request body could not be read: {reason}."))
    }

    /// `InvalidParameter` (414, chosen): the request line is longer than the HTTP layer reads (65,534 bytes of
    /// path and query).
    pub fn uri_too_long() -> Self {
        Self::new(
            "InvalidParameter",
            414,
            "The request URI is too long: the path and query string may hold at most 65534 bytes. Send large \
             parameters in a POST form body (application/x-www-form-urlencoded, up to 1 MiB) instead.",
        )
    }

    /// `InvalidParameter` (431, chosen): the request line and headers are larger than the HTTP layer's buffer.
    pub fn headers_too_large() -> Self {
        Self::new(
            "InvalidParameter",
            431,
            "The request line and headers are too large: together they may hold at most about 400 KiB, and the \
             query string at most 65534 bytes. Send large parameters in a POST form body (up to 1 MiB) instead.",
        )
    }

    /// `InvalidParameter` (400, chosen): the bytes received are not an HTTP/1.1 request.
    pub fn malformed_http() -> Self {
        Self::new("InvalidParameter", 400, "The request is not a well-formed HTTP/1.1 request.")
    }

    /// `UnsupportedHTTPMethod` (405, chosen): only `GET` and `POST` carry RPC requests.
    pub fn method_not_allowed(method: &str) -> Self {
        Self::new("UnsupportedHTTPMethod", 405, format!("The HTTP method {method} is not supported; use GET or POST."))
    }

    // ---- parameter validation (from the specs) ----------------------------------------------------------

    /// `MissingParameter` (400) for the first absent required parameter, else `InvalidParameter` (400)
    /// listing every violation.
    pub fn from_validation(err: &ValidationError) -> Self {
        if let Some(missing) = err.violations.iter().find(|v| v.rule == Rule::Required) {
            return Self::missing_parameter(&missing.parameter);
        }
        let listed: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
        Self::new("InvalidParameter", 400, format!("The specified parameters are not valid: {}", listed.join("; ")))
    }

    /// `MissingParameter` (400) naming the parameter.
    pub fn missing_parameter(name: &str) -> Self {
        Self::new(
            "MissingParameter",
            400,
            format!("The input parameter \"{name}\" that is mandatory for processing this request is not supplied."),
        )
    }

    /// `InvalidParameter` (400) naming the parameter and why.
    pub fn invalid_parameter(name: &str, why: &str) -> Self {
        Self::new("InvalidParameter", 400, format!("The specified parameter \"{name}\" is not valid: {why}"))
    }

    /// `InvalidParameter` (400, message chosen): a request pages both by number (`PageNumber`, `PageSize`) and
    /// by token (`NextToken`, `MaxResults`). `number` and `token` are the parameters it sent of each style.
    pub fn paging_styles_mixed(number: &[&str], token: &[&str]) -> Self {
        Self::new(
            "InvalidParameter",
            400,
            format!(
                "The specified parameters are not valid: {} (paging by number) cannot be combined with {} (paging \
                 by token).",
                number.join(", "),
                token.join(", ")
            ),
        )
    }

    /// `InvalidParameter` (400) naming `NextToken`: the token was not issued by this emulator for the caller
    /// and the request's filters.
    pub fn invalid_next_token() -> Self {
        Self::invalid_parameter(
            "NextToken",
            "it was not issued by the service, or it was issued for other filters or another account.",
        )
    }

    // ---- RDS ----------------------------------------------------------------------------------------------

    /// `InvalidRegionId.NotFound` (404): the region does not exist.
    pub fn region_not_found(region: &str) -> Self {
        Self::new("InvalidRegionId.NotFound", 404, format!("The specified region {region} does not exist."))
    }

    /// `InvalidImportId.NotFound` (404): no running import of the instance has this ImportId (unknown,
    /// finished, already cancelled, of another instance or another account).
    pub fn import_not_found(import_id: i32, instance: &str) -> Self {
        Self::new(
            "InvalidImportId.NotFound",
            404,
            format!("The specified import {import_id} is not found: no running import of {instance} has this ID."),
        )
    }

    /// `InvalidDBInstanceId.NotFound` (404): no instance with this id is visible to the caller's account.
    pub fn instance_not_found(id: &str) -> Self {
        Self::new("InvalidDBInstanceId.NotFound", 404, format!("The specified instance {id} is not found."))
    }

    /// `IncorrectDBInstanceState` (403): an instance is not `Running`.
    pub fn instance_state(id: &str, status: &str) -> Self {
        Self::new(
            "IncorrectDBInstanceState",
            403,
            format!("Current DB instance state does not support this operation: {id} is {status}, not Running."),
        )
    }

    /// `IncorrectDBInstanceType` (400): an instance is not SQL Server, or not of family `d` or `h`.
    pub fn instance_type(id: &str, engine: &str, class_type: &str) -> Self {
        Self::new(
            "IncorrectDBInstanceType",
            400,
            format!(
                "Current DB instance type does not support this operation: {id} is {engine}, family {class_type}; \
                 SQLServer of family d or h is required."
            ),
        )
    }

    /// `IncorrectEngineVersion` (400): SQL Server 2017 Enterprise Cluster Edition (`2017_ent`).
    pub fn engine_version(id: &str, version: &str) -> Self {
        Self::new(
            "IncorrectEngineVersion",
            400,
            format!("Current engine version does not support this operation: {id} runs {version}."),
        )
    }

    /// `IncorrectDBInstanceLockMode` (403): an instance is locked.
    pub fn lock_mode(id: &str, lock_mode: &str) -> Self {
        Self::new(
            "IncorrectDBInstanceLockMode",
            403,
            format!("Current DB instance lock mode does not support this operation: {id} is {lock_mode}."),
        )
    }

    /// `InvalidDBName.NotFound` (404): a source database is missing or not `Running`.
    pub fn database_not_found(instance: &str, name: &str, why: &str) -> Self {
        Self::new(
            "InvalidDBName.NotFound",
            404,
            format!("The specified database {name} is not found on {instance}: {why}."),
        )
    }

    /// `InvalidDBName.Format` (400; CreateDatabase's code, message chosen): a destination database name breaks
    /// the naming rules.
    pub fn database_name_format(name: &str, why: &str) -> Self {
        let shown: String = name.chars().take(80).collect();
        Self::new("InvalidDBName.Format", 400, format!("The database name {shown:?} is not valid: {why}."))
    }

    /// `InvalidDBName.Duplicate` (400): a destination database name is taken.
    pub fn database_duplicate(instance: &str, name: &str) -> Self {
        Self::new("InvalidDBName.Duplicate", 400, format!("The database {name} already exists on {instance}."))
    }

    /// `InvalidDBName.Forbid` (400): the database name is one of the engine's own databases.
    pub fn database_name_forbidden(name: &str) -> Self {
        let shown: String = name.chars().take(80).collect();
        Self::new("InvalidDBName.Forbid", 400, format!("Specified DB name is a keyword in RDS: {shown:?}."))
    }

    /// `IncorrectDBState` (403): the database is not `Running` (being created, deleted, …).
    pub fn database_state(instance: &str, name: &str, status: &str) -> Self {
        Self::new(
            "IncorrectDBState",
            403,
            format!("Current DB state does not support this operation: {name} on {instance} is {status}, not Running."),
        )
    }

    /// `InvalidDBDescription.Format` (400): a database description breaks the rules.
    pub fn db_description_format(why: &str) -> Self {
        Self::new("InvalidDBDescription.Format", 400, format!("Specified DB description is not valid: {why}."))
    }

    /// `InvalidCharacterSetName.Format` (400): the character set (collation on SQL Server) is not one the
    /// engine offers.
    pub fn character_set_format(name: &str, engine: &str) -> Self {
        let shown: String = name.chars().take(80).collect();
        Self::new(
            "InvalidCharacterSetName.Format",
            400,
            format!("Specified character set name is not valid: {shown:?} is not a character set of {engine}."),
        )
    }

    /// `InvalidAccountName.Format` (400): an account name breaks the engine's naming rules.
    pub fn account_name_format(name: &str, why: &str) -> Self {
        let shown: String = name.chars().take(80).collect();
        Self::new("InvalidAccountName.Format", 400, format!("Specified account name {shown:?} is not valid: {why}."))
    }

    /// `InvalidAccountName.Forbid` (400): the account name is a reserved keyword.
    pub fn account_name_forbidden(name: &str) -> Self {
        Self::new("InvalidAccountName.Forbid", 400, format!("Specified account name is a keyword in RDS: {name:?}."))
    }

    /// `InvalidAccountName.Duplicate` (400): the instance already has an account of this name.
    pub fn account_duplicate(instance: &str, name: &str) -> Self {
        Self::new(
            "InvalidAccountName.Duplicate",
            400,
            format!("Specified account name already exists in this instance: {name} on {instance}."),
        )
    }

    /// `InvalidAccountName.NotFound` (404): the instance has no account of this name.
    pub fn account_not_found(instance: &str, name: &str) -> Self {
        let shown: String = name.chars().take(80).collect();
        Self::new(
            "InvalidAccountName.NotFound",
            404,
            format!("Specified account name does not exist: {shown:?} on {instance}."),
        )
    }

    /// `InvalidAccountPassword.Format` (400): the password breaks the rules. The message says which rule,
    /// never the password.
    pub fn account_password_format(why: &str) -> Self {
        Self::new("InvalidAccountPassword.Format", 400, format!("Specified account password is not valid: {why}."))
    }

    /// `InvalidAccountDescription.Format` (400): an account description breaks the rules.
    pub fn account_description_format(why: &str) -> Self {
        Self::new(
            "InvalidAccountDescription.Format",
            400,
            format!("Specified account description is not valid: {why}."),
        )
    }

    /// `InvalidAccountType.Format` (400, message chosen): `AccountType` is not `Normal`, `Super` or `Sysadmin`.
    pub fn account_type_format(account_type: &str) -> Self {
        let shown: String = account_type.chars().take(80).collect();
        Self::new(
            "InvalidAccountType.Format",
            400,
            format!("Specified account type {shown:?} is not valid: use Normal, Super or Sysadmin."),
        )
    }

    /// `InvalidEngineVersion.NotSupported` (400): a `Sysadmin` account on an instance that is not SQL Server.
    pub fn sysadmin_not_supported(instance: &str, engine: &str) -> Self {
        Self::new(
            "InvalidEngineVersion.NotSupported",
            400,
            format!("Current db instance does not support sysadmin: {instance} is {engine}, not SQLServer."),
        )
    }

    /// `IncorrectAccountType` (403, when chosen): a privileged account, which holds every privilege already,
    /// cannot be granted or revoked one.
    pub fn incorrect_account_type(name: &str, account_type: &str) -> Self {
        Self::new(
            "IncorrectAccountType",
            403,
            format!(
                "Current account type does not support this operation: {name} is a {account_type} account, which \
                 holds every privilege on every database."
            ),
        )
    }

    /// `InvalidAccountPrivilege.Malformed` (400): a privilege the engine does not have.
    pub fn account_privilege_malformed(privilege: &str, engine: &str, allowed: &[&str]) -> Self {
        let shown: String = privilege.chars().take(80).collect();
        Self::new(
            "InvalidAccountPrivilege.Malformed",
            400,
            format!("Specified account privilege is not valid: {shown:?}; on {engine} use {}.", allowed.join(", ")),
        )
    }

    /// `InvalidDBNameOrAccountPrivilege` (400): `DBName` and `AccountPrivilege` do not pair up one to one.
    pub fn db_names_and_privileges_mismatch(why: &str) -> Self {
        Self::new(
            "InvalidDBNameOrAccountPrivilege",
            400,
            format!("Account permissions and database names must correspond: {why}."),
        )
    }

    /// `InsufficientStorage` (400): the destination's free storage is not larger than the source's used storage.
    pub fn insufficient_storage(destination: &str, free: i64, source: &str, used: i64) -> Self {
        Self::new(
            "InsufficientStorage",
            400,
            format!(
                "The free storage of {destination} ({free} bytes) must be larger than the storage {source} uses \
                 ({used} bytes)."
            ),
        )
    }

    /// The JSON body for this error.
    pub fn body(&self, request_id: &str, host_id: &str) -> Value {
        json!({
            "RequestId": request_id,
            "HostId": host_id,
            "Code": self.code,
            "Message": self.message,
            "Recommend": format!(
                "https://api.aliyun.com/troubleshoot?q={}&product=Rds&requestId={request_id}",
                self.code
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rds_api::Violation;

    fn violation(parameter: &str, rule: Rule) -> Violation {
        Violation { parameter: parameter.into(), rule, value: None }
    }

    #[test]
    fn validation_errors_map_to_missing_or_invalid_parameter() {
        let err = ValidationError {
            operation: "ImportDatabaseBetweenInstances",
            violations: vec![violation("DBInfo.DBNames", Rule::MinItems(1)), violation("DBInstanceId", Rule::Required)],
        };
        let mapped = ApiError::from_validation(&err);
        assert_eq!(mapped.code, "MissingParameter");
        assert_eq!(
            mapped.message,
            "The input parameter \"DBInstanceId\" that is mandatory for processing this request is not supplied."
        );

        let err = ValidationError {
            operation: "ImportDatabaseBetweenInstances",
            violations: vec![violation("A", Rule::MinLength(1)), violation("B", Rule::UniqueItems)],
        };
        let mapped = ApiError::from_validation(&err);
        assert_eq!((mapped.code.as_str(), mapped.status), ("InvalidParameter", 400));
        assert_eq!(
            mapped.message,
            "The specified parameters are not valid: A: must be at least 1 character long; B: must not contain the same item twice"
        );
    }

    #[test]
    fn body_has_the_service_shape() {
        let body = ApiError::nonce_used().body("R-1", "rds.aliyuncs.com");
        assert_eq!(body["RequestId"], "R-1");
        assert_eq!(body["HostId"], "rds.aliyuncs.com");
        assert_eq!(body["Code"], "SignatureNonceUsed");
        assert!(body["Recommend"].as_str().unwrap().contains("q=SignatureNonceUsed"));
    }

    #[test]
    fn debug_hides_the_message() {
        let err = ApiError::signature_mismatch("POST&%2F&SecurityToken%3Dsecret-token");
        assert!(!format!("{err:?}").contains("secret-token"));
    }
}
