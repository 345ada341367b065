//! `liuhen evidence`: bulk import of evidence files (an SD card or a folder) into a case, and
//! the ingest benchmark (issue 6 items 1–2; docs/evidence.md).
//!
//! `add` streams every file through the same service calls as the HTTP API
//! (`Services::upload_evidence` then `Services::add_evidence`), so the same rules apply (scope,
//! roles, R3-c / R27-a fields, R28-a flag), and prints one JSON line per file. A file that is
//! refused does not stop the others; the exit code is non-zero when any file failed.
//!
//! `bench` measures ingest through the `Blobs` port (hash SHA-256 + SM3, write, fsync, rename) of
//! a generated file against `openssl dgst -sm3` on the same file, and the process's peak RSS.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};
use liuhen_core::blobs::{BlobReader, Blobs, DEFAULT_BLOB_LIMIT};
use liuhen_core::ids::{CaseId, OfficerId, UserId};
use liuhen_core::service::evidence::{AvMetadata, EvidenceInput};
use liuhen_store::blobs::{LocalBlobs, PatternReader};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::serve::ServeArgs;

/// `liuhen evidence …`
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Import files (or every file under a folder) as evidence records of a case.
    Add(Box<AddArgs>),
    /// Ingest throughput of the blob store vs `openssl dgst -sm3`, and peak RSS (JSON).
    Bench(BenchArgs),
}

/// Arguments of `liuhen evidence add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    #[command(flatten)]
    store: ServeArgs,
    /// Blob folder (default: `<data dir>/blobs`).
    #[arg(long)]
    blobs_dir: Option<PathBuf>,
    /// Case id.
    #[arg(long = "case")]
    case_id: String,
    /// The importing user (an officer of the case's body).
    #[arg(long)]
    user: String,
    /// Import every regular file under this folder (recursively, sorted; hidden files and
    /// symbolic links are skipped).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Files to import.
    files: Vec<PathBuf>,
    /// Record type: `av_record` (音像记录) or a text type of the rule set.
    #[arg(long, default_value = "av_record")]
    record_type: String,
    /// 记录制作方法 (R27-a), e.g. 执法记录仪连续录像.
    #[arg(long)]
    method: Option<String>,
    /// 制作人 (R27-a): officer id; repeat for several.
    #[arg(long = "maker")]
    makers: Vec<String>,
    /// 证明对象 (R27-a).
    #[arg(long)]
    proves: Option<String>,
    /// 记录设备类型 (R3-c).
    #[arg(long, default_value = "执法记录仪")]
    device_type: String,
    /// 媒体类型 (R3-c: 照片/录音/录像/视频); derived from the content when absent.
    #[arg(long)]
    media_type: Option<String>,
    /// 记录设备编号 (R6-a).
    #[arg(long)]
    device_id: Option<String>,
    /// 拍摄位置 (lat,lon).
    #[arg(long)]
    gps: Option<String>,
    /// Recording start (RFC 3339, e.g. 2024-10-08T14:00:00+08:00); default: the file's mtime.
    #[arg(long)]
    start: Option<String>,
    /// Recording end (RFC 3339); default: the file's modification time.
    #[arg(long)]
    end: Option<String>,
    /// Extra record fields as a JSON object (e.g. text evidence fields, confidentiality).
    #[arg(long)]
    data: Option<String>,
    /// Size limit per file in bytes.
    #[arg(long, default_value_t = DEFAULT_BLOB_LIMIT)]
    limit: u64,
}

/// Arguments of `liuhen evidence bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// File size: bytes or with a unit (KiB, MiB, GiB).
    #[arg(long, default_value = "1GiB")]
    size: String,
    /// Runs (the median is reported).
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Working folder (default: a temp dir under the system temp folder).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// Runs `liuhen evidence …`.
pub fn run(command: EvidenceCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("tokio runtime")?;
    match command {
        EvidenceCommand::Add(args) => runtime.block_on(add(*args)),
        EvidenceCommand::Bench(args) => runtime.block_on(bench(args)),
    }
}

fn parse_time(text: &str, what: &str) -> anyhow::Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .with_context(|| format!("--{what} 须为 RFC 3339 时间，例如 2024-10-08T14:00:00+08:00"))
}

/// Regular files under `dir`, recursively, sorted; hidden entries and symlinks skipped.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("读取目录 {}", dir.display()))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            continue;
        } else if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

async fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let mut files = args.files.clone();
    if let Some(dir) = &args.dir {
        walk(dir, &mut files)?;
    }
    if files.is_empty() {
        bail!("没有要导入的文件（给出文件或 --dir）");
    }
    let extra: Map<String, Value> = match &args.data {
        Some(text) => serde_json::from_str(text).context("--data 须为 JSON 对象")?,
        None => Map::new(),
    };
    let start = args
        .start
        .as_deref()
        .map(|t| parse_time(t, "start"))
        .transpose()?;
    let end = args
        .end
        .as_deref()
        .map(|t| parse_time(t, "end"))
        .transpose()?;
    let makers = args
        .makers
        .iter()
        .map(|m| OfficerId::new(m.clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let config = args.store.config("./liuhen-data")?;
    let blobs_dir = args
        .blobs_dir
        .clone()
        .unwrap_or_else(|| config.data_dir.join("blobs"));
    let opened = liuhen_web::serve::open(&config).await?;
    let blobs = LocalBlobs::open(&blobs_dir, args.limit)?;
    let services = (*opened.state.services).clone().with_blobs(Arc::new(blobs));
    let ctx = services
        .context_for(&UserId::new(args.user.clone())?, None)
        .await?;
    let case_id = CaseId::new(args.case_id.clone())?;
    let mut failed = 0usize;
    for path in &files {
        let outcome: anyhow::Result<Value> = async {
            let file = tokio::fs::File::open(path)
                .await
                .with_context(|| format!("打开 {}", path.display()))?;
            let modified: OffsetDateTime = file
                .metadata()
                .await?
                .modified()
                .map(OffsetDateTime::from)
                .unwrap_or_else(|_| services.now())
                .to_offset(liuhen_core::CHINA_OFFSET);
            let reader: BlobReader = Box::pin(file);
            let blob = services
                .upload_evidence(&ctx, &case_id, reader, args.limit)
                .await?;
            let av = (args.record_type == "av_record").then(|| AvMetadata {
                media_type: args.media_type.clone(),
                device_type: args.device_type.clone(),
                method: args.method.clone().unwrap_or_default(),
                makers: makers.clone(),
                proof_object: args.proves.clone().unwrap_or_default(),
                proof_refs: Vec::new(),
                device_id: args.device_id.clone(),
                gps: args.gps.clone(),
                venue_id: None,
                clock_offset_seconds: None,
            });
            let event_end = end.unwrap_or(modified);
            let input = EvidenceInput {
                record_type: args.record_type.clone(),
                blob: blob.clone(),
                file_name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                event_time: start.unwrap_or(event_end),
                event_end: Some(event_end),
                av,
                data: extra.clone(),
            };
            let receipt = services.add_evidence(&ctx, &case_id, input).await?;
            Ok(json!({
                "file": path.display().to_string(),
                "ok": true,
                "seq": receipt.receipt.seq.0,
                "log_index": receipt.receipt.log_index.0,
                "sha256": blob.sha256,
                "sm3": blob.sm3,
                "size": blob.size,
                "media_type": blob.media_type,
                "deduplicated": blob.deduplicated,
                "already_linked": receipt.already_linked.iter().map(|s| s.0).collect::<Vec<_>>(),
                "storage": receipt.storage.map(|s| json!({
                    "due": s.due.to_string(),
                    "stored_on": s.stored_on.to_string(),
                    "late_working_days": s.late_working_days,
                    "label": s.label_zh(),
                })),
                "transcript_required": receipt.transcript_required,
            }))
        }
        .await;
        match outcome {
            Ok(line) => println!("{line}"),
            Err(err) => {
                failed += 1;
                println!(
                    "{}",
                    json!({"file": path.display().to_string(), "ok": false, "error": format!("{err:#}")})
                );
            }
        }
    }
    eprintln!("导入 {} 个文件，失败 {failed} 个", files.len());
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Parses `1GiB`, `64MiB`, `512KiB`, `1000`.
fn parse_size(text: &str) -> anyhow::Result<u64> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, ""), |at| text.split_at(at));
    let n: u64 = number
        .parse()
        .with_context(|| format!("大小无效：{text}"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kib" | "k" => 1 << 10,
        "mib" | "m" => 1 << 20,
        "gib" | "g" => 1 << 30,
        other => bail!("未知单位：{other}（可用 KiB、MiB、GiB）"),
    };
    n.checked_mul(factor).context("大小溢出")
}

/// Peak resident set size of this process in KiB (`VmHWM` of /proc/self/status), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

async fn bench(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let size = parse_size(&args.size)?;
    if args.runs == 0 {
        bail!("--runs 须大于 0");
    }
    let work = match &args.dir {
        Some(dir) => tempfile::Builder::new()
            .prefix("liuhen-evidence-bench")
            .tempdir_in(dir)?,
        None => tempfile::Builder::new()
            .prefix("liuhen-evidence-bench")
            .tempdir()?,
    };
    // The input file, generated and written in chunks (never held in memory).
    let input = work.path().join("input.bin");
    {
        let mut reader = PatternReader::new(2024, size);
        let mut file = tokio::fs::File::create(&input).await?;
        tokio::io::copy(&mut reader, &mut file).await?;
        file.sync_all().await?;
    }
    let mut ingest_secs = Vec::new();
    let mut info = None;
    for run in 0..args.runs {
        let root = work.path().join(format!("blobs-{run}"));
        let blobs = LocalBlobs::open(&root, u64::MAX)?;
        let file = tokio::fs::File::open(&input).await?;
        let started = Instant::now();
        let stored = blobs.put_stream(Box::pin(file), u64::MAX).await?;
        ingest_secs.push(started.elapsed().as_secs_f64());
        std::fs::remove_dir_all(&root).ok();
        info = Some(stored);
    }
    let info = info.context("no run")?;
    let mut openssl_secs = Vec::new();
    let mut openssl_sm3 = None;
    for _ in 0..args.runs {
        let started = Instant::now();
        let output = match std::process::Command::new("openssl")
            .args(["dgst", "-sm3", "-r"])
            .arg(&input)
            .output()
        {
            Ok(output) if output.status.success() => output,
            _ => break, // no openssl, or no SM3 in it
        };
        openssl_secs.push(started.elapsed().as_secs_f64());
        openssl_sm3 = String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .next()
            .map(str::to_owned);
    }
    let mb = size as f64 / 1e6;
    let ingest = median(&mut ingest_secs.clone());
    let ingest_mb_s = mb / ingest;
    let openssl = (!openssl_secs.is_empty()).then(|| median(&mut openssl_secs.clone()));
    let report = json!({
        "bench": "evidence_ingest",
        "size_bytes": size,
        "runs": args.runs,
        "ingest_seconds": ingest_secs,
        "ingest_mb_per_s_median": ingest_mb_s,
        "openssl_sm3_seconds": openssl_secs,
        "openssl_sm3_mb_per_s_median": openssl.map(|s| mb / s),
        "ratio_ingest_to_openssl": openssl.map(|s| s / ingest),
        "sm3": info.sm3,
        "sha256": info.sha256,
        "openssl_sm3_agrees": openssl_sm3.map(|h| h == info.sm3),
        "peak_rss_kib": peak_rss_kib(),
        "note": "ingest = read file + SHA-256 + SM3 (two worker threads) + write + fsync + rename; MB = 10^6 bytes",
    });
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        let check = |text: &str, expect: Option<u64>| {
            assert_eq!(parse_size(text).ok(), expect, "{text}");
        };
        check("1GiB", Some(1 << 30));
        check("64MiB", Some(64 << 20));
        check("512KiB", Some(512 << 10));
        check("1000", Some(1000));
        check("1TB", None);
        check("GiB", None);
    }
}
