//! Identifiers. Newtypes so that a case id is never passed where a body id is expected
//! (STYLE.md "Naming": ct-merkle's `LeafIdx`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Longest identifier accepted from outside.
const MAX_ID_LEN: usize = 64;

/// Checks that an identifier is 1–64 characters of `[A-Za-z0-9._-]`. Identifiers end up in URLs,
/// file names of case-file exports and stream names, so they are kept to a safe alphabet.
fn validate_id(what: &'static str, value: &str) -> Result<(), CoreError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CoreError::InvalidId {
            what,
            value: value.chars().take(80).collect(),
        })
    }
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps an identifier (1–64 characters of `[A-Za-z0-9._-]`).
            pub fn new(value: impl Into<String>) -> Result<Self, CoreError> {
                let value = value.into();
                validate_id($what, &value)?;
                Ok(Self(value))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Self::new(value).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_id!(
    /// 案件 — a case's internal identifier (not its human 案号, which is a field of the case).
    CaseId,
    "case id"
);
string_id!(
    /// 执法主体 — an enforcement body (行政执法机关 / 法律法规授权组织 / 受委托组织), D2-a.
    BodyId,
    "body id"
);
string_id!(
    /// A unit (内设机构) of a body, e.g. the handling unit or the legal-review office (L3-a).
    UnitId,
    "unit id"
);
string_id!(
    /// 行政执法人员 — an enforcement officer (D4-a).
    OfficerId,
    "officer id"
);
string_id!(
    /// A user account of the platform (staff). Officers are linked to users.
    UserId,
    "user id"
);
string_id!(
    /// 权力事项 — a power item (D4.2, D4-b).
    PowerItemId,
    "power item id"
);
string_id!(
    /// A record type of a rule set, e.g. `r10_1_questioning_party`.
    RecordTypeId,
    "record type id"
);
string_id!(
    /// A rule set's identifier with its version, e.g. `XC-2024`.
    RuleSetId,
    "rule set id"
);

impl CaseId {
    /// A fresh, time-ordered case id (UUID v7 in simple form). Time order keeps case lists and
    /// B-tree indexes in creation order without another column.
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().simple().to_string())
    }
}

/// The stream a record belongs to: one per case and one per registry entry. Every stream has
/// its own gap-free sequence (R4 可追溯) and hash chain; all streams share one global log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StreamId(String);

impl StreamId {
    /// The stream of a case: `case/<id>`.
    pub fn case(case_id: &CaseId) -> Self {
        Self(format!("case/{case_id}"))
    }
    /// The stream of a body's registry entry: `body/<id>`.
    pub fn body(body_id: &BodyId) -> Self {
        Self(format!("body/{body_id}"))
    }
    /// The stream of an officer's registry entry: `officer/<id>`.
    pub fn officer(officer_id: &OfficerId) -> Self {
        Self(format!("officer/{officer_id}"))
    }
    /// The stream of a user's registry entry: `user/<id>`.
    pub fn user(user_id: &UserId) -> Self {
        Self(format!("user/{user_id}"))
    }
    /// The stream of a power item's registry entry: `power/<id>`.
    pub fn power_item(power_item_id: &PowerItemId) -> Self {
        Self(format!("power/{power_item_id}"))
    }

    /// The stream of a body's legal-review catalogue (目录清单, L5-b) and review time limits
    /// (L5-a): `catalogue/<body id>`. Every change is a record, so the catalogue in force at any
    /// moment can be refolded (L5-b: matching uses the version in force at determination time).
    pub fn catalogue(body_id: &BodyId) -> Self {
        Self(format!("catalogue/{body_id}"))
    }
    /// The stream of a reviewer's qualification profile (L3-c): `reviewer/<user id>`.
    pub fn reviewer(user_id: &UserId) -> Self {
        Self(format!("reviewer/{user_id}"))
    }

    /// The stream of a disclosure item, correction request or body disclosure settings
    /// (issue 8, D3–D15): `disclosure/<id>`. The id must be a valid identifier.
    pub fn disclosure(id: &str) -> Result<Self, CoreError> {
        validate_id("disclosure id", id)?;
        Ok(Self(format!("disclosure/{id}")))
    }

    /// Like [`StreamId::disclosure`] for ids the core generated itself (always valid).
    pub(crate) fn disclosure_raw(id: &str) -> Self {
        Self(format!("disclosure/{id}"))
    }

    /// Parses a stored stream name, accepting only the kinds above.
    pub fn parse(value: &str) -> Result<Self, CoreError> {
        let Some((kind, id)) = value.split_once('/') else {
            return Err(CoreError::InvalidId {
                what: "stream id",
                value: value.to_owned(),
            });
        };
        validate_id("stream id", id)?;
        match kind {
            "case" | "body" | "officer" | "user" | "power" | "catalogue" | "reviewer"
            | "disclosure" => Ok(Self(value.to_owned())),
            _ => Err(CoreError::InvalidId {
                what: "stream id",
                value: value.to_owned(),
            }),
        }
    }

    /// The stream name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The kind part (`case`, `body`, …).
    pub fn kind(&self) -> &str {
        self.0.split_once('/').map_or("", |(kind, _)| kind)
    }

    /// The id part.
    pub fn id(&self) -> &str {
        self.0.split_once('/').map_or("", |(_, id)| id)
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Position of a record within its stream, starting at 1. Gap-free per stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StreamSeq(pub u64);

/// Position of a leaf in the global verifiable log, starting at 0 (RFC 9162 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LogIndex(pub u64);

/// A requirement ID of `seed/requirements.md`, e.g. `L2-a`, `R28-a`, `D4.3`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequirementId(String);

impl RequirementId {
    /// Wraps a requirement ID. The rule-set loader checks the shape (`[DRLT]\d+…`).
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The ID as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequirementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_reject_unsafe_characters() {
        assert!(CaseId::new("abc-1.2_3").is_ok());
        for bad in ["", "a/b", "../x", "案件", "a b", &"x".repeat(65)] {
            assert!(CaseId::new(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn stream_ids_round_trip_and_refuse_unknown_kinds() {
        let case_id = CaseId::new("c1").unwrap();
        let stream = StreamId::case(&case_id);
        assert_eq!(stream.as_str(), "case/c1");
        assert_eq!(StreamId::parse("case/c1").unwrap(), stream);
        assert_eq!(stream.kind(), "case");
        assert_eq!(stream.id(), "c1");
        assert!(StreamId::parse("evil/c1").is_err());
        assert!(StreamId::parse("case/../x").is_err());
        assert!(StreamId::parse("case").is_err());
    }

    #[test]
    fn generated_case_ids_are_valid_and_distinct() {
        let a = CaseId::generate();
        let b = CaseId::generate();
        assert_ne!(a, b);
        assert!(CaseId::new(a.as_str()).is_ok());
    }
}
