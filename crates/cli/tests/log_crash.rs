//! Crash test (issue 2 §4, R28): a `liuhen log append` child reading a pipe is killed with
//! SIGKILL mid-stream; after reopening, every leaf it had acknowledged (printed) is present with
//! the printed hash, and `liuhen log verify` passes.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_store::log::SqlLog;

const BIN: &str = env!("CARGO_BIN_EXE_liuhen");

fn liuhen(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn leaf(index: u64) -> String {
    format!("crash-test record {index}")
}

#[test]
fn every_acknowledged_append_survives_sigkill_and_the_log_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let log_dir = dir.path().join("log");
    let log_dir_str = log_dir.to_str().unwrap();
    let init = liuhen(&["log", "init", "--dir", log_dir_str, "--profile", "sha256"]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );

    let mut child = Command::new(BIN)
        .args(["log", "append", "--dir", log_dir_str])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // Write until the pipe breaks (the child was killed), in small bursts so that batches of
        // different sizes are committed.
        for index in 0u64.. {
            if writeln!(stdin, "{}", leaf(index)).is_err() {
                return index;
            }
            if index % 97 == 0 && stdin.flush().is_err() {
                return index;
            }
        }
        0
    });

    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut acknowledged: Vec<(u64, String)> = Vec::new();
    let started = Instant::now();
    let mut line = String::new();
    // Kill once a good number of batches is durable, mid-stream.
    while acknowledged.len() < 3000 && started.elapsed() < Duration::from_secs(20) {
        line.clear();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        let (index, hash) = line.trim_end().split_once('\t').unwrap();
        acknowledged.push((index.parse().unwrap(), hash.to_owned()));
    }
    child.kill().unwrap(); // SIGKILL on Unix.
    // Lines printed before the kill may still sit in the pipe: they were acknowledged too.
    for rest in stdout.lines() {
        let rest = rest.unwrap();
        if let Some((index, hash)) = rest.split_once('\t') {
            acknowledged.push((index.parse().unwrap(), hash.to_owned()));
        }
    }
    child.wait().unwrap();
    let written = writer.join().unwrap();
    assert!(
        acknowledged.len() >= 100,
        "only {} appends acknowledged",
        acknowledged.len()
    );
    assert!(
        written > acknowledged.len() as u64,
        "the child was not killed mid-stream"
    );

    check_acknowledged_present(&log_dir, &acknowledged);
    let verify = liuhen(&["log", "verify", "--dir", log_dir_str]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

fn check_acknowledged_present(log_dir: &Path, acknowledged: &[(u64, String)]) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let log = SqlLog::open_sqlite(&log_dir.join("log.db")).await.unwrap();
        let meta = log.meta().await.unwrap();
        for (position, (index, hash)) in acknowledged.iter().enumerate() {
            assert_eq!(*index, position as u64, "indexes are printed in order");
            assert!(
                *index < meta.size,
                "acknowledged leaf {index} lost (size {})",
                meta.size
            );
            let expected = HashProfile::Sha256.leaf_hash(leaf(*index).as_bytes());
            assert_eq!(
                Hash::from_hex(hash).unwrap(),
                expected,
                "printed hash of leaf {index}"
            );
            assert_eq!(log.leaf(*index).await.unwrap(), leaf(*index).as_bytes());
        }
        log.close().await;
    });
}
