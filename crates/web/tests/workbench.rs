//! The staff workbench through the real router, as a browser would use it: cookies, HTML forms,
//! redirects. Sign-in and CSRF, the workbench's own 404 for another body's case, record entry
//! generated from the rule set (refusals at their fields, every value kept, the dry-run check
//! appending nothing), the idle timeout with the form restored after sign-in, the choice of grant,
//! and void and correction with a reason (R4-a).

mod common;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Api, Reply, api, api_with, password_of};
use liuhen_core::ids::{BodyId, UserId};
use liuhen_core::ports::Store as _;
use liuhen_core::registry::RoleGrant;
use liuhen_core::role::Role;
use liuhen_web::state::WebConfig;

/// A browser: a cookie jar and form posts, against one node (`AppState`) of the deployment.
struct Browser<'a> {
    api: &'a Api,
    node: liuhen_web::state::AppState,
    cookies: BTreeMap<String, String>,
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The value of the first `name="…" value="…"` hidden input in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    page.split(&marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

fn location(reply: &Reply) -> String {
    reply
        .headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn is_html(reply: &Reply) -> bool {
    reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

impl<'a> Browser<'a> {
    fn new(api: &'a Api) -> Browser<'a> {
        Browser {
            api,
            node: api.state.clone(),
            cookies: BTreeMap::new(),
        }
    }

    /// The same browser talking to another node.
    fn on(&self, node: &liuhen_web::state::AppState) -> Browser<'a> {
        Browser {
            api: self.api,
            node: node.clone(),
            cookies: self.cookies.clone(),
        }
    }

    async fn request(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Reply {
        let mut builder = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            builder = builder.header(header::COOKIE, jar.join("; "));
        }
        let body = match form {
            Some(pairs) => {
                builder = builder.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                let text: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect();
                Body::from(text.join("&"))
            }
            None => Body::empty(),
        };
        let reply = send_to(&self.node, builder.body(body).unwrap()).await;
        for value in reply.headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap_or_default();
            let Some((pair, _)) = text.split_once(';') else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        reply
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.request(Method::GET, path, None).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Reply {
        self.request(Method::POST, path, Some(form)).await
    }

    /// Signs in through the sign-in page; returns the redirect.
    async fn sign_in_with(&mut self, user: &str, draft: &str) -> Reply {
        let page = self.get("/workbench/login").await;
        assert_eq!(page.status, StatusCode::OK);
        let token = hidden(&page.text, "token");
        let password = password_of(user);
        self.post(
            "/workbench/login",
            &[
                ("username", user),
                ("password", &password),
                ("next", "/workbench"),
                ("draft", draft),
                ("token", &token),
            ],
        )
        .await
    }

    async fn sign_in(&mut self, user: &str) {
        let reply = self.sign_in_with(user, "").await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text);
        assert!(self.cookies.contains_key("liuhen_session"));
    }

    /// The CSRF token of the page at `path`.
    async fn csrf(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        hidden(&page.text, "csrf")
    }
}

async fn send_to(node: &liuhen_web::state::AppState, request: Request<Body>) -> Reply {
    use tower::ServiceExt as _;
    let peer: std::net::SocketAddr = common::CLIENT_ADDR.parse().unwrap();
    let app =
        liuhen_web::app(node.clone()).layer(axum::extract::connect_info::MockConnectInfo(peer));
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}

/// Opens a penalty case in body A through the API (the fixture, not what is tested here).
async fn case_of_body_a(api: &Api) -> String {
    let officer = api.bearer("off1").await;
    let reply = api.open_case(&officer).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    reply.json["case_id"].as_str().unwrap().to_owned()
}

async fn log_size(api: &Api) -> u64 {
    api.state.services.log_state().await.unwrap().size
}

#[tokio::test]
async fn signing_in_leads_to_the_todo_page_and_errors_are_pages() {
    let api = api().await;
    let mut browser = Browser::new(&api);
    let first = browser.get("/workbench").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&first), "/workbench/login?next=/workbench");

    let page = browser.get("/workbench/login").await;
    let token = hidden(&page.text, "token");
    let wrong = browser
        .post(
            "/workbench/login",
            &[
                ("username", "off1"),
                ("password", "wrong"),
                ("token", &token),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        is_html(&wrong) && wrong.text.contains("用户名或口令不正确"),
        "{}",
        wrong.text
    );
    // The typed user name stays in the form.
    assert!(wrong.text.contains("value=\"off1\""));
    // A sign-in form not served by us (no double-submit cookie match) is refused.
    let forged = browser
        .post(
            "/workbench/login",
            &[
                ("username", "off1"),
                ("password", &password_of("off1")),
                ("token", "forged"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    assert!(!browser.cookies.contains_key("liuhen_session"));

    browser.sign_in("off1").await;
    let home = browser.get("/workbench").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.text.contains("待办") && home.text.contains("行政执法人员"),
        "{}",
        home.text
    );
    let csp = home.headers.get(header::CONTENT_SECURITY_POLICY).unwrap();
    assert!(csp.to_str().unwrap().contains("script-src 'self'"));

    let missing = browser.get("/workbench/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(is_html(&missing) && missing.text.contains("未找到"));

    let csrf = hidden(&home.text, "csrf");
    let out = browser.post("/workbench/logout", &[("csrf", &csrf)]).await;
    assert_eq!(location(&out), "/workbench/login?why=out");
    let after = browser.get("/workbench").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn another_bodys_case_is_the_workbench_404_page() {
    let api = api().await;
    let case = case_of_body_a(&api).await;
    let mut own = Browser::new(&api);
    own.sign_in("off1").await;
    let page = own.get(&format!("/workbench/cases/{case}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);

    let mut other = Browser::new(&api);
    other.sign_in("offb").await;
    for path in [
        format!("/workbench/cases/{case}"),
        format!("/workbench/cases/{case}/records/new?type=text_document"),
        format!("/workbench/cases/{case}/records/1/proof"),
        "/workbench/cases/not-a-case-id".to_owned(),
    ] {
        let reply = other.get(&path).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(is_html(&reply), "{path} answers HTML");
        assert!(reply.text.contains("未找到"));
    }
}

#[tokio::test]
async fn the_case_page_shows_blocked_record_types_with_their_rule_before_any_typing() {
    let api = api().await;
    let case = case_of_body_a(&api).await;
    let mut browser = Browser::new(&api);
    browser.sign_in("off1").await;
    let page = browser.get(&format!("/workbench/cases/{case}")).await;
    assert_eq!(page.status, StatusCode::OK);
    // The decision cannot be recorded in a fresh case: shown disabled, with rule and article.
    let blocked = page
        .text
        .split("<li class=\"blocked\">")
        .skip(1)
        .find(|item| item.contains(">行政处罚决定<"))
        .expect("the penalty decision is listed as blocked");
    assert!(blocked.contains("aria-disabled=\"true\""));
    let rule = blocked
        .split("<span class=\"rule\">")
        .nth(1)
        .unwrap_or_default();
    assert!(
        rule.contains("-a") || rule.contains("-b") || rule.contains("-c"),
        "rule ID shown: {blocked}"
    );
    assert!(rule.contains('《'), "article shown: {blocked}");
    // An allowed type is a link to its form.
    assert!(page.text.contains(&format!(
        "/workbench/cases/{case}/records/new?type=text_document"
    )));
}

#[tokio::test]
async fn todo_lists_open_deadlines_with_the_form_that_meets_each() {
    let api = api().await;
    // A penalty case past 立案 (the head's opinion): the 90-day decision clock runs.
    let mut walker = common::Walker::new(&api.district, "penalty_ordinary");
    walker.open("r8_initiation").await.unwrap();
    for record in ["r8_unit_opinion", "r8_head_opinion"] {
        walker.add(record).await.unwrap();
    }
    let case = walker.case_id.clone().unwrap();
    // A unit head whose display name differs from the account name.
    let head = UserId::new("head2").unwrap();
    let services = &api.district.services;
    let profile = liuhen_core::registry::UserProfile {
        username: "head2".into(),
        name: "冯主任".into(),
        officer: None,
    };
    services
        .register_user(&api.district.admin, &head, profile)
        .await
        .unwrap();
    let grant = RoleGrant {
        role: Role::UnitHead,
        body: Some(BodyId::new(common::BODY_A).unwrap()),
    };
    services
        .grant_role(&api.district.admin, &head, grant)
        .await
        .unwrap();
    let phc = liuhen_web::password::hash_password(
        &password_of("head2"),
        liuhen_web::password::PasswordParams::INSECURE_FAST,
    )
    .unwrap();
    api.district
        .store
        .set_password_hash(&head, "head2", &phc)
        .await
        .unwrap();
    let mut browser = Browser::new(&api);
    browser.sign_in("head2").await;
    let home = browser.get("/workbench").await;
    assert_eq!(home.status, StatusCode::OK);
    let link = format!("/workbench/cases/{case}/records/new?type=r16_penalty_decision");
    assert!(home.text.contains(&link), "{}", home.text);
    assert!(home.text.contains("录入「行政处罚决定」"));
    assert!(
        home.text.contains("行政处罚案件办理期限"),
        "the period's title"
    );
    // Staff are shown by name, never by account name.
    assert!(
        home.text.contains("class=\"user\">冯主任<"),
        "{}",
        home.text
    );
}

fn document_form<'a>(csrf: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("record_type", "text_document"),
        ("supersedes", ""),
        ("event_time", "2024-12-20T08:30"),
        ("confidentiality", "普通"),
        ("f.subtype", "证据材料"),
        ("f.title", title),
        ("f.description", "当事人提供的进货票据复印件三张。"),
        ("f.original_form", "纸质原件扫描件"),
        ("f.paper_location", ""),
    ]
}

#[tokio::test]
async fn a_refused_form_keeps_every_value_and_a_check_appends_nothing() {
    let api = api().await;
    let case = case_of_body_a(&api).await;
    let mut browser = Browser::new(&api);
    browser.sign_in("off1").await;
    let path = format!("/workbench/cases/{case}/records/new");
    let csrf = browser.csrf(&format!("{path}?type=text_document")).await;

    // Without the CSRF token: refused, nothing appended.
    let before = log_size(&api).await;
    let mut forged = document_form("", "进货票据");
    forged.retain(|(k, _)| *k != "csrf");
    let reply = browser.post(&path, &forged).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(is_html(&reply));

    // 纸质原件扫描件 makes 纸质原件存放位置 required (a `when` rule of the rule set).
    let reply = browser.post(&path, &document_form(&csrf, "进货票据")).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text
    );
    assert!(reply.text.contains("纸质原件存放位置"));
    let field = reply
        .text
        .split("data-key=\"f.paper_location\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        field
            .split("</div>")
            .next()
            .unwrap_or_default()
            .contains("此项必填"),
        "{field}"
    );
    assert!(
        reply.text.contains("value=\"进货票据\""),
        "typed title kept"
    );
    assert!(
        reply.text.contains("当事人提供的进货票据复印件三张。"),
        "typed text kept"
    );
    assert_eq!(log_size(&api).await, before);

    // A bad date-time is an error at its field.
    let mut bad_time = document_form(&csrf, "进货票据");
    bad_time.retain(|(k, _)| *k != "event_time");
    bad_time.push(("event_time", "昨天下午"));
    let reply = browser.post(&path, &bad_time).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.text.contains("value=\"昨天下午\""));
    assert!(reply.text.contains("请选择发生时间"));

    // The dry run: same rules, nothing saved.
    let mut good = document_form(&csrf, "进货票据");
    good.retain(|(k, _)| *k != "f.paper_location");
    good.push(("f.paper_location", "档案室第3柜"));
    let mut check = good.clone();
    check.push(("intent", "check"));
    let reply = browser.post(&path, &check).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(reply.text.contains("检查通过"));
    assert_eq!(log_size(&api).await, before);

    let saved = browser.post(&path, &good).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert!(location(&saved).contains("?saved="));
    assert!(log_size(&api).await > before);
    let target = location(&saved);
    let page = browser
        .get(target.split('#').next().unwrap_or_default())
        .await;
    assert!(
        page.text.contains("已保存「其他文字记录」"),
        "{}",
        page.text
    );
    assert!(page.text.contains("档案室第3柜"));
}

#[tokio::test]
async fn an_idle_session_ends_and_the_form_comes_back_after_sign_in() {
    let api = api_with(WebConfig {
        secure_cookies: false,
        idle_timeout: time::Duration::milliseconds(300),
        ..WebConfig::default()
    })
    .await;
    let case = case_of_body_a(&api).await;
    let mut browser = Browser::new(&api);
    browser.sign_in("off1").await;
    let path = format!("/workbench/cases/{case}/records/new");
    let csrf = browser.csrf(&format!("{path}?type=text_document")).await;
    tokio::time::sleep(std::time::Duration::from_millis(450)).await;

    let before = log_size(&api).await;
    let reply = browser
        .post(&path, &document_form(&csrf, "未发出的标题"))
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.text.contains("已自动退出"), "{}", reply.text);
    assert!(reply.text.contains("刚才填写的内容已保存"));
    let draft = hidden(&reply.text, "draft");
    assert!(!draft.is_empty());
    assert_eq!(
        log_size(&api).await,
        before,
        "nothing saved without a session"
    );
    // The ended session is gone for every route, the API included.
    let home = browser.get("/workbench").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);

    // Another user cannot take the draft.
    let mut other = Browser::new(&api);
    let taken = other.sign_in_with("off2", &draft).await;
    let target = location(&taken);
    let stolen = other.get(&target).await;
    assert!(!stolen.text.contains("未发出的标题"));

    let back = browser.sign_in_with("off1", &draft).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let target = location(&back);
    assert_eq!(target, format!("{path}?draft={draft}"));
    let form = browser.get(&target).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(
        form.text.contains("value=\"未发出的标题\""),
        "{}",
        form.text
    );
    assert!(form.text.contains("当事人提供的进货票据复印件三张。"));
    assert!(form.text.contains("已恢复"));
}

#[tokio::test]
async fn a_user_with_several_grants_chooses_the_one_they_act_in() {
    let api = api().await;
    let off1 = UserId::new("off1").unwrap();
    api.district
        .services
        .grant_role(
            &api.district.admin,
            &off1,
            RoleGrant {
                role: Role::UnitHead,
                body: Some(BodyId::new(common::BODY_A).unwrap()),
            },
        )
        .await
        .unwrap();
    let mut browser = Browser::new(&api);
    let reply = browser.sign_in_with("off1", "").await;
    assert!(
        location(&reply).starts_with("/workbench/role?next="),
        "{}",
        location(&reply)
    );
    let page = browser.get("/workbench/role").await;
    assert!(page.text.contains("承办机构负责人") && page.text.contains("行政执法人员"));
    let csrf = hidden(&page.text, "csrf");
    let grant = format!("UNIT_HEAD@{}", common::BODY_A);
    let chosen = browser
        .post(
            "/workbench/role",
            &[("csrf", &csrf), ("grant", &grant), ("next", "/workbench")],
        )
        .await;
    assert_eq!(location(&chosen), "/workbench");
    let home = browser.get("/workbench").await;
    assert!(
        home.text.contains("承办机构负责人 ·"),
        "the header shows the acting grant"
    );
    // A grant the user does not hold is refused.
    let forged = browser
        .post(
            "/workbench/role",
            &[
                ("csrf", &csrf),
                ("grant", "AGENCY_HEAD@x"),
                ("next", "/workbench"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn void_and_correction_from_the_timeline_need_a_reason() {
    let api = api().await;
    let case = case_of_body_a(&api).await;
    let mut browser = Browser::new(&api);
    browser.sign_in("off1").await;
    let path = format!("/workbench/cases/{case}/records/new");
    let csrf = browser.csrf(&format!("{path}?type=text_document")).await;
    let mut form = document_form(&csrf, "原标题");
    form.retain(|(k, _)| *k != "f.paper_location");
    form.push(("f.paper_location", "档案室"));
    let saved = browser.post(&path, &form).await;
    let seq: String = location(&saved)
        .split("saved=")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    // Correction: the form starts from the record; a reason is required.
    let correct = browser
        .get(&format!("{path}?type=text_document&supersedes={seq}"))
        .await;
    assert!(
        correct.text.contains("value=\"原标题\""),
        "{}",
        correct.text
    );
    let mut fixed = form.clone();
    fixed.retain(|(k, _)| *k != "supersedes" && *k != "f.title");
    fixed.push(("supersedes", &seq));
    fixed.push(("f.title", "更正后的标题"));
    let refused = browser.post(&path, &fixed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("更正须写明理由"));
    fixed.push(("correction_reason", "标题笔误"));
    let corrected = browser.post(&path, &fixed).await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.text
    );
    let page = browser.get(&format!("/workbench/cases/{case}")).await;
    assert!(page.text.contains("已被更正"));
    assert!(page.text.contains("标题笔误"));

    // Void: a reason is required; the record stays, marked 已作废.
    let new_seq: String = location(&corrected)
        .split("saved=")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let void_path = format!("/workbench/cases/{case}/records/{new_seq}/void");
    let csrf = browser.csrf(&void_path).await;
    let empty = browser
        .post(&void_path, &[("csrf", &csrf), ("reason", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let voided = browser
        .post(&void_path, &[("csrf", &csrf), ("reason", "重复录入")])
        .await;
    assert_eq!(voided.status, StatusCode::SEE_OTHER, "{}", voided.text);
    let page = browser.get(&format!("/workbench/cases/{case}")).await;
    assert!(page.text.contains("已作废"));
    assert!(
        page.text.contains("更正后的标题"),
        "a voided record stays on the timeline"
    );
}

#[tokio::test]
async fn workbench_pages_are_never_json_and_show_no_codes() {
    let api = api().await;
    let case = case_of_body_a(&api).await;
    let mut browser = Browser::new(&api);
    browser.sign_in("off1").await;
    for path in [
        "/workbench".to_owned(),
        "/workbench/cases".to_owned(),
        "/workbench/cases/new".to_owned(),
        "/workbench/cases/new?procedure=penalty_ordinary&intake=r8_initiation".to_owned(),
        format!("/workbench/cases/{case}"),
        format!("/workbench/cases/{case}/records/new?type=text_document"),
        format!("/workbench/cases/{case}/records/2/proof"),
    ] {
        let page = browser.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        assert!(is_html(&page), "{path}");
        // Visible text only: strip tags and attribute values.
        let mut visible = String::new();
        let mut in_tag = false;
        for ch in page.text.chars() {
            match ch {
                '<' => in_tag = true,
                '>' => {
                    in_tag = false;
                    visible.push(' ');
                }
                _ if !in_tag => visible.push(ch),
                _ => {}
            }
        }
        for code in [
            "OFFICER",
            "UNIT_HEAD",
            "r8_initiation",
            "penalty_ordinary",
            "text_document",
        ] {
            assert!(!visible.contains(code), "{path} shows {code}");
        }
    }
}

#[tokio::test]
async fn the_idle_clock_is_shared_by_every_node_of_a_deployment() {
    let idle = time::Duration::milliseconds(600);
    let config = WebConfig {
        secure_cookies: false,
        idle_timeout: idle,
        password_params: liuhen_web::password::PasswordParams::INSECURE_FAST,
        ..WebConfig::default()
    };
    let api = api_with(config.clone()).await;
    // A second node over the same store: its own memory, the same sessions.
    let signer = liuhen_ledger::signer::Ed25519Signer::generate(common::ORIGIN).unwrap();
    let keys = liuhen_web::state::LogKeys {
        origin: common::ORIGIN.to_owned(),
        profile: liuhen_ledger::hash::HashProfile::Sm3,
        verifier_keys: vec![signer.verifier_key()],
        signers: vec![Box::new(signer)],
    };
    let node_b = liuhen_web::state::AppState::new(
        api.state.services.clone(),
        api.state.store.clone(),
        keys,
        config,
    )
    .unwrap();
    let mut on_a = Browser::new(&api);
    on_a.sign_in("off1").await;
    let mut on_b = on_a.on(&node_b);
    // The user works on node B for longer than the idle time; node A is not told directly.
    for _ in 0..4 {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        let page = on_b.get("/workbench").await;
        assert_eq!(page.status, StatusCode::OK);
    }
    let page = on_a.get("/workbench").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "active on node B, so active on node A"
    );
    // Then nobody uses the session: both nodes end it.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let ended = on_b.get("/workbench").await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert!(location(&ended).contains("why=idle"));
    let on_api = on_a.get("/api/v1/session").await;
    assert_eq!(
        on_api.status,
        StatusCode::UNAUTHORIZED,
        "the cookie session is gone everywhere"
    );
}
