//! The public API as the publish step uses it: `redact` per channel, `leak_check` and its
//! override (D10-d, P9, D8).
mod common;

use common::id18;
use liuhen_redact::error::{EntityError, LeakError, OverrideError};
use liuhen_redact::policy::{Channel, Policy};
use liuhen_redact::{
    Kind, KnownEntities, LeakOverride, MaskState, Role, leak_check, leak_check_with_override,
    redact,
};

fn known(persons: &[(&str, Role)], orgs: &[&str]) -> KnownEntities {
    let mut known = KnownEntities::new();
    for (name, role) in persons {
        if let Err(err) = known.add_person(name, *role) {
            panic!("{err}");
        }
    }
    for org in orgs {
        if let Err(err) = known.add_organisation(org) {
            panic!("{err}");
        }
    }
    known
}

/// Redact `text` for `channel` and compare with `expect`.
fn check(channel: Channel, known: &KnownEntities, text: &str, expect: &str) {
    let out = redact(text, &Policy::for_channel(channel), known);
    assert_eq!(out.text, expect, "{channel:?}: {text}");
}

#[test]
fn portal_shows_surname_mou_for_one_char_and_moumou_for_longer_given_names_per_p9() {
    let known = known(&[("张三", Role::Party), ("欧阳娜娜", Role::Witness)], &[]);
    check(
        Channel::Portal,
        &known,
        "当事人张三，证人欧阳娜娜。张三认可。",
        "当事人张某，证人欧阳某某。张某认可。",
    );
}

#[test]
fn organisation_names_stay_in_full_on_every_channel_citing_d8() {
    let known = known(
        &[("王芳", Role::LegalRepresentative)],
        &["济南王芳美容美发店"],
    );
    let text = "当事人济南王芳美容美发店，经营者王芳。";
    check(
        Channel::Portal,
        &known,
        text,
        "当事人济南王芳美容美发店，经营者王某。",
    );
    check(
        Channel::OpenData,
        &known,
        text,
        "当事人济南王芳美容美发店，经营者王某。",
    );
}

#[test]
fn each_channel_masks_identifiers_as_its_policy_says() {
    let id = id18("370402", "19900101", "123");
    let text = format!("身份证号{id}，电话13812345678，邮箱zhangsan@example.com。");
    let none = KnownEntities::new();
    check(
        Channel::Portal,
        &none,
        &text,
        &format!(
            "身份证号{}********{}，电话138****5678，邮箱z*******@example.com。",
            &id[..6],
            &id[14..]
        ),
    );
    check(
        Channel::OpenData,
        &none,
        &text,
        "身份证号******************，电话***********，邮箱z*******@example.com。",
    );
    check(Channel::Party, &none, &text, &text);
    check(Channel::Internal, &none, &text, &text);
}

#[test]
fn credit_code_of_an_organisation_is_kept_on_the_portal() {
    let code = common::credit_code("91370102MA3C4K2L");
    let text = format!("统一社会信用代码{code}");
    check(Channel::Portal, &KnownEntities::new(), &text, &text);
}

#[test]
fn leak_check_blocks_unmasked_id_and_mobile_citing_d10_d() {
    let id = id18("110105", "19491231", "002");
    let text = format!("身份证号{id}，电话13812345678，车牌鲁A12345。");
    let Err(LeakError::UnmaskedPersonalData { leaks }) = leak_check(&text, &KnownEntities::new())
    else {
        panic!("must fail");
    };
    let kinds: Vec<Kind> = leaks.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [Kind::IdCard, Kind::Mobile]);
    assert!(
        leaks
            .iter()
            .all(|f| f.rule == "D10-d" && f.state == MaskState::Clear)
    );
}

#[test]
fn leak_check_passes_masked_and_wrongly_masked_tokens() {
    let text = "身份证号110105********002X，电话138****5678，旧号138***5678。";
    assert!(leak_check(text, &KnownEntities::new()).is_ok());
}

#[test]
fn override_without_reason_or_user_is_refused() {
    assert!(matches!(
        LeakOverride::new("  ", "李四"),
        Err(OverrideError::MissingReason)
    ));
    assert!(matches!(
        LeakOverride::new("依法确需公开（《政府信息公开条例》第十五条）", ""),
        Err(OverrideError::MissingUser)
    ));
}

#[test]
fn override_lets_leaks_through_and_returns_them_for_the_audit_trail() {
    let Ok(leak_override) =
        LeakOverride::new("第三方同意公开（《政府信息公开条例》第十五条）", "李四")
    else {
        panic!("valid override");
    };
    let out = leak_check_with_override("电话13812345678", &KnownEntities::new(), leak_override);
    assert_eq!(out.leaks.len(), 1);
    assert_eq!(out.leak_override.recorded_by(), "李四");
}

#[test]
fn names_that_cannot_be_searched_safely_are_refused() {
    let mut known = KnownEntities::new();
    assert!(matches!(
        known.add_person("张", Role::Party),
        Err(EntityError::NameTooShort { .. })
    ));
    assert!(matches!(
        known.add_person("张某", Role::Party),
        Err(EntityError::NameLooksMasked { .. })
    ));
    assert!(matches!(
        known.add_person("Zhang3", Role::Party),
        Err(EntityError::NameHasLatinOrDigits { .. })
    ));
}

#[test]
fn redacted_findings_point_into_the_input() {
    let text = "电话：１３８１２３４５６７８。";
    let out = redact(
        text,
        &Policy::for_channel(Channel::Portal),
        &KnownEntities::new(),
    );
    assert_eq!(out.text, "电话：１３８****５６７８。");
    let finding = &out.findings[0];
    assert_eq!(
        &text[finding.bytes.start..finding.bytes.end],
        "１３８１２３４５６７８"
    );
    assert_eq!((finding.chars.start, finding.chars.end), (3, 14));
}
