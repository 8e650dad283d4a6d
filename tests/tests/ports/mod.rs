//! Loopback ports a test keeps for itself until it uses them.
//!
//! Binding port 0 and dropping the listener frees the port for anyone: another test's server (they all bind
//! `127.0.0.1:0`) can take it before the test uses it, and a call meant to be refused, or meant for a server
//! the test starts later, reaches the wrong server. A [`ReservedPort`] keeps the port bound until it is
//! dropped.
#![allow(dead_code)] // each test file uses its own part

use std::net::SocketAddr;

use tokio::net::TcpSocket;

/// A port of 127.0.0.1 bound by this test, with nothing listening on it: connecting to it is refused (the
/// kernel answers RST), and, while it is held, the kernel gives it to no other `bind(127.0.0.1:0)` and to no
/// outgoing connection.
///
/// It is bound with `SO_REUSEADDR`, so a server that sets it too (Tokio's and std's `TcpListener::bind` do on
/// Unix) can still listen on this very port, by number, while it is held: Linux allows sockets that all set
/// `SO_REUSEADDR` to share a port as long as at most one listens, and never picks such a port for a `bind` to
/// port 0. Drop the reservation once the server listens.
pub struct ReservedPort {
    socket: TcpSocket,
    addr: SocketAddr,
}

impl ReservedPort {
    /// Reserves a free port of 127.0.0.1.
    pub fn new() -> ReservedPort {
        let socket = TcpSocket::new_v4().expect("a TCP socket");
        socket.set_reuseaddr(true).expect("SO_REUSEADDR");
        socket.bind("127.0.0.1:0".parse().unwrap()).expect("bind 127.0.0.1:0");
        let addr = socket.local_addr().expect("local address");
        ReservedPort { socket, addr }
    }

    /// The reserved address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl std::fmt::Debug for ReservedPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReservedPort").field("addr", &self.addr).finish_non_exhaustive()
    }
}
