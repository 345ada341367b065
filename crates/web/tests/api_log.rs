//! The log endpoints: the checkpoint verifies with the published verifier key, and an inclusion
//! proof for a receipt's log index verifies against it.

mod common;

use axum::http::{StatusCode, header};
use common::{Auth, ORIGIN, api, assert_error};
use liuhen_ledger::checkpoint::open_checkpoint;
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::note::Require;
use liuhen_ledger::proof::{ConsistencyProof, InclusionProof};
use liuhen_ledger::signer::Verifiers;
use liuhen_ledger::verify::TreeHead;

#[tokio::test]
async fn checkpoint_is_a_signed_note_that_verifies_with_the_published_key() {
    let api = api().await;
    let reply = api.get("/api/v1/log/checkpoint", &Auth::None).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let keys = api.get("/api/v1/log/verifier-keys", &Auth::None).await;
    assert_eq!(keys.text.trim(), api.verifier_key);
    let verifiers = Verifiers::from_verifier_keys([keys.text.trim()]).unwrap();
    let checkpoint = open_checkpoint(reply.text.as_bytes(), &verifiers, Require::AnyKey).unwrap();
    assert_eq!(checkpoint.origin(), ORIGIN);
    let state = api.state.services.log_state().await.unwrap();
    assert_eq!(
        (checkpoint.size(), checkpoint.root()),
        (state.size, state.root)
    );

    // A checkpoint with a flipped byte does not verify.
    let tampered = reply.text.replacen(
        &checkpoint.size().to_string(),
        &(checkpoint.size() + 1).to_string(),
        1,
    );
    assert!(open_checkpoint(tampered.as_bytes(), &verifiers, Require::AnyKey).is_err());
}

#[tokio::test]
async fn inclusion_proof_of_a_receipt_verifies_against_the_checkpoint() {
    let api = api().await;
    let opened = api.open_case(&api.bearer("off1").await).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    let index = opened.json["receipt"]["log_index"].as_u64().unwrap();
    let record_hash = Hash::from_hex(opened.json["receipt"]["hash"].as_str().unwrap()).unwrap();

    let note = api.get("/api/v1/log/checkpoint", &Auth::None).await.text;
    let verifiers = Verifiers::from_verifier_keys([api.verifier_key.as_str()]).unwrap();
    let checkpoint = open_checkpoint(note.as_bytes(), &verifiers, Require::AnyKey).unwrap();

    let reply = api
        .get(
            &format!("/api/v1/log/proof?index={index}&size={}", checkpoint.size()),
            &Auth::None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let proof = InclusionProof::from_json(reply.text.as_bytes()).unwrap();
    assert_eq!(
        proof.leaf_hash,
        HashProfile::Sm3.leaf_hash(record_hash.as_bytes()),
        "leaf = H(0x00 || record hash)"
    );
    let head = TreeHead {
        size: checkpoint.size(),
        root: Hash::from_bytes(checkpoint.root()),
    };
    proof.verify(&head).unwrap();

    // Without `size` the proof is for the current tree.
    let current = api
        .get(&format!("/api/v1/log/proof?index={index}"), &Auth::None)
        .await;
    assert_eq!(
        InclusionProof::from_json(current.text.as_bytes())
            .unwrap()
            .size,
        checkpoint.size()
    );

    // A proof for another leaf does not prove this record.
    let other = api
        .get(
            &format!("/api/v1/log/proof?index=0&size={}", checkpoint.size()),
            &Auth::None,
        )
        .await;
    let mut other = InclusionProof::from_json(other.text.as_bytes()).unwrap();
    other.leaf_hash = proof.leaf_hash;
    assert!(other.verify(&head).is_err());
}

#[tokio::test]
async fn proof_queries_out_of_range_are_client_errors() {
    let api = api().await;
    let size = api.state.services.log_state().await.unwrap().size;
    assert_error(
        &api.get(
            &format!("/api/v1/log/proof?index={size}&size={size}"),
            &Auth::None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_error(
        &api.get(
            &format!("/api/v1/log/proof?index=0&size={}", size + 1),
            &Auth::None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &api.get("/api/v1/log/proof?index=-1", &Auth::None).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_error(
        &api.get("/api/v1/log/proof", &Auth::None).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
}

#[tokio::test]
async fn consistency_proof_links_an_old_checkpoint_to_a_new_one() {
    let api = api().await;
    let verifiers = Verifiers::from_verifier_keys([api.verifier_key.as_str()]).unwrap();
    let old_note = api.get("/api/v1/log/checkpoint", &Auth::None).await.text;
    let old = open_checkpoint(old_note.as_bytes(), &verifiers, Require::AnyKey).unwrap();
    assert_eq!(
        api.open_case(&api.bearer("off1").await).await.status,
        StatusCode::CREATED
    );
    let new_note = api.get("/api/v1/log/checkpoint", &Auth::None).await.text;
    let new = open_checkpoint(new_note.as_bytes(), &verifiers, Require::AnyKey).unwrap();
    assert!(new.size() > old.size());

    let reply = api
        .get(
            &format!(
                "/api/v1/log/consistency?old={}&new={}",
                old.size(),
                new.size()
            ),
            &Auth::None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let proof = ConsistencyProof::from_json(reply.text.as_bytes()).unwrap();
    let old_head = TreeHead {
        size: old.size(),
        root: Hash::from_bytes(old.root()),
    };
    let new_head = TreeHead {
        size: new.size(),
        root: Hash::from_bytes(new.root()),
    };
    proof.verify(&old_head, &new_head).unwrap();
    // Swapping the roots must fail.
    assert!(
        proof
            .verify(
                &TreeHead {
                    root: new_head.root,
                    ..old_head
                },
                &new_head
            )
            .is_err()
    );

    assert_error(
        &api.get("/api/v1/log/consistency?old=0", &Auth::None).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    let too_big = format!("/api/v1/log/consistency?old=1&new={}", new.size() + 1);
    assert_error(
        &api.get(&too_big, &Auth::None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}
