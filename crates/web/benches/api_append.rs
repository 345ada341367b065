//! Records appended over HTTP on loopback by concurrent clients (issue 5 "Tests and numbers":
//! 16 clients, SQLite, ≥ 2,000 records/s, p99 < 50 ms). Prints one JSON line per backend.
//!
//! `cargo bench -p liuhen-web --bench api_append` (release profile). Environment:
//! `LIUHEN_BENCH_CLIENTS` (16), `LIUHEN_BENCH_RECORDS` per client (200),
//! Runs on the core's in-memory store first (the cost of HTTP + core alone), then on SQLite.
//! `LIUHEN_BENCH_PG_URL` to also run on PostgreSQL (uses a fresh schema-less database: point
//! it at a scratch database).
//!
//! Each client keeps one HTTP/1.1 connection and appends `text_document` records to its own
//! case, sequentially; latency is measured per request from write to full response.

mod common;

use common::{BODY, PASSWORD, env_number, seed};
use liuhen_core::ports::Store;
use liuhen_web::password::PasswordParams;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use liuhen_ledger::hash::HashProfile;
use liuhen_web::serve::{ServeConfig, open, serve_with};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

/// A minimal keep-alive HTTP/1.1 client: one request at a time, Content-Length bodies only.
struct Connection {
    reader: BufReader<TcpStream>,
    addr: SocketAddr,
}

impl Connection {
    async fn open(addr: SocketAddr) -> Connection {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Connection {
            reader: BufReader::new(stream),
            addr,
        }
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if let Some(token) = token {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(&body);
        self.reader
            .get_mut()
            .write_all(head.as_bytes())
            .await
            .expect("write");
        let mut status_line = String::new();
        self.reader
            .read_line(&mut status_line)
            .await
            .expect("status");
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .expect("status code");
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.expect("header");
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
        self.reader.read_exact(&mut bytes).await.expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}

fn open_case_body(idx: usize) -> Value {
    json!({
        "procedure": "penalty_ordinary",
        "body": BODY,
        "power_item": "p1",
        "title": format!("压测案件 {idx}"),
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
    })
}

fn record_body(idx: usize) -> Value {
    json!({
        "record_type": "text_document",
        "event_time": "2024-10-08T11:00:00+08:00",
        "data": {"subtype": "证据材料", "title": format!("证据材料 {idx}"), "description": "现场照片及说明", "original_form": "电子原件"}
    })
}

fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // Nearest-rank percentile; the index is within bounds because fraction <= 1.
    let rank = ((sorted.len() as f64) * fraction).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// The core's in-memory store behind the same router: what HTTP + core cost without a disk.
fn memory_state() -> liuhen_web::state::AppState {
    use std::sync::Arc;
    let store: Arc<dyn Store> = Arc::new(liuhen_core::memory::MemoryStore::new(HashProfile::Sm3));
    let (rules, _) = liuhen_core::rules::RuleBook::builtin(&[]).unwrap();
    let calendar = liuhen_calendar::Calendar::embedded().unwrap();
    let services = liuhen_core::service::Services::new(
        store.clone(),
        Arc::new(liuhen_core::ports::SystemClock),
        Arc::new(rules),
        Arc::new(calendar),
        HashProfile::Sm3,
    );
    let signer = liuhen_ledger::signer::Ed25519Signer::generate("liuhen.bench/log").unwrap();
    let keys = liuhen_web::state::LogKeys {
        origin: "liuhen.bench/log".into(),
        profile: HashProfile::Sm3,
        verifier_keys: vec![signer.verifier_key()],
        signers: vec![Box::new(signer)],
    };
    let web = liuhen_web::state::WebConfig {
        password_params: PasswordParams::INSECURE_FAST,
        ..Default::default()
    };
    liuhen_web::state::AppState::new(Arc::new(services), store, keys, web).unwrap()
}

async fn run(backend: &str, database_url: Option<String>, clients: usize, per_client: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServeConfig::new(dir.path());
    config.database_url = database_url;
    config.origin = "liuhen.bench/log".into();
    config.web.password_params = PasswordParams::INSECURE_FAST;
    let (state, sql_store) = if backend == "memory" {
        (memory_state(), None)
    } else {
        let opened = open(&config).await.unwrap();
        (opened.state, Some(opened.store))
    };
    seed(&state, state.store.as_ref()).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(state.clone(), listener, async move {
        let _ = stopped.await;
    }));

    let mut setup = Connection::open(addr).await;
    let (status, login) = setup
        .request(
            "POST",
            "/api/v1/session",
            None,
            Some(&json!({"username": "off1", "password": PASSWORD})),
        )
        .await;
    assert_eq!(status, 200, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();
    let mut cases = Vec::new();
    for idx in 0..clients {
        let (status, created) = setup
            .request(
                "POST",
                "/api/v1/cases",
                Some(&token),
                Some(&open_case_body(idx)),
            )
            .await;
        assert_eq!(status, 201, "{created}");
        cases.push(created["case_id"].as_str().unwrap().to_owned());
    }

    let started = Instant::now();
    let mut tasks = Vec::new();
    for case_id in cases {
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut connection = Connection::open(addr).await;
            let mut latencies = Vec::with_capacity(per_client);
            for idx in 0..per_client {
                let sent = Instant::now();
                let (status, reply) = connection
                    .request(
                        "POST",
                        &format!("/api/v1/cases/{case_id}/records"),
                        Some(&token),
                        Some(&record_body(idx)),
                    )
                    .await;
                latencies.push(sent.elapsed());
                assert_eq!(status, 201, "{reply}");
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let records = latencies.len();
    println!(
        "{}",
        json!({
            "bench": "api_append",
            "backend": backend,
            "clients": clients,
            "records": records,
            "seconds": (elapsed * 1000.0).round() / 1000.0,
            "records_per_sec": (records as f64 / elapsed).round(),
            "p50_ms": (percentile(&latencies, 0.50) * 100.0).round() / 100.0,
            "p99_ms": (percentile(&latencies, 0.99) * 100.0).round() / 100.0,
        })
    );
    stop.send(()).ok();
    let _ = server.await;
    if let Some(store) = sql_store {
        store.close().await;
    }
}

fn main() {
    let clients = env_number("LIUHEN_BENCH_CLIENTS", 16).max(1);
    let per_client = env_number("LIUHEN_BENCH_RECORDS", 200).max(1);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run("memory", None, clients, per_client));
    runtime.block_on(run("sqlite", None, clients, per_client));
    if let Ok(url) = std::env::var("LIUHEN_BENCH_PG_URL") {
        runtime.block_on(run("postgres", Some(url), clients, per_client));
    }
}
