//! The review catalogue (L5-b) drives the L4 determination of non-penalty cases (L4-b, L4-c).

mod common;

use common::{BODY_A, District, Walker, district};
use liuhen_core::ids::BodyId;
use liuhen_core::review::{CatalogueEntry, ReviewStatus};
use serde_json::json;

fn entry(min_amount_fen: u64) -> CatalogueEntry {
    CatalogueEntry {
        id: "XK-01".into(),
        title: "涉案金额较大的行政许可".into(),
        action: Some("licensing".into()),
        level: None,
        domain: None,
        min_amount_fen: Some(min_amount_fen),
        power_items: vec![],
        triggers: vec!["L4.3".into()],
        basis: "《薛城区重大执法决定法制审核办法》第五条".into(),
        withdrawn: false,
    }
}

/// A licensing case up to the determination; records it with `amount` and `catalogue_match`
/// claimed false by the handler, and returns whether review became required.
async fn determined(d: &District, amount: u64) -> (Walker<'_>, bool) {
    let mut w = Walker::new(d, "licensing");
    w.open("r7_application").await.unwrap();
    for t in ["r7_acceptance", "licence_review", "investigation_concluded"] {
        w.ensure(t).await.unwrap();
    }
    let mut input = w.input("l4_determination").await;
    input
        .data
        .insert("amount_involved_fen".into(), json!(amount));
    // L4-c: the handler cannot remove a catalogue match; the platform's value replaces this.
    input.data.insert("catalogue_match".into(), json!(false));
    input.data.insert("catalogue_matches".into(), json!([]));
    let spec = w.spec("l4_determination");
    w.add_input(&spec, input).await.unwrap();
    let required = w.view().await.review_required();
    (w, required)
}

async fn check(amount: u64, expect_required: bool) {
    let d = district().await;
    let ahead = d.ctx("ahead").await;
    let body = BodyId::new(BODY_A).unwrap();
    d.services
        .set_catalogue_entry(&ahead, &body, entry(5_000_000))
        .await
        .unwrap();
    let (mut w, required) = determined(&d, amount).await;
    assert_eq!(required, expect_required, "amount {amount}");
    let proposal = d
        .services
        .propose_determination(&ahead, w.case_id.as_ref().unwrap(), Some(amount), None)
        .await
        .unwrap();
    assert_eq!(proposal.review_required, expect_required);
    assert_eq!(proposal.catalogue_version, 1);
    // A later catalogue change does not alter the determination already made (L5-b).
    d.services
        .set_catalogue_entry(&ahead, &body, entry(1))
        .await
        .unwrap();
    let state = d
        .services
        .review(&ahead, w.case_id.as_ref().unwrap())
        .await
        .unwrap();
    let determination = state.determination.unwrap();
    assert_eq!(determination.catalogue_version, Some(1));
    assert_eq!(determination.matches.is_empty(), !expect_required);
    // The decision waits for the L4-d confirmation and, where required, the review.
    let result = w.ensure("licence_decision").await;
    if expect_required {
        // The walker passes the review on the way (the licensing reviewer needs no 法律职业资格).
        result.unwrap();
        assert_eq!(
            d.services
                .review(&ahead, w.case_id.as_ref().unwrap())
                .await
                .unwrap()
                .status,
            ReviewStatus::Passed
        );
    } else {
        result.unwrap();
        assert_eq!(
            d.services
                .review(&ahead, w.case_id.as_ref().unwrap())
                .await
                .unwrap()
                .status,
            ReviewStatus::NotSubmitted
        );
    }
    assert!(w.view().await.has("l4_determination_confirmation"));
}

#[tokio::test]
async fn catalogue_amount_threshold_makes_review_required_at_and_above_it() {
    check(6_000_000, true).await;
    check(5_000_000, true).await;
    check(4_999_999, false).await;
}

#[tokio::test]
async fn licensing_decision_is_refused_until_the_catalogue_matched_review_passes() {
    let d = district().await;
    let ahead = d.ctx("ahead").await;
    d.services
        .set_catalogue_entry(&ahead, &BodyId::new(BODY_A).unwrap(), entry(100))
        .await
        .unwrap();
    let (mut w, required) = determined(&d, 200).await;
    assert!(required);
    for t in [
        "l4_determination_confirmation",
        "r13_examination",
        "r13_unit_review",
        "r13_head_approval",
    ] {
        w.ensure(t).await.unwrap();
    }
    let input = w.input("licence_decision").await;
    let spec = w.spec("licence_decision");
    let err = w.add_input(&spec, input).await.unwrap_err();
    let ids: Vec<String> = err
        .refusal()
        .unwrap()
        .ids
        .iter()
        .map(|i| i.as_str().to_owned())
        .collect();
    assert!(ids.iter().any(|i| i == "L2-a"), "{err}");
    // An officer cannot maintain the catalogue (L5-b).
    let off = d.ctx("off1").await;
    assert!(
        d.services
            .set_catalogue_entry(&off, &BodyId::new(BODY_A).unwrap(), entry(1))
            .await
            .is_err()
    );
}
