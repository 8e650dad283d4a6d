//! The emulator's clock, which drives migrations (and nothing else).
//!
//! Tests must never sleep to see a migration finish, so by default the clock is manual: it starts at the real
//! time when the emulator starts and moves only when [`Clock::advance`] is called. The binary uses
//! [`ClockMode::Real`], where it follows the machine's clock (plus whatever was advanced).
//!
//! Request signatures (`Timestamp`) and nonce memory deliberately use the machine's clock instead: clients
//! sign with the real time, and advancing the emulator by an hour must not make their requests "expired".

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// How the emulator clock moves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClockMode {
    /// Frozen at the start time; moves only by [`Clock::advance`]. The default, for tests.
    #[default]
    Manual,
    /// Follows the machine's clock; [`Clock::advance`] adds to it. For the binary and demos.
    Real,
}

#[derive(Debug)]
struct Inner {
    mode: ClockMode,
    /// The manual clock's reading before any advance.
    start: SystemTime,
    /// Everything advanced so far.
    offset: Duration,
}

/// A shared handle on the emulator clock; clones see the same time.
#[derive(Clone)]
pub struct Clock {
    inner: Arc<Mutex<Inner>>,
}

impl Clock {
    /// A clock in `mode`, reading the machine's time now.
    pub fn new(mode: ClockMode) -> Self {
        Self::starting_at(mode, SystemTime::now())
    }

    /// A clock in `mode` whose manual reading starts at `start` (a real clock ignores `start`).
    pub fn starting_at(mode: ClockMode, start: SystemTime) -> Self {
        Clock { inner: Arc::new(Mutex::new(Inner { mode, start, offset: Duration::ZERO })) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The lock guards plain data that no panic can leave half-updated.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current emulator time.
    pub fn now(&self) -> SystemTime {
        let inner = self.lock();
        let base = match inner.mode {
            ClockMode::Manual => inner.start,
            ClockMode::Real => SystemTime::now(),
        };
        base + inner.offset
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut inner = self.lock();
        inner.offset = inner.offset.saturating_add(by);
    }

    /// Everything advanced so far.
    pub fn advanced(&self) -> Duration {
        self.lock().offset
    }

    /// How the clock moves.
    pub fn mode(&self) -> ClockMode {
        self.lock().mode
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("Clock").field("mode", &inner.mode).field("advanced", &inner.offset).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let clock = Clock::starting_at(ClockMode::Manual, start);
        assert_eq!(clock.now(), start);
        let shared = clock.clone();
        shared.advance(Duration::from_secs(30));
        assert_eq!(clock.now(), start + Duration::from_secs(30));
        assert_eq!(clock.mode(), ClockMode::Manual);
    }

    #[test]
    fn real_clock_follows_the_machine_plus_offset() {
        let clock = Clock::new(ClockMode::Real);
        clock.advance(Duration::from_secs(3600));
        let ahead = clock.now().duration_since(SystemTime::now()).unwrap();
        assert!(ahead > Duration::from_secs(3590), "{ahead:?}");
    }
}
