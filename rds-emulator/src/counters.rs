//! Per-Action counts of received and processed requests: how tests prove that a request reached the
//! emulator, and that its effect was applied once and not twice.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

#[derive(Clone, Copy, Debug, Default)]
struct Count {
    received: usize,
    processed: usize,
}

/// The counts, by Action name.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    by_action: Mutex<HashMap<String, Count>>,
}

impl Counters {
    fn update(&self, action: &str, f: impl FnOnce(&mut Count)) {
        // Plain counters: a panic elsewhere cannot leave them half-updated.
        let mut all = self.by_action.lock().unwrap_or_else(PoisonError::into_inner);
        f(all.entry(action.to_owned()).or_default());
    }

    fn get(&self, action: &str) -> Count {
        let all = self.by_action.lock().unwrap_or_else(PoisonError::into_inner);
        all.get(action).copied().unwrap_or_default()
    }

    /// An authenticated request of `action` arrived.
    pub(crate) fn received(&self, action: &str) {
        self.update(action, |c| c.received += 1);
    }

    /// A handler of `action` ran to completion and applied its effect.
    pub(crate) fn processed(&self, action: &str) {
        self.update(action, |c| c.processed += 1);
    }

    pub(crate) fn received_count(&self, action: &str) -> usize {
        self.get(action).received
    }

    pub(crate) fn processed_count(&self, action: &str) -> usize {
        self.get(action).processed
    }

    /// Every Action seen so far with its (received, processed) counts, by name.
    pub(crate) fn snapshot(&self) -> std::collections::BTreeMap<String, (usize, usize)> {
        let all = self.by_action.lock().unwrap_or_else(PoisonError::into_inner);
        all.iter().map(|(action, count)| (action.clone(), (count.received, count.processed))).collect()
    }

    /// Forgets every count.
    pub(crate) fn clear(&self) {
        self.by_action.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }
}
