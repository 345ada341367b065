//! `liuhen evidence add` on the demo district: bulk import from an SD-card-like folder (hidden
//! files skipped, media type sniffed from content), R27-a refusals named per file with a non-zero
//! exit, and `liuhen evidence bench` printing its JSON (issue 6 items 1, 2 and the numbers).

use std::path::Path;
use std::process::{Command, Output};

use liuhen_core::ports::{ProjectionKind, ProjectionQuery, Store};
use liuhen_store::sql_store::SqlStore;
use serde_json::Value;

fn liuhen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(args)
        .output()
        .expect("run liuhen")
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

async fn open_case_of(dir: &Path, body: &str) -> String {
    let store = SqlStore::open_data_dir(dir).await.unwrap();
    let rows = store
        .list_projections(&ProjectionQuery {
            kind: Some(ProjectionKind::Case),
            status: Some("open".into()),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    rows.into_iter()
        .find(|row| row.body.as_ref().map(|b| b.as_str()) == Some(body))
        .map(|row| row.id)
        .expect("an open case in the demo body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_import_from_a_folder_links_each_file_and_names_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_str = data.to_str().unwrap();
    let demo = liuhen(&["demo", "--no-serve", "--data-dir", data_str]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let case = open_case_of(&data, "xc-scjgj").await;
    let card = tmp.path().join("sd");
    let media = card.join("DCIM/100MEDIA");
    std::fs::create_dir_all(&media).unwrap();
    let mut mp4 = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    mp4.extend((0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    std::fs::write(media.join("FILE0001.MP4"), &mp4).unwrap();
    // PNG bytes behind a video name: stored as image/png, recorded as 照片.
    std::fs::write(
        media.join("FILE0002.MP4"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0",
    )
    .unwrap();
    std::fs::write(card.join(".Trashes"), b"hidden").unwrap();
    let card_str = card.to_str().unwrap();
    let common = [
        "evidence",
        "add",
        "--data-dir",
        data_str,
        "--case",
        &case,
        "--user",
        "scjg-officer1",
        "--dir",
        card_str,
        "--maker",
        "scjg-o1",
        "--maker",
        "scjg-o2",
    ];
    let mut args: Vec<&str> = common.to_vec();
    args.extend(["--method", "执法记录仪连续录像", "--proves", "现场检查情况"]);
    let output = liuhen(&args);
    let results = lines(&output);
    assert!(
        output.status.success(),
        "{results:?}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(results.len(), 2, "hidden files are skipped: {results:?}");
    assert_eq!(results[0]["media_type"], "video/mp4");
    assert_eq!(results[1]["media_type"], "image/png");
    for result in &results {
        let sha = result["sha256"].as_str().unwrap();
        let blob = data
            .join("blobs")
            .join(&sha[0..2])
            .join(&sha[2..4])
            .join(sha);
        assert!(blob.is_file(), "{}", blob.display());
        assert_eq!(result["storage"]["late_working_days"], 0);
    }
    // Without 记录制作方法 and 证明对象 every file is refused, naming R27-a; exit code 1.
    let output = liuhen(&common);
    assert!(!output.status.success());
    let results = lines(&output);
    assert_eq!(results.len(), 2);
    for result in &results {
        assert_eq!(result["ok"], false);
        assert!(
            result["error"].as_str().unwrap().contains("R27-a"),
            "{result}"
        );
    }
}

#[test]
fn bench_prints_throughput_ratio_and_peak_rss() {
    let tmp = tempfile::tempdir().unwrap();
    let output = liuhen(&[
        "evidence",
        "bench",
        "--size",
        "4MiB",
        "--runs",
        "1",
        "--dir",
        tmp.path().to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["size_bytes"], 4 << 20);
    assert!(report["ingest_mb_per_s_median"].as_f64().unwrap() > 0.0);
    assert!(report["peak_rss_kib"].as_u64().unwrap() > 0);
    // Where openssl has SM3, its digest of the same file equals ours.
    if !report["openssl_sm3_agrees"].is_null() {
        assert_eq!(report["openssl_sm3_agrees"], true);
    }
}
