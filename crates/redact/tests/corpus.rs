//! The labelled synthetic corpus (tests/corpus/*.jsonl): the committed files must equal what the
//! deterministic generator below produces, and scanning them must reach 100 % recall and ≥ 99 %
//! precision (issue 4). Regenerate after changing the generator with
//! `LIUHEN_REGEN_CORPUS=1 cargo test -p liuhen-redact --test corpus`.
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use common::{Rng, credit_code, full_width, id18, id18_bad_check, luhn_digit};
use liuhen_redact::{Kind, KnownEntities, MaskState, Role, scan};
use serde::{Deserialize, Serialize};

/// One labelled case: the text, the structured fields, and every finding expected (char offsets).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Case {
    id: String,
    text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    persons: Vec<(String, Role)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    organisations: Vec<String>,
    expect: Vec<Expect>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Expect {
    kind: Kind,
    state: MaskState,
    start: usize,
    end: usize,
    text: String,
}

/// Builds a case text piece by piece, recording char offsets of labelled pieces.
#[derive(Default)]
struct Builder {
    text: String,
    chars: usize,
    expect: Vec<Expect>,
    persons: Vec<(String, Role)>,
    organisations: Vec<String>,
}

impl Builder {
    fn t(&mut self, piece: &str) -> &mut Self {
        self.text.push_str(piece);
        self.chars += piece.chars().count();
        self
    }

    fn e(&mut self, kind: Kind, state: MaskState, piece: &str) -> &mut Self {
        let start = self.chars;
        self.t(piece);
        self.expect.push(Expect {
            kind,
            state,
            start,
            end: self.chars,
            text: piece.to_owned(),
        });
        self
    }

    fn c(&mut self, kind: Kind, piece: &str) -> &mut Self {
        self.e(kind, MaskState::Clear, piece)
    }

    fn person(&mut self, name: &str, role: Role) -> &mut Self {
        self.persons.push((name.to_owned(), role));
        self
    }

    fn org(&mut self, name: &str) -> &mut Self {
        self.organisations.push(name.to_owned());
        self
    }

    fn finish(&mut self, id: String) -> Case {
        let builder = std::mem::take(self);
        Case {
            id,
            text: builder.text,
            persons: builder.persons,
            organisations: builder.organisations,
            expect: builder.expect,
        }
    }
}

const REGIONS: [&str; 8] = [
    "370402", "110105", "370102", "440305", "510107", "320106", "650102", "230103",
];
const GIVEN: [&str; 16] = [
    "伟", "芳", "娜", "洋", "静", "磊", "晓明", "丽华", "建国", "秀英", "志强", "海燕", "子涵",
    "明", "平", "雨欣",
];
const SURNAMES: [&str; 14] = [
    "张", "王", "李", "刘", "陈", "杨", "黄", "赵", "吴", "孙", "欧阳", "徐", "郭", "司马",
];
const SHOPS: [&str; 6] = [
    "济南市历下区鑫源商贸有限公司",
    "淄博市张店区惠民超市",
    "济南泉城餐饮管理有限公司",
    "青岛市市南区海韵药店",
    "烟台福山区宏达汽车修理厂",
    "济南市槐荫区兴旺五金店",
];
const FACTS: [&str; 6] = [
    "经查，当事人于2023年5月12日在其经营场所销售超过保质期的食品，货值金额人民币1380元。",
    "经查，当事人未取得食品经营许可从事食品经营活动，违法所得人民币2,560.50元。",
    "现场检查发现，当事人使用未经检验的计量器具，共计13台。",
    "当事人的上述行为违反了《中华人民共和国食品安全法》第三十四条第（十）项的规定。",
    "依据《中华人民共和国行政处罚法》第二十八条、第三十二条，决定从轻处罚。",
    "当事人应当自收到本决定书之日起十五日内缴纳罚款。",
];

fn date(rng: &mut Rng) -> String {
    let year = 1950 + rng.below(55);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    format!("{year:04}{month:02}{day:02}")
}

fn valid_id(rng: &mut Rng) -> String {
    let region = *rng.pick(&REGIONS);
    let birth = date(rng);
    let seq = rng.digits(3);
    id18(region, &birth, &seq)
}

fn name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN))
}

fn mobile(rng: &mut Rng) -> String {
    let prefix = rng.pick(&["138", "139", "186", "150", "177", "199", "135", "158"]);
    format!("{prefix}{}", rng.digits(8))
}

fn card(rng: &mut Rng) -> String {
    let prefix = rng.pick(&["622202", "621700", "622848", "436742", "518710"]);
    let len = 16 + rng.below(4);
    let body = format!("{prefix}{}", rng.digits(len - 7));
    format!("{body}{}", luhn_digit(&body))
}

fn bad_card(rng: &mut Rng) -> String {
    let good = card(rng);
    let last = good.chars().last().unwrap_or('0');
    let wrong = char::from(b'0' + ((last as u8 - b'0' + 1) % 10));
    format!("{}{wrong}", &good[..good.len() - 1])
}

fn doc_number(rng: &mut Rng) -> String {
    let year = 2019 + rng.below(6);
    let prefix = rng.pick(&["济历市监罚", "鲁济市监处罚", "历城应急罚", "济槐综执罚"]);
    format!("{prefix}〔{year}〕{}号", 1 + rng.below(999))
}

fn generate() -> BTreeMap<&'static str, Vec<Case>> {
    let mut out: BTreeMap<&'static str, Vec<Case>> = BTreeMap::new();
    let mut rng = Rng(0x6c69_7568_656e);
    let mut b = Builder::default();
    use Kind::*;
    use MaskState::*;

    // Identity numbers with valid check characters, half- and full-width, in decision sentences.
    let cases = out.entry("id-card").or_default();
    for n in 0..80 {
        let id = valid_id(&mut rng);
        let shown = if n % 3 == 0 {
            full_width(&id)
        } else {
            id.clone()
        };
        match n % 5 {
            0 => b.t("公民身份号码").c(IdCard, &shown).t("，住所地济南市。"),
            1 => b.t("身份证号：").c(IdCard, &shown).t("\n"),
            2 => b.t("| 证件号码 | ").c(IdCard, &shown).t(" | 男 |"),
            3 => b
                .t(FACTS[rng.below(FACTS.len())])
                .t("其身份证（")
                .c(IdCard, &shown)
                .t("）复印件附卷。"),
            _ => b.c(IdCard, &shown).t("号身份证持有人到场。"),
        };
        cases.push(b.finish(format!("id-card-{n:03}")));
    }
    for n in 0..15 {
        let birth = format!(
            "{:02}{:02}{:02}",
            40 + rng.below(59),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let legacy = format!("{}{birth}{}", rng.pick(&REGIONS), rng.digits(3));
        b.t("原身份证号码").c(IdCardLegacy, &legacy).t("已过期。");
        cases.push(b.finish(format!("id-card-legacy-{n:03}")));
    }

    // Near-misses with the shape of an identity number: wrong check character, impossible date,
    // embedded in longer runs.
    let cases = out.entry("near-miss-id").or_default();
    for n in 0..50 {
        let region = *rng.pick(&REGIONS);
        let birth = date(&mut rng);
        let seq = rng.digits(3);
        match n % 3 {
            0 => b
                .t("身份证号")
                .t(&id18_bad_check(region, &birth, &seq))
                .t("（核对有误）。"),
            1 => b
                .t("单据号")
                .t(&id18(region, &format!("{}1399", &birth[..4]), &seq))
                .t("。"),
            _ => b.t("流水号A").t(&id18(region, &birth, &seq)).t("9，"),
        };
        cases.push(b.finish(format!("near-miss-id-{n:03}")));
    }

    // 统一社会信用代码: valid (reported, kept by policy) and with a wrong check character.
    let cases = out.entry("credit-code").or_default();
    for n in 0..40 {
        let region = *rng.pick(&REGIONS);
        let org: String = (0..8)
            .map(|_| char::from(*rng.pick(b"0123456789ABCDEFGHJKLMNPQRTUWXY")))
            .collect();
        let kind_code = rng.pick(&["91", "92", "12", "52", "93"]);
        let code = credit_code(&format!("{kind_code}{region}{org}"));
        let shop = *rng.pick(&SHOPS);
        if n % 4 == 3 {
            let last = code.chars().last().unwrap_or('0');
            let wrong = if last == '1' { '2' } else { '1' };
            let bad = format!("{}{wrong}", &code[..17]);
            b.org(shop)
                .t("当事人")
                .t(shop)
                .t("，统一社会信用代码")
                .t(&bad)
                .t("。");
        } else {
            b.org(shop)
                .t("当事人")
                .t(shop)
                .t("，统一社会信用代码：")
                .c(CreditCode, &code)
                .t("。");
        }
        cases.push(b.finish(format!("credit-code-{n:03}")));
    }

    // Mobile numbers in every usual form.
    let cases = out.entry("mobile").or_default();
    for n in 0..70 {
        let m = mobile(&mut rng);
        let shown = match n % 7 {
            0 => m.clone(),
            1 => format!("{} {} {}", &m[..3], &m[3..7], &m[7..]),
            2 => format!("{}-{}-{}", &m[..3], &m[3..7], &m[7..]),
            3 => format!("+86 {m}"),
            4 => format!("+86-{}-{}-{}", &m[..3], &m[3..7], &m[7..]),
            5 => full_width(&m),
            _ => format!("86{m}"),
        };
        match n % 3 {
            0 => b.t("联系电话：").c(Mobile, &shown).t("。"),
            1 => b.t("当事人称其手机（").c(Mobile, &shown).t("）当日关机。"),
            _ => b.t("| 电话 | ").c(Mobile, &shown).t(" |"),
        };
        cases.push(b.finish(format!("mobile-{n:03}")));
    }

    // Landlines with area codes.
    let cases = out.entry("landline").or_default();
    for n in 0..30 {
        let area = *rng.pick(&["010", "021", "0531", "0532", "0533", "0755"]);
        let rest_len = if area.len() == 3 { 7 } else { 6 + rng.below(2) };
        let subscriber = format!("{}{}", 2 + rng.below(8), rng.digits(rest_len));
        let shown = match n % 3 {
            0 => format!("{area}-{subscriber}"),
            1 => format!("{area} {subscriber}"),
            _ => format!("{area}{subscriber}"),
        };
        b.t("举报电话").c(Landline, &shown).t("，工作日受理。");
        cases.push(b.finish(format!("landline-{n:03}")));
    }

    // Bank cards (Luhn), grouped and not; cards with a wrong check digit are not cards.
    let cases = out.entry("bank-card").or_default();
    for n in 0..50 {
        if n % 5 == 4 {
            let bad = bad_card(&mut rng);
            b.t("账号").t(&bad).t("（户名有误）。");
        } else {
            let c = card(&mut rng);
            let shown = if n % 2 == 0 {
                c.as_bytes()
                    .chunks(4)
                    .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                c.clone()
            };
            b.t("罚没款缴入当事人账户，开户行中国农业银行，账号")
                .c(BankCard, &shown)
                .t("。");
        }
        cases.push(b.finish(format!("bank-card-{n:03}")));
    }

    // E-mail, licence plates, travel documents.
    let cases = out.entry("other-identifiers").or_default();
    for n in 0..20 {
        let user = rng.pick(&["zhangsan", "li.na", "wang_fang88", "chen-jing", "admin2023"]);
        let domain = rng.pick(&["example.com", "qq.com", "163.com", "mail.sd.gov.cn"]);
        let email = format!("{user}@{domain}");
        let shown = if n % 4 == 0 {
            full_width(&email)
        } else {
            email
        };
        b.t("电子邮箱：").c(Email, &shown).t("。");
        cases.push(b.finish(format!("email-{n:03}")));
    }
    for n in 0..36 {
        let province = rng.pick(&["鲁", "京", "粤", "苏", "浙", "川"]);
        let letter = char::from(*rng.pick(b"ABCDEFGHJKLMNPQ"));
        let plate = match n % 4 {
            0 => format!("{province}{letter}{}", rng.digits(5)),
            1 => format!("{province}{letter}·{}", rng.digits(5)),
            2 => format!(
                "{province}{letter}{}{}",
                rng.pick(&["D", "F"]),
                rng.digits(5)
            ),
            _ => format!(
                "{province}{letter}{}{}",
                rng.digits(5),
                rng.pick(&["D", "F"])
            ),
        };
        b.t("当事人驾驶")
            .c(LicencePlate, &plate)
            .t("号小型汽车运输货物。");
        cases.push(b.finish(format!("plate-{n:03}")));
    }
    for n in 0..24 {
        let (label, doc) = match n % 4 {
            0 => ("护照号码", format!("E{}", rng.digits(8))),
            1 => ("往来港澳通行证", format!("C{}", rng.digits(8))),
            2 => ("港澳居民来往内地通行证", format!("H{}", rng.digits(8))),
            _ => ("台湾居民来往大陆通行证", rng.digits(8)),
        };
        b.t(label).t("：").c(TravelDocument, &doc).t("。");
        cases.push(b.finish(format!("travel-document-{n:03}")));
    }

    // Residential address detail below 镇/街道.
    let cases = out.entry("address").or_default();
    for n in 0..50 {
        let street = rng.pick(&["泉城路街道", "港沟街道", "王舍人街道", "仲宫镇", "柳埠镇"]);
        let detail = match n % 5 {
            0 => format!(
                "文化东路{}号{}号楼{}单元{}室",
                1 + rng.below(200),
                1 + rng.below(30),
                1 + rng.below(6),
                101 + rng.below(1500)
            ),
            1 => format!("张马屯村{}组", 1 + rng.below(12)),
            2 => format!(
                "阳光小区{}-{}-{}室",
                1 + rng.below(30),
                1 + rng.below(6),
                101 + rng.below(1500)
            ),
            3 => format!("和平里{}栋{}室", 1 + rng.below(30), 101 + rng.below(900)),
            _ => format!("解放路{}号", 1 + rng.below(300)),
        };
        b.t(["住址：", "家住", "现住"][rng.below(3)])
            .t("山东省济南市历下区")
            .t(street)
            .c(AddressDetail, &detail)
            .t("。");
        cases.push(b.finish(format!("address-{n:03}")));
    }

    // Names from structured fields, labels, and every later occurrence; organisations untouched.
    let cases = out.entry("names").or_default();
    for n in 0..50 {
        let person = name(&mut rng);
        let witness = loop {
            let candidate = name(&mut rng);
            if candidate != person && !candidate.contains(&person) && !person.contains(&candidate) {
                break candidate;
            }
        };
        match n % 3 {
            0 => {
                b.person(&person, Role::Party)
                    .t("当事人")
                    .c(PersonName, &person)
                    .t("，男，汉族。经查，");
                b.c(PersonName, &person).t(FACTS[rng.below(FACTS.len())]);
            }
            1 => {
                b.t("当事人：")
                    .c(PersonName, &person)
                    .t("，女。")
                    .t(FACTS[rng.below(FACTS.len())]);
                b.t("上述事实，").c(PersonName, &person).t("供认不讳。");
            }
            _ => {
                let shop = *rng.pick(&SHOPS);
                b.org(shop)
                    .person(&person, Role::LegalRepresentative)
                    .person(&witness, Role::Witness);
                b.t("当事人：")
                    .t(shop)
                    .t("，法定代表人：")
                    .c(PersonName, &person)
                    .t("。");
                b.t("证人")
                    .c(PersonName, &witness)
                    .t("证实当事人的违法事实。");
            }
        }
        cases.push(b.finish(format!("names-{n:03}")));
    }

    // Tokens already masked, and masks of the wrong length.
    let cases = out.entry("masked").or_default();
    for n in 0..50 {
        let id = valid_id(&mut rng);
        let m = mobile(&mut rng);
        let surname = *rng.pick(&["张", "黄", "李", "王", "欧阳"]);
        match n % 6 {
            0 => b
                .t("身份证号")
                .e(
                    IdCard,
                    Masked,
                    &format!("{}********{}", &id[..6], &id[14..]),
                )
                .t("。"),
            1 => b
                .t("电话")
                .e(Mobile, Masked, &format!("{}****{}", &m[..3], &m[7..]))
                .t("。"),
            2 => b
                .t("当事人")
                .e(PersonName, Masked, &format!("{surname}某"))
                .t("，证人")
                .e(PersonName, Masked, &format!("{surname}某某"))
                .t("。"),
            3 => b
                .t("当事人")
                .e(PersonName, Masked, &format!("{surname}XX"))
                .t("到场。"),
            4 => b
                .t("身份证号")
                .e(
                    IdCard,
                    BadMask,
                    &format!("{}*******{}", &id[..6], &id[14..]),
                )
                .t("。"),
            _ => b
                .t("电话")
                .e(Mobile, BadMask, &format!("{}***{}", &m[..3], &m[7..]))
                .t("。"),
        };
        cases.push(b.finish(format!("masked-{n:03}")));
    }

    // Near-misses: order numbers, amounts, dates, 文号, case numbers, tracking numbers.
    let cases = out.entry("near-miss").or_default();
    for n in 0..70 {
        match n % 10 {
            0 => b.t("订单号").t(&format!("2023{}", rng.digits(14))).t("。"),
            1 => b.t("罚款人民币").t(&format!("{}.00", rng.digits(5))).t("元。"),
            2 => b.t("金额").t(&format!("1{}{}.{}", 3 + rng.below(6), rng.digits(9), rng.digits(2))).t("元"),
            3 => b.t("于").t(&format!("2023-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))).t("作出决定。"),
            4 => b.t("决定书文号").t(&doc_number(&mut rng)).t("。"),
            5 => b.t("案号（2023）鲁0102行初").t(&rng.digits(3)).t("号。"),
            6 => b.t("快递单号SF").t(&rng.digits(12)).t("。"),
            7 => b.t("货值金额").t(&format!("{},{},{}", 1 + rng.below(99), rng.digits(3), rng.digits(3))).t("元，于某日在某地。"),
            8 => b.t("批号").t(&format!("2023{}", rng.digits(12))).t("的产品共计").t(&rng.digits(3)).t("箱。"),
            _ => b.t("依据《中华人民共和国食品安全法》第一百二十四条第一款第（五）项，济南市历下区某某商贸有限公司。"),
        };
        cases.push(b.finish(format!("near-miss-{n:03}")));
    }

    // Whole decisions (行政处罚决定书 style) mixing everything.
    let cases = out.entry("decisions").or_default();
    for n in 0..30 {
        let person = name(&mut rng);
        let id = valid_id(&mut rng);
        let m = mobile(&mut rng);
        let card_number = card(&mut rng);
        b.person(&person, Role::Party);
        b.t("济南市历下区市场监督管理局\n行政处罚决定书\n")
            .t(&doc_number(&mut rng))
            .t("\n");
        b.t("当事人：")
            .c(PersonName, &person)
            .t("\n公民身份号码：")
            .c(IdCard, &id)
            .t("\n");
        b.t("住址：山东省济南市历下区泉城路街道")
            .c(
                AddressDetail,
                &format!(
                    "文化东路{}号{}单元{}室",
                    1 + rng.below(99),
                    1 + rng.below(6),
                    101 + rng.below(900)
                ),
            )
            .t("\n");
        b.t("联系电话：").c(Mobile, &m).t("\n");
        b.t(FACTS[rng.below(FACTS.len())])
            .t(FACTS[rng.below(FACTS.len())]);
        b.t("当事人")
            .c(PersonName, &person)
            .t("于")
            .t(&format!(
                "2023年{}月{}日",
                1 + rng.below(12),
                1 + rng.below(28)
            ))
            .t("缴纳罚款人民币5000元，缴款账号")
            .c(BankCard, &card_number)
            .t("。\n");
        b.t("如不服本决定，可在收到本决定书之日起六十日内申请行政复议。\n2023年11月")
            .t(&format!("{}日", 1 + rng.below(28)));
        cases.push(b.finish(format!("decision-{n:03}")));
    }
    out
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("corpus")
}

fn to_jsonl(cases: &[Case]) -> String {
    let mut out = String::new();
    for case in cases {
        match serde_json::to_string(case) {
            Ok(line) => out.push_str(&line),
            Err(err) => panic!("serialising {}: {err}", case.id),
        }
        out.push('\n');
    }
    out
}

#[test]
fn committed_corpus_equals_generator_output() {
    let generated = generate();
    let regen = std::env::var_os("LIUHEN_REGEN_CORPUS").is_some();
    for (category, cases) in &generated {
        let path = corpus_dir().join(format!("{category}.jsonl"));
        let text = to_jsonl(cases);
        if regen && let Err(err) = std::fs::write(&path, &text) {
            panic!("writing {}: {err}", path.display());
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "{} differs from the generator; regenerate (see module doc)",
            path.display()
        );
    }
}

fn load() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(corpus_dir()) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect(),
        Err(err) => panic!("reading corpus: {err}"),
    };
    paths.sort();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|ext| ext == "jsonl"))
    {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (line_no, line) in text.lines().enumerate() {
            match serde_json::from_str::<Case>(line) {
                Ok(case) => cases.push(case),
                Err(err) => panic!("{}:{}: {err}", path.display(), line_no + 1),
            }
        }
    }
    cases
}

#[test]
fn corpus_has_at_least_500_cases() {
    assert!(load().len() >= 500, "{} cases", load().len());
}

#[test]
fn corpus_recall_is_100_percent_and_precision_at_least_99_percent() {
    let cases = load();
    let mut expected_total: BTreeMap<Kind, usize> = BTreeMap::new();
    let mut missed: BTreeMap<Kind, usize> = BTreeMap::new();
    let (mut true_pos, mut false_pos) = (0usize, 0usize);
    let mut problems = Vec::new();
    for case in &cases {
        let mut known = KnownEntities::new();
        for (person, role) in &case.persons {
            if let Err(err) = known.add_person(person, *role) {
                panic!("{}: {err}", case.id);
            }
        }
        for org in &case.organisations {
            if let Err(err) = known.add_organisation(org) {
                panic!("{}: {err}", case.id);
            }
        }
        let found: Vec<Expect> = scan(&case.text, &known)
            .into_iter()
            .map(|f| Expect {
                kind: f.kind,
                state: f.state,
                start: f.chars.start,
                end: f.chars.end,
                text: f.text,
            })
            .collect();
        for want in &case.expect {
            *expected_total.entry(want.kind).or_default() += 1;
            if !found.contains(want) {
                *missed.entry(want.kind).or_default() += 1;
                problems.push(format!("{} missed {want:?}", case.id));
            }
        }
        for got in &found {
            if case.expect.contains(got) {
                true_pos += 1;
            } else {
                false_pos += 1;
                problems.push(format!("{} spurious {got:?}", case.id));
            }
        }
    }
    let expected_sum: usize = expected_total.values().sum();
    let missed_sum: usize = missed.values().sum();
    let recall = 100.0 * (expected_sum - missed_sum) as f64 / expected_sum.max(1) as f64;
    let precision = 100.0 * true_pos as f64 / (true_pos + false_pos).max(1) as f64;
    println!(
        "corpus: {} cases, {expected_sum} labelled findings",
        cases.len()
    );
    for (kind, total) in &expected_total {
        let miss = missed.get(kind).copied().unwrap_or(0);
        println!(
            "  {kind:?}: recall {:.2} % ({}/{total})",
            100.0 * (total - miss) as f64 / *total as f64,
            total - miss
        );
    }
    println!(
        "recall {recall:.2} %, precision {precision:.2} % ({true_pos} true, {false_pos} false positives)"
    );
    for problem in problems.iter().take(40) {
        println!("  {problem}");
    }
    assert!(missed_sum == 0, "recall {recall:.2} % < 100 %");
    assert!(precision >= 99.0, "precision {precision:.2} % < 99 %");
}
