//! The record envelope: the one documented wire format of the core (`docs/formats/record.md`).
//!
//! Every change — a case record, a registry change, a review opinion, a disclosure — is a
//! [`Record`]: canonical JSON (RFC 8785, see [`crate::canonical`]), hashed with the log's hash
//! profile, chained to the previous record of its stream (`prev`) and appended as one leaf of the
//! global log. Nothing is edited in place: a correction is a new record whose `supersedes` names
//! the sequence number it replaces (R4-a).
//!
//! The log leaf is the record's *hash*, not its bytes, so a published log reveals nothing personal
//! (DESIGN.md "The verifiable log").

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::canonical::to_canonical_bytes;
use crate::error::CoreError;
use crate::ids::{BodyId, OfficerId, RecordTypeId, RuleSetId, StreamId, StreamSeq, UserId};
use crate::role::Role;

/// Version of the envelope format. A change that alters canonical bytes bumps it.
pub const RECORD_FORMAT_VERSION: u32 = 1;

/// One appended record (the envelope). Field order here is irrelevant: canonical bytes sort
/// members by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Envelope version, [`RECORD_FORMAT_VERSION`].
    pub v: u32,
    /// The stream (case or registry entry) the record belongs to.
    pub stream: StreamId,
    /// Position in the stream, from 1, gap-free.
    pub seq: StreamSeq,
    /// The record type from the rule set, e.g. `r8_initiation`.
    #[serde(rename = "type")]
    pub record_type: RecordTypeId,
    /// The rule set (and version) the record was checked against (I15: by trigger date).
    pub rule_set: RuleSetId,
    /// The body that owns the record (scoping, D3-a).
    pub body: BodyId,
    /// When the recorded event happened (or started), Asia/Shanghai offset (T1).
    #[serde(with = "time::serde::rfc3339")]
    pub event_time: OffsetDateTime,
    /// When the recorded activity ended, for activities with a duration (R3-a).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub event_end: Option<OffsetDateTime>,
    /// Server time of entry (R3-a, R3-d); never editable.
    #[serde(with = "time::serde::rfc3339")]
    pub entry_time: OffsetDateTime,
    /// Who entered the record, in which role.
    pub actor: Actor,
    /// The record type's fields, as the rule set defines them.
    pub data: Map<String, Value>,
    /// Files attached, by hash (the blob store keeps the bytes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileRef>,
    /// Lower-case hex hash of the previous record of the same stream; absent for `seq` 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// The earlier record of this stream that this one replaces (R4-a: supersede, never edit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<StreamSeq>,
}

/// Who made a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// The signed-in user.
    pub user: UserId,
    /// The role the user acted in.
    pub role: Role,
    /// The officer identity, when the user acted as an enforcement officer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<OfficerId>,
}

/// A file attached to a record, committed to by its hashes (R4-a, R27-c).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    /// Original file name as given by the uploader (display only).
    pub name: String,
    /// Media type sniffed from content.
    pub media_type: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 (the blob store's address).
    pub sha256: String,
    /// Lower-case hex SM3 (GB/T 32905).
    pub sm3: String,
}

impl Record {
    /// The RFC 8785 canonical bytes whose hash is the record's identity.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, CoreError> {
        let value = serde_json::to_value(self).map_err(|err| CoreError::Invalid {
            field: "record".to_owned(),
            reason: err.to_string(),
        })?;
        to_canonical_bytes(&value)
    }

    /// Parses stored canonical bytes back into a record, refusing unknown fields.
    pub fn from_bytes(bytes: &[u8]) -> Result<Record, CoreError> {
        serde_json::from_slice(bytes).map_err(|err| CoreError::Invalid {
            field: "record".to_owned(),
            reason: err.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;
    use crate::ids::CaseId;

    fn sample() -> Record {
        let data = json!({"reason": "群众举报", "amount_fen": 500000});
        Record {
            v: RECORD_FORMAT_VERSION,
            stream: StreamId::case(&CaseId::new("c1").unwrap()),
            seq: StreamSeq(1),
            record_type: RecordTypeId::new("r8_initiation").unwrap(),
            rule_set: RuleSetId::new("XC-2024").unwrap(),
            body: BodyId::new("xc-scjgj").unwrap(),
            event_time: datetime!(2024-09-27 10:00 +8),
            event_end: None,
            entry_time: datetime!(2024-09-27 10:05:01 +8),
            actor: Actor {
                user: UserId::new("u1").unwrap(),
                role: Role::Officer,
                officer: None,
            },
            data: data.as_object().cloned().unwrap_or_default(),
            files: vec![],
            prev: None,
            supersedes: None,
        }
    }

    #[test]
    fn canonical_bytes_round_trip() {
        let record = sample();
        let bytes = record.canonical_bytes().unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with(r#"{"actor":{"role":"OFFICER","user":"u1"},"body":"xc-scjgj","data":{"amount_fen":500000,"reason":"群众举报"}"#), "{text}");
        assert!(
            text.contains(r#""event_time":"2024-09-27T10:00:00+08:00""#),
            "{text}"
        );
        assert_eq!(Record::from_bytes(&bytes).unwrap(), record);
    }

    #[test]
    fn unknown_envelope_fields_are_refused() {
        let mut value = serde_json::to_value(sample()).unwrap();
        value["extra"] = json!(1);
        assert!(Record::from_bytes(value.to_string().as_bytes()).is_err());
    }
}
