//! A tiny HTTP/1.1 server on 127.0.0.1 for tests that need real TCP.
//!
//! It accepts connections on an ephemeral port, reads one request per connection (request line, headers,
//! a `Content-Length` body), records it, and answers with a canned response (optionally after a delay), then
//! closes the connection. It depends only on tokio and std, so any test crate can include it with
//! `mod support;` (or `#[path = "…/support/mod.rs"] mod support;`).
//!
//! ```ignore
//! let server = TestServer::start(CannedResponse::json(200, r#"{"RequestId":"x"}"#)).await;
//! // point a client at server.url() …
//! let requests = server.requests();
//! assert_eq!(requests[0].method, "POST");
//! ```
//!
//! Limits: no chunked request bodies, no TLS, one request per connection, heads up to 64 KiB.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// How long the server waits for a client to finish sending a request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head accepted.
const MAX_HEAD: usize = 64 * 1024;

/// What the server answers.
#[derive(Clone, Debug)]
pub struct CannedResponse {
    /// HTTP status code.
    pub status: u16,
    /// Extra headers (`Content-Length` and `Connection: close` are always added).
    pub headers: Vec<(String, String)>,
    /// Body bytes, sent as they are.
    pub body: Vec<u8>,
    /// Wait this long after reading the request before answering.
    pub delay: Option<Duration>,
}

impl CannedResponse {
    /// A response with a raw body and no extra headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        CannedResponse { status, headers: Vec::new(), body: body.into(), delay: None }
    }

    /// A JSON response (`Content-Type: application/json;charset=utf-8`).
    pub fn json(status: u16, body: &str) -> Self {
        Self::new(status, body).with_header("Content-Type", "application/json;charset=utf-8")
    }

    /// An HTML response (`Content-Type: text/html`).
    pub fn html(status: u16, body: &str) -> Self {
        Self::new(status, body).with_header("Content-Type", "text/html")
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Answers only after `delay`.
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The request target as sent, e.g. `/?Action=…`.
    pub target: String,
    /// The target before `?`.
    pub path: String,
    /// The raw (still percent-encoded) query, without `?`; empty when there is none.
    pub query: String,
    /// `HTTP/1.1`.
    pub version: String,
    /// Headers in the order received; names as sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// Everything received: head and body.
    pub raw: Vec<u8>,
}

impl RecordedRequest {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The query parameters, percent-decoded.
    pub fn query_params(&self) -> BTreeMap<String, String> {
        parse_form(&self.query)
    }

    /// The body as `application/x-www-form-urlencoded` parameters, percent-decoded.
    pub fn body_params(&self) -> BTreeMap<String, String> {
        parse_form(&String::from_utf8_lossy(&self.body))
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The whole request as text (lossy UTF-8).
    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }
}

/// Splits `a=b&c=d` and percent-decodes names and values (`+` is a space).
pub fn parse_form(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

/// Decodes `%XX` escapes (and `+` as a space); malformed escapes are kept as they are.
pub fn percent_decode(text: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

type Responder = dyn Fn(&RecordedRequest) -> CannedResponse + Send + Sync;

struct State {
    connections: AtomicUsize,
    requests: Mutex<Vec<RecordedRequest>>,
    responder: Box<Responder>,
}

/// The running server; stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Starts a server that answers every request with `response`.
    pub async fn start(response: CannedResponse) -> Self {
        Self::start_with(move |_| response.clone()).await
    }

    /// Starts a server that answers each request with `responder(&request)`.
    pub async fn start_with(responder: impl Fn(&RecordedRequest) -> CannedResponse + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(State {
            connections: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            responder: Box::new(responder),
        });
        let accept_state = Arc::clone(&state);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                accept_state.connections.fetch_add(1, Ordering::SeqCst);
                let state = Arc::clone(&accept_state);
                tokio::spawn(async move {
                    let _ = serve(stream, &state).await;
                });
            }
        });
        TestServer { addr, state, task }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every complete request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests.lock().unwrap().clone()
    }

    /// How many connections were accepted so far (complete requests or not).
    pub fn connection_count(&self) -> usize {
        self.state.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(mut stream: TcpStream, state: &State) -> std::io::Result<()> {
    let Some(request) = tokio::time::timeout(READ_TIMEOUT, read_request(&mut stream)).await.unwrap_or(Ok(None))? else {
        return Ok(());
    };
    state.requests.lock().unwrap().push(request.clone());
    let response = (state.responder)(&request);
    if let Some(delay) = response.delay {
        tokio::time::sleep(delay).await;
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: close\r\n\r\n", response.body.len()));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&response.body).await?;
    stream.flush().await?;
    stream.shutdown().await
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<RecordedRequest>> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
        if raw.len() > MAX_HEAD {
            return Ok(None);
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        raw.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().splitn(3, ' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let version = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter(|line| !line.is_empty())
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let content_length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while raw.len() < head_end + content_length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&chunk[..n]);
    }
    let body_end = raw.len().min(head_end + content_length);
    let body = raw[head_end..body_end].to_vec();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target.clone(), String::new()),
    };
    Ok(Some(RecordedRequest { method, target, path, query, version, headers, body, raw }))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
