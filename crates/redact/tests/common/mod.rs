//! Helpers shared by the behaviour tests: an independent implementation of the check characters
//! (so that the crate's own implementation is cross-checked, not reused) and a tiny deterministic
//! PRNG for the corpus generator and property-test inputs.
#![allow(dead_code)]

/// GB 11643 check character of 17 digits.
pub fn id18_check(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .enumerate()
        .map(|(idx, byte)| u32::from(byte - b'0') * ((1u32 << (17 - idx)) % 11))
        .sum();
    ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize]
}

/// A valid 18-character identity number.
pub fn id18(region: &str, date: &str, seq: &str) -> String {
    let body = format!("{region}{date}{seq}");
    let check = id18_check(&body);
    format!("{body}{check}")
}

/// The same number with a wrong check character.
pub fn id18_bad_check(region: &str, date: &str, seq: &str) -> String {
    let good = id18(region, date, seq);
    let last = good.chars().last().unwrap_or('0');
    let wrong = if last == '1' { '2' } else { '1' };
    format!("{}{wrong}", &good[..17])
}

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 32100 check character of 17 characters.
pub fn credit_check(first17: &str) -> char {
    let weights = [
        1u32, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let sum: u32 = first17
        .chars()
        .zip(weights)
        .map(|(c, w)| CREDIT_CHARS.find(c).unwrap_or(0) as u32 * w)
        .sum();
    let idx = ((31 - sum % 31) % 31) as usize;
    CREDIT_CHARS.chars().nth(idx).unwrap_or('0')
}

/// GB 11714 check character of an 8-character organisation-code body.
pub fn org_check(body: &str) -> char {
    let weights = [3u32, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body
        .chars()
        .zip(weights)
        .map(|(c, w)| c.to_digit(36).unwrap_or(0) * w)
        .sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from(b'0' + d as u8),
    }
}

/// A valid 统一社会信用代码 for a 16-character body (authority, type, region, organisation code
/// without its check character).
pub fn credit_code(body16: &str) -> String {
    let body17 = format!("{body16}{}", org_check(&body16[8..]));
    format!("{body17}{}", credit_check(&body17))
}

/// Luhn check digit completing `body`.
pub fn luhn_digit(body: &str) -> char {
    let mut sum = 0u32;
    for (pos, byte) in body.bytes().rev().enumerate() {
        let mut value = u32::from(byte - b'0');
        if pos % 2 == 0 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// Full-width form of ASCII digits and letters.
pub fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// SplitMix64: deterministic, seedable, no dependency.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}
