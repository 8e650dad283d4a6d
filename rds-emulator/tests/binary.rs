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
