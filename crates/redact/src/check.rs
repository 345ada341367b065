//! Check characters and fixed-shape validation of identifiers.
//!
//! Every function here takes ASCII bytes that the scanner has already cut out of the normalised
//! text; none of them allocates. They are the reason the detectors can promise 100 % recall on
//! identifiers with a check character while staying precise: a random 18-digit order number
//! passes the GB 11643 check with probability 1/11 and additionally needs a province code and a
//! real calendar date, so near-misses are rare.

/// Weights of GB 11643-1999 §5 (ISO 7064 MOD 11-2): `2^(17-i) mod 11` for positions 0..17.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder `sum mod 11` (GB 11643-1999 §5.2).
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// GB 11643 check character of the first 17 digits of a 居民身份证号.
///
/// Returns `None` when one of the first 17 bytes is not an ASCII digit.
pub(crate) fn id18_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (byte, weight) in first17.iter().zip(ID_WEIGHTS) {
        if !byte.is_ascii_digit() {
            return None;
        }
        sum += u32::from(byte - b'0') * weight;
    }
    ID_CHECK.get((sum % 11) as usize).copied()
}

/// Whether `code` is a first-level administrative division code (the first two digits of GB/T
/// 2260 region codes as used in identity numbers): provinces 11–65, 71 台湾, 81 香港, 82 澳门,
/// 83 (港澳台居民居住证, since 2018).
pub(crate) fn is_province_code(d1: u8, d2: u8) -> bool {
    if !(d1.is_ascii_digit() && d2.is_ascii_digit()) {
        return false;
    }
    matches!(
        (d1 - b'0', d2 - b'0'),
        (1, 1..=5)
            | (2, 1..=3)
            | (3, 1..=7)
            | (4, 1..=6)
            | (5, 0..=4)
            | (6, 1..=5)
            | (7, 1)
            | (8, 1..=3)
    )
}

fn digits_value(bytes: &[u8]) -> Option<u32> {
    let mut value = 0u32;
    for byte in bytes {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(byte - b'0');
    }
    Some(value)
}

/// Whether year/month/day form a real Gregorian date between 1900-01-01 and 2099-12-31.
///
/// The scanner is pure (DESIGN.md "Pure core") and has no clock, so "not in the future" cannot be
/// checked here; the window only rules out shapes that are certainly not birth dates.
pub(crate) fn is_valid_date(year: u32, month: u32, day: u32) -> bool {
    if !(1900..=2099).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days_in_month
}

/// Whether 18 ASCII bytes are a valid 居民身份证号 (GB 11643-1999): province code, birth date
/// YYYYMMDD at positions 7–14, check character (digit or `X`, case-insensitive).
pub(crate) fn is_valid_id18(bytes: &[u8]) -> bool {
    let [d1, d2, ..] = bytes else { return false };
    if bytes.len() != 18 || !is_province_code(*d1, *d2) {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits_value(&bytes[6..10]),
        digits_value(&bytes[10..12]),
        digits_value(&bytes[12..14]),
    ) else {
        return false;
    };
    if !is_valid_date(year, month, day) {
        return false;
    }
    let Some(expected) = id18_check_char(&bytes[..17]) else {
        return false;
    };
    bytes[17].to_ascii_uppercase() == expected
}

/// Province code and a real birth date in the identity-number positions, whatever the check.
pub(crate) fn looks_like_id18(bytes: &[u8]) -> bool {
    bytes.len() == 18
        && bytes[..17].iter().all(u8::is_ascii_digit)
        && is_province_code(bytes[0], bytes[1])
        && matches!(
            (digits_value(&bytes[6..10]), digits_value(&bytes[10..12]), digits_value(&bytes[12..14])),
            (Some(year), Some(month), Some(day)) if is_valid_date(year, month, day)
        )
}

/// Whether 15 ASCII digits are a legacy (first-generation) 居民身份证号: province code, birth
/// date YYMMDD of the 1900s at positions 7–12, three sequence digits; there is no check digit.
pub(crate) fn is_valid_id15(bytes: &[u8]) -> bool {
    let [d1, d2, ..] = bytes else { return false };
    if bytes.len() != 15 || !bytes.iter().all(u8::is_ascii_digit) || !is_province_code(*d1, *d2) {
        return false;
    }
    let (Some(year), Some(month), Some(day)) = (
        digits_value(&bytes[6..8]),
        digits_value(&bytes[8..10]),
        digits_value(&bytes[10..12]),
    ) else {
        return false;
    };
    is_valid_date(1900 + year, month, day)
}

/// Character set of the 统一社会信用代码 (GB 32100-2015 §4.2): digits and 21 capital letters
/// without I, O, Z, S, V. The index of a character is its value.
const CREDIT_CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights for positions 1–17 (GB 32100-2015 §5.2: `3^(i-1) mod 31`).
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn credit_value(byte: u8) -> Option<u32> {
    let upper = byte.to_ascii_uppercase();
    CREDIT_CHARSET
        .iter()
        .position(|c| *c == upper)
        .map(|pos| pos as u32)
}

/// Check character of a 统一社会信用代码 from its first 17 characters (GB 32100-2015 §5.2).
pub(crate) fn credit_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (byte, weight) in first17.iter().zip(CREDIT_WEIGHTS) {
        sum += credit_value(*byte)? * weight;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CHARSET.get(check as usize).copied()
}

/// Check character of a 9-character organisation code (GB 11714-1997 §4): weights 3,7,9,10,5,8,4,2
/// over the first eight characters (letters count 10–35), `11 - sum mod 11`, 10 → `X`, 11 → `0`.
pub(crate) fn org_code_check_char(first8: &[u8]) -> Option<u8> {
    const WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    if first8.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (byte, weight) in first8.iter().zip(WEIGHTS) {
        let value = match byte.to_ascii_uppercase() {
            digit @ b'0'..=b'9' => u32::from(digit - b'0'),
            letter @ b'A'..=b'Z' => u32::from(letter - b'A') + 10,
            _ => return None,
        };
        sum += value * weight;
    }
    match 11 - sum % 11 {
        10 => Some(b'X'),
        11 => Some(b'0'),
        digit => Some(b'0' + digit as u8),
    }
}

/// Whether 18 bytes are a valid 统一社会信用代码 (GB 32100-2015 §4): registration-authority code
/// (1–9, A, N, Y), a six-digit region code at positions 3–8, the organisation code at positions
/// 9–17 with its own GB 11714 check character, and the GB 32100 check character.
///
/// An all-digit string that has the shape of an identity number (province code and real birth
/// date) is never taken as a credit code: it is an identity number with a wrong check character,
/// not an organisation.
pub(crate) fn is_valid_credit_code(bytes: &[u8]) -> bool {
    if bytes.len() != 18 || !bytes[2..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !matches!(
        bytes[0].to_ascii_uppercase(),
        b'1'..=b'9' | b'A' | b'N' | b'Y'
    ) {
        return false;
    }
    if org_code_check_char(&bytes[8..16]) != Some(bytes[16].to_ascii_uppercase()) {
        return false;
    }
    if looks_like_id18(bytes) {
        return false;
    }
    let Some(expected) = credit_check_char(&bytes[..17]) else {
        return false;
    };
    credit_value(bytes[17]).is_some() && bytes[17].to_ascii_uppercase() == expected
}

/// Luhn (ISO/IEC 7812-1 Annex B) check over ASCII digits; `false` for any non-digit.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (pos, byte) in digits.iter().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return false;
        }
        let mut value = u32::from(byte - b'0');
        if pos % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    sum.is_multiple_of(10)
}

/// Luhn check digit that completes `body` (used by the unit tests).
#[cfg(test)]
pub(crate) fn luhn_check_digit(body: &[u8]) -> Option<u8> {
    (b'0'..=b'9').find(|digit| {
        let mut full = body.to_vec();
        full.push(*digit);
        luhn_valid(&full)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb11643_known_number_validates() {
        // Example from GB 11643-1999 Appendix A: 11010519491231002X.
        assert!(is_valid_id18(b"11010519491231002X"));
        assert!(is_valid_id18(b"11010519491231002x"));
        assert!(!is_valid_id18(b"110105194912310021"));
        assert!(!is_valid_id18(b"11010519491331002X"), "month 13");
        assert!(!is_valid_id18(b"99010519491231002X"), "province 99");
    }

    #[test]
    fn gb32100_known_code_validates() {
        // Region 370100, organisation code MA3C4XXX + its GB 11714 check, then the GB 32100 check.
        let Some(org_check) = org_code_check_char(b"MA3C4XXX") else {
            panic!("charset")
        };
        let mut body = b"91370100MA3C4XXX".to_vec();
        body.push(org_check);
        let body = body.as_slice();
        let Some(check) = credit_check_char(body) else {
            panic!("body is in the charset")
        };
        let mut code = body.to_vec();
        code.push(check);
        assert!(is_valid_credit_code(&code));
        code[17] = if check == b'0' { b'1' } else { b'0' };
        assert!(!is_valid_credit_code(&code));
    }

    #[test]
    fn luhn_accepts_reference_number_and_rejects_a_flip() {
        assert!(luhn_valid(b"79927398713"));
        assert!(!luhn_valid(b"79927398710"));
        assert_eq!(luhn_check_digit(b"7992739871"), Some(b'3'));
    }

    #[test]
    fn legacy_id_needs_real_date_and_province() {
        assert!(
            !is_valid_id15(b"370402900229123"),
            "1990 is not a leap year"
        );
        assert!(is_valid_id15(b"370402920229123"));
        assert!(!is_valid_id15(b"200402920229123"));
    }
}
