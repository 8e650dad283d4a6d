//! The generic runners: arguments (as wire parameters) into the typed request through the generated
//! `FromParams`, validated; then `--dryrun`, a send, `--pager` or `--waiter`; the service's JSON on stdout,
//! errors on stderr.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rds_api::credentials::{CredentialsChain, Environment, ENV_PROFILE};
use rds_api::runtime::{ErrorCode, FromParams, NextPage, Operation, Paginated, Rule, ValidationError};
use rds_api::{Client, Credentials, Error, PreparedRequest, RetryPolicy};
use serde_json::{json, Value};

use crate::args::Globals;
use crate::output;
use crate::pager;
use crate::suggest;
use crate::table::Command;
use crate::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

/// The environment variable with the default region, as Alibaba's SDKs and CLI read it.
pub const ENV_REGION: &str = "ALIBABA_CLOUD_REGION_ID";

/// A problem of the command line, by wire parameter (or flag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The wire parameter (or flag) it concerns; empty when none.
    pub parameter: String,
    /// What is wrong, and any suggestion.
    pub message: String,
}

impl Problem {
    /// A problem of `parameter`.
    pub fn new(parameter: &str, message: &str) -> Self {
        Problem { parameter: parameter.to_owned(), message: message.to_owned() }
    }
}

/// An operation's parsed command line.
#[derive(Debug)]
pub struct Invocation {
    /// The operation.
    pub command: &'static Command,
    /// Its parameters, by wire name, flattened as sent (`Name.1`, `Tag.1.Key`, `Window.Start`).
    pub params: BTreeMap<String, String>,
    /// What is already wrong with the command line.
    pub problems: Vec<Problem>,
    /// The global flags.
    pub globals: Globals,
}

/// Runs an operation that does not page.
pub fn run<R: Operation + FromParams>(inv: &Invocation) -> i32 {
    let mut inv_problems = inv.problems.clone();
    if inv.globals.pager {
        inv_problems.push(Problem::new("", &format!("--pager: {} does not page", inv.command.action)));
    }
    let (request, client, rt) = match setup::<R>(inv, inv_problems) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    if inv.globals.dryrun {
        return dryrun(inv, &client, &request);
    }
    match &inv.globals.waiter {
        Some(spec) => rt.block_on(wait(inv, &client, &request, spec)),
        None => match rt.block_on(client.send_with_body(&request)) {
            Ok((_, body)) => output::print_answer(inv, &body),
            Err(err) => report_error(&err),
        },
    }
}

/// Runs an operation that pages: like [`run`], and with `--pager` every page, merged into one answer.
pub fn run_paginated<R: Paginated + FromParams + PartialEq>(inv: &Invocation) -> i32 {
    if !inv.globals.pager {
        return run::<R>(inv);
    }
    let mut problems = inv.problems.clone();
    if inv.globals.waiter.is_some() {
        problems.push(Problem::new("", "--pager and --waiter do not go together"));
    }
    let (request, client, rt) = match setup::<R>(inv, problems) {
        Ok(ready) => ready,
        Err(code) => return code,
    };
    if inv.globals.dryrun {
        // The first page's request: the others depend on the answers.
        return dryrun(inv, &client, &request);
    }
    let Some(paging) = &inv.command.paging else { return run::<R>(inv) };
    let style = pager::Style::of(paging, &inv.params);
    let mut bodies = Vec::new();
    let mut next = Some(request);
    while let Some(request) = next.take() {
        match rt.block_on(client.send_with_body(&request)) {
            Ok((response, body)) => {
                bodies.push(body);
                match request.following(&response) {
                    NextPage::Page(following) => next = Some(following),
                    NextPage::Last => {}
                    // Asking again would get the same page forever.
                    NextPage::Repeated => {
                        eprintln!(
                            "rds: --pager: the service answered page {} with the same page token it was sent; \
                             paging stopped",
                            bodies.len()
                        );
                        return EXIT_FAILED;
                    }
                }
            }
            Err(err) => return report_error(&err),
        }
    }
    match pager::merge(paging, style, &bodies) {
        Ok(merged) => output::print_value(inv, merged),
        Err(why) => {
            eprintln!("rds: --pager: {why}");
            EXIT_FAILED
        }
    }
}

/// Reads and validates the request, builds the client and a runtime; prints what is wrong and returns
/// the exit code otherwise.
fn setup<R: Operation + FromParams>(
    inv: &Invocation,
    mut problems: Vec<Problem>,
) -> Result<(R, Client, tokio::runtime::Runtime), i32> {
    let mut params = inv.params.clone();
    let region = region(&inv.globals);
    if inv.command.param("RegionId").is_some() && !params.contains_key("RegionId") {
        if let Some(region) = &region {
            params.insert("RegionId".to_owned(), region.clone());
        }
    }
    if let Some(method) = &inv.globals.method {
        if method != inv.command.method {
            problems.push(Problem::new(
                "",
                &format!(
                    "--method {method}: {} is sent with {} as its spec says; other methods are not supported",
                    inv.command.action, inv.command.method
                ),
            ));
        }
    }
    problems.extend(expression_problems(&inv.globals));
    let request = match R::from_params(&params) {
        Ok(request) if problems.is_empty() => Some(request),
        Ok(_) => None,
        Err(err) => {
            problems.extend(violations(inv.command, &params, &err));
            None
        }
    };
    let Some(request) = request else {
        print_problems(inv.command.action, &problems);
        return Err(EXIT_USAGE);
    };
    let client = match client(&inv.globals, region.as_deref()) {
        Ok(client) => client,
        Err(message) => {
            eprintln!("rds: {message}");
            return Err(EXIT_FAILED);
        }
    };
    match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => Ok((request, client, rt)),
        Err(err) => {
            eprintln!("rds: could not start the I/O runtime: {err}");
            Err(EXIT_FAILED)
        }
    }
}

/// The JMESPath expressions of `--cli-query`, `--output` and `--waiter` that do not compile, checked before
/// anything is sent.
fn expression_problems(g: &Globals) -> Vec<Problem> {
    let mut exprs: Vec<(String, &str)> = Vec::new();
    if let Some(q) = &g.cli_query {
        exprs.push((format!("--cli-query {q:?}"), q));
    }
    if let Some(table) = &g.output {
        if let Some(rows) = &table.rows {
            exprs.push((format!("--output rows={rows}"), rows));
        }
        exprs.extend(table.cols.iter().map(|c| (format!("--output cols={c}"), c.as_str())));
    }
    if let Some(w) = &g.waiter {
        exprs.push((format!("--waiter expr={}", w.expr), &w.expr));
    }
    exprs
        .into_iter()
        .filter_map(|(flag, expr)| output::compile(expr).err().map(|why| Problem::new("", &format!("{flag}: {why}"))))
        .collect()
}

/// The violations of a validation error as problems, with the nearest allowed value suggested.
pub fn violations(command: &Command, params: &BTreeMap<String, String>, err: &ValidationError) -> Vec<Problem> {
    err.violations
        .iter()
        .map(|v| {
            let base = v.parameter.split(['.', '[']).next().unwrap_or("");
            let given = params.get(&v.parameter).or_else(|| params.get(base));
            // The enum of the value itself, however deep below the parameter (`Tag.2.Kind`).
            let enum_values = command.param(base).map(|p| crate::flat::enum_values_at(p, &v.parameter)).unwrap_or(&[]);
            let message = match (&v.rule, given) {
                (Rule::Format(_), Some(given)) if !enum_values.is_empty() => {
                    let nearest = suggest::closest(given, enum_values.iter().copied()).unwrap_or_default();
                    format!("must be one of {} (got {given:?}); did you mean {nearest:?}?", enum_values.join(", "))
                }
                (Rule::Allowed(values), Some(given)) => {
                    let nearest = suggest::closest(given, values.iter().map(String::as_str)).unwrap_or_default();
                    format!("{} (got {given:?}); did you mean {nearest:?}?", v.rule)
                }
                _ => {
                    let sensitive = command.param(base).is_some_and(|p| p.sensitive);
                    match (&v.value, sensitive) {
                        (Some(value), false) => format!("{} (got {value:?})", v.rule),
                        _ => v.rule.to_string(),
                    }
                }
            };
            Problem { parameter: v.parameter.clone(), message }
        })
        .collect()
}

/// Prints every problem on stderr.
pub fn print_problems(action: &str, problems: &[Problem]) {
    let mut err = std::io::stderr().lock();
    let count = problems.len();
    let noun = if count == 1 { "problem" } else { "problems" };
    let _ = writeln!(err, "rds: {action}: {count} {noun}, nothing was sent:");
    for p in problems {
        // A message that starts with the flag as typed (`--tag.x: …`, `--page-size needs a value`) names it already.
        if p.parameter.is_empty() || p.message.starts_with("--") {
            let _ = writeln!(err, "  {}", p.message);
        } else {
            let _ = writeln!(err, "  {}: {}", p.parameter, p.message);
        }
    }
}

/// The region: `--region`, else `ALIBABA_CLOUD_REGION_ID`, else the profile's `region_id`.
pub fn region(g: &Globals) -> Option<String> {
    g.region
        .clone()
        .or_else(|| std::env::var(ENV_REGION).ok().filter(|r| !r.is_empty()))
        .or_else(|| profile_region(g.profile.as_deref()))
}

fn config_path() -> Option<PathBuf> {
    Environment::process().home_dir().map(|home| home.join(".aliyun").join("config.json"))
}

/// The `region_id` of the chosen profile of `~/.aliyun/config.json` (nothing else is read from it here).
fn profile_region(profile: Option<&str>) -> Option<String> {
    let text = std::fs::read(config_path()?).ok()?;
    let root: Value = serde_json::from_slice(&text).ok()?;
    let chosen = match profile {
        Some(p) => p.to_owned(),
        None => match std::env::var(ENV_PROFILE).ok().filter(|p| !p.is_empty()) {
            Some(p) => p,
            None => root.get("current")?.as_str()?.to_owned(),
        },
    };
    let profile =
        root.get("profiles")?.as_array()?.iter().find(|p| p.get("name").and_then(Value::as_str) == Some(&chosen))?;
    profile.get("region_id")?.as_str().filter(|r| !r.is_empty()).map(str::to_owned)
}

/// The client the global flags describe. Credentials: `--access-key-id`/`--access-key-secret`
/// (`--sts-token`), else with `--profile` that profile of `~/.aliyun/config.json`, else the SDK's chain (the
/// environment, then the profile file).
pub fn client(g: &Globals, region: Option<&str>) -> Result<Client, String> {
    let mut builder = Client::builder().user_agent(format!("rds-cli/{}", env!("CARGO_PKG_VERSION")));
    match (&g.access_key_id, &g.access_key_secret) {
        (Some(id), Some(secret)) => {
            let mut credentials = Credentials::new(id.as_str(), secret.as_str());
            if let Some(token) = &g.sts_token {
                credentials = credentials.with_security_token(token.as_str());
            }
            builder = builder.credentials(credentials);
        }
        (None, None) => {
            let environment = match &g.profile {
                // An explicit profile wins over credentials in the environment, as with the aliyun CLI.
                Some(profile) => {
                    let mut env = Environment::empty().var(ENV_PROFILE, profile.as_str());
                    if let Some(home) = Environment::process().home_dir() {
                        env = env.home(home);
                    }
                    env
                }
                None => Environment::process(),
            };
            builder = builder.credentials_chain(CredentialsChain::new().environment(environment));
        }
        _ => return Err("--access-key-id and --access-key-secret go together".to_owned()),
    }
    if let Some(endpoint) = &g.endpoint {
        builder = builder.endpoint(endpoint.as_str());
    }
    if let Some(region) = region {
        builder = builder.region(region);
    }
    if let Some(timeout) = g.read_timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(timeout) = g.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(retries) = g.retry_count {
        builder = builder.retry(RetryPolicy::new().max_attempts(retries.saturating_add(1)));
    }
    builder.build().map_err(|e| e.to_string())
}

/// `--dryrun`: the request as it would be sent, secrets redacted, as JSON on stdout; nothing is sent.
fn dryrun<R: Operation>(inv: &Invocation, client: &Client, request: &R) -> i32 {
    match client.prepare(request) {
        Ok(prepared) => {
            let value = dryrun_json(&prepared);
            output::print_json(&inv.globals, &value);
            EXIT_OK
        }
        Err(err) => report_error(&err),
    }
}

/// The JSON `--dryrun` prints for `prepared`: method, URL, query, headers and body, as the SDK redacts them
/// (the security token and every `sensitive` parameter's value replaced by `***`).
pub fn dryrun_json(prepared: &PreparedRequest) -> Value {
    json!({
        "Method": prepared.method().as_str(),
        "Url": prepared.redacted_url(),
        "Query": prepared.redacted_query(),
        "Headers": prepared.redacted_headers(),
        "Body": prepared.redacted_body(),
        "BodyParams": prepared.redacted_body_params(),
    })
}

/// Prints a failed call on stderr (code, message, request id, recommendation) and returns its exit code.
pub fn report_error<E: ErrorCode>(err: &Error<E>) -> i32 {
    let mut out = std::io::stderr().lock();
    match err {
        Error::Validation(v) => {
            let _ = writeln!(out, "rds: {}: nothing was sent: {v}", v.operation);
            return EXIT_USAGE;
        }
        Error::Service(e) => {
            let _ = writeln!(out, "rds: {} failed: {} (HTTP {})", e.operation, e.code, e.status);
            let _ = writeln!(out, "  Code: {}", e.code);
            let _ = writeln!(out, "  Message: {}", e.message);
            let _ = writeln!(out, "  RequestId: {}", e.request_id.as_deref().unwrap_or("-"));
            if let Some(host) = &e.host_id {
                let _ = writeln!(out, "  HostId: {host}");
            }
            if let Some(recommend) = &e.recommend {
                let _ = writeln!(out, "  Recommend: {recommend}");
            }
        }
        other => {
            let _ = writeln!(out, "rds: {other}");
            if let Some(id) = other.request_id() {
                let _ = writeln!(out, "  RequestId: {id}");
            }
        }
    }
    EXIT_FAILED
}

/// `--waiter`: sends the request again every `interval` until `expr` of the answer is `to`, with a progress
/// line on stderr; prints the last answer.
async fn wait<R: Operation>(inv: &Invocation, client: &Client, request: &R, spec: &crate::args::WaiterSpec) -> i32 {
    let expr = match output::compile(&spec.expr) {
        Ok(expr) => expr,
        Err(why) => {
            eprintln!("rds: --waiter expr={}: {why}", spec.expr);
            return EXIT_USAGE;
        }
    };
    let started = Instant::now();
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let body = match client.send_with_body(request).await {
            Ok((_, body)) => body,
            Err(err) => return report_error(&err),
        };
        let value: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let seen = output::search(&expr, &value).map(|v| output::text_of(&v)).unwrap_or_default();
        let elapsed = started.elapsed();
        eprintln!(
            "waiting for {} to be {}: {} (attempt {attempt}, {:.1}s)",
            spec.expr,
            spec.to,
            if seen.is_empty() { "<absent>" } else { &seen },
            elapsed.as_secs_f64()
        );
        if seen == spec.to {
            return output::print_answer(inv, &body);
        }
        if elapsed + spec.interval > spec.timeout {
            eprintln!(
                "rds: --waiter: {} is still {seen:?}, not {:?}, after {:.1}s (timeout={}s)",
                spec.expr,
                spec.to,
                elapsed.as_secs_f64(),
                spec.timeout.as_secs_f64()
            );
            return EXIT_FAILED;
        }
        tokio::time::sleep(spec.interval.max(Duration::from_millis(1))).await;
    }
}
