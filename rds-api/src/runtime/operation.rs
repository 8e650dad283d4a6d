//! The traits a generated operation implements, and the small enums they use.

use std::fmt;

use super::{Params, ValidationError};

/// The HTTP method an operation is sent with.
///
/// RPC-style APIs put every parameter in the URL query whatever the method; the method only changes the
/// request line and the first field of the string to sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST` (the default of almost every RDS operation).
    Post,
}

impl Method {
    /// The method as it appears on the wire and in the string to sign: `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a request parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    /// The URL query string (almost every RDS parameter).
    Query,
    /// An `application/x-www-form-urlencoded` request body.
    Body,
}

/// One API operation: a request type that knows its wire name, how to check itself and how to flatten itself
/// into parameters.
///
/// Implemented by generated code; the [`Client`](crate::client::Client) adds the common parameters (`Action`,
/// `Version`, `AccessKeyId`, `Signature`, …) itself.
pub trait Operation: Send + Sync {
    /// What a successful call decodes to.
    type Response: super::de::Decode + Send + 'static;
    /// The error codes the operation documents (plus an `Unknown` catch-all).
    type ErrorCode: ErrorCode;
    /// The wire name, sent as `Action` (e.g. `ImportDatabaseBetweenInstances`).
    const ACTION: &'static str;
    /// The API version, sent as `Version` (`2014-08-15` for RDS).
    const VERSION: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// Whether re-sending the request cannot do the work twice, i.e. whether a retry may re-send it.
    const IDEMPOTENT: bool;
    /// The wire names of the parameters marked `sensitive` in the spec (passwords, keys): sent, never shown.
    /// The client redacts their values, and those of any parameter below them (`Name.1`, `Name.Field`), in
    /// a [`PreparedRequest`](crate::PreparedRequest)'s `Debug` and in errors.
    const SENSITIVE: &'static [&'static str] = &[];
    /// The wire names of the response fields marked `sensitive` (at any depth: a private key the service
    /// returns): the client replaces their string values by `***` in the body snippet of a
    /// [`ResponseError`](crate::ResponseError).
    const RESPONSE_SENSITIVE: &'static [&'static str] = &[];

    /// Checks every documented constraint and reports every violation at once; called before any I/O.
    fn validate(&self) -> Result<(), ValidationError>;

    /// Writes the operation's own parameters (not the common ones) into `params`.
    fn write_params(&self, params: &mut Params);
}

/// An operation's error-code enum.
///
/// Generated enums have one variant per documented code and an `Unknown(String)` variant that keeps any
/// other code, so `from_code(c).code() == c` for every `c`.
pub trait ErrorCode: fmt::Debug + fmt::Display + Clone + PartialEq + Send + Sync + 'static {
    /// Maps a wire code (e.g. `InvalidDBInstanceId.NotFound`) to its variant; unknown codes map to the
    /// catch-all variant.
    fn from_code(code: &str) -> Self;

    /// The wire code.
    fn code(&self) -> &str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_wire_names() {
        assert_eq!(Method::Get.as_str(), "GET");
        assert_eq!(Method::Post.as_str(), "POST");
        assert_eq!(Method::Post.to_string(), "POST");
    }
}
