//! `liuhen bench api`: records appended over HTTP on loopback by concurrent clients (issue 5
//! "Tests and numbers": SQLite ≥ 2,000 records/s with p99 < 50 ms; PostgreSQL reported alongside).
//!
//! The server runs in-process on `127.0.0.1:0` over a fresh store (a temporary data folder, or a
//! fresh schema of the given PostgreSQL database), with the real router, sessions and services.
//! Each client signs in, opens its own case and appends `text_document` records (其他文字记录, allowed
//! in every stage) one request at a time over one keep-alive HTTP/1.1 connection. Prints one
//! JSON object.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use liuhen_calendar::Calendar;
use liuhen_core::ids::{BodyId, OfficerId, PowerItemId, UnitId, UserId};
use liuhen_core::ports::{Store, SystemClock};
use liuhen_core::registry::{
    BodyKind, BodyProfile, Credential, CredentialStatus, OfficerProfile, PowerItem, RoleGrant,
    Unit, UserProfile,
};
use liuhen_core::role::Role;
use liuhen_core::rules::RuleBook;
use liuhen_core::service::Services;
use liuhen_ledger::hash::HashProfile;
use liuhen_ledger::signer::{Ed25519Signer, Signer};
use liuhen_store::sql_store::{PostgresConfig, SqlStore, SqliteConfig};
use liuhen_web::password::{PasswordParams, hash_password};
use liuhen_web::state::{AppState, LogKeys, WebConfig};
use serde_json::{Value, json};

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Records appended over HTTP by concurrent clients.
    Api(BenchApiArgs),
}

/// Arguments of `liuhen bench api`.
#[derive(Debug, Args)]
pub struct BenchApiArgs {
    /// Records to append in total (after a warm-up of one record per client).
    #[arg(long, default_value_t = 20_000)]
    records: u64,
    /// Concurrent clients (each with its own connection, session and case).
    #[arg(long, default_value_t = 16)]
    clients: u64,
    /// Records per case: a client opens a new case after this many (real cases hold tens of
    /// records; the case projection is rewritten on every append).
    #[arg(long, default_value_t = 50)]
    records_per_case: u64,
    /// Records appended to each client's first case before the timed run (untimed, over HTTP
    /// like the rest), to measure appends to large cases: with `--prefill 1250` and a
    /// `--records-per-case` above the timed records per client, every timed append lands in a
    /// case of more than 1,250 records. `--records-per-case` counts timed records.
    #[arg(long, default_value_t = 0)]
    prefill: u64,
    /// PostgreSQL URL (a fresh schema is created); default: SQLite in a temporary folder.
    #[arg(long)]
    database_url: Option<String>,
}

/// Runs a benchmark.
pub fn run(command: BenchCommand) -> anyhow::Result<std::process::ExitCode> {
    let BenchCommand::Api(args) = command;
    if args.clients == 0 || args.records == 0 {
        bail!("--clients 与 --records 须大于 0");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let result = runtime.block_on(bench(args))?;
    println!("{result}");
    Ok(std::process::ExitCode::SUCCESS)
}

const BODY: &str = "bench-body";
const PASSWORD: &str = "bench-password";

async fn open_store(
    url: Option<&str>,
    dir: &std::path::Path,
) -> anyhow::Result<(Arc<SqlStore>, &'static str)> {
    let store = match url {
        Some(url) => {
            let mut config = PostgresConfig::new(url);
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or(0);
            config.schema = Some(format!("bench_{}_{stamp}", std::process::id()));
            config.max_connections = 16;
            SqlStore::connect_postgres_with(&config).await?
        }
        None => SqlStore::open_sqlite_with(&SqliteConfig::new(dir.join("liuhen.db"))).await?,
    };
    let name = store.backend_name();
    Ok((Arc::new(store), name))
}

/// Registers one body, two officers and one officer user; returns the services.
async fn setup(store: Arc<dyn Store>) -> anyhow::Result<Services> {
    let (rules, _) = RuleBook::builtin(&[])?;
    let services = Services::new(
        store.clone(),
        Arc::new(SystemClock),
        Arc::new(rules),
        Arc::new(Calendar::embedded()?),
        HashProfile::Sm3,
    );
    let admin_id = UserId::new("admin")?;
    services
        .bootstrap_admin(
            &admin_id,
            UserProfile {
                username: "admin".into(),
                name: "管理员".into(),
                officer: None,
            },
        )
        .await?;
    let admin = services.context_for(&admin_id, None).await?;
    let body = BodyId::new(BODY)?;
    services
        .register_body(
            &admin,
            &body,
            BodyProfile {
                name: "基准测试局".into(),
                short_name: "基准".into(),
                kind: BodyKind::Agency,
                uscc: "91350100M000100Y43".into(),
                parent: None,
                entrustment: None,
                duties: String::new(),
                address: String::new(),
            },
        )
        .await?;
    services
        .register_unit(
            &admin,
            &body,
            Unit {
                id: UnitId::new("handling")?,
                name: "执法科".into(),
                duties: String::new(),
                address: String::new(),
                legal_review: false,
            },
        )
        .await?;
    services
        .register_power_item(
            &admin,
            &PowerItemId::new("bench-item")?,
            &body,
            PowerItem {
                name: "行政处罚".into(),
                action: "penalty".into(),
                basis: vec!["《中华人民共和国行政处罚法》第八条".into()],
                unit: None,
                procedure: "普通程序".into(),
                time_limit: "九十日".into(),
                remedies: "行政复议、行政诉讼".into(),
                domain: "市场监管".into(),
                service: Default::default(),
            },
        )
        .await?;
    for officer in ["o1", "o2"] {
        let id = OfficerId::new(officer)?;
        services
            .register_officer(
                &admin,
                &id,
                &body,
                OfficerProfile {
                    name: officer.into(),
                    unit: None,
                    user: None,
                },
            )
            .await?;
        services
            .issue_credential(
                &admin,
                &id,
                Credential {
                    number: format!("鲁执字37040399{officer}"),
                    domains: vec!["市场监管".into()],
                    valid_from: time::macros::date!(2020 - 01 - 01),
                    valid_to: time::macros::date!(2099 - 12 - 31),
                    status: CredentialStatus::Active,
                },
            )
            .await?;
    }
    let user = UserId::new("officer")?;
    services
        .register_user(
            &admin,
            &user,
            UserProfile {
                username: "officer".into(),
                name: "执法员".into(),
                officer: Some(OfficerId::new("o1")?),
            },
        )
        .await?;
    services
        .grant_role(
            &admin,
            &user,
            RoleGrant {
                role: Role::Officer,
                body: Some(body),
            },
        )
        .await?;
    let phc = hash_password(PASSWORD, PasswordParams::INSECURE_FAST)?;
    store.set_password_hash(&user, "officer", &phc).await?;
    Ok(services)
}

/// One keep-alive HTTP/1.1 connection.
pub struct Client {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
    token: Option<String>,
}

impl Client {
    /// Connects to `addr`.
    pub async fn connect(addr: std::net::SocketAddr) -> anyhow::Result<Client> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Client {
            sender,
            host: addr.to_string(),
            token: None,
        })
    }

    /// Sends a JSON request; returns status and body.
    pub async fn json(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut builder = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header("host", &self.host);
        if let Some(token) = &self.token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let bytes = match body {
            Some(value) => {
                builder = builder.header("content-type", "application/json");
                Bytes::from(serde_json::to_vec(value)?)
            }
            None => Bytes::new(),
        };
        self.sender.ready().await?;
        let response = self
            .sender
            .send_request(builder.body(Full::new(bytes))?)
            .await?;
        let status = response.status().as_u16();
        let collected = response.into_body().collect().await?.to_bytes();
        let value = serde_json::from_slice(&collected).unwrap_or(Value::Null);
        Ok((status, value))
    }

    /// Signs in and keeps the bearer token.
    pub async fn login(&mut self, username: &str, password: &str) -> anyhow::Result<()> {
        let (status, body) = self
            .json(
                "POST",
                "/api/v1/session",
                Some(&json!({"username": username, "password": password})),
            )
            .await?;
        if status != 200 {
            bail!("login {username}: {status} {body}");
        }
        self.token = body["token"].as_str().map(str::to_owned);
        Ok(())
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .to_offset(liuhen_core::CHINA_OFFSET)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn intake() -> Value {
    json!({
        "record_type": "r8_initiation",
        "event_time": now_rfc3339(),
        "data": {
            "reason": "基准测试", "source": "监督检查发现",
            "party": {"kind": "natural_person", "name": "测试当事人", "id_type": "居民身份证",
                      "id_number": "11010519491231002X", "address": "测试地址", "phone": "000"},
            "facts": "基准测试案件", "officer_opinion": "建议立案"
        }
    })
}

fn record(n: u64) -> Value {
    json!({
        "record_type": "text_document",
        "event_time": now_rfc3339(),
        "data": {"subtype": "其他", "title": format!("基准测试记录 {n}"),
                 "description": "基准测试：经 HTTP 追加的文字记录。", "original_form": "电子原件"}
    })
}

/// Opens a case over HTTP; returns its records path.
async fn open_case(client: &mut Client) -> anyhow::Result<String> {
    let open = json!({"procedure": "penalty_ordinary", "body": BODY, "power_item": "bench-item",
                      "title": "基准测试案件", "intake": intake()});
    let (status, body) = client.json("POST", "/api/v1/cases", Some(&open)).await?;
    if status != 201 {
        bail!("open case: {status} {body}");
    }
    let case = body["case_id"].as_str().unwrap_or_default().to_owned();
    Ok(format!("/api/v1/cases/{case}/records"))
}

async fn bench(args: BenchApiArgs) -> anyhow::Result<Value> {
    let dir = tempfile::tempdir()?;
    let (store, backend) = open_store(args.database_url.as_deref(), dir.path()).await?;
    let dyn_store: Arc<dyn Store> = store.clone();
    let services = setup(dyn_store.clone()).await?;
    let signer = Ed25519Signer::generate("bench.liuhen/log")?;
    let keys = LogKeys {
        origin: "bench.liuhen/log".into(),
        profile: HashProfile::Sm3,
        verifier_keys: vec![signer.verifier_key()],
        signers: vec![Box::new(signer) as Box<dyn Signer>],
    };
    let config = WebConfig {
        secure_cookies: false,
        password_params: PasswordParams::INSECURE_FAST,
        login_max_failures: 1000,
        ..WebConfig::default()
    };
    let state = AppState::new(Arc::new(services), dyn_store, keys, config)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(liuhen_web::serve::serve_with(state, listener, async {
        let _ = stopped.await;
    }));

    // Sign in, open one case per client, warm up with one record each.
    let mut clients = Vec::new();
    for _ in 0..args.clients {
        let mut client = Client::connect(addr).await?;
        client.login("officer", PASSWORD).await?;
        let path = open_case(&mut client).await?;
        let (status, body) = client.json("POST", &path, Some(&record(0))).await?;
        if status != 201 {
            bail!("warm-up record: {status} {body}");
        }
        clients.push((client, path));
    }

    // Untimed: grow each client's case to `prefill` records, all clients at once.
    if args.prefill > 0 {
        let mut fills = Vec::new();
        for (mut client, path) in clients {
            let prefill = args.prefill;
            fills.push(tokio::spawn(async move {
                for n in 1..=prefill {
                    let (status, body) = client.json("POST", &path, Some(&record(n))).await?;
                    if status != 201 {
                        bail!("prefill record: {status} {body}");
                    }
                }
                Ok::<_, anyhow::Error>((client, path))
            }));
        }
        clients = Vec::new();
        for fill in fills {
            clients.push(fill.await??);
        }
    }

    let remaining = Arc::new(AtomicU64::new(args.records));
    let per_case = args.records_per_case.max(1);
    let cases_opened = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (mut client, path) in clients {
        let remaining = remaining.clone();
        let errors = errors.clone();
        let cases_opened = cases_opened.clone();
        let mut path = path;
        let prefill = args.prefill;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = prefill + 1;
            while remaining
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                    left.checked_sub(1)
                })
                .is_ok()
            {
                if (n - prefill).is_multiple_of(per_case) {
                    match open_case(&mut client).await {
                        Ok(new_path) => {
                            path = new_path;
                            cases_opened.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                let body = record(n);
                n += 1;
                let sent = Instant::now();
                match client.json("POST", &path, Some(&body)).await {
                    Ok((201, _)) => latencies.push(sent.elapsed()),
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            latencies
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    for task in tasks {
        latencies.extend(task.await?);
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    server.await??;
    let log_size = Store::log_state(store.as_ref()).await?.size;
    store.close().await;
    latencies.sort_unstable();
    let pick = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let idx = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[idx.min(latencies.len() - 1)].as_secs_f64() * 1000.0
    };
    let ok = latencies.len() as f64;
    Ok(json!({
        "bench": "api",
        "backend": backend,
        "clients": args.clients,
        "records": latencies.len(),
        "records_per_case": per_case,
        "prefill": args.prefill,
        "cases_opened_during_run": cases_opened.load(Ordering::Relaxed),
        "errors": errors.load(Ordering::Relaxed),
        "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "records_per_s": (ok / elapsed.as_secs_f64()).round(),
        "p50_ms": (pick(0.50) * 100.0).round() / 100.0,
        "p99_ms": (pick(0.99) * 100.0).round() / 100.0,
        "max_ms": (pick(1.0) * 100.0).round() / 100.0,
        "log_size": log_size,
    }))
}
