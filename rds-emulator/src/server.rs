//! HTTP/1.1 on hyper: accepting connections, reading RPC requests off them, writing answers, dropping
//! connections on demand, and shutting down gracefully.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming as Body};
use hyper::header::{HeaderValue, CONTENT_TYPE, HOST};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::auth::Headers;
use crate::control;
use crate::errors::ApiError;
use crate::handlers::Params;
use crate::pipeline::{self, Answer, Incoming, Shared};

/// Largest form body read; RPC requests carry their parameters in the query.
const MAX_BODY_BYTES: usize = 1 << 20;
/// How long a graceful shutdown waits for requests in flight before cutting them off.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json;charset=utf-8";

/// Returned by the service to make hyper close the connection without writing a response (hyper treats a
/// service error that way).
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped on purpose (fault injection)")
    }
}

impl std::error::Error for DropConnection {}

/// Accepts connections until `shutdown` turns true, then lets requests in flight finish (up to
/// [`DRAIN_TIMEOUT`]).
///
/// Connections live in a `JoinSet` owned by this task, so aborting the task (the handle's `Drop`) cuts
/// every connection too.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(connection(stream, shared.clone(), shutdown.clone()));
                }
                // Out of file descriptors and the like: back off briefly rather than spin.
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = stopped(&mut shutdown) => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async { while connections.join_next().await.is_some() {} });
    if drained.await.is_err() {
        connections.shutdown().await;
    }
}

/// Resolves once the emulator is told to stop (or its handle is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns must not live across an await of the caller (it is not `Send`).
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Serves one connection; on shutdown, finishes the request in flight and closes.
async fn connection(stream: TcpStream, shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let service = service_fn(move |request| {
        let shared = shared.clone();
        async move { respond(&shared, request).await }
    });
    let conn = http1::Builder::new().serve_connection(TokioIo::new(ShapedErrors::new(stream)), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(err) = result {
                tracing::debug!(error = %err, "connection ended");
            }
        }
        () = stopped(&mut shutdown) => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// The connection's bytes, except that hyper's own answers to requests it cannot parse (`414 URI Too Long`
/// for a request line over 64 KiB, `431` for headers over its buffer, `400` for broken HTTP), which have an
/// empty body, are replaced by the service's error shape, with a request id.
///
/// hyper writes those answers itself, before any service runs, so they can only be recognised on the way
/// out: a status line of 400, 414 or 431 in a head without `content-type` (every answer of the emulator has
/// one). hyper closes the connection after them, so the replacement says `connection: close`.
struct ShapedErrors<S> {
    inner: S,
    /// The replacement being written, and how much of it is written.
    replacing: Option<(Vec<u8>, usize)>,
}

impl<S> ShapedErrors<S> {
    fn new(inner: S) -> Self {
        ShapedErrors { inner, replacing: None }
    }

    /// The replacement for `written` if it is one of hyper's bare error answers.
    fn replacement(written: &[u8]) -> Option<Vec<u8>> {
        let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&written[..head_end]).to_ascii_lowercase();
        let status: u16 =
            head.strip_prefix("http/1.1 ").or_else(|| head.strip_prefix("http/1.0 "))?.get(..3)?.parse().ok()?;
        if head.contains("\r\ncontent-type:") {
            return None;
        }
        let error = match status {
            414 => ApiError::uri_too_long(),
            431 => ApiError::headers_too_large(),
            400 => ApiError::malformed_http(),
            _ => return None,
        };
        let request_id = pipeline::request_id();
        tracing::info!(request_id, status, code = error.code, "request refused by the HTTP parser");
        let body = error.body(&request_id, pipeline::DEFAULT_HOST).to_string();
        let reason = StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("Error");
        Some(
            format!(
                "HTTP/1.1 {status} {reason}\r\ncontent-type: {JSON}\r\nx-acs-request-id: {request_id}\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for ShapedErrors<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for ShapedErrors<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::task::Poll;
        let this = &mut *self;
        if this.replacing.is_none() {
            match Self::replacement(buf) {
                Some(bytes) => this.replacing = Some((bytes, 0)),
                None => return std::pin::Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        // Write the replacement instead of `buf`; hyper is told `buf` went out once all of it did.
        while let Some((bytes, done)) = this.replacing.as_mut().filter(|(bytes, done)| *done < bytes.len()) {
            match std::pin::Pin::new(&mut this.inner).poll_write(cx, &bytes[*done..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(std::io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *done += n,
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Reads the request, runs it through the pipeline and writes the answer, or refuses to answer.
async fn respond(shared: &Shared, request: Request<Body>) -> Result<Response<Full<Bytes>>, DropConnection> {
    let host = request.headers().get(HOST).and_then(|h| h.to_str().ok()).map(str::to_owned);
    let method = request.method().clone();
    let answer = if control::is_control(request.uri().path()) {
        control::handle(shared, request).await
    } else {
        rpc(shared, request, host.as_deref(), &method).await
    };
    match answer {
        Answer::Drop => Err(DropConnection),
        Answer::Json { status, request_id, body, retry_after } => {
            Ok(json_response(status, &request_id, &body, retry_after))
        }
        Answer::Raw { status, content_type, body, retry_after } => {
            Ok(raw_response(status, &content_type, body, retry_after))
        }
        // Holds the request without a word; the client gives up on its own timeout. The task ends when the
        // emulator stops (dropping the handle aborts it; a graceful shutdown cuts it after its drain time).
        Answer::Hang => std::future::pending().await,
    }
}

/// An RPC request: read, then run through the pipeline.
async fn rpc(shared: &Shared, request: Request<Body>, host: Option<&str>, method: &Method) -> Answer {
    match read(request).await {
        Ok(incoming) => pipeline::handle(shared, incoming).await,
        Err(error) => {
            tracing::info!(%method, status = error.status, code = error.code, "unreadable request");
            Answer::error(&error, pipeline::request_id(), host, None)
        }
    }
}

/// `body` as it is, with this status and `Content-Type` (and `x-acs-retry-after` when the fault adds it) and
/// nothing else.
fn raw_response(status: u16, content_type: &str, body: String, retry_after: Option<Duration>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    if let Some(wait) = retry_after {
        response
            .headers_mut()
            .insert("x-acs-retry-after", HeaderValue::from(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)));
    }
    response
}

/// The method, the query and (for a form body) the body parameters of an HTTP request, and for V3 signatures
/// its path, query alone, headers and body bytes.
async fn read(request: Request<Body>) -> Result<Incoming, ApiError> {
    let (parts, body) = request.into_parts();
    if parts.method != Method::GET && parts.method != Method::POST {
        return Err(ApiError::method_not_allowed(parts.method.as_str()));
    }
    let host = parts.headers.get(HOST).and_then(|h| h.to_str().ok()).map(str::to_owned);
    // `+` is a space in both (Tea SDKs send it that way); `%2B` is a plus.
    let query: Params = form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut params = query.clone();
    let mut headers = Headers::new();
    for (name, value) in &parts.headers {
        // HeaderName is lowercase already; a value that is not UTF-8 is kept lossily (it then fails to verify).
        headers
            .entry(name.as_str().to_owned())
            .or_default()
            .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
    }
    let is_form = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with(FORM));
    let bytes = Limited::new(body, MAX_BODY_BYTES)
        .collect()
        .await
        .map_err(|err| ApiError::unreadable_body(&err.to_string()))?
        .to_bytes();
    if is_form {
        for (name, value) in form_urlencoded::parse(&bytes) {
            // The body wins a clash: both official SDK generations merge the body over the query and sign that
            // (legacy `sign_params.update(body_params)`, Tea `merge(query, body)`).
            params.insert(name.into_owned(), value.into_owned());
        }
    }
    Ok(Incoming {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query,
        params,
        headers,
        body: bytes.to_vec(),
        host,
    })
}

fn json_response(
    status: u16,
    request_id: &str,
    body: &serde_json::Value,
    retry_after: Option<Duration>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("x-acs-request-id", value);
    }
    if let Some(retry_after) = retry_after {
        headers
            .insert("x-acs-retry-after", HeaderValue::from(u64::try_from(retry_after.as_millis()).unwrap_or(u64::MAX)));
    }
    response
}
