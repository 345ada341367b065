//! Full-text search over published disclosure items (公示检索) for the public portal.
//!
//! # Brief overview
//!
//! - [`SearchIndex`](index::SearchIndex) — a tantivy index in a folder ([`open_in_dir`](index::SearchIndex::open_in_dir)) or in memory
//!   ([`create_in_ram`](index::SearchIndex::create_in_ram)); [`upsert`](index::SearchIndex::upsert) an item when it is published or
//!   corrected (D13), [`remove`](index::SearchIndex::remove) it when it is withdrawn (D14), then
//!   [`commit`](index::SearchIndex::commit).
//! - [`IndexedItem`](index::IndexedItem) — the public (already masked, D10-d) version of one disclosure item.
//! - [`SearchRequest`](query::SearchRequest) → [`search`](index::SearchIndex::search) →
//!   [`SearchResults`](query::SearchResults) of [`SearchHit`](query::SearchHit)s with a
//!   [`Highlight`](query::Highlight)ed title and snippet.
//!
//! ```
//! use liuhen_search::index::{IndexedItem, SearchIndex};
//! use liuhen_search::query::SearchRequest;
//! use time::macros::{date, datetime};
//!
//! let index = SearchIndex::create_in_ram()?;
//! index.upsert(&IndexedItem {
//!     id: "item-1".into(),
//!     body_id: "xc-scjg".into(),
//!     body_name: "枣庄市薛城区市场监督管理局".into(),
//!     kind: "penalty".into(),
//!     title: "薛城区某食品店行政处罚决定".into(),
//!     party_name: "枣庄市某某食品有限公司".into(),
//!     summary: "违反《中华人民共和国食品安全法》第三十四条，依据《行政处罚法》……".into(),
//!     doc_number: "薛市监罚〔2024〕12号".into(),
//!     decided_on: date!(2024 - 03 - 05),
//!     published_at: datetime!(2024-03-08 09:00 +08:00),
//!     url: "/items/item-1".into(),
//! })?;
//! index.commit()?;
//! // jieba alone never yields 行政处罚 from 行政处罚法; the bigram field does.
//! let results = index.search(&SearchRequest { text: "食品安全 处罚".into(), ..Default::default() })?;
//! assert_eq!(results.total, 1);
//! # Ok::<(), liuhen_search::error::SearchError>(())
//! ```
//!
//! # Design choices
//!
//! The tokenizer design is described in `docs/search.md` and the private `tokenize` module.
//!
//! - **Bigrams for recall, jieba for rank.** See the `tokenize` module: every text is indexed
//!   both as jieba words and as overlapping character bigrams; each CJK run of the query must
//!   match as a bigram phrase, so compound legal terms (行政处罚 in 行政处罚法, 市场监督 in
//!   市场监督管理局) and fragments of masked party names are always found (DESIGN.md "Stack").
//! - **Queries are built in code.** No user syntax is parsed, so there are no syntax errors and
//!   no query injection; input is sanitised and capped ([`MAX_QUERY_CHARS`](query::MAX_QUERY_CHARS)).
//! - **Only the public version is indexed.** The index, its files and its snippets can only
//!   contain what the portal already shows.

#![deny(missing_docs)]

pub mod error;
pub mod index;
pub mod query;
mod tokenize;
