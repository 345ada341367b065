//! Names of the periods in the default table (`rules/periods.toml`), so that callers do not
//! spell them by hand. A test checks that each one exists in the embedded table.

/// D12-b: disclosure within 20 working days of formation or change.
pub const DISCLOSURE: &str = "disclosure";
/// D12-c: 许可/处罚 decision published within 7 working days.
pub const DISCLOSURE_DECISION: &str = "disclosure-decision";
/// D9-a: annual data by 31 January of the next year.
pub const ANNUAL_DATA: &str = "annual-data";
/// R28-a: A/V stored within 2 working days.
pub const AV_STORAGE: &str = "av-storage";
/// R29-a: case file archived within 30 days of execution ending.
pub const ARCHIVE: &str = "archive";
/// 《行政处罚法》第六十条: decision within 90 days of 立案.
pub const PENALTY_DECISION: &str = "penalty-decision";
/// 《行政处罚法》第六十一条: decision delivered within 7 working days.
pub const PENALTY_DELIVERY: &str = "penalty-delivery";
/// 《行政处罚法》第四十八条: published decision withdrawn within 3 working days.
pub const PENALTY_WITHDRAWAL: &str = "penalty-withdrawal";
/// 《行政处罚法》第六十四条（一）: hearing requested within 5 working days.
pub const HEARING_REQUEST: &str = "hearing-request";
/// 《行政处罚法》第六十四条（二）: hearing notice 7 working days before.
pub const HEARING_NOTICE: &str = "hearing-notice";
/// 《行政处罚法》第六十七条: fine paid within 15 days of receipt.
pub const FINE_PAYMENT: &str = "fine-payment";
/// 《行政强制法》第二十五条: 查封、扣押 30 (+30) days.
pub const SEIZURE: &str = "seizure";
/// 《行政强制法》第五十四条: 10 working days after the 催告 before applying to court.
pub const COURT_APPLICATION_AFTER_REMINDER: &str = "court-application-after-reminder";
/// 《行政强制法》第五十三条: court application within 3 months.
pub const COURT_APPLICATION: &str = "court-application";
/// 《行政许可法》第三十二条: supplement notice within 5 working days.
pub const LICENCE_SUPPLEMENT_NOTICE: &str = "licence-supplement-notice";
/// 《行政许可法》第四十二条: licensing decision within 20 (+10) working days.
pub const LICENCE_DECISION: &str = "licence-decision";
/// 《行政许可法》第四十四条: certificate within 10 working days.
pub const LICENCE_CERTIFICATE: &str = "licence-certificate";

/// Every name above, in table order.
pub const ALL: &[&str] = &[
    DISCLOSURE,
    DISCLOSURE_DECISION,
    ANNUAL_DATA,
    AV_STORAGE,
    ARCHIVE,
    PENALTY_DECISION,
    PENALTY_DELIVERY,
    PENALTY_WITHDRAWAL,
    HEARING_REQUEST,
    HEARING_NOTICE,
    FINE_PAYMENT,
    SEIZURE,
    COURT_APPLICATION_AFTER_REMINDER,
    COURT_APPLICATION,
    LICENCE_SUPPLEMENT_NOTICE,
    LICENCE_DECISION,
    LICENCE_CERTIFICATE,
];
