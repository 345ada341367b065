//! Evidence ingest through the real HTTP server on loopback (issue 6 "Tests and numbers"):
//! a 1 GiB file uploaded with `POST /api/v1/cases/{id}/evidence/blobs` versus
//! `openssl dgst -sm3` on the same file, as a throughput ratio (target ≥ 0.8), and the server's
//! peak RSS during the upload (target < 100 MiB). Prints one JSON line.
//!
//! `cargo bench -p liuhen-web --bench evidence_upload` (release profile). Environment:
//! `LIUHEN_BENCH_SIZE_MIB` (1024), `LIUHEN_BENCH_RUNS` (3; medians are reported).
//!
//! The server runs as a **child process** (this executable re-run with
//! `LIUHEN_EVIDENCE_BENCH_CHILD=<data dir>`): `liuhen_web::serve::open` on a fresh data folder
//! (SQLite + `LocalBlobs` in `<data dir>/blobs`, exactly what `liuhen serve` opens), seeded with
//! one body, officer and case. The client (this process) streams the file from disk in 1 MiB
//! writes with `Content-Length`; the time runs from the first byte sent to the `201` received,
//! so it includes hashing (SHA-256 + SM3), writing, `fsync` and `rename`. The server's peak RSS
//! is its `VmHWM` from `/proc/<pid>/status` — the client's memory is not in it. Between runs the
//! stored blob is deleted so that every run stores the file anew (no deduplication).
//!
//! For reference, each run also stores the same file with `LocalBlobs::put_stream` directly in
//! this process (no HTTP): `store_only_*` separates the cost of hashing and writing from the
//! cost of the HTTP path. The machine is shared (2 cores): the store pipeline needs two (SM3 on
//! one, SHA-256 + write on the other), `openssl dgst -sm3` one, so load from other processes
//! lowers the ratio; run on a quiet machine for the headline number.

mod common;

use common::{BODY, PASSWORD, env_number, seed};
use liuhen_web::password::PasswordParams;

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use liuhen_store::blobs::PatternReader;
use liuhen_web::serve::{ServeConfig, open, serve_with};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

const CHILD_ENV: &str = "LIUHEN_EVIDENCE_BENCH_CHILD";
const MIB: usize = 1024 * 1024;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

// ---------------------------------------------------------------------------------------------
// Server (child process)

/// The server: opens the data folder like `liuhen serve`, seeds it, prints `LISTEN <addr>` and
/// serves until killed.
fn child(data_dir: &Path) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let mut config = ServeConfig::new(data_dir);
        config.origin = "liuhen.bench/log".into();
        config.web.password_params = PasswordParams::INSECURE_FAST;
        config.web.evidence_limit = 64 << 30;
        let opened = open(&config).await.expect("open");
        seed(&opened.state, opened.state.store.as_ref()).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        println!("LISTEN {addr}");
        std::io::stdout().flush().expect("stdout");
        serve_with(opened.state, listener, std::future::pending::<()>())
            .await
            .expect("serve");
    });
}

// ---------------------------------------------------------------------------------------------
// Client (this process)

/// Reads one HTTP/1.1 response (Content-Length bodies only).
async fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, Value) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).await.expect("status");
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status code");
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("header");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().expect("content-length");
        }
    }
    let mut bytes = vec![0u8; length];
    reader.read_exact(&mut bytes).await.expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn json_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (u16, Value) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let mut reader = BufReader::new(stream);
    let body = body.to_string();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(&body);
    reader
        .get_mut()
        .write_all(head.as_bytes())
        .await
        .expect("write");
    read_response(&mut reader).await
}

/// Streams `file` as the raw body of an evidence upload; returns the elapsed time and reply.
async fn upload(addr: SocketAddr, token: &str, case_id: &str, file: &Path) -> (Duration, Value) {
    let size = std::fs::metadata(file).expect("input").len();
    let stream = TcpStream::connect(addr).await.expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut reader = BufReader::new(stream);
    let head = format!(
        "POST /api/v1/cases/{case_id}/evidence/blobs HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\nContent-Length: {size}\r\n\r\n"
    );
    let mut input = tokio::fs::File::open(file).await.expect("open input");
    let mut buffer = vec![0u8; MIB];
    let started = Instant::now();
    reader
        .get_mut()
        .write_all(head.as_bytes())
        .await
        .expect("write head");
    loop {
        let n = input.read(&mut buffer).await.expect("read input");
        if n == 0 {
            break;
        }
        reader
            .get_mut()
            .write_all(&buffer[..n])
            .await
            .expect("write body");
    }
    let (status, reply) = read_response(&mut reader).await;
    let elapsed = started.elapsed();
    assert_eq!(status, 201, "{reply}");
    (elapsed, reply)
}

/// Stores `file` with the blob store directly (no HTTP); returns the elapsed time.
async fn store_only(root: &Path, file: &Path) -> Duration {
    use liuhen_core::blobs::Blobs as _;
    let blobs = liuhen_store::blobs::LocalBlobs::open(root, u64::MAX).expect("blob store");
    let input = tokio::fs::File::open(file).await.expect("open input");
    let started = Instant::now();
    let info = blobs
        .put_stream(Box::pin(input), u64::MAX)
        .await
        .expect("put_stream");
    let elapsed = started.elapsed();
    let path = blobs.blob_path(&info.sha256).expect("address");
    let _ = std::fs::remove_file(path.with_extension("json"));
    let _ = std::fs::remove_file(&path);
    elapsed
}

/// `VmHWM` / `VmRSS` of a process in KiB.
fn memory_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn generate(path: &Path, size: u64) {
    let pattern = PatternReader::new(0x6c69_7568_656e, size);
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create input"));
    let mut buffer = vec![0u8; MIB];
    let mut pos = 0u64;
    while pos < size {
        let n = pattern.fill_at(pos, &mut buffer);
        file.write_all(&buffer[..n]).expect("write input");
        pos += n as u64;
    }
    file.flush().expect("flush input");
}

fn openssl_sm3(path: &Path) -> Option<Duration> {
    let started = Instant::now();
    let output = Command::new("openssl")
        .args(["dgst", "-sm3"])
        .arg(path)
        .output()
        .ok()?;
    output.status.success().then(|| started.elapsed())
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn parent() {
    let size_mib = env_number("LIUHEN_BENCH_SIZE_MIB", 1024).max(1);
    let runs = env_number("LIUHEN_BENCH_RUNS", 3).max(1);
    let size = (size_mib * MIB) as u64;
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("input.bin");
    generate(&input, size);
    let data_dir: PathBuf = dir.path().join("data");

    let exe = std::env::current_exe().expect("current exe");
    let mut child = Command::new(exe)
        .env(CHILD_ENV, &data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn server");
    let stdout = child.stdout.take().expect("child stdout");
    let child = KillOnDrop(child);
    let pid = child.0.id();
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)
        .expect("server address");
    let addr: SocketAddr = line
        .trim()
        .strip_prefix("LISTEN ")
        .and_then(|addr| addr.parse().ok())
        .expect("LISTEN line");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (token, case_id) = runtime.block_on(async {
        let (status, login) = json_request(
            addr,
            "POST",
            "/api/v1/session",
            None,
            &json!({"username": "off1", "password": PASSWORD}),
        )
        .await;
        assert_eq!(status, 200, "{login}");
        let token = login["token"].as_str().expect("token").to_owned();
        let (status, created) = json_request(
            addr,
            "POST",
            "/api/v1/cases",
            Some(&token),
            &json!({
                "procedure": "penalty_ordinary",
                "body": BODY,
                "power_item": "p1",
                "title": "音像证据上传压测",
                "intake": {
                    "record_type": "r8_initiation",
                    "event_time": "2024-10-08T10:00:00+08:00",
                    "data": {
                        "reason": "日常检查发现涉嫌违法",
                        "source": "监督检查发现",
                        "party": {"kind": "natural_person", "name": "张三", "id_type": "居民身份证", "id_number": "370402199001011234", "address": "薛城区", "phone": "13800000000"},
                        "facts": "现场发现销售过期食品",
                        "officer_opinion": "建议立案调查",
                    }
                }
            }),
        )
        .await;
        assert_eq!(status, 201, "{created}");
        (
            token,
            created["case_id"].as_str().expect("case id").to_owned(),
        )
    });
    let hwm_before = memory_kib(pid, "VmHWM:");

    let mut upload_secs = Vec::new();
    let mut openssl_secs = Vec::new();
    let mut store_secs = Vec::new();
    let store_root = dir.path().join("direct");
    let mut sha256 = String::new();
    for _ in 0..runs {
        if let Some(elapsed) = openssl_sm3(&input) {
            openssl_secs.push(elapsed.as_secs_f64());
        }
        store_secs.push(
            runtime
                .block_on(store_only(&store_root, &input))
                .as_secs_f64(),
        );
        let (elapsed, reply) = runtime.block_on(upload(addr, &token, &case_id, &input));
        assert_eq!(reply["size"], size, "{reply}");
        assert_eq!(reply["deduplicated"], false, "{reply}");
        upload_secs.push(elapsed.as_secs_f64());
        sha256 = reply["sha256"].as_str().unwrap_or_default().to_owned();
        // Delete the stored blob so that the next run stores it anew.
        let blob = data_dir
            .join("blobs")
            .join(&sha256[..2])
            .join(&sha256[2..4])
            .join(&sha256);
        let _ = std::fs::remove_file(blob.with_extension("json"));
        let _ = std::fs::remove_file(&blob);
    }
    let hwm_after = memory_kib(pid, "VmHWM:");
    let rss_after = memory_kib(pid, "VmRSS:");
    drop(child);

    let store_median = median(&mut store_secs);
    let upload_median = median(&mut upload_secs);
    let openssl_median = median(&mut openssl_secs);
    let mib = size as f64 / MIB as f64;
    let upload_rate = mib / upload_median;
    let openssl_rate = if openssl_median > 0.0 {
        mib / openssl_median
    } else {
        0.0
    };
    println!(
        "{}",
        json!({
            "bench": "evidence_upload",
            "size_bytes": size,
            "runs": runs,
            "server": "child process (liuhen_web::serve::open + serve_with, SQLite + LocalBlobs)",
            "upload_secs_median": round3(upload_median),
            "upload_secs": upload_secs.iter().map(|s| round3(*s)).collect::<Vec<_>>(),
            "upload_mib_per_s": round3(upload_rate),
            "store_only_secs_median": round3(store_median),
            "store_only_secs": store_secs.iter().map(|s| round3(*s)).collect::<Vec<_>>(),
            "store_only_mib_per_s": round3(mib / store_median),
            "openssl_sm3_secs_median": round3(openssl_median),
            "openssl_sm3_secs": openssl_secs.iter().map(|s| round3(*s)).collect::<Vec<_>>(),
            "openssl_sm3_mib_per_s": round3(openssl_rate),
            "ratio_upload_vs_openssl_sm3": if openssl_rate > 0.0 { round3(upload_rate / openssl_rate) } else { 0.0 },
            "load_average_at_end": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split(' ').next().unwrap_or("").to_owned(),
            "server_vm_hwm_mib_before_upload": round3(hwm_before as f64 / 1024.0),
            "server_vm_hwm_mib_after_upload": round3(hwm_after as f64 / 1024.0),
            "server_vm_rss_mib_after_upload": round3(rss_after as f64 / 1024.0),
            "sha256": sha256,
        })
    );
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is accepted.
    match std::env::var_os(CHILD_ENV) {
        Some(dir) => child(Path::new(&dir)),
        None => parent(),
    }
}
