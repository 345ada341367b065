//! `liuhen case`: case files (案卷, R26, R29-b). `case export` writes a verifiable ZIP package of
//! one case (docs/formats/casefile.md); `case list` lists the cases of a data folder so an
//! operator can find the id to export.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use liuhen_casefile::write::{ExportOptions, FolderMedia, LogSigning, MediaPolicy, prepare};
use liuhen_core::case::CaseView;
use liuhen_core::ids::{CaseId, UserId};
use liuhen_core::ports::{ProjectionKind, ProjectionQuery};
use liuhen_core::registry::RoleGrant;
use liuhen_core::role::Role;
use liuhen_core::service::Ctx;
use liuhen_ledger::signer::Signer;

use super::serve::ServeArgs;

/// Subcommands of `liuhen case`.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Export one case as a case-file package (ZIP with manifest, records, proofs, checkpoint).
    Export(ExportArgs),
    /// List the cases of a data folder: id, 案号, status, title.
    List(ListArgs),
}

/// Arguments of `liuhen case export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The case id (see `liuhen case list`).
    id: String,
    #[command(flatten)]
    store: ServeArgs,
    /// Where to write the package (written to `<out>.partial`, then renamed).
    #[arg(long)]
    out: PathBuf,
    /// Export as this user (scope and R30-d labels as for that user). Without it, the local
    /// operator exports as the ARCHIVIST of the case's body (R29-d), audited as `local-operator`.
    #[arg(long)]
    user: Option<String>,
    /// Blob folder with the media files (`<sha256>` or `<aa>/<sha256>`); default
    /// `<data dir>/blobs`.
    #[arg(long)]
    media_dir: Option<PathBuf>,
    /// Fail when an attached file is not in the blob folder, instead of packaging a storage
    /// reference.
    #[arg(long)]
    require_media: bool,
    /// 保管期限 for the cover (R26-d), e.g. `永久` or `30年`.
    #[arg(long)]
    retention: Option<String>,
}

/// Arguments of `liuhen case list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    store: ServeArgs,
}

/// Runs `liuhen case …`.
pub fn run(command: CaseCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new().context("tokio runtime")?;
    match command {
        CaseCommand::Export(args) => runtime.block_on(export(args)),
        CaseCommand::List(args) => runtime.block_on(list(args)),
    }
}

async fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.config("./liuhen-data")?;
    let opened = liuhen_web::serve::open(&config).await?;
    let services = opened.state.services.clone();
    let keys = opened.state.log_keys.clone();
    let case_id = CaseId::new(args.id.as_str())?;
    let ctx = match &args.user {
        Some(user) => {
            services
                .context_for(&UserId::new(user.as_str())?, Some("local".into()))
                .await?
        }
        None => {
            // The operator of the data folder can read the database anyway; acting as the body's
            // archivist (who compiles case files, R29-d) keeps the scope and audit in the core.
            let row = opened
                .state
                .store
                .projection(ProjectionKind::Case, case_id.as_str())
                .await?
                .with_context(|| format!("案件 {case_id} 不存在"))?;
            Ctx {
                user: UserId::new("local-operator")?,
                grants: vec![RoleGrant {
                    role: Role::Archivist,
                    body: row.body,
                }],
                officer: None,
                client_ip: Some("local".into()),
            }
        }
    };
    let media = FolderMedia::new(
        args.media_dir
            .clone()
            .unwrap_or_else(|| config.data_dir.join("blobs")),
    );
    let signers: Vec<&dyn Signer> = keys.signers.iter().map(|s| s.as_ref()).collect();
    let signing = LogSigning {
        origin: &keys.origin,
        signers: &signers,
        verifier_keys: &keys.verifier_keys,
    };
    let options = ExportOptions {
        retention: args.retention.clone(),
        media: if args.require_media {
            MediaPolicy::Require
        } else {
            MediaPolicy::AllowExternal
        },
    };
    let case_file = prepare(&services, &ctx, &case_id, &signing, &media, &options).await?;
    let partial = {
        let mut name = args.out.clone().into_os_string();
        name.push(".partial");
        PathBuf::from(name)
    };
    let written = (|| -> anyhow::Result<()> {
        let file = std::fs::File::create(&partial)
            .with_context(|| format!("创建 {}", partial.display()))?;
        let mut out = case_file.write(std::io::BufWriter::new(file), &media)?;
        out.flush()?;
        out.into_inner()
            .map_err(|err| err.into_error())?
            .sync_all()?;
        std::fs::rename(&partial, &args.out)?;
        Ok(())
    })();
    if let Err(err) = written {
        let _ = std::fs::remove_file(&partial);
        opened.store.close().await;
        return Err(err);
    }
    let summary = case_file.summary();
    println!(
        "已导出案卷 {}（案号 {}）到 {}：记录 {} 件（内容未随卷 {} 件），媒体文件 {} 个 {} 字节，仅存储引用 {} 个，检查点大小 {}",
        summary.case_id,
        summary.case_number,
        args.out.display(),
        summary.records,
        summary.withheld,
        summary.media_files,
        summary.media_bytes,
        summary.external_media,
        summary.checkpoint_size
    );
    println!(
        "验证：liuhen verify {} --key <发布的公钥>",
        args.out.display()
    );
    opened.store.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let config = args.store.config("./liuhen-data")?;
    let opened = liuhen_web::serve::open(&config).await?;
    let mut stdout = std::io::stdout().lock();
    let mut offset = 0;
    'pages: loop {
        let page = opened
            .state
            .store
            .list_projections(&ProjectionQuery {
                kind: Some(ProjectionKind::Case),
                limit: 1000,
                offset,
                ..Default::default()
            })
            .await?;
        let n = page.len();
        for row in page {
            let view: CaseView = serde_json::from_value(row.data)?;
            // A closed pipe (`| head`) ends the listing quietly.
            if writeln!(
                stdout,
                "{}\t{}\t{}\t{}\t{}",
                view.id,
                view.case_number,
                view.status.code(),
                view.stage,
                view.title
            )
            .is_err()
            {
                break 'pages;
            }
        }
        if n < 1000 {
            break;
        }
        offset += 1000;
    }
    opened.store.close().await;
    Ok(ExitCode::SUCCESS)
}
