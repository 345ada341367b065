//! Export and verify time of a case file (issue 6 "Tests and numbers": a case with 1,000 records
//! and 2 GiB of media). Builds the case through `Services` on a `MemoryStore`, writes the media
//! as files of pseudo-random bytes into a temporary blob folder, then times `prepare` + `write`
//! to a file and `verify_package` from the file, and prints JSON with medians.
//!
//! Run: `cargo bench -p liuhen-casefile` (release profile). Scale with the environment:
//! `CASEFILE_BENCH_RECORDS` (1000), `CASEFILE_BENCH_MEDIA_MIB` (2048), `CASEFILE_BENCH_FILES`
//! (16), `CASEFILE_BENCH_RUNS` (3).

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

use std::io::{BufReader, BufWriter, Write};
use std::time::Instant;

use liuhen_casefile::digest::DualHasher;
use liuhen_casefile::verify::{Limits, verify_package};
use liuhen_casefile::write::{ExportOptions, FolderMedia, LogSigning, prepare};
use liuhen_core::record::FileRef;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Writes `size` pseudo-random bytes (xorshift64, so nothing compresses and nothing is cached
/// by content) to `<root>/<sha256>` and returns its reference.
fn write_media(root: &std::path::Path, idx: u64, size: u64) -> FileRef {
    let tmp = root.join(format!("tmp-{idx}"));
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp).unwrap());
    let mut hasher = DualHasher::new();
    let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ (idx + 1);
    let mut chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        for word in chunk.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        let n = left.min(chunk.len() as u64) as usize;
        hasher.update(&chunk[..n]);
        out.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    out.flush().unwrap();
    drop(out);
    let digest = hasher.finish();
    std::fs::rename(&tmp, root.join(&digest.sha256)).unwrap();
    FileRef {
        name: format!("执法记录仪-{idx:03}.mp4"),
        media_type: "video/mp4".into(),
        size: digest.size,
        sha256: digest.sha256,
        sm3: digest.sm3,
    }
}

fn main() {
    let records = env("CASEFILE_BENCH_RECORDS", 1000);
    let media_mib = env("CASEFILE_BENCH_MEDIA_MIB", 2048);
    let files = env("CASEFILE_BENCH_FILES", 16).max(1);
    let runs = env("CASEFILE_BENCH_RUNS", 3).max(1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let blob_root = tmp.path().join("blobs");
    std::fs::create_dir_all(&blob_root).unwrap();
    let setup = Instant::now();
    let file_size = media_mib * (1 << 20) / files;
    let refs: Vec<FileRef> = (0..files)
        .map(|idx| write_media(&blob_root, idx, file_size))
        .collect();
    let media = FolderMedia::new(&blob_root);

    runtime.block_on(async {
        let district = support::common::district().await;
        let mut walker = support::common::Walker::new(&district, "penalty_ordinary");
        let start = walker.procedure.start[0].clone();
        walker.open(&start).await.unwrap();
        let spec = walker.spec("av_record");
        for idx in 1..records {
            let mut input = walker.input("av_record").await;
            if let Some(file) = refs.get(idx as usize - 1) {
                input.files = vec![file.clone()];
            }
            walker.add_input(&spec, input).await.unwrap();
        }
        let case_id = walker.case_id.clone().unwrap();
        let setup_s = setup.elapsed().as_secs_f64();
        let ctx = district.ctx("arch").await;
        let signer = support::signer();
        let verifier_key = signer.verifier_key();
        let signing = LogSigning {
            origin: support::ORIGIN,
            signers: &[&signer],
            verifier_keys: std::slice::from_ref(&verifier_key),
        };
        let package = tmp.path().join("case.zip");
        let mut export_s = Vec::new();
        let mut prepare_s = Vec::new();
        let mut verify_s = Vec::new();
        let mut package_bytes = 0;
        let mut report_records = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let case_file = prepare(
                &district.services,
                &ctx,
                &case_id,
                &signing,
                &media,
                &ExportOptions::default(),
            )
            .await
            .unwrap();
            prepare_s.push(started.elapsed().as_secs_f64());
            let out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&package).unwrap());
            let mut out = case_file.write(out, &media).unwrap();
            out.flush().unwrap();
            export_s.push(started.elapsed().as_secs_f64());
            package_bytes = std::fs::metadata(&package).unwrap().len();

            let started = Instant::now();
            let reader = BufReader::with_capacity(1 << 20, std::fs::File::open(&package).unwrap());
            let report = verify_package(reader, &support::trusted(), &Limits::default());
            verify_s.push(started.elapsed().as_secs_f64());
            assert!(report.ok(), "{}", report.render_text());
            report_records = report.records;
        }
        let mib = package_bytes as f64 / f64::from(1 << 20);
        let export = median(export_s);
        let verify = median(verify_s);
        println!(
            "{}",
            serde_json::json!({
                "bench": "casefile",
                "records": report_records,
                "media_files": files,
                "media_bytes": file_size * files,
                "package_bytes": package_bytes,
                "runs": runs,
                "setup_s": setup_s,
                "prepare_s_median": median(prepare_s),
                "export_s_median": export,
                "verify_s_median": verify,
                "export_mib_per_s": mib / export,
                "verify_mib_per_s": mib / verify,
            })
        );
    });
}
