//! `liuhen bench portal`, run tiny on a data folder: the JSON report has its shape and no
//! errors, and the portal's search index lives in `<data dir>/search` as `liuhen serve` opens
//! it — reused by the next run, rebuilt from the published items when deleted or damaged
//! (issue 8; D11-b).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn bench(data_dir: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(["bench", "portal", "--data-dir"])
        .arg(data_dir)
        .args(["--items", "20", "--requests", "200", "--connections", "8"])
        .output()
        .expect("run liuhen");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object on stdout")
}

fn check_report(report: &Value) {
    assert_eq!(report["bench"], "portal");
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["requests"], 200, "{report}");
    assert_eq!(report["published_items"], 20, "{report}");
    assert!(report["requests_per_s"].as_f64().unwrap() > 0.0);
    for kind in ["item", "search"] {
        let page = &report[kind];
        assert!(page["requests"].as_u64().unwrap() > 50, "{report}");
        let p50 = page["p50_ms"].as_f64().unwrap();
        let p99 = page["p99_ms"].as_f64().unwrap();
        assert!(0.0 < p50 && p50 <= p99, "{report}");
    }
}

#[test]
fn bench_portal_reports_both_page_kinds_and_reuses_the_index_of_the_data_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");

    let first = bench(&data);
    check_report(&first);
    assert_eq!(first["generated_items"], 20);
    let index = &first["search_index"];
    assert_eq!(index["dir"], data.join("search").display().to_string());
    assert_eq!(index["position_at_open"], 0, "a new folder starts empty");
    assert_eq!(index["items_reindexed"], 20);

    // A restart reuses the index: it opens at the log position it reflects, re-reads nothing.
    let second = bench(&data);
    check_report(&second);
    assert_eq!(second["generated_items"], 0);
    assert!(second["search_index"]["position_at_open"].as_u64().unwrap() > 0);
    assert_eq!(second["search_index"]["items_reindexed"], 0);
    assert_eq!(second["search_index"]["rebuilt_folder"], false);

    // A damaged index is rebuilt from the published items.
    std::fs::write(data.join("search/meta.json"), b"not json").unwrap();
    let third = bench(&data);
    check_report(&third);
    assert_eq!(third["search_index"]["rebuilt_folder"], true);
    assert_eq!(third["search_index"]["items_reindexed"], 20);

    // So is a missing one.
    std::fs::remove_dir_all(data.join("search")).unwrap();
    let fourth = bench(&data);
    check_report(&fourth);
    assert_eq!(fourth["search_index"]["position_at_open"], 0);
    assert_eq!(fourth["search_index"]["items_reindexed"], 20);
}
