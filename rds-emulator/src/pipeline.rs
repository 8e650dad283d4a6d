//! What happens to one request, independent of HTTP: authenticate, count, apply faults, route, handle,
//! answer.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::auth::{self, Caller, NonceCache};
use crate::clock::Clock;
use crate::counters::Counters;
use crate::errors::ApiError;
use crate::faults::{Faults, Outcome, RawAnswer};
use crate::handlers::{self, Ctx, Params};
use crate::migration;
use crate::routing;
use crate::state::State;

/// `HostId` of error bodies when the request had no `Host` header.
pub(crate) const DEFAULT_HOST: &str = "rds.aliyuncs.com";

/// Everything a running emulator shares between its connections and its handle.
pub(crate) struct Shared {
    state: Mutex<State>,
    nonces: Mutex<NonceCache>,
    pub(crate) clock: Clock,
    pub(crate) faults: Faults,
    pub(crate) counters: Counters,
    /// Where the state is saved (the control API's `state/save`, the binary's `--save-on-exit`).
    pub(crate) save_path: Option<PathBuf>,
}

impl Shared {
    pub(crate) fn new(state: State, clock: Clock, save_path: Option<PathBuf>) -> Self {
        Shared {
            state: Mutex::new(state),
            nonces: Mutex::new(NonceCache::default()),
            clock,
            faults: Faults::default(),
            counters: Counters::default(),
            save_path,
        }
    }

    /// Back to the demo state (keeping the current settings), with no faults and no counts.
    pub(crate) fn reset(&self) {
        {
            let mut state = self.state();
            let settings = state.settings.clone();
            *state = State::demo();
            state.settings = settings;
        }
        self.faults.clear_all();
        self.counters.clear();
    }

    /// The state, with every import due by now finished.
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A handler that panicked changes nothing before its checks pass, so the state stays usable.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        migration::settle(&mut state, self.clock.now());
        state
    }
}

/// A request as the HTTP layer read it.
pub(crate) struct Incoming {
    /// `GET` or `POST`.
    pub(crate) method: String,
    /// The URL path as received (V3 signs it).
    pub(crate) path: String,
    /// The URL query parameters alone (V3 signs them, and the body by its hash).
    pub(crate) query: Params,
    /// Query and form-body parameters (the body wins when both have a name, as the SDKs sign it).
    pub(crate) params: Params,
    /// Every header by lowercase name (V3 signs some, and carries Action and Version in them).
    pub(crate) headers: auth::Headers,
    /// The body as received.
    pub(crate) body: Vec<u8>,
    /// The `Host` header, echoed as `HostId`.
    pub(crate) host: Option<String>,
}

/// What to send back.
#[derive(Debug)]
pub(crate) enum Answer {
    /// A JSON body with this status (and `x-acs-retry-after` when set).
    Json { status: u16, request_id: String, body: Value, retry_after: Option<Duration> },
    /// Close the connection without answering.
    Drop,
    /// This status, content type and body, as they are (a fault).
    Raw { status: u16, content_type: String, body: String, retry_after: Option<Duration> },
    /// Never answer (a fault).
    Hang,
}

impl Answer {
    /// An error answer.
    pub(crate) fn error(
        error: &ApiError,
        request_id: String,
        host: Option<&str>,
        retry_after: Option<Duration>,
    ) -> Self {
        let body = error.body(&request_id, host.unwrap_or(DEFAULT_HOST));
        Answer::Json { status: error.status, request_id, body, retry_after }
    }
}

/// A fresh request id, formatted like the service's (uppercase UUID).
pub(crate) fn request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

/// Runs one request through authentication, faults and its handler.
pub(crate) async fn handle(shared: &Shared, incoming: Incoming) -> Answer {
    let request_id = request_id();
    let param = |name: &str| incoming.params.get(name).map(String::as_str).unwrap_or_default();
    let header = |name: &str| auth::header(&incoming.headers, name).unwrap_or_default();
    // V3 (an `Authorization: ACS3-…` header) carries Action and Version in headers, V1 in parameters.
    let v3 = auth::is_v3(&incoming.headers);
    let (action, version) =
        if v3 { (header("x-acs-action"), header("x-acs-version")) } else { (param("Action"), param("Version")) };
    let host = incoming.host.as_deref();

    let caller = {
        let state = shared.state();
        let mut nonces = shared.nonces.lock().unwrap_or_else(PoisonError::into_inner);
        if v3 {
            let request = auth::V3Request {
                method: &incoming.method,
                path: &incoming.path,
                query: &incoming.query,
                headers: &incoming.headers,
                body: &incoming.body,
            };
            auth::authenticate_v3(&state, &mut nonces, &request, SystemTime::now())
        } else {
            auth::authenticate(&state, &mut nonces, &incoming.method, &incoming.params, SystemTime::now())
        }
    };
    let caller = match caller {
        Ok(caller) => caller,
        Err(error) => {
            let access_key_id = if v3 { auth::v3_access_key_id(&incoming.headers) } else { param("AccessKeyId") };
            log(&request_id, action, access_key_id, Some(&error));
            return Answer::error(&error, request_id, host, None);
        }
    };
    shared.counters.received(action);

    let plan = shared.faults.plan(action);
    if !plan.delay.is_zero() {
        tokio::time::sleep(plan.delay).await;
    }
    let drop_after = plan.outcome == Outcome::DropAfter;
    let mut raw_after = None;
    match plan.outcome {
        Outcome::Fail { error, retry_after } => {
            log(&request_id, action, &caller.access_key_id, Some(&error));
            return Answer::error(&error, request_id, host, retry_after);
        }
        Outcome::DropBefore => {
            tracing::info!(
                request_id,
                action,
                access_key_id = caller.access_key_id,
                "dropped before processing (fault)"
            );
            return Answer::Drop;
        }
        Outcome::Hang => {
            tracing::info!(request_id, action, access_key_id = caller.access_key_id, "never answered (fault)");
            return Answer::Hang;
        }
        Outcome::Raw(RawAnswer { status, content_type, body, after_processing: false, retry_after }) => {
            tracing::info!(request_id, action, access_key_id = caller.access_key_id, status, "raw answer (fault)");
            return Answer::Raw { status, content_type, body, retry_after };
        }
        Outcome::Raw(raw @ RawAnswer { after_processing: true, .. }) => raw_after = Some(raw),
        Outcome::Proceed | Outcome::DropAfter => {}
    }

    let result = run(shared, &caller, action, version, &incoming.params);
    if result.is_ok() {
        shared.counters.processed(action);
    }
    if drop_after {
        tracing::info!(request_id, action, access_key_id = caller.access_key_id, "dropped after processing (fault)");
        return Answer::Drop;
    }
    if let Some(RawAnswer { status, content_type, body, retry_after, .. }) = raw_after {
        tracing::info!(
            request_id,
            action,
            access_key_id = caller.access_key_id,
            status,
            "raw answer after processing (fault)"
        );
        return Answer::Raw { status, content_type, body, retry_after };
    }
    match result {
        Ok(mut body) => {
            log(&request_id, action, &caller.access_key_id, None);
            if let Some(fields) = body.as_object_mut() {
                fields.insert("RequestId".into(), Value::String(request_id.clone()));
            }
            Answer::Json { status: 200, request_id, body, retry_after: None }
        }
        Err(error) => {
            log(&request_id, action, &caller.access_key_id, Some(&error));
            Answer::error(&error, request_id, host, None)
        }
    }
}

/// Routes and runs the handler under the state lock, so one request's checks and effects are atomic.
fn run(shared: &Shared, caller: &Caller, action: &str, version: &str, params: &Params) -> handlers::Reply {
    let handler = routing::route(action, version, params)?;
    let mut state = shared.state();
    let mut ctx = Ctx { state: &mut state, account: &caller.account, now: shared.clock.now() };
    handler(&mut ctx, params)
}

/// One line per request on the log: never a secret, a token or a signature, and not the message (a
/// `SignatureDoesNotMatch` message holds the string to sign, with any security token in it).
fn log(request_id: &str, action: &str, access_key_id: &str, error: Option<&ApiError>) {
    match error {
        None => tracing::info!(request_id, action, access_key_id, status = 200, "request"),
        Some(e) => tracing::info!(request_id, action, access_key_id, status = e.status, code = e.code, "request"),
    }
}
