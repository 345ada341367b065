//! Width normalisation with an offset map back to the original text.
//!
//! Chinese documents mix full-width (`１３８`, `＠`, `：`) and half-width forms, often within one
//! identifier. The detectors work on a copy in which full-width ASCII variants (U+FF01–U+FF5E)
//! become ASCII, the ideographic space (U+3000) becomes a space and the multiplication sign `×`
//! (used as a mask character, `张××`) becomes `*`. Every replaced character is exactly one
//! character in both texts, so char boundaries correspond one to one and offsets map back
//! exactly. The map is sparse: one breakpoint per replaced character, none at all for the common
//! case of text that needs no change.

use std::borrow::Cow;

/// The normalised copy of a text and the breakpoints that map its offsets back.
pub(crate) struct Normalized<'a> {
    text: Cow<'a, str>,
    // INVARIANT: sorted by `.0`; `.0` is the normalised byte offset just after a replaced char,
    // `.1` the total number of bytes the normalised text is shorter than the original up to that
    // point (strictly increasing).
    breakpoints: Vec<(usize, usize)>,
}

fn normalized_char(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0),
        '\u{3000}' => Some(' '),
        '\u{00D7}' | '\u{2217}' => Some('*'),
        _ => None,
    }
}

/// Whether a lead byte can start a char that [`normalized_char`] replaces: U+FFxx (0xEF),
/// U+3000 (0xE3), U+00D7 (0xC3) and U+2217 (0xE2).
fn may_need_change(byte: u8) -> bool {
    matches!(byte, 0xEF | 0xE3 | 0xC3 | 0xE2)
}

impl<'a> Normalized<'a> {
    /// Normalise `text`; borrows it unchanged when nothing needs replacing.
    pub(crate) fn new(text: &'a str) -> Normalized<'a> {
        let Some(first) = text.bytes().position(may_need_change) else {
            return Normalized {
                text: Cow::Borrowed(text),
                breakpoints: Vec::new(),
            };
        };
        if !text[first..].chars().any(|c| normalized_char(c).is_some()) {
            return Normalized {
                text: Cow::Borrowed(text),
                breakpoints: Vec::new(),
            };
        }
        let mut out = String::with_capacity(text.len());
        let mut breakpoints = Vec::new();
        let mut shrink = 0usize;
        for c in text.chars() {
            match normalized_char(c) {
                Some(ascii) => {
                    out.push(ascii);
                    shrink += c.len_utf8() - ascii.len_utf8();
                    breakpoints.push((out.len(), shrink));
                }
                None => out.push(c),
            }
        }
        Normalized {
            text: Cow::Owned(out),
            breakpoints,
        }
    }

    /// The normalised text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Map a byte offset on a char boundary of the normalised text to the original text.
    pub(crate) fn to_original(&self, offset: usize) -> usize {
        let idx = self.breakpoints.partition_point(|(at, _)| *at <= offset);
        match idx
            .checked_sub(1)
            .and_then(|last| self.breakpoints.get(last))
        {
            Some((_, shrink)) => offset + shrink,
            None => offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_map_back_to_their_original_offsets() {
        let text = "电话：１３８abc";
        let norm = Normalized::new(text);
        assert_eq!(norm.text(), "电话:138abc");
        let start = norm.text().find('1').unwrap_or(usize::MAX);
        let orig_start = norm.to_original(start);
        let orig_end = norm.to_original(start + 3);
        assert_eq!(&text[orig_start..orig_end], "１３８");
        assert_eq!(norm.to_original(norm.text().len()), text.len());
    }

    #[test]
    fn unchanged_text_is_borrowed() {
        let norm = Normalized::new("张三 13812345678");
        assert!(matches!(norm.text, Cow::Borrowed(_)));
    }
}
