//! The one error type of the search crate.

/// Why a search-index operation failed.
///
/// Query text never produces an error: queries are built in code from sanitised text
/// (no query syntax is parsed), so the only failures are I/O, index state and invalid items.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index folder could not be created or opened (missing permissions, not a folder).
    #[error("cannot open search index folder {path}: {source}")]
    Folder {
        /// The folder that was asked for.
        path: std::path::PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The folder holds an index whose schema differs from this version's (an older liuhen).
    /// The portal should delete the folder and rebuild the index from the store.
    #[error("the search index in {path} was built with a different schema; rebuild it")]
    SchemaMismatch {
        /// The index folder.
        path: std::path::PathBuf,
    },
    /// Another writer holds the index lock (a second liuhen process on the same folder).
    #[error("the search index is locked by another writer")]
    Locked,
    /// A previous writer operation panicked while holding the writer; the index must be reopened.
    #[error("the search index writer is unusable after an earlier failure")]
    WriterPoisoned,
    /// An item handed to `upsert` breaks an invariant (empty id, over-long field).
    #[error("invalid item for the search index: {field} {reason}")]
    InvalidItem {
        /// The offending field of `IndexedItem`.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A stored document could not be read back into an `IndexedItem` (index corruption, or a
    /// document written by something other than this crate).
    #[error("stored search document is malformed: missing or bad field {field}")]
    MalformedDocument {
        /// The field that was missing or had the wrong type.
        field: &'static str,
    },
    /// Any other failure inside tantivy (I/O during commit or search, merge failure).
    #[error("search engine failure: {0}")]
    Engine(#[from] tantivy::TantivyError),
}
