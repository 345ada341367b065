//! Property tests: masking is idempotent, never leaves an input identifier in the output, keeps
//! offsets on char boundaries and never panics. Case counts are kept small enough for the whole
//! crate's tests to stay well under a minute in the dev profile.
mod common;

use common::{full_width, id18, luhn_digit};
use liuhen_redact::policy::{Channel, Policy};
use liuhen_redact::{KnownEntities, Role, leak_check, redact, scan};
use proptest::prelude::*;

const FILLER: [&str; 12] = [
    "经查，当事人",
    "于2023年5月12日",
    "在其经营场所销售过期食品，",
    "罚款人民币5000元。",
    "住址：山东省济南市历下区泉城路街道文化东路12号3单元501室，",
    "济历市监罚〔2023〕12号",
    "当事人：王小明，",
    "联系电话：",
    "，身份证号",
    " ",
    "\n",
    "张某某、李XX、138****1234",
];

/// One piece of a generated document: filler text or an identifier built from the parameters.
#[derive(Debug, Clone)]
enum Piece {
    Filler(usize),
    Id {
        region: usize,
        year: u32,
        month: u32,
        day: u32,
        seq: u32,
        wide: bool,
    },
    Mobile {
        second: u32,
        rest: u64,
        grouped: bool,
    },
    Card {
        rest: u64,
    },
    Name(usize),
}

const NAMES: [&str; 4] = ["张三", "黄晓明", "欧阳娜娜", "李四"];
const REGIONS: [&str; 4] = ["370402", "110105", "440305", "650102"];

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        (0..FILLER.len()).prop_map(Piece::Filler),
        (
            0..REGIONS.len(),
            1930u32..2020,
            1u32..13,
            1u32..29,
            0u32..1000,
            any::<bool>()
        )
            .prop_map(|(region, year, month, day, seq, wide)| Piece::Id {
                region,
                year,
                month,
                day,
                seq,
                wide
            }),
        (3u32..10, 0u64..100_000_000, any::<bool>()).prop_map(|(second, rest, grouped)| {
            Piece::Mobile {
                second,
                rest,
                grouped,
            }
        }),
        (0u64..1_000_000_000_000).prop_map(|rest| Piece::Card { rest }),
        (0..NAMES.len()).prop_map(Piece::Name),
    ]
}

/// Build the text; also return the identifiers it contains (as written).
fn build(pieces: &[Piece]) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut identifiers = Vec::new();
    for piece in pieces {
        // A separator keeps consecutive identifiers from merging into one longer run.
        text.push('，');
        match piece {
            Piece::Filler(idx) => text.push_str(FILLER[*idx]),
            Piece::Id {
                region,
                year,
                month,
                day,
                seq,
                wide,
            } => {
                let id = id18(
                    REGIONS[*region],
                    &format!("{year:04}{month:02}{day:02}"),
                    &format!("{seq:03}"),
                );
                let shown = if *wide { full_width(&id) } else { id };
                text.push_str(&shown);
                identifiers.push(shown);
            }
            Piece::Mobile {
                second,
                rest,
                grouped,
            } => {
                let number = format!("1{second}{:01}{rest:08}", rest % 10);
                let shown = if *grouped {
                    format!("{} {} {}", &number[..3], &number[3..7], &number[7..])
                } else {
                    number
                };
                text.push_str(&shown);
                identifiers.push(shown);
            }
            Piece::Card { rest } => {
                let body = format!("622202{rest:012}");
                let card = format!("{body}{}", luhn_digit(&body));
                text.push_str(&card);
                identifiers.push(card);
            }
            Piece::Name(idx) => {
                text.push_str(NAMES[*idx]);
                identifiers.push(NAMES[*idx].to_owned());
            }
        }
    }
    (text, identifiers)
}

fn known() -> KnownEntities {
    let mut known = KnownEntities::new();
    for name in NAMES {
        if let Err(err) = known.add_person(name, Role::Party) {
            panic!("{err}");
        }
    }
    known
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn masking_twice_equals_masking_once(pieces in prop::collection::vec(piece(), 0..16)) {
        let (text, _) = build(&pieces);
        let known = known();
        for channel in [Channel::Portal, Channel::OpenData] {
            let policy = Policy::for_channel(channel);
            let once = redact(&text, &policy, &known).text;
            let twice = redact(&once, &policy, &known).text;
            prop_assert_eq!(&once, &twice);
        }
    }

    #[test]
    fn public_output_never_contains_an_input_identifier(pieces in prop::collection::vec(piece(), 1..16)) {
        let (text, identifiers) = build(&pieces);
        let known = known();
        for channel in [Channel::Portal, Channel::OpenData] {
            let out = redact(&text, &Policy::for_channel(channel), &known).text;
            for identifier in &identifiers {
                prop_assert!(!out.contains(identifier.as_str()), "{identifier} leaked into {out}");
            }
            prop_assert!(leak_check(&out, &known).is_ok(), "leak_check fails on {out}");
        }
    }

    #[test]
    fn offsets_are_on_char_boundaries_for_any_text(text in "\\PC{0,200}", name in "\\PC{2,4}") {
        let mut known = KnownEntities::new();
        let _ = known.add_person(&name, Role::Witness);
        let findings = scan(&text, &known);
        let mut last_end = 0;
        for finding in &findings {
            prop_assert!(text.is_char_boundary(finding.bytes.start));
            prop_assert!(text.is_char_boundary(finding.bytes.end));
            prop_assert!(finding.bytes.start >= last_end && finding.bytes.start < finding.bytes.end);
            prop_assert_eq!(&text[finding.bytes.start..finding.bytes.end], finding.text.as_str());
            let by_chars: String = text.chars().skip(finding.chars.start).take(finding.chars.end - finding.chars.start).collect();
            prop_assert_eq!(by_chars, finding.text.clone());
            last_end = finding.bytes.end;
        }
        let policy = Policy::for_channel(Channel::Portal);
        let once = redact(&text, &policy, &known).text;
        prop_assert!(leak_check(&once, &known).is_ok(), "public output leaks: {}", once);
        prop_assert_eq!(redact(&once, &policy, &known).text, once);
    }

    #[test]
    fn scanner_never_panics_on_identifier_like_noise(text in "[0-9０-９Xx*＊ \\-+@.a-z鲁京某张住址：号室单元楼组街道镇]{0,120}") {
        let known = known();
        let findings = scan(&text, &known);
        for finding in &findings {
            prop_assert!(text.is_char_boundary(finding.bytes.start) && text.is_char_boundary(finding.bytes.end));
        }
        for channel in [Channel::Portal, Channel::OpenData] {
            let policy = Policy::for_channel(channel);
            let once = redact(&text, &policy, &known).text;
            prop_assert!(leak_check(&once, &known).is_ok(), "public output leaks: {}", once);
            prop_assert_eq!(redact(&once, &policy, &known).text, once);
        }
    }

    #[test]
    fn any_known_name_keeps_masking_idempotent_and_leak_free(
        text in "[0-9 +张三李某XＸ*鲁A住址：号室，-]{0,80}",
        name in "[张三李某鲁镇区住址]{2,5}",
    ) {
        let mut known = KnownEntities::new();
        let _ = known.add_person(&name, Role::Party);
        let policy = Policy::for_channel(Channel::Portal);
        let once = redact(&text, &policy, &known).text;
        prop_assert!(leak_check(&once, &known).is_ok(), "public output leaks: {}", once);
        prop_assert_eq!(redact(&once, &policy, &known).text, once);
    }
}
