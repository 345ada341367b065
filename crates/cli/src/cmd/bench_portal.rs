//! `liuhen bench portal`: the public portal's item and search pages under load (issue 8 "Tests
//! and numbers"; D11-b: the portal lists and searches every published item).
//!
//! The data folder is opened exactly as `liuhen serve` opens it (`liuhen_web::serve::open`:
//! SQLite, keys, blobs, and the search index in `<data dir>/search`), so the run also shows
//! whether the index of an earlier run is reused. Published items come from the demo district
//! (`--demo`) and/or are generated (`--items N`: a bench body's decision items taken through the
//! real D5-b workflow — draft, collect, submit, review, publish — until it has N). The server
//! runs in-process on `127.0.0.1:0`; `--connections` keep-alive HTTP/1.1 clients alternate
//! `GET /disclosure/{id}` and `GET /search?…` until `--requests` are answered or `--seconds`
//! have passed. Prints one JSON object: requests/s, p50/p99 per page kind, errors, and what the
//! search index did at start-up.
//!
//! The bench writes a body, a user and items into the data folder: point it at a temporary or
//! demo folder, never at a production one.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use liuhen_core::disclosure::{ItemKind, Step};
use liuhen_core::ids::{BodyId, UserId};
use liuhen_core::registry::{BodyKind, BodyProfile, RoleGrant, UserProfile};
use liuhen_core::role::Role;
use liuhen_core::service::disclosure::{ManualItem, PublicFilter};
use liuhen_core::service::{Ctx, Services};
use liuhen_web::serve::ServeConfig;
use serde_json::{Map, Value, json};

use super::bench_api::{BenchApiArgs, Client};

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Records appended over HTTP by concurrent clients.
    Api(BenchApiArgs),
    /// Portal item and search pages under concurrent keep-alive connections.
    Portal(BenchPortalArgs),
    /// Server time of the staff workbench's pages with the demo loaded.
    Workbench(super::bench_workbench::BenchWorkbenchArgs),
}

/// Arguments of `liuhen bench portal`.
#[derive(Debug, Args)]
pub struct BenchPortalArgs {
    /// Data folder (SQLite) to serve; created if missing. Default: a temporary folder.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Build the demo district in the data folder first (kept if already there).
    #[arg(long)]
    demo: bool,
    /// Published items of the bench body to have: missing ones are generated through the
    /// disclosure workflow (0: none).
    #[arg(long, default_value_t = 1000)]
    items: u64,
    /// Keep-alive connections.
    #[arg(long, default_value_t = 64)]
    connections: u64,
    /// Requests in total (half item pages, half search pages).
    #[arg(long, default_value_t = 20_000)]
    requests: u64,
    /// Run for this many seconds instead of a number of requests.
    #[arg(long)]
    seconds: Option<f64>,
}

/// Runs a benchmark (`api` is `bench_api`'s).
pub fn run(command: BenchCommand) -> anyhow::Result<std::process::ExitCode> {
    let args = match command {
        BenchCommand::Api(args) => {
            return super::bench_api::run(super::bench_api::BenchCommand::Api(args));
        }
        BenchCommand::Portal(args) => args,
        BenchCommand::Workbench(args) => return super::bench_workbench::run(args),
    };
    if args.connections == 0 || (args.requests == 0 && args.seconds.is_none()) {
        bail!("--connections 与 --requests（或 --seconds）须大于 0");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let result = runtime.block_on(bench(args))?;
    println!("{result}");
    Ok(std::process::ExitCode::SUCCESS)
}

const BODY: &str = "bench-portal";
const HEAD: &str = "bench-portal-head";
/// Items generated concurrently (their appends share the store's group commit).
const GENERATE_CONCURRENCY: usize = 16;

/// Query strings of the search requests: common and rare terms, a party fragment, a document
/// number, filters, a second page.
const SEARCHES: &[&str] = &[
    "q=行政处罚",
    "q=罚款",
    "q=食品安全法",
    "q=超过保质期 食品",
    "q=鲁南",
    "q=薛基准罚〔2025〕12号",
    "q=安全生产&kind=decision",
    "party=某某",
    "q=处罚&body=bench-portal",
    "q=行政处罚&page=2",
    "",
];

const PARTIES: &[&str] = &[
    "枣庄市鲁南食品有限公司",
    "薛城区恒通商贸经营部",
    "山东华顺化工有限公司",
    "枣庄市金泰建材厂",
    "薛城区瑞丰超市",
];
const PERSONS: &[&str] = &["张三", "王小明", "李四", "赵敏"];
const LAWS: &[&str] = &[
    "《中华人民共和国食品安全法》第一百二十四条",
    "《中华人民共和国安全生产法》第九十七条",
    "《中华人民共和国广告法》第五十五条",
    "《中华人民共和国消防法》第六十条",
];
const VIOLATIONS: &[&str] = &[
    "销售超过保质期的食品",
    "未按规定对从业人员进行安全生产教育和培训",
    "发布虚假广告",
    "占用疏散通道",
];
const PENALTIES: &[&str] = &[
    "警告",
    "罚款人民币伍仟元",
    "没收违法所得并处罚款人民币贰万元",
];

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// An index below `len` (0 for an empty range).
    fn below(&mut self, len: usize) -> usize {
        if len == 0 {
            return 0;
        }
        usize::try_from(self.next() % len as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let at = self.below(items.len());
        items.get(at).copied().unwrap_or_default()
    }
}

/// Percent-encodes a query string (keeps `=` and `&`, which separate its parts).
fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'=' | b'&') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The bench body and its head, who holds all four D5-b steps (separation off, with a reason),
/// registered unless they exist. Returns the head's context.
async fn ensure_bench_body(services: &Services) -> anyhow::Result<Ctx> {
    // The operator's context: the bench registers its own body like an administrator would.
    let admin = Ctx {
        user: UserId::new("bench-admin")?,
        grants: vec![RoleGrant {
            role: Role::SysAdmin,
            body: None,
        }],
        officer: None,
        client_ip: None,
    };
    let body = BodyId::new(BODY)?;
    let head = UserId::new(HEAD)?;
    let exists = services.bodies(&admin).await?.iter().any(|b| b.id == body);
    if !exists {
        services
            .register_body(
                &admin,
                &body,
                BodyProfile {
                    name: "枣庄市薛城区基准测试局".into(),
                    short_name: "薛基准".into(),
                    kind: BodyKind::Agency,
                    uscc: "91350100M000100Y43".into(),
                    parent: None,
                    entrustment: None,
                    duties: "基准测试".into(),
                    address: "薛城区".into(),
                },
            )
            .await?;
        services
            .register_user(
                &admin,
                &head,
                UserProfile {
                    username: HEAD.into(),
                    name: "基准测试局负责人".into(),
                    officer: None,
                },
            )
            .await?;
        services
            .grant_role(
                &admin,
                &head,
                RoleGrant {
                    role: Role::AgencyHead,
                    body: Some(body.clone()),
                },
            )
            .await?;
        let ctx = services.context_for(&head, None).await?;
        for step in [Step::Collect, Step::Submit, Step::Review, Step::Publish] {
            services
                .set_disclosure_permission(&ctx, &body, &head, step, true)
                .await?;
        }
        services
            .set_disclosure_separation(&ctx, &body, false, "基准测试：一人完成公示的全部步骤")
            .await?;
    }
    Ok(services.context_for(&head, None).await?)
}

/// Ids of every published item (all bodies), and how many belong to `body`.
async fn published_ids(services: &Services, body: Option<&BodyId>) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut offset = 0u32;
    loop {
        let page = services
            .published_items(&PublicFilter {
                body: body.cloned(),
                limit: 1000,
                offset,
                ..PublicFilter::default()
            })
            .await?;
        let n = page.len();
        offset = offset.saturating_add(u32::try_from(n).context("page size")?);
        ids.extend(
            page.into_iter()
                .filter(|item| item.content.is_some())
                .map(|item| item.id),
        );
        if n < 1000 {
            return Ok(ids);
        }
    }
}

/// One generated decision item: drafted, collected, submitted, reviewed and published.
async fn publish_one(services: &Services, head: &Ctx, n: u64) -> anyhow::Result<()> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n.wrapping_mul(0x1000_0000_01B3));
    let natural = rng.next().is_multiple_of(4);
    let party = if natural {
        rng.pick(PERSONS)
    } else {
        rng.pick(PARTIES)
    };
    let violation = rng.pick(VIOLATIONS);
    let law = rng.pick(LAWS);
    let penalty = rng.pick(PENALTIES);
    let doc = format!("薛基准罚〔2025〕{}号", n + 1);
    let today = services.now().to_offset(liuhen_core::CHINA_OFFSET).date();
    let mut fields = Map::new();
    for (key, value) in [
        ("doc_number", doc.clone()),
        ("party", party.to_owned()),
        ("matter", format!("对{violation}的行政处罚")),
        (
            "facts",
            format!(
                "当事人{party}{violation}，违反{law}的规定，依据《中华人民共和国行政处罚法》第二十八条和{law}，决定给予{penalty}的行政处罚。"
            ),
        ),
        ("basis", law.to_owned()),
        ("body_name", "枣庄市薛城区基准测试局".to_owned()),
        (
            "date",
            format!(
                "{}年{}月{}日",
                today.year(),
                u8::from(today.month()),
                today.day()
            ),
        ),
        ("outcome", penalty.to_owned()),
    ] {
        fields.insert(key.to_owned(), Value::String(value));
    }
    let id = services
        .draft_item(
            head,
            ManualItem {
                body: BodyId::new(BODY)?,
                kind: ItemKind::Decision,
                title: format!("行政处罚决定 {doc}"),
                fields,
                persons: if natural {
                    vec![party.to_owned()]
                } else {
                    Vec::new()
                },
                formation_date: today,
            },
        )
        .await?;
    services
        .collect_item(head, &id, Map::new(), "基准测试数据")
        .await?;
    services.submit_item(head, &id).await?;
    services.review_item(head, &id, true, "同意公示").await?;
    services.publish_item(head, &id, None).await?;
    Ok(())
}

/// Generates items until the bench body has `target` published; returns how many were made.
async fn generate(services: &Services, head: &Ctx, target: u64) -> anyhow::Result<u64> {
    let body = BodyId::new(BODY)?;
    let existing = published_ids(services, Some(&body)).await?.len() as u64;
    let missing = target.saturating_sub(existing);
    let next = Arc::new(AtomicU64::new(existing));
    let end = existing + missing;
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..GENERATE_CONCURRENCY {
        let services = services.clone();
        let head = head.clone();
        let next = next.clone();
        workers.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= end {
                    return anyhow::Ok(());
                }
                publish_one(&services, &head, n).await?;
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    Ok(missing)
}

/// Latencies of one page kind.
fn summary(mut latencies: Vec<Duration>) -> Value {
    latencies.sort_unstable();
    let pick = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let idx = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        let at = latencies
            .get(idx.min(latencies.len() - 1))
            .copied()
            .unwrap_or_default();
        (at.as_secs_f64() * 100_000.0).round() / 100.0
    };
    json!({
        "requests": latencies.len(),
        "p50_ms": pick(0.50),
        "p99_ms": pick(0.99),
        "max_ms": pick(1.0),
    })
}

async fn bench(args: BenchPortalArgs) -> anyhow::Result<Value> {
    let temp = tempfile::tempdir()?;
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| temp.path().join("data"));
    let mut config = ServeConfig::new(&data_dir);
    config.web.secure_cookies = false;
    let opened = liuhen_web::serve::open(&config).await?;
    let state = opened.state.clone();
    let services = state.services.clone();
    let position_at_open = state.portal.synced_size().await;
    let rebuilt_folder = state.portal.rebuilt_folder();

    let setup_started = Instant::now();
    if args.demo {
        let now = time::OffsetDateTime::now_utc();
        let clock = Arc::new(crate::demo::DemoClock::new(now));
        let demo_services = Services::new(
            state.store.clone(),
            clock.clone(),
            services.rules().clone(),
            services.calendar().clone(),
            services.profile(),
        );
        crate::demo::ensure_demo(&demo_services, &clock, now, state.blobs.clone()).await?;
    }
    let generated = if args.items > 0 {
        let head = ensure_bench_body(&services).await?;
        generate(&services, &head, args.items).await?
    } else {
        0
    };
    let setup_s = setup_started.elapsed().as_secs_f64();

    // The catch-up the server would start on its first request, done (and timed) up front.
    let sync_started = Instant::now();
    let reindexed = state.portal.sync(&services).await?;
    let sync_s = sync_started.elapsed().as_secs_f64();
    let ids = published_ids(&services, None).await?;
    if ids.is_empty() {
        bail!("数据目录中没有已公示的信息：请使用 --items 或 --demo");
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(liuhen_web::serve::serve_with(state, listener, async {
        let _ = stopped.await;
    }));

    let ids = Arc::new(ids);
    let searches: Arc<Vec<String>> = Arc::new(
        SEARCHES
            .iter()
            .map(|q| format!("/search?{}", encode_query(q)))
            .collect(),
    );
    let remaining = Arc::new(AtomicU64::new(args.requests));
    let deadline = args
        .seconds
        .map(|s| Instant::now() + Duration::from_secs_f64(s.max(0.0)));
    let errors = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for _ in 0..args.connections {
        clients.push(Client::connect(addr).await?);
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, mut client) in clients.into_iter().enumerate() {
        let ids = ids.clone();
        let searches = searches.clone();
        let remaining = remaining.clone();
        let errors = errors.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(0xD1B5_4A32_D192_ED03 ^ (n as u64 + 1));
            let mut items = Vec::new();
            let mut search = Vec::new();
            let mut turn = n;
            loop {
                let more = match deadline {
                    Some(at) => Instant::now() < at,
                    None => remaining
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                            left.checked_sub(1)
                        })
                        .is_ok(),
                };
                if !more {
                    break;
                }
                turn += 1;
                let is_item = turn.is_multiple_of(2);
                let path = if is_item {
                    let at = rng.below(ids.len());
                    format!("/disclosure/{}", ids.get(at).map_or("", String::as_str))
                } else {
                    let at = rng.below(searches.len());
                    searches.get(at).cloned().unwrap_or_default()
                };
                let sent = Instant::now();
                match client.json("GET", &path, None).await {
                    Ok((200, _)) if is_item => items.push(sent.elapsed()),
                    Ok((200, _)) => search.push(sent.elapsed()),
                    Ok(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        // A broken connection is replaced; the failure is counted above.
                        match Client::connect(addr).await {
                            Ok(fresh) => client = fresh,
                            Err(_) => break,
                        }
                    }
                }
            }
            (items, search)
        }));
    }
    let mut items = Vec::new();
    let mut search = Vec::new();
    for task in tasks {
        let (i, s) = task.await?;
        items.extend(i);
        search.extend(s);
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    server.await??;
    opened.store.close().await;
    let errors = errors.load(Ordering::Relaxed);
    let ok = (items.len() + search.len()) as u64;
    Ok(json!({
        "bench": "portal",
        "backend": opened.store.backend_name(),
        "data_dir": data_dir.display().to_string(),
        "published_items": ids.len(),
        "generated_items": generated,
        "setup_s": (setup_s * 1000.0).round() / 1000.0,
        "search_index": {
            "dir": config.search_dir().display().to_string(),
            "position_at_open": position_at_open,
            "rebuilt_folder": rebuilt_folder,
            "items_reindexed": reindexed,
            "sync_s": (sync_s * 1000.0).round() / 1000.0,
        },
        "connections": args.connections,
        "requests": ok + errors,
        "errors": errors,
        "seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        "requests_per_s": (ok as f64 / elapsed.as_secs_f64().max(1e-9)).round(),
        "item": summary(items),
        "search": summary(search),
    }))
}
