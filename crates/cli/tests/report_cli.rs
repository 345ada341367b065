//! `liuhen report annual` on a data folder made by `liuhen demo --no-serve` (SQLite): the
//! Chinese text report, JSON figures that count the demo's cases, the files of `--out`
//! (text, HTML, JSON, one SVG per chart), and `--draft`, which needs a user with the collect
//! permission (D5-b) and drafts the D9 item due 31 January of the next year (issue 8 item 5).

use std::process::{Command, Output};

fn liuhen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(args)
        .output()
        .expect("run liuhen")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Sum of the cases initiated in `year` over every body, from the JSON output.
fn cases_in(data_dir: &str, year: i32) -> u64 {
    let year = year.to_string();
    let out = liuhen(&[
        "report",
        "annual",
        "--year",
        &year,
        "--data-dir",
        data_dir,
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let reports: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let reports = reports.as_array().expect("one entry per body");
    assert!(reports.len() >= 2, "every enforcement body is reported");
    reports
        .iter()
        .flat_map(|r| {
            r["figures"]["cases_by_action"]
                .as_object()
                .into_iter()
                .flat_map(|m| m.values().filter_map(serde_json::Value::as_u64))
        })
        .sum()
}

#[test]
fn annual_report_of_the_demo_counts_its_cases_writes_charts_and_drafts_the_item() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_dir = data.to_str().unwrap();
    let demo = liuhen(&["demo", "--no-serve", "--data-dir", data_dir]);
    assert!(demo.status.success(), "{}", text(&demo));

    // The demo back-dates its cases from today: they fall in this year or, early in January,
    // partly in the last.
    let this_year = time::OffsetDateTime::now_utc().year();
    let year = if cases_in(data_dir, this_year) > 0 {
        this_year
    } else {
        this_year - 1
    };
    assert!(cases_in(data_dir, year) > 0, "the demo's cases are counted");
    assert_eq!(cases_in(data_dir, 1990), 0, "nothing before the platform");

    let y = year.to_string();
    let report = liuhen(&[
        "report",
        "annual",
        "--year",
        &y,
        "--body",
        "xc-scjgj",
        "--data-dir",
        data_dir,
    ]);
    assert!(report.status.success(), "{}", text(&report));
    let report_text = String::from_utf8(report.stdout).unwrap();
    for expected in [
        format!("薛城区市场监督管理局{year}年度行政执法数据"),
        "立案总数：".to_owned(),
        "【行政处罚种类】".to_owned(),
        "【信息公示】".to_owned(),
    ] {
        assert!(
            report_text.contains(&expected),
            "{expected} in {report_text}"
        );
    }

    let out = tmp.path().join("out");
    let written = liuhen(&[
        "report",
        "annual",
        "--year",
        &y,
        "--body",
        "xc-scjgj",
        "--data-dir",
        data_dir,
        "--format",
        "svg",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(written.status.success(), "{}", text(&written));
    let stacked = String::from_utf8(written.stdout).unwrap();
    assert!(stacked.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    let dir = out.join(format!("xc-scjgj-{year}"));
    let file_text = std::fs::read_to_string(dir.join("report.txt")).unwrap();
    assert_eq!(file_text, report_text, "the file is the printed report");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.contains("<svg") && html.contains("<table>"));
    let figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("figures.json")).unwrap()).unwrap();
    assert_eq!(figures["body"], "xc-scjgj");
    let charts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".svg"))
        .collect();
    assert_eq!(charts.len(), 10);
    for chart in charts {
        let svg = std::fs::read_to_string(chart.path()).unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
        assert!(!svg.contains("style="));
    }

    let unknown = liuhen(&[
        "report",
        "annual",
        "--year",
        &y,
        "--body",
        "xc-none",
        "--data-dir",
        data_dir,
    ]);
    assert!(!unknown.status.success());
    assert!(text(&unknown).contains("xc-none"), "{}", text(&unknown));

    // Drafting needs a user: the D5-b permission is personal.
    let anonymous = liuhen(&[
        "report",
        "annual",
        "--year",
        &y,
        "--body",
        "xc-scjgj",
        "--data-dir",
        data_dir,
        "--draft",
    ]);
    assert!(!anonymous.status.success());
    assert!(text(&anonymous).contains("D5-b"), "{}", text(&anonymous));
    let no_permission = liuhen(&[
        "report",
        "annual",
        "--year",
        &y,
        "--body",
        "xc-scjgj",
        "--data-dir",
        data_dir,
        "--draft",
        "--user",
        "scjg-reviewer",
    ]);
    assert!(!no_permission.status.success());
    assert!(
        text(&no_permission).contains("D5-b"),
        "{}",
        text(&no_permission)
    );
    // The demo grants the collect permission to each body's second officer.
    let drafted = liuhen(&[
        "report",
        "annual",
        "--year",
        &y,
        "--body",
        "xc-scjgj",
        "--data-dir",
        data_dir,
        "--draft",
        "--user",
        "scjg-officer2",
    ]);
    assert!(drafted.status.success(), "{}", text(&drafted));
    let message = String::from_utf8(drafted.stderr).unwrap();
    assert!(
        message.contains("已起草公示信息 d-") && message.contains("待采集"),
        "{message}"
    );
    assert!(
        message.contains(&format!("公示期限 {}-0", year + 1)),
        "due in the next year (D9-a): {message}"
    );
}
