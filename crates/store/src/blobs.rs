//! [`LocalBlobs`]: the evidence blob store on a local folder (issue 6 item 1; the port is
//! [`liuhen_core::blobs::Blobs`]).
//!
//! # Layout (under the store root, usually `<data dir>/blobs`)
//! ```text
//! ab/cd/<sha256>          the blob, read-only (content-addressed by lower-case hex SHA-256)
//! ab/cd/<sha256>.json     its metadata: sha256, sm3, size, media_type (re-derivable)
//! tmp/put-<uuid>.part     uploads in progress through put_stream (deleted on start)
//! uploads/<id>.part       resumable upload sessions: the bytes received so far
//! uploads/<id>.json       the session's announced size and creation time
//! ```
//! `tmp/` and `uploads/` are inside the root so the final `rename` never crosses a file system.
//!
//! # Write path
//! The input is read in 1 MiB chunks; each chunk goes (shared, not copied) to two blocking
//! workers: one computes SM3, the other computes SHA-256 and writes the chunk to the temp file.
//! At most [`QUEUE_DEPTH`] chunks are in flight, so memory stays at a few MiB whatever the file
//! size, and the two hashes run on different cores (SM3 is the slow one). Then: `fsync` the temp
//! file, `rename` it to its address, `fsync` the directory, write the metadata file. A crash or a
//! dropped future before the rename leaves only a temp file, which a guard deletes on drop and
//! [`LocalBlobs::open`] deletes on start: no half blob is ever visible under an address.
//!
//! Duplicates: when the address already exists with the same size, the new copy is discarded and
//! the existing blob kept (its name is its hash); a different size there means the stored blob was
//! damaged, which is reported as [`BlobError::Corrupt`] (R4-a integrity alert), never overwritten.
//!
//! # Resumable uploads
//! `begin_upload` → `append_chunk(offset)`… → `finish_upload`. Each append is synced before it
//! returns its new offset, so a client whose connection dropped asks `upload_status` and resumes
//! at the durable offset. The hashers' internal state cannot be serialised (neither `sha2` nor
//! `sm3` exposes it), so the hashes are computed at `finish_upload` by reading the received file
//! once (same two-worker pipeline, from the page cache for recent data). Sessions untouched for
//! [`UPLOAD_TTL`] are deleted on start.
//!
//! One process per store root: two servers on the same folder would delete each other's temp
//! files on start.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use liuhen_core::blobs::{
    BlobError, BlobInfo, BlobReader, Blobs, ByteRange, SNIFF_LEN, UploadStatus, check_address,
    sniff_media_type,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sm3::Sm3;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::mpsc;

/// Bytes per chunk handed to the hashers and the writer.
pub const CHUNK_SIZE: usize = 1 << 20;
/// Chunks in flight per worker (bounds memory per upload to about `2 × QUEUE_DEPTH` MiB).
pub const QUEUE_DEPTH: usize = 4;
/// Upload sessions untouched this long are deleted when the store opens.
pub const UPLOAD_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// The local-folder blob store.
#[derive(Debug, Clone)]
pub struct LocalBlobs {
    root: PathBuf,
    limit: u64,
    sessions: Arc<std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

/// Metadata file next to each blob.
#[derive(Debug, Serialize, Deserialize)]
struct MetaFile {
    sha256: String,
    sm3: String,
    size: u64,
    media_type: String,
}

/// Metadata of an upload session.
#[derive(Debug, Serialize, Deserialize)]
struct SessionFile {
    expected_size: Option<u64>,
    created_unix: u64,
    /// Who may continue the session (empty in sessions written before owners existed).
    #[serde(default)]
    owner: String,
}

/// Deletes a temp file when dropped unless disarmed (cancelled futures, errors).
struct TempGuard(Option<PathBuf>);

impl TempGuard {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// What one pass over a stream produced.
struct Digests {
    sha256: String,
    sm3: String,
    size: u64,
    head: Vec<u8>,
}

fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> BlobError {
    let context = context.into();
    move |source| BlobError::io(context, source)
}

fn join_error(err: tokio::task::JoinError) -> BlobError {
    BlobError::io(
        "blob worker",
        std::io::Error::other(format!("worker task failed: {err}")),
    )
}

/// Fills `buf` from `reader` until it is full or the input ends; returns the bytes read.
async fn fill(reader: &mut BlobReader, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = reader.read(&mut buf[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Reads `reader` to its end (at most `limit` bytes), hashing SHA-256 and SM3 on two blocking
/// workers and, when `sink` is given, writing every chunk to it and syncing it at the end.
async fn hash_pass(
    mut reader: BlobReader,
    limit: u64,
    sink: Option<std::fs::File>,
) -> Result<Digests, BlobError> {
    let (sm3_tx, mut sm3_rx) = mpsc::channel::<Arc<Vec<u8>>>(QUEUE_DEPTH);
    let (sha_tx, mut sha_rx) = mpsc::channel::<Arc<Vec<u8>>>(QUEUE_DEPTH);
    let sm3_worker = tokio::task::spawn_blocking(move || {
        let mut hasher = Sm3::new();
        while let Some(chunk) = sm3_rx.blocking_recv() {
            hasher.update(chunk.as_slice());
        }
        hex::encode(hasher.finalize())
    });
    let sha_worker = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut hasher = Sha256::new();
        let mut sink = sink;
        let mut failed: Option<std::io::Error> = None;
        while let Some(chunk) = sha_rx.blocking_recv() {
            if failed.is_some() {
                continue; // drain so the reader never blocks on a dead worker
            }
            hasher.update(chunk.as_slice());
            if let Some(file) = sink.as_mut()
                && let Err(err) = file.write_all(&chunk)
            {
                failed = Some(err);
            }
        }
        if let Some(err) = failed {
            return Err(err);
        }
        if let Some(file) = sink.as_mut() {
            file.sync_all()?;
        }
        Ok(hex::encode(hasher.finalize()))
    });
    let mut size: u64 = 0;
    let mut head = Vec::new();
    let read_result: Result<(), BlobError> = async {
        loop {
            let mut buf = vec![0u8; CHUNK_SIZE];
            let n = fill(&mut reader, &mut buf)
                .await
                .map_err(io("reading the upload"))?;
            if n == 0 {
                return Ok(());
            }
            buf.truncate(n);
            size += n as u64;
            if size > limit {
                return Err(BlobError::TooLarge { limit });
            }
            if head.len() < SNIFF_LEN {
                let take = (SNIFF_LEN - head.len()).min(buf.len());
                head.extend_from_slice(&buf[..take]);
            }
            let chunk = Arc::new(buf);
            // A send fails only when a worker died; its join below reports why.
            if sm3_tx.send(chunk.clone()).await.is_err() || sha_tx.send(chunk).await.is_err() {
                return Ok(());
            }
        }
    }
    .await;
    drop(sm3_tx);
    drop(sha_tx);
    let sm3 = sm3_worker.await.map_err(join_error)?;
    let sha = sha_worker.await.map_err(join_error)?;
    read_result?;
    let sha256 = sha.map_err(io("writing the blob"))?;
    Ok(Digests {
        sha256,
        sm3,
        size,
        head,
    })
}

fn sync_dir(dir: &Path) -> Result<(), BlobError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(format!("syncing {}", dir.display())))
}

/// Creates `dir` and its missing parents, syncing each parent whose entry list changed.
fn create_dirs_synced(dir: &Path) -> Result<(), BlobError> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_dirs_synced(parent)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(err) => return Err(BlobError::io(format!("creating {}", dir.display()), err)),
    }
    if let Some(parent) = dir.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), BlobError> {
    let tmp = path.with_extension("json.tmp");
    let mut guard = TempGuard(Some(tmp.clone()));
    let mut file =
        std::fs::File::create(&tmp).map_err(io(format!("creating {}", tmp.display())))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io(format!("writing {}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(io(format!("renaming to {}", path.display())))?;
    guard.disarm();
    if let Some(parent) = path.parent() {
        sync_dir(parent)?;
    }
    Ok(())
}

fn is_session_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl LocalBlobs {
    /// Opens (creating if needed) a blob store at `root` with a per-blob size `limit`; deletes
    /// leftover temp files of interrupted `put_stream` calls and expired upload sessions.
    pub fn open(root: impl Into<PathBuf>, limit: u64) -> Result<LocalBlobs, BlobError> {
        let root = root.into();
        let tmp = root.join("tmp");
        let uploads = root.join("uploads");
        create_dirs_synced(&tmp)?;
        create_dirs_synced(&uploads)?;
        for entry in std::fs::read_dir(&tmp).map_err(io(format!("listing {}", tmp.display())))? {
            let entry = entry.map_err(io("listing tmp"))?;
            let _ = std::fs::remove_file(entry.path());
        }
        let now = SystemTime::now();
        for entry in
            std::fs::read_dir(&uploads).map_err(io(format!("listing {}", uploads.display())))?
        {
            let entry = entry.map_err(io("listing uploads"))?;
            let path = entry.path();
            let stem_ok = path
                .file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(is_session_id);
            let has_session = path.with_extension("json").is_file();
            let expired = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age > UPLOAD_TTL);
            if !stem_ok || !has_session || expired {
                let _ = std::fs::remove_file(&path);
            }
        }
        Ok(LocalBlobs {
            root,
            limit,
            sessions: Arc::new(std::sync::Mutex::new(HashMap::new())),
        })
    }

    /// The store's root folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The store's size limit per blob.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// The path of a blob (`ab/cd/<sha256>`), after checking the address.
    pub fn blob_path(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        check_address(sha256)?;
        Ok(self
            .root
            .join(&sha256[0..2])
            .join(&sha256[2..4])
            .join(sha256))
    }

    fn meta_path(&self, sha256: &str) -> Result<PathBuf, BlobError> {
        Ok(self.blob_path(sha256)?.with_extension("json"))
    }

    fn session_paths(&self, id: &str) -> Result<(PathBuf, PathBuf), BlobError> {
        if !is_session_id(id) {
            return Err(BlobError::UploadNotFound(id.chars().take(80).collect()));
        }
        let dir = self.root.join("uploads");
        Ok((
            dir.join(format!("{id}.part")),
            dir.join(format!("{id}.json")),
        ))
    }

    fn session_lock(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = match self.sessions.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.entry(id.to_owned()).or_default().clone()
    }

    /// Moves a fully written, synced temp file to its address (or discards it as a duplicate),
    /// then writes the metadata file. Blocking.
    fn commit(&self, temp: &Path, digests: &Digests) -> Result<BlobInfo, BlobError> {
        let path = self.blob_path(&digests.sha256)?;
        let dir = path
            .parent()
            .ok_or_else(|| BlobError::InvalidAddress(digests.sha256.clone()))?
            .to_path_buf();
        create_dirs_synced(&dir)?;
        let media_type = sniff_media_type(&digests.head).to_owned();
        let mut deduplicated = false;
        match std::fs::metadata(&path) {
            Ok(existing) => {
                if existing.len() != digests.size {
                    return Err(BlobError::Corrupt {
                        sha256: digests.sha256.clone(),
                        actual: format!(
                            "stored size {} differs from {}",
                            existing.len(),
                            digests.size
                        ),
                    });
                }
                std::fs::remove_file(temp).map_err(io(format!("removing {}", temp.display())))?;
                deduplicated = true;
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let mut perms = std::fs::metadata(temp)
                    .map_err(io(format!("reading {}", temp.display())))?
                    .permissions();
                perms.set_readonly(true);
                std::fs::set_permissions(temp, perms)
                    .map_err(io(format!("protecting {}", temp.display())))?;
                std::fs::rename(temp, &path)
                    .map_err(io(format!("renaming to {}", path.display())))?;
                sync_dir(&dir)?;
            }
            Err(err) => return Err(BlobError::io(format!("checking {}", path.display()), err)),
        }
        let info = BlobInfo {
            sha256: digests.sha256.clone(),
            sm3: digests.sm3.clone(),
            size: digests.size,
            media_type,
            deduplicated,
        };
        if deduplicated && self.meta_path(&info.sha256)?.is_file() {
            return Ok(info);
        }
        self.write_meta(&info)?;
        Ok(info)
    }

    fn write_meta(&self, info: &BlobInfo) -> Result<(), BlobError> {
        let meta = MetaFile {
            sha256: info.sha256.clone(),
            sm3: info.sm3.clone(),
            size: info.size,
            media_type: info.media_type.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&meta)
            .map_err(|err| BlobError::io("encoding blob metadata", std::io::Error::other(err)))?;
        write_atomically(&self.meta_path(&info.sha256)?, &bytes)
    }

    async fn open_file(&self, sha256: &str) -> Result<(tokio::fs::File, u64), BlobError> {
        let path = self.blob_path(sha256)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::NotFound(sha256.to_owned()));
            }
            Err(err) => return Err(BlobError::io(format!("opening {}", path.display()), err)),
        };
        let size = file
            .metadata()
            .await
            .map_err(io(format!("reading {}", path.display())))?
            .len();
        Ok((file, size))
    }

    async fn status_of(&self, id: &str) -> Result<UploadStatus, BlobError> {
        let (part, json) = self.session_paths(id)?;
        let session: SessionFile = match tokio::fs::read(&json).await {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|_| BlobError::UploadNotFound(id.to_owned()))?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::UploadNotFound(id.to_owned()));
            }
            Err(err) => return Err(BlobError::io(format!("reading {}", json.display()), err)),
        };
        let offset = match tokio::fs::metadata(&part).await {
            Ok(meta) => meta.len(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::UploadNotFound(id.to_owned()));
            }
            Err(err) => return Err(BlobError::io(format!("reading {}", part.display()), err)),
        };
        Ok(UploadStatus {
            id: id.to_owned(),
            offset,
            expected_size: session.expected_size,
            owner: session.owner,
        })
    }
}

#[async_trait]
impl Blobs for LocalBlobs {
    async fn put_stream(&self, reader: BlobReader, limit: u64) -> Result<BlobInfo, BlobError> {
        let limit = limit.min(self.limit);
        let temp = self
            .root
            .join("tmp")
            .join(format!("put-{}.part", uuid::Uuid::now_v7().simple()));
        let mut guard = TempGuard(Some(temp.clone()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(io(format!("creating {}", temp.display())))?;
        let digests = hash_pass(reader, limit, Some(file)).await?;
        let this = self.clone();
        let temp_for_commit = temp.clone();
        let info = tokio::task::spawn_blocking(move || this.commit(&temp_for_commit, &digests))
            .await
            .map_err(join_error)??;
        guard.disarm();
        Ok(info)
    }

    async fn info(&self, sha256: &str) -> Result<BlobInfo, BlobError> {
        let meta_path = self.meta_path(sha256)?;
        let size = self.size(sha256).await?;
        if let Ok(bytes) = tokio::fs::read(&meta_path).await
            && let Ok(meta) = serde_json::from_slice::<MetaFile>(&bytes)
            && meta.sha256 == sha256
            && meta.size == size
        {
            return Ok(BlobInfo {
                sha256: meta.sha256,
                sm3: meta.sm3,
                size: meta.size,
                media_type: meta.media_type,
                deduplicated: false,
            });
        }
        // Missing or damaged metadata (e.g. a crash between rename and metadata write): derive
        // it again from the bytes, which also re-verifies them.
        let info = self.verify(sha256).await?;
        let this = self.clone();
        let to_write = info.clone();
        tokio::task::spawn_blocking(move || this.write_meta(&to_write))
            .await
            .map_err(join_error)??;
        Ok(info)
    }

    async fn open_range(
        &self,
        sha256: &str,
        range: Option<ByteRange>,
    ) -> Result<BlobReader, BlobError> {
        let (mut file, size) = self.open_file(sha256).await?;
        let Some(range) = range else {
            return Ok(Box::pin(file));
        };
        if range.first > range.last || range.last >= size {
            return Err(BlobError::RangeNotSatisfiable { size });
        }
        file.seek(std::io::SeekFrom::Start(range.first))
            .await
            .map_err(io(format!("seeking in blob {sha256}")))?;
        Ok(Box::pin(file.take(range.len())))
    }

    async fn size(&self, sha256: &str) -> Result<u64, BlobError> {
        let path = self.blob_path(sha256)?;
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.is_file() => Ok(meta.len()),
            Ok(_) => Err(BlobError::NotFound(sha256.to_owned())),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Err(BlobError::NotFound(sha256.to_owned()))
            }
            Err(err) => Err(BlobError::io(format!("reading {}", path.display()), err)),
        }
    }

    async fn exists(&self, sha256: &str) -> Result<bool, BlobError> {
        match self.size(sha256).await {
            Ok(_) => Ok(true),
            Err(BlobError::NotFound(_)) => Ok(false),
            Err(err) => Err(err),
        }
    }

    async fn verify(&self, sha256: &str) -> Result<BlobInfo, BlobError> {
        let (file, _size) = self.open_file(sha256).await?;
        let digests = hash_pass(Box::pin(file), u64::MAX, None).await?;
        if digests.sha256 != sha256 {
            return Err(BlobError::Corrupt {
                sha256: sha256.to_owned(),
                actual: digests.sha256,
            });
        }
        Ok(BlobInfo {
            media_type: sniff_media_type(&digests.head).to_owned(),
            sha256: digests.sha256,
            sm3: digests.sm3,
            size: digests.size,
            deduplicated: false,
        })
    }

    async fn begin_upload(
        &self,
        expected_size: Option<u64>,
        owner: &str,
    ) -> Result<UploadStatus, BlobError> {
        if let Some(size) = expected_size
            && size > self.limit
        {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        let id = uuid::Uuid::now_v7().simple().to_string();
        let (part, json) = self.session_paths(&id)?;
        let session = SessionFile {
            expected_size,
            created_unix: SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            owner: owner.to_owned(),
        };
        let bytes = serde_json::to_vec(&session)
            .map_err(|err| BlobError::io("encoding session", std::io::Error::other(err)))?;
        tokio::task::spawn_blocking(move || -> Result<(), BlobError> {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&part)
                .and_then(|f| f.sync_all())
                .map_err(io(format!("creating {}", part.display())))?;
            write_atomically(&json, &bytes)
        })
        .await
        .map_err(join_error)??;
        Ok(UploadStatus {
            id,
            offset: 0,
            expected_size,
            owner: owner.to_owned(),
        })
    }

    async fn upload_status(&self, id: &str) -> Result<UploadStatus, BlobError> {
        self.status_of(id).await
    }

    async fn append_chunk(
        &self,
        id: &str,
        offset: u64,
        mut reader: BlobReader,
    ) -> Result<UploadStatus, BlobError> {
        let lock = self.session_lock(id);
        let _guard = lock.lock().await;
        let status = self.status_of(id).await?;
        if status.offset != offset {
            return Err(BlobError::OffsetMismatch {
                expected: status.offset,
                got: offset,
            });
        }
        let limit = status.expected_size.unwrap_or(self.limit).min(self.limit);
        let (part, _) = self.session_paths(id)?;
        let mut file = tokio::fs::OpenOptions::new()
            .append(true)
            .open(&part)
            .await
            .map_err(io(format!("opening {}", part.display())))?;
        let mut total = offset;
        let mut buf = vec![0u8; CHUNK_SIZE];
        let copied: Result<(), BlobError> = async {
            loop {
                let n = reader
                    .read(&mut buf)
                    .await
                    .map_err(io("reading the upload chunk"))?;
                if n == 0 {
                    return Ok(());
                }
                if total + n as u64 > limit {
                    return Err(BlobError::TooLarge { limit });
                }
                tokio::io::AsyncWriteExt::write_all(&mut file, &buf[..n])
                    .await
                    .map_err(io(format!("writing {}", part.display())))?;
                total += n as u64;
            }
        }
        .await;
        // Whatever arrived is kept and made durable, so the client can resume after it.
        tokio::io::AsyncWriteExt::flush(&mut file)
            .await
            .map_err(io(format!("flushing {}", part.display())))?;
        file.sync_all()
            .await
            .map_err(io(format!("syncing {}", part.display())))?;
        copied?;
        Ok(UploadStatus {
            id: id.to_owned(),
            offset: total,
            expected_size: status.expected_size,
            owner: status.owner,
        })
    }

    async fn finish_upload(&self, id: &str) -> Result<BlobInfo, BlobError> {
        let lock = self.session_lock(id);
        let _guard = lock.lock().await;
        let status = self.status_of(id).await?;
        if let Some(expected) = status.expected_size
            && expected != status.offset
        {
            return Err(BlobError::SizeMismatch {
                expected,
                actual: status.offset,
            });
        }
        let (part, json) = self.session_paths(id)?;
        let file = tokio::fs::File::open(&part)
            .await
            .map_err(io(format!("opening {}", part.display())))?;
        // Re-hash the received bytes in one pass (hasher state is not resumable, see module docs).
        let digests = hash_pass(Box::pin(file), self.limit, None).await?;
        let this = self.clone();
        let info = tokio::task::spawn_blocking(move || -> Result<BlobInfo, BlobError> {
            let info = this.commit(&part, &digests)?;
            std::fs::remove_file(&json).map_err(io(format!("removing {}", json.display())))?;
            Ok(info)
        })
        .await
        .map_err(join_error)??;
        if let Ok(mut map) = self.sessions.lock() {
            map.remove(id);
        }
        Ok(info)
    }

    async fn abort_upload(&self, id: &str) -> Result<(), BlobError> {
        let lock = self.session_lock(id);
        let _guard = lock.lock().await;
        let (part, json) = self.session_paths(id)?;
        let _ = self.status_of(id).await?;
        for path in [json, part] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(BlobError::io(format!("removing {}", path.display()), err)),
            }
        }
        if let Ok(mut map) = self.sessions.lock() {
            map.remove(id);
        }
        Ok(())
    }
}

/// A deterministic, position-dependent byte stream of a given length, generated on the fly (for
/// tests and `liuhen evidence bench`: multi-GB uploads without a multi-GB file or buffer).
///
/// Byte `p` is byte `p % 65536` of a fixed xorshift block, except that the first 8 bytes of
/// every 64 KiB block hold the block's index (little-endian), so no two blocks are equal.
#[derive(Debug, Clone)]
pub struct PatternReader {
    base: Arc<Vec<u8>>,
    len: u64,
    pos: u64,
}

/// Block size of [`PatternReader`].
const PATTERN_BLOCK: usize = 1 << 16;

impl PatternReader {
    /// A stream of `len` bytes derived from `seed`.
    pub fn new(seed: u64, len: u64) -> PatternReader {
        let mut state = seed | 1;
        let mut base = Vec::with_capacity(PATTERN_BLOCK);
        while base.len() < PATTERN_BLOCK {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            base.extend_from_slice(&state.to_le_bytes());
        }
        PatternReader {
            base: Arc::new(base),
            len,
            pos: 0,
        }
    }

    /// Total length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the stream is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fills `buf` with the bytes at `pos..` (clipped at the end); returns how many were written.
    pub fn fill_at(&self, pos: u64, buf: &mut [u8]) -> usize {
        let mut written = 0;
        let mut pos = pos;
        while written < buf.len() && pos < self.len {
            let block = pos / PATTERN_BLOCK as u64;
            let within = (pos % PATTERN_BLOCK as u64) as usize;
            let left_in_block = PATTERN_BLOCK - within;
            let left_in_stream = usize::try_from(self.len - pos).unwrap_or(usize::MAX);
            let n = left_in_block.min(left_in_stream).min(buf.len() - written);
            let out = &mut buf[written..written + n];
            out.copy_from_slice(&self.base[within..within + n]);
            // Overlay the block index on the block's first 8 bytes.
            let index = block.to_le_bytes();
            for (k, byte) in out.iter_mut().enumerate() {
                let at = within + k;
                if at >= 8 {
                    break;
                }
                *byte = index[at];
            }
            written += n;
            pos += n as u64;
        }
        written
    }
}

impl tokio::io::AsyncRead for PatternReader {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let pos = self.pos;
        let n = self.fill_at(pos, buf.initialize_unfilled());
        buf.advance(n);
        self.pos += n as u64;
        std::task::Poll::Ready(Ok(()))
    }
}
