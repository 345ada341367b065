//! The verifiable log: signed checkpoint, inclusion proofs and verifier keys. Public (no sign-in):
//! leaves commit to record hashes, not to personal data (DESIGN.md "The verifiable log"), and
//! anyone holding a record must be able to check it (principle 5, "Verify, don't trust").

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use liuhen_core::ids::LogIndex;
use liuhen_ledger::hash::Hash;
use liuhen_ledger::proof::{ConsistencyProof, InclusionProof};

use crate::dto::{ConsistencyProofDto, ConsistencyQuery, InclusionProofDto, ProofQuery};
use crate::error::{ApiError, ErrorBody};
use crate::extract::AppQuery;
use crate::signed_checkpoint::NoteError;
use crate::state::AppState;

/// The current checkpoint as a C2SP signed note (origin, size, base64 root, signatures).
#[utoipa::path(
    get,
    path = "/log/checkpoint",
    tag = "log",
    responses(
        (status = 200, description = "Signed note (C2SP tlog-checkpoint)", body = String, content_type = "text/plain"),
    )
)]
pub(crate) async fn checkpoint(State(state): State<AppState>) -> Result<Response, ApiError> {
    let note = match state.checkpoint.current(&state).await {
        Ok(signed) => signed.note,
        Err(NoteError::Core(err)) => return Err(err.into()),
        Err(NoteError::Signing(err)) => return Err(ApiError::Internal(err)),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        note,
    )
        .into_response())
}

/// The verifier keys of the checkpoint signers, one per line (`name+keyid+base64`).
#[utoipa::path(
    get,
    path = "/log/verifier-keys",
    tag = "log",
    responses((status = 200, description = "Verifier keys, one per line", body = String, content_type = "text/plain"))
)]
pub(crate) async fn verifier_keys(State(state): State<AppState>) -> Response {
    let mut text = String::new();
    for key in &state.log_keys.verifier_keys {
        text.push_str(key);
        text.push('\n');
    }
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

/// Inclusion proof of leaf `index` in the tree of `size` leaves (RFC 9162 §2.1.3), as the
/// `liuhen-inclusion-proof/1` document of `docs/formats/proof.md`.
#[utoipa::path(
    get,
    path = "/log/proof",
    tag = "log",
    params(ProofQuery),
    responses(
        (status = 200, description = "Inclusion proof document", body = InclusionProofDto),
        (status = 400, description = "index >= size, or bad query", body = ErrorBody),
        (status = 404, description = "size larger than the log", body = ErrorBody),
    )
)]
pub(crate) async fn proof(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<ProofQuery>,
) -> Result<Response, ApiError> {
    let log_state = state.services.log_state().await?;
    let size = query.size.unwrap_or(log_state.size);
    if size > log_state.size {
        return Err(ApiError::NotFound(format!(
            "tree size {size} > log size {}",
            log_state.size
        )));
    }
    if query.index >= size {
        return Err(ApiError::Invalid {
            field: "index".to_owned(),
            reason: format!("须小于树大小 {size}"),
        });
    }
    let leaf = state
        .store
        .read_log(LogIndex(query.index), 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound(format!("leaf {}", query.index)))?;
    let profile = state.log_keys.profile;
    let hashes = state
        .services
        .prove_inclusion(LogIndex(query.index), size)
        .await?;
    let proof = InclusionProof {
        profile,
        index: query.index,
        size,
        leaf_hash: profile.leaf_hash(&leaf.hash),
        hashes: hashes.into_iter().map(Hash::from_bytes).collect(),
    };
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        proof.to_json(),
    )
        .into_response())
}

/// Consistency proof between tree sizes `old` and `new` (RFC 9162 §2.1.4), as the
/// `liuhen-consistency-proof/1` document: shows that the log of `new` leaves extends the log of
/// `old` leaves unchanged (monitors check it between two checkpoints).
#[utoipa::path(
    get,
    path = "/log/consistency",
    tag = "log",
    params(ConsistencyQuery),
    responses(
        (status = 200, description = "Consistency proof document", body = ConsistencyProofDto),
        (status = 400, description = "old is 0 or larger than new, or bad query", body = ErrorBody),
        (status = 404, description = "new larger than the log", body = ErrorBody),
    )
)]
pub(crate) async fn consistency(
    State(state): State<AppState>,
    AppQuery(query): AppQuery<ConsistencyQuery>,
) -> Result<Response, ApiError> {
    let log_state = state.services.log_state().await?;
    let new = query.new.unwrap_or(log_state.size);
    if new > log_state.size {
        return Err(ApiError::NotFound(format!(
            "tree size {new} > log size {}",
            log_state.size
        )));
    }
    // RFC 9162 §2.1.4 defines proofs for 0 < old <= new only.
    if query.old == 0 || query.old > new {
        return Err(ApiError::Invalid {
            field: "old".to_owned(),
            reason: format!("须满足 0 < old ≤ new（new = {new}）"),
        });
    }
    let hashes = state.services.prove_consistency(query.old, new).await?;
    let proof = ConsistencyProof {
        profile: state.log_keys.profile,
        old_size: query.old,
        new_size: new,
        hashes: hashes.into_iter().map(Hash::from_bytes).collect(),
    };
    Ok((
        [(header::CONTENT_TYPE, "application/json")],
        proof.to_json(),
    )
        .into_response())
}
