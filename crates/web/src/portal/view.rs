//! View models and askama templates of the portal (`crates/web/templates/`). Templates escape
//! every value; the only `|safe` values are HTML built in code from escaped parts (search
//! highlights from `Highlight::to_html`, SVG charts and QR codes built from numbers).

use askama::Template;
use axum::response::Html;

/// Whether `ch` is a CJK ideograph (for "is this message Chinese").
pub(crate) fn is_cjk(ch: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&ch)
}

/// Renders `template`, falling back to a minimal page (a template bug must not become a panic).
pub(crate) fn render<T: Template>(template: &T) -> Html<String> {
    match template.render() {
        Ok(html) => Html(html),
        Err(err) => {
            tracing::error!(error = %err, "template failed");
            Html(
                "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>错误</title><p>服务器内部错误</p></html>"
                    .to_owned(),
            )
        }
    }
}

/// A published item in a list.
#[derive(Debug, Clone)]
pub(crate) struct ItemRow {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) kind_label: String,
    pub(crate) body_name: String,
    pub(crate) date: String,
    pub(crate) notes: Vec<String>,
}

/// The signed checkpoint as shown on the home and item pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct CheckpointView {
    pub(crate) origin: String,
    pub(crate) size: u64,
    pub(crate) root_hex: String,
    /// The whole signed note (origin, size, base64 root, blank line, signature lines).
    pub(crate) note: String,
    pub(crate) signature_lines: Vec<String>,
}

/// A body in a list.
#[derive(Debug, Clone)]
pub(crate) struct BodyRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind_label: String,
}

/// An `<option>`.
#[derive(Debug, Clone)]
pub(crate) struct Opt {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) selected: bool,
}

/// `GET /`.
#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct Home {
    pub(crate) items: Vec<ItemRow>,
    pub(crate) checkpoint: CheckpointView,
    pub(crate) bodies: Vec<BodyRow>,
}

/// A search hit.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) url: String,
    pub(crate) title_html: String,
    pub(crate) snippet_html: String,
    pub(crate) kind_label: String,
    pub(crate) body_name: String,
    pub(crate) date: String,
}

/// `GET /search`.
#[derive(Template)]
#[template(path = "search.html")]
pub(crate) struct Search {
    pub(crate) q: String,
    pub(crate) party: String,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) bodies: Vec<Opt>,
    pub(crate) kinds: Vec<Opt>,
    pub(crate) hits: Vec<Hit>,
    /// Matches, exact unless `total_capped` (then: at least this many).
    pub(crate) total: usize,
    /// `total` with thousands separators.
    pub(crate) total_text: String,
    /// More than `total` match (the count stopped at the portal's limit).
    pub(crate) total_capped: bool,
    pub(crate) first: usize,
    pub(crate) last: usize,
    pub(crate) prev_url: Option<String>,
    pub(crate) next_url: Option<String>,
    pub(crate) truncated: bool,
}

/// A note on an item (已更正 / 已撤下).
#[derive(Debug, Clone)]
pub(crate) struct NoteRow {
    pub(crate) label: String,
    pub(crate) date: String,
    pub(crate) text: String,
    pub(crate) withdrawn: bool,
}

/// One published version with its log position.
#[derive(Debug, Clone)]
pub(crate) struct VersionRow {
    pub(crate) version: u32,
    pub(crate) date: String,
    pub(crate) log_index: u64,
    pub(crate) record_hash: String,
    pub(crate) leaf_hash: String,
    pub(crate) public_hash: String,
    pub(crate) proof_url: String,
}

/// `GET /disclosure/{id}`.
#[derive(Template)]
#[template(path = "item.html")]
pub(crate) struct Item {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) kind_label: String,
    pub(crate) body_name: String,
    pub(crate) body_url: String,
    pub(crate) version: u32,
    pub(crate) first_published: String,
    pub(crate) published: String,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) notes: Vec<NoteRow>,
    pub(crate) withdrawn: bool,
    pub(crate) versions: Vec<VersionRow>,
    pub(crate) checkpoint: CheckpointView,
    pub(crate) commands: String,
    pub(crate) annual_url: Option<String>,
}

/// `GET /bodies`.
#[derive(Template)]
#[template(path = "bodies.html")]
pub(crate) struct Bodies {
    pub(crate) bodies: Vec<BodyRow>,
}

/// A unit of a body.
#[derive(Debug, Clone)]
pub(crate) struct UnitRow {
    pub(crate) name: String,
    pub(crate) duties: String,
    pub(crate) address: String,
}

/// An officer with a credential valid today (D4-a).
#[derive(Debug, Clone)]
pub(crate) struct OfficerRow {
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) credential: String,
    pub(crate) domains: String,
    pub(crate) valid_from: String,
    pub(crate) valid_to: String,
    pub(crate) verify_url: String,
    pub(crate) qr_url: String,
}

/// A power item (D4-b, D4-c).
#[derive(Debug, Clone)]
pub(crate) struct PowerRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) action: String,
    pub(crate) basis: String,
    pub(crate) unit: String,
    pub(crate) procedure: String,
    pub(crate) time_limit: String,
    pub(crate) remedies: String,
    pub(crate) service: Vec<(String, String)>,
}

/// An entrusted organisation (D4.4, D4-e).
#[derive(Debug, Clone)]
pub(crate) struct EntrustedRow {
    pub(crate) name: String,
    pub(crate) uscc: String,
    pub(crate) basis: String,
    pub(crate) matters: String,
    pub(crate) scope: String,
    pub(crate) period: String,
    pub(crate) rights: String,
    pub(crate) liability: String,
}

/// An entry of the review catalogue (L5-c).
#[derive(Debug, Clone)]
pub(crate) struct CatalogueRow {
    pub(crate) code: String,
    pub(crate) title: String,
    pub(crate) action: String,
    pub(crate) level: String,
    pub(crate) domain: String,
    pub(crate) threshold: String,
    pub(crate) triggers: String,
    pub(crate) basis: String,
}

/// `GET /bodies/{id}`.
#[derive(Template)]
#[template(path = "body.html")]
pub(crate) struct Body {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind_label: String,
    pub(crate) uscc: String,
    pub(crate) address: String,
    pub(crate) duties: String,
    pub(crate) delegating: Option<(String, String)>,
    pub(crate) units: Vec<UnitRow>,
    pub(crate) officers: Vec<OfficerRow>,
    pub(crate) powers: Vec<PowerRow>,
    pub(crate) entrusted: Vec<EntrustedRow>,
    pub(crate) catalogue_version: u64,
    pub(crate) catalogue_updated: String,
    pub(crate) catalogue: Vec<CatalogueRow>,
    pub(crate) time_limits: Vec<(String, String)>,
    pub(crate) annual: Vec<(String, String)>,
    pub(crate) search_url: String,
}

/// The result of a credential check.
#[derive(Debug, Clone)]
pub(crate) struct OfficerResult {
    pub(crate) valid: bool,
    pub(crate) status: String,
    pub(crate) name: String,
    pub(crate) body_name: String,
    pub(crate) body_url: String,
    pub(crate) domains: String,
    pub(crate) valid_from: String,
    pub(crate) valid_to: String,
    pub(crate) credential: String,
    pub(crate) qr_url: String,
    pub(crate) today: String,
}

/// `GET /verify/officer[/{credential}]` (D7-b).
#[derive(Template)]
#[template(path = "officer.html")]
pub(crate) struct Officer {
    pub(crate) query: String,
    pub(crate) result: Option<OfficerResult>,
    pub(crate) not_found: bool,
}

/// `GET /verify`.
#[derive(Template)]
#[template(path = "verify.html")]
pub(crate) struct Verify {
    pub(crate) checkpoint: CheckpointView,
    pub(crate) verifier_keys: Vec<String>,
    pub(crate) profile: String,
}

/// `GET /correction/{item}` (D13-b form).
#[derive(Template)]
#[template(path = "correction_form.html")]
pub(crate) struct CorrectionForm {
    pub(crate) item_id: String,
    pub(crate) item_title: String,
    pub(crate) csrf: String,
    pub(crate) error: Option<String>,
    pub(crate) requester_types: Vec<Opt>,
    pub(crate) name: String,
    pub(crate) contact: String,
    pub(crate) reason: String,
    pub(crate) proposed: String,
}

/// The receipt after a correction request.
#[derive(Template)]
#[template(path = "correction_done.html")]
pub(crate) struct CorrectionDone {
    pub(crate) tracking: String,
    pub(crate) item_url: String,
}

/// The public status of a request.
#[derive(Debug, Clone)]
pub(crate) struct StatusRow {
    pub(crate) tracking: String,
    pub(crate) item_url: String,
    pub(crate) status: String,
    pub(crate) received: String,
    pub(crate) closed: String,
    pub(crate) outcome: String,
}

/// `GET /correction-status`.
#[derive(Template)]
#[template(path = "correction_status.html")]
pub(crate) struct CorrectionStatusPage {
    pub(crate) query: String,
    pub(crate) result: Option<StatusRow>,
    pub(crate) not_found: bool,
}

/// One chart of an annual report, with its data table (the accessible alternative).
#[derive(Debug, Clone)]
pub(crate) struct ChartView {
    pub(crate) title: String,
    pub(crate) svg: String,
    pub(crate) rows: Vec<(String, String)>,
}

/// `GET /annual`.
#[derive(Template)]
#[template(path = "annual_list.html")]
pub(crate) struct AnnualList {
    pub(crate) reports: Vec<ItemRow>,
}

/// `GET /annual/{id}` (D9).
#[derive(Template)]
#[template(path = "annual.html")]
pub(crate) struct Annual {
    pub(crate) title: String,
    pub(crate) body_name: String,
    pub(crate) body_url: String,
    pub(crate) year: String,
    pub(crate) published: String,
    pub(crate) item_url: String,
    pub(crate) totals: Vec<(String, String)>,
    pub(crate) charts: Vec<ChartView>,
}

/// `GET /open-data`.
#[derive(Template)]
#[template(path = "open_data.html")]
pub(crate) struct OpenData {
    pub(crate) bodies: Vec<BodyRow>,
}

/// Error pages (404 未查到, 400, 422, 429, 500).
#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub(crate) title: String,
    pub(crate) message: String,
}
