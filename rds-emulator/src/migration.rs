//! Finishing imports when the emulator clock passes their end.
//!
//! Nothing runs in the background: every request, and every accessor of the handle, first settles the
//! imports due by the current emulator time. So a test can advance the manual clock and see the result on
//! its next call, with no sleeping and no race.

use std::time::SystemTime;

use crate::state::{status, Database, ImportStatus, State};

/// Finishes every running import whose end is at or before `now`: the databases appear on the destination
/// (Running, with the source's sizes), the destination's used storage grows by them, and both instances go
/// back to `Running`.
///
/// An instance whose status was changed meanwhile (through `with_state`) keeps that status: the import only
/// undoes the states it set itself.
pub fn settle(state: &mut State, now: SystemTime) {
    let due: Vec<usize> = state
        .imports
        .iter()
        .enumerate()
        .filter(|(_, import)| import.status == ImportStatus::Running && import.finishes_at <= now)
        .map(|(index, _)| index)
        .collect();
    for index in due {
        let import = state.imports[index].clone();
        let Some(account) = state.account_mut(&import.account) else { continue };
        if let Some(destination) = account.instance_mut(&import.destination) {
            for db in &import.databases {
                destination.databases.push(Database {
                    name: db.destination_name.clone(),
                    status: status::RUNNING.into(),
                    size_bytes: db.size_bytes,
                    character_set: db.character_set.clone(),
                    description: None,
                });
                destination.used_bytes = destination.used_bytes.saturating_add(db.size_bytes);
            }
            if destination.status == status::IMPORTING_FROM_OTHERS {
                destination.status = status::RUNNING.into();
            }
        }
        if let Some(source) = account.instance_mut(&import.source) {
            if source.status == status::TRANSING_TO_OTHERS {
                source.status = status::RUNNING.into();
            }
        }
        state.imports[index].status = ImportStatus::Success;
    }
}
