//! Masking policies per disclosure channel (D10-d, P9, D8).
//!
//! A [`Policy`] says, for every [`Kind`] of finding, what the redacted text shows. The four
//! built-in channels are:
//!
//! | channel | use | default |
//! |---|---|---|
//! | [`Channel::Portal`] | 政府门户网站 / 政务服务网 publication (D8, D11) | D10-d masks, names per P9 |
//! | [`Channel::OpenData`] | bulk machine-readable export | D10-d, identifiers fully masked |
//! | [`Channel::Party`] | copy served on the party (送达) | everything kept |
//! | [`Channel::Internal`] | internal work and legal review | everything kept |
//!
//! Policies load from TOML (a platform administrator's configuration, P9 can be switched off):
//!
//! ```toml
//! channel = "portal"
//! [rules]
//! person_name = { action = "keep" }                      # P9 off
//! id_card = { action = "mask", keep_start = 6, keep_end = 4 }
//! email = { action = "replace", with = "（已隐去）" }
//! ```
//!
//! Kinds not listed keep the built-in default of the channel. Public channels refuse `keep` for
//! every personal identifier (D10-d); names of legal persons are never findings, so they stay in
//! full (D8.p2, I6).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Kind;
use crate::error::PolicyError;

/// A disclosure channel; each has its own default policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// 政府门户网站 / 政务服务网: public (D8, D10-d).
    Portal,
    /// Open-data export: public, bulk and machine-readable, so identifiers are masked fully.
    OpenData,
    /// The copy for the party itself (送达): the party's own data is kept.
    Party,
    /// Internal use (case handling, legal review): nothing is masked; scanning still reports.
    Internal,
}

impl Channel {
    /// Whether items on this channel are visible to the public, so that D10-d applies.
    pub fn is_public(self) -> bool {
        matches!(self, Channel::Portal | Channel::OpenData)
    }
}

/// What a policy does with one kind of finding. Only findings in the clear are changed: tokens
/// that are already masked are left exactly as they are, which makes masking idempotent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Leave the text as it is.
    Keep,
    /// Natural-person name → surname + 某 / 某某 (D10-d, P9). On other kinds it masks every
    /// character.
    Name,
    /// Replace characters with `*`, keeping `keep_start` leading and `keep_end` trailing
    /// characters. Separators (space, `-`, `·`, `+`, brackets) are kept so that the shape stays
    /// readable; for e-mail addresses the counts apply to the local part and the domain is kept;
    /// for mobile numbers with a country prefix the counts apply to the 11 national digits.
    Mask {
        /// Characters kept at the start.
        #[serde(default)]
        keep_start: usize,
        /// Characters kept at the end.
        #[serde(default)]
        keep_end: usize,
    },
    /// Replace the whole finding with a fixed text such as `（已隐去）`.
    Replace {
        /// The replacement; it must not contain ASCII letters or digits.
        with: String,
    },
}

/// A masking policy: one [`Action`] per [`Kind`] for one [`Channel`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    channel: Channel,
    // INVARIANT: holds an action for every Kind (filled from the channel defaults), and for a
    // public channel no personal-identifier kind maps to Keep (checked by `validate`).
    rules: BTreeMap<Kind, Action>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    channel: Channel,
    #[serde(default)]
    rules: BTreeMap<Kind, Action>,
}

const fn mask(keep_start: usize, keep_end: usize) -> Action {
    Action::Mask {
        keep_start,
        keep_end,
    }
}

impl Policy {
    /// The built-in default policy of a channel.
    ///
    /// Portal (D10-d): 身份证号 `370402********123X` (region and last four kept, birth date
    /// hidden); mobile `138****1234`; landline area code and last two kept; bank card last four;
    /// e-mail first character of the local part; licence plate province, letter and last two;
    /// travel documents first letter and last three; address detail below 镇/街道 fully masked;
    /// names per P9; 统一社会信用代码 kept (an organisation's identifier, D8).
    /// Open data: the same, but identity numbers, bank cards, mobiles and travel documents are
    /// masked completely, because a bulk export is easy to join with other data sets.
    pub fn for_channel(channel: Channel) -> Policy {
        let mut rules = BTreeMap::new();
        for kind in Kind::ALL {
            let action = match channel {
                Channel::Party | Channel::Internal => Action::Keep,
                Channel::Portal => match kind {
                    Kind::IdCard => mask(6, 4),
                    Kind::IdCardLegacy => mask(6, 3),
                    Kind::Mobile => mask(3, 4),
                    Kind::Landline => mask(4, 2),
                    Kind::BankCard => mask(0, 4),
                    Kind::Email => mask(1, 0),
                    Kind::LicencePlate => mask(2, 2),
                    Kind::TravelDocument => mask(1, 3),
                    Kind::AddressDetail => mask(0, 0),
                    Kind::PersonName => Action::Name,
                    Kind::CreditCode => Action::Keep,
                },
                Channel::OpenData => match kind {
                    Kind::IdCard
                    | Kind::IdCardLegacy
                    | Kind::Mobile
                    | Kind::BankCard
                    | Kind::TravelDocument
                    | Kind::AddressDetail => mask(0, 0),
                    Kind::Landline => mask(4, 0),
                    Kind::Email => mask(1, 0),
                    Kind::LicencePlate => mask(2, 2),
                    Kind::PersonName => Action::Name,
                    Kind::CreditCode => Action::Keep,
                },
            };
            rules.insert(kind, action);
        }
        Policy { channel, rules }
    }

    /// Load a policy from TOML: `channel` plus optional `[rules]` overriding that channel's
    /// defaults (see the module documentation for the format).
    ///
    /// # Errors
    /// [`PolicyError::Toml`] for malformed text, and the validation errors of [`Policy::set`].
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let file: PolicyFile = toml::from_str(text)?;
        let mut policy = Policy::for_channel(file.channel);
        for (kind, action) in file.rules {
            policy.set(kind, action)?;
        }
        Ok(policy)
    }

    /// Replace the action for one kind, refusing actions that would break D10-d on a public
    /// channel or make masking non-idempotent.
    ///
    /// # Errors
    /// [`PolicyError::PublicChannelKeepsPersonalData`], [`PolicyError::MaskTooWeak`],
    /// [`PolicyError::ReplacementLooksLikeData`].
    pub fn set(&mut self, kind: Kind, action: Action) -> Result<(), PolicyError> {
        validate(self.channel, kind, &action)?;
        self.rules.insert(kind, action);
        Ok(())
    }

    /// The channel this policy is for.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The action for one kind.
    pub fn action(&self, kind: Kind) -> &Action {
        // The map holds every kind (INVARIANT above); Keep is only a defensive fallback.
        self.rules.get(&kind).unwrap_or(&Action::Keep)
    }
}

fn validate(channel: Channel, kind: Kind, action: &Action) -> Result<(), PolicyError> {
    match action {
        Action::Keep if channel.is_public() && kind.is_personal_identifier() => {
            Err(PolicyError::PublicChannelKeepsPersonalData { kind })
        }
        Action::Mask {
            keep_start,
            keep_end,
        } => {
            let too_weak = match kind {
                // Positions 7–14 are the birth date (GB 11643 §4); they must stay hidden.
                Kind::IdCard => *keep_start > 6 || *keep_end > 4,
                Kind::IdCardLegacy => *keep_start > 6 || *keep_end > 3,
                // At least the four middle digits of a mobile number are hidden.
                Kind::Mobile => keep_start + keep_end > 7,
                Kind::BankCard => keep_start + keep_end > 10,
                _ => keep_start + keep_end > 6,
            };
            if channel.is_public() && too_weak {
                return Err(PolicyError::MaskTooWeak {
                    kind,
                    keep_start: *keep_start,
                    keep_end: *keep_end,
                });
            }
            Ok(())
        }
        Action::Replace { with } if with.chars().any(|c| c.is_ascii_alphanumeric()) => {
            Err(PolicyError::ReplacementLooksLikeData {
                kind,
                with: with.clone(),
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_policy_keeping_id_numbers_is_refused_citing_d10_d() {
        let res =
            Policy::from_toml("channel = \"portal\"\n[rules]\nid_card = { action = \"keep\" }\n");
        assert!(matches!(
            res,
            Err(PolicyError::PublicChannelKeepsPersonalData { kind: Kind::IdCard })
        ));
    }

    #[test]
    fn p9_can_be_switched_off_for_names() {
        let policy = Policy::from_toml(
            "channel = \"portal\"\n[rules]\nperson_name = { action = \"keep\" }\n",
        );
        let Ok(policy) = policy else {
            panic!("{policy:?}")
        };
        assert_eq!(policy.action(Kind::PersonName), &Action::Keep);
        assert_eq!(policy.action(Kind::Mobile), &mask(3, 4));
    }

    #[test]
    fn id_mask_revealing_birth_date_is_refused() {
        let mut policy = Policy::for_channel(Channel::Portal);
        let res = policy.set(Kind::IdCard, mask(10, 4));
        assert!(matches!(res, Err(PolicyError::MaskTooWeak { .. })));
    }

    #[test]
    fn replacement_with_digits_is_refused() {
        let mut policy = Policy::for_channel(Channel::Internal);
        let res = policy.set(Kind::Email, Action::Replace { with: "x@y".into() });
        assert!(matches!(
            res,
            Err(PolicyError::ReplacementLooksLikeData { .. })
        ));
    }

    #[test]
    fn unknown_kind_in_toml_is_a_format_error() {
        let res =
            Policy::from_toml("channel = \"portal\"\n[rules]\nshoe_size = { action = \"keep\" }\n");
        assert!(matches!(res, Err(PolicyError::Toml(_))));
    }
}
