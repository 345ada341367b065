//! Open data (issue 8 item 6; D11-c): published items as paged JSON, an Atom feed (RFC 4287),
//! and CSV/XLSX in the 双公示 layout for 行政处罚 and 行政许可 (`docs/formats/open-data.md`).
//! Everything comes from the frozen, masked public version of each item.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use liuhen_core::disclosure::ItemKind;
use liuhen_core::ids::BodyId;
use liuhen_core::service::disclosure::{PublicFilter, PublicItem};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::Date;

use super::charts::escape;
use super::pages::{all_bodies, base_url, cn_date};
use super::search_sync::{field_text, kind_code, parse_cn_date};
use super::view;
use super::{PageError, PortalState, html};
use crate::error::ApiError;

/// Default and largest page sizes of `items.json`.
const DEFAULT_PER_PAGE: u32 = 100;
const MAX_PER_PAGE: u32 = 1000;
/// Entries in the Atom feed.
const FEED_ENTRIES: usize = 50;

/// `GET /open-data`: what is offered.
pub(crate) async fn index(State(state): State<PortalState>) -> Result<Html<String>, PageError> {
    let bodies = all_bodies(&state.app).await?;
    html(&view::OpenData {
        bodies: bodies
            .iter()
            .map(|b| view::BodyRow {
                id: b.id.to_string(),
                name: b.profile.name.clone(),
                kind_label: String::new(),
            })
            .collect(),
    })
}

/// Query of `items.json`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ItemsQuery {
    /// Page, from 1.
    page: Option<u32>,
    /// Items per page (1–1000, default 100).
    per_page: Option<u32>,
    /// Body id.
    body: Option<String>,
    /// Kind code (`decision`, `inspection_result`, …).
    kind: Option<String>,
    /// Published on or after (YYYY-MM-DD).
    from: Option<String>,
    /// Published on or before (YYYY-MM-DD).
    to: Option<String>,
}

/// One item of `items.json`.
#[derive(Debug, Serialize)]
struct ItemDto {
    id: String,
    /// Stable URL (D11-b).
    url: String,
    body: String,
    body_name: String,
    kind: String,
    kind_label: String,
    title: String,
    version: u32,
    /// First publication date (YYYY-MM-DD).
    first_published_on: String,
    /// Last-modified date (D11-c, YYYY-MM-DD): the latest of the current version's date and
    /// the notes.
    last_modified: String,
    /// Notes (已更正 / 已撤下) with date and text.
    notes: Vec<NoteDto>,
    /// The published content fields (masked); `null` once withdrawn (D14-a).
    fields: Option<Value>,
}

/// A public note of `items.json`.
#[derive(Debug, Serialize)]
struct NoteDto {
    /// 已更正 or 已撤下.
    label: String,
    /// YYYY-MM-DD.
    date: String,
    /// The text shown on the item page.
    text: String,
}

/// A page of `items.json`.
#[derive(Debug, Serialize)]
struct ItemsPage {
    page: u32,
    per_page: u32,
    items: Vec<ItemDto>,
    /// URL of the next page, when this one is full.
    next: Option<String>,
}

fn last_modified(item: &PublicItem) -> Date {
    item.notes
        .iter()
        .map(|n| n.date)
        .chain(std::iter::once(item.published_on))
        .max()
        .unwrap_or(item.published_on)
}

fn body_name(item: &PublicItem) -> String {
    item.content
        .as_ref()
        .and_then(|c| c.get("body_name"))
        .and_then(Value::as_str)
        .unwrap_or(item.body.as_str())
        .to_owned()
}

fn parse_date(field: &str, text: Option<&str>) -> Result<Option<Date>, ApiError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(Some)
        .map_err(|_| ApiError::Invalid {
            field: field.to_owned(),
            reason: "日期格式应为 YYYY-MM-DD".to_owned(),
        }),
    }
}

/// `GET /open-data/items.json`: published items, paged and filterable (D11-c).
pub(crate) async fn items_json(
    State(state): State<PortalState>,
    query: Result<Query<ItemsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let per_page = query
        .per_page
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let page = query.page.unwrap_or(1).max(1);
    let body = match query
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        None => None,
        Some(text) => Some(BodyId::new(text).map_err(|_| ApiError::Invalid {
            field: "body".to_owned(),
            reason: "执法主体编号无效".to_owned(),
        })?),
    };
    let kind = match query
        .kind
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        None => None,
        Some(code) => Some(ItemKind::from_code(code).ok_or_else(|| ApiError::Invalid {
            field: "kind".to_owned(),
            reason: "信息类别无效".to_owned(),
        })?),
    };
    let filter = PublicFilter {
        body: body.clone(),
        kind,
        from: parse_date("from", query.from.as_deref())?,
        to: parse_date("to", query.to.as_deref())?,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
    };
    let items = state.app.services.published_items(&filter).await?;
    let full = items.len() == per_page as usize;
    let items: Vec<ItemDto> = items
        .iter()
        .map(|item| ItemDto {
            id: item.id.clone(),
            url: format!("/disclosure/{}", item.id),
            body: item.body.to_string(),
            body_name: body_name(item),
            kind: kind_code(item.kind),
            kind_label: item.kind_label.clone(),
            title: item.title.clone(),
            version: item.version,
            first_published_on: item.first_published_on.to_string(),
            last_modified: last_modified(item).to_string(),
            notes: item
                .notes
                .iter()
                .map(|n| NoteDto {
                    label: n.label.clone(),
                    date: n.date.to_string(),
                    text: n.text.clone(),
                })
                .collect(),
            fields: item.content.as_ref().and_then(|c| c.get("fields")).cloned(),
        })
        .collect();
    let mut next = None;
    if full {
        let mut url = format!(
            "/open-data/items.json?page={}&per_page={per_page}",
            page + 1
        );
        for (key, value) in [
            ("body", query.body.as_deref()),
            ("kind", query.kind.as_deref()),
            ("from", query.from.as_deref()),
            ("to", query.to.as_deref()),
        ] {
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                url.push_str(&format!("&{key}={}", super::pages::encode(value)));
            }
        }
        next = Some(url);
    }
    Ok(Json(ItemsPage {
        page,
        per_page,
        items,
        next,
    })
    .into_response())
}

/// Every published item (all pages), optionally of one body.
async fn all_published(
    state: &PortalState,
    body: Option<BodyId>,
    kind: Option<ItemKind>,
) -> Result<Vec<PublicItem>, liuhen_core::error::CoreError> {
    let mut out = Vec::new();
    loop {
        let page = state
            .app
            .services
            .published_items(&PublicFilter {
                body: body.clone(),
                kind,
                limit: 1000,
                offset: u32::try_from(out.len()).unwrap_or(u32::MAX),
                ..PublicFilter::default()
            })
            .await?;
        let n = page.len();
        out.extend(page);
        if n < 1000 {
            return Ok(out);
        }
    }
}

/// Query of the feed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct FeedQuery {
    body: Option<String>,
}

fn rfc3339(date: Date) -> String {
    // Midnight China time (T1) of the date.
    format!("{date}T00:00:00+08:00")
}

/// `GET /open-data/feed.atom[?body=…]`: the newest published items as an Atom feed (RFC 4287),
/// district-wide or per body (D11-c).
pub(crate) async fn feed(
    State(state): State<PortalState>,
    headers: HeaderMap,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    let body = match query
        .body
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        None => None,
        Some(text) => Some(BodyId::new(text).map_err(|_| ApiError::Invalid {
            field: "body".to_owned(),
            reason: "执法主体编号无效".to_owned(),
        })?),
    };
    let mut items = all_published(&state, body.clone(), None).await?;
    items.sort_by(|a, b| {
        last_modified(b)
            .cmp(&last_modified(a))
            .then(a.id.cmp(&b.id))
    });
    items.truncate(FEED_ENTRIES);
    let base = base_url(&headers);
    let base = if base.is_empty() {
        "http://localhost".to_owned()
    } else {
        base
    };
    let updated = items
        .iter()
        .map(last_modified)
        .max()
        .unwrap_or_else(|| super::pages::today(&state.app));
    let (feed_id, self_url, title) = match &body {
        Some(b) => (
            format!("urn:liuhen:portal:feed:{b}"),
            format!(
                "{base}/open-data/feed.atom?body={}",
                super::pages::encode(b.as_str())
            ),
            format!("行政执法信息公示（{b}）"),
        ),
        None => (
            "urn:liuhen:portal:feed".to_owned(),
            format!("{base}/open-data/feed.atom"),
            "薛城区行政执法信息公示".to_owned(),
        ),
    };
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    xml.push_str(&format!("  <title>{}</title>\n", escape(&title)));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&feed_id)));
    xml.push_str(&format!("  <updated>{}</updated>\n", rfc3339(updated)));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>\n",
        escape(&base)
    ));
    xml.push_str("  <author><name>薛城区行政执法信息公示平台</name></author>\n");
    for item in &items {
        let url = format!("{base}/disclosure/{}", item.id);
        let summary = match &item.content {
            Some(content) => {
                let fields = ["doc_number", "party", "matter", "outcome", "result", "date"];
                fields
                    .iter()
                    .map(|k| {
                        (
                            liuhen_core::disclosure::field_label(k),
                            field_text(content, k),
                        )
                    })
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}：{v}"))
                    .collect::<Vec<_>>()
                    .join("；")
            }
            None => item
                .notes
                .last()
                .map(|n| n.text.clone())
                .unwrap_or_else(|| "该信息已撤下".to_owned()),
        };
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", escape(&item.title)));
        xml.push_str(&format!(
            "    <id>urn:liuhen:disclosure:{}</id>\n",
            escape(&item.id)
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            rfc3339(last_modified(item))
        ));
        xml.push_str(&format!(
            "    <published>{}</published>\n",
            rfc3339(item.first_published_on)
        ));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&url)
        ));
        xml.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            escape(&kind_code(item.kind)),
            escape(&item.kind_label)
        ));
        xml.push_str(&format!(
            "    <author><name>{}</name></author>\n",
            escape(&body_name(item))
        ));
        xml.push_str(&format!("    <summary>{}</summary>\n", escape(&summary)));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        xml,
    )
        .into_response())
}

/// Which 双公示 table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// 行政处罚.
    Penalties,
    /// 行政许可.
    Licences,
}

/// Columns of the 行政处罚 table (双公示 layout; `docs/formats/open-data.md`).
pub const PENALTY_COLUMNS: [&str; 25] = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1(统一社会信用代码)",
    "法定代表人",
    "证件类型",
    "证件号码",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "没收违法所得、没收非法财物的金额（万元）",
    "暂扣或吊销证照名称及编号",
    "处罚决定日期",
    "处罚有效期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
    "公示网址",
    "最后修改日期",
];

/// Columns of the 行政许可 table (双公示 layout).
pub const LICENCE_COLUMNS: [&str; 24] = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1(统一社会信用代码)",
    "法定代表人",
    "证件类型",
    "证件号码",
    "行政许可决定文书名称",
    "行政许可决定文书号",
    "许可类别",
    "许可证书名称",
    "许可编号",
    "许可内容",
    "许可决定日期",
    "有效期自",
    "有效期至",
    "许可机关",
    "许可机关统一社会信用代码",
    "当前状态",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "备注",
    "公示网址",
    "最后修改日期",
    "决定结果",
];

/// Whether a (masked) party name is a natural person's: P9 masks those as surname + 某/某某.
fn is_natural_person(party: &str) -> bool {
    let chars = party.chars().count();
    (2..=4).contains(&chars) && party.ends_with('某')
}

/// Which table a published decision belongs to, from its frozen title (the D8 source spec
/// titles: 行政处罚决定 / 当场行政处罚决定 / 行政许可决定).
fn table_of(item: &PublicItem) -> Option<Table> {
    if item.kind != ItemKind::Decision {
        return None;
    }
    if item.title.contains("行政处罚") {
        Some(Table::Penalties)
    } else if item.title.contains("行政许可") {
        Some(Table::Licences)
    } else {
        None
    }
}

/// An amount in fen (分) as 万元, the unit of the 双公示 amount columns: exact, without
/// trailing zeros (500000 fen = 5,000 元 → `0.5`).
fn wan_yuan(fen: u64) -> String {
    let whole = fen / 1_000_000;
    let fraction = format!("{:06}", fen % 1_000_000);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

fn iso(text: &str) -> String {
    parse_cn_date(text)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The rows of one table: every published, not withdrawn decision of that kind.
async fn table_rows(state: &PortalState, table: Table) -> Result<Vec<Vec<String>>, ApiError> {
    let bodies: BTreeMap<String, String> = all_bodies(&state.app)
        .await
        .map_err(|err| ApiError::Internal(err.to_string()))?
        .into_iter()
        .map(|b| (b.id.to_string(), b.profile.uscc))
        .collect();
    let mut items = all_published(state, None, Some(ItemKind::Decision)).await?;
    items.sort_by(|a, b| {
        a.first_published_on
            .cmp(&b.first_published_on)
            .then(a.id.cmp(&b.id))
    });
    let mut rows = Vec::new();
    for item in items.iter().filter(|i| table_of(i) == Some(table)) {
        let Some(content) = &item.content else {
            continue;
        };
        let f = |key: &str| field_text(content, key).to_owned();
        // The first non-empty of several fields (items published before a field existed).
        let first = |keys: &[&str]| {
            keys.iter()
                .map(|key| f(key))
                .find(|text| !text.is_empty())
                .unwrap_or_default()
        };
        let amount = |key: &str| {
            content
                .get("fields")
                .and_then(|fields| fields.get(key))
                .and_then(Value::as_u64)
                .map(wan_yuan)
                .unwrap_or_default()
        };
        let party = f("party");
        let class = match f("party_class") {
            class if !class.is_empty() => class,
            _ if is_natural_person(&party) => "自然人".to_owned(),
            _ => "法人及非法人组织".to_owned(),
        };
        let uscc = bodies.get(item.body.as_str()).cloned().unwrap_or_default();
        let remark = item
            .notes
            .iter()
            .map(|n| format!("{}（{}）", n.label, cn_date(n.date)))
            .collect::<Vec<_>>()
            .join("；");
        let url = format!("/disclosure/{}", item.id);
        let modified = last_modified(item).to_string();
        let body = body_name(item);
        let row = match table {
            Table::Penalties => vec![
                party,
                class,
                f("party_code"),
                f("legal_representative"),
                String::new(),
                String::new(),
                f("doc_number"),
                f("matter"),
                f("facts"),
                f("basis"),
                first(&["penalty_kinds", "outcome"]),
                first(&["penalty_content", "outcome"]),
                amount("fine_fen"),
                amount("confiscation_fen"),
                f("licence_measure"),
                iso(&f("date")),
                String::new(),
                String::new(),
                body.clone(),
                uscc.clone(),
                body,
                uscc,
                remark,
                url,
                modified,
            ],
            Table::Licences => vec![
                party,
                class,
                f("party_code"),
                f("legal_representative"),
                String::new(),
                String::new(),
                "行政许可决定书".to_owned(),
                f("doc_number"),
                f("licence_category"),
                f("certificate_name"),
                f("licence_no"),
                f("facts"),
                iso(&f("date")),
                // Valid from the decision date unless the decision says otherwise.
                match f("valid_from") {
                    from if from.is_empty() => iso(&f("date")),
                    from => from,
                },
                f("valid_to"),
                body.clone(),
                uscc.clone(),
                "有效".to_owned(),
                body,
                uscc,
                remark,
                url,
                modified,
                f("outcome"),
            ],
        };
        rows.push(row);
    }
    Ok(rows)
}

/// A CSV cell (RFC 4180 quoting). Cells that a spreadsheet would read as a formula get a
/// leading apostrophe (CSV injection, OWASP).
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The CSV text (UTF-8 with BOM so spreadsheet programs detect the encoding; CRLF lines).
pub fn to_csv(columns: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(
        &columns
            .iter()
            .map(|c| csv_cell(c))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push_str("\r\n");
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

fn to_xlsx(sheet: &str, columns: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, ApiError> {
    let xlsx = |err: rust_xlsxwriter::XlsxError| ApiError::Internal(format!("xlsx: {err}"));
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet).map_err(xlsx)?;
    for (col, name) in columns.iter().enumerate() {
        let col = u16::try_from(col).map_err(|_| ApiError::Internal("too many columns".into()))?;
        worksheet
            .write_string_with_format(0, col, *name, &bold)
            .map_err(xlsx)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| ApiError::Internal("too many rows".into()))?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| ApiError::Internal("too many columns".into()))?;
            worksheet.write_string(r, c, cell).map_err(xlsx)?;
        }
    }
    workbook.save_to_buffer().map_err(xlsx)
}

/// `GET /open-data/{penalties,licences}.{csv,xlsx}`.
pub(crate) async fn export(
    State(state): State<PortalState>,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let (table, format) = match file.as_str() {
        "penalties.csv" => (Table::Penalties, "csv"),
        "penalties.xlsx" => (Table::Penalties, "xlsx"),
        "licences.csv" => (Table::Licences, "csv"),
        "licences.xlsx" => (Table::Licences, "xlsx"),
        _ => return Err(ApiError::NotFound(format!("open-data/{file}"))),
    };
    let (content_type, bytes) = state.exports.file(&state, table, format).await?;
    let disposition = format!("attachment; filename=\"{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The export files of the latest log state.
///
/// # Why
/// A 双公示 export holds every published decision of its kind, so making one reads them all and
/// builds the whole file. The files change only when the log does (a publication, correction,
/// withdrawal or registry change is a record), so each file is made once per log size and then
/// served from memory; one generation runs at a time, so a burst of downloads costs one build,
/// not one per request.
#[derive(Default)]
pub(crate) struct ExportCache {
    files: tokio::sync::Mutex<std::collections::HashMap<ExportKey, MadeFile>>,
}

/// A table and a format (`csv`, `xlsx`).
type ExportKey = (Table, &'static str);
/// The log size a file was made at, and its bytes.
type MadeFile = (u64, Bytes);

impl ExportCache {
    /// The content type and bytes of `table` in `format` (`csv` or `xlsx`) as of now.
    async fn file(
        &self,
        state: &PortalState,
        table: Table,
        format: &'static str,
    ) -> Result<(&'static str, Bytes), ApiError> {
        let content_type = if format == "csv" {
            "text/csv; charset=utf-8"
        } else {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        };
        let mut files = self.files.lock().await;
        let size = state.app.services.log_state().await?.size;
        if let Some((made_at, bytes)) = files.get(&(table, format))
            && *made_at == size
        {
            return Ok((content_type, bytes.clone()));
        }
        let rows = table_rows(state, table).await?;
        let (columns, sheet): (&[&str], &str) = match table {
            Table::Penalties => (&PENALTY_COLUMNS, "行政处罚"),
            Table::Licences => (&LICENCE_COLUMNS, "行政许可"),
        };
        let bytes = if format == "csv" {
            Bytes::from(to_csv(columns, &rows))
        } else {
            Bytes::from(to_xlsx(sheet, columns, &rows)?)
        };
        files.insert((table, format), (size, bytes.clone()));
        Ok((content_type, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: &str) {
        assert_eq!(csv_cell(input), expect, "{input:?}");
    }

    #[test]
    fn csv_cells_are_quoted_and_formula_starts_neutralised() {
        check("普通文本", "普通文本");
        check("a,b", "\"a,b\"");
        check("说\"明\"", "\"说\"\"明\"\"\"");
        check("=SUM(A1)", "'=SUM(A1)");
        check("-1", "'-1");
        check("第一行\n第二行", "\"第一行\n第二行\"");
    }

    #[test]
    fn amounts_in_fen_become_exact_wan_yuan() {
        for (fen, text) in [
            (0, "0"),
            (1, "0.000001"),
            (500_000, "0.5"),
            (120_000, "0.12"),
            (1_000_000, "1"),
            (12_345_678_900, "12345.6789"),
        ] {
            assert_eq!(wan_yuan(fen), text, "{fen}");
        }
    }

    #[test]
    fn masked_natural_person_names_are_recognised_and_companies_are_not() {
        assert!(is_natural_person("张某"));
        assert!(is_natural_person("欧阳某某"));
        assert!(!is_natural_person("枣庄市某某食品有限公司"));
        assert!(!is_natural_person("张三"));
    }
}
