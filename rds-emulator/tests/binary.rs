//! The `rds-emulator` binary: its first lines on stdout, serving, the real clock, and logs without secrets.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

use rds_api::import_database_between_instances::{DbInfo, DbNames};
use rds_api::{Client, Credentials, DescribeDbInstanceAttributeRequest, ImportDatabaseBetweenInstancesRequest};
use rds_emulator::demo;

/// Kills the child when the test ends, even on a failed assertion.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `args` and reads its first three stdout lines.
fn start(args: &[&str]) -> (Running, [String; 3]) {
    let child = Command::new(env!("CARGO_BIN_EXE_rds-emulator"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut running = Running(child);
    let mut stdout = BufReader::new(running.0.stdout.take().unwrap());
    let lines = std::array::from_fn(|_| {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        line.trim_end_matches('\n').to_owned()
    });
    (running, lines)
}

fn client(endpoint: &str, id: &str, secret: &str) -> Client {
    Client::builder().endpoint(endpoint).credentials(Credentials::new(id, secret)).build().unwrap()
}

#[tokio::test]
async fn prints_its_endpoint_and_credentials_then_serves_the_demo_state() {
    let (mut running, lines) = start(&["--listen", "127.0.0.1:0", "--migration-seconds", "0"]);
    let endpoint = lines[0].strip_prefix("rds-emulator listening on ").unwrap_or_else(|| panic!("{lines:?}"));
    assert!(endpoint.starts_with("http://127.0.0.1:") && !endpoint.ends_with(":0"), "{endpoint}");
    assert_eq!(lines[1], format!("AccessKeyId: {}", demo::ACCESS_KEY_ID));
    assert_eq!(lines[2], format!("AccessKeySecret: {}", demo::ACCESS_KEY_SECRET));

    let id = lines[1].strip_prefix("AccessKeyId: ").unwrap();
    let secret = lines[2].strip_prefix("AccessKeySecret: ").unwrap();
    let client = client(endpoint, id, secret);
    let import = ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(DbInfo { db_names: DbNames::Same(vec!["sales".into()]) })
        .build()
        .unwrap();
    client.send(&import).await.unwrap();
    // With a real clock and a zero-second migration, the import is over by the next request.
    let attribute = DescribeDbInstanceAttributeRequest::builder().db_instance_id(demo::DESTINATION).build().unwrap();
    let response = client.send(&attribute).await.unwrap();
    assert_eq!(response.instances[0].db_instance_status.as_ref().unwrap().to_string(), "Running");

    // A refused request, then the log: one line per request, no secret anywhere.
    let sts = Credentials::new(demo::STS_ACCESS_KEY_ID, demo::STS_ACCESS_KEY_SECRET).with_security_token("wrong-token");
    Client::builder().endpoint(endpoint).credentials(sts).build().unwrap().send(&attribute).await.unwrap_err();
    running.0.kill().unwrap();
    let mut log = String::new();
    running.0.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(log.contains("ImportDatabaseBetweenInstances"), "{log}");
    assert!(log.contains("InvalidSecurityToken.Malformed"), "{log}");
    for secret in [demo::ACCESS_KEY_SECRET, demo::STS_ACCESS_KEY_SECRET, "wrong-token"] {
        assert!(!log.contains(secret), "{secret} in the log:\n{log}");
    }
}

#[tokio::test]
async fn serves_a_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    std::fs::write(
        &path,
        "accounts:\n  - name: solo\n    access_keys: [{ id: solo-key, secret: solo-secret }]\n    instances:\n      \
         - { id: rm-solo, engine: SQLServer, engine_version: 2022_std_ha, storage_gb: 50 }\n",
    )
    .unwrap();
    let (_running, lines) = start(&["--listen", "127.0.0.1:0", "--state", path.to_str().unwrap()]);
    assert_eq!(lines[1], "AccessKeyId: solo-key");
    assert_eq!(lines[2], "AccessKeySecret: solo-secret");
    let endpoint = lines[0].strip_prefix("rds-emulator listening on ").unwrap();
    let attribute = DescribeDbInstanceAttributeRequest::builder().db_instance_id("rm-solo").build().unwrap();
    let response = client(endpoint, "solo-key", "solo-secret").send(&attribute).await.unwrap();
    assert_eq!(response.instances[0].engine_version.as_deref(), Some("2022_std_ha"));
}

#[test]
fn bad_arguments_are_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_rds-emulator")).arg("--bogus").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown argument --bogus"));
    let output = Command::new(env!("CARGO_BIN_EXE_rds-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state", "/nonexistent/state.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/state.yaml"));
}

#[test]
fn help_names_the_demo_state_its_credentials_and_the_readme() {
    let output = Command::new(env!("CARGO_BIN_EXE_rds-emulator")).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "demo state",
        demo::ACCESS_KEY_ID,
        demo::ACCESS_KEY_SECRET,
        demo::STS_ACCESS_KEY_ID,
        demo::STS_ACCESS_KEY_SECRET,
        demo::STS_SECURITY_TOKEN,
        demo::SOURCE,
        demo::DESTINATION,
        "README",
        "/_emulator/",
        "--clock",
        "--save-on-exit",
    ] {
        assert!(help.contains(expected), "--help does not mention {expected}:\n{help}");
    }
}

#[test]
fn a_bind_error_names_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_rds-emulator")).args(["--listen", &addr]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot listen on {addr}")), "{stderr}");
}

#[test]
fn save_on_exit_needs_a_state_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_rds-emulator")).arg("--save-on-exit").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--save-on-exit needs --state FILE"));
}

/// A control request to the binary: status and JSON body.
async fn control(
    endpoint: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<String>,
) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new().request(method, format!("{endpoint}/_emulator{path}"));
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap())
}

#[tokio::test]
async fn a_manual_clock_is_moved_through_the_control_api() {
    let (_running, lines) = start(&["--listen", "127.0.0.1:0", "--clock", "manual", "--migration-seconds", "60"]);
    let endpoint = lines[0].strip_prefix("rds-emulator listening on ").unwrap();
    let (_, clock) = control(endpoint, reqwest::Method::GET, "/clock", None).await;
    assert_eq!(clock["mode"], "manual");
    let import = ImportDatabaseBetweenInstancesRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .source_db_instance_id(demo::SOURCE)
        .db_info(DbInfo { db_names: DbNames::Same(vec!["sales".into()]) })
        .build()
        .unwrap();
    let client = client(endpoint, demo::ACCESS_KEY_ID, demo::ACCESS_KEY_SECRET);
    client.send(&import).await.unwrap();
    let attribute = DescribeDbInstanceAttributeRequest::builder().db_instance_id(demo::DESTINATION).build().unwrap();
    let status = |r: rds_api::DescribeDbInstanceAttributeResponse| {
        r.instances[0].db_instance_status.as_ref().unwrap().to_string()
    };
    assert_eq!(status(client.send(&attribute).await.unwrap()), "ImportingFromOthers");
    let advance = Some(r#"{"seconds": 60}"#.to_owned());
    assert_eq!(control(endpoint, reqwest::Method::POST, "/clock/advance", advance).await.0, 200);
    assert_eq!(status(client.send(&attribute).await.unwrap()), "Running");
}

/// Sends SIGTERM, as `kill` and process supervisors do.
fn terminate(child: &Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn save_on_exit_writes_changes_made_through_the_control_api_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    rds_emulator::State::demo().save(&path).unwrap();
    let (mut running, lines) =
        start(&["--listen", "127.0.0.1:0", "--state", path.to_str().unwrap(), "--save-on-exit", "--clock", "manual"]);
    let endpoint = lines[0].strip_prefix("rds-emulator listening on ").unwrap();
    let (_, mut state) = control(endpoint, reqwest::Method::GET, "/state", None).await;
    state["accounts"][0]["instances"][0]["description"] = "changed over HTTP".into();
    assert_eq!(control(endpoint, reqwest::Method::PUT, "/state", Some(state.to_string())).await.0, 200);

    terminate(&running.0);
    assert!(running.0.wait().unwrap().success());
    let saved = rds_emulator::State::load(&path).unwrap();
    assert_eq!(saved.instance(demo::SOURCE).unwrap().description.as_deref(), Some("changed over HTTP"));
}

/// Sends `POST /_emulator/state/save` on a plain socket and returns without waiting for the answer.
fn start_saving(endpoint: &str) -> std::net::TcpStream {
    use std::io::Write as _;
    let mut stream = std::net::TcpStream::connect(endpoint.trim_start_matches("http://")).unwrap();
    stream.write_all(b"POST /_emulator/state/save HTTP/1.1\r\nHost: emulator\r\nContent-Length: 0\r\n\r\n").unwrap();
    stream
}

/// The names of the files in `dir`.
fn file_names(dir: &std::path::Path) -> std::collections::BTreeSet<std::ffi::OsString> {
    std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name()).collect()
}

/// What the directory looked like before a save: `path`'s metadata and the names of its files (earlier killed
/// saves may have left temporary files: only a new one counts).
type Before = (std::fs::Metadata, std::collections::BTreeSet<std::ffi::OsString>);

/// Waits until the save shows on disk (a new file in `dir`, or `path` changed since `before`), then waits
/// `delay` more.
fn wait_for_the_write(dir: &std::path::Path, path: &std::path::Path, before: Before, delay: std::time::Duration) {
    let (before, files_before) = before;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let new_file = file_names(dir).difference(&files_before).next().is_some();
        let now = std::fs::metadata(path).unwrap();
        if new_file || now.len() != before.len() || now.modified().unwrap() != before.modified().unwrap() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the save never started");
        std::thread::sleep(std::time::Duration::from_micros(50));
    }
    let until = std::time::Instant::now() + delay;
    while std::time::Instant::now() < until {
        std::hint::spin_loop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_while_saving_never_leaves_a_corrupt_state_file() {
    // A state big enough (several MB of YAML) that writing it takes a while.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    let mut state = rds_emulator::State::demo();
    let account = state.account_mut(demo::ACCOUNT).unwrap();
    account.instances.extend((0..4000).map(|n| {
        rds_emulator::Instance {
            description: Some(format!("bulk instance number {n} with a description long enough to weigh something")),
            databases: (0..3)
                .map(|d| rds_emulator::Database {
                    name: format!("db_{d}"),
                    status: "Running".into(),
                    size_bytes: 1 << 20,
                    character_set: "Chinese_PRC_CI_AS".into(),
                    description: None,
                })
                .collect(),
            ..rds_emulator::Instance::sql_server(format!("rm-bulk-{n:05}"))
        }
    }));
    state.settings.migration_seconds = Some(1);
    state.save(&path).unwrap();

    let mut last_saved = 1;
    for generation in 2..=8u64 {
        let (mut running, lines) = start(&["--listen", "127.0.0.1:0", "--state", path.to_str().unwrap()]);
        let endpoint = lines[0].strip_prefix("rds-emulator listening on ").unwrap().to_owned();
        let (_, mut live) = control(&endpoint, reqwest::Method::GET, "/state", None).await;
        live["settings"]["migration_seconds"] = generation.into();
        assert_eq!(control(&endpoint, reqwest::Method::PUT, "/state", Some(live.to_string())).await.0, 200);

        if generation == 8 {
            // The last save completes: the file then holds this generation.
            assert_eq!(control(&endpoint, reqwest::Method::POST, "/state/save", None).await.0, 200);
        } else {
            // The others are cut off by SIGKILL as soon as the write shows on disk, or a little later.
            let before = (std::fs::metadata(&path).unwrap(), file_names(dir.path()));
            let _socket = start_saving(&endpoint);
            wait_for_the_write(dir.path(), &path, before, std::time::Duration::from_micros((generation - 2) * 300));
            running.0.kill().unwrap();
            running.0.wait().unwrap();
        }
        drop(running);

        // Whatever happened, the file is a whole state: the last one saved, or the one being saved.
        let loaded = rds_emulator::State::load(&path).unwrap_or_else(|e| panic!("generation {generation}: {e}"));
        let instances = loaded.accounts.first().map_or(0, |account| account.instances.len());
        assert_eq!(instances, 4009, "generation {generation}: the file holds a part of a state");
        let on_disk = loaded.settings.migration_seconds;
        assert!(
            on_disk == Some(generation) || on_disk == Some(last_saved),
            "generation {generation}: the file holds {on_disk:?}"
        );
        last_saved = on_disk.unwrap_or_default();
    }
    assert_eq!(last_saved, 8);
}

#[tokio::test]
async fn account_passwords_reach_neither_the_log_nor_the_control_api_nor_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.yaml");
    rds_emulator::State::demo().save(&path).unwrap();
    let (mut running, lines) = start(&["--listen", "127.0.0.1:0", "--state", path.to_str().unwrap(), "--save-on-exit"]);
    let endpoint = lines[0].strip_prefix("rds-emulator listening on ").unwrap();
    let client = client(endpoint, demo::ACCESS_KEY_ID, demo::ACCESS_KEY_SECRET);
    let (first, second, refused) = ("First!pass1", "Second!pass2", "weakpassword");
    let create = rds_api::CreateAccountRequest::builder()
        .db_instance_id(demo::DESTINATION)
        .account_name("app")
        .account_password(first)
        .build()
        .unwrap();
    client.send(&create).await.unwrap();
    let reset = |password: &str| {
        rds_api::ResetAccountPasswordRequest::builder()
            .db_instance_id(demo::DESTINATION)
            .account_name("app")
            .account_password(password)
            .build()
            .unwrap()
    };
    client.send(&reset(second)).await.unwrap();
    let err = client.send(&reset(refused)).await.unwrap_err();
    assert_eq!(err.service_error().unwrap().code, "InvalidAccountPassword.Format");

    let (_, state) = control(endpoint, reqwest::Method::GET, "/state", None).await;
    let shown = state.to_string();
    assert!(shown.contains("\"app\""), "{shown}");
    terminate(&running.0);
    assert!(running.0.wait().unwrap().success());
    let mut log = String::new();
    running.0.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    assert!(log.contains("ResetAccountPassword"), "{log}");
    let saved_text = std::fs::read_to_string(&path).unwrap();
    for (place, text) in [("the log", &log), ("GET /_emulator/state", &shown), ("the state file", &saved_text)] {
        for password in [first, second, refused] {
            assert!(!text.contains(password), "{password} in {place}:\n{text}");
        }
    }
    let saved = rds_emulator::State::load(&path).unwrap();
    assert!(saved.instance(demo::DESTINATION).unwrap().account("app").unwrap().password.matches(second));
}
