//! Page handlers of the portal: home, search, item, bodies, credential check, how to verify,
//! annual reports. Each reads the core's public queries only (see the module docs of `portal`).

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use liuhen_core::disclosure::annual::AnnualFigures;
use liuhen_core::disclosure::{ItemKind, action_label, field_label};
use liuhen_core::ids::BodyId;
use liuhen_core::registry::{BodyKind, BodyView, CredentialStatus, OfficerView};
use liuhen_core::service::disclosure::{PublicFilter, PublicItem};
use liuhen_search::query::{SearchRequest, SortOrder};
use serde::Deserialize;
use serde_json::Value;
use time::Date;

use super::charts::bar_chart;
use super::search_sync::kind_code;
use super::view::{self, CheckpointView, ItemRow, Opt};
use super::{PageError, PortalState, html, public_ctx};
use crate::signed_checkpoint::NoteError;
use crate::state::AppState;

/// Results per search page.
const PAGE_SIZE: usize = 20;
/// Items on the home page.
const HOME_ITEMS: usize = 10;

/// `2024年9月27日` (D5-c display format).
pub(crate) fn cn_date(date: Date) -> String {
    format!(
        "{}年{}月{}日",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Today in China (T1).
pub(crate) fn today(app: &AppState) -> Date {
    app.services
        .now()
        .to_offset(liuhen_core::CHINA_OFFSET)
        .date()
}

/// Chinese label of a body kind (D2-a).
pub(crate) fn body_kind_label(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::Agency => "行政执法机关",
        BodyKind::Authorized => "法律法规授权组织",
        BodyKind::Entrusted => "受委托组织",
    }
}

/// `10,000`: a count with thousands separators (as the portal's Chinese pages write large
/// numbers in running text).
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Percent-encodes a query-string value (RFC 3986 unreserved characters kept).
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The signed checkpoint of the log now, for display (signed once per log state).
pub(crate) async fn checkpoint_view(app: &AppState) -> Result<CheckpointView, PageError> {
    let signed = match app.checkpoint.current(app).await {
        Ok(signed) => signed,
        Err(NoteError::Core(err)) => return Err(err.into()),
        Err(NoteError::Signing(err)) => return Err(PageError::Internal(err)),
    };
    let signature_lines = signed
        .note
        .lines()
        .filter(|line| line.starts_with('\u{2014}'))
        .map(str::to_owned)
        .collect();
    Ok(CheckpointView {
        origin: app.log_keys.origin.clone(),
        size: signed.size,
        root_hex: signed.root_hex,
        note: signed.note,
        signature_lines,
    })
}

/// All bodies (registry, public information, D4-a).
pub(crate) async fn all_bodies(app: &AppState) -> Result<Vec<BodyView>, PageError> {
    let mut bodies = app.services.bodies(&public_ctx()?).await?;
    bodies.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    Ok(bodies)
}

fn body_rows(bodies: &[BodyView]) -> Vec<view::BodyRow> {
    bodies
        .iter()
        .map(|b| view::BodyRow {
            id: b.id.to_string(),
            name: b.profile.name.clone(),
            kind_label: body_kind_label(b.profile.kind).to_owned(),
        })
        .collect()
}

fn item_row(item: &PublicItem) -> ItemRow {
    let body_name = item
        .content
        .as_ref()
        .and_then(|c| c.get("body_name"))
        .and_then(Value::as_str)
        .unwrap_or(item.body.as_str())
        .to_owned();
    ItemRow {
        url: format!("/disclosure/{}", item.id),
        title: item.title.clone(),
        kind_label: item.kind_label.clone(),
        body_name,
        date: cn_date(item.published_on),
        notes: item.notes.iter().map(|n| n.label.clone()).collect(),
    }
}

/// Brings the search index up to date; a failure is logged and the (stale) index still used.
async fn sync(state: &PortalState) {
    if let Err(err) = state.portal.sync(&state.app.services).await {
        tracing::error!(error = %err, "search index catch-up failed");
    }
}

/// `GET /`: latest published items, the signed checkpoint, the bodies.
pub(crate) async fn home(State(state): State<PortalState>) -> Result<Html<String>, PageError> {
    sync(&state).await;
    let results = state
        .portal
        .index()
        .search(&SearchRequest {
            sort: SortOrder::NewestPublished,
            limit: HOME_ITEMS,
            // The home page shows no count: stop counting at once.
            count_limit: 1,
            ..SearchRequest::default()
        })
        .map_err(super::PortalError::from)?;
    let items = results
        .hits
        .iter()
        .map(|hit| ItemRow {
            url: hit.item.url.clone(),
            title: hit.item.title.clone(),
            kind_label: ItemKind::from_code(&hit.item.kind)
                .map_or_else(|| hit.item.kind.clone(), |k| k.label().to_owned()),
            body_name: hit.item.body_name.clone(),
            date: cn_date(
                hit.item
                    .published_at
                    .to_offset(liuhen_core::CHINA_OFFSET)
                    .date(),
            ),
            notes: Vec::new(),
        })
        .collect();
    let bodies = all_bodies(&state.app).await?;
    html(&view::Home {
        items,
        checkpoint: checkpoint_view(&state.app).await?,
        bodies: body_rows(&bodies),
    })
}

/// Query of `GET /search` (every field optional; unknown or malformed values are ignored).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<usize>,
}

fn parse_iso_date(text: &str) -> Option<Date> {
    Date::parse(
        text.trim(),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

const KINDS: [ItemKind; 9] = [
    ItemKind::Decision,
    ItemKind::InspectionResult,
    ItemKind::Performance,
    ItemKind::PowerItem,
    ItemKind::BodyProfile,
    ItemKind::Officers,
    ItemKind::Entrustment,
    ItemKind::AnnualData,
    ItemKind::Other,
];

/// `GET /search`: full text (jieba + bigrams, so 行政处罚 finds 行政处罚法) with filters by body,
/// kind, decision date range and party name; highlighted snippets; 20 per page. The number of
/// results is exact up to the portal's count limit (10,000) and shown as “超过 10,000 条”
/// beyond it, so a very common term does not make every search count the whole index.
pub(crate) async fn search(
    State(state): State<PortalState>,
    query: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Html<String>, PageError> {
    // A malformed query string (e.g. page=abc) is treated as an empty search, not an error page.
    let Query(params) = query.unwrap_or_default();
    sync(&state).await;
    let page = params.page.unwrap_or(1).max(1);
    let from = parse_iso_date(&params.from);
    let to = parse_iso_date(&params.to);
    let nonempty = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let kind = ItemKind::from_code(params.kind.trim()).map(kind_code);
    let request = SearchRequest {
        text: params.q.clone(),
        body_id: nonempty(&params.body),
        kind: kind.clone(),
        decided_from: from,
        decided_to: to,
        party: nonempty(&params.party),
        sort: SortOrder::Relevance,
        offset: (page - 1).saturating_mul(PAGE_SIZE),
        limit: PAGE_SIZE,
        count_limit: state.portal.count_limit(),
    };
    let results = state
        .portal
        .index()
        .search(&request)
        .map_err(super::PortalError::from)?;
    let hits = results
        .hits
        .iter()
        .map(|hit| view::Hit {
            url: hit.item.url.clone(),
            title_html: hit.title.to_html(),
            snippet_html: hit.snippet.to_html(),
            kind_label: ItemKind::from_code(&hit.item.kind)
                .map_or_else(|| hit.item.kind.clone(), |k| k.label().to_owned()),
            body_name: hit.item.body_name.clone(),
            date: cn_date(hit.item.decided_on),
        })
        .collect::<Vec<_>>();
    let page_url = |n: usize| {
        format!(
            "/search?q={}&body={}&kind={}&party={}&from={}&to={}&page={n}",
            encode(&params.q),
            encode(&params.body),
            encode(kind.as_deref().unwrap_or("")),
            encode(&params.party),
            encode(&params.from),
            encode(&params.to),
        )
    };
    let served_page = results.offset / PAGE_SIZE + 1;
    let prev_url = (served_page > 1).then(|| page_url(served_page - 1));
    let next_url = (results.offset + results.hits.len() < results.total
        && results.offset + PAGE_SIZE <= liuhen_search::query::MAX_OFFSET)
        .then(|| page_url(served_page + 1));
    let bodies = all_bodies(&state.app).await?;
    html(&view::Search {
        q: params.q.clone(),
        party: params.party.clone(),
        from: from.map(|d| d.to_string()).unwrap_or_default(),
        to: to.map(|d| d.to_string()).unwrap_or_default(),
        bodies: bodies
            .iter()
            .map(|b| Opt {
                value: b.id.to_string(),
                label: b.profile.name.clone(),
                selected: b.id.as_str() == params.body.trim(),
            })
            .collect(),
        kinds: KINDS
            .iter()
            .map(|k| Opt {
                value: kind_code(*k),
                label: k.label().to_owned(),
                selected: kind.as_deref() == Some(kind_code(*k).as_str()),
            })
            .collect(),
        total: results.total,
        total_text: thousands(results.total),
        total_capped: results.total_capped,
        first: results.offset + 1,
        last: results.offset + hits.len(),
        hits,
        prev_url,
        next_url,
        truncated: results.truncated,
    })
}

/// The offline verification commands of one version.
fn commands(index: u64, size: u64, leaf_hash: &str, keys: &[String]) -> String {
    let key = keys.first().map_or("<验证公钥>", String::as_str);
    format!(
        "curl -s {{平台地址}}/api/v1/log/checkpoint -o checkpoint.txt\n\
         curl -s \"{{平台地址}}/api/v1/log/proof?index={index}&size={size}\" -o proof.json\n\
         # size 须与 checkpoint.txt 第二行（日志条目数）一致\n\
         liuhen log verify-inclusion --checkpoint checkpoint.txt --proof proof.json \\\n  \
         --leaf-hash {leaf_hash} \\\n  --key '{key}'"
    )
}

/// `GET /disclosure/{id}`: the published (masked) current version, its notes, and the verify
/// section (D11-b stable URL, D13-a 已更正, D14-a 已撤下 notice).
pub(crate) async fn item(
    State(state): State<PortalState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let detail = state.app.services.published_item(&id).await?;
    let item = &detail.item;
    let mut fields = Vec::new();
    let mut annual_url = None;
    if let Some(content) = &item.content
        && let Some(map) = content.get("fields").and_then(Value::as_object)
    {
        // D8-e order first (文号, 相对人, 事项, 事实, 依据, 机关, 日期), then the rest.
        let order = item.kind.mandatory_fields();
        let mut entries: Vec<(&String, &Value)> = map.iter().collect();
        entries.sort_by_key(|(key, _)| order.iter().position(|k| k == key).unwrap_or(order.len()));
        for (key, value) in entries {
            match value {
                Value::String(text) => {
                    fields.push((field_label(key).to_owned(), text.clone()));
                }
                Value::Object(_) if item.kind == ItemKind::AnnualData => {
                    annual_url = Some(format!("/annual/{}", item.id));
                }
                // Amounts are recorded in fen (分); the public reads yuan.
                Value::Number(n) if key.ends_with("_fen") => {
                    if let Some(fen) = n.as_u64() {
                        fields.push((field_label(key).to_owned(), yuan(fen)));
                    }
                }
                Value::Number(n) => fields.push((field_label(key).to_owned(), n.to_string())),
                _ => {}
            }
        }
    }
    let checkpoint = checkpoint_view(&state.app).await?;
    let profile = state.app.log_keys.profile;
    let versions: Vec<view::VersionRow> = detail
        .versions
        .iter()
        .map(|v| {
            let leaf_hash = hex::decode(&v.record_hash)
                .map(|bytes| profile.leaf_hash(&bytes).to_hex())
                .unwrap_or_default();
            view::VersionRow {
                version: v.version,
                date: cn_date(v.published_on),
                log_index: v.log_index.0,
                record_hash: v.record_hash.clone(),
                leaf_hash,
                public_hash: v.public_hash.clone(),
                proof_url: format!(
                    "/api/v1/log/proof?index={}&size={}",
                    v.log_index.0, checkpoint.size
                ),
            }
        })
        .collect();
    let commands = versions.last().map_or_else(String::new, |v| {
        commands(
            v.log_index,
            checkpoint.size,
            &v.leaf_hash,
            &state.app.log_keys.verifier_keys,
        )
    });
    let body_name = item
        .content
        .as_ref()
        .and_then(|c| c.get("body_name"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let body_name = match body_name {
        Some(name) => name,
        None => all_bodies(&state.app)
            .await?
            .into_iter()
            .find(|b| b.id == item.body)
            .map_or_else(|| item.body.to_string(), |b| b.profile.name),
    };
    html(&view::Item {
        id: item.id.clone(),
        title: item.title.clone(),
        kind_label: item.kind_label.clone(),
        body_name,
        body_url: format!("/bodies/{}", item.body),
        version: item.version,
        first_published: cn_date(item.first_published_on),
        published: cn_date(item.published_on),
        fields,
        notes: item
            .notes
            .iter()
            .map(|n| view::NoteRow {
                label: n.label.clone(),
                date: cn_date(n.date),
                text: n.text.clone(),
                withdrawn: n.label == "已撤下",
            })
            .collect(),
        withdrawn: item.content.is_none(),
        versions,
        checkpoint,
        commands,
        annual_url,
    })
}

/// `GET /bodies`.
pub(crate) async fn bodies(State(state): State<PortalState>) -> Result<Html<String>, PageError> {
    let bodies = all_bodies(&state.app).await?;
    html(&view::Bodies {
        bodies: body_rows(&bodies),
    })
}

/// `/verify/officer/{credential}` for a credential number.
pub(crate) fn officer_url(credential: &str) -> String {
    format!("/verify/officer/{}", encode(credential))
}

/// Published items of one body and kind (all pages).
async fn published_of(
    app: &AppState,
    body: Option<BodyId>,
    kind: ItemKind,
) -> Result<Vec<PublicItem>, PageError> {
    let mut out = Vec::new();
    loop {
        let page = app
            .services
            .published_items(&PublicFilter {
                body: body.clone(),
                kind: Some(kind),
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

/// `GET /bodies/{id}`: profile (D4.1), officers with valid credentials (D4-a), power items with
/// basis and service information (D4.2, D4.3), entrusted organisations (D4.4), the review
/// catalogue (L5-c) and published annual data (D9).
pub(crate) async fn body(
    State(state): State<PortalState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let app = &state.app;
    let ctx = public_ctx()?;
    let bodies = all_bodies(app).await?;
    let not_found = || PageError::NotFound("未找到该执法主体".to_owned());
    let body = bodies
        .iter()
        .find(|b| b.id.as_str() == id)
        .ok_or_else(not_found)?;
    let today = today(app);
    let unit_name = |unit: Option<&liuhen_core::ids::UnitId>| {
        unit.and_then(|u| body.units.iter().find(|x| &x.id == u))
            .map_or_else(String::new, |u| u.name.clone())
    };
    let mut officers = Vec::new();
    let mut listed: Vec<OfficerView> = app.services.officers(&ctx, &body.id).await?;
    listed.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    for officer in &listed {
        for credential in officer
            .credentials
            .iter()
            .filter(|c| c.valid_for(today, None))
        {
            officers.push(view::OfficerRow {
                name: officer.profile.name.clone(),
                unit: unit_name(officer.profile.unit.as_ref()),
                credential: credential.number.clone(),
                domains: credential.domains.join("、"),
                valid_from: cn_date(credential.valid_from),
                valid_to: cn_date(credential.valid_to),
                verify_url: officer_url(&credential.number),
                qr_url: format!("{}/qr.svg", officer_url(&credential.number)),
            });
        }
    }
    let mut powers_list = app.services.power_items(&ctx, &body.id).await?;
    powers_list.sort_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
    let powers = powers_list
        .iter()
        .map(|p| view::PowerRow {
            id: p.id.to_string(),
            name: p.item.name.clone(),
            action: action_label(&p.item.action).to_owned(),
            basis: p.item.basis.join("；"),
            unit: unit_name(p.item.unit.as_ref()),
            procedure: p.item.procedure.clone(),
            time_limit: p.item.time_limit.clone(),
            remedies: p.item.remedies.clone(),
            service: p
                .item
                .service
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
        .collect();
    let entrusted = bodies
        .iter()
        .filter_map(|b| {
            let e = b.profile.entrustment.as_ref()?;
            (e.delegating_body == body.id).then(|| view::EntrustedRow {
                name: b.profile.name.clone(),
                uscc: b.profile.uscc.clone(),
                basis: e.basis.join("；"),
                matters: e.matters.join("；"),
                scope: e.scope.clone(),
                period: format!("{}至{}", cn_date(e.period_from), cn_date(e.period_to)),
                rights: e.rights_and_duties.clone(),
                liability: e.liability.clone(),
            })
        })
        .collect();
    let delegating = body.profile.entrustment.as_ref().map(|e| {
        let name = bodies
            .iter()
            .find(|b| b.id == e.delegating_body)
            .map_or_else(|| e.delegating_body.to_string(), |b| b.profile.name.clone());
        (format!("/bodies/{}", e.delegating_body), name)
    });
    let catalogue = app.services.review_catalogue(&ctx, &body.id, None).await?;
    let annual = published_of(app, Some(body.id.clone()), ItemKind::AnnualData)
        .await?
        .iter()
        .filter(|item| item.content.is_some())
        .map(|item| (format!("/annual/{}", item.id), item.title.clone()))
        .collect();
    html(&view::Body {
        id: body.id.to_string(),
        name: body.profile.name.clone(),
        kind_label: body_kind_label(body.profile.kind).to_owned(),
        uscc: body.profile.uscc.clone(),
        address: body.profile.address.clone(),
        duties: body.profile.duties.clone(),
        delegating,
        units: body
            .units
            .iter()
            .map(|u| view::UnitRow {
                name: u.name.clone(),
                duties: u.duties.clone(),
                address: u.address.clone(),
            })
            .collect(),
        officers,
        powers,
        entrusted,
        catalogue_version: catalogue.version,
        catalogue_updated: catalogue
            .updated_at
            .map(|at| cn_date(at.to_offset(liuhen_core::CHINA_OFFSET).date()))
            .unwrap_or_default(),
        catalogue: catalogue
            .entries
            .iter()
            .map(|e| view::CatalogueRow {
                code: e.id.clone(),
                title: e.title.clone(),
                action: e
                    .action
                    .as_deref()
                    .map(action_label)
                    .unwrap_or("")
                    .to_owned(),
                level: e.level.clone().unwrap_or_default(),
                domain: e.domain.clone().unwrap_or_default(),
                threshold: e
                    .min_amount_fen
                    .map(|fen| format!("{}元以上", fen / 100))
                    .unwrap_or_default(),
                triggers: e.triggers.join("、"),
                basis: e.basis.clone(),
            })
            .collect(),
        time_limits: catalogue
            .time_limits
            .iter()
            .map(|(action, days)| (action_label(action).to_owned(), format!("{days}个工作日")))
            .collect(),
        annual,
        search_url: format!("/search?body={}", encode(body.id.as_str())),
    })
}

/// What the credential check found.
struct Found {
    officer: OfficerView,
    credential: liuhen_core::registry::Credential,
    body: BodyView,
}

async fn find_credential(app: &AppState, number: &str) -> Result<Option<Found>, PageError> {
    let number = number.trim();
    if number.is_empty() || number.chars().count() > 64 {
        return Ok(None);
    }
    let ctx = public_ctx()?;
    for body in all_bodies(app).await? {
        for officer in app.services.officers(&ctx, &body.id).await? {
            if let Some(credential) = officer
                .credentials
                .iter()
                .rev()
                .find(|c| c.number == number)
                .cloned()
            {
                return Ok(Some(Found {
                    officer,
                    credential,
                    body,
                }));
            }
        }
    }
    Ok(None)
}

/// Query of `GET /verify/officer`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CredentialQuery {
    #[serde(default)]
    credential: String,
}

/// `GET /verify/officer`: the form; with `?credential=` it redirects to the credential's page.
pub(crate) async fn officer_form(
    query: Result<Query<CredentialQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Query(query) = query.unwrap_or_default();
    let number = query.credential.trim();
    if number.is_empty() {
        return view::render(&view::Officer {
            query: String::new(),
            result: None,
            not_found: false,
        })
        .into_response();
    }
    Redirect::to(&officer_url(number)).into_response()
}

/// `GET /verify/officer/{credential}` (D7-b): valid or not *now*, name, body, domains,
/// validity. An unknown number answers 404 with a clear 未查到 page.
pub(crate) async fn officer(
    State(state): State<PortalState>,
    Path(credential): Path<String>,
) -> Result<Response, PageError> {
    let today = today(&state.app);
    let Some(found) = find_credential(&state.app, &credential).await? else {
        let page = view::Officer {
            query: credential.chars().take(64).collect(),
            result: None,
            not_found: true,
        };
        return Ok((axum::http::StatusCode::NOT_FOUND, view::render(&page)).into_response());
    };
    let c = &found.credential;
    let status = match c.status {
        CredentialStatus::Revoked => "注销",
        CredentialStatus::Suspended => "暂扣",
        CredentialStatus::Active if today > c.valid_to => "过期",
        CredentialStatus::Active if today < c.valid_from => "未生效",
        CredentialStatus::Active => "有效",
    };
    let valid = c.valid_for(today, None);
    let result = view::OfficerResult {
        valid,
        status: if valid {
            "有效：该执法证件今日有效".to_owned()
        } else {
            format!("无效：该执法证件{status}，持证人不得从事执法活动")
        },
        name: found.officer.profile.name.clone(),
        body_name: found.body.profile.name.clone(),
        body_url: format!("/bodies/{}", found.body.id),
        domains: c.domains.join("、"),
        valid_from: cn_date(c.valid_from),
        valid_to: cn_date(c.valid_to),
        credential: c.number.clone(),
        qr_url: format!("{}/qr.svg", officer_url(&c.number)),
        today: cn_date(today),
    };
    Ok(html(&view::Officer {
        query: c.number.clone(),
        result: Some(result),
        not_found: false,
    })?
    .into_response())
}

/// The site's base URL from the `Host` header, kept only if it looks like a host name (it is
/// client-supplied). Used for QR codes, which need an absolute URL.
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 253
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        });
    match host {
        Some(host) => format!("http://{host}"),
        None => String::new(),
    }
}

/// `GET /verify/officer/{credential}/qr.svg`: the QR code (SVG) of the credential's check page,
/// for the body page and for officers to show on site (D7-b). 404 for unknown numbers.
pub(crate) async fn officer_qr(
    State(state): State<PortalState>,
    Path(credential): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let Some(found) = find_credential(&state.app, &credential).await? else {
        return Err(PageError::NotFound("未查到该执法证件".to_owned()));
    };
    let url = format!(
        "{}{}",
        base_url(&headers),
        officer_url(&found.credential.number)
    );
    let code = qrcode::QrCode::new(url.as_bytes())
        .map_err(|err| PageError::Internal(format!("qr: {err}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        svg,
    )
        .into_response())
}

/// `GET /verify`: how to verify, with the checkpoint and verifier keys.
pub(crate) async fn verify_howto(
    State(state): State<PortalState>,
) -> Result<Html<String>, PageError> {
    html(&view::Verify {
        checkpoint: checkpoint_view(&state.app).await?,
        verifier_keys: state.app.log_keys.verifier_keys.clone(),
        profile: state.app.log_keys.profile.name().to_uppercase(),
    })
}

/// `GET /annual`: published annual data (D9), newest first.
pub(crate) async fn annual_list(
    State(state): State<PortalState>,
) -> Result<Html<String>, PageError> {
    let mut items = published_of(&state.app, None, ItemKind::AnnualData).await?;
    items.retain(|item| item.content.is_some());
    items.sort_by(|a, b| b.published_on.cmp(&a.published_on).then(a.id.cmp(&b.id)));
    html(&view::AnnualList {
        reports: items.iter().map(item_row).collect(),
    })
}

fn rows(map: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    map.iter().map(|(k, v)| (k.clone(), *v)).collect()
}

fn yuan(fen: u64) -> String {
    format!("{}.{:02}元", fen / 100, fen % 100)
}

fn chart(title: &str, data: Vec<(String, u64)>) -> view::ChartView {
    view::ChartView {
        title: title.to_owned(),
        svg: bar_chart(title, &data, |v| v.to_string()),
        rows: data.into_iter().map(|(k, v)| (k, v.to_string())).collect(),
    }
}

/// `GET /annual/{id}`: one body's annual figures (D9-b) with SVG charts.
pub(crate) async fn annual(
    State(state): State<PortalState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let detail = state.app.services.published_item(&id).await?;
    let item = detail.item;
    let not_found = || PageError::NotFound("未找到该年度数据".to_owned());
    if item.kind != ItemKind::AnnualData {
        return Err(not_found());
    }
    let content = item.content.as_ref().ok_or_else(not_found)?;
    let fields = content.get("fields").ok_or_else(not_found)?;
    let figures: AnnualFigures = fields
        .get("figures")
        .cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(not_found)?;
    let year = fields
        .get("year")
        .and_then(Value::as_str)
        .map_or_else(|| figures.year.to_string(), str::to_owned);
    let label_actions = |map: &BTreeMap<String, u64>| -> Vec<(String, u64)> {
        map.iter()
            .map(|(k, v)| (action_label(k).to_owned(), *v))
            .collect()
    };
    let charts = vec![
        chart(
            "立案数（按执法行为类别）",
            label_actions(&figures.cases_by_action),
        ),
        chart(
            "作出决定数（按执法行为类别）",
            label_actions(&figures.decisions_by_action),
        ),
        chart("决定结果", rows(&figures.decisions_by_outcome)),
        chart("行政处罚种类", rows(&figures.penalties_by_kind)),
        chart("检查结果", rows(&figures.inspections_by_result)),
        chart(
            "法制审核",
            vec![
                ("送审".to_owned(), figures.reviews_submitted),
                ("同意".to_owned(), figures.reviews_approved),
                ("存在问题".to_owned(), figures.reviews_with_problems),
                ("提请负责人".to_owned(), figures.reviews_escalated),
            ],
        ),
        chart(
            "信息公示",
            vec![
                ("按期公示".to_owned(), figures.disclosures_on_time),
                ("逾期公示".to_owned(), figures.disclosures_late),
                ("逾期未公示".to_owned(), figures.disclosures_missed),
                ("不予公示".to_owned(), figures.disclosures_restricted),
            ],
        ),
        chart(
            "更正",
            vec![
                ("自行更正".to_owned(), figures.corrections_self),
                ("收到更正申请".to_owned(), figures.correction_requests),
                (
                    "申请已更正".to_owned(),
                    figures.correction_requests_corrected,
                ),
                (
                    "申请不予更正".to_owned(),
                    figures.correction_requests_refused,
                ),
            ],
        ),
        chart(
            "撤销、确认违法、责令重作",
            rows(&figures.withdrawals_by_event),
        ),
    ];
    let totals = vec![
        (
            "立案总数".to_owned(),
            figures.cases_by_action.values().sum::<u64>().to_string(),
        ),
        (
            "不予立案".to_owned(),
            figures.cases_not_initiated.to_string(),
        ),
        ("结案".to_owned(), figures.cases_closed.to_string()),
        ("罚款总额".to_owned(), yuan(figures.fines_fen)),
        ("没收违法所得".to_owned(), yuan(figures.confiscations_fen)),
        ("准予许可".to_owned(), figures.permits_granted.to_string()),
        ("不予许可".to_owned(), figures.permits_refused.to_string()),
        ("举行听证".to_owned(), figures.hearings.to_string()),
    ];
    let body_name = content
        .get("body_name")
        .and_then(Value::as_str)
        .unwrap_or(item.body.as_str())
        .to_owned();
    html(&view::Annual {
        title: item.title.clone(),
        body_name,
        body_url: format!("/bodies/{}", item.body),
        year,
        published: cn_date(item.published_on),
        item_url: format!("/disclosure/{}", item.id),
        totals,
        charts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (10_000, "10,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(thousands(n), text);
        }
    }
}
