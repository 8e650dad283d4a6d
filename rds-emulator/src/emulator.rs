//! Starting an emulator, and the handle a test drives it with.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rds_api::Credentials;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::{Clock, ClockMode};
use crate::demo;
use crate::faults::Faults;
use crate::pipeline::Shared;
use crate::server;
use crate::state::{State, StateError};

/// Settings of an emulator before it listens.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use rds_emulator::{ClockMode, Emulator, State};
///
/// let handle = Emulator::new(State::demo()).clock_mode(ClockMode::Real).listen("127.0.0.1:8080").await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Emulator {
    state: State,
    clock_mode: ClockMode,
    save_path: Option<PathBuf>,
}

impl Emulator {
    /// An emulator of `state`, with a manual clock.
    pub fn new(state: State) -> Self {
        Emulator { state, clock_mode: ClockMode::Manual, save_path: None }
    }

    /// Where [`EmulatorHandle::save`] and the control API's `POST /_emulator/state/save` write the state
    /// (atomically, see [`State::save`]). Without it, saving is refused.
    pub fn save_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.save_path = Some(path.into());
        self
    }

    /// How the emulator clock moves (default [`ClockMode::Manual`]).
    pub fn clock_mode(mut self, mode: ClockMode) -> Self {
        self.clock_mode = mode;
        self
    }

    /// Serves `state` on a free port of 127.0.0.1, with a manual clock.
    pub async fn start(state: State) -> io::Result<EmulatorHandle> {
        Self::new(state).listen("127.0.0.1:0").await
    }

    /// Serves `state` on `addr`, with a manual clock.
    pub async fn bind(addr: impl ToSocketAddrs, state: State) -> io::Result<EmulatorHandle> {
        Self::new(state).listen(addr).await
    }

    /// Checks the state, binds `addr` and serves in a background task until the handle is shut down or
    /// dropped. Must be called within a Tokio runtime.
    pub async fn listen(self, addr: impl ToSocketAddrs) -> io::Result<EmulatorHandle> {
        self.state.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(self.state, Clock::new(self.clock_mode), self.save_path));
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(EmulatorHandle { addr, shared, stop, task: Some(task) })
    }
}

/// A running emulator. Dropping it stops the server at once; [`shutdown`](Self::shutdown) lets requests in
/// flight finish first.
///
/// Every accessor first finishes the imports that are due by the emulator clock.
pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle").field("addr", &self.addr).field("clock", &self.shared.clock).finish()
    }
}

impl EmulatorHandle {
    /// The endpoint to give a client: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, lets requests in flight finish (at most 5 s), and waits for the server
    /// to stop.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// The emulator clock, which drives migrations.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Moves the emulator clock forward by `by`, finishing the imports that become due.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
        drop(self.shared.state());
    }

    /// The faults injected into this emulator.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// How many requests of `action` ran their handler to completion and applied its effect. Requests
    /// refused by a check, a fault or validation are not counted; one processed and then dropped is.
    pub fn processed(&self, action: &str) -> usize {
        self.shared.counters.processed_count(action)
    }

    /// How many requests of `action` arrived and passed authentication (before faults and handling).
    pub fn requests(&self, action: &str) -> usize {
        self.shared.counters.received_count(action)
    }

    /// A copy of the current state.
    pub fn state(&self) -> State {
        self.shared.state().clone()
    }

    /// Runs `f` on the live state (to add an instance, break a precondition, …) and returns what it returns.
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.shared.state())
    }

    /// Writes the current state to the path given by [`Emulator::save_path`], atomically, and returns that path.
    pub fn save(&self) -> Result<&Path, StateError> {
        let path = self.shared.save_path.as_deref().ok_or(StateError::NoSavePath)?;
        self.state().save(path)?;
        Ok(path)
    }

    /// Back to the demo state (keeping the current `settings`), with no faults and no counts: what the control
    /// API's `POST /_emulator/reset` does.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// The first AccessKey pair of `account`.
    pub fn credentials(&self, account: &str) -> Option<Credentials> {
        let state = self.shared.state();
        let key = state.account(account)?.access_keys.first()?;
        Some(Credentials::new(&key.id, &key.secret))
    }

    /// The first STS credentials of `account`, security token included.
    pub fn sts_credentials(&self, account: &str) -> Option<Credentials> {
        let state = self.shared.state();
        let sts = state.account(account)?.sts_credentials.first()?;
        Some(Credentials::new(&sts.access_key_id, &sts.access_key_secret).with_security_token(&sts.security_token))
    }

    /// The demo account's AccessKey pair ([`demo::ACCESS_KEY_ID`], [`demo::ACCESS_KEY_SECRET`]).
    pub fn demo_credentials(&self) -> Credentials {
        Credentials::new(demo::ACCESS_KEY_ID, demo::ACCESS_KEY_SECRET)
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
