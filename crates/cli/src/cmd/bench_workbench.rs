//! `liuhen bench workbench`: server time of the staff workbench's pages with the demo district
//! loaded — sign-in, then each page requested in turn through the real router in this process
//! (no socket, so the numbers are the server's own time: rules, store reads, the audit entry of
//! every case read (R4-b), rendering). The baseline, measured in the same run, is the JSON API's
//! read of the same case's records (`GET /api/v1/cases/{id}/records`). Prints one JSON object
//! with p50/p99 per page and each page's p50 as a ratio of the baseline's.
//!
//! The demo is built into the data folder when it is not there yet: point it at a temporary or
//! demo folder, never at a production one.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use axum::body::Body;
use axum::http::{Request, header};
use clap::Args;
use liuhen_core::ids::UserId;
use liuhen_core::service::{CaseFilter, Services};
use liuhen_web::serve::ServeConfig;
use serde_json::{Map, Value, json};
use tower::ServiceExt as _;

use crate::demo::{DEMO_PASSWORD, DemoClock, ensure_demo};

/// Arguments of `liuhen bench workbench`.
#[derive(Debug, Args)]
pub struct BenchWorkbenchArgs {
    /// Data folder (SQLite) with the demo district; built there if missing. Default: a temporary
    /// folder.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Requests of each page.
    #[arg(long, default_value_t = 200)]
    rounds: usize,
    /// The officer to sign in as.
    #[arg(long, default_value = "scjg-officer1")]
    user: String,
}

/// Runs the benchmark and prints its JSON.
pub fn run(args: BenchWorkbenchArgs) -> anyhow::Result<std::process::ExitCode> {
    if args.rounds == 0 {
        bail!("--rounds 须大于 0");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    let result = runtime.block_on(bench(args))?;
    println!("{result}");
    Ok(std::process::ExitCode::SUCCESS)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

/// The value of `name="…" value="…"` in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    page.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

fn set_cookies(response: &axum::response::Response, jar: &mut Vec<(String, String)>) {
    for value in response.headers().get_all(header::SET_COOKIE) {
        let Some((pair, _)) = value.to_str().unwrap_or_default().split_once(';') else {
            continue;
        };
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        jar.retain(|(n, _)| n != name);
        if !value.is_empty() {
            jar.push((name.to_owned(), value.to_owned()));
        }
    }
}

async fn bench(args: BenchWorkbenchArgs) -> anyhow::Result<Value> {
    let temp = tempfile::tempdir()?;
    let data_dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    let mut config = ServeConfig::new(&data_dir);
    config.web.secure_cookies = false;
    let opened = liuhen_web::serve::open(&config).await?;
    let live = opened.state.services.clone();
    let now = time::OffsetDateTime::now_utc();
    let clock = Arc::new(DemoClock::new(now));
    let demo_services = Services::new(
        opened.state.store.clone(),
        clock.clone(),
        live.rules().clone(),
        live.calendar().clone(),
        live.profile(),
    );
    let report = ensure_demo(&demo_services, &clock, now, opened.state.blobs.clone()).await?;
    let peer: std::net::SocketAddr = "127.0.0.1:40000".parse()?;
    let app = liuhen_web::app(opened.state.clone())
        .layer(axum::extract::connect_info::MockConnectInfo(peer));
    let mut jar: Vec<(String, String)> = Vec::new();
    let send = |request: Request<Body>| {
        let app = app.clone();
        async move { app.oneshot(request).await }
    };
    let cookie = |jar: &[(String, String)]| {
        jar.iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };

    // Sign in through the sign-in page, as a browser does.
    let response = send(Request::get("/workbench/login").body(Body::empty())?).await?;
    set_cookies(&response, &mut jar);
    let page = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let token = hidden(&String::from_utf8_lossy(&page), "token");
    let form = format!(
        "username={}&password={}&next=%2Fworkbench&draft=&token={token}",
        args.user, DEMO_PASSWORD
    );
    let response = send(
        Request::post("/workbench/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie(&jar))
            .body(Body::from(form))?,
    )
    .await?;
    set_cookies(&response, &mut jar);
    if !jar.iter().any(|(name, _)| name == "liuhen_session") {
        bail!("sign-in of {} failed: {}", args.user, response.status());
    }

    // The officer's largest case: the heaviest case page and timeline.
    let ctx = live
        .context_for(&UserId::new(args.user.clone())?, None)
        .await?;
    let cases = live
        .list_cases(
            &ctx,
            CaseFilter {
                limit: 1000,
                ..CaseFilter::default()
            },
        )
        .await?;
    let case = cases
        .iter()
        .max_by_key(|case| case.records.len())
        .context("the officer has no case")?;
    let case_records = live.case_records(&ctx, &case.id).await?.len();
    let pages: Vec<(&str, String)> = vec![
        (
            "api_case_records_baseline",
            format!("/api/v1/cases/{}/records", case.id),
        ),
        ("home", "/workbench".to_owned()),
        ("case_list", "/workbench/cases".to_owned()),
        (
            "case_list_search",
            "/workbench/cases?q=%E8%B6%85%E5%B8%82".to_owned(),
        ),
        ("case_page", format!("/workbench/cases/{}", case.id)),
        (
            "record_form",
            format!(
                "/workbench/cases/{}/records/new?type=text_document",
                case.id
            ),
        ),
        (
            "proof",
            format!("/workbench/cases/{}/records/2/proof", case.id),
        ),
        ("new_case", "/workbench/cases/new".to_owned()),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(args.rounds); pages.len()];
    let jar_header = cookie(&jar);
    let started = Instant::now();
    for round in 0..args.rounds {
        // Rotate the order so that no page always follows the same one.
        for step in 0..pages.len() {
            let index = (step + round) % pages.len();
            let request = Request::get(pages[index].1.as_str())
                .header(header::COOKIE, &jar_header)
                .body(Body::empty())?;
            let begin = Instant::now();
            let response = send(request).await?;
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
            times[index].push(begin.elapsed());
            if !status.is_success() {
                bail!(
                    "{} answered {status}: {}",
                    pages[index].1,
                    String::from_utf8_lossy(&body)
                        .chars()
                        .take(300)
                        .collect::<String>()
                );
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut out = Map::new();
    let mut baseline_p50 = 0.0;
    for (index, (name, path)) in pages.iter().enumerate() {
        let mut sorted = times[index].clone();
        sorted.sort();
        let p50 = percentile(&sorted, 0.5);
        if index == 0 {
            baseline_p50 = p50;
        }
        out.insert(
            (*name).to_owned(),
            json!({
                "path": path.replace(case.id.as_str(), "{id}"),
                "p50_ms": (p50 * 100.0).round() / 100.0,
                "p99_ms": (percentile(&sorted, 0.99) * 100.0).round() / 100.0,
                "ratio_p50_to_baseline": if baseline_p50 > 0.0 { (p50 / baseline_p50 * 100.0).round() / 100.0 } else { 0.0 },
            }),
        );
    }
    opened.store.close().await;
    Ok(json!({
        "bench": "workbench",
        "rounds": args.rounds,
        "cases": report.case_count,
        "log_size": report.log_size,
        "largest_case_records": case_records,
        "requests": args.rounds * pages.len(),
        "seconds": (elapsed * 100.0).round() / 100.0,
        "pages": Value::Object(out),
    }))
}
