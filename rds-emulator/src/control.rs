//! The control API: what a test written in any language uses to drive a running emulator over HTTP, on the
//! same port as the RPC traffic, under the reserved path [`PREFIX`] (RPC requests go to `/`).
//!
//! | verb and path | what |
//! | --- | --- |
//! | `GET /_emulator/faults` | every active fault, by Action |
//! | `GET /_emulator/faults/{Action}` | the faults of one Action (`*`: those of every Action) |
//! | `POST /_emulator/faults/{Action}` | inject a fault (JSON body, see [`FaultSpec`]) |
//! | `DELETE /_emulator/faults/{Action}`, `DELETE /_emulator/faults` | clear one Action's faults, or all |
//! | `GET /_emulator/counters`, `GET /_emulator/counters/{Action}` | received and processed counts |
//! | `DELETE /_emulator/counters` | forget every count |
//! | `GET /_emulator/clock`, `POST /_emulator/clock/advance` | read the emulator clock, move it (`{"seconds": N}`) |
//! | `GET /_emulator/state`, `PUT /_emulator/state` | the state as JSON; replace it (JSON or YAML body) |
//! | `POST /_emulator/state/save` | write the state to its file, atomically |
//! | `POST /_emulator/reset` | the demo state again, no faults, no counts |
//!
//! Answers are JSON; errors have the service's error shape (`RequestId`, `HostId`, `Code`, `Message`,
//! `Recommend`) and header `x-acs-request-id`.

use std::collections::BTreeMap;
use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming as Body;
use hyper::header::HOST;
use hyper::{Method, Request};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::errors::ApiError;
use crate::faults::{Fault, FaultKind};
use crate::pipeline::{self, Answer, Shared};
use crate::state::State;

/// The path every control request starts with. No RPC client sends it: RPC requests go to `/`.
pub(crate) const PREFIX: &str = "/_emulator";

/// Largest control body read (a whole state fits).
const MAX_BODY_BYTES: usize = 64 << 20;

/// Longest clock advance accepted in one call (about 100 years).
const MAX_ADVANCE_SECONDS: f64 = 100.0 * 365.0 * 86_400.0;

/// Whether `path` belongs to the control API.
pub(crate) fn is_control(path: &str) -> bool {
    path == PREFIX || path.strip_prefix(PREFIX).is_some_and(|rest| rest.starts_with('/'))
}

/// A fault as the control API reads and shows it: `{"fault": "<kind>", …, "times": N}` (`times` absent or
/// `null`: until cleared).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case", deny_unknown_fields)]
enum FaultSpec {
    /// `{"fault": "latency", "ms": 200}`
    Latency { ms: u64 },
    /// `{"fault": "error", "code": "ServiceUnavailable", "status": 503, "message": "…"}`
    Error {
        code: String,
        status: u16,
        #[serde(default)]
        message: String,
    },
    /// `{"fault": "throttle", "retry_after_ms": 500}`
    Throttle { retry_after_ms: u64 },
    /// `{"fault": "drop_before"}`
    DropBefore,
    /// `{"fault": "drop_after"}`
    DropAfter,
    /// `{"fault": "raw", "status": 502, "content_type": "text/html", "body": "…", "after_processing": false}`
    Raw {
        status: u16,
        content_type: String,
        body: String,
        #[serde(default)]
        after_processing: bool,
    },
    /// `{"fault": "hang"}`
    Hang,
}

impl FaultSpec {
    fn into_kind(self) -> Result<FaultKind, ApiError> {
        let status_ok = |status: u16| {
            if (100..=599).contains(&status) {
                Ok(status)
            } else {
                Err(ApiError::invalid_parameter("status", "must be an HTTP status, 100 to 599."))
            }
        };
        Ok(match self {
            FaultSpec::Latency { ms } => FaultKind::Latency(Duration::from_millis(ms)),
            FaultSpec::Error { code, status, message } => {
                if code.is_empty() {
                    return Err(ApiError::invalid_parameter("code", "must not be empty."));
                }
                FaultKind::Error { code, status: status_ok(status)?, message }
            }
            FaultSpec::Throttle { retry_after_ms } => {
                FaultKind::Throttle { retry_after: Duration::from_millis(retry_after_ms) }
            }
            FaultSpec::DropBefore => FaultKind::DropBeforeProcessing,
            FaultSpec::DropAfter => FaultKind::DropAfterProcessing,
            FaultSpec::Raw { status, content_type, body, after_processing } => {
                FaultKind::Raw { status: status_ok(status)?, content_type, body, after_processing }
            }
            FaultSpec::Hang => FaultKind::Hang,
        })
    }

    fn from_kind(kind: &FaultKind) -> Self {
        let millis = |d: &Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        match kind {
            FaultKind::Latency(delay) => FaultSpec::Latency { ms: millis(delay) },
            FaultKind::Error { code, status, message } => {
                FaultSpec::Error { code: code.clone(), status: *status, message: message.clone() }
            }
            FaultKind::Throttle { retry_after } => FaultSpec::Throttle { retry_after_ms: millis(retry_after) },
            FaultKind::DropBeforeProcessing => FaultSpec::DropBefore,
            FaultKind::DropAfterProcessing => FaultSpec::DropAfter,
            FaultKind::Raw { status, content_type, body, after_processing } => FaultSpec::Raw {
                status: *status,
                content_type: content_type.clone(),
                body: body.clone(),
                after_processing: *after_processing,
            },
            FaultKind::Hang => FaultSpec::Hang,
        }
    }
}

/// A fault as JSON, with `times`.
fn fault_json(fault: &Fault) -> Value {
    let mut value = serde_json::to_value(FaultSpec::from_kind(&fault.kind)).unwrap_or(Value::Null);
    if let Some(fields) = value.as_object_mut() {
        fields.insert("times".into(), fault.remaining.map_or(Value::Null, Value::from));
        if let (Some(wait), false) = (fault.retry_after, matches!(fault.kind, FaultKind::Throttle { .. })) {
            fields.insert("retry_after_ms".into(), Value::from(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)));
        }
    }
    value
}

/// Reads a fault from a JSON body: a [`FaultSpec`] plus an optional `times`.
fn parse_fault(body: &[u8]) -> Result<Fault, ApiError> {
    let mut value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::invalid_parameter("body", &format!("is not a JSON object: {e}.")))?;
    let fields = value
        .as_object_mut()
        .ok_or_else(|| ApiError::invalid_parameter("body", "must be a JSON object such as {\"fault\": \"hang\"}."))?;
    let times = match fields.remove("times") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n >= 1) => {
            Some(usize::try_from(n.as_u64().unwrap_or(1)).unwrap_or(usize::MAX))
        }
        Some(other) => {
            return Err(ApiError::invalid_parameter(
                "times",
                &format!("must be a whole number of at least 1, not {other}."),
            ))
        }
    };
    // A throttle's `retry_after_ms` is its own field; any other fault's adds the header to its answer.
    let retry_after_ms = match fields.get("fault") {
        Some(Value::String(kind)) if kind == "throttle" => None,
        _ => fields.remove("retry_after_ms"),
    };
    let spec: FaultSpec = serde_json::from_value(value).map_err(|e| {
        ApiError::invalid_parameter(
            "fault",
            &format!(
                "{e}. Kinds: latency (ms), error (code, status, message), throttle (retry_after_ms), drop_before, \
                 drop_after, raw (status, content_type, body, after_processing), hang; error and raw also take \
                 retry_after_ms (an x-acs-retry-after header on their answer)."
            ),
        )
    })?;
    let retry_after = match &retry_after_ms {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_u64().is_some() => n.as_u64().map(Duration::from_millis),
        Some(other) => {
            return Err(ApiError::invalid_parameter(
                "retry_after_ms",
                &format!("must be a whole number of milliseconds, not {other}."),
            ))
        }
    };
    Ok(Fault { kind: spec.into_kind()?, remaining: times, retry_after })
}

/// Percent-decodes a path segment (an Action name may arrive as `%2A` for `*`).
fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn counts_json(received: usize, processed: usize) -> Value {
    json!({ "received": received, "processed": processed })
}

fn clock_json(shared: &Shared) -> Value {
    let mode = match shared.clock.mode() {
        crate::ClockMode::Manual => "manual",
        crate::ClockMode::Real => "real",
    };
    json!({
        "mode": mode,
        "now": humantime::format_rfc3339_millis(shared.clock.now()).to_string(),
        "advanced_seconds": shared.clock.advanced().as_secs_f64(),
    })
}

fn not_found(method: &Method, path: &str) -> ApiError {
    ApiError::new(
        "InvalidApi.NotFound",
        404,
        format!("The emulator has no control endpoint {method} {path}; see the rds-emulator README."),
    )
}

fn wrong_method(method: &Method, path: &str, allowed: &str) -> ApiError {
    ApiError::new("UnsupportedHTTPMethod", 405, format!("{path} takes {allowed}, not {method}."))
}

/// Answers one control request.
pub(crate) async fn handle(shared: &Shared, request: Request<Body>) -> Answer {
    let request_id = pipeline::request_id();
    let host = request.headers().get(HOST).and_then(|h| h.to_str().ok()).map(str::to_owned);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let result = match Limited::new(request.into_body(), MAX_BODY_BYTES).collect().await {
        Ok(body) => route(shared, &method, &path, &body.to_bytes()).await,
        Err(err) => Err(ApiError::unreadable_body(&err.to_string())),
    };
    match result {
        Ok(body) => {
            tracing::info!(request_id, %method, path, status = 200, "control");
            Answer::Json { status: 200, request_id, body, retry_after: None }
        }
        Err(error) => {
            tracing::info!(request_id, %method, path, status = error.status, code = error.code, "control");
            Answer::error(&error, request_id, host.as_deref(), None)
        }
    }
}

async fn route(shared: &Shared, method: &Method, path: &str, body: &[u8]) -> Result<Value, ApiError> {
    let rest = path.strip_prefix(PREFIX).unwrap_or_default().trim_matches('/');
    let segments: Vec<String> =
        if rest.is_empty() { Vec::new() } else { rest.split('/').map(decode_segment).collect() };
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (segments.as_slice(), method) {
        (["faults"], &Method::GET) => {
            let all: BTreeMap<String, Vec<Value>> = shared
                .faults
                .all()
                .into_iter()
                .map(|(action, faults)| (action, faults.iter().map(fault_json).collect()))
                .collect();
            Ok(json!({ "faults": all }))
        }
        (["faults"], &Method::DELETE) => {
            shared.faults.clear_all();
            Ok(json!({ "cleared": true }))
        }
        (["faults"], _) => Err(wrong_method(method, path, "GET or DELETE")),
        (["faults", action], &Method::GET) => {
            let faults: Vec<Value> = shared.faults.active(action).iter().map(fault_json).collect();
            Ok(json!({ "action": action, "faults": faults }))
        }
        (["faults", action], &Method::POST) => {
            let fault = parse_fault(body)?;
            let shown = fault_json(&fault);
            shared.faults.inject(action, fault);
            Ok(json!({ "action": action, "injected": shown }))
        }
        (["faults", action], &Method::DELETE) => {
            shared.faults.clear(action);
            Ok(json!({ "action": action, "cleared": true }))
        }
        (["faults", _], _) => Err(wrong_method(method, path, "GET, POST or DELETE")),
        (["counters"], &Method::GET) => {
            let all: BTreeMap<String, Value> = shared
                .counters
                .snapshot()
                .into_iter()
                .map(|(action, (received, processed))| (action, counts_json(received, processed)))
                .collect();
            Ok(json!({ "counters": all }))
        }
        (["counters"], &Method::DELETE) => {
            shared.counters.clear();
            Ok(json!({ "cleared": true }))
        }
        (["counters"], _) => Err(wrong_method(method, path, "GET or DELETE")),
        (["counters", action], &Method::GET) => {
            let mut counts =
                counts_json(shared.counters.received_count(action), shared.counters.processed_count(action));
            counts["action"] = json!(action);
            Ok(counts)
        }
        (["counters", _], _) => Err(wrong_method(method, path, "GET")),
        (["clock"], &Method::GET) => Ok(clock_json(shared)),
        (["clock"], _) => Err(wrong_method(method, path, "GET")),
        (["clock", "advance"], &Method::POST) => {
            let seconds = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("seconds").and_then(Value::as_f64))
                .filter(|s| s.is_finite() && (0.0..=MAX_ADVANCE_SECONDS).contains(s))
                .ok_or_else(|| {
                    ApiError::invalid_parameter(
                        "seconds",
                        "the body must be {\"seconds\": N} with N a number of seconds from 0 to about 100 years.",
                    )
                })?;
            shared.clock.advance(Duration::from_secs_f64(seconds));
            // Finish the imports now due, so the next read sees them done.
            drop(shared.state());
            Ok(clock_json(shared))
        }
        (["clock", "advance"], _) => Err(wrong_method(method, path, "POST")),
        (["state"], &Method::GET) => {
            let state = shared.state().clone();
            serde_json::to_value(&state).map_err(|e| ApiError::new("InternalError", 500, e.to_string()))
        }
        (["state"], &Method::PUT) => {
            let text =
                std::str::from_utf8(body).map_err(|_| ApiError::invalid_parameter("body", "is not UTF-8 text."))?;
            // JSON is YAML too: one parser reads both.
            let mut state = State::from_yaml(text).map_err(|e| ApiError::invalid_parameter("state", &e.to_string()))?;
            let mut live = shared.state();
            if state.settings.migration_seconds.is_none() {
                state.settings.migration_seconds = live.settings.migration_seconds;
            }
            *live = state;
            let instances: usize = live.accounts.iter().map(|a| a.instances.len()).sum();
            Ok(json!({ "replaced": true, "accounts": live.accounts.len(), "instances": instances }))
        }
        (["state"], _) => Err(wrong_method(method, path, "GET or PUT")),
        (["state", "save"], &Method::POST) => {
            let Some(path) = shared.save_path.clone() else {
                return Err(ApiError::new(
                    "NoStateFile",
                    409,
                    "The emulator was started without a state file (--state FILE), so there is nowhere to save.",
                ));
            };
            let state = shared.state().clone();
            let saved = path.clone();
            tokio::task::spawn_blocking(move || state.save(&saved))
                .await
                .map_err(|e| ApiError::new("InternalError", 500, e.to_string()))?
                .map_err(|e| ApiError::new("InternalError", 500, format!("The state could not be saved: {e}")))?;
            Ok(json!({ "saved_to": path.display().to_string() }))
        }
        (["state", "save"], _) => Err(wrong_method(method, path, "POST")),
        (["reset"], &Method::POST) => {
            shared.reset();
            Ok(json!({ "reset": true }))
        }
        (["reset"], _) => Err(wrong_method(method, path, "POST")),
        _ => Err(not_found(method, path)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_paths() {
        assert!(is_control("/_emulator"));
        assert!(is_control("/_emulator/faults/X"));
        assert!(!is_control("/"));
        assert!(!is_control("/_emulatorx"));
    }

    #[test]
    fn faults_round_trip_through_json() {
        let fault = parse_fault(br#"{"fault":"error","code":"Boom","status":503,"message":"m","times":2}"#).unwrap();
        assert_eq!(fault, Fault::error("Boom", 503, "m").times(2));
        assert_eq!(parse_fault(&serde_json::to_vec(&fault_json(&fault)).unwrap()).unwrap(), fault);
        let err = parse_fault(br#"{"fault":"teleport"}"#).unwrap_err();
        assert!(err.message.contains("teleport"), "{}", err.message);
        assert_eq!(parse_fault(br#"{"fault":"hang","times":0}"#).unwrap_err().code, "InvalidParameter");
        assert_eq!(decode_segment("%2A"), "*");
        assert_eq!(decode_segment("Describe%"), "Describe%");
    }
}
