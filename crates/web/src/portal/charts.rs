//! Hand-written SVG bar charts for the annual reports (D9; DESIGN.md "Stack": charts as SVG,
//! no JavaScript). Presentation attributes only (no `style`), so the strict CSP holds; labels
//! are escaped; every chart has a `<title>` and the page shows the same numbers as a table.

use std::fmt::Write as _;

const BAR_HEIGHT: u32 = 26;
const GAP: u32 = 10;
const LABEL_WIDTH: u32 = 200;
const BAR_WIDTH: u32 = 380;
const VALUE_WIDTH: u32 = 90;
/// Bar colours (blue, teal, ochre, purple, …): each ≥ 3:1 against white (WCAG 1.4.11).
const COLOURS: [&str; 6] = [
    "#0b4f8a", "#0f7466", "#8a5a00", "#6b3fa0", "#a4161a", "#3d5a80",
];

/// Escapes text for SVG/XML content and attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A horizontal bar chart of `(label, value)` rows; `format` renders a value for its label.
pub(crate) fn bar_chart(
    title: &str,
    rows: &[(String, u64)],
    format: impl Fn(u64) -> String,
) -> String {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let count = u32::try_from(rows.len()).unwrap_or(u32::MAX).max(1);
    let height = count * (BAR_HEIGHT + GAP) + GAP;
    let width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-label="{t}"><title>{t}</title>"#,
        t = escape(title)
    );
    if rows.is_empty() {
        let _ = write!(
            svg,
            r##"<text x="10" y="{}" font-size="14" fill="#4a4a4a">本年度无数据</text>"##,
            GAP + BAR_HEIGHT / 2 + 5
        );
    }
    for (i, (label, value)) in rows.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(0);
        let y = GAP + i * (BAR_HEIGHT + GAP);
        let w = ((u128::from(*value) * u128::from(BAR_WIDTH)) / u128::from(max)) as u32;
        let colour = COLOURS[(i as usize) % COLOURS.len()];
        let text_y = y + BAR_HEIGHT / 2 + 5;
        let _ = write!(
            svg,
            r##"<text x="{lx}" y="{text_y}" font-size="14" text-anchor="end" fill="#1a1a1a">{label}</text><rect x="{LABEL_WIDTH}" y="{y}" width="{w}" height="{BAR_HEIGHT}" fill="{colour}"><title>{label}：{value_text}</title></rect><text x="{vx}" y="{text_y}" font-size="14" fill="#1a1a1a">{value_text}</text>"##,
            lx = LABEL_WIDTH - 8,
            label = escape(label),
            vx = LABEL_WIDTH + w + 6,
            value_text = escape(&format(*value)),
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_escapes_labels_and_scales_bars_to_the_largest_value() {
        let svg = bar_chart(
            "案件<类别>",
            &[("罚款&警告".to_owned(), 4), ("没收".to_owned(), 2)],
            |v| v.to_string(),
        );
        assert!(svg.contains("案件&lt;类别&gt;"));
        assert!(svg.contains("罚款&amp;警告"));
        assert!(svg.contains(&format!(r#"width="{BAR_WIDTH}""#)));
        assert!(svg.contains(&format!(r#"width="{}""#, BAR_WIDTH / 2)));
        assert!(!svg.contains("style="), "no inline style under the CSP");
    }

    #[test]
    fn empty_chart_says_so_instead_of_dividing_by_zero() {
        let svg = bar_chart("空", &[], |v| v.to_string());
        assert!(svg.contains("本年度无数据"));
    }
}
