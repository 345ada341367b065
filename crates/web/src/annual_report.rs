//! The D9 annual report of a body (年度行政执法数据, 《薛城区行政执法信息公示办法》 D9-b): the
//! figures as charts (hand-written SVG, no JavaScript), as a Chinese text report and as a
//! self-contained HTML page. Used by `liuhen report annual` and available to the portal's
//! annual pages, so the public page, the printed report and the files sent to the district show
//! the same charts from one place.
//!
//! The bars come from the portal's chart renderer ([`crate::portal::charts`]): presentation
//! attributes only, labels escaped, a `<title>` per chart and per bar.
//!
//! ```
//! use liuhen_core::disclosure::annual::AnnualFigures;
//! let figures = AnnualFigures { year: 2024, fines_fen: 500_000, ..AnnualFigures::default() };
//! let charts = liuhen_web::annual_report::annual_charts(&figures);
//! assert!(charts.iter().all(|c| c.svg.starts_with("<svg")));
//! let text = liuhen_web::annual_report::render_text("薛城区市场监督管理局", &figures);
//! assert!(text.contains("罚款总额：5000.00元"));
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use liuhen_core::disclosure::action_label;
use liuhen_core::disclosure::annual::AnnualFigures;

use crate::portal::charts::{bar_chart, escape};

/// One chart of the annual report: its title, the data it shows (the accessible alternative,
/// shown as a table next to it) and the SVG document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualChart {
    /// Chinese title, e.g. `立案数（按执法行为类别）`.
    pub title: String,
    /// `(label, value)` rows, in display order.
    pub rows: Vec<(String, u64)>,
    /// A complete SVG document (`<svg xmlns=…>…</svg>`).
    pub svg: String,
}

/// Formats an amount in fen as yuan with two decimals (`5000.00元`).
pub fn yuan(fen: u64) -> String {
    format!("{}.{:02}元", fen / 100, fen % 100)
}

fn rows(map: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    map.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

fn action_rows(map: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    map.iter()
        .map(|(k, v)| (action_label(k).to_owned(), *v))
        .collect()
}

/// The data of every chart, titled, in report order (no SVG yet).
fn chart_data(f: &AnnualFigures) -> Vec<(&'static str, Vec<(String, u64)>)> {
    let pairs = |items: &[(&str, u64)]| -> Vec<(String, u64)> {
        items.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    };
    vec![
        ("立案数（按执法行为类别）", action_rows(&f.cases_by_action)),
        (
            "作出决定数（按执法行为类别）",
            action_rows(&f.decisions_by_action),
        ),
        ("决定结果", rows(&f.decisions_by_outcome)),
        ("行政处罚种类", rows(&f.penalties_by_kind)),
        (
            "行政许可",
            pairs(&[
                ("准予许可", f.permits_granted),
                ("不予许可", f.permits_refused),
            ]),
        ),
        ("检查结果", rows(&f.inspections_by_result)),
        (
            "法制审核",
            pairs(&[
                ("送审", f.reviews_submitted),
                ("同意", f.reviews_approved),
                ("存在问题", f.reviews_with_problems),
                ("提请负责人", f.reviews_escalated),
            ]),
        ),
        (
            "信息公示",
            pairs(&[
                ("按期公示", f.disclosures_on_time),
                ("逾期公示", f.disclosures_late),
                ("逾期未公示", f.disclosures_missed),
                ("不予公示", f.disclosures_restricted),
            ]),
        ),
        (
            "更正",
            pairs(&[
                ("自行更正", f.corrections_self),
                ("收到更正申请", f.correction_requests),
                ("申请已更正", f.correction_requests_corrected),
                ("申请不予更正", f.correction_requests_refused),
            ]),
        ),
        ("撤销、确认违法、责令重作", rows(&f.withdrawals_by_event)),
    ]
}

/// The charts of the annual report (D9-b), in report order. Each SVG is a complete document
/// that can be written to a `.svg` file or inlined into HTML (no `style` attributes, so a
/// strict CSP holds).
pub fn annual_charts(figures: &AnnualFigures) -> Vec<AnnualChart> {
    chart_data(figures)
        .into_iter()
        .map(|(title, rows)| AnnualChart {
            title: title.to_owned(),
            svg: bar_chart(title, &rows, |v| v.to_string()),
            rows,
        })
        .collect()
}

/// The `width` and `height` attributes of an SVG document's root element.
fn root_size(svg: &str) -> (u64, u64) {
    let root = svg.split('>').next().unwrap_or("");
    let attr = |name: &str| -> u64 {
        root.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (attr("width"), attr("height"))
}

/// All charts stacked in one SVG document under a heading, for a single file or for printing
/// to standard output (each chart is a nested `<svg>` placed with `x`/`y`, SVG 1.1 §5.1.2).
pub fn combined_svg(heading: &str, charts: &[AnnualChart]) -> String {
    const HEADING: u64 = 40;
    const CAPTION: u64 = 28;
    let mut body = String::new();
    let mut y = HEADING;
    let mut width = 0;
    for chart in charts {
        let (w, h) = root_size(&chart.svg);
        width = width.max(w);
        let _ = write!(
            body,
            r##"<text x="10" y="{}" font-size="16" font-weight="bold" fill="#1a1a1a">{}</text>"##,
            y + 20,
            escape(&chart.title)
        );
        y += CAPTION;
        let nested = chart
            .svg
            .replacen("<svg ", &format!(r#"<svg x="0" y="{y}" "#), 1);
        body.push_str(&nested);
        y += h + 12;
    }
    let width = width.max(400);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{y}" viewBox="0 0 {width} {y}" aria-label="{h}"><title>{h}</title><text x="10" y="26" font-size="20" font-weight="bold" fill="#1a1a1a">{h}</text>{body}</svg>"##,
        h = escape(heading)
    )
}

/// The totals shown above the charts.
pub fn totals(f: &AnnualFigures) -> Vec<(String, String)> {
    vec![
        (
            "立案总数".to_owned(),
            f.cases_by_action.values().sum::<u64>().to_string(),
        ),
        ("不予立案".to_owned(), f.cases_not_initiated.to_string()),
        ("结案".to_owned(), f.cases_closed.to_string()),
        ("罚款总额".to_owned(), yuan(f.fines_fen)),
        ("没收违法所得".to_owned(), yuan(f.confiscations_fen)),
        ("准予许可".to_owned(), f.permits_granted.to_string()),
        ("不予许可".to_owned(), f.permits_refused.to_string()),
        ("举行听证".to_owned(), f.hearings.to_string()),
    ]
}

/// The Chinese text report of one body's year: title, totals, then each chart's rows.
pub fn render_text(body_name: &str, f: &AnnualFigures) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{body_name}{}年度行政执法数据", f.year);
    let _ = writeln!(
        out,
        "（《薛城区行政执法信息公示办法》第九条；统计期间 {y}年1月1日至{y}年12月31日）",
        y = f.year
    );
    let _ = writeln!(out);
    for (label, value) in totals(f) {
        let _ = writeln!(out, "{label}：{value}");
    }
    for (title, rows) in chart_data(f) {
        let _ = writeln!(out);
        let _ = writeln!(out, "【{title}】");
        if rows.is_empty() {
            let _ = writeln!(out, "  本年度无数据");
        }
        for (label, value) in rows {
            let _ = writeln!(out, "  {label}：{value}");
        }
    }
    out
}

/// A self-contained HTML page of the report (charts inlined, each followed by its table), for
/// printing or sending to the district (D9-c).
pub fn render_html(body_name: &str, f: &AnnualFigures) -> String {
    let title = escape(&format!("{body_name}{}年度行政执法数据", f.year));
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><table>"
    );
    for (label, value) in totals(f) {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(&label),
            escape(&value)
        );
    }
    out.push_str("</table>");
    for chart in annual_charts(f) {
        let _ = write!(
            out,
            "<section><h2>{}</h2>{}<table>",
            escape(&chart.title),
            chart.svg
        );
        for (label, value) in &chart.rows {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{value}</td></tr>",
                escape(label)
            );
        }
        out.push_str("</table></section>");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> AnnualFigures {
        let mut f = AnnualFigures {
            year: 2024,
            fines_fen: 1_234_567,
            permits_granted: 3,
            ..AnnualFigures::default()
        };
        f.cases_by_action.insert("penalty".into(), 4);
        f.cases_by_action.insert("licensing".into(), 3);
        f
    }

    #[test]
    fn charts_label_action_codes_in_chinese_and_keep_the_numbers() {
        let charts = annual_charts(&figures());
        let cases = &charts[0];
        assert_eq!(cases.title, "立案数（按执法行为类别）");
        assert_eq!(
            cases.rows,
            vec![("行政许可".to_owned(), 3), ("行政处罚".to_owned(), 4)]
        );
        assert!(cases.svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(charts.iter().all(|c| !c.svg.contains("style=")));
    }

    #[test]
    fn text_report_shows_totals_in_yuan_and_says_when_a_chart_is_empty() {
        let text = render_text("某局", &figures());
        assert!(text.starts_with("某局2024年度行政执法数据"), "{text}");
        assert!(text.contains("立案总数：7"), "{text}");
        assert!(text.contains("罚款总额：12345.67元"), "{text}");
        assert!(text.contains("【检查结果】\n  本年度无数据"), "{text}");
    }

    #[test]
    fn combined_svg_stacks_every_chart_below_the_previous_one() {
        let charts = annual_charts(&figures());
        let svg = combined_svg("某局2024年度", &charts);
        assert_eq!(svg.matches("<svg").count(), charts.len() + 1);
        let (_, total) = root_size(&svg);
        let sum: u64 = charts.iter().map(|c| root_size(&c.svg).1).sum();
        assert!(total > sum, "{total} > {sum}");
        assert_eq!(root_size(&charts[0].svg).0, 670);
    }

    #[test]
    fn html_report_escapes_the_body_name() {
        let html = render_html("<某局>", &figures());
        assert!(html.contains("&lt;某局&gt;2024年度"));
        assert!(!html.contains("<某局>"));
    }
}
