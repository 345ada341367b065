//! Reviewer qualification profiles (L3-c, L3.p2): whether the reviewer holds the 法律职业资格
//! obtained through the 国家统一法律职业资格考试, and the date they first engaged in reviews of
//! penalty decisions. Recorded in `reviewer/<user>` by the system administrator (a registry
//! change, like a credential); the latest record is the profile.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{data_as, types};
use crate::error::CoreError;
use crate::record::Record;

/// The only way of obtaining the qualification that counts (L3-c).
pub const QUALIFYING_EXAM: &str = "国家统一法律职业资格考试";

/// P5: reviewers who did penalty-decision reviews before this date are not "初次从事" (I10).
pub const P5_CUTOFF: Date = match Date::from_calendar_date(2024, time::Month::September, 1) {
    Ok(date) => date,
    Err(_) => Date::MIN,
};

/// A reviewer's profile (data of `reviewer_qualification`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewerQualification {
    /// Holds the 法律职业资格.
    pub has_qualification: bool,
    /// Certificate number (法律职业资格证书编号).
    #[serde(default)]
    pub certificate_no: Option<String>,
    /// Date obtained.
    #[serde(default)]
    pub obtained_on: Option<Date>,
    /// How obtained; only [`QUALIFYING_EXAM`] counts.
    #[serde(default)]
    pub obtained_by: Option<String>,
    /// 初次从事行政处罚决定法制审核日期, for reviewers who did such reviews before the platform.
    #[serde(default)]
    pub first_penalty_review_on: Option<Date>,
    /// Evidence for the entries (e.g. 任职文件, 证书扫描件 hash).
    #[serde(default)]
    pub evidence: String,
}

impl ReviewerQualification {
    /// Checks the profile: a claimed qualification has number, date and way obtained; a
    /// claimed earlier engagement has evidence.
    pub fn validate(&self) -> Result<(), CoreError> {
        let invalid = |field: &str, reason: &str| CoreError::Invalid {
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        if self.has_qualification
            && (self
                .certificate_no
                .as_deref()
                .is_none_or(|n| n.trim().is_empty())
                || self.obtained_on.is_none()
                || self
                    .obtained_by
                    .as_deref()
                    .is_none_or(|b| b.trim().is_empty()))
        {
            return Err(invalid(
                "certificate_no",
                "持有法律职业资格的，须登记证书编号、取得日期和取得方式（L3-c）",
            ));
        }
        if self.first_penalty_review_on.is_some() && self.evidence.trim().is_empty() {
            return Err(invalid(
                "evidence",
                "登记初次从事行政处罚决定法制审核日期的，须附证明材料（L3-c）",
            ));
        }
        Ok(())
    }

    /// Whether the reviewer may review penalty decisions: the qualification obtained through
    /// the national examination, or penalty reviews before P5 (L3-c, I10).
    pub fn may_review_penalties(&self) -> bool {
        let examined = self.has_qualification
            && self
                .certificate_no
                .as_deref()
                .is_some_and(|n| !n.trim().is_empty())
            && self.obtained_by.as_deref() == Some(QUALIFYING_EXAM);
        let earlier = self.first_penalty_review_on.is_some_and(|d| d < P5_CUTOFF);
        examined || earlier
    }
}

/// Folds one reviewer-stream record (the latest profile wins).
pub fn fold_reviewer(
    _state: Option<ReviewerQualification>,
    record: &Record,
) -> Result<ReviewerQualification, CoreError> {
    if record.record_type.as_str() != types::QUALIFICATION {
        return Err(CoreError::Invalid {
            field: format!("{}#{}", record.stream, record.seq.0),
            reason: format!(
                "unexpected record type {} in a reviewer stream",
                record.record_type
            ),
        });
    }
    data_as(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn check(q: ReviewerQualification, expect: bool) {
        assert_eq!(q.may_review_penalties(), expect, "{q:?}");
    }

    fn none() -> ReviewerQualification {
        ReviewerQualification {
            has_qualification: false,
            certificate_no: None,
            obtained_on: None,
            obtained_by: None,
            first_penalty_review_on: None,
            evidence: String::new(),
        }
    }

    #[test]
    fn penalty_reviews_need_the_exam_qualification_or_engagement_before_p5() {
        check(none(), false);
        let examined = ReviewerQualification {
            has_qualification: true,
            certificate_no: Some("A2019".into()),
            obtained_on: Some(date!(2019 - 03 - 01)),
            obtained_by: Some(QUALIFYING_EXAM.into()),
            ..none()
        };
        check(examined.clone(), true);
        check(
            ReviewerQualification {
                obtained_by: Some("司法考试以外的途径".into()),
                ..examined
            },
            false,
        );
        let earlier = |d| ReviewerQualification {
            first_penalty_review_on: Some(d),
            evidence: "任职文件".into(),
            ..none()
        };
        check(earlier(date!(2024 - 08 - 31)), true);
        check(earlier(date!(2024 - 09 - 01)), false);
    }
}
