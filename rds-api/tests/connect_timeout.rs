//! A connect timeout: the connection was never made, so nothing was sent, and the call is retried even for
//! a non-idempotent operation (README, "Retries and timeouts"; `rds_api::retry`: a connect timeout is a
//! [`FailureKind::Connect`]), unlike a timeout once the request was written.
//!
//! The server is a loopback listener whose accept queue is full: it never accepts, and Linux drops the SYN
//! of every further connection (`tcp_abort_on_overflow` is off by default), so `connect` neither succeeds
//! nor is refused until the client's connect timeout runs out. No outside address is involved.

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{
    Client, Credentials, DescribeDbInstanceAttributeRequest, Error, FailureKind, ImportDatabaseBetweenInstancesRequest,
    RetryPolicy,
};
use tokio::net::{TcpListener, TcpSocket};

const CONNECT_TIMEOUT: Duration = Duration::from_millis(200);
const ATTEMPTS: u32 = 3;

/// A listener on 127.0.0.1 that never accepts, with its accept queue full, and the connections that fill
/// it (kept open for as long as the listener lives).
struct FullBacklog {
    listener: TcpListener,
    _queued: Vec<TcpStream>,
}

impl FullBacklog {
    fn new() -> FullBacklog {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        // Backlog 0: the queue holds one connection (Linux holds backlog + 1).
        let listener = socket.listen(0).unwrap();
        let addr = listener.local_addr().unwrap();
        let mut queued = Vec::new();
        // Connect until a connection is neither made nor refused: the queue is then full. A few are enough
        // whatever the kernel rounds the backlog up to; give up after 64 rather than loop.
        loop {
            match TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
                Ok(stream) => queued.push(stream),
                Err(e) if e.kind() == io::ErrorKind::TimedOut || e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("filling the accept queue of {addr}: {e}"),
            }
            assert!(queued.len() < 64, "the accept queue of {addr} never filled");
        }
        FullBacklog { listener, _queued: queued }
    }

    fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap()
    }
}

fn client(addr: SocketAddr) -> Client {
    Client::builder()
        .endpoint(format!("http://{addr}"))
        .credentials(Credentials::new("connect-timeout-id", "connect-timeout-secret"))
        .connect_timeout(CONNECT_TIMEOUT)
        // Far longer than the connect timeout: only the connect timeout can run out here.
        .timeout(Duration::from_secs(10))
        .retry(
            RetryPolicy::new()
                .max_attempts(ATTEMPTS)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

/// Checks what a call to the full listener ended with, and that it took about `ATTEMPTS` connect timeouts.
fn assert_connect_timeout<E: std::fmt::Debug>(what: &str, err: &Error<E>, elapsed: Duration) {
    let Error::Transport(transport) = err else { panic!("{what}: {err:?}") };
    assert!(transport.is_connect(), "{what}: not a connect error: {err:?}");
    assert!(transport.is_timeout(), "{what}: not a timeout: {err:?}");
    assert_eq!(err.failure_kind(), FailureKind::Connect, "{what}: {err:?}");
    assert_eq!(err.attempts(), ATTEMPTS, "{what}: nothing was sent, so every attempt is made: {err}");
    assert!(err.to_string().contains(&format!("after {ATTEMPTS} attempts")), "{what}: {err}");
    assert!(elapsed >= CONNECT_TIMEOUT * ATTEMPTS, "{what}: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{what}: {elapsed:?}");
}

#[tokio::test]
async fn a_connect_timeout_is_retried_for_idempotent_operations() {
    let server = FullBacklog::new();
    let request = DescribeDbInstanceAttributeRequest::builder().db_instance_id("rm-source").build().unwrap();
    let started = Instant::now();
    let err = client(server.addr()).send(&request).await.unwrap_err();
    assert_connect_timeout("DescribeDBInstanceAttribute", &err, started.elapsed());
}

#[tokio::test]
async fn a_connect_timeout_is_retried_for_non_idempotent_operations_too() {
    let server = FullBacklog::new();
    let request = ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id("rm-destination")
        .source_db_instance_id("rm-source")
        .db_info(DbInfo { db_names: DbNames::Same(vec!["sales".into()]) })
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client(server.addr()).send(&request).await.unwrap_err();
    assert_connect_timeout("ImportDatabaseBetweenInstances", &err, started.elapsed());
}
