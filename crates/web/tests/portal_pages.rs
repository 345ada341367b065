//! The public portal (issue 8 items 4–6) through the real router, on the core's test district
//! with disclosure items taken through the D5-b workflow: pages render in Chinese, search finds
//! compound terms (行政处罚 → 行政处罚法), the credential check answers 未查到 with 404, a
//! correction request yields a tracking number whose status page works, the 双公示 exports have
//! their headers, the Atom feed is well formed — and a crawl of every link, export and public API
//! response finds no unmasked personal data and no unpublished item.

mod common;

use std::collections::{BTreeSet, VecDeque};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Api, Auth, BODY_A, District, api};
use liuhen_core::disclosure::Step;
use liuhen_core::ids::{BodyId, UserId};
use liuhen_redact::{Kind, KnownEntities, MaskState, Role as EntityRole, leak_check, scan};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

const ID_NUMBER: &str = "11010519491231002X";
const MOBILE: &str = "13812345678";
/// The basis written into the published decision: the compound-term search must find it.
const BASIS: &str =
    "《中华人民共和国行政处罚法》第二十八条、《中华人民共和国食品安全法》第一百二十四条";

fn body() -> BodyId {
    BodyId::new(BODY_A).unwrap()
}

fn set_clock(district: &District, at: OffsetDateTime) {
    *district.clock.0.lock().unwrap() = at;
}

/// Body A's D5-b permissions: off1 collects and submits, uhead reviews, arch publishes.
async fn grant_permissions(district: &District) {
    let head = district.ctx("ahead").await;
    for (user, steps) in [
        ("off1", &[Step::Collect, Step::Submit][..]),
        ("uhead", &[Step::Review, Step::Collect][..]),
        ("arch", &[Step::Publish][..]),
    ] {
        for step in steps {
            district
                .services
                .set_disclosure_permission(&head, &body(), &UserId::new(user).unwrap(), *step, true)
                .await
                .unwrap();
        }
    }
}

/// Walks a penalty case up to its decision dated `at`; returns the drafted item's id.
async fn penalty_decision(district: &District, at: OffsetDateTime) -> String {
    common::penalty_decision_item(district, at).await
}

fn changes(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect()
}

/// collect (with `changes`) → redact → submit → review → publish.
async fn publish(district: &District, id: &str, changed: Map<String, Value>) {
    let s = &district.services;
    let off1 = district.ctx("off1").await;
    let uhead = district.ctx("uhead").await;
    let arch = district.ctx("arch").await;
    s.collect_item(&off1, id, changed, "补充公示内容")
        .await
        .unwrap();
    s.redact_item(&uhead, id).await.unwrap();
    s.submit_item(&off1, id).await.unwrap();
    s.review_item(&uhead, id, true, "同意公示").await.unwrap();
    s.publish_item(&arch, id, None).await.unwrap();
}

struct Seeded {
    api: Api,
    published: String,
    unpublished: String,
    unpublished_title: String,
    annual: String,
}

/// Two penalty decisions (one published with an ID and a mobile number in its facts — masked
/// by the workflow — one left as a draft) and body A's 2024 annual data, published.
async fn seeded() -> Seeded {
    let mut api = api().await;
    // Correction evidence is kept in the blob store (D13.p2).
    api.state = api
        .state
        .clone()
        .with_blobs(std::sync::Arc::new(liuhen_core::blobs::MemoryBlobs::new()));
    let district = &api.district;
    grant_permissions(district).await;
    let published = penalty_decision(district, datetime!(2024-09-27 10:00 +8)).await;
    set_clock(district, datetime!(2024-10-09 10:00 +8));
    let facts = format!(
        "当事人张三（公民身份号码{ID_NUMBER}，联系电话{MOBILE}）在经营场所销售超过保质期的食品"
    );
    publish(
        district,
        &published,
        changes(&[("facts", facts.as_str()), ("basis", BASIS)]),
    )
    .await;
    set_clock(district, datetime!(2024-10-20 10:00 +8));
    let unpublished = penalty_decision(district, datetime!(2024-10-15 10:00 +8)).await;
    let head = district.ctx("ahead").await;
    let unpublished_title = district
        .services
        .disclosure_item(&head, &unpublished)
        .await
        .unwrap()
        .title;
    set_clock(district, datetime!(2025-01-10 10:00 +8));
    let annual = district
        .services
        .draft_annual_item(&district.ctx("off1").await, &body(), 2024)
        .await
        .unwrap();
    publish(district, &annual, Map::new()).await;
    Seeded {
        api,
        published,
        unpublished,
        unpublished_title,
        annual,
    }
}

async fn get(api: &Api, path: &str) -> common::Reply {
    api.get(path, &Auth::None).await
}

fn assert_page(reply: &common::Reply, status: StatusCode, expect: &[&str]) {
    assert_eq!(reply.status, status, "{}", reply.text);
    for text in expect {
        assert!(
            reply.text.contains(text),
            "expected {text:?} in the page:\n{}",
            reply.text
        );
    }
}

/// A credential number of an officer of body A valid on the test date.
async fn valid_credential(api: &Api) -> (String, String) {
    let district = &api.district;
    let ctx = district.ctx("admin").await;
    let today = district.services.now().date();
    let officers = district.services.officers(&ctx, &body()).await.unwrap();
    officers
        .iter()
        .find_map(|o| {
            o.credentials
                .iter()
                .find(|c| c.valid_for(today, None))
                .map(|c| (c.number.clone(), o.profile.name.clone()))
        })
        .expect("the test district has an officer with a valid credential")
}

#[tokio::test]
async fn pages_render_in_chinese_with_landmarks_and_a_strict_csp() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let home = get(api, "/").await;
    assert_page(
        &home,
        StatusCode::OK,
        &[
            "lang=\"zh-CN\"",
            "<main",
            "<nav",
            "最新公示",
            "签名检查点",
            "薛城区市场监督管理局",
            &format!("/disclosure/{}", seeded.published),
        ],
    );
    let csp = home.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(!home.text.contains("http://") || !home.text.contains("<script src=\"http"));
    let item = get(api, &format!("/disclosure/{}", seeded.published)).await;
    assert_page(
        &item,
        StatusCode::OK,
        &[
            "行政处罚决定",
            "行政执法决定书文号",
            "主要事实",
            "行政处罚法",
            "验证",
            "/api/v1/log/proof?index=",
            "liuhen log verify-inclusion",
            "张某",
            // 双公示 fields from the decision record (D8.p2 summary plus amounts).
            "执法行为类别",
            "处罚类别",
            "罚款金额",
            "5000.00元",
        ],
    );
    let body_page = get(api, &format!("/bodies/{BODY_A}")).await;
    let (credential, officer_name) = valid_credential(api).await;
    assert_page(
        &body_page,
        StatusCode::OK,
        &[
            "执法人员",
            "执法权限",
            "受委托组织",
            "法制审核目录清单",
            &credential,
            &officer_name,
            "/qr.svg",
        ],
    );
    for (path, expect) in [
        ("/search", "公示检索"),
        ("/bodies", "执法主体"),
        ("/verify", "如何验证"),
        ("/verify/officer", "执法证件查验"),
        ("/correction-status", "更正申请"),
        ("/annual", "年度行政执法数据"),
        ("/open-data", "开放数据"),
    ] {
        assert_page(
            &get(api, path).await,
            StatusCode::OK,
            &[expect, "lang=\"zh-CN\""],
        );
    }
    let css = get(api, "/assets/portal.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        css.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn unpublished_and_unknown_items_answer_404_without_revealing_anything() {
    let seeded = seeded().await;
    let api = &seeded.api;
    for path in [
        format!("/disclosure/{}", seeded.unpublished),
        "/disclosure/d-nonexistent".to_owned(),
        "/disclosure/..%2F..%2Fetc".to_owned(),
    ] {
        let reply = get(api, &path).await;
        assert_page(&reply, StatusCode::NOT_FOUND, &["未查到"]);
        assert!(!reply.text.contains(&seeded.unpublished_title));
    }
}

#[tokio::test]
async fn search_for_xingzheng_chufa_finds_the_item_citing_xingzheng_chufa_fa() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let reply = get(api, "/search?q=%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A").await; // 行政处罚
    assert_page(
        &reply,
        StatusCode::OK,
        &[&format!("/disclosure/{}", seeded.published), "<mark>"],
    );
    // Filters: another body finds nothing; the kind filter keeps it; the party filter matches
    // the masked name only.
    let other = get(
        api,
        "/search?q=%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A&body=xc-zhzf",
    )
    .await;
    assert!(!other.text.contains(&seeded.published), "{}", other.text);
    let kind = get(
        api,
        "/search?q=%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A&kind=decision",
    )
    .await;
    assert!(kind.text.contains(&seeded.published));
    let annual_kind = get(
        api,
        "/search?q=%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A&kind=annual_data",
    )
    .await;
    assert!(
        !annual_kind
            .text
            .contains(&format!("/disclosure/{}\"", seeded.published))
    );
    let party = get(api, "/search?party=%E5%BC%A0%E6%9F%90").await; // 张某
    assert!(party.text.contains(&seeded.published), "{}", party.text);
    let full_name = get(api, "/search?q=%E5%BC%A0%E4%B8%89").await; // 张三
    assert!(
        !full_name.text.contains(&seeded.published),
        "the clear name is never indexed"
    );
    let dated = get(
        api,
        "/search?q=%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A&from=2024-10-01",
    )
    .await;
    assert!(
        !dated
            .text
            .contains(&format!("/disclosure/{}\"", seeded.published)),
        "decided 2024-09-27"
    );
    // The unpublished draft is never found.
    let all = get(api, "/search?page=1").await;
    assert!(!all.text.contains(&seeded.unpublished));
    // Hostile input renders a page, escaped.
    let hostile = get(api, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E&page=abc").await;
    assert_eq!(hostile.status, StatusCode::OK);
    assert!(!hostile.text.contains("<script>alert"));
}

#[tokio::test]
async fn credential_check_shows_validity_and_unknown_numbers_get_a_404_weichadao_page() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let (credential, name) = valid_credential(api).await;
    let page = get(api, &format!("/verify/officer/{credential}")).await;
    assert_page(
        &page,
        StatusCode::OK,
        &["有效", &name, "薛城区市场监督管理局", "qr.svg"],
    );
    let qr = get(api, &format!("/verify/officer/{credential}/qr.svg")).await;
    assert_eq!(qr.status, StatusCode::OK);
    assert_eq!(qr.headers[header::CONTENT_TYPE], "image/svg+xml");
    assert!(qr.text.contains("<svg") && qr.text.contains("<path"));
    let form = get(api, &format!("/verify/officer?credential={credential}")).await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    let unknown = get(api, "/verify/officer/NO-SUCH-0000").await;
    assert_page(&unknown, StatusCode::NOT_FOUND, &["未查到", "NO-SUCH-0000"]);
    assert_eq!(
        get(api, "/verify/officer/NO-SUCH-0000/qr.svg").await.status,
        StatusCode::NOT_FOUND
    );
}

fn multipart(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "----liuhenportaltest";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some(bytes) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"营业执照.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_form(
    api: &Api,
    path: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> common::Reply {
    let (content_type, body) = multipart(fields, file);
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, format!("liuhen_portal_csrf={cookie}"));
    }
    api.send_raw(request.body(Body::from(body)).unwrap()).await
}

fn csrf_of(reply: &common::Reply) -> String {
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    assert!(
        reply.text.contains(&format!("value=\"{token}\"")),
        "hidden field carries the token"
    );
    token
}

#[tokio::test]
async fn correction_request_gets_a_tracking_number_and_its_status_page_works_d13_b() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let path = format!("/correction/{}", seeded.published);
    let form = get(api, &path).await;
    assert_page(&form, StatusCode::OK, &["申请更正", "证据材料"]);
    let token = csrf_of(&form);
    let fields = [
        ("csrf", token.as_str()),
        ("requester_type", "法人"),
        ("name", "枣庄市某某食品有限公司"),
        ("contact", "0632-1234567"),
        ("reason", "处罚决定日期有误"),
        ("proposed", "应为2024年9月26日"),
    ];
    // No cookie, or a different token: refused as a forged form.
    let forged = post_form(api, &path, None, &fields, Some(b"%PDF-1.4 evidence")).await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.text);
    let wrong = post_form(
        api,
        &path,
        Some("other"),
        &fields,
        Some(b"%PDF-1.4 evidence"),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    // Evidence is mandatory (D13-b).
    let no_file = post_form(api, &path, Some(&token), &fields, None).await;
    assert_page(&no_file, StatusCode::BAD_REQUEST, &["证据"]);
    let done = post_form(
        api,
        &path,
        Some(&token),
        &fields,
        Some(b"%PDF-1.4 evidence"),
    )
    .await;
    assert_page(&done, StatusCode::OK, &["受理编号", "CR"]);
    let start = done.text.find("id=\"tracking\">").unwrap() + "id=\"tracking\">".len();
    let tracking: String = done.text[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(
        tracking.starts_with("CR") && tracking.len() == 22,
        "{tracking}"
    );
    let status = get(api, &format!("/correction-status?tracking={tracking}")).await;
    assert_page(
        &status,
        StatusCode::OK,
        &["处理中", &tracking, &seeded.published],
    );
    assert!(
        !status.text.contains("枣庄市某某食品有限公司"),
        "no requester data in the status"
    );
    let unknown = get(api, "/correction-status?tracking=CRAAAAAAAAAAAAAAAAAAAA").await;
    assert_page(&unknown, StatusCode::NOT_FOUND, &["未查到"]);
    // Rate limit: 5 accepted per address per window.
    let mut limited = false;
    for _ in 0..6 {
        let reply = post_form(
            api,
            &path,
            Some(&token),
            &fields,
            Some(b"%PDF-1.4 evidence"),
        )
        .await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(
        limited,
        "the sixth submission within ten minutes is refused"
    );
}

#[tokio::test]
async fn annual_report_page_draws_svg_charts_of_the_published_figures_d9() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let list = get(api, "/annual").await;
    assert_page(
        &list,
        StatusCode::OK,
        &[&format!("/disclosure/{}", seeded.annual)],
    );
    let page = get(api, &format!("/annual/{}", seeded.annual)).await;
    assert_page(
        &page,
        StatusCode::OK,
        &[
            "2024年度",
            "<svg",
            "立案数",
            "罚款总额",
            "信息公示",
            "role=\"img\"",
        ],
    );
    assert!(
        !page.text.contains("style="),
        "charts use presentation attributes only"
    );
    // A non-annual item is not an annual report.
    let other = get(api, &format!("/annual/{}", seeded.published)).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn open_data_json_atom_csv_and_xlsx_have_the_shuanggongshi_layout() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let json = get(api, "/open-data/items.json?per_page=1").await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text);
    assert_eq!(json.json["items"].as_array().unwrap().len(), 1);
    assert!(json.json["next"].as_str().unwrap().contains("page=2"));
    let decisions = get(api, "/open-data/items.json?kind=decision").await;
    let items = decisions.json["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", decisions.text);
    assert_eq!(items[0]["url"], format!("/disclosure/{}", seeded.published));
    assert!(items[0]["last_modified"].is_string());
    assert_eq!(
        get(api, "/open-data/items.json?kind=nonsense").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        get(api, "/open-data/items.json?from=2024-13-01")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    let feed = get(api, "/open-data/feed.atom").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(
        feed.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    check_atom(&feed.text, 2);
    let per_body = get(api, &format!("/open-data/feed.atom?body={BODY_A}")).await;
    check_atom(&per_body.text, 2);

    let csv = get(api, "/open-data/penalties.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let mut lines = csv.text.trim_start_matches('\u{feff}').split("\r\n");
    let header_line = lines.next().unwrap();
    assert!(
        header_line.starts_with("行政相对人名称,行政相对人类别,"),
        "{header_line}"
    );
    for column in [
        "行政处罚决定书文号",
        "违法事实",
        "处罚依据",
        "处罚决定日期",
        "处罚机关统一社会信用代码",
    ] {
        assert!(header_line.contains(column), "{column}");
    }
    let row = lines.next().unwrap();
    assert!(row.contains("张某") && row.contains("2024-09-27"), "{row}");
    // The 行政处罚 row has the penalty type and the amounts (万元) from the decision record:
    // the test district's decision imposes 警告 with a fine of 500,000 fen = 0.5 万元.
    let columns: Vec<&str> = header_line.split(',').collect();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells.len(), columns.len(), "{row}");
    let cell = |name: &str| {
        let at = columns.iter().position(|c| *c == name).unwrap();
        cells[at]
    };
    assert_eq!(cell("行政相对人类别"), "自然人");
    assert_eq!(
        cell("行政相对人代码_1(统一社会信用代码)"),
        "",
        "never for a person"
    );
    assert_eq!(cell("处罚类别"), "警告");
    assert!(cell("处罚内容").starts_with("警告"), "{row}");
    assert_eq!(cell("罚款金额（万元）"), "0.5");
    assert_eq!(cell("没收违法所得、没收非法财物的金额（万元）"), "0.5");
    assert!(!csv.text.contains(ID_NUMBER) && !csv.text.contains(MOBILE));
    let licences = get(api, "/open-data/licences.csv").await;
    assert!(licences.text.contains("行政许可决定文书号"));
    for file in ["penalties.xlsx", "licences.xlsx"] {
        let reply = api
            .send_raw(
                Request::builder()
                    .uri(format!("/open-data/{file}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(
            reply.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
    }
    let raw = xlsx_bytes(api, "/open-data/penalties.xlsx").await;
    assert_eq!(&raw[..2], b"PK", "an XLSX file is a ZIP package");
    assert_eq!(
        get(api, "/open-data/other.csv").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn xlsx_bytes(api: &Api, path: &str) -> Vec<u8> {
    use tower::ServiceExt as _;
    let response = api
        .app()
        .oneshot(Request::builder().uri(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec()
}

/// Structural Atom check (RFC 4287 §4.1.1–4.1.2): one feed with id, title, updated and a self
/// link; `entries` entries each with id, title, updated and an alternate link; tags balanced.
fn check_atom(xml: &str, entries: usize) {
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    let count = |tag: &str| xml.matches(tag).count();
    assert_eq!(count("<feed "), 1);
    assert_eq!(count("</feed>"), 1);
    assert_eq!(count("<entry>"), entries, "{xml}");
    assert_eq!(count("</entry>"), entries);
    assert_eq!(count("<id>"), entries + 1);
    assert_eq!(count("<title>"), entries + 1);
    assert_eq!(count("<updated>"), entries + 1);
    assert_eq!(count("rel=\"self\""), 1);
    assert_eq!(count("rel=\"alternate\""), entries + 1);
    for updated in xml.split("<updated>").skip(1) {
        let value = updated.split("</updated>").next().unwrap();
        assert!(
            OffsetDateTime::parse(value, &time::format_description::well_known::Rfc3339).is_ok(),
            "updated is RFC 3339: {value}"
        );
    }
    assert!(!xml.contains('\u{0}'));
}

/// Every `href`/`src` in an HTML page that stays on the site.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            let link = part.split('"').next().unwrap_or("").replace("&amp;", "&");
            if link.starts_with('/') && !link.starts_with("//") {
                out.push(link);
            }
        }
    }
    out
}

#[tokio::test]
async fn crawl_of_every_public_page_export_and_api_response_leaks_no_personal_data() {
    let seeded = seeded().await;
    let api = &seeded.api;
    // A correction request, so its (personal) data exists somewhere to leak from.
    let path = format!("/correction/{}", seeded.published);
    let token = csrf_of(&get(api, &path).await);
    let requester = "李四";
    let reply = post_form(
        api,
        &path,
        Some(&token),
        &[
            ("csrf", token.as_str()),
            ("requester_type", "公民"),
            ("name", requester),
            ("contact", "13900001111"),
            ("reason", "姓名有误"),
        ],
        Some(b"%PDF-1.4"),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    // Everyone named as a natural person anywhere in the district's items and requests.
    let district = &api.district;
    let sup = district.ctx("sup").await;
    let mut persons: BTreeSet<String> = BTreeSet::new();
    for item in district
        .services
        .disclosure_items(&sup, None, None)
        .await
        .unwrap()
    {
        persons.extend(item.persons.iter().cloned());
    }
    persons.insert(requester.to_owned());
    assert!(persons.contains("张三"), "{persons:?}");
    let mut known = KnownEntities::new();
    for name in &persons {
        known.add_person(name, EntityRole::Party).unwrap();
    }

    let mut queue: VecDeque<String> = VecDeque::from(vec![
        "/".to_owned(),
        "/open-data/items.json".to_owned(),
        "/open-data/items.json?per_page=1000".to_owned(),
        "/open-data/feed.atom".to_owned(),
        "/open-data/penalties.csv".to_owned(),
        "/open-data/licences.csv".to_owned(),
        "/search?q=%E5%A4%84%E7%BD%9A".to_owned(),
        "/search?party=%E5%BC%A0".to_owned(),
        "/api/v1/log/checkpoint".to_owned(),
        "/api/v1/log/verifier-keys".to_owned(),
    ]);
    let mut seen = BTreeSet::new();
    let mut pages = 0;
    while let Some(link) = queue.pop_front() {
        let link = link.split('#').next().unwrap_or("").to_owned();
        if link.is_empty() || !seen.insert(link.clone()) || link.ends_with(".xlsx") {
            continue;
        }
        let reply = get(api, &link).await;
        assert!(
            reply.status.is_success() || reply.status == StatusCode::SEE_OTHER,
            "{link}: {} {}",
            reply.status,
            reply.text
        );
        pages += 1;
        let text = &reply.text;
        if let Err(err) = leak_check(text, &known) {
            panic!("{link}: unmasked personal data: {err}");
        }
        for finding in scan(text, &known) {
            if finding.state == MaskState::Clear {
                assert!(
                    !matches!(
                        finding.kind,
                        Kind::IdCard | Kind::IdCardLegacy | Kind::Mobile | Kind::BankCard
                    ),
                    "{link}: {:?} {}",
                    finding.kind,
                    finding.text
                );
            }
        }
        for name in &persons {
            assert!(!text.contains(name.as_str()), "{link}: full name {name}");
        }
        for secret in [ID_NUMBER, MOBILE, "13900001111"] {
            assert!(!text.contains(secret), "{link}: {secret}");
        }
        assert!(
            !text.contains(&seeded.unpublished),
            "{link}: unpublished item id"
        );
        assert!(
            !text.contains(&seeded.unpublished_title),
            "{link}: unpublished title"
        );
        if reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
        {
            for next in links(text) {
                // Forms are not submitted by the crawl; everything else is followed.
                if !next.starts_with("/correction/") || next.contains('?') {
                    queue.push_back(next);
                }
            }
        }
    }
    assert!(pages >= 20, "the crawl reached {pages} pages: {seen:?}");
    assert!(seen.iter().any(|l| l.starts_with("/verify/officer/")));
    assert!(seen.iter().any(|l| l.starts_with("/api/v1/log/proof")));
    assert!(seen.iter().any(|l| l.starts_with("/annual/")));
}

fn tracking_of(done: &common::Reply) -> String {
    let start = done.text.find("id=\"tracking\">").unwrap() + "id=\"tracking\">".len();
    done.text[start..]
        .chars()
        .take_while(|c| *c != '<')
        .collect()
}

// See: issue 8 — the portal hashed the correction evidence and dropped the bytes.
#[tokio::test]
async fn correction_evidence_is_kept_in_the_blob_store_and_only_the_body_reads_it_d13_p2() {
    use sha2::Digest as _;
    let seeded = seeded().await;
    let api = &seeded.api;
    let path = format!("/correction/{}", seeded.published);
    let token = csrf_of(&get(api, &path).await);
    let fields = [
        ("csrf", token.as_str()),
        ("requester_type", "法人"),
        ("name", "枣庄市某某食品有限公司"),
        ("contact", "0632-1234567"),
        ("reason", "处罚决定日期有误"),
    ];
    // An executable (or anything not a document or picture) is refused on the form.
    let refused = post_form(
        api,
        &path,
        Some(&token),
        &fields,
        Some(b"MZ\x90\x00\x03\x00"),
    )
    .await;
    assert_page(&refused, StatusCode::BAD_REQUEST, &["PDF"]);
    // Too large: refused with the limit, nothing stored.
    let big = vec![b'a'; liuhen_web::portal::correction::MAX_EVIDENCE_BYTES + 1];
    let too_big = post_form(api, &path, Some(&token), &fields, Some(&big)).await;
    assert_eq!(too_big.status, StatusCode::BAD_REQUEST, "{}", too_big.text);

    let evidence = b"%PDF-1.4\n% the decision was dated 2024-09-26\n".to_vec();
    let sha256 = hex::encode(sha2::Sha256::digest(&evidence));
    let done = post_form(api, &path, Some(&token), &fields, Some(&evidence)).await;
    assert_page(&done, StatusCode::OK, &["受理编号"]);
    let tracking = tracking_of(&done);
    let blobs = api.state.blobs.as_ref().unwrap();
    assert!(blobs.exists(&sha256).await.unwrap(), "the bytes are stored");
    assert_eq!(
        blobs.info(&sha256).await.unwrap().media_type,
        "application/pdf"
    );

    // The body's staff see the file reference with its sniffed type and read the bytes.
    let uhead = api.bearer("uhead").await;
    let list = api
        .get(
            &format!("/api/v1/bodies/{BODY_A}/correction-requests"),
            &uhead,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let request = list
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["tracking"] == tracking.as_str())
        .unwrap();
    let file = &request["evidence_files"][0];
    assert_eq!(file["sha256"], sha256.as_str());
    assert_eq!(file["media_type"], "application/pdf");
    assert_eq!(file["size"], evidence.len());
    let url = file["url"].as_str().unwrap();
    let read = api.get(url, &uhead).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.text.as_bytes(), evidence.as_slice());
    assert_eq!(read.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(
        read.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment"),
    );
    // The supervisor may read it too; another body's staff and the public may not.
    assert_eq!(
        api.get(url, &api.bearer("sup").await).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get(url, &api.bearer("offb").await).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.get(url, &Auth::None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let other = format!(
        "/api/v1/correction-requests/{tracking}/evidence/{}",
        "0".repeat(64)
    );
    assert_eq!(api.get(&other, &uhead).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn search_page_counts_exactly_up_to_the_limit_then_says_more_than() {
    let seeded = seeded().await;
    let api = &seeded.api;
    // Two published items (the decision and the annual data) match the empty search.
    let exact = get(api, "/search").await;
    assert_page(&exact, StatusCode::OK, &["共 2 条"]);
    assert!(!exact.text.contains("count-capped"));
    api.state.portal.set_count_limit(1);
    let capped = get(api, "/search").await;
    assert_page(
        &capped,
        StatusCode::OK,
        &["超过 1 条", "id=\"count-capped\"", "仅精确统计前 1 条"],
    );
    // Both results are still listed: the limit is on counting, not on the results.
    assert!(
        capped
            .text
            .contains(&format!("/disclosure/{}", seeded.published))
    );
    assert!(
        capped
            .text
            .contains(&format!("/disclosure/{}", seeded.annual))
    );
    api.state.portal.set_count_limit(0);
    assert_page(&get(api, "/search").await, StatusCode::OK, &["共 2 条"]);
}

/// The number in `<dt>日志条目数</dt><dd>N</dd>` of a page's checkpoint section.
fn checkpoint_size(html: &str) -> u64 {
    let marker = "<dt>日志条目数</dt><dd>";
    let start = html.find(marker).expect("a checkpoint section") + marker.len();
    let end = start + html[start..].find('<').expect("end of the size");
    html[start..end].parse().expect("a log size")
}

/// GET `path` through `app` — one router, so the state it caches is shared between calls.
async fn text_via(app: &axum::Router, path: &str) -> String {
    use tower::ServiceExt as _;
    let request = Request::builder().uri(path).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The checkpoint is signed once per log state (not per request) but is never stale: after an
/// append the same server shows the new size, on item pages and in the API (D11-b).
#[tokio::test]
async fn item_page_checkpoint_follows_the_log_when_reused_between_requests() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let app = api.app();
    let item = format!("/disclosure/{}", seeded.published);
    let size = api.district.services.log_state().await.unwrap().size;
    assert_eq!(checkpoint_size(&text_via(&app, &item).await), size);
    assert_eq!(checkpoint_size(&text_via(&app, &item).await), size);
    let note = text_via(&app, "/api/v1/log/checkpoint").await;
    assert_eq!(
        note.lines().nth(1),
        Some(size.to_string().as_str()),
        "{note}"
    );
    penalty_decision(&api.district, datetime!(2025-01-08 10:00 +8)).await;
    let moved = api.district.services.log_state().await.unwrap().size;
    assert!(moved > size);
    assert_eq!(
        checkpoint_size(&text_via(&app, &item).await),
        moved,
        "a stale checkpoint"
    );
    let note = text_via(&app, "/api/v1/log/checkpoint").await;
    assert_eq!(
        note.lines().nth(1),
        Some(moved.to_string().as_str()),
        "{note}"
    );
}

/// The 双公示 export is made once per log state and shared between requests, but a publication
/// shows in the very next download (D11-c).
#[tokio::test]
async fn export_file_is_reused_until_the_log_moves() {
    let seeded = seeded().await;
    let api = &seeded.api;
    let app = api.app();
    let rows = |text: String| text.trim_end().split("\r\n").count() - 1;
    assert_eq!(rows(text_via(&app, "/open-data/penalties.csv").await), 1);
    assert_eq!(rows(text_via(&app, "/open-data/penalties.csv").await), 1);
    publish(&api.district, &seeded.unpublished, Map::new()).await;
    let after = rows(text_via(&app, "/open-data/penalties.csv").await);
    assert_eq!(after, 2, "a stale export");
}
