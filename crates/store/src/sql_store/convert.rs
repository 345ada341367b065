//! Conversions between core types and the column encodings of migrations 0002: numbers as
//! signed 64-bit integers, instants as RFC 3339 text, dates as Julian day numbers, hashes as
//! 32-byte blobs. Every value read back is untrusted (a row may have been edited by hand), so
//! each decoder returns [`StoreError::Corrupt`] naming the place instead of panicking.

use liuhen_core::ids::{BodyId, CaseId, StreamId, UserId};
use liuhen_core::ports::{Digest32, ProjectionKind, StoreError};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use super::error::SqlStoreError;

/// Every projection kind, for decoding the `kind` column.
const PROJECTION_KINDS: [ProjectionKind; 8] = [
    ProjectionKind::Case,
    ProjectionKind::Body,
    ProjectionKind::Officer,
    ProjectionKind::PowerItem,
    ProjectionKind::User,
    ProjectionKind::Disclosure,
    ProjectionKind::DisclosureRequest,
    ProjectionKind::DisclosureSettings,
];

/// Wraps a store-specific error as the port's `Backend` error.
pub(crate) fn backend(error: SqlStoreError) -> StoreError {
    StoreError::Backend(Box::new(error))
}

/// Wraps a database error.
pub(crate) fn db(error: sqlx::Error) -> StoreError {
    backend(SqlStoreError::Database(error))
}

/// A `u64` for an `INTEGER`/`BIGINT` column. Values above `i64::MAX` cannot be stored; they
/// never occur for sequence numbers or log indexes (the log refuses to grow past
/// `liuhen_ledger::tree::MAX_TREE_SIZE`), so this is an input error, not corruption.
pub(crate) fn to_i64(what: &'static str, value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| backend(SqlStoreError::OutOfRange { what, value }))
}

/// A stored `INTEGER`/`BIGINT` read back as `u64`; negative values are corrupt (the schema's
/// CHECK constraints forbid them).
pub(crate) fn to_u64(place: &str, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value)
        .map_err(|_| StoreError::Corrupt(format!("{place}: negative value {value}")))
}

/// A stored hash must be exactly 32 bytes.
pub(crate) fn to_digest(place: &str, bytes: &[u8]) -> Result<Digest32, StoreError> {
    Digest32::try_from(bytes).map_err(|_| {
        StoreError::Corrupt(format!("{place}: hash has {} bytes, not 32", bytes.len()))
    })
}

/// An instant as RFC 3339 text, keeping its offset (T1: Asia/Shanghai, +08:00).
pub(crate) fn instant_to_text(
    what: &'static str,
    instant: OffsetDateTime,
) -> Result<String, StoreError> {
    instant.format(&Rfc3339).map_err(|error| {
        backend(SqlStoreError::Instant {
            what,
            message: error.to_string(),
        })
    })
}

/// Parses stored RFC 3339 text.
pub(crate) fn text_to_instant(place: &str, text: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|error| StoreError::Corrupt(format!("{place}: bad instant {text:?}: {error}")))
}

/// A date as its Julian day number, so that SQL compares dates numerically on both backends.
pub(crate) fn date_to_day(date: Date) -> i64 {
    i64::from(date.to_julian_day())
}

/// Reads a Julian day number back.
pub(crate) fn day_to_date(place: &str, day: i64) -> Result<Date, StoreError> {
    i32::try_from(day)
        .ok()
        .and_then(|day| Date::from_julian_day(day).ok())
        .ok_or_else(|| StoreError::Corrupt(format!("{place}: bad Julian day {day}")))
}

/// Decodes a stored projection kind.
pub(crate) fn to_kind(place: &str, text: &str) -> Result<ProjectionKind, StoreError> {
    PROJECTION_KINDS
        .into_iter()
        .find(|kind| kind.as_str() == text)
        .ok_or_else(|| StoreError::Corrupt(format!("{place}: unknown projection kind {text:?}")))
}

/// Decodes a stored stream name.
pub(crate) fn to_stream(place: &str, text: &str) -> Result<StreamId, StoreError> {
    StreamId::parse(text).map_err(|error| StoreError::Corrupt(format!("{place}: {error}")))
}

/// Decodes a stored body id.
pub(crate) fn to_body(place: &str, text: &str) -> Result<BodyId, StoreError> {
    BodyId::new(text).map_err(|error| StoreError::Corrupt(format!("{place}: {error}")))
}

/// Decodes a stored case id.
pub(crate) fn to_case(place: &str, text: &str) -> Result<CaseId, StoreError> {
    CaseId::new(text).map_err(|error| StoreError::Corrupt(format!("{place}: {error}")))
}

/// Decodes a stored user id.
pub(crate) fn to_user(place: &str, text: &str) -> Result<UserId, StoreError> {
    UserId::new(text).map_err(|error| StoreError::Corrupt(format!("{place}: {error}")))
}

/// Parses stored projection JSON.
pub(crate) fn to_json(place: &str, text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text)
        .map_err(|error| StoreError::Corrupt(format!("{place}: bad JSON: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_julian_days_in_order() {
        let earlier = Date::from_calendar_date(1999, time::Month::December, 31).unwrap();
        let later = Date::from_calendar_date(2024, time::Month::February, 29).unwrap();
        assert!(date_to_day(earlier) < date_to_day(later));
        assert_eq!(day_to_date("t", date_to_day(later)).unwrap(), later);
        assert!(matches!(
            day_to_date("t", i64::MAX),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn instants_keep_their_offset() {
        let instant = time::macros::datetime!(2024-03-01 09:30:00.123 +08:00);
        let text = instant_to_text("t", instant).unwrap();
        assert_eq!(text, "2024-03-01T09:30:00.123+08:00");
        let back = text_to_instant("t", &text).unwrap();
        assert_eq!(back, instant);
        assert_eq!(back.offset(), instant.offset());
    }

    #[test]
    fn corrupt_values_are_reported_not_panicked_on() {
        assert!(matches!(
            to_digest("t", &[0; 31]),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(to_u64("t", -1), Err(StoreError::Corrupt(_))));
        assert!(matches!(to_kind("t", "cases"), Err(StoreError::Corrupt(_))));
        assert!(matches!(
            to_stream("t", "evil/x"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(
            text_to_instant("t", "yesterday"),
            Err(StoreError::Corrupt(_))
        ));
        assert!(matches!(to_i64("t", u64::MAX), Err(StoreError::Backend(_))));
    }

    #[test]
    fn every_projection_kind_decodes_from_its_storage_name() {
        for kind in PROJECTION_KINDS {
            assert_eq!(to_kind("t", kind.as_str()).unwrap(), kind);
        }
    }
}
