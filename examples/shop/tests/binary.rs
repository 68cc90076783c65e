//! Tests of the `shop` binary: its startup line, exit codes and graceful
//! shutdown on SIGTERM.

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const SHOP: &str = env!("CARGO_BIN_EXE_shop");

#[tokio::test]
async fn announces_its_address_and_serves() {
    let mut child = Command::new(SHOP)
        .arg("127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn shop");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let line = lines
        .next_line()
        .await
        .expect("read stdout")
        .expect("a line");
    let port: u16 = line
        .strip_prefix("listening on http://127.0.0.1:")
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("unexpected startup line {line:?}"));
    assert_ne!(port, 0);

    let base = format!("http://127.0.0.1:{port}");
    let health: Value = reqwest::get(format!("{base}/health"))
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(health, json!({"status": "ok"}));

    #[cfg(unix)]
    {
        let pid = child.id().expect("pid").to_string();
        let kill = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("run kill");
        assert!(kill.success());
        let status = child.wait().await.expect("wait");
        assert!(status.success(), "graceful shutdown exits 0, got {status}");
        // Exactly one line was printed.
        assert_eq!(lines.next_line().await.expect("read stdout"), None);
    }
}

#[tokio::test]
async fn bad_address_exits_2() {
    for args in [&["not-an-address"][..], &["127.0.0.1:99999"], &["a", "b"]] {
        let output = Command::new(SHOP)
            .args(args)
            .output()
            .await
            .expect("run shop");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}
