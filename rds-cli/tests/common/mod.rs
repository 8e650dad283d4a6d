//! Helpers of the `rds` binary's tests: an in-process emulator on 127.0.0.1 and the real binary run as a
//! process against it, with a temporary HOME and no credentials from the environment.

#![allow(dead_code)] // each test file uses a different part

use std::path::Path;
use std::process::{Command, Stdio};

use rds_emulator::{demo, ClockMode, Emulator, EmulatorHandle, Instance, State};
use serde_json::Value;

/// An emulator serving on its own runtime's threads while the test thread runs `rds`.
pub struct Emu {
    pub handle: EmulatorHandle,
    // Kept alive: it runs the emulator.
    _rt: tokio::runtime::Runtime,
}

impl Emu {
    /// Serves `state` with `clock`.
    pub fn start(state: State, clock: ClockMode) -> Emu {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let handle = rt.block_on(Emulator::new(state).clock_mode(clock).listen("127.0.0.1:0")).unwrap();
        Emu { handle, _rt: rt }
    }

    /// The demo state, manual clock.
    pub fn demo() -> Emu {
        Emu::start(State::demo(), ClockMode::Manual)
    }

    pub fn endpoint(&self) -> String {
        self.handle.endpoint()
    }

    /// `rds <args> --endpoint <emulator>` with the demo account's AccessKey as flags.
    pub fn rds(&self, args: &[&str]) -> Run {
        let endpoint = self.endpoint();
        let mut all: Vec<&str> = args.to_vec();
        all.extend([
            "--endpoint",
            &endpoint,
            "--access-key-id",
            demo::ACCESS_KEY_ID,
            "--access-key-secret",
            demo::ACCESS_KEY_SECRET,
        ]);
        rds(&all)
    }

    /// Requests the emulator received for `action`, valid or not.
    pub fn requests(&self, action: &str) -> usize {
        self.handle.requests(action)
    }
}

/// The demo state plus 250 SQL Server instances of the demo account in `cn-shanghai` (`rm-bulk-000`, …).
pub fn bulk_state() -> State {
    let mut state = State::demo();
    let account = state.account_mut(demo::ACCOUNT).unwrap();
    account.instances.extend((0..250).map(|n| Instance {
        region_id: "cn-shanghai".into(),
        zone_id: "cn-shanghai-b".into(),
        ..Instance::sql_server(format!("rm-bulk-{n:03}"))
    }));
    state
}

/// The outcome of one `rds` process.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout as JSON (it must be).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// Asserts the exit code, showing the whole run when it differs.
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }
}

/// A fresh empty HOME (no profile file).
pub fn empty_home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// `rds <args>` with an empty HOME and no Alibaba Cloud variables, stdin closed.
pub fn rds(args: &[&str]) -> Run {
    let home = empty_home();
    rds_in(home.path(), &[], args)
}

/// `rds <args>` with `home` as HOME and only the `env` Alibaba Cloud variables.
pub fn rds_in(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rds"));
    for (name, _) in std::env::vars() {
        if name.starts_with("ALIBABA_CLOUD_")
            || name == "USERPROFILE"
            || name.ends_with("_PROXY")
            || name.ends_with("_proxy")
        {
            command.env_remove(name);
        }
    }
    command.env("HOME", home).envs(env.iter().copied()).args(args).stdin(Stdio::null());
    let output = command.output().expect("rds runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
