//! Check characters of the identifiers the demo district invents: 统一社会信用代码 (GB 32100-2015)
//! and 公民身份号码 (GB 11643-1999, ISO 7064 MOD 11-2). The demo data are fictional, but the codes
//! pass the same checks a real form would apply, so the registries' validation (D4-a) is exercised.

/// The 31 characters of GB 32100 in value order (no I, O, Z, S, V).
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (GB 32100-2015 §4.3: 3^(i-1) mod 31).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Completes a 17-character code body with its GB 32100 check character. Returns `None` when a
/// character is outside the code alphabet or the length is not 17.
pub fn uscc(body17: &str) -> Option<String> {
    let bytes = body17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (byte, weight) in bytes.iter().zip(USCC_WEIGHTS) {
        let value = USCC_ALPHABET.iter().position(|c| c == byte)?;
        // INVARIANT: position < 31.
        sum += value as u32 * weight;
    }
    let check = ((31 - sum % 31) % 31) as usize;
    let mut out = body17.to_owned();
    out.push(char::from(USCC_ALPHABET[check]));
    Some(out)
}

/// Weights of the 17 digits of a 公民身份号码 (GB 11643-1999: 2^(18-i) mod 11).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters by `sum mod 11`.
const ID_CHECKS: &[u8; 11] = b"10X98765432";

/// Completes 17 digits (area code, birth date, sequence) with the ISO 7064 MOD 11-2 check
/// character. Returns `None` when the input is not 17 ASCII digits.
pub fn id_card(digits17: &str) -> Option<String> {
    let bytes = digits17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(byte, weight)| u32::from(byte - b'0') * weight)
        .sum();
    let mut out = digits17.to_owned();
    out.push(char::from(ID_CHECKS[(sum % 11) as usize]));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uscc_matches_the_core_validator_and_known_codes() {
        // Known valid codes (the core's own test vectors).
        assert_eq!(
            uscc("91350100M000100Y4").as_deref(),
            Some("91350100M000100Y43")
        );
        assert_eq!(
            uscc("91110000802100433").as_deref(),
            Some("91110000802100433B")
        );
        for body in [
            "11370403MB2850001",
            "12370403MB1234567",
            "91370403MA3C00001",
        ] {
            let code = uscc(body).unwrap();
            assert!(liuhen_core::registry::uscc::is_valid(&code), "{code}");
        }
        assert_eq!(uscc("11370403MB285000I"), None);
        assert_eq!(uscc("short"), None);
    }

    #[test]
    fn id_card_check_digit_follows_gb_11643() {
        // The worked example of GB 11643-1999 Annex A: 11010519491231002X.
        assert_eq!(
            id_card("11010519491231002").as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(
            id_card("44052418800101001").as_deref(),
            Some("440524188001010014")
        );
        assert_eq!(id_card("4405241880010100A"), None);
    }
}
