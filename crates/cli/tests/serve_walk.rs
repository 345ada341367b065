//! The "Done when": on the demo data, `liuhen serve` answers over HTTP; a demo officer
//! signs in, a penalty case is walked from 立案 to 结案 by the body's staff, and a record's
//! inclusion is verified against the published checkpoint with `liuhen log verify-inclusion`.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use serde_json::{Value, json};

const PASSWORD: &str = "liuhen-demo-2026";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn liuhen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_liuhen"))
        .args(args)
        .output()
        .expect("run liuhen")
}

/// Sends one request on a fresh connection; returns status and body text.
async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, String) {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let mut builder = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let bytes = match body {
        Some(value) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(value.to_string())
        }
        None => Bytes::new(),
    };
    let response = sender
        .send_request(builder.body(Full::new(bytes)).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&text).into_owned())
}

async fn login(addr: SocketAddr, user: &str) -> String {
    let (status, text) = send(
        addr,
        "POST",
        "/api/v1/session",
        None,
        Some(&json!({"username": user, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200, "login {user}: {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    body["token"].as_str().unwrap().to_owned()
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .to_offset(liuhen_core::CHINA_OFFSET)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

fn party() -> Value {
    json!({"kind": "organization", "name": "枣庄市薛城区示例商行", "uscc": "91350100M000100Y43",
           "legal_representative": "王示例", "address": "枣庄市薛城区示例路1号", "phone": "0632-0000000"})
}

const FILE_HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_walks_a_penalty_case_from_initiation_to_closure_and_proves_inclusion() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let dir_arg = dir.to_str().unwrap().to_owned();
    let made = liuhen(&["demo", "--no-serve", "--data-dir", &dir_arg]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_liuhen"))
            .args([
                "serve",
                "--data-dir",
                &dir_arg,
                "--listen",
                &addr.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut up = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "server did not start");

    let officer = login(addr, "scjg-officer1").await;
    let unit_head = login(addr, "scjg-unithead").await;
    let head = login(addr, "scjg-head").await;
    let reviewer = login(addr, "scjg-reviewer").await;
    let archivist = login(addr, "scjg-archivist").await;

    let open = json!({
        "procedure": "penalty_ordinary", "body": "xc-scjgj", "power_item": "xc-scjgj-food",
        "title": "枣庄市薛城区示例商行销售超过保质期食品案",
        "intake": {"record_type": "r8_initiation", "event_time": now(), "data": {
            "reason": "日常检查发现销售超过保质期食品", "source": "监督检查发现", "party": party(),
            "facts": "货架陈列超过保质期的鲜牛奶12盒。", "officer_opinion": "建议立案调查。"}}
    });
    let (status, text) = send(addr, "POST", "/api/v1/cases", Some(&officer), Some(&open)).await;
    assert_eq!(status, 201, "{text}");
    let created: Value = serde_json::from_str(&text).unwrap();
    let case = created["case_id"].as_str().unwrap().to_owned();
    let records_path = format!("/api/v1/cases/{case}/records");
    let officers = json!(["scjg-o1", "scjg-o2"]);

    let steps: Vec<(&str, &str, Value)> = vec![
        (
            &unit_head,
            "r8_unit_opinion",
            json!({"proposal": "建议立案", "opinion": "同意立案。"}),
        ),
        (
            &head,
            "r8_head_opinion",
            json!({"decision": "立案", "opinion": "同意。"}),
        ),
        (
            &officer,
            "r10_4_onsite_inspection",
            json!({"place": "枣庄市薛城区示例路1号", "officers": officers, "credentials_shown": true,
            "inspected_objects": "场所和物品", "persons_present": [{"person": {"name": "王示例"}, "role": "法定代表人"}],
            "content": "货架陈列超过保质期的鲜牛奶12盒。", "confirmation": "当事人签名", "document_file": FILE_HASH}),
        ),
        (
            &officer,
            "investigation_concluded",
            json!({"facts": "当事人销售超过保质期的食品。", "proposal": "建议没收并罚款。"}),
        ),
        (
            &officer,
            "r13_examination",
            json!({"findings": "事实清楚，证据确凿。", "proposed_decision": "没收违法食品，罚款50000元。"}),
        ),
        (
            &unit_head,
            "r13_unit_review",
            json!({"conclusion": "同意", "opinion": "同意。"}),
        ),
        (
            &head,
            "r13_head_approval",
            json!({"conclusion": "批准", "opinion": "同意。"}),
        ),
        (
            &officer,
            "r14_statement_notice",
            json!({"facts": "销售超过保质期食品。", "evidence": "现场检查笔录。",
            "basis": "《中华人民共和国食品安全法》第一百二十四条", "content": "罚款50000元。", "rights": "当事人有权陈述和申辩。",
            "period_days": 5, "hearing_rights": false}),
        ),
        (
            &officer,
            "r14_statement_response",
            json!({"notice_ref": 0, "response": "明确放弃", "waiver_form": "书面声明"}),
        ),
        (
            &unit_head,
            "l6_review_submission",
            json!({"draft_ref": 0, "draft_decision": "罚款50000元。", "evidence": [0],
            "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款第五项", "discretion_standard": "本机关行政处罚裁量基准",
            "summary": "销售超过保质期食品。",
            "attestation": "本机构对送审材料的真实性、准确性、完整性，以及执法的事实、证据、法律适用、程序的合法性负责。"}),
        ),
        (
            &reviewer,
            "l8_review_approved",
            json!({"submission_ref": 0, "l7_1_note": "主体合法", "l7_2_note": "持证", "l7_3_note": "程序合法",
            "l7_4_note": "事实清楚", "l7_5_note": "适用正确", "l7_6_note": "未越权", "l7_7_note": "文书完备", "l7_8_note": "否", "l7_9_note": "无",
            "l7_1": "符合", "l7_2": "符合", "l7_3": "符合", "l7_4": "符合", "l7_5": "符合",
            "l7_6": "符合", "l7_7": "符合", "l7_8": "否", "l7_9": "无", "opinion": "同意。", "reviewers": [{"name": "褚文静"}]}),
        ),
        (
            &head,
            "r16_penalty_decision",
            json!({"outcome": "给予行政处罚", "party": party(), "facts_evidence": "销售超过保质期食品，有现场检查笔录为证。",
            "penalties": [{"kind": "罚款", "detail": "50000元"}], "fine_fen": 5_000_000u64,
            "legal_basis": "《中华人民共和国食品安全法》第一百二十四条第一款第五项", "performance": "十五日内缴纳",
            "remedy": "六十日内申请行政复议或者六个月内提起行政诉讼", "signing_opinion": "同意。", "sealed": true}),
        ),
        (
            &officer,
            "r18_direct_delivery",
            json!({"documents": [{"name": "行政处罚决定书"}], "document_refs": [0], "place": "当事人经营场所",
            "sealed": true, "officers": officers, "recipient_kind": "受送达人", "recipient": {"name": "王示例"}, "receipt_file": FILE_HASH}),
        ),
        (
            &officer,
            "r17_decision_served",
            json!({"decision_ref": 0, "service_ref": 0}),
        ),
        (
            &officer,
            "r23_fine_payment",
            json!({"amount_fen": 5_000_000u64, "channel": "电子支付系统", "receipt_no": "37040000001"}),
        ),
        (
            &officer,
            "r23_execution_status",
            json!({"status": "执行终结", "conclusion_reason": "罚款已缴纳。"}),
        ),
        (
            &unit_head,
            "case_closure",
            json!({"reason": "执行完毕", "summary": "已执行完毕。", "opinion": "同意结案。"}),
        ),
        (
            &archivist,
            "r29_archive",
            json!({"archive_no": "薛市监-2026-0001", "retention": "30年", "volumes": 1, "pages": 30,
            "location": "档案室", "hashes_verified": true}),
        ),
    ];
    let mut seq_of: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut decision: Option<(u64, String)> = None;
    for (token, record_type, mut data) in steps {
        // References point at the latest record of the referenced type.
        let refs = [
            ("notice_ref", "r14_statement_notice"),
            ("decision_ref", "r16_penalty_decision"),
            ("service_ref", "r18_direct_delivery"),
            ("draft_ref", "r13_examination"),
            ("submission_ref", "l6_review_submission"),
        ];
        for (field, target) in refs {
            if data.get(field).is_some() {
                data[field] = json!(seq_of[target]);
            }
        }
        if data.get("document_refs").is_some() {
            data["document_refs"] = json!([seq_of["r16_penalty_decision"]]);
        }
        if data.get("evidence").is_some_and(Value::is_array) {
            data["evidence"] = json!([seq_of["r10_4_onsite_inspection"]]);
        }
        let body = json!({"record_type": record_type, "event_time": now(), "data": data});
        let (status, text) = send(addr, "POST", &records_path, Some(token), Some(&body)).await;
        assert_eq!(status, 201, "{record_type}: {text}");
        let receipt: Value = serde_json::from_str(&text).unwrap();
        seq_of.insert(record_type.to_owned(), receipt["seq"].as_u64().unwrap());
        if record_type == "r16_penalty_decision" {
            decision = Some((
                receipt["log_index"].as_u64().unwrap(),
                receipt["hash"].as_str().unwrap().to_owned(),
            ));
        }
    }
    let (status, text) = send(
        addr,
        "GET",
        &format!("/api/v1/cases/{case}"),
        Some(&officer),
        None,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("closed"), "case closed: {text}");

    // Verify the decision's inclusion against the published checkpoint, offline.
    let (index, hash) = decision.unwrap();
    let (status, checkpoint) = send(addr, "GET", "/api/v1/log/checkpoint", None, None).await;
    assert_eq!(status, 200);
    let size: u64 = checkpoint.lines().nth(1).unwrap().parse().unwrap();
    let (status, keys) = send(addr, "GET", "/api/v1/log/verifier-keys", None, None).await;
    assert_eq!(status, 200);
    let (status, proof) = send(
        addr,
        "GET",
        &format!("/api/v1/log/proof?index={index}&size={size}"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{proof}");
    let cp_file = tmp.path().join("checkpoint.txt");
    let proof_file = tmp.path().join("proof.json");
    let leaf_file = tmp.path().join("leaf.bin");
    std::fs::write(&cp_file, &checkpoint).unwrap();
    std::fs::write(&proof_file, &proof).unwrap();
    std::fs::write(&leaf_file, hex::decode(&hash).unwrap()).unwrap();
    let key = keys.lines().next().unwrap();
    let verify = |leaf: &std::path::Path| {
        liuhen(&[
            "log",
            "verify-inclusion",
            "--checkpoint",
            cp_file.to_str().unwrap(),
            "--proof",
            proof_file.to_str().unwrap(),
            "--leaf",
            leaf.to_str().unwrap(),
            "--key",
            key,
        ])
    };
    let ok = verify(&leaf_file);
    assert!(
        ok.status.success(),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    // A different record hash must not verify.
    let mut other = hex::decode(&hash).unwrap();
    other[0] ^= 1;
    let wrong_file = tmp.path().join("wrong.bin");
    std::fs::write(&wrong_file, other).unwrap();
    assert!(!verify(&wrong_file).status.success());
}
