//! `liuhen report annual`: a body's D9 annual enforcement data (年度行政执法数据,
//! 《薛城区行政执法信息公示办法》 D9) computed from a data folder with `Services::annual_figures`,
//! printed as a Chinese text report, JSON or one stacked SVG; `--out` writes per body a text
//! report, an HTML page with the charts, the figures as JSON and one SVG per chart; `--draft`
//! drafts the annual disclosure item (`Services::draft_annual_item`), which then goes through
//! the D5 workflow and is due 31 January of the next year (T4, ANNUAL_DATA).
//!
//! Reading runs as the given `--user` or, without one, as the local operator with the
//! district SUPERVISOR's read-only scope (the operator can read the database anyway; going
//! through the core keeps the computation identical to the API's). Drafting needs `--user`:
//! the D5-b collect permission is the user's, and the record names them.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand, ValueEnum};
use liuhen_core::disclosure::annual::AnnualFigures;
use liuhen_core::ids::{BodyId, UserId};
use liuhen_core::registry::{BodyKind, RoleGrant};
use liuhen_core::role::Role;
use liuhen_core::service::{Ctx, Services};
use liuhen_web::annual_report::{annual_charts, combined_svg, render_html, render_text};
use serde_json::json;

use super::serve::ServeArgs;

/// Subcommands of `liuhen report`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The D9 annual figures of one body or of every body, with charts.
    Annual(AnnualArgs),
}

/// Output format of `liuhen report annual`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Chinese text report.
    Text,
    /// JSON: `[{body, name, year, figures}]`.
    Json,
    /// One SVG document per body with every chart stacked.
    Svg,
}

/// Arguments of `liuhen report annual`.
#[derive(Debug, Args)]
pub struct AnnualArgs {
    /// The calendar year reported.
    #[arg(long)]
    year: i32,
    /// Only this body (default: every body).
    #[arg(long)]
    body: Option<String>,
    #[command(flatten)]
    store: ServeArgs,
    /// Output format on standard output.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write, per body, `<out>/<body>-<year>/` with report.txt, report.html, figures.json
    /// and chart-NN.svg.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Draft (or refresh) the annual disclosure item of each body (D9-a); needs `--user` with
    /// the body's collect permission (D5-b).
    #[arg(long)]
    draft: bool,
    /// Act as this user (scope and permissions as for that user).
    #[arg(long)]
    user: Option<String>,
}

/// Runs `liuhen report …`.
pub fn run(command: ReportCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("tokio runtime")?;
    match command {
        ReportCommand::Annual(args) => runtime.block_on(annual(args)),
    }
}

/// One body's report.
struct BodyReport {
    body: BodyId,
    name: String,
    figures: AnnualFigures,
}

async fn annual(args: AnnualArgs) -> anyhow::Result<ExitCode> {
    if !(1949..=9999).contains(&args.year) {
        bail!("年度须在 1949–9999 之间：{}", args.year);
    }
    if args.draft && args.user.is_none() {
        bail!("--draft 须用 --user 指定具有本机关公示采集权限的用户（D5-b）");
    }
    let config = args.store.config("./liuhen-data")?;
    let opened = liuhen_web::serve::open(&config).await?;
    let result = report(&opened.state.services, &args).await;
    opened.store.close().await;
    result
}

async fn report(services: &Services, args: &AnnualArgs) -> anyhow::Result<ExitCode> {
    let ctx = match &args.user {
        Some(user) => {
            services
                .context_for(&UserId::new(user.as_str())?, Some("local".into()))
                .await?
        }
        None => Ctx {
            user: UserId::new("local-operator")?,
            grants: vec![RoleGrant {
                role: Role::Supervisor,
                body: None,
            }],
            officer: None,
            client_ip: Some("local".into()),
        },
    };
    // Entrusted organisations act in the delegating body's name (D3-a, I13): their cases count
    // in that body's report, so they get no report of their own unless asked for by --body.
    let mut bodies: Vec<(BodyId, String)> = services
        .bodies(&ctx)
        .await?
        .into_iter()
        .filter(|b| {
            args.body.as_deref() == Some(b.id.as_str()) || b.profile.kind != BodyKind::Entrusted
        })
        .map(|b| (b.id, b.profile.name))
        .collect();
    bodies.sort();
    if let Some(only) = &args.body {
        bodies.retain(|(id, _)| id.as_str() == only);
        if bodies.is_empty() {
            bail!("执法主体 {only} 不存在");
        }
    }
    let mut reports = Vec::new();
    for (body, name) in bodies {
        if args.body.is_none() && !ctx.can_read(&body) {
            continue;
        }
        let figures = services
            .annual_figures(&ctx, &body, args.year)
            .await
            .with_context(|| format!("{name}（{body}）"))?;
        reports.push(BodyReport {
            body,
            name,
            figures,
        });
    }
    let mut stdout = String::new();
    match args.format {
        Format::Text => {
            for (n, r) in reports.iter().enumerate() {
                if n > 0 {
                    stdout.push_str(&format!("\n{}\n\n", "—".repeat(30)));
                }
                stdout.push_str(&render_text(&r.name, &r.figures));
            }
        }
        Format::Json => {
            let out: Vec<_> = reports
                .iter()
                .map(|r| json!({"body": r.body, "name": r.name, "year": args.year, "figures": r.figures}))
                .collect();
            stdout.push_str(&serde_json::to_string_pretty(&out)?);
            stdout.push('\n');
        }
        Format::Svg => {
            for r in &reports {
                let heading = format!("{}{}年度行政执法数据", r.name, args.year);
                stdout.push_str(&combined_svg(&heading, &annual_charts(&r.figures)));
                stdout.push('\n');
            }
        }
    }
    // A closed pipe (`| head`) is not an error of the report.
    match std::io::stdout().lock().write_all(stdout.as_bytes()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(err).context("标准输出");
        }
        _ => {}
    }
    if let Some(out) = &args.out {
        for r in &reports {
            let dir = write_files(out, args.year, r)?;
            eprintln!("已写入 {}", dir.display());
        }
    }
    if args.draft {
        for r in &reports {
            let id = services
                .draft_annual_item(&ctx, &r.body, args.year)
                .await
                .with_context(|| format!("起草 {}（{}）年度数据公示信息", r.name, r.body))?;
            let item = services.disclosure_item(&ctx, &id).await?;
            let due = item
                .open_obligation()
                .map_or_else(|| "—".to_owned(), |o| o.due.to_string());
            eprintln!(
                "已起草公示信息 {id}：{}（{}），公示期限 {due}，须经审核后发布（D5、D9-a）",
                item.title,
                item.state.label()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes one body's files; returns the folder.
fn write_files(out: &Path, year: i32, r: &BodyReport) -> anyhow::Result<PathBuf> {
    let dir = out.join(format!("{}-{year}", r.body));
    std::fs::create_dir_all(&dir).with_context(|| format!("创建 {}", dir.display()))?;
    let write = |name: &str, contents: &str| -> anyhow::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, contents).with_context(|| format!("写入 {}", path.display()))
    };
    write("report.txt", &render_text(&r.name, &r.figures))?;
    write("report.html", &render_html(&r.name, &r.figures))?;
    write(
        "figures.json",
        &serde_json::to_string_pretty(&json!({
            "body": r.body, "name": r.name, "year": year, "figures": r.figures
        }))?,
    )?;
    for (n, chart) in annual_charts(&r.figures).iter().enumerate() {
        write(&format!("chart-{:02}.svg", n + 1), &chart.svg)?;
    }
    Ok(dir)
}
