//! Detector behaviour, one small case per test through a single `check` helper.
mod common;

use common::{credit_code, full_width, id18, id18_bad_check, luhn_digit};
use liuhen_redact::{Kind, KnownEntities, MaskState, Role, scan};

/// Scan `text` and compare (kind, state, text) of every finding with `expect`.
fn check_with(text: &str, known: &KnownEntities, expect: &[(Kind, MaskState, &str)]) {
    let found: Vec<(Kind, MaskState, String)> = scan(text, known)
        .into_iter()
        .map(|f| (f.kind, f.state, f.text))
        .collect();
    let expect: Vec<(Kind, MaskState, String)> = expect
        .iter()
        .map(|(k, s, t)| (*k, *s, (*t).to_owned()))
        .collect();
    assert_eq!(found, expect, "text: {text}");
}

fn check(text: &str, expect: &[(Kind, MaskState, &str)]) {
    check_with(text, &KnownEntities::new(), expect);
}

use Kind::*;
use MaskState::*;

#[test]
fn id_number_with_valid_check_character_is_found_in_a_sentence() {
    let id = id18("370402", "19900101", "123");
    check(&format!("公民身份号码{id}，住址"), &[(IdCard, Clear, &id)]);
}

#[test]
fn id_number_with_wrong_check_character_is_not_an_id() {
    let id = id18_bad_check("370402", "19900101", "123");
    check(&format!("公民身份号码{id}。"), &[]);
}

#[test]
fn id_number_with_impossible_birth_date_is_not_an_id() {
    let id = id18("370402", "19900230", "123");
    check(&format!("号码{id}。"), &[]);
}

#[test]
fn full_width_id_number_is_found_with_original_offsets() {
    let id = full_width(&id18("110105", "19491231", "002"));
    let text = format!("身份证：{id}");
    let findings = scan(&text, &KnownEntities::new());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].text, id);
    assert_eq!(findings[0].chars.start, 4);
    assert_eq!(findings[0].chars.end, 22);
    assert_eq!(&text[findings[0].bytes.start..findings[0].bytes.end], id);
}

#[test]
fn identifiers_inside_longer_runs_are_not_matched() {
    let id = id18("370402", "19900101", "123");
    check(&format!("编号A{id}9"), &[]);
    check("订单号2138123456789", &[]);
    check("流水号913812345678", &[]);
}

#[test]
fn legacy_fifteen_digit_id_is_found() {
    check(
        "身份证号370402900101123。",
        &[(IdCardLegacy, Clear, "370402900101123")],
    );
}

#[test]
fn credit_code_is_found_and_classified_as_organisation_identifier() {
    let code = credit_code("91370102MA3C4K2L");
    check(
        &format!("统一社会信用代码：{code}"),
        &[(CreditCode, Clear, &code)],
    );
}

#[test]
fn mobile_numbers_in_all_usual_forms_are_found() {
    check("电话13812345678。", &[(Mobile, Clear, "13812345678")]);
    check("电话 138 1234 5678，", &[(Mobile, Clear, "138 1234 5678")]);
    check("电话138-1234-5678", &[(Mobile, Clear, "138-1234-5678")]);
    check(
        "Tel +86 138 1234 5678",
        &[(Mobile, Clear, "+86 138 1234 5678")],
    );
    check("+8613812345678", &[(Mobile, Clear, "+8613812345678")]);
    check(
        "电话：１３８１２３４５６７８",
        &[(Mobile, Clear, "１３８１２３４５６７８")],
    );
}

#[test]
fn amounts_and_dates_are_not_phone_numbers() {
    check("罚款13812345678.00元", &[]);
    check("2023-11-05作出", &[]);
    check("罚款人民币20000元", &[]);
}

#[test]
fn landline_with_area_code_is_found() {
    check("电话0531-86123456。", &[(Landline, Clear, "0531-86123456")]);
    check("电话010 12345678", &[]);
    check("电话010-62345678", &[(Landline, Clear, "010-62345678")]);
    check("电话(0531)86123456", &[(Landline, Clear, "0531)86123456")]);
    check("电话053186123456", &[(Landline, Clear, "053186123456")]);
}

#[test]
fn bank_card_with_luhn_is_found_grouped_or_not() {
    let body = "622202160212345678";
    let card = format!("{body}{}", luhn_digit(body));
    check(&format!("账号{card}。"), &[(BankCard, Clear, &card)]);
    let grouped = format!(
        "{} {} {} {} {}",
        &card[..4],
        &card[4..8],
        &card[8..12],
        &card[12..16],
        &card[16..]
    );
    check(&format!("卡号 {grouped}。"), &[(BankCard, Clear, &grouped)]);
    let bad = format!("{body}{}", if luhn_digit(body) == '0' { '1' } else { '0' });
    check(&format!("账号{bad}。"), &[]);
}

#[test]
fn email_is_found_without_trailing_full_stop() {
    check(
        "邮箱zhang.san@example.com.",
        &[(Email, Clear, "zhang.san@example.com")],
    );
    check(
        "邮箱z***@example.com",
        &[(Email, Masked, "z***@example.com")],
    );
}

#[test]
fn licence_plates_including_new_energy_are_found() {
    check("车牌号鲁A12345的车辆", &[(LicencePlate, Clear, "鲁A12345")]);
    check("车牌号鲁A·12345", &[(LicencePlate, Clear, "鲁A·12345")]);
    check("新能源车粤BD12345", &[(LicencePlate, Clear, "粤BD12345")]);
    check("新能源车粤B12345F", &[(LicencePlate, Clear, "粤B12345F")]);
    check("教练车鲁A1234学", &[(LicencePlate, Clear, "鲁A1234学")]);
    check("鲁A***45", &[(LicencePlate, Masked, "鲁A***45")]);
}

#[test]
fn travel_documents_are_found() {
    check(
        "护照号码E12345678，",
        &[(TravelDocument, Clear, "E12345678")],
    );
    check("通行证C12345678", &[(TravelDocument, Clear, "C12345678")]);
    check(
        "回乡证H1234567890",
        &[(TravelDocument, Clear, "H1234567890")],
    );
    check("台胞证号码12345678", &[(TravelDocument, Clear, "12345678")]);
    check("编号12345678", &[]);
}

#[test]
fn residential_address_detail_below_street_level_is_found() {
    check(
        "住址：山东省济南市历下区泉城路街道文化东路12号3号楼2单元501室，",
        &[(AddressDetail, Clear, "文化东路12号3号楼2单元501室")],
    );
    check(
        "家住历城区港沟街道张马屯村3组。",
        &[(AddressDetail, Clear, "张马屯村3组")],
    );
    check(
        "住所：济南市槐荫区经十路12号",
        &[(AddressDetail, Clear, "经十路12号")],
    );
    check("住址：阳光小区5-2-301", &[]);
    check(
        "住址：阳光小区5-2-301室",
        &[(AddressDetail, Clear, "阳光小区5-2-301室")],
    );
    check(
        "住址：历下区银座A座1203室。",
        &[(AddressDetail, Clear, "银座A座1203室")],
    );
    check(
        "住址：历下区和谐家园B2-301室。",
        &[(AddressDetail, Clear, "和谐家园B2-301室")],
    );
}

#[test]
fn document_numbers_are_not_addresses() {
    check(
        "济南市历下区市场监督管理局行政处罚决定书济历市监罚〔2023〕12号",
        &[],
    );
    check("依据《中华人民共和国行政处罚法》第二十八条第1款", &[]);
}

#[test]
fn masked_tokens_are_recognised_not_reported_as_clear() {
    check(
        "身份证号370402********123X",
        &[(IdCard, Masked, "370402********123X")],
    );
    check("电话138****1234", &[(Mobile, Masked, "138****1234")]);
    check(
        "当事人张某，证人黄某某",
        &[(PersonName, Masked, "张某"), (PersonName, Masked, "黄某某")],
    );
    check("当事人李XX", &[(PersonName, Masked, "李XX")]);
}

#[test]
fn masks_of_the_wrong_length_are_reported() {
    check(
        "身份证号370402*******123X",
        &[(IdCard, BadMask, "370402*******123X")],
    );
    check("电话138***1234", &[(Mobile, BadMask, "138***1234")]);
    let mut known = KnownEntities::new();
    if let Err(err) = known.add_person("张三", Role::Party) {
        panic!("{err}");
    }
    check_with("当事人张某某", &known, &[(PersonName, BadMask, "张某某")]);
    check_with("当事人张某", &known, &[(PersonName, Masked, "张某")]);
}

#[test]
fn words_with_mou_are_not_masked_names() {
    check("于某日在某地", &[]);
    check("主张某种权利", &[]);
}

#[test]
fn labelled_name_is_found_with_every_later_occurrence() {
    let text = "当事人：王小明，男。经查，王小明于2023年销售……";
    let findings = scan(text, &KnownEntities::new());
    let names: Vec<(&str, Option<Role>)> =
        findings.iter().map(|f| (f.text.as_str(), f.role)).collect();
    assert_eq!(
        names,
        vec![("王小明", Some(Role::Party)), ("王小明", Some(Role::Party))]
    );
}

#[test]
fn organisation_names_are_never_names_even_when_they_contain_one() {
    let mut known = KnownEntities::new();
    if let Err(err) = known
        .add_person("张三", Role::LegalRepresentative)
        .map(|k| k.add_organisation("济南张三餐饮有限公司"))
    {
        panic!("{err}");
    }
    check_with(
        "当事人济南张三餐饮有限公司，法定代表人张三。",
        &known,
        &[(PersonName, Clear, "张三")],
    );
}

#[test]
fn label_followed_by_organisation_is_not_a_name() {
    check("当事人：济南市历下区某某商贸有限公司", &[]);
}
