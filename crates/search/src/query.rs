//! Searching: requests, query building in code, results with highlighted snippets.
//!
//! User text is never parsed as query syntax (tantivy's `QueryParser` would turn `AND`, `:`,
//! quotes and brackets into operators and fail on unbalanced ones). Instead the sanitised text
//! is cut into segments by the same grammar the index uses (`tokenize`), and the query is
//! assembled from term and phrase queries:
//!
//! - every segment is **required** and is matched on the bigram field `grams`: a CJK run of
//!   three or more characters as a phrase of its bigrams — or, when the run is itself a
//!   dictionary word, as that one term on the dictionary-word field, which matches the same
//!   items and lets a common term's top page be found without scoring every match —, two
//!   characters as the bigram term, one character as the unigram term, a word (digits,
//!   letters) as a term;
//! - a CJK run longer than [`LONG_RUN_CHARS`] is cut by jieba into words, and those of two or
//!   more characters must each appear (a pasted sentence rarely occurs verbatim, and its
//!   one-character words are mostly particles like 被); the verbatim run only boosts;
//! - optional clauses only add score: jieba words on title (×3), party (×2), summary and body
//!   name (×1), the whole query as one phrase on `grams` (×4, finds 薛市监罚〔2024〕12号 written
//!   with other brackets), and the exact doc number (×8);
//! - filters (body, kind, decided-on range, party) are required and score nothing.
//!
//! # Counting is capped
//! A common term matches most of the index (行政处罚 is in 60 % of items), and counting every
//! match costs as much as scoring it. The count is therefore exact only up to
//! [`SearchRequest::count_limit`] (default [`COUNT_LIMIT`]); beyond it the results say
//! `total_capped` and the portal shows “超过 10,000 条”. The count runs first, without scoring,
//! and stops at the cap ([`CappedCount`]). When the cap is reached, relevance is computed from
//! the required clauses only (the optional boosts on title, party and summary are dropped): for
//! a page of such a result list the boosts hardly change the order, and evaluating them means
//! walking the posting list of every query word on four fields for every match.

use std::ops::{Bound, Range};

use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, DocSet as _, Order, Score, Searcher, SegmentOrdinal, SegmentReader,
    TERMINATED, TantivyDocument, Term,
};
use time::Date;

use crate::error::SearchError;
use crate::index::{
    DECIDED_ON_FIELD, Fields, IndexedItem, PUBLISHED_AT_FIELD, SearchIndex, date_to_tantivy,
};
use crate::tokenize::{SegmentKind, gram_tokens, is_dict_word, jieba_cut, jieba_words, segments};

/// Longest query text kept, in characters; longer input is cut and `SearchResults::truncated` set.
pub const MAX_QUERY_CHARS: usize = 100;
/// Longest party-name filter kept, in characters.
pub const MAX_PARTY_CHARS: usize = 50;
/// Most hits per page.
pub const MAX_LIMIT: usize = 100;
/// Deepest offset served; deeper pages are clamped here (the portal shows "refine your search").
pub const MAX_OFFSET: usize = 1_000;
/// Hits per page when the request asks for 0.
pub const DEFAULT_LIMIT: usize = 20;
/// A CJK run up to this many characters must appear verbatim; longer runs are cut into words.
pub const LONG_RUN_CHARS: usize = 8;
/// Longest snippet fragment, in characters.
pub const SNIPPET_CHARS: usize = 120;
/// Matches counted exactly by default; more are reported as “more than this” (`total_capped`).
pub const COUNT_LIMIT: usize = 10_000;

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first (BM25 over the clauses above); an empty query falls back to newest.
    #[default]
    Relevance,
    /// Most recently published first.
    NewestPublished,
    /// Most recent decision date first.
    NewestDecided,
}

/// A portal search: free text plus filters, one page of results.
///
/// Every field comes from the public, unauthenticated portal, so all of them are treated as
/// hostile: text is sanitised and capped, paging is clamped, nothing can make `search` panic.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchRequest {
    /// Free text; empty means "latest items" (filtered).
    pub text: String,
    /// Only items of this body (`IndexedItem::body_id`).
    pub body_id: Option<String>,
    /// Only items of this kind (`IndexedItem::kind`).
    pub kind: Option<String>,
    /// Only decisions made on or after this date.
    pub decided_from: Option<Date>,
    /// Only decisions made on or before this date.
    pub decided_to: Option<Date>,
    /// Only items whose (masked) party name contains this text.
    pub party: Option<String>,
    /// Result order.
    pub sort: SortOrder,
    /// Hits to skip (clamped to [`MAX_OFFSET`]).
    pub offset: usize,
    /// Hits to return (0 means [`DEFAULT_LIMIT`], clamped to [`MAX_LIMIT`]).
    pub limit: usize,
    /// Matches to count exactly (0 means [`COUNT_LIMIT`]); when more match, `total` is this
    /// number and `total_capped` is set.
    #[serde(default)]
    pub count_limit: usize,
}

/// A text with the byte ranges to highlight (the portal escapes the text and wraps the ranges in
/// `<mark>`; see [`Highlight::to_html`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Highlight {
    /// The fragment shown.
    pub text: String,
    /// Non-overlapping, ascending byte ranges into `text` that matched the query.
    pub ranges: Vec<Range<usize>>,
}

impl Highlight {
    /// HTML with every character escaped and matches wrapped in `<mark>…</mark>`.
    pub fn to_html(&self) -> String {
        let mut html = String::with_capacity(self.text.len() + 16 * self.ranges.len());
        let mut cursor = 0usize;
        for range in &self.ranges {
            let (Some(before), Some(marked)) = (
                self.text.get(cursor..range.start),
                self.text.get(range.clone()),
            ) else {
                continue;
            };
            escape_into(&mut html, before);
            html.push_str("<mark>");
            escape_into(&mut html, marked);
            html.push_str("</mark>");
            cursor = range.end;
        }
        escape_into(&mut html, self.text.get(cursor..).unwrap_or_default());
        html
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
}

/// One hit.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SearchHit {
    /// The indexed (public) item.
    pub item: IndexedItem,
    /// Relevance score, for relevance-sorted text queries only.
    pub score: Option<f32>,
    /// The title with matches marked.
    pub title: Highlight,
    /// The best summary fragment with matches marked (the summary's start when nothing matched).
    pub snippet: Highlight,
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SearchResults {
    /// Number of matching items, exact up to the request's count limit; when `total_capped`,
    /// at least this many match (show “more than `total`”).
    pub total: usize,
    /// Whether more than `total` items match (the count stopped at the limit).
    pub total_capped: bool,
    /// The requested page.
    pub hits: Vec<SearchHit>,
    /// The query text actually searched (sanitised, capped).
    pub query: String,
    /// Whether the query text was cut to [`MAX_QUERY_CHARS`].
    pub truncated: bool,
    /// The offset actually served (after clamping).
    pub offset: usize,
    /// The limit actually served (after clamping).
    pub limit: usize,
}

/// Remove control and invisible format characters, collapse whitespace, cap at `max_chars`.
/// Returns the cleaned text and whether it was cut.
pub fn sanitize(text: &str, max_chars: usize) -> (String, bool) {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut n_chars = 0usize;
    let mut pending_space = false;
    for c in text.chars() {
        let invisible = c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}');
        if invisible {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let needed = if pending_space { 2 } else { 1 };
        if n_chars + needed > max_chars {
            return (out, true);
        }
        if pending_space {
            out.push(' ');
            n_chars += 1;
            pending_space = false;
        }
        out.push(c);
        n_chars += 1;
    }
    (out, false)
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// Where the required clauses of a text are matched: the bigram field, and the dictionary-word
/// field that serves runs which are dictionary words (none for the party filter).
#[derive(Clone, Copy)]
struct TextFields {
    grams: Field,
    dict_words: Option<Field>,
}

/// The query for one CJK run or word, or `None` for an empty run.
///
/// A run of three or more characters that is itself a dictionary word (行政处罚, 中华人民共和国)
/// is one term on the dictionary-word field: the field has the word wherever it occurs (see
/// `tokenize::dict_words`), so this matches exactly what the bigram phrase matches, and a
/// single term is what lets tantivy skip whole blocks of a common term's postings when only the
/// top page is wanted (block-max WAND). Other runs are phrases of bigrams.
fn run_query(fields: TextFields, kind: SegmentKind, chars: &[char]) -> Option<Box<dyn Query>> {
    let field = fields.grams;
    match (kind, chars) {
        (_, []) => None,
        (SegmentKind::Word, _) | (SegmentKind::Cjk, [_]) | (SegmentKind::Cjk, [_, _]) => {
            Some(term_query(field, &chars.iter().collect::<String>()))
        }
        (SegmentKind::Cjk, _) => {
            let run: String = chars.iter().collect();
            if let Some(dict_field) = fields.dict_words
                && is_dict_word(&run)
            {
                return Some(term_query(dict_field, &run));
            }
            // A covering set of bigrams is enough for an exact substring match, because the
            // phrase pins each bigram's position: 行政处罚 needs 行政@0 处罚@2, not also 政处@1.
            // Half the posting lists to intersect, which is most of a common term's cost.
            let last_start = chars.len() - 2;
            let mut starts: Vec<usize> = (0..=last_start).step_by(2).collect();
            if starts.last() != Some(&last_start) {
                starts.push(last_start);
            }
            let terms: Vec<(usize, Term)> = starts
                .into_iter()
                .filter_map(|start| chars.get(start..start + 2).map(|pair| (start, pair)))
                .map(|(start, pair)| {
                    (
                        start,
                        Term::from_field_text(field, &pair.iter().collect::<String>()),
                    )
                })
                .collect();
            // This cannot panic: three or more characters give two or more covering bigrams,
            // which is what `PhraseQuery::new_with_offset` asserts.
            Some(Box::new(PhraseQuery::new_with_offset(terms)))
        }
    }
}

/// Queries of one kind (required or boosting).
type Clauses = Vec<Box<dyn Query>>;

/// Required clauses for the query text on `fields` (one per segment, long runs cut by jieba).
fn required_clauses(fields: TextFields, text: &str) -> (Clauses, Clauses) {
    let mut required = Vec::new();
    let mut boosts = Vec::new();
    for segment in segments(text) {
        if segment.kind == SegmentKind::Cjk && segment.chars.len() > LONG_RUN_CHARS {
            // One-character words of a sentence are mostly function words (被, 的, 了) that the
            // document may not contain, so only words of two or more characters are required.
            let n_before = required.len();
            for word in jieba_cut(&segment.text()) {
                let chars: Vec<char> = word
                    .chars()
                    .filter(|c| crate::tokenize::is_cjk(*c))
                    .collect();
                if chars.len() >= 2 {
                    required.extend(run_query(fields, SegmentKind::Cjk, &chars));
                }
            }
            let verbatim = run_query(fields, SegmentKind::Cjk, &segment.chars);
            match verbatim {
                Some(verbatim) if required.len() == n_before => required.push(verbatim),
                Some(verbatim) => {
                    boosts.push(Box::new(BoostQuery::new(verbatim, 2.0)) as Box<dyn Query>)
                }
                None => {}
            }
        } else {
            required.extend(run_query(fields, segment.kind, &segment.chars));
        }
    }
    (required, boosts)
}

/// The whole query as one phrase over primary gram tokens (keeps the relative positions, so
/// separators may differ between query and document).
fn whole_phrase(field: Field, text: &str) -> Option<Box<dyn Query>> {
    let primary: Vec<(usize, Term)> = gram_tokens(text)
        .into_iter()
        .filter(|token| token.primary)
        .map(|token| (token.position, Term::from_field_text(field, &token.text)))
        .collect();
    if primary.len() < 2 {
        return None;
    }
    Some(Box::new(PhraseQuery::new_with_offset(primary)))
}

/// The queries of one request.
pub(crate) struct BuiltQuery {
    /// Required clauses, optional boosts and filters: what a page of results is ranked by.
    pub(crate) full: Box<dyn Query>,
    /// Required clauses and filters only: the same matches, scored without the boosts (used
    /// for counting, and for ranking once the count limit is reached).
    pub(crate) required: Box<dyn Query>,
    /// Whether the request has text (a text-less query is sorted by date whatever the order).
    pub(crate) has_text: bool,
}

/// One query of `clauses`, the clause itself when it is alone (so that a single term query
/// keeps tantivy's block-max pruning), everything when there is nothing.
fn combine(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    match clauses.len() {
        0 => Box::new(AllQuery),
        1 if clauses
            .first()
            .is_some_and(|(occur, _)| *occur == Occur::Must) =>
        {
            match clauses.pop() {
                Some((_, query)) => query,
                None => Box::new(AllQuery),
            }
        }
        _ => Box::new(BooleanQuery::new(clauses)),
    }
}

/// Build the tantivy queries for a sanitised request (see [`BuiltQuery`]).
pub(crate) fn build_query(
    fields: &Fields,
    text: &str,
    party: &str,
    request: &SearchRequest,
) -> BuiltQuery {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut optional: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let text_fields = TextFields {
        grams: fields.grams,
        dict_words: Some(fields.dict_words),
    };
    let (required, boosts) = required_clauses(text_fields, text);
    let has_text = !required.is_empty();
    for clause in required {
        must.push((Occur::Must, clause));
    }
    if has_text {
        for clause in boosts {
            optional.push((Occur::Should, clause));
        }
        let words = jieba_words(text);
        let weighted = [
            (fields.title, 3.0),
            (fields.party_name, 2.0),
            (fields.summary, 1.0),
            (fields.body_name, 1.0),
        ];
        for (field, weight) in weighted {
            for word in &words {
                optional.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(term_query(field, word), weight)),
                ));
            }
        }
        // With one segment the whole-query phrase is the required clause again: skip it.
        let whole = if segments(text).len() > 1 {
            whole_phrase(fields.grams, text)
        } else {
            None
        };
        if let Some(phrase) = whole {
            optional.push((Occur::Should, Box::new(BoostQuery::new(phrase, 4.0))));
        }
        optional.push((
            Occur::Should,
            Box::new(BoostQuery::new(term_query(fields.doc_number, text), 8.0)),
        ));
    }

    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    if let Some(body_id) = &request.body_id {
        filters.push(term_query(fields.body_id, body_id));
    }
    if let Some(kind) = &request.kind {
        filters.push(term_query(fields.kind, kind));
    }
    if request.decided_from.is_some() || request.decided_to.is_some() {
        let bound = |date: Option<Date>| match date {
            Some(date) => Bound::Included(Term::from_field_date_for_search(
                fields.decided_on,
                date_to_tantivy(date),
            )),
            None => Bound::Unbounded,
        };
        match (request.decided_from, request.decided_to) {
            (Some(from), Some(to)) if from > to => filters.push(Box::new(EmptyQuery)),
            _ => filters.push(Box::new(RangeQuery::new(
                bound(request.decided_from),
                bound(request.decided_to),
            ))),
        }
    }
    if !party.is_empty() {
        let party_fields = TextFields {
            grams: fields.party_grams,
            dict_words: None,
        };
        let (party_required, _) = required_clauses(party_fields, party);
        if party_required.is_empty() {
            // Only punctuation: nothing can match a party name made of no characters.
            filters.push(Box::new(EmptyQuery));
        }
        filters.extend(party_required);
    }
    for filter in filters {
        must.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
    }

    // The optional clauses only ever accompany text, which always yields a required clause, so
    // the full query matches exactly what the required one matches.
    let full_clauses: Vec<(Occur, Box<dyn Query>)> = must
        .iter()
        .map(|(occur, query)| (*occur, query.box_clone()))
        .chain(optional)
        .collect();
    BuiltQuery {
        full: combine(full_clauses),
        required: combine(must),
        has_text,
    }
}

/// Counts matches up to a limit: each segment stops one past the limit, so the sum says
/// whether more than `limit` match without walking every posting of a common term. Scoring is
/// off, so a boolean query skips its optional clauses.
pub(crate) struct CappedCount {
    /// Matches counted exactly.
    pub(crate) limit: usize,
}

/// The per-segment side of [`CappedCount`] (only used if tantivy collects doc by doc).
pub(crate) struct CappedSegmentCount {
    count: usize,
    stop: usize,
}

impl SegmentCollector for CappedSegmentCount {
    type Fruit = usize;

    fn collect(&mut self, _doc: DocId, _score: Score) {
        if self.count < self.stop {
            self.count += 1;
        }
    }

    fn harvest(self) -> usize {
        self.count
    }
}

impl Collector for CappedCount {
    type Fruit = usize;
    type Child = CappedSegmentCount;

    fn for_segment(
        &self,
        _segment_ord: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<CappedSegmentCount> {
        Ok(CappedSegmentCount {
            count: 0,
            stop: self.limit.saturating_add(1),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, counts: Vec<usize>) -> tantivy::Result<usize> {
        Ok(counts
            .into_iter()
            .fold(0usize, usize::saturating_add)
            .min(self.limit.saturating_add(1)))
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        _segment_ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<usize> {
        let stop = self.limit.saturating_add(1);
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut count = 0usize;
        let mut doc = scorer.doc();
        while doc != TERMINATED && count < stop {
            if alive.is_none_or(|bitset| bitset.is_alive(doc)) {
                count += 1;
            }
            doc = scorer.advance();
        }
        Ok(count)
    }
}

/// Terms to highlight: the gram tokens of the query (unigrams and bigrams of its CJK runs, its
/// words), normalised as the index normalises them.
///
/// CJK grams are kept as sorted integer keys (a bigram's two characters packed into one `u64`),
/// so checking a character of a hit's text is a binary search over a few keys, without building
/// a string or hashing it.
#[derive(Debug, Default)]
struct HighlightTerms {
    /// [`gram_key`]s of the CJK unigrams and bigrams, sorted.
    grams: Vec<u64>,
    /// Words (digits, Latin letters), sorted.
    words: Vec<String>,
}

/// The key of a CJK unigram (`second` = `None`) or bigram. No CJK character is U+0000, so a
/// unigram's key never equals a bigram's.
fn gram_key(first: char, second: Option<char>) -> u64 {
    (u64::from(u32::from(first)) << 32) | u64::from(second.map_or(0, u32::from))
}

impl HighlightTerms {
    fn of_query(text: &str) -> HighlightTerms {
        let mut terms = HighlightTerms::default();
        for segment in segments(text) {
            match (segment.kind, segment.chars.as_slice()) {
                (SegmentKind::Cjk, [single]) => terms.grams.push(gram_key(*single, None)),
                (SegmentKind::Cjk, chars) => {
                    for pair in chars.windows(2) {
                        if let [first, second] = pair {
                            terms.grams.push(gram_key(*first, Some(*second)));
                        }
                    }
                }
                (SegmentKind::Word, chars) => terms.words.push(chars.iter().collect()),
            }
        }
        terms.grams.sort_unstable();
        terms.grams.dedup();
        terms.words.sort_unstable();
        terms.words.dedup();
        terms
    }

    fn is_empty(&self) -> bool {
        self.grams.is_empty() && self.words.is_empty()
    }

    fn has_gram(&self, first: char, second: Option<char>) -> bool {
        self.grams.binary_search(&gram_key(first, second)).is_ok()
    }

    fn has_word(&self, chars: &[char]) -> bool {
        let word: String = chars.iter().collect();
        self.words.binary_search(&word).is_ok()
    }
}

/// Byte ranges of `text` whose gram tokens (see `tokenize::gram_tokens`) are in `terms`, in order,
/// overlapping ones merged (行政 + 政处 + 处罚 → one range over 行政处罚), touching ones not.
///
/// Written out instead of tokenising (or using tantivy's snippet generator, which tokenises and
/// then lower-cases every token again): this runs on the title and summary of every hit of
/// every search page, and one reusable buffer replaces an allocation per character.
fn term_ranges(text: &str, terms: &HighlightTerms) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    if terms.is_empty() {
        return ranges;
    }
    let mut push = |range: Range<usize>| match ranges.last_mut() {
        Some(last) if range.start < last.end => last.end = last.end.max(range.end),
        _ => ranges.push(range),
    };
    for segment in segments(text) {
        match segment.kind {
            SegmentKind::Word => {
                if let (false, Some(first), Some(last)) = (
                    terms.words.is_empty(),
                    segment.spans.first(),
                    segment.spans.last(),
                ) && terms.has_word(&segment.chars)
                {
                    push(first.start..last.end);
                }
            }
            SegmentKind::Cjk => {
                for (at, (c, span)) in segment.chars.iter().zip(&segment.spans).enumerate() {
                    if terms.has_gram(*c, None) {
                        push(span.clone());
                    }
                    if let (Some(next), Some(next_span)) =
                        (segment.chars.get(at + 1), segment.spans.get(at + 1))
                        && terms.has_gram(*c, Some(*next))
                    {
                        push(span.start..next_span.end);
                    }
                }
            }
        }
    }
    ranges
}

/// The whole of `text` with every query term marked (titles are short, so they are shown whole
/// rather than as a fragment).
fn mark_all(text: &str, terms: &HighlightTerms) -> Highlight {
    Highlight {
        text: text.to_owned(),
        ranges: term_ranges(text, terms),
    }
}

/// The fragment of at most `max_chars` characters of `text` with the most marked terms, starting
/// at a match (the earliest such fragment on a tie); the start of the text when nothing matches.
fn best_fragment(text: &str, terms: &HighlightTerms, max_chars: usize) -> Highlight {
    let ranges = term_ranges(text, terms);
    let end_after = |start: usize| {
        text.get(start..)
            .and_then(|rest| rest.char_indices().nth(max_chars))
            .map_or(text.len(), |(offset, _)| start + offset)
    };
    // Ranges are sorted and disjoint, and a later start has a later window end, so one pointer
    // past the last range inside the window only moves forward: linear in the matches, however
    // long the text (a full decision document may have thousands for a common character).
    let mut best: Option<(usize, usize, usize)> = None; // (matches, start, end)
    let mut past = 0usize;
    for (at, candidate) in ranges.iter().enumerate() {
        let end = end_after(candidate.start);
        past = past.max(at);
        while ranges.get(past).is_some_and(|r| r.end <= end) {
            past += 1;
        }
        let inside = past - at;
        if best.is_none_or(|(most, _, _)| inside > most) {
            best = Some((inside, candidate.start, end));
        }
    }
    let (start, end) = best.map_or((0, end_after(0)), |(_, start, end)| (start, end));
    Highlight {
        text: text.get(start..end).unwrap_or_default().to_owned(),
        ranges: ranges
            .iter()
            .filter(|r| r.start >= start && r.end <= end)
            .map(|r| r.start - start..r.end - start)
            .collect(),
    }
}

impl SearchIndex {
    /// Run `request` against the last committed state of the index.
    ///
    /// Never fails on any request content; errors come only from the index itself (I/O).
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let (text, truncated) = sanitize(&request.text, MAX_QUERY_CHARS);
        let (party, _) = sanitize(
            request.party.as_deref().unwrap_or_default(),
            MAX_PARTY_CHARS,
        );
        let offset = request.offset.min(MAX_OFFSET);
        let limit = match request.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        let count_limit = match request.count_limit {
            0 => COUNT_LIMIT,
            n => n,
        };
        let built = build_query(&self.fields, &text, &party, request);
        let searcher = self.reader().searcher();
        // First the capped count (no scoring, stops past the limit), then one page.
        let counted = searcher.search(&*built.required, &CappedCount { limit: count_limit })?;
        let total_capped = counted > count_limit;
        let total = counted.min(count_limit);
        let sort = if built.has_text {
            request.sort
        } else {
            match request.sort {
                SortOrder::Relevance => SortOrder::NewestPublished,
                other => other,
            }
        };
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let addresses: Vec<(Option<f32>, DocAddress)> = if total == 0 {
            Vec::new()
        } else {
            match sort {
                SortOrder::Relevance => {
                    let query = if total_capped {
                        &built.required
                    } else {
                        &built.full
                    };
                    searcher
                        .search(&**query, &top.order_by_score())?
                        .into_iter()
                        .map(|(score, address)| (Some(score), address))
                        .collect()
                }
                SortOrder::NewestPublished | SortOrder::NewestDecided => {
                    let field = if sort == SortOrder::NewestPublished {
                        PUBLISHED_AT_FIELD
                    } else {
                        DECIDED_ON_FIELD
                    };
                    let collector =
                        top.order_by_fast_field::<tantivy::DateTime>(field, Order::Desc);
                    searcher
                        .search(&*built.required, &collector)?
                        .into_iter()
                        .map(|(_, address)| (None, address))
                        .collect()
                }
            }
        };
        let hits = self.hits(&searcher, &text, addresses)?;
        Ok(SearchResults {
            total,
            total_capped,
            hits,
            query: text,
            truncated,
            offset,
            limit,
        })
    }

    fn hits(
        &self,
        searcher: &Searcher,
        text: &str,
        addresses: Vec<(Option<f32>, DocAddress)>,
    ) -> Result<Vec<SearchHit>, SearchError> {
        let terms = HighlightTerms::of_query(text);
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let document: TantivyDocument = searcher.doc(address)?;
            let item = self.item_from_document(&document)?;
            let title = mark_all(&item.title, &terms);
            let snippet = best_fragment(&item.summary, &terms, SNIPPET_CHARS);
            hits.push(SearchHit {
                item,
                score,
                title,
                snippet,
            });
        }
        Ok(hits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_sanitize(input: &str, max: usize, expect: (&str, bool)) {
        let (text, cut) = sanitize(input, max);
        assert_eq!((text.as_str(), cut), expect, "sanitize({input:?}, {max})");
    }

    #[test]
    fn sanitize_strips_controls_and_collapses_spaces() {
        check_sanitize("  行政\u{0}处罚\t\n 法  ", 100, ("行政处罚 法", false));
        check_sanitize("a\u{200B}b\u{FEFF}c", 100, ("abc", false));
    }

    #[test]
    fn sanitize_caps_length_in_characters() {
        check_sanitize("行政处罚法", 3, ("行政处", true));
        check_sanitize("ab cd", 3, ("ab", true));
    }

    /// Texts full of compound legal terms, body names and party names.
    const TEXTS: &[&str] = &[
        "当事人销售超过保质期的食品，违反《中华人民共和国食品安全法》第三十四条，依据《中华人民共和国行政处罚法》第二十八条，罚款人民币伍仟元。",
        "未按规定对从业人员进行安全生产教育和培训，违反《中华人民共和国安全生产法》，责令改正并处罚款。",
        "枣庄市薛城区市场监督管理局对山东鲁南化工机械有限公司作出行政处罚决定",
        "准予食品经营许可，经营项目：预包装食品销售，营业执照信息同步。",
        "双随机抽查特种设备使用单位落实主体责任情况，发现问题已责令改正。",
        "超标排放大气污染物，违反《中华人民共和国大气污染防治法》第九十九条，没收违法所得。",
    ];

    fn matching(searcher: &Searcher, query: &dyn Query) -> Vec<DocAddress> {
        let mut found = searcher
            .search(query, &tantivy::collector::DocSetCollector)
            .unwrap_or_default()
            .into_iter()
            .collect::<Vec<_>>();
        found.sort();
        found
    }

    /// The dictionary-word term must match exactly what the bigram phrase matches, for every
    /// dictionary word occurring anywhere in the corpus (and for words that occur nowhere).
    #[test]
    fn dictionary_word_term_matches_exactly_what_the_bigram_phrase_matches() {
        let index = SearchIndex::create_in_ram().expect("in-memory index");
        for (n, text) in TEXTS.iter().enumerate() {
            let item = IndexedItem {
                id: format!("t{n}"),
                body_id: "b".into(),
                body_name: String::new(),
                kind: "penalty".into(),
                title: String::new(),
                party_name: String::new(),
                summary: (*text).to_owned(),
                doc_number: String::new(),
                decided_on: time::macros::date!(2024 - 01 - 02),
                published_at: time::macros::datetime!(2024-01-03 09:00 +08:00),
                url: String::new(),
            };
            index.upsert(&item).expect("valid item");
        }
        index.commit().expect("commit");
        let searcher = index.reader().searcher();
        let with_words = TextFields {
            grams: index.fields.grams,
            dict_words: Some(index.fields.dict_words),
        };
        let phrase_only = TextFields {
            grams: index.fields.grams,
            dict_words: None,
        };
        let mut checked = 0usize;
        let mut candidates: Vec<Vec<char>> = Vec::new();
        for text in TEXTS.iter().chain(&["行政复议法", "中华人民共和国海关法"]) {
            for segment in segments(text) {
                let chars = &segment.chars;
                for start in 0..chars.len() {
                    for len in 3..=8 {
                        if let Some(run) = chars.get(start..start + len) {
                            candidates.push(run.to_vec());
                        }
                    }
                }
            }
        }
        for run in candidates {
            let text: String = run.iter().collect();
            if !is_dict_word(&text) {
                continue;
            }
            let term = run_query(with_words, SegmentKind::Cjk, &run).expect("a run");
            let phrase = run_query(phrase_only, SegmentKind::Cjk, &run).expect("a run");
            assert_eq!(
                matching(&searcher, &*term),
                matching(&searcher, &*phrase),
                "{text}"
            );
            checked += 1;
        }
        assert!(checked > 20, "only {checked} dictionary words checked");
    }

    /// The marking the portal did with tantivy's tokenizer pipeline: every gram token that is a
    /// term, overlaps merged.
    fn marked_by_tokens(text: &str, query: &str) -> Vec<Range<usize>> {
        let terms: Vec<String> = gram_tokens(query)
            .into_iter()
            .filter(|token| token.primary)
            .map(|token| token.text)
            .collect();
        let ranges: Vec<Range<usize>> = gram_tokens(text)
            .into_iter()
            .filter(|token| terms.contains(&token.text))
            .map(|token| token.span)
            .collect();
        tantivy::snippet::collapse_overlapped_ranges(&ranges)
    }

    #[test]
    fn term_ranges_mark_what_the_gram_tokens_mark() {
        let queries = [
            "行政处罚",
            "处罚",
            "罚",
            "2024 12号",
            "ABC 食品安全法",
            "中华人民共和国",
        ];
        let texts = TEXTS.iter().copied().chain([
            "薛市监罚〔２０２４〕12号，ＡＢＣ公司",
            "",
            "罚罚罚",
            "行政处罚处罚",
        ]);
        for query in queries {
            let terms = HighlightTerms::of_query(query);
            for text in texts.clone() {
                assert_eq!(
                    term_ranges(text, &terms),
                    marked_by_tokens(text, query),
                    "{query} in {text}"
                );
            }
        }
    }

    #[test]
    fn best_fragment_is_bounded_and_holds_the_most_matches() {
        let filler = "说明".repeat(100);
        let text = format!("开头处罚{filler}行政处罚，依据行政处罚法给予行政处罚{filler}");
        let terms = HighlightTerms::of_query("行政处罚");
        let fragment = best_fragment(&text, &terms, SNIPPET_CHARS);
        assert!(fragment.text.chars().count() <= SNIPPET_CHARS);
        assert!(
            fragment.text.starts_with("行政处罚，依据"),
            "{}",
            fragment.text
        );
        assert_eq!(fragment.ranges.len(), 3, "{fragment:?}");
        for range in &fragment.ranges {
            assert_eq!(fragment.text.get(range.clone()), Some("行政处罚"));
        }
        let none = best_fragment(&text, &HighlightTerms::of_query("许可"), 10);
        assert_eq!(none.text, "开头处罚说明说明说明");
        assert!(none.ranges.is_empty());
        let short = best_fragment("许可", &terms, SNIPPET_CHARS);
        assert_eq!((short.text.as_str(), short.ranges.len()), ("许可", 0));
    }

    #[test]
    fn best_fragment_of_a_long_text_with_many_matches_is_the_densest_window() {
        // 20,000 characters (the longest text accepted), a match every other character at the
        // start and a denser stretch later: the fragment is the dense stretch.
        let sparse = "罚说".repeat(5_000);
        let dense = "罚".repeat(200);
        let text = format!("{sparse}{dense}{}", "说".repeat(9_800));
        let terms = HighlightTerms::of_query("罚");
        let fragment = best_fragment(&text, &terms, SNIPPET_CHARS);
        assert_eq!(fragment.text, "罚".repeat(SNIPPET_CHARS));
        // Adjacent single characters are separate ranges (touching ranges are not merged).
        assert_eq!(fragment.ranges.len(), SNIPPET_CHARS);
    }

    #[test]
    fn highlight_html_escapes_everything() {
        let highlight = Highlight {
            text: "<b>罚</b>".to_owned(),
            ranges: std::iter::once(3..6).collect(),
        };
        assert_eq!(highlight.to_html(), "&lt;b&gt;<mark>罚</mark>&lt;/b&gt;");
    }
}
