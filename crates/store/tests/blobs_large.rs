//! A 1 GiB upload generated on the fly and streamed through the local blob store (issue 6 "Upload
//! tests for … large (≥ 1 GiB, generated on the fly) files"): the hashes match an independent
//! computation and the process never holds the file in memory. Alone in its test binary so the
//! peak RSS (VmHWM) measures this upload only.

use liuhen_core::blobs::Blobs;
use liuhen_store::blobs::{LocalBlobs, PatternReader};
use sha2::{Digest, Sha256};

const GIB: u64 = 1 << 30;

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_gib_upload_is_streamed_with_bounded_memory() {
    let len = GIB + 1;
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::open(dir.path().join("blobs"), 2 * GIB).unwrap();
    let started = std::time::Instant::now();
    let info = blobs
        .put_stream(Box::pin(PatternReader::new(99, len)), u64::MAX)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(info.size, len);
    assert_eq!(blobs.size(&info.sha256).await.unwrap(), len);
    // Independent SHA-256 of the same stream, block by block.
    let pattern = PatternReader::new(99, len);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut pos = 0;
    while pos < len {
        let n = pattern.fill_at(pos, &mut buf);
        hasher.update(&buf[..n]);
        pos += n as u64;
    }
    assert_eq!(info.sha256, hex::encode(hasher.finalize()));
    let rss = peak_rss_kib();
    assert!(
        rss > 0 && rss < 100 * 1024,
        "peak RSS {rss} KiB for a 1 GiB upload"
    );
    eprintln!(
        "1 GiB ingest: {elapsed:?} ({:.0} MB/s), peak RSS {rss} KiB",
        len as f64 / 1e6 / elapsed.as_secs_f64()
    );
}
