//! `liuhen demo`: creates (or reuses) a data folder with the demo district of 薛城区 (see
//! `crate::demo`), prints the accounts and how to sign in, then serves the API — the README's
//! run command.

use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use liuhen_core::service::Services;

use super::serve::ServeArgs;
use crate::demo::{DEMO_PASSWORD, DemoClock, accounts, ensure_demo};

/// Arguments of `liuhen demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    store: ServeArgs,
    /// Create the demo data and exit without serving.
    #[arg(long)]
    no_serve: bool,
}

/// Runs `liuhen demo`.
pub fn run(args: DemoArgs) -> anyhow::Result<std::process::ExitCode> {
    let mut config = args.store.config("./liuhen-data")?;
    // The demo serves plain HTTP on loopback: browsers drop `Secure` cookies there.
    config.web.secure_cookies = false;
    let runtime = tokio::runtime::Runtime::new().context("tokio runtime")?;
    runtime.block_on(async move {
        let opened = liuhen_web::serve::open(&config).await?;
        let live = opened.state.services.clone();
        let now = time::OffsetDateTime::now_utc();
        let clock = Arc::new(DemoClock::new(now));
        // The same store, rules and calendar, on a clock the demo moves to back-dated events.
        let services = Services::new(
            opened.state.store.clone(),
            clock.clone(),
            live.rules().clone(),
            live.calendar().clone(),
            live.profile(),
        );
        let started = std::time::Instant::now();
        let report = ensure_demo(&services, &clock, now, opened.state.blobs.clone()).await?;
        if report.created {
            println!(
                "已在 {} 生成演示数据（{:.1} 秒）",
                config.data_dir.display(),
                started.elapsed().as_secs_f64()
            );
        } else {
            println!("{} 中已有演示数据，未重复生成", config.data_dir.display());
        }
        println!(
            "案件 {} 件，日志记录 {} 条；按程序和阶段：",
            report.case_count, report.log_size
        );
        for (procedure, stages) in &report.cases {
            let parts: Vec<String> = stages.iter().map(|(s, n)| format!("{s} {n}")).collect();
            println!("  {procedure}: {}", parts.join("，"));
        }
        let base = format!("http://{}", config.listen);
        println!("\n行政执法工作台：{base}/workbench  （用下列账号登录，例如执法人员 scjg-officer1）");
        println!("信息公示平台：  {base}/");
        println!("\n演示账号（口令均为 {DEMO_PASSWORD}）：");
        for account in accounts() {
            println!("  {:<18} {:<10} {}", account.username, account.name, account.role);
        }
        println!(
            "\n接口登录示例：\n  curl -s -X POST {base}/api/v1/session -H 'content-type: application/json' \\\n    -d '{{\"username\":\"scjg-officer1\",\"password\":\"{DEMO_PASSWORD}\"}}'\n  # 用返回的 token：\n  curl -s {base}/api/v1/cases -H 'authorization: Bearer <token>'\n  curl -s {base}/api/v1/log/checkpoint"
        );
        if args.no_serve {
            opened.store.close().await;
            return anyhow::Ok(());
        }
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("监听 {}", config.listen))?;
        println!("\n正在 {base} 提供服务（工作台 /workbench，公示平台 /，接口 /api/v1），Ctrl-C 停止");
        let result = liuhen_web::serve::serve_with(
            opened.state,
            listener,
            liuhen_web::serve::shutdown_signal(),
        )
        .await;
        opened.store.close().await;
        result?;
        anyhow::Ok(())
    })?;
    Ok(std::process::ExitCode::SUCCESS)
}
