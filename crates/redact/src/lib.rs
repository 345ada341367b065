//! Detection and masking of personal information in Chinese enforcement documents, the gate every
//! public disclosure channel passes through (D10-d, P9; 《政府信息公开条例》第十五条、第三十七条;
//! 《个人信息保护法》第四条、第二十八条、第三十四条).
//!
//! # Brief overview
//!
//! - [`scan`] finds personal identifiers and names in a text and returns [`Finding`]s with exact
//!   byte and char offsets into the original text;
//! - [`redact`] applies a [`policy::Policy`] (one per [`policy::Channel`]) and returns a
//!   [`Redacted`] text;
//! - [`leak_check`] is what the publish step calls: it fails with
//!   [`error::LeakError`] while an identity number or mobile number is still in the clear, unless
//!   [`leak_check_with_override`] is called with a [`LeakOverride`] that carries a reason.
//! - [`KnownEntities`] carries the structured fields of the case (party, legal representative,
//!   witnesses, organisations), so that every occurrence of a natural person's name is masked and
//!   organisation names are never touched (D8.p2: the party's name is published).
//!
//! ```
//! use liuhen_redact::{KnownEntities, Role, redact, leak_check};
//! use liuhen_redact::policy::{Channel, Policy};
//!
//! let mut known = KnownEntities::new();
//! known.add_person("张三", Role::Party)?;
//! let text = "当事人张三，公民身份号码11010519491231002X，联系电话13812345678。";
//! assert!(leak_check(text, &known).is_err());
//!
//! let out = redact(text, &Policy::for_channel(Channel::Portal), &known);
//! assert_eq!(out.text, "当事人张某，公民身份号码110105********002X，联系电话138****5678。");
//! assert!(leak_check(&out.text, &known).is_ok());
//! # Ok::<(), liuhen_redact::error::EntityError>(())
//! ```
//!
//! # Design choices
//!
//! The scanner is hand-written rather than a set of regular expressions. Identifiers are found
//! by cutting the text into maximal runs of ASCII letters and digits (after width
//! normalisation), so an identifier can never match inside a longer run (`"ID370402…X5"` is one
//! 22-character run and matches nothing); each run, and runs joined by single spaces or dashes
//! (`138 1234 5678`, `6222 0212 …`), is then classified by length, shape and check character.
//! This makes every detector linear, without backtracking, and lets the scanner skip most Chinese
//! characters after one comparison. Check characters (GB 11643, GB 32100, Luhn) and real birth
//! dates are what keep near-misses such as order numbers, amounts and 文号 out.
//!
//! Offsets: [`Finding::bytes`] are byte offsets into the original `&str`, always on char
//! boundaries, so `&text[f.bytes.start..f.bytes.end]` never panics; [`Finding::chars`] are the
//! same span counted in Unicode scalar values, for front ends that index by character.
//!
//! Names are never guessed from free text. They come from [`KnownEntities`] or from labelled
//! fields (`当事人：张三`), and then every occurrence is masked. Tokens that are already masked
//! (`370402********123X`, `138****1234`, `张某`, `黄某某`, `李XX`) are reported with
//! [`MaskState::Masked`] and left alone, which makes [`redact`] idempotent; a mask of the wrong
//! length is reported with [`MaskState::BadMask`].
#![deny(missing_docs)]

mod check;
pub mod error;
mod names;
mod normalize;
pub mod policy;
mod scan;

use serde::{Deserialize, Serialize};

use crate::error::{EntityError, LeakError, OverrideError};
use crate::policy::{Action, Policy};

/// The kind of a finding. Serialised in `snake_case` (`id_card`, `person_name`, …), which is
/// also the key used in policy TOML files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 居民身份证号, 18 characters, GB 11643 check character and a real birth date.
    IdCard,
    /// First-generation 15-digit 居民身份证号 (no check digit; province code and birth date).
    IdCardLegacy,
    /// 统一社会信用代码 (GB 32100 check character). An organisation identifier: reported so that
    /// it is not mistaken for something else, kept by every built-in policy (D8).
    CreditCode,
    /// Mainland mobile number, 11 digits starting 13–19, optionally with +86 and separators.
    Mobile,
    /// Landline with area code (010, 02x, 0xxx) and a 7–8 digit subscriber number.
    Landline,
    /// Bank card number, 16–19 digits with a valid Luhn check digit, grouped or not.
    BankCard,
    /// E-mail address.
    Email,
    /// Motor-vehicle licence plate, including 8-character new-energy plates.
    LicencePlate,
    /// Passport or 港澳台 travel permit number.
    TravelDocument,
    /// Residential address detail below 镇/街道 level (road and number, 号楼, 单元, 室, 村组 …).
    AddressDetail,
    /// Name of a natural person from the structured fields, or a masked name token.
    PersonName,
}

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 11] = [
        Kind::IdCard,
        Kind::IdCardLegacy,
        Kind::CreditCode,
        Kind::Mobile,
        Kind::Landline,
        Kind::BankCard,
        Kind::Email,
        Kind::LicencePlate,
        Kind::TravelDocument,
        Kind::AddressDetail,
        Kind::PersonName,
    ];

    /// Chinese label used in messages and in the CLI.
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::IdCard => "居民身份证号",
            Kind::IdCardLegacy => "15位居民身份证号",
            Kind::CreditCode => "统一社会信用代码",
            Kind::Mobile => "手机号码",
            Kind::Landline => "固定电话",
            Kind::BankCard => "银行卡号",
            Kind::Email => "电子邮箱",
            Kind::LicencePlate => "机动车号牌",
            Kind::TravelDocument => "护照/港澳台通行证号",
            Kind::AddressDetail => "镇/街道以下住址",
            Kind::PersonName => "自然人姓名",
        }
    }

    /// The requirement that makes this kind matter: D10-d for personal data, D8 for the
    /// organisation identifier that is published.
    pub fn requirement(self) -> &'static str {
        match self {
            Kind::CreditCode => "D8",
            Kind::PersonName => "D10-d/P9",
            _ => "D10-d",
        }
    }

    /// Whether a public channel must not show this kind in the clear (D10-d). Names are not in
    /// this set because P9 can switch name masking off.
    pub fn is_personal_identifier(self) -> bool {
        !matches!(self, Kind::CreditCode | Kind::PersonName)
    }

    /// Whether a clear finding of this kind blocks publication in [`leak_check`]: D10-d names
    /// 18-character identity numbers and 11-digit mobile numbers; the legacy 15-digit identity
    /// number is the same document and is blocked as well.
    pub fn blocks_publication(self) -> bool {
        matches!(self, Kind::IdCard | Kind::IdCardLegacy | Kind::Mobile)
    }
}

/// Whether a finding is in the clear or already masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskState {
    /// The identifier or name is readable.
    Clear,
    /// The token is already masked in a recognised shape; it is neither re-masked nor a leak.
    Masked,
    /// The token is masked but its length is wrong for its kind (e.g. a 17-character masked
    /// identity number, `张某某` for a one-character given name); reported, never a leak.
    BadMask,
}

/// A half-open range `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First position.
    pub start: usize,
    /// One past the last position.
    pub end: usize,
}

/// The role of a natural person named in the case's structured fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 当事人 / 行政执法相对人.
    Party,
    /// 法定代表人 or 负责人 of an organisation party.
    LegalRepresentative,
    /// 证人 / 见证人.
    Witness,
    /// Any other person (委托代理人, 联系人, 举报人 …).
    Other,
}

/// One detected identifier, name or mask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What was found.
    pub kind: Kind,
    /// Clear, masked or wrongly masked.
    pub state: MaskState,
    /// Byte offsets into the original text; both on char boundaries.
    pub bytes: Span,
    /// The same span in chars (Unicode scalar values).
    pub chars: Span,
    /// The original text of the span.
    pub text: String,
    /// For names: the role from the structured field or label it came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Requirement ID the finding is reported under (`D10-d`, `D10-d/P9`, `D8`).
    pub rule: &'static str,
    /// Extra explanation, e.g. what a wrong-length mask should have been.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A natural person named in the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Full name as recorded.
    pub name: String,
    /// Role in the case.
    pub role: Role,
}

/// The structured fields of a case that the scanner cannot guess: natural persons (masked per
/// P9) and organisations (never masked, D8.p2; a person's name inside an organisation's name,
/// such as 张三 in 济南张三餐饮有限公司, is left alone there).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownEntities {
    #[serde(default)]
    persons: Vec<Person>,
    #[serde(default)]
    organisations: Vec<String>,
}

impl KnownEntities {
    /// No known persons or organisations.
    pub fn new() -> KnownEntities {
        KnownEntities::default()
    }

    /// Add a natural person; surrounding whitespace is trimmed.
    ///
    /// # Errors
    /// [`EntityError::NameTooShort`] when the name has fewer than two characters,
    /// [`EntityError::NameLooksMasked`] when it contains 某 or a mask character,
    /// [`EntityError::NameHasLatinOrDigits`] when it contains ASCII or full-width letters or digits.
    pub fn add_person(&mut self, name: &str, role: Role) -> Result<&mut Self, EntityError> {
        let name = name.trim();
        if name.chars().count() < 2 {
            return Err(EntityError::NameTooShort {
                name: name.to_owned(),
            });
        }
        if name.contains(['某', '*', '＊', '×']) {
            return Err(EntityError::NameLooksMasked {
                name: name.to_owned(),
            });
        }
        if name
            .chars()
            .any(|c| c.is_ascii_alphanumeric() || ('０'..='ｚ').contains(&c))
        {
            return Err(EntityError::NameHasLatinOrDigits {
                name: name.to_owned(),
            });
        }
        self.persons.push(Person {
            name: name.to_owned(),
            role,
        });
        Ok(self)
    }

    /// Add an organisation (legal person or other organisation) whose name stays in full.
    ///
    /// # Errors
    /// [`EntityError::NameTooShort`] when the name has fewer than two characters.
    pub fn add_organisation(&mut self, name: &str) -> Result<&mut Self, EntityError> {
        let name = name.trim();
        if name.chars().count() < 2 {
            return Err(EntityError::NameTooShort {
                name: name.to_owned(),
            });
        }
        self.organisations.push(name.to_owned());
        Ok(self)
    }

    /// The natural persons.
    pub fn persons(&self) -> &[Person] {
        &self.persons
    }

    /// The organisations.
    pub fn organisations(&self) -> &[String] {
        &self.organisations
    }
}

/// The result of [`redact`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redacted {
    /// The masked text.
    pub text: String,
    /// What was found in the input, with offsets into the input (not into `text`).
    pub findings: Vec<Finding>,
}

/// Find personal identifiers, names and masks in `text`, in text order, non-overlapping.
///
/// Never panics, on any input.
pub fn scan(text: &str, known: &KnownEntities) -> Vec<Finding> {
    scan::scan(text, known)
}

/// Mask `text` according to `policy`. Only findings in [`MaskState::Clear`] change; masked tokens
/// are kept as they are, so `redact(redact(t).text) == redact(t).text` (idempotent).
pub fn redact(text: &str, policy: &Policy, known: &KnownEntities) -> Redacted {
    let findings = scan(text, known);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    for finding in &findings {
        // Findings are sorted and non-overlapping with char-boundary offsets (scan's contract),
        // so these slices cannot panic; `get` keeps that promise even if the contract broke.
        out.push_str(text.get(pos..finding.bytes.start).unwrap_or_default());
        if finding.state == MaskState::Clear {
            out.push_str(&apply(finding, policy.action(finding.kind)));
        } else {
            out.push_str(&finding.text);
        }
        pos = finding.bytes.end;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    Redacted {
        text: out,
        findings,
    }
}

fn apply(finding: &Finding, action: &Action) -> String {
    match action {
        Action::Keep => finding.text.clone(),
        Action::Name if finding.kind == Kind::PersonName => names::mask_name(&finding.text),
        Action::Name => mask_chars(&finding.text, 0, 0),
        Action::Replace { with } => with.clone(),
        Action::Mask {
            keep_start,
            keep_end,
        } => match finding.kind {
            Kind::Email => match finding.text.rfind(['@', '＠']) {
                Some(at) => {
                    let (local, domain) = finding.text.split_at(at);
                    format!("{}{domain}", mask_chars(local, *keep_start, *keep_end))
                }
                None => mask_chars(&finding.text, 0, 0),
            },
            Kind::Mobile => mask_national(&finding.text, 11, *keep_start, *keep_end),
            _ => mask_chars(&finding.text, *keep_start, *keep_end),
        },
    }
}

/// Separators that masking keeps, so that `138 1234 5678` becomes `138 **** 5678`.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '·' | '•' | '+' | '(' | ')' | '\u{3000}' | '－' | '（' | '）' | '＋'
    )
}

/// Replace every non-separator char with `*` except the first `keep_start` and last `keep_end`.
/// At least one char is always masked, so a masked token can never be read as clear again.
fn mask_chars(text: &str, keep_start: usize, keep_end: usize) -> String {
    let total = text.chars().filter(|c| !is_separator(*c)).count();
    let (keep_start, keep_end) = if keep_start + keep_end >= total {
        (0, 0)
    } else {
        (keep_start, keep_end)
    };
    let mut out = String::with_capacity(text.len());
    let mut idx = 0usize;
    for c in text.chars() {
        if is_separator(c) {
            out.push(c);
            continue;
        }
        if idx < keep_start || idx >= total - keep_end {
            out.push(c);
        } else {
            out.push('*');
        }
        idx += 1;
    }
    out
}

/// Mask the last `national` maskable chars (the national number) and keep any country prefix.
fn mask_national(text: &str, national: usize, keep_start: usize, keep_end: usize) -> String {
    let total = text.chars().filter(|c| !is_separator(*c)).count();
    let prefix = total.saturating_sub(national);
    if prefix == 0 {
        return mask_chars(text, keep_start, keep_end);
    }
    let split = text
        .char_indices()
        .filter(|(_, c)| !is_separator(*c))
        .nth(prefix)
        .map_or(text.len(), |(idx, _)| idx);
    let (head, tail) = text.split_at(split);
    format!("{head}{}", mask_chars(tail, keep_start, keep_end))
}

/// Check that `text` can be published: fails while an identity number or mobile number is in the
/// clear (D10-d). Masked and wrongly masked tokens do not fail the check.
///
/// # Errors
/// [`LeakError::UnmaskedPersonalData`] listing every blocking finding.
pub fn leak_check(text: &str, known: &KnownEntities) -> Result<(), LeakError> {
    let leaks = blocking_findings(text, known);
    if leaks.is_empty() {
        Ok(())
    } else {
        Err(LeakError::UnmaskedPersonalData { leaks })
    }
}

fn blocking_findings(text: &str, known: &KnownEntities) -> Vec<Finding> {
    scan(text, known)
        .into_iter()
        .filter(|finding| finding.state == MaskState::Clear && finding.kind.blocks_publication())
        .collect()
}

/// A user's decision to publish although [`leak_check`] fails (D10-d: "unless a user records an
/// override reason"). It can only be built with a non-empty reason and user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeakOverride {
    // INVARIANT: both trimmed and non-empty (checked in `new`).
    reason: String,
    recorded_by: String,
}

impl LeakOverride {
    /// Record an override.
    ///
    /// # Errors
    /// [`OverrideError::MissingReason`] or [`OverrideError::MissingUser`] when either is blank.
    pub fn new(reason: &str, recorded_by: &str) -> Result<LeakOverride, OverrideError> {
        let (reason, recorded_by) = (reason.trim(), recorded_by.trim());
        if reason.is_empty() {
            return Err(OverrideError::MissingReason);
        }
        if recorded_by.is_empty() {
            return Err(OverrideError::MissingUser);
        }
        Ok(LeakOverride {
            reason: reason.to_owned(),
            recorded_by: recorded_by.to_owned(),
        })
    }

    /// Why the leak is accepted.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Who recorded the override.
    pub fn recorded_by(&self) -> &str {
        &self.recorded_by
    }
}

/// What [`leak_check_with_override`] let through; to be stored in the audit trail with the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverriddenLeaks {
    /// The findings that would have blocked publication (may be empty).
    pub leaks: Vec<Finding>,
    /// The override that let them through.
    pub leak_override: LeakOverride,
}

/// [`leak_check`] with a recorded override: never fails, and returns the leaks it let through
/// together with the override so that the caller can audit them.
pub fn leak_check_with_override(
    text: &str,
    known: &KnownEntities,
    leak_override: LeakOverride,
) -> OverriddenLeaks {
    OverriddenLeaks {
        leaks: blocking_findings(text, known),
        leak_override,
    }
}
