//! Portal search benchmark (issue 8 "Tests and numbers"): index build rate and size, then p50/p99
//! of a fixed set of realistic portal queries on liuhen-search (tantivy + jieba + bigrams) and on
//! a SQLite FTS5 `trigram` baseline built from the same items in the same run.
//!
//! `LIUHEN_SEARCH_BENCH_N=1000000 cargo bench -p liuhen-search --bench portal_search`
//! (default N = 100,000; `LIUHEN_SEARCH_BENCH_REPS` repetitions per query, default 5;
//! `LIUHEN_SEARCH_BENCH_DIR` puts the temporary index and database in that folder instead of
//! the system's temp folder — at 1M they take about 1.5 GiB; `LIUHEN_SEARCH_BENCH_COUNT_LIMIT`
//! sets the exact-count limit, default `COUNT_LIMIT` = 10,000). Items are generated on the fly
//! (twice, from the same seed), so memory stays flat whatever N is.
//! Prints one JSON object on stdout; progress goes to stderr.

use std::path::Path;
use std::time::{Duration, Instant};

use liuhen_search::index::{IndexedItem, SearchIndex, WriterOptions};
use liuhen_search::query::SearchRequest;
use sqlx::Connection;
use time::{Date, Duration as TimeDuration, UtcOffset};

/// The fixed query set: statute and body compounds, penalties, party fragments, doc numbers.
const QUERIES: &[&str] = &[
    "行政处罚",
    "处罚",
    "市场监督",
    "安全生产",
    "食品安全",
    "食品安全法",
    "中华人民共和国食品安全法",
    "罚款",
    "警告",
    "没收违法所得",
    "责令改正",
    "有限公司",
    "某某",
    "鲁南",
    "鲁南食品有限公司",
    "薛市监罚〔2024〕12号",
    "2024",
    "12号",
    "大气污染防治法",
    "消防",
    "营业执照",
    "许可",
    "药品",
    "超市",
    "餐饮 服务",
    "价格 违法",
    "广告法",
    "特种设备",
    "张某某",
    "超过保质期 食品",
];

struct Body {
    id: &'static str,
    name: &'static str,
    abbr: &'static str,
    laws: &'static [&'static str],
    violations: &'static [&'static str],
}

const BODIES: &[Body] = &[
    Body {
        id: "xc-scjg",
        name: "枣庄市薛城区市场监督管理局",
        abbr: "薛市监",
        laws: &[
            "中华人民共和国食品安全法",
            "中华人民共和国广告法",
            "中华人民共和国价格法",
            "中华人民共和国药品管理法",
            "中华人民共和国特种设备安全法",
        ],
        violations: &[
            "销售超过保质期的食品",
            "发布虚假广告",
            "未明码标价",
            "价格违法行为",
            "经营劣药",
            "使用未经检验的特种设备",
            "未取得营业执照从事经营活动",
        ],
    },
    Body {
        id: "xc-yjj",
        name: "枣庄市薛城区应急管理局",
        abbr: "薛应急",
        laws: &["中华人民共和国安全生产法", "危险化学品安全管理条例"],
        violations: &[
            "未按规定对从业人员进行安全生产教育和培训",
            "未建立事故隐患排查治理制度",
            "危险化学品储存不符合规定",
        ],
    },
    Body {
        id: "xc-sthj",
        name: "枣庄市生态环境局薛城分局",
        abbr: "枣环薛",
        laws: &[
            "中华人民共和国大气污染防治法",
            "中华人民共和国水污染防治法",
            "中华人民共和国固体废物污染环境防治法",
        ],
        violations: &[
            "超标排放大气污染物",
            "未按规定设置排污口",
            "未采取防扬散措施堆放物料",
        ],
    },
    Body {
        id: "xc-xf",
        name: "枣庄市薛城区消防救援大队",
        abbr: "薛消",
        laws: &["中华人民共和国消防法"],
        violations: &["占用疏散通道", "消防设施未保持完好有效", "埋压圈占消火栓"],
    },
    Body {
        id: "xc-wjj",
        name: "枣庄市薛城区卫生健康局",
        abbr: "薛卫",
        laws: &[
            "中华人民共和国基本医疗卫生与健康促进法",
            "公共场所卫生管理条例",
            "医疗机构管理条例",
        ],
        violations: &[
            "未取得卫生许可证从事经营",
            "使用非卫生技术人员从事医疗卫生技术工作",
            "餐饮服务从业人员未取得健康证明",
        ],
    },
    Body {
        id: "xc-jt",
        name: "枣庄市薛城区交通运输局",
        abbr: "薛交",
        laws: &["中华人民共和国道路运输条例", "中华人民共和国公路法"],
        violations: &[
            "未取得道路运输经营许可擅自从事经营",
            "车辆超限运输",
            "擅自占用公路",
        ],
    },
];

const PLACES: &[&str] = &["枣庄市", "薛城区", "山东", "滕州市", "峄城区", "台儿庄区"];
const BRANDS: &[&str] = &[
    "鲁南", "恒通", "华顺", "金泰", "兴隆", "瑞丰", "永康", "德信", "宏达", "福源", "盛世", "天成",
    "润泽", "安泰", "嘉和", "利民", "新城", "博远", "东岳", "齐鲁",
];
const TRADES: &[&str] = &[
    "食品", "餐饮", "化工", "建材", "医药", "商贸", "物流", "机械", "运输", "广告",
];
const SUFFIXES: &[&str] = &[
    "有限公司",
    "有限责任公司",
    "经营部",
    "超市",
    "店",
    "厂",
    "服务中心",
];
const SURNAMES: &[&str] = &["张", "王", "李", "赵", "刘", "陈", "杨", "孙", "周", "吴"];
const PENALTIES: &[&str] = &[
    "警告",
    "罚款人民币伍仟元",
    "罚款人民币贰万元",
    "没收违法所得并处罚款",
    "责令改正并处罚款人民币叁仟元",
    "责令停产停业",
    "暂扣许可证件",
];
const ARTICLES: &[&str] = &[
    "第二十八条",
    "第三十四条",
    "第五十五条",
    "第一百二十四条",
    "第九十九条",
    "第六十二条",
];

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Bench data only: the slices above are non-empty constants.
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// The `n` bench items, generated lazily and deterministically (same seed, same items).
fn generate(n: usize) -> impl Iterator<Item = IndexedItem> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let start = Date::from_calendar_date(2021, time::Month::January, 1).unwrap_or(Date::MIN);
    let offset = UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC);
    (0..n)
        .map(move |i| {
            let body = rng.pick(BODIES);
            let kind_roll = rng.next() % 100;
            let (kind, kind_title, kind_char) = match kind_roll {
                0..60 => ("penalty", "行政处罚决定", "罚"),
                60..85 => ("licensing", "行政许可决定", "许"),
                _ => ("inspection", "行政检查结果", "检"),
            };
            let party = if rng.next().is_multiple_of(5) {
                format!("{}某某", rng.pick(SURNAMES))
            } else {
                format!("{}{}{}{}", rng.pick(PLACES), rng.pick(BRANDS), rng.pick(TRADES), rng.pick(SUFFIXES))
            };
            let law = rng.pick(body.laws);
            let violation = rng.pick(body.violations);
            let summary = match kind {
                "penalty" => format!(
                    "当事人{party}{violation}，违反《{law}》{}的规定，依据《中华人民共和国行政处罚法》{}和《{law}》{}，决定给予{}的行政处罚。统一社会信用代码91370403MA{:08X}。",
                    rng.pick(ARTICLES), rng.pick(ARTICLES), rng.pick(ARTICLES), rng.pick(PENALTIES), rng.next() as u32
                ),
                "licensing" => format!(
                    "准予{party}行政许可，依据《{law}》{}，许可内容：经营范围变更及营业执照信息同步。",
                    rng.pick(ARTICLES)
                ),
                _ => format!(
                    "双随机抽查{party}落实《{law}》情况，检查结果：{}。",
                    if rng.next().is_multiple_of(3) { "发现问题已责令改正" } else { "未发现问题" }
                ),
            };
            let decided_on = start + TimeDuration::days((rng.next() % 1800) as i64);
            let published_at = decided_on.midnight().assume_offset(offset)
                + TimeDuration::days(1 + (rng.next() % 6) as i64)
                + TimeDuration::minutes((rng.next() % 600) as i64);
            let year = decided_on.year();
            IndexedItem {
                id: format!("item-{i}"),
                body_id: body.id.to_owned(),
                body_name: body.name.to_owned(),
                kind: kind.to_owned(),
                title: format!("{party}{kind_title}"),
                party_name: party,
                summary,
                doc_number: format!("{}{}〔{year}〕{}号", body.abbr, kind_char, 1 + rng.next() % 400),
                decided_on,
                published_at,
                url: format!("/items/item-{i}"),
            }
        })
}

fn folder_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => folder_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// The FTS5 trigram query for `text`: MATCH for parts of ≥ 3 characters (trigram needs three),
/// LIKE for shorter parts (a scan — trigram cannot index them), AND across parts.
fn fts_sql(text: &str) -> (String, Vec<String>) {
    let parts: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect();
    let long: Vec<&String> = parts.iter().filter(|p| p.chars().count() >= 3).collect();
    let short: Vec<&String> = parts.iter().filter(|p| p.chars().count() < 3).collect();
    let mut binds = Vec::new();
    let mut conditions = Vec::new();
    if !long.is_empty() {
        conditions.push("items MATCH ?".to_owned());
        binds.push(
            long.iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(" AND "),
        );
    }
    for part in &short {
        conditions.push("content LIKE ?".to_owned());
        binds.push(format!("%{part}%"));
    }
    let order = if long.is_empty() {
        ""
    } else {
        " ORDER BY rank"
    };
    (
        format!(
            "SELECT rowid FROM items WHERE {}{order} LIMIT 20",
            conditions.join(" AND ")
        ),
        binds,
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::var("LIUHEN_SEARCH_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let reps: usize = std::env::var("LIUHEN_SEARCH_BENCH_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let count_limit: usize = std::env::var("LIUHEN_SEARCH_BENCH_COUNT_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(liuhen_search::query::COUNT_LIMIT);
    let work = match std::env::var_os("LIUHEN_SEARCH_BENCH_DIR") {
        Some(dir) => tempfile::tempdir_in(dir)?,
        None => tempfile::tempdir()?,
    };
    let mut text_bytes = 0usize;

    eprintln!("building tantivy index");
    let kept_index = std::env::var_os("LIUHEN_SEARCH_BENCH_INDEX").map(std::path::PathBuf::from);
    let skip_fts = std::env::var_os("LIUHEN_SEARCH_BENCH_SKIP_FTS").is_some();
    let index_dir = kept_index
        .clone()
        .unwrap_or_else(|| work.path().join("tantivy"));
    let index = SearchIndex::open_in_dir_with(
        &index_dir,
        WriterOptions {
            memory_bytes: 128 * 1024 * 1024,
            threads: 2,
        },
    )?;
    let build_start = Instant::now();
    if kept_index.is_some() && index.num_items() == n as u64 {
        eprintln!("reusing the kept index of {n} items");
    } else {
        eprintln!("building from {n} generated items");
        index.clear()?;
        for item in generate(n) {
            text_bytes += item.title.len() + item.summary.len() + item.party_name.len();
            index.upsert(&item)?;
        }
        index.commit()?;
    }
    let tantivy_build = build_start.elapsed();
    let tantivy_size = folder_size(&index_dir);
    eprintln!("tantivy: {:.1}s", tantivy_build.as_secs_f64());

    eprintln!("building SQLite FTS5 trigram table");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let db_path = work.path().join("fts.sqlite");
    let (fts_build, fts_size, fts_latencies, fts_hits) = if skip_fts {
        (Duration::ZERO, 0, Vec::new(), vec![0; QUERIES.len()])
    } else {
        runtime.block_on(async {
            let url = format!("sqlite://{}?mode=rwc", db_path.display());
            let mut conn = sqlx::SqliteConnection::connect(&url).await?;
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&mut conn)
                .await?;
            sqlx::query("CREATE VIRTUAL TABLE items USING fts5(content, tokenize='trigram')")
                .execute(&mut conn)
                .await?;
            let start = Instant::now();
            let mut tx = conn.begin().await?;
            for (row, item) in generate(n).enumerate() {
                let content = format!(
                    "{}\n{}\n{}\n{}\n{}",
                    item.title, item.party_name, item.summary, item.body_name, item.doc_number
                );
                sqlx::query("INSERT INTO items(rowid, content) VALUES ($1, $2)")
                    .bind(row as i64)
                    .bind(content)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            let build = start.elapsed();
            let mut latencies = Vec::new();
            let mut hits = Vec::new();
            for query in QUERIES {
                let (sql, binds) = fts_sql(query);
                let mut n_hits = 0usize;
                for rep in 0..=reps {
                    // Audited: the SQL is assembled from fixed fragments; user text only travels as binds.
                    let mut q = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.clone()));
                    for bind in &binds {
                        q = q.bind(bind.clone());
                    }
                    let start = Instant::now();
                    let rows = q.fetch_all(&mut conn).await?;
                    let took = start.elapsed();
                    n_hits = rows.len();
                    if rep > 0 {
                        latencies.push(took);
                    }
                }
                hits.push(n_hits);
            }
            conn.close().await?;
            let size = std::fs::metadata(&db_path).map(|m| m.len()).unwrap_or(0)
                + std::fs::metadata(work.path().join("fts.sqlite-wal"))
                    .map(|m| m.len())
                    .unwrap_or(0);
            Ok::<_, Box<dyn std::error::Error>>((build, size, latencies, hits))
        })?
    };

    eprintln!("querying tantivy");
    let mut latencies = Vec::new();
    let mut per_query = Vec::new();
    for (query, fts_hit_count) in QUERIES.iter().zip(&fts_hits) {
        let mut times = Vec::new();
        let mut total = 0usize;
        let mut total_capped = false;
        for rep in 0..=reps {
            let start = Instant::now();
            let results = index.search(&SearchRequest {
                text: (*query).to_owned(),
                count_limit,
                ..Default::default()
            })?;
            let took = start.elapsed();
            total = results.total;
            total_capped = results.total_capped;
            if rep > 0 {
                times.push(took);
            }
        }
        times.sort();
        per_query.push(serde_json::json!({
            "query": query,
            "total": total,
            "total_capped": total_capped,
            "median_ms": percentile(&times, 0.5),
            "fts5_top20_rows": fts_hit_count,
        }));
        latencies.extend(times);
    }
    latencies.sort();
    let mut fts_sorted = fts_latencies;
    fts_sorted.sort();

    let latest_start = Instant::now();
    let latest = index.search(&SearchRequest {
        count_limit,
        ..SearchRequest::default()
    })?;
    let latest_ms = latest_start.elapsed().as_secs_f64() * 1000.0;

    let report = serde_json::json!({
        "bench": "portal_search",
        "items": n,
        "text_mib": text_bytes as f64 / (1024.0 * 1024.0),
        "reps_per_query": reps,
        "tantivy": {
            "build_s": tantivy_build.as_secs_f64(),
            "items_per_s": n as f64 / tantivy_build.as_secs_f64(),
            "index_mib": tantivy_size as f64 / (1024.0 * 1024.0),
            "p50_ms": percentile(&latencies, 0.5),
            "p99_ms": percentile(&latencies, 0.99),
            "max_ms": percentile(&latencies, 1.0),
            "latest_items_ms": latest_ms,
            "latest_items_total": latest.total,
            "latest_items_total_capped": latest.total_capped,
            "count_limit": count_limit,
        },
        "fts5_trigram": {
            "build_s": fts_build.as_secs_f64(),
            "items_per_s": n as f64 / fts_build.as_secs_f64(),
            "db_mib": fts_size as f64 / (1024.0 * 1024.0),
            "p50_ms": percentile(&fts_sorted, 0.5),
            "p99_ms": percentile(&fts_sorted, 0.99),
            "max_ms": percentile(&fts_sorted, 1.0),
        },
        "ratio_fts5_over_tantivy": {
            "p50": percentile(&fts_sorted, 0.5) / percentile(&latencies, 0.5).max(1e-9),
            "p99": percentile(&fts_sorted, 0.99) / percentile(&latencies, 0.99).max(1e-9),
        },
        "queries": per_query,
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
