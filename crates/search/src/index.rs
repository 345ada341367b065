//! The index: schema, opening, writing and reading back items.

use std::path::Path;
use std::sync::Mutex;

use tantivy::directory::MmapDirectory;
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions, Value,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::error::SearchError;
use crate::tokenize::{
    BIGRAM_TOKENIZER, BigramTokenizer, DICT_WORDS_TOKENIZER, DictWordTokenizer, JIEBA_TOKENIZER,
    JiebaWordTokenizer,
};

/// Longest id, body id or kind code accepted, in bytes (they are exact-match terms).
pub const MAX_ID_BYTES: usize = 128;
/// Longest text field accepted, in characters; a disclosure summary is a few hundred characters
/// (D8 asks for a summary form), so this only stops accidental whole-document uploads.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Default total memory budget of the index writer. tantivy flushes a segment whenever a worker's
/// arena is full, so this bounds the writer's memory whatever the batch size.
pub const DEFAULT_WRITER_MEMORY_BYTES: usize = 64 * 1024 * 1024;
/// tantivy refuses a worker arena below 15 MB.
const MIN_MEMORY_PER_WORKER: usize = 15_000_000;

/// One published disclosure item (公示事项) as the portal search sees it.
///
/// The index only ever receives the **public version** (D5, D10-d): `party_name` and `summary` are
/// already masked by the redaction crate, so nothing unmasked can leak through search results,
/// snippets or the index files.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IndexedItem {
    /// Stable id of the disclosure item; upserting the same id replaces the earlier version
    /// (corrections, D13).
    pub id: String,
    /// Id of the enforcement body (执法主体) that published it; used by the body filter.
    pub body_id: String,
    /// Display name of the body, e.g. 枣庄市薛城区市场监督管理局.
    pub body_name: String,
    /// Kind code of the item, e.g. `penalty`, `licensing`, `inspection` (D8); used by the kind
    /// filter as an exact match.
    pub kind: String,
    /// Title, e.g. 薛城区某食品店行政处罚决定.
    pub title: String,
    /// Masked party name (当事人), e.g. 枣庄市某某食品有限公司 or 张某某.
    pub party_name: String,
    /// Masked summary text (the seven D8 fields in summary form).
    pub summary: String,
    /// Document number (文号), e.g. 薛市监罚〔2024〕12号; may be empty.
    pub doc_number: String,
    /// Date the decision was made (作出决定日期); used by the date-range filter.
    pub decided_on: Date,
    /// When the item was published; "latest items" and the date sort use it.
    pub published_at: OffsetDateTime,
    /// Portal URL of the item page.
    pub url: String,
}

/// Field handles of the schema.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) body_id: Field,
    pub(crate) body_name: Field,
    pub(crate) kind: Field,
    pub(crate) title: Field,
    pub(crate) party_name: Field,
    pub(crate) summary: Field,
    pub(crate) doc_number: Field,
    pub(crate) decided_on_text: Field,
    pub(crate) published_at_text: Field,
    pub(crate) url: Field,
    /// Fast date field for the date-range filter.
    pub(crate) decided_on: Field,
    /// Fast date field for "latest" sorting.
    pub(crate) published_at: Field,
    /// Bigrams over title, party, summary, body name and doc number (recall for every query).
    pub(crate) grams: Field,
    /// Bigrams over the party name only (the party filter).
    pub(crate) party_grams: Field,
    /// Dictionary words of three or more characters over the same texts as `grams`, at every
    /// position (jieba full mode): the fast, exact form of a query run that is a dictionary word.
    pub(crate) dict_words: Field,
}

/// Name of the dictionary-word field: `dict_words_v{version}_{hash of the enforcement words}`.
/// Both parts change whenever the words or the tokenizer do (bump the version for a tokenizer
/// or jieba-rs change), so an index built with the old ones fails the schema check and is
/// rebuilt instead of silently missing terms.
fn dict_words_field() -> String {
    format!(
        "dict_words_v1_{:08x}",
        crate::tokenize::enforcement_words_hash()
    )
}

/// Fast-field names used for sorting.
pub(crate) const PUBLISHED_AT_FIELD: &str = "published_at";
pub(crate) const DECIDED_ON_FIELD: &str = "decided_on";

fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    // jieba words: term frequencies but no positions — these fields only rank, the phrase work is
    // done on the bigram fields, so positions would be index size for nothing.
    let jieba = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(JIEBA_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let grams = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(BIGRAM_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let date = DateOptions::default()
        .set_indexed()
        .set_fast()
        .set_precision(DateTimePrecision::Seconds);
    let fields = Fields {
        id: builder.add_text_field("id", STRING | STORED),
        body_id: builder.add_text_field("body_id", STRING | STORED),
        body_name: builder.add_text_field("body_name", jieba.clone()),
        kind: builder.add_text_field("kind", STRING | STORED),
        title: builder.add_text_field("title", jieba.clone()),
        party_name: builder.add_text_field("party_name", jieba.clone()),
        summary: builder.add_text_field("summary", jieba),
        doc_number: builder.add_text_field("doc_number", STRING | STORED),
        decided_on_text: builder.add_text_field("decided_on_text", STORED),
        published_at_text: builder.add_text_field("published_at_text", STORED),
        url: builder.add_text_field("url", STORED),
        decided_on: builder.add_date_field(DECIDED_ON_FIELD, date.clone()),
        published_at: builder.add_date_field(PUBLISHED_AT_FIELD, date),
        grams: builder.add_text_field("grams", grams.clone()),
        party_grams: builder.add_text_field("party_grams", grams),
        // Frequencies for BM25, no positions: a dictionary word is matched as a whole term.
        dict_words: builder.add_text_field(
            &dict_words_field(),
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(DICT_WORDS_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        ),
    };
    (builder.build(), fields)
}

/// Writer settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterOptions {
    /// Total memory budget of the writer in bytes (split between worker threads).
    pub memory_bytes: usize,
    /// Worker threads; each needs at least 15 MB of the budget, so fewer may be used.
    pub threads: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        WriterOptions {
            memory_bytes: DEFAULT_WRITER_MEMORY_BYTES,
            threads: cores.clamp(1, 4),
        }
    }
}

/// Full-text index of published disclosure items (公示检索) for the public portal.
///
/// One writer, many concurrent readers: `upsert`/`remove` queue changes, `commit` makes them
/// durable and visible to `search`. Searches run on a snapshot and never block on the writer.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("items", &self.num_items())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// An empty index in memory (tests, demos).
    pub fn create_in_ram() -> Result<Self, SearchError> {
        let (schema, fields) = build_schema();
        let index = Index::create_in_ram(schema);
        Self::finish_open(
            index,
            fields,
            WriterOptions {
                threads: 1,
                ..WriterOptions::default()
            },
        )
    }

    /// Open the index in `folder`, creating the folder and an empty index if needed.
    pub fn open_in_dir(folder: &Path) -> Result<Self, SearchError> {
        Self::open_in_dir_with(folder, WriterOptions::default())
    }

    /// [`SearchIndex::open_in_dir`] with explicit writer settings.
    pub fn open_in_dir_with(folder: &Path, options: WriterOptions) -> Result<Self, SearchError> {
        let folder_error = |source: std::io::Error| SearchError::Folder {
            path: folder.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(folder).map_err(folder_error)?;
        let directory = MmapDirectory::open(folder)
            .map_err(|err| folder_error(std::io::Error::other(err.to_string())))?;
        let (schema, fields) = build_schema();
        let index = match Index::open_or_create(directory, schema) {
            Ok(index) => index,
            Err(tantivy::TantivyError::SchemaError(_)) => {
                return Err(SearchError::SchemaMismatch {
                    path: folder.to_path_buf(),
                });
            }
            Err(other) => return Err(other.into()),
        };
        Self::finish_open(index, fields, options)
    }

    fn finish_open(
        index: Index,
        fields: Fields,
        options: WriterOptions,
    ) -> Result<Self, SearchError> {
        // Tokenizers are not persisted with the index, so they are registered on every open.
        index
            .tokenizers()
            .register(BIGRAM_TOKENIZER, TextAnalyzer::from(BigramTokenizer));
        index
            .tokenizers()
            .register(DICT_WORDS_TOKENIZER, TextAnalyzer::from(DictWordTokenizer));
        index
            .tokenizers()
            .register(JIEBA_TOKENIZER, TextAnalyzer::from(JiebaWordTokenizer));
        let memory_bytes = options.memory_bytes.max(MIN_MEMORY_PER_WORKER);
        let threads = options
            .threads
            .clamp(1, (memory_bytes / MIN_MEMORY_PER_WORKER).max(1));
        let writer = match index.writer_with_num_threads(threads, memory_bytes) {
            Ok(writer) => writer,
            Err(tantivy::TantivyError::LockFailure(..)) => return Err(SearchError::Locked),
            Err(other) => return Err(other.into()),
        };
        // Manual reload: `commit` reloads, so a search right after a commit sees it (the
        // "on commit with delay" policy would make tests and the publish flow racy).
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    /// Queue `item` for indexing, replacing any earlier version with the same id (a correction
    /// under D13 is an upsert). Visible to searches after [`SearchIndex::commit`].
    pub fn upsert(&self, item: &IndexedItem) -> Result<(), SearchError> {
        validate(item)?;
        let document = self.document_from_item(item);
        let writer = self
            .writer
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)?;
        writer.delete_term(Term::from_field_text(self.fields.id, &item.id));
        writer.add_document(document)?;
        Ok(())
    }

    /// Queue the removal of item `id` (a withdrawal under D14: the public no longer finds it).
    /// Removing an id that is not indexed is not an error.
    pub fn remove(&self, id: &str) -> Result<(), SearchError> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)?;
        writer.delete_term(Term::from_field_text(self.fields.id, id));
        Ok(())
    }

    /// Queue the removal of every item (the index is rebuilt from scratch, e.g. because it was
    /// built from another database). Visible after the next commit.
    pub fn clear(&self) -> Result<(), SearchError> {
        let writer = self
            .writer
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)?;
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Make queued changes durable and visible to searches.
    pub fn commit(&self) -> Result<(), SearchError> {
        self.commit_inner(None)
    }

    /// [`SearchIndex::commit`], storing `payload` with the commit (in the index's meta file, in
    /// the same atomic step). The portal stores the log position the index reflects, so the
    /// position can never be ahead of, or behind, the committed documents.
    pub fn commit_with_payload(&self, payload: &str) -> Result<(), SearchError> {
        self.commit_inner(Some(payload))
    }

    fn commit_inner(&self, payload: Option<&str>) -> Result<(), SearchError> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| SearchError::WriterPoisoned)?;
        let mut prepared = writer.prepare_commit()?;
        if let Some(payload) = payload {
            prepared.set_payload(payload);
        }
        prepared.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// The payload of the last commit made with [`SearchIndex::commit_with_payload`] (`None`
    /// for a new index, or when the last commit had none).
    pub fn payload(&self) -> Result<Option<String>, SearchError> {
        Ok(self.index.load_metas()?.payload)
    }

    /// Number of items visible to searches (after the last commit).
    pub fn num_items(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The indexed version of item `id`, if any (after the last commit).
    pub fn get(&self, id: &str) -> Result<Option<IndexedItem>, SearchError> {
        let searcher = self.reader.searcher();
        let query = tantivy::query::TermQuery::new(
            Term::from_field_text(self.fields.id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        match top.first() {
            Some((_, address)) => {
                let document: TantivyDocument = searcher.doc(*address)?;
                Ok(Some(self.item_from_document(&document)?))
            }
            None => Ok(None),
        }
    }

    pub(crate) fn reader(&self) -> &IndexReader {
        &self.reader
    }

    fn document_from_item(&self, item: &IndexedItem) -> TantivyDocument {
        let f = &self.fields;
        let mut document = TantivyDocument::default();
        document.add_text(f.id, &item.id);
        document.add_text(f.body_id, &item.body_id);
        document.add_text(f.body_name, &item.body_name);
        document.add_text(f.kind, &item.kind);
        document.add_text(f.title, &item.title);
        document.add_text(f.party_name, &item.party_name);
        document.add_text(f.summary, &item.summary);
        document.add_text(f.doc_number, &item.doc_number);
        document.add_text(f.decided_on_text, item.decided_on.to_string());
        // This cannot fail for the years `time` represents by default (-9999..=9999).
        let published_text = item.published_at.format(&Rfc3339).unwrap_or_default();
        document.add_text(f.published_at_text, published_text);
        document.add_text(f.url, &item.url);
        document.add_date(f.decided_on, date_to_tantivy(item.decided_on));
        document.add_date(
            f.published_at,
            tantivy::DateTime::from_timestamp_secs(item.published_at.unix_timestamp()),
        );
        // Separate values: tantivy leaves a position gap between values of a field, so a phrase
        // never matches across the end of the title and the start of the party name.
        for text in [
            &item.title,
            &item.party_name,
            &item.summary,
            &item.body_name,
            &item.doc_number,
        ] {
            document.add_text(f.grams, text);
            document.add_text(f.dict_words, text);
        }
        document.add_text(f.party_grams, &item.party_name);
        document
    }

    pub(crate) fn item_from_document(
        &self,
        document: &TantivyDocument,
    ) -> Result<IndexedItem, SearchError> {
        let f = &self.fields;
        let text = |field: Field, name: &'static str| -> Result<String, SearchError> {
            document
                .get_first(field)
                .and_then(|value| value.as_str())
                .map(str::to_owned)
                .ok_or(SearchError::MalformedDocument { field: name })
        };
        let decided_text = text(f.decided_on_text, "decided_on")?;
        let decided_on = Date::parse(
            &decided_text,
            &time::format_description::well_known::Iso8601::DATE,
        )
        .map_err(|_| SearchError::MalformedDocument {
            field: "decided_on",
        })?;
        let published_text = text(f.published_at_text, "published_at")?;
        let published_at = OffsetDateTime::parse(&published_text, &Rfc3339).map_err(|_| {
            SearchError::MalformedDocument {
                field: "published_at",
            }
        })?;
        Ok(IndexedItem {
            id: text(f.id, "id")?,
            body_id: text(f.body_id, "body_id")?,
            body_name: text(f.body_name, "body_name")?,
            kind: text(f.kind, "kind")?,
            title: text(f.title, "title")?,
            party_name: text(f.party_name, "party_name")?,
            summary: text(f.summary, "summary")?,
            doc_number: text(f.doc_number, "doc_number")?,
            decided_on,
            published_at,
            url: text(f.url, "url")?,
        })
    }
}

/// A calendar date as a tantivy date (midnight UTC); only used for ordering and ranges, so the
/// time zone does not matter as long as both sides use this function.
pub(crate) fn date_to_tantivy(date: Date) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(date.midnight().assume_utc().unix_timestamp())
}

fn validate(item: &IndexedItem) -> Result<(), SearchError> {
    for (field, value) in [
        ("id", &item.id),
        ("body_id", &item.body_id),
        ("kind", &item.kind),
    ] {
        if value.is_empty() {
            return Err(SearchError::InvalidItem {
                field,
                reason: "must not be empty",
            });
        }
        if value.len() > MAX_ID_BYTES {
            return Err(SearchError::InvalidItem {
                field,
                reason: "is longer than 128 bytes",
            });
        }
    }
    let texts = [
        ("body_name", &item.body_name),
        ("title", &item.title),
        ("party_name", &item.party_name),
        ("summary", &item.summary),
        ("doc_number", &item.doc_number),
        ("url", &item.url),
    ];
    for (field, value) in texts {
        if value.chars().count() > MAX_TEXT_CHARS {
            return Err(SearchError::InvalidItem {
                field,
                reason: "is longer than 20000 characters",
            });
        }
    }
    Ok(())
}
