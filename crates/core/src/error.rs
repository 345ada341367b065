//! The core's errors. A refusal is a value carrying the requirement IDs and the rule set's Chinese
//! message (STYLE.md "Errors"); callers test IDs, not wording.

use crate::ids::RequirementId;
use crate::ports::StoreError;

/// A rule refused the command. `message` comes from the rule set, in Chinese, and names what is
/// missing; `ids` are the requirement IDs (and `citation` the article) that demand it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Requirement IDs, e.g. `["L2-a"]`.
    pub ids: Vec<RequirementId>,
    /// The Chinese message for the user, e.g. `决定书作出前须经法制审核`.
    pub message: String,
    /// The article the rule rests on, e.g. `《重大执法决定法制审核办法》第二条`.
    pub citation: String,
    /// Machine-readable details (field names that are missing, the gate that failed).
    pub details: Vec<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.ids.iter().map(RequirementId::as_str).collect();
        write!(f, "{}（{}）", self.message, ids.join("、"))?;
        if !self.citation.is_empty() {
            write!(f, " {}", self.citation)?;
        }
        Ok(())
    }
}

/// Errors of the core crate.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A rule refused the command (a gate, a missing field, a role not allowed).
    #[error("{0}")]
    Refused(Refusal),
    /// The caller's roles or scope do not allow the command (deny by default, DESIGN.md
    /// "Roles"): a SUPERVISOR writing (L13-a, D15-b), an administrator performing a legal step
    /// (L2-a), a non-AUDITOR reading the audit log (R4-b). Like a refusal it carries the
    /// requirement IDs and a Chinese message, so the API's 403 names the rule; it differs from
    /// [`CoreError::Refused`] in that no rule of the *case* failed — the caller may not act at all.
    /// Boxed so that two refusal-sized variants do not make every `Result` carry a larger error.
    #[error("forbidden: {0}")]
    Forbidden(Box<Refusal>),
    /// The object does not exist (or is outside the caller's scope and must not be revealed).
    #[error("not found: {0}")]
    NotFound(String),
    /// The input is malformed (wrong type, unknown field, bad date) — reported before any rule runs.
    #[error("invalid input at {field}: {reason}")]
    Invalid {
        /// The field or path that is wrong.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An identifier has characters outside `[A-Za-z0-9._-]` or the wrong length.
    #[error("invalid {what}: {value:?}")]
    InvalidId {
        /// Which kind of identifier.
        what: &'static str,
        /// The offending value (truncated).
        value: String,
    },
    /// A value cannot be written as canonical JSON (a non-integer or unsafe number at `path`).
    #[error("value at {path} cannot be canonicalised (only integers up to 2^53-1 are allowed)")]
    NotCanonical {
        /// JSON path of the offending value.
        path: String,
    },
    /// A rule set failed to load; each diagnostic names file, line and rule.
    #[error("rule set rejected: {0:?}")]
    RuleSet(Vec<String>),
    /// Another writer appended to the same stream first; the command may be retried.
    #[error("concurrent update of {0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl CoreError {
    /// A [`CoreError::Forbidden`] citing `ids` (requirement IDs, or `§1` — requirements.md §1
    /// "Roles" — where no numbered requirement covers the role, as for account administration).
    pub fn forbidden(ids: &[&str], message: impl Into<String>) -> CoreError {
        CoreError::Forbidden(Box::new(Refusal {
            ids: ids.iter().map(|id| RequirementId::new(*id)).collect(),
            message: message.into(),
            citation: String::new(),
            details: Vec::new(),
        }))
    }

    /// The refusal, if this error is one.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            CoreError::Refused(refusal) => Some(refusal),
            _ => None,
        }
    }
}

impl From<Refusal> for CoreError {
    fn from(refusal: Refusal) -> Self {
        CoreError::Refused(refusal)
    }
}
