//! Typed errors of the redaction crate, one enum per concept (STYLE.md "Errors").

use crate::{Finding, Kind};

/// Why a masking policy was refused when it was loaded or built.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The TOML text does not parse or does not have the policy's shape (unknown kind, unknown
    /// action, missing `channel`).
    #[error("脱敏策略格式错误：{0}")]
    Toml(#[from] toml::de::Error),
    /// A public channel (portal, open-data export) would publish a personal identifier in the
    /// clear, which D10-d forbids for every publication.
    #[error("公开渠道不得原样公开{}（D10-d）", .kind.label_zh())]
    PublicChannelKeepsPersonalData {
        /// The kind whose action was `keep`.
        kind: Kind,
    },
    /// A mask keeps so many characters that the masked part would be empty or would leave the
    /// birth date of an identity number readable (D10-d).
    #[error("{}的掩码保留位数过多（保留前 {keep_start} 位、后 {keep_end} 位）（D10-d）", .kind.label_zh())]
    MaskTooWeak {
        /// The kind whose mask is too weak.
        kind: Kind,
        /// Characters kept at the start.
        keep_start: usize,
        /// Characters kept at the end.
        keep_end: usize,
    },
    /// A `replace` text contains ASCII letters or digits, which could be read back as an
    /// identifier and would make masking not idempotent.
    #[error("{}的替换文本不得含有字母或数字：{with}", .kind.label_zh())]
    ReplacementLooksLikeData {
        /// The kind whose replacement text is unsuitable.
        kind: Kind,
        /// The replacement text as configured.
        with: String,
    },
}

/// Why text was refused by [`crate::leak_check`]: personal identifiers remain in the clear.
#[derive(Debug, thiserror::Error)]
pub enum LeakError {
    /// One or more identity numbers or mobile numbers are not masked; D10-d blocks publication
    /// until they are masked or a [`crate::LeakOverride`] with a reason is recorded.
    #[error("发布前仍有 {} 处未脱敏的身份证号或手机号，不得公示（D10-d）", .leaks.len())]
    UnmaskedPersonalData {
        /// Every blocking finding, in text order.
        leaks: Vec<Finding>,
    },
}

/// Why a [`crate::LeakOverride`] could not be created.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    /// The reason is empty or only whitespace; D10-d allows publishing over a leak only when a
    /// user records why.
    #[error("放行未脱敏信息必须填写理由（D10-d）")]
    MissingReason,
    /// The user who records the override is not named.
    #[error("放行未脱敏信息必须记录操作人（D10-d）")]
    MissingUser,
}

/// Why a person or organisation could not be added to [`crate::KnownEntities`].
#[derive(Debug, thiserror::Error)]
pub enum EntityError {
    /// The name has fewer than two characters; masking every occurrence of one character would
    /// destroy the text, so such a name cannot be searched for.
    #[error("姓名或名称过短，无法检索：「{name}」")]
    NameTooShort {
        /// The name as given.
        name: String,
    },
    /// The name contains 某 or a mask character (`*`, `×`); it looks masked already, and
    /// searching for it would make masking chase its own output.
    #[error("姓名不得含有「某」或掩码字符：「{name}」")]
    NameLooksMasked {
        /// The name as given.
        name: String,
    },
    /// The name contains Latin letters or digits. Such a name could merge with an identifier
    /// (a name ending in a letter next to a number) and the D10-d rule (surname + 某) is not
    /// defined for it; names in Latin script must be masked by hand.
    #[error("姓名不得含有字母或数字：「{name}」")]
    NameHasLatinOrDigits {
        /// The name as given.
        name: String,
    },
}
