//! The hand-written scanner behind [`crate::scan`].
//!
//! One forward pass over the normalised text (see `normalize.rs`) visits:
//! - runs of ASCII letters, digits and `*` ("chunks"), alone or joined by single spaces or dashes,
//!   which are classified by length, shape and check character (identity numbers, credit codes,
//!   phones, bank cards, travel documents, masks) or start an address-detail chain (`12号`);
//! - `@` positions found beforehand (e-mail);
//! - a few trigger characters: province abbreviations (licence plates), `某` (masked names) and
//!   `:` after a field label (`当事人：张三`).
//!
//! A second pass finds every occurrence of each known or labelled name. Overlaps are resolved by
//! keeping the earliest, then the longest span. Everything is linear in the text length.

use crate::check;
use crate::names;
use crate::normalize::Normalized;
use crate::{Finding, Kind, KnownEntities, MaskState, Role, Span};

/// A finding in normalised byte offsets, before mapping back.
#[derive(Debug, Clone)]
struct Raw {
    kind: Kind,
    state: MaskState,
    start: usize,
    end: usize,
    role: Option<Role>,
    note: Option<String>,
    /// For masked names: (surname byte length, number of mask marks, marks are 某).
    name_mask: Option<(usize, usize, bool)>,
}

impl Raw {
    fn new(kind: Kind, state: MaskState, start: usize, end: usize) -> Raw {
        Raw {
            kind,
            state,
            start,
            end,
            role: None,
            note: None,
            name_mask: None,
        }
    }
}

const MAX_GROUPS: usize = 6;

/// Field labels after which a natural person's name is expected (D8-e field 2, witnesses).
const NAME_LABELS: [(&str, Role); 17] = [
    ("当事人", Role::Party),
    ("经营者", Role::Party),
    ("被处罚人", Role::Party),
    ("被检查人", Role::Party),
    ("相对人", Role::Party),
    ("申请人", Role::Party),
    ("业主", Role::Party),
    ("法定代表人", Role::LegalRepresentative),
    ("负责人", Role::LegalRepresentative),
    ("证人", Role::Witness),
    ("见证人", Role::Witness),
    ("姓名", Role::Other),
    ("委托代理人", Role::Other),
    ("联系人", Role::Other),
    ("举报人", Role::Other),
    ("投诉人", Role::Other),
    ("被询问人", Role::Other),
];

/// Words just before an address that mark it as a residence (住所 is kept: over-masking an
/// organisation's address on a public channel loses nothing D8 requires).
const RESIDENCE_LABELS: [&str; 10] = [
    "住址",
    "住所",
    "家住",
    "现住",
    "住在",
    "居住",
    "户籍地",
    "地址",
    "住于",
    "户籍",
];

/// Address units after a number; the first group marks a dwelling rather than a street number.
const DWELLING_UNITS: [&str; 8] = ["号楼", "单元", "室", "栋", "幢", "户", "组", "号院"];
const OTHER_UNITS: [&str; 6] = ["号", "座", "层", "楼", "弄", "排"];

fn is_chunk_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'*'
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

fn is_province(c: char) -> bool {
    matches!(
        c,
        '京' | '津'
            | '沪'
            | '渝'
            | '冀'
            | '豫'
            | '云'
            | '辽'
            | '黑'
            | '湘'
            | '皖'
            | '鲁'
            | '新'
            | '苏'
            | '浙'
            | '赣'
            | '鄂'
            | '桂'
            | '甘'
            | '晋'
            | '蒙'
            | '陕'
            | '吉'
            | '闽'
            | '贵'
            | '粤'
            | '青'
            | '藏'
            | '川'
            | '宁'
            | '琼'
    )
}

const HAN_FIRST: u32 = 0x4E00;
const HAN_WORDS: usize = (0x9FFF - 0x4E00 + 1) / 64 + 1;

/// Bitset over U+4E00–U+9FFF of the characters the forward pass reacts to: 某 and the province
/// abbreviations of licence plates. Built at compile time from the same lists as [`is_province`].
static TRIGGERS: [u64; HAN_WORDS] = {
    let chars = [
        '某', '京', '津', '沪', '渝', '冀', '豫', '云', '辽', '黑', '湘', '皖', '鲁', '新', '苏',
        '浙', '赣', '鄂', '桂', '甘', '晋', '蒙', '陕', '吉', '闽', '贵', '粤', '青', '藏', '川',
        '宁', '琼',
    ];
    let mut table = [0u64; HAN_WORDS];
    let mut idx = 0;
    while idx < chars.len() {
        let offset = chars[idx] as u32 - HAN_FIRST;
        table[(offset / 64) as usize] |= 1 << (offset % 64);
        idx += 1;
    }
    table
};

/// Whether a code point may start a finding in the forward pass (see [`TRIGGERS`]); code points
/// outside the Han block always go the slow way.
fn is_trigger(code_point: u32) -> bool {
    let Some(offset) = code_point.checked_sub(HAN_FIRST) else {
        return true;
    };
    match TRIGGERS.get((offset / 64) as usize) {
        Some(word) => word & (1 << (offset % 64)) != 0,
        None => true,
    }
}

/// Scan `text` (original) and return findings with original offsets.
pub(crate) fn scan(text: &str, known: &KnownEntities) -> Vec<Finding> {
    let norm = Normalized::new(text);
    let mut scanner = Scanner::new(norm.text());
    scanner.run();
    scanner.find_names(known);
    let raws = scanner.resolve(known);

    let mut findings = Vec::with_capacity(raws.len());
    let mut char_pos = 0usize;
    let mut byte_pos = 0usize;
    for raw in raws {
        let start = norm.to_original(raw.start);
        let end = norm.to_original(raw.end);
        let (Some(before), Some(span_text)) = (text.get(byte_pos..start), text.get(start..end))
        else {
            // Unreachable by construction (offsets come from char boundaries of the normalised
            // text, which map to char boundaries of the original); skip rather than panic.
            continue;
        };
        char_pos += before.chars().count();
        let char_start = char_pos;
        char_pos += span_text.chars().count();
        byte_pos = end;
        findings.push(Finding {
            kind: raw.kind,
            state: raw.state,
            bytes: Span { start, end },
            chars: Span {
                start: char_start,
                end: char_pos,
            },
            text: span_text.to_owned(),
            role: raw.role,
            rule: raw.kind.requirement(),
            note: raw.note,
        });
    }
    findings
}

struct Scanner<'a> {
    s: &'a str,
    b: &'a [u8],
    out: Vec<Raw>,
    /// End of the last emitted finding of the forward pass; back-scans never cross it.
    floor: usize,
    labelled: Vec<(String, Role)>,
}

impl<'a> Scanner<'a> {
    fn new(s: &'a str) -> Scanner<'a> {
        Scanner {
            s,
            b: s.as_bytes(),
            out: Vec::new(),
            floor: 0,
            labelled: Vec::new(),
        }
    }

    fn emit(&mut self, raw: Raw) {
        self.floor = self.floor.max(raw.end);
        self.out.push(raw);
    }

    fn char_at(&self, pos: usize) -> Option<char> {
        self.s.get(pos..).and_then(|rest| rest.chars().next())
    }

    fn char_before(&self, pos: usize) -> Option<char> {
        self.s.get(..pos).and_then(|head| head.chars().next_back())
    }

    fn run(&mut self) {
        let emails = self.find_emails();
        let mut next_email = 0usize;
        let len = self.b.len();
        let mut i = 0usize;
        while i < len {
            while emails.get(next_email).is_some_and(|(start, _)| *start < i) {
                next_email += 1;
            }
            let limit = emails.get(next_email).map_or(len, |(start, _)| *start);
            if i == limit
                && let Some((start, end)) = emails.get(next_email).copied()
            {
                let local = &self.b[start..end];
                let state = if local.contains(&b'*') {
                    MaskState::Masked
                } else {
                    MaskState::Clear
                };
                self.emit(Raw::new(Kind::Email, state, start, end));
                i = end;
                next_email += 1;
                continue;
            }
            let byte = self.b[i];
            if is_chunk_byte(byte) {
                i = self.chunk_at(i, limit);
                continue;
            }
            if byte == b':' {
                self.label_at(i);
                i += 1;
                continue;
            }
            if byte < 0x80 {
                i += 1;
                continue;
            }
            // Fast path for the bulk of Chinese text: decode three-byte sequences by hand and skip
            // every Han character that triggers nothing (all but 某 and the province names).
            if (0xE0..0xF0).contains(&byte)
                && let (Some(b1), Some(b2)) = (self.b.get(i + 1), self.b.get(i + 2))
            {
                let code_point = (u32::from(byte & 0x0F) << 12)
                    | (u32::from(b1 & 0x3F) << 6)
                    | u32::from(b2 & 0x3F);
                if !is_trigger(code_point) {
                    i += 3;
                    continue;
                }
            }
            let Some(c) = self.char_at(i) else { break };
            let next = i + c.len_utf8();
            if c == '某' {
                i = self.masked_name_at(i).unwrap_or(next);
            } else if is_province(c) {
                i = self.plate_at(i, next).unwrap_or(next);
            } else {
                i = next;
            }
        }
    }

    /// All e-mail addresses as (start, end), sorted, non-overlapping.
    fn find_emails(&self) -> Vec<(usize, usize)> {
        let mut found: Vec<(usize, usize)> = Vec::new();
        let b = self.b;
        let is_local = |c: u8| {
            c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-' | b'*')
        };
        let is_domain = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-');
        for (at, _) in b.iter().enumerate().filter(|(_, c)| **c == b'@') {
            let mut start = at;
            while start > 0 && is_local(b[start - 1]) && at - start < 64 {
                start -= 1;
            }
            while start < at && !b[start].is_ascii_alphanumeric() && b[start] != b'*' {
                start += 1;
            }
            let mut end = at + 1;
            while end < b.len() && is_domain(b[end]) {
                end += 1;
            }
            while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
                end -= 1;
            }
            if start == at || found.last().is_some_and(|(_, prev_end)| *prev_end > start) {
                continue;
            }
            let Some(domain) = self.s.get(at + 1..end) else {
                continue;
            };
            let labels: Vec<&str> = domain.split('.').collect();
            let tld_ok = labels
                .last()
                .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|c| c.is_ascii_alphabetic()));
            if labels.len() >= 2 && tld_ok && labels.iter().all(|label| !label.is_empty()) {
                found.push((start, end));
            }
        }
        found
    }

    /// Handle the chunk starting at `start`; returns where scanning continues.
    fn chunk_at(&mut self, start: usize, limit: usize) -> usize {
        let b = self.b;
        let mut groups = [(0usize, 0usize); MAX_GROUPS];
        let mut n_groups = 0usize;
        let mut end = start;
        while end < limit && is_chunk_byte(b[end]) {
            end += 1;
        }
        groups[0] = (start, end);
        n_groups += 1;
        let opened = start > 0
            && (b[start - 1] == b'('
                || (b[start - 1] == b'+' && start > 1 && b[start - 2] == b'('));
        while n_groups < MAX_GROUPS && end + 1 < limit {
            let sep = b[end];
            let sep_ok = sep == b' ' || sep == b'-' || (sep == b')' && n_groups == 1 && opened);
            if !(sep_ok && is_chunk_byte(b[end + 1])) {
                break;
            }
            let group_start = end + 1;
            end = group_start;
            while end < limit && is_chunk_byte(b[end]) {
                end += 1;
            }
            groups[n_groups] = (group_start, end);
            n_groups += 1;
        }
        let first_end = groups[0].1;
        if self.is_decimal(start, first_end) {
            return first_end;
        }
        for k in (1..=n_groups).rev() {
            if let Some((kind, state, note)) = self.classify(&groups[..k], start) {
                let mut span_start = start;
                if kind == Kind::Mobile && start > 0 && b[start - 1] == b'+' {
                    span_start = start - 1;
                }
                let mut raw = Raw::new(kind, state, span_start, groups[k - 1].1);
                raw.note = note;
                self.emit(raw);
                return groups[k - 1].1;
            }
        }
        if let Some(addr_end) = self.address_at(start) {
            return addr_end;
        }
        self.masked_name_chunk(start, first_end);
        first_end
    }

    /// A digit chunk that is part of a decimal number (`13812345678.00`, `0.5`).
    fn is_decimal(&self, start: usize, end: usize) -> bool {
        let b = self.b;
        let after = end + 1 < b.len() && b[end] == b'.' && b[end + 1].is_ascii_digit();
        let before = start >= 2 && b[start - 1] == b'.' && b[start - 2].is_ascii_digit();
        (after || before) && b[start..end].iter().all(u8::is_ascii_digit)
    }

    /// Whether one of `words` occurs in the up to `window` chars before `pos`, within the clause.
    fn context_before(&self, pos: usize, window: usize, words: &[&str]) -> bool {
        let head = self.s.get(..pos).unwrap_or_default();
        let from = head
            .char_indices()
            .rev()
            .take(window)
            .last()
            .map_or(0, |(idx, _)| idx);
        let window_text = &head[from..];
        let clause = window_text
            .rsplit(['。', '；', '\n', ';'])
            .next()
            .unwrap_or(window_text);
        words.iter().any(|word| clause.contains(word))
    }

    fn classify(
        &self,
        groups: &[(usize, usize)],
        start: usize,
    ) -> Option<(Kind, MaskState, Option<String>)> {
        let b = self.b;
        let parts: Vec<&[u8]> = groups.iter().map(|(from, to)| &b[*from..*to]).collect();
        let lens: Vec<usize> = parts.iter().map(|part| part.len()).collect();
        let total: usize = lens.iter().sum();
        if total > 40 {
            return None;
        }
        let joined: Vec<u8> = parts.concat();
        let has_star = joined.contains(&b'*');
        let digits_or_star = |part: &[u8]| part.iter().all(|c| c.is_ascii_digit() || *c == b'*');
        let state = if has_star {
            MaskState::Masked
        } else {
            MaskState::Clear
        };

        if parts.len() == 1 {
            return self.classify_single(&joined, start);
        }
        // Country prefix: 86 / 0086 followed by a mobile number (+86 138 1234 5678).
        if matches!(parts[0], b"86" | b"0086") {
            let rest: Vec<u8> = parts[1..].concat();
            let rest_lens = &lens[1..];
            if rest.len() == 11 && is_mobile_shape(&rest) && mobile_grouping(rest_lens) {
                return Some((Kind::Mobile, state, None));
            }
            return None;
        }
        if !parts[..parts.len() - 1]
            .iter()
            .all(|part| digits_or_star(part))
        {
            return None;
        }
        let last = parts[parts.len() - 1];
        // Grouped identity number 370402 19900101 123X.
        if lens == [6, 8, 4] {
            if has_star
                && last
                    .iter()
                    .all(|c| c.is_ascii_digit() || matches!(c, b'*' | b'X' | b'x'))
            {
                return Some((Kind::IdCard, MaskState::Masked, None));
            }
            if check::is_valid_id18(&joined) {
                return Some((Kind::IdCard, MaskState::Clear, None));
            }
        }
        if !digits_or_star(last) {
            return None;
        }
        if joined.len() == 11 && mobile_grouping(&lens) && is_mobile_shape(&joined) {
            return Some((Kind::Mobile, state, None));
        }
        if parts.len() == 2 && is_area_code(parts[0]) && !parts[0].contains(&b'*') {
            let subscriber = parts[1];
            if (7..=8).contains(&subscriber.len()) && matches!(subscriber[0], b'2'..=b'9' | b'*') {
                return Some((Kind::Landline, state, None));
            }
        }
        let card_grouping = parts.len() >= 4
            && lens[..lens.len() - 1].iter().all(|len| *len == 4)
            && (1..=4).contains(&lens[lens.len() - 1]);
        if card_grouping && (16..=19).contains(&total) {
            if has_star {
                return joined.iter().any(u8::is_ascii_digit).then_some((
                    Kind::BankCard,
                    MaskState::Masked,
                    None,
                ));
            }
            if is_card(&joined) {
                return Some((Kind::BankCard, MaskState::Clear, None));
            }
        }
        None
    }

    fn classify_single(&self, t: &[u8], start: usize) -> Option<(Kind, MaskState, Option<String>)> {
        let len = t.len();
        let all_digits = t.iter().all(u8::is_ascii_digit);
        if t.contains(&b'*') {
            return self.classify_masked(t, start);
        }
        if len == 18 {
            if check::is_valid_id18(t) {
                return Some((Kind::IdCard, MaskState::Clear, None));
            }
            if check::is_valid_credit_code(t) {
                return Some((Kind::CreditCode, MaskState::Clear, None));
            }
        }
        if len == 15 && check::is_valid_id15(t) {
            return Some((Kind::IdCardLegacy, MaskState::Clear, None));
        }
        if all_digits {
            if len == 11 && is_mobile_shape(t) {
                return Some((Kind::Mobile, MaskState::Clear, None));
            }
            if (len == 13 && t.starts_with(b"86") && is_mobile_shape(&t[2..]))
                || (len == 15 && t.starts_with(b"0086") && is_mobile_shape(&t[4..]))
            {
                return Some((Kind::Mobile, MaskState::Clear, None));
            }
            if (10..=12).contains(&len) && is_contiguous_landline(t) {
                return Some((Kind::Landline, MaskState::Clear, None));
            }
            // An 18-digit number with a province code and a real birth date is an identity
            // number with a typo, not a card, even when Luhn happens to pass (1 in 10).
            if (16..=19).contains(&len) && is_card(t) && !check::looks_like_id18(t) {
                return Some((Kind::BankCard, MaskState::Clear, None));
            }
            if len == 8 && self.context_before(start, 12, &["台胞证", "通行证", "台湾居民"])
            {
                return Some((Kind::TravelDocument, MaskState::Clear, None));
            }
            return None;
        }
        if is_travel_document(t) {
            return Some((Kind::TravelDocument, MaskState::Clear, None));
        }
        if len == 8
            && matches!(t[0], b'D' | b'S' | b'P')
            && t[1..].iter().all(u8::is_ascii_digit)
            && self.context_before(start, 12, &["护照"])
        {
            return Some((Kind::TravelDocument, MaskState::Clear, None));
        }
        None
    }

    /// Classify a single chunk containing `*`: a recognised mask, a mask of the wrong length,
    /// or nothing.
    fn classify_masked(&self, t: &[u8], start: usize) -> Option<(Kind, MaskState, Option<String>)> {
        let len = t.len();
        let digits = t.iter().filter(|c| c.is_ascii_digit()).count();
        let body_ok = |part: &[u8]| {
            part.iter()
                .all(|c| c.is_ascii_digit() || matches!(c, b'*' | b'X' | b'x'))
        };
        let (&first, &last) = (t.first()?, t.last()?);
        if first.is_ascii_uppercase()
            && len >= 8
            && t[1..]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'*')
        {
            let travel = match first {
                b'E' | b'G' | b'C' | b'H' | b'M' | b'L' => {
                    len == 9 || (len == 11 && matches!(first, b'H' | b'M'))
                }
                _ => false,
            };
            return travel.then_some((Kind::TravelDocument, MaskState::Masked, None));
        }
        if digits == 0 || !body_ok(t) {
            return None;
        }
        let id_context = || self.context_before(start, 16, &["身份证", "身份号码", "证件号"]);
        let ends_x = matches!(last, b'X' | b'x');
        match len {
            18 => Some((Kind::IdCard, MaskState::Masked, None)),
            15 if !ends_x => Some((Kind::IdCardLegacy, MaskState::Masked, None)),
            11 if first == b'1' => Some((Kind::Mobile, MaskState::Masked, None)),
            13 if t.starts_with(b"861") => Some((Kind::Mobile, MaskState::Masked, None)),
            16 | 17 | 19 | 20 if ends_x || id_context() => Some((
                Kind::IdCard,
                MaskState::BadMask,
                Some(format!("身份证号掩码长度为 {len} 位，应为 18 位（D10-d）")),
            )),
            16 | 17 | 19 => Some((Kind::BankCard, MaskState::Masked, None)),
            10 | 12
                if first == b'1'
                    && t.get(1).is_some_and(|c| matches!(c, b'3'..=b'9'))
                    && t[len - 3..].iter().all(u8::is_ascii_digit) =>
            {
                Some((
                    Kind::Mobile,
                    MaskState::BadMask,
                    Some(format!("手机号掩码长度为 {len} 位，应为 11 位（D10-d）")),
                ))
            }
            10..=12 if first == b'0' => Some((Kind::Landline, MaskState::Masked, None)),
            _ => None,
        }
    }

    /// `12号3号楼2单元501室`, `3-2-501室`, `张庄村3组`: a chain of numbered address units starting
    /// with the digit chunk at `start`, extended back to the last 镇/街道/区 marker.
    fn address_at(&mut self, start: usize) -> Option<usize> {
        let b = self.b;
        let mut pos = start;
        let mut end = None;
        let mut dwelling = false;
        let mut dashed = false;
        loop {
            // A building or block letter may precede the number (A座1203室, B2-301室).
            let letters = b[pos..]
                .iter()
                .take(3)
                .take_while(|c| c.is_ascii_uppercase())
                .count();
            if letters > 2 {
                break;
            }
            let digits_start = pos + letters;
            let digits_end = digits_start
                + b[digits_start..]
                    .iter()
                    .take(6)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
            // A letter alone names a block too (A座, B栋); otherwise 1–5 digits are needed.
            if (digits_end == digits_start && letters == 0) || digits_end - digits_start > 5 {
                break;
            }
            if digits_end + 1 < b.len()
                && b[digits_end] == b'-'
                && b[digits_end + 1].is_ascii_digit()
            {
                dashed = true;
                pos = digits_end + 1;
                continue;
            }
            let rest = self.s.get(digits_end..).unwrap_or_default();
            let unit = DWELLING_UNITS
                .iter()
                .find(|unit| rest.starts_with(**unit))
                .map(|unit| (*unit, true))
                .or_else(|| {
                    OTHER_UNITS
                        .iter()
                        .find(|unit| rest.starts_with(**unit))
                        .map(|unit| (*unit, false))
                });
            let Some((unit, is_dwelling)) = unit else {
                break;
            };
            dwelling |= is_dwelling || dashed;
            pos = digits_end + unit.len();
            end = Some(pos);
            if !(pos < b.len() && b[pos].is_ascii_alphanumeric()) {
                break;
            }
        }
        let end = end?;
        let addr_start = self.address_start(start);
        if !(dwelling || self.context_before(addr_start, 30, &RESIDENCE_LABELS)) {
            return None;
        }
        self.emit(Raw::new(
            Kind::AddressDetail,
            MaskState::Clear,
            addr_start,
            end,
        ));
        Some(end)
    }

    /// Walk back from `start` over the road / village name to just after the nearest
    /// administrative marker (镇, 乡, 街道, 区, 县, 市, 办事处), a residence label or punctuation.
    fn address_start(&self, start: usize) -> usize {
        let mut pos = start;
        for _ in 0..20 {
            if pos <= self.floor {
                return self.floor.max(pos);
            }
            let head = self.s.get(..pos).unwrap_or_default();
            if RESIDENCE_LABELS.iter().any(|label| head.ends_with(label)) {
                return pos;
            }
            let Some(c) = head.chars().next_back() else {
                return pos;
            };
            // Only Han characters: an ASCII run before the road name belongs to something else
            // (an e-mail domain, a code), and swallowing part of it would change what that run
            // is read as once the address is masked.
            if !is_han(c) {
                return pos;
            }
            let before = head[..head.len() - c.len_utf8()].chars().next_back();
            let marker = match c {
                '镇' | '乡' | '县' | '省' | '旗' => true,
                '市' => before != Some('超'),
                '区' => !matches!(before, Some('小' | '社' | '园' | '校' | '厂' | '景')),
                '道' => before == Some('街'),
                '处' => head.ends_with("办事处"),
                _ => false,
            };
            if marker {
                return pos;
            }
            pos -= c.len_utf8();
        }
        pos
    }

    /// `张XX`, `李**`, `王*`: a short all-mask chunk right after a surname.
    fn masked_name_chunk(&mut self, start: usize, end: usize) {
        let chunk = &self.b[start..end];
        if !(1..=3).contains(&chunk.len()) || !chunk.iter().all(|c| matches!(c, b'X' | b'x' | b'*'))
        {
            return;
        }
        let head = self.s.get(..start).unwrap_or_default();
        let Some(surname_len) = names::surname_before(head) else {
            return;
        };
        let name_start = start - surname_len;
        if name_start < self.floor {
            return;
        }
        let mut raw = Raw::new(Kind::PersonName, MaskState::Masked, name_start, end);
        raw.name_mask = Some((surname_len, chunk.len(), false));
        self.emit(raw);
    }

    /// `张某`, `黄某某`: 某 right after a surname, unless it is a word (于某日, 主张某种).
    fn masked_name_at(&mut self, pos: usize) -> Option<usize> {
        let head = self.s.get(..pos)?;
        let surname_len = names::surname_before(head)?;
        let name_start = pos - surname_len;
        if name_start < self.floor {
            return None;
        }
        if let Some(prev) = self.char_before(name_start)
            && matches!(
                prev,
                '主' | '扩' | '开' | '紧' | '夸' | '伸' | '慌' | '乖' | '嚣' | '铺' | '虚' | '声'
            )
        {
            return None;
        }
        let mut end = pos;
        let mut marks = 0usize;
        while self.s.get(end..).is_some_and(|rest| rest.starts_with('某')) {
            end += '某'.len_utf8();
            marks += 1;
        }
        if let Some(next) = self.char_at(end)
            && "年月日时处地些种项方类次个位天人单部".contains(next)
            && marks == 1
        {
            return None;
        }
        let rest = self.s.get(end..).unwrap_or_default();
        if [
            "公司", "商贸", "有限", "店", "厂", "中心", "市场", "商行", "超市",
        ]
        .iter()
        .any(|w| rest.starts_with(w))
        {
            return None;
        }
        let mut raw = Raw::new(Kind::PersonName, MaskState::Masked, name_start, end);
        raw.name_mask = Some((surname_len, marks, true));
        self.emit(raw);
        Some(end)
    }

    /// Licence plate starting with the province abbreviation at `pos` (GA 36-2018): letter, then
    /// 5 characters (ordinary), 6 characters (new-energy, D/F in third or last place) or 4
    /// characters and a suffix such as 学/警/挂.
    fn plate_at(&mut self, pos: usize, after_province: usize) -> Option<usize> {
        let b = self.b;
        let plate_letter = |c: u8| c.is_ascii_uppercase() && c != b'I' && c != b'O';
        let plate_char = |c: u8| plate_letter(c) || c.is_ascii_digit() || c == b'*';
        let letter = *b.get(after_province)?;
        if !plate_letter(letter) {
            return None;
        }
        let mut body_start = after_province + 1;
        let rest = self.s.get(body_start..)?;
        for sep in ["·", "•", " "] {
            if rest.starts_with(sep) {
                body_start += sep.len();
                break;
            }
        }
        let body_len = b[body_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'*')
            .count();
        let body = &b[body_start..body_start + body_len];
        if !body.iter().all(|c| plate_char(*c)) {
            return None;
        }
        let masked = body.contains(&b'*');
        let numeric = body
            .iter()
            .filter(|c| c.is_ascii_digit() || **c == b'*')
            .count();
        let mut end = body_start + body_len;
        let ok = match body_len {
            5 => numeric >= 3,
            6 => {
                let nev_small = matches!(body[0], b'D' | b'F')
                    && body[2..].iter().all(|c| c.is_ascii_digit() || *c == b'*');
                let nev_large = matches!(body[5], b'D' | b'F')
                    && body[..5].iter().all(|c| c.is_ascii_digit() || *c == b'*');
                nev_small || nev_large
            }
            4 => {
                let suffix = self.char_at(end)?;
                if "挂学警港澳领试超使".contains(suffix) && numeric >= 3 {
                    end += suffix.len_utf8();
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        if !ok {
            return None;
        }
        let state = if masked {
            MaskState::Masked
        } else {
            MaskState::Clear
        };
        self.emit(Raw::new(Kind::LicencePlate, state, pos, end));
        Some(end)
    }

    /// `当事人：张三，…`: a 2–4 character name (or a dotted name) right after a field label.
    fn label_at(&mut self, colon: usize) {
        let head = self.s.get(..colon).unwrap_or_default().trim_end();
        let Some(role) = NAME_LABELS
            .iter()
            .find(|(label, _)| head.ends_with(label))
            .map(|(_, role)| *role)
        else {
            return;
        };
        let mut start = colon + 1;
        while self.b.get(start) == Some(&b' ') {
            start += 1;
        }
        let mut end = start;
        let mut count = 0usize;
        let mut dotted = false;
        while let Some(c) = self.char_at(end) {
            if !(is_han(c) || c == '·' || c == '•') || count > 12 {
                break;
            }
            dotted |= !is_han(c);
            end += c.len_utf8();
            count += 1;
        }
        let Some(name) = self.s.get(start..end) else {
            return;
        };
        let plausible = if dotted {
            (3..=12).contains(&count)
        } else {
            (2..=4).contains(&count)
        };
        if !plausible || name.ends_with('·') {
            return;
        }
        let surname_ok = dotted || names::starts_with_surname(name);
        if !surname_ok || name.contains('某') {
            return;
        }
        let mut raw = Raw::new(Kind::PersonName, MaskState::Clear, start, end);
        raw.role = Some(role);
        self.emit(raw);
        self.labelled.push((name.to_owned(), role));
    }

    /// Every occurrence of every known or labelled natural person's name, except inside the name
    /// of a known organisation.
    fn find_names(&mut self, known: &KnownEntities) {
        let mut org_spans: Vec<(usize, usize)> = Vec::new();
        for org in known.organisations() {
            org_spans.extend(
                self.s
                    .match_indices(org.as_str())
                    .map(|(at, _)| (at, at + org.len())),
            );
        }
        let mut persons: Vec<(String, Role)> = known
            .persons()
            .iter()
            .map(|person| (person.name.clone(), person.role))
            .collect();
        persons.extend(self.labelled.iter().cloned());
        let mut seen: Vec<&str> = Vec::new();
        let mut found = Vec::new();
        for (name, role) in &persons {
            if name.chars().count() < 2 || seen.contains(&name.as_str()) {
                continue;
            }
            seen.push(name);
            for (at, _) in self.s.match_indices(name.as_str()) {
                let end = at + name.len();
                if org_spans.iter().any(|(from, to)| *from <= at && end <= *to) {
                    continue;
                }
                // Like identifiers, a name with ASCII letters or digits at an edge must not match
                // inside a longer run (王A in 王AAA).
                let bytes = self.b;
                let glued_before =
                    at > 0 && is_chunk_byte(bytes[at - 1]) && is_chunk_byte(bytes[at]);
                let glued_after =
                    end < bytes.len() && is_chunk_byte(bytes[end]) && is_chunk_byte(bytes[end - 1]);
                if glued_before || glued_after {
                    continue;
                }
                let mut raw = Raw::new(Kind::PersonName, MaskState::Clear, at, end);
                raw.role = Some(*role);
                found.push(raw);
            }
        }
        self.out.extend(found);
    }

    /// Sort, drop overlaps (earliest, then longest wins) and judge masked names against the known
    /// persons (a wrong number of 某 is a BadMask, D10-d).
    fn resolve(mut self, known: &KnownEntities) -> Vec<Raw> {
        self.out
            .sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
        let mut kept: Vec<Raw> = Vec::with_capacity(self.out.len());
        let mut last_end = 0usize;
        for raw in self.out {
            if raw.start < last_end {
                if raw.end > last_end
                    && let Some(prev) = kept.last_mut()
                {
                    merge_partial_overlap(prev, raw);
                    last_end = prev.end;
                }
                continue;
            }
            last_end = raw.end;
            kept.push(raw);
        }
        let persons: Vec<&str> = known
            .persons()
            .iter()
            .map(|person| person.name.as_str())
            .chain(self.labelled.iter().map(|(name, _)| name.as_str()))
            .collect();
        for raw in &mut kept {
            let Some((surname_len, marks, mou)) = raw.name_mask else {
                continue;
            };
            let Some(surname) = self.s.get(raw.start..raw.start + surname_len) else {
                continue;
            };
            if marks > 2 {
                raw.state = MaskState::BadMask;
                raw.note = Some(format!(
                    "姓名掩码「{}」过长，应为姓氏加「某」或「某某」（D10-d）",
                    &self.s[raw.start..raw.end]
                ));
                continue;
            }
            if !mou {
                continue;
            }
            let candidates: Vec<usize> = persons
                .iter()
                .filter(|name| names::surname_of(name) == surname)
                .map(|name| names::expected_mask_marks(name))
                .collect();
            if !candidates.is_empty() && !candidates.contains(&marks) {
                let expected = if candidates[0] == 1 { "某" } else { "某某" };
                raw.state = MaskState::BadMask;
                raw.note = Some(format!(
                    "姓名掩码长度不符，应为「{surname}{expected}」（D10-d、P9）"
                ));
            }
        }
        kept
    }
}

/// Two findings overlap partly (a name whose last character starts a licence plate, an address
/// whose back-scan stopped inside a name). Masking only one of them would leave part of the other
/// readable and let a second pass find it, so they become one finding over the union: an address
/// when either is one (fully masked by default), otherwise a name (masked as surname + 某某).
fn merge_partial_overlap(prev: &mut Raw, next: Raw) {
    let kinds = [prev.kind, next.kind];
    prev.kind = if kinds.contains(&Kind::AddressDetail) {
        Kind::AddressDetail
    } else if kinds.contains(&Kind::PersonName) {
        Kind::PersonName
    } else {
        prev.kind
    };
    if next.state == MaskState::Clear {
        prev.state = MaskState::Clear;
    }
    prev.end = next.end;
    prev.role = prev.role.or(next.role);
    prev.name_mask = None;
}

fn is_mobile_shape(t: &[u8]) -> bool {
    t.len() == 11
        && t[0] == b'1'
        && matches!(t[1], b'3'..=b'9' | b'*')
        && t.iter().all(|c| c.is_ascii_digit() || *c == b'*')
}

fn mobile_grouping(lens: &[usize]) -> bool {
    matches!(lens, [11] | [3, 4, 4] | [3, 8] | [7, 4])
}

/// Area codes: 010, 020–029, 0[3-9]xx.
fn is_area_code(t: &[u8]) -> bool {
    match t {
        [b'0', b'1', b'0'] => true,
        [b'0', b'2', d] => d.is_ascii_digit(),
        [b'0', b'3'..=b'9', d1, d2] => d1.is_ascii_digit() && d2.is_ascii_digit(),
        _ => false,
    }
}

fn is_contiguous_landline(t: &[u8]) -> bool {
    let area_len = match t {
        [b'0', b'1', b'0', ..] | [b'0', b'2', ..] => 3,
        [b'0', b'3'..=b'9', ..] => 4,
        _ => return false,
    };
    let subscriber = &t[area_len..];
    (7..=8).contains(&subscriber.len()) && matches!(subscriber[0], b'2'..=b'9')
}

/// Bank card: Luhn-valid and issued under a major network prefix (3 JCB/AmEx, 4 Visa,
/// 5 Mastercard, 6 UnionPay), which keeps date-led order numbers (`2023…`) out.
fn is_card(t: &[u8]) -> bool {
    matches!(t.first(), Some(b'3'..=b'6')) && check::luhn_valid(t)
}

/// Passport and permit numbers that are recognisable by shape alone: E/G and 8 digits, or E, a
/// letter and 7 digits (passport); C and 8 digits, or C, a letter and 7 digits (往来港澳通行证);
/// H/M and 8 or 10 digits (港澳居民来往内地通行证); L and 8 digits (往来台湾通行证).
fn is_travel_document(t: &[u8]) -> bool {
    let letter = |c: u8| c.is_ascii_uppercase() && c != b'I' && c != b'O';
    let digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    match t {
        [b'E' | b'G' | b'C' | b'H' | b'M' | b'L', rest @ ..] if rest.len() == 8 && digits(rest) => {
            true
        }
        [b'E' | b'C', second, rest @ ..] if rest.len() == 7 && letter(*second) && digits(rest) => {
            true
        }
        [b'H' | b'M', rest @ ..] if rest.len() == 10 && digits(rest) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_table_matches_mou_and_the_province_list() {
        for code_point in 0x4E00u32..=0x9FFF {
            let Some(c) = char::from_u32(code_point) else {
                continue;
            };
            assert_eq!(is_trigger(code_point), c == '某' || is_province(c), "{c}");
        }
    }
}
