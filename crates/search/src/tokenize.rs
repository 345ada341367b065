//! Tokenizers: character bigrams for recall, jieba words for ranking.
//!
//! # Why two tokenizers
//!
//! jieba's search mode splits 行政处罚法 into 行政 / 处罚 / 行政处罚法 — never 行政处罚 — so a
//! query for 行政处罚 (the term every user types) finds nothing in a jieba-only index
//! (DESIGN.md "Stack"). Statute names, body names (市场监督管理局) and party names are exactly the
//! compound terms where segmentation is least predictable. So every searchable text is also
//! indexed as overlapping character bigrams, and each CJK run of the query becomes a phrase of
//! bigrams: 行政处罚 → 行政 政处 处罚 at consecutive positions, which matches inside 行政处罚法
//! whatever jieba did. The jieba fields only add score (a whole-word match ranks higher).
//!
//! # The segment grammar (shared by index and query side)
//!
//! Text is first normalised per character (full-width ASCII U+FF01–U+FF5E → ASCII, ideographic
//! space → space, letters lower-cased), then cut into [`Segment`]s:
//! - a **CJK run** (Han ideographs, including extension blocks and 〇) occupies one position per
//!   character; it emits a unigram at every position and a bigram starting at every position but
//!   the last — unigrams serve one-character queries (罚, 张), bigrams serve everything longer;
//! - a **word** (a run of other alphanumerics: ASCII letters, digits, Latin letters) occupies one
//!   position and emits itself — doc-number digits 2024 and 12, credit codes
//!   91370403MA3C1234XY;
//! - anything else (punctuation 〔〕《》，。, whitespace, symbols) separates segments and
//!   occupies no position.
//!
//! Because positions depend only on the segments, not on the separators between them, the query
//! 薛市监罚 2024 12号 lines up token for token with the indexed 薛市监罚〔2024〕12号, which is
//! what lets the whole-query phrase boost find an exact doc number.

use jieba_rs::{Jieba, TokenizeMode};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the bigram tokenizer is registered on the index.
pub(crate) const BIGRAM_TOKENIZER: &str = "liuhen_bigram";
/// Name under which the jieba word tokenizer is registered on the index.
pub(crate) const JIEBA_TOKENIZER: &str = "liuhen_jieba";
/// Name under which the dictionary-word tokenizer is registered on the index.
pub(crate) const DICT_WORDS_TOKENIZER: &str = "liuhen_dict_words";
/// Shortest dictionary word the dictionary-word field indexes, in characters: two-character
/// words are bigram terms already.
pub(crate) const MIN_DICT_WORD_CHARS: usize = 3;

/// Enforcement vocabulary added to jieba's default dictionary (statute short names, penalty
/// kinds, procedure terms): see the file's header.
pub(crate) const ENFORCEMENT_WORDS: &str = include_str!("../dict/enforcement.txt");

/// jieba with its default dictionary plus [`ENFORCEMENT_WORDS`], loaded once per process (tens of
/// MB) and shared by every tokenizer here: full mode for [`dict_words`], search mode for the
/// ranking fields, default mode for cutting long query runs. The added words cannot fail to load
/// (a test loads them); were they ever to, the default dictionary alone still gives correct,
/// only slower, results, because the query side asks the same dictionary.
static DICTIONARY: std::sync::LazyLock<Jieba> =
    std::sync::LazyLock::new(|| load_dictionary().unwrap_or_else(|_| Jieba::new()));

/// jieba's default dictionary plus the enforcement words (comment and blank lines skipped).
pub(crate) fn load_dictionary() -> Result<Jieba, jieba_rs::Error> {
    let entries: String = ENFORCEMENT_WORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .flat_map(|line| [line, "\n"])
        .collect();
    let mut jieba = Jieba::new();
    jieba.load_dict(&mut entries.as_bytes())?;
    Ok(jieba)
}

/// FNV-1a (32 bits) of the enforcement words: part of the dictionary-word field's name, so an
/// index built with other words fails the schema check and is rebuilt.
pub(crate) const fn enforcement_words_hash() -> u32 {
    let bytes = ENFORCEMENT_WORDS.as_bytes();
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

/// What a [`Segment`] is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SegmentKind {
    /// A run of Han ideographs.
    Cjk,
    /// A run of other alphanumerics (ASCII letters and digits above all).
    Word,
}

/// One maximal run of same-kind characters in normalised text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Segment {
    /// Run kind.
    pub(crate) kind: SegmentKind,
    /// Normalised characters of the run (full-width folded, lower-cased).
    pub(crate) chars: Vec<char>,
    /// Byte range of each character in the original text; same length as `chars`.
    pub(crate) spans: Vec<std::ops::Range<usize>>,
}

impl Segment {
    /// The normalised text of the run.
    pub(crate) fn text(&self) -> String {
        self.chars.iter().collect()
    }
}

/// Whether `c` is a Han ideograph (CJK Unified Ideographs and extensions, compatibility
/// ideographs, and 〇 which appears in dates written as 二〇二四年).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3007
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F
        | 0x30000..=0x3134F)
}

/// Normalise one character: full-width ASCII to ASCII, ideographic space to space, then
/// lower-case when the lower-case form is a single character (keeps byte spans simple).
pub(crate) fn normalize_char(c: char) -> char {
    // Fast paths: ASCII, and Han ideographs (no case, no full-width form) — nearly every
    // character of a Chinese text; the general case below searches Unicode's case tables.
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if is_cjk(c) {
        return c;
    }
    let folded = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    };
    let mut lower = folded.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(single), None) => single,
        _ => folded,
    }
}

/// Cut `text` into segments (see the module documentation for the grammar).
pub(crate) fn segments(text: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut current: Option<Segment> = None;
    for (byte_idx, original) in text.char_indices() {
        let c = normalize_char(original);
        let kind = if is_cjk(c) {
            Some(SegmentKind::Cjk)
        } else if c.is_alphanumeric() {
            Some(SegmentKind::Word)
        } else {
            None
        };
        let span = byte_idx..byte_idx + original.len_utf8();
        match (kind, current.as_mut()) {
            (Some(kind), Some(segment)) if segment.kind == kind => {
                segment.chars.push(c);
                segment.spans.push(span);
            }
            (Some(kind), _) => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                current = Some(Segment {
                    kind,
                    chars: vec![c],
                    spans: vec![span],
                });
            }
            (None, _) => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
            }
        }
    }
    if let Some(done) = current.take() {
        out.push(done);
    }
    out
}

/// A token the bigram tokenizer emits, before it becomes a tantivy [`Token`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GramToken {
    /// Token text (one or two characters of a CJK run, or a whole word).
    pub(crate) text: String,
    /// Position, counted in segment characters (see the module documentation).
    pub(crate) position: usize,
    /// Byte range in the original text.
    pub(crate) span: std::ops::Range<usize>,
    /// Whether this is the token a phrase query uses at this position (the bigram where there is
    /// one, else the unigram or the word).
    pub(crate) primary: bool,
}

/// Tokenise `text` into unigrams, bigrams and words with positions, in position order.
pub(crate) fn gram_tokens(text: &str) -> Vec<GramToken> {
    let mut out = Vec::new();
    let mut position = 0usize;
    for segment in segments(text) {
        match segment.kind {
            SegmentKind::Word => {
                let (Some(first), Some(last)) = (segment.spans.first(), segment.spans.last())
                else {
                    continue;
                };
                out.push(GramToken {
                    text: segment.text(),
                    position,
                    span: first.start..last.end,
                    primary: true,
                });
                position += 1;
            }
            SegmentKind::Cjk => {
                let n_chars = segment.chars.len();
                let pairs = segment.chars.iter().zip(segment.spans.iter()).enumerate();
                for (char_idx, (c, span)) in pairs {
                    let next = segment
                        .chars
                        .get(char_idx + 1)
                        .zip(segment.spans.get(char_idx + 1));
                    out.push(GramToken {
                        text: c.to_string(),
                        position: position + char_idx,
                        span: span.clone(),
                        primary: n_chars == 1,
                    });
                    if let Some((next_char, next_span)) = next {
                        let mut bigram = String::with_capacity(8);
                        bigram.push(*c);
                        bigram.push(*next_char);
                        out.push(GramToken {
                            text: bigram,
                            position: position + char_idx,
                            span: span.start..next_span.end,
                            primary: true,
                        });
                    }
                }
                position += n_chars;
            }
        }
    }
    out
}

/// A token stream over tokens computed up front.
///
/// Tokens are kept in reverse so `advance` can pop them without indexing.
pub(crate) struct VecTokenStream {
    reversed: Vec<Token>,
    current: Token,
}

impl VecTokenStream {
    /// A stream of `(text, byte span, position)` tokens, in order.
    fn of(tokens: impl Iterator<Item = (String, std::ops::Range<usize>, usize)>) -> Self {
        let mut reversed: Vec<Token> = tokens
            .map(|(text, span, position)| Token {
                offset_from: span.start,
                offset_to: span.end,
                position,
                text,
                position_length: 1,
            })
            .collect();
        reversed.reverse();
        VecTokenStream {
            reversed,
            current: Token::default(),
        }
    }
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        match self.reversed.pop() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// The character-bigram tokenizer (see the module documentation).
#[derive(Clone, Debug, Default)]
pub(crate) struct BigramTokenizer;

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::of(
            gram_tokens(text)
                .into_iter()
                .map(|gram| (gram.text, gram.span, gram.position)),
        )
    }
}

/// Every dictionary word of [`MIN_DICT_WORD_CHARS`] or more characters inside the CJK runs of
/// `text`, at every position it starts (jieba's full mode, `cut_all`, which walks the dictionary
/// trie from every character), with its byte span in `text`.
///
/// # Why
/// This is what makes a common compound term fast without losing the bigram guarantee. A word
/// is emitted wherever it occurs as a substring of a CJK run, whatever words overlap it, so a
/// document contains the dictionary word 行政处罚 (inside 行政处罚法 too) exactly when this
/// tokenizer emits it; the query for such a run can be one term instead of a phrase of bigrams,
/// and a single term gets tantivy's block-max top-k pruning (see `query::run_query`).
pub(crate) fn dict_words(text: &str) -> Vec<(String, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    for segment in segments(text) {
        if segment.kind != SegmentKind::Cjk || segment.chars.len() < MIN_DICT_WORD_CHARS {
            continue;
        }
        let run = segment.text();
        for token in DICTIONARY.cut_all(&run) {
            if token.end.saturating_sub(token.start) < MIN_DICT_WORD_CHARS {
                continue;
            }
            let (Some(first), Some(last)) = (
                segment.spans.get(token.start),
                segment.spans.get(token.end - 1),
            ) else {
                continue;
            };
            out.push((token.word.to_owned(), first.start..last.end));
        }
    }
    out
}

/// Whether the CJK run `run` is itself a word [`dict_words`] emits, so that a document contains
/// `run` exactly when its dictionary-word field has the term `run`.
///
/// Emission is local: whether a word is emitted at a character depends only on the characters
/// it covers (all of one CJK run), so emitting `run` for `run` alone means it is emitted inside
/// any longer run that contains it.
pub(crate) fn is_dict_word(run: &str) -> bool {
    if run.chars().count() < MIN_DICT_WORD_CHARS {
        return false;
    }
    DICTIONARY
        .cut_all(run)
        .iter()
        .any(|token| token.byte_start == 0 && token.byte_end == run.len())
}

/// The dictionary-word tokenizer (see [`dict_words`]); its field has no positions.
#[derive(Clone, Debug, Default)]
pub(crate) struct DictWordTokenizer;

impl Tokenizer for DictWordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::of(
            dict_words(text)
                .into_iter()
                .enumerate()
                .map(|(ordinal, (word, span))| (word, span, ordinal)),
        )
    }
}

/// jieba search-mode words, lower-cased, without the punctuation and whitespace tokens jieba
/// also returns. Used only for ranking: the fields it feeds are indexed without positions.
#[derive(Clone, Debug, Default)]
pub(crate) struct JiebaWordTokenizer;

impl Tokenizer for JiebaWordTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream::of(
            DICTIONARY
                .tokenize(text, TokenizeMode::Search, true)
                .into_iter()
                .filter(|token| token.word.chars().any(char::is_alphanumeric))
                .enumerate()
                .map(|(ordinal, token)| {
                    let word = token.word.chars().map(normalize_char).collect();
                    (word, token.byte_start..token.byte_end, ordinal)
                }),
        )
    }
}

/// jieba words of `text` as the jieba field indexes them (for building term queries).
pub(crate) fn jieba_words(text: &str) -> Vec<String> {
    let mut tokenizer = JiebaWordTokenizer;
    let mut stream = tokenizer.token_stream(text);
    let mut words = Vec::new();
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

/// jieba's default-mode (non-overlapping) cut of a long CJK run, used to split a long query run
/// into words that must each appear.
pub(crate) fn jieba_cut(text: &str) -> Vec<String> {
    DICTIONARY
        .tokenize(text, TokenizeMode::Default, true)
        .into_iter()
        .map(|token| token.word.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expect: &[(&str, usize)]) {
        let got: Vec<(String, usize)> = gram_tokens(text)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect();
        let want: Vec<(String, usize)> = expect.iter().map(|(t, p)| (t.to_string(), *p)).collect();
        assert_eq!(got, want, "tokens of {text:?}");
    }

    #[test]
    fn cjk_run_gives_unigrams_and_overlapping_bigrams() {
        check(
            "处罚法",
            &[("处", 0), ("处罚", 0), ("罚", 1), ("罚法", 1), ("法", 2)],
        );
    }

    #[test]
    fn single_cjk_char_gives_one_unigram() {
        check("罚", &[("罚", 0)]);
    }

    #[test]
    fn doc_number_punctuation_separates_without_taking_positions() {
        check(
            "罚〔2024〕12号",
            &[("罚", 0), ("2024", 1), ("12", 2), ("号", 3)],
        );
    }

    #[test]
    fn full_width_letters_and_digits_fold_to_lower_ascii() {
        check("ＡＢＣ１２３", &[("abc123", 0)]);
        check("Ab12", &[("ab12", 0)]);
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "〔２０２４〕号";
        for token in gram_tokens(text) {
            let slice = text.get(token.span.clone());
            assert!(slice.is_some(), "span {:?} of {token:?}", token.span);
        }
    }

    #[test]
    fn dict_words_find_a_compound_inside_a_longer_word() {
        // jieba's default and search modes never yield 行政处罚 from 行政处罚法; full mode does.
        let words: Vec<String> = dict_words("依据《中华人民共和国行政处罚法》")
            .into_iter()
            .map(|(word, _)| word)
            .collect();
        for expected in ["中华人民共和国", "行政处罚", "行政处罚法"] {
            assert!(
                words.iter().any(|w| w == expected),
                "{expected} in {words:?}"
            );
        }
        assert!(
            words
                .iter()
                .all(|w| w.chars().count() >= MIN_DICT_WORD_CHARS),
            "{words:?}"
        );
    }

    #[test]
    fn dict_word_spans_point_at_the_word() {
        let text = "《行政处罚法》";
        for (word, span) in dict_words(text) {
            assert_eq!(text.get(span.clone()), Some(word.as_str()), "{span:?}");
        }
    }

    #[test]
    fn enforcement_words_load_and_become_dictionary_words() {
        let jieba = load_dictionary().expect("the enforcement words parse");
        for word in [
            "食品安全法",
            "没收违法所得",
            "责令改正",
            "大气污染防治法",
            "市场监督管理局",
        ] {
            assert!(jieba.has_word(word), "{word}");
            assert!(is_dict_word(word), "{word}");
        }
        // A statute name inside a longer run is found as a term too.
        let words: Vec<String> = dict_words("违反《中华人民共和国食品安全法》")
            .into_iter()
            .map(|(word, _)| word)
            .collect();
        assert!(words.iter().any(|w| w == "食品安全法"), "{words:?}");
    }

    #[test]
    fn is_dict_word_only_for_whole_runs_in_the_dictionary() {
        assert!(is_dict_word("行政处罚"));
        assert!(is_dict_word("中华人民共和国"));
        assert!(!is_dict_word("处罚"), "two characters are bigram terms");
        assert!(!is_dict_word("鲁南食品"), "not one dictionary word");
        assert!(!is_dict_word("行政处罚 "), "not a bare run");
    }

    #[test]
    fn jieba_words_drop_punctuation() {
        let words = jieba_words("依据《行政处罚法》，罚款。");
        assert!(
            words.iter().all(|w| w.chars().any(char::is_alphanumeric)),
            "{words:?}"
        );
        assert!(words.iter().any(|w| w == "罚款"), "{words:?}");
    }
}
