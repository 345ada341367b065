//! The local-folder blob store (issue 6 item 1): streaming ingest with SHA-256 + SM3 in one pass,
//! atomic visibility, dedup, size limit, sniffing, range reads, resumable uploads, tamper
//! detection (R4-a).

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use liuhen_core::blobs::{BlobError, BlobReader, Blobs, ByteRange};
use liuhen_store::blobs::{LocalBlobs, PatternReader};
use proptest::prelude::*;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

const MIB: u64 = 1 << 20;
const LIMIT: u64 = 1 << 40;

fn store(dir: &Path) -> LocalBlobs {
    LocalBlobs::open(dir.join("blobs"), LIMIT).unwrap()
}

fn bytes(data: &[u8]) -> BlobReader {
    Box::pin(std::io::Cursor::new(data.to_vec()))
}

/// Files under the store root that are blobs (not tmp/, not uploads/, not metadata).
fn visible_blobs(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if dir == root && (name == "tmp" || name == "uploads") {
                    continue;
                }
                stack.push(path);
            } else if !name.ends_with(".json") {
                out.push(path);
            }
        }
    }
    out
}

fn dir_is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().next().is_none()
}

async fn read_all(mut reader: BlobReader) -> Vec<u8> {
    let mut out = Vec::new();
    reader.read_to_end(&mut out).await.unwrap();
    out
}

/// Yields `data`, then fails (a dropped connection).
struct FailingReader {
    data: std::io::Cursor<Vec<u8>>,
}

impl AsyncRead for FailingReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.data).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before => Poll::Ready(Err(
                std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection dropped"),
            )),
            other => other,
        }
    }
}

/// Yields `data`, then never finishes (a stalled client).
struct StallingReader {
    data: std::io::Cursor<Vec<u8>>,
}

impl AsyncRead for StallingReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.data).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() == before => Poll::Pending,
            other => other,
        }
    }
}

#[tokio::test]
async fn small_file_gets_known_answer_sha256_and_sm3() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let info = blobs.put_stream(bytes(b"abc"), LIMIT).await.unwrap();
    // FIPS 180-4 and GB/T 32905-2016 Appendix A example 1.
    assert_eq!(
        info.sha256,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        info.sm3,
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
    assert_eq!(info.size, 3);
    assert!(!info.deduplicated);
    assert_eq!(
        read_all(blobs.open_range(&info.sha256, None).await.unwrap()).await,
        b"abc"
    );
    assert_eq!(blobs.info(&info.sha256).await.unwrap().sm3, info.sm3);
    assert!(dir_is_empty(&dir.path().join("blobs/tmp")));
}

#[tokio::test]
async fn empty_file_is_stored_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let info = blobs.put_stream(bytes(b""), LIMIT).await.unwrap();
    assert_eq!(
        info.sha256,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(blobs.size(&info.sha256).await.unwrap(), 0);
    assert!(
        read_all(blobs.open_range(&info.sha256, None).await.unwrap())
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn large_generated_file_is_streamed_hashed_and_verifiable() {
    // 64 MiB in the test profile (the 1 GiB run is `liuhen evidence bench --size 1GiB`).
    let len = 64 * MIB + 12_345;
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let started = std::time::Instant::now();
    let info = blobs
        .put_stream(Box::pin(PatternReader::new(7, len)), LIMIT)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(info.size, len);
    // An independent SHA-256 of the same generated stream.
    let mut expect = Sha256::new();
    let mut reader = PatternReader::new(7, len);
    let mut buf = vec![0u8; MIB as usize];
    loop {
        let n = reader.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        expect.update(&buf[..n]);
    }
    assert_eq!(info.sha256, hex::encode(expect.finalize()));
    let verified = blobs.verify(&info.sha256).await.unwrap();
    assert_eq!(verified.sm3, info.sm3);
    assert_eq!(blobs.size(&info.sha256).await.unwrap(), len);
    assert!(
        elapsed.as_secs() < 30,
        "64 MiB took {elapsed:?}; hashing is not streamed or not optimised"
    );
}

#[tokio::test]
async fn interrupted_upload_leaves_no_visible_blob() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let blobs = store(dir.path());
    let reader = FailingReader {
        data: std::io::Cursor::new(vec![7u8; 3 * MIB as usize + 17]),
    };
    let err = blobs.put_stream(Box::pin(reader), LIMIT).await.unwrap_err();
    assert!(matches!(err, BlobError::Io { .. }), "{err:?}");
    assert!(visible_blobs(&root).is_empty());
    assert!(dir_is_empty(&root.join("tmp")));
}

#[tokio::test]
async fn cancelled_upload_leaves_no_visible_blob_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let blobs = store(dir.path());
    let reader = StallingReader {
        data: std::io::Cursor::new(vec![9u8; 2 * MIB as usize]),
    };
    let put = blobs.put_stream(Box::pin(reader), LIMIT);
    let timed_out = tokio::time::timeout(std::time::Duration::from_millis(300), put).await;
    assert!(timed_out.is_err(), "a stalled upload must not complete");
    assert!(visible_blobs(&root).is_empty());
    assert!(dir_is_empty(&root.join("tmp")));
}

#[tokio::test]
async fn leftover_temp_files_are_removed_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    drop(store(dir.path()));
    std::fs::write(root.join("tmp/put-crashed.part"), b"half a video").unwrap();
    let _reopened = store(dir.path());
    assert!(dir_is_empty(&root.join("tmp")));
    assert!(visible_blobs(&root).is_empty());
}

#[tokio::test]
async fn duplicate_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let blobs = store(dir.path());
    let first = blobs
        .put_stream(Box::pin(PatternReader::new(1, 3 * MIB)), LIMIT)
        .await
        .unwrap();
    let second = blobs
        .put_stream(Box::pin(PatternReader::new(1, 3 * MIB)), LIMIT)
        .await
        .unwrap();
    assert_eq!(first.sha256, second.sha256);
    assert_eq!(first.sm3, second.sm3);
    assert!(!first.deduplicated);
    assert!(second.deduplicated);
    assert_eq!(visible_blobs(&root).len(), 1);
    assert!(dir_is_empty(&root.join("tmp")));
}

#[tokio::test]
async fn size_limit_is_a_typed_error_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("blobs");
    let blobs = LocalBlobs::open(&root, 2 * MIB).unwrap();
    let err = blobs
        .put_stream(Box::pin(PatternReader::new(3, 2 * MIB + 1)), LIMIT)
        .await
        .unwrap_err();
    assert!(
        matches!(err, BlobError::TooLarge { limit } if limit == 2 * MIB),
        "{err:?}"
    );
    // The per-call limit applies when smaller than the store's.
    let err = blobs.put_stream(bytes(&[1u8; 101]), 100).await.unwrap_err();
    assert!(matches!(err, BlobError::TooLarge { limit: 100 }), "{err:?}");
    assert!(visible_blobs(&root).is_empty());
    assert!(dir_is_empty(&root.join("tmp")));
    // Exactly at the limit is fine.
    let ok = blobs
        .put_stream(Box::pin(PatternReader::new(3, 2 * MIB)), LIMIT)
        .await
        .unwrap();
    assert_eq!(ok.size, 2 * MIB);
}

#[tokio::test]
async fn media_type_is_sniffed_from_content() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    assert_eq!(
        blobs
            .put_stream(bytes(png), LIMIT)
            .await
            .unwrap()
            .media_type,
        "image/png"
    );
    let mut mp4 = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41".to_vec();
    mp4.extend_from_slice(&[0u8; 100]);
    assert_eq!(
        blobs
            .put_stream(bytes(&mp4), LIMIT)
            .await
            .unwrap()
            .media_type,
        "video/mp4"
    );
}

#[tokio::test]
async fn range_reads_return_exact_bytes() {
    let len = 3 * MIB + 5;
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let info = blobs
        .put_stream(Box::pin(PatternReader::new(11, len)), LIMIT)
        .await
        .unwrap();
    let pattern = PatternReader::new(11, len);
    let expect = |first: u64, last: u64| {
        let mut buf = vec![0u8; (last - first + 1) as usize];
        pattern.fill_at(first, &mut buf);
        buf
    };
    let check = |header: &str, first: u64, last: u64| {
        let range = ByteRange::parse(header, len).unwrap().unwrap();
        assert_eq!((range.first, range.last), (first, last), "{header}");
        range
    };
    for (header, first, last) in [
        ("bytes=0-0", 0, 0),
        ("bytes=1572864-1572864", 1_572_864, 1_572_864),
        ("bytes=3145732-3145732", len - 1, len - 1),
        ("bytes=-1", len - 1, len - 1),
        ("bytes=-70000", len - 70_000, len - 1),
        ("bytes=65530-65545", 65_530, 65_545),
        ("bytes=3000000-", 3_000_000, len - 1),
    ] {
        let range = check(header, first, last);
        let got = read_all(blobs.open_range(&info.sha256, Some(range)).await.unwrap()).await;
        assert_eq!(got, expect(first, last), "{header}");
    }
    let err = blobs
        .open_range(
            &info.sha256,
            Some(ByteRange {
                first: len,
                last: len,
            }),
        )
        .await
        .err()
        .unwrap();
    assert!(matches!(err, BlobError::RangeNotSatisfiable { size } if size == len));
}

#[tokio::test]
async fn tampered_blob_is_named_by_verify() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let info = blobs
        .put_stream(Box::pin(PatternReader::new(5, MIB + 1)), LIMIT)
        .await
        .unwrap();
    let path = blobs.blob_path(&info.sha256).unwrap();
    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    assert!(perms.readonly(), "stored blobs are read-only");
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();
    let mut content = std::fs::read(&path).unwrap();
    content[123_456] ^= 0x01;
    std::fs::write(&path, &content).unwrap();
    match blobs.verify(&info.sha256).await {
        Err(BlobError::Corrupt { sha256, actual }) => {
            assert_eq!(sha256, info.sha256);
            assert_ne!(actual, info.sha256);
        }
        other => panic!("tamper not detected: {other:?}"),
    }
}

#[tokio::test]
async fn crafted_addresses_are_refused_before_touching_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    for address in ["../../etc/passwd", "", &"A".repeat(64), &"a".repeat(65)] {
        let err = blobs.open_range(address, None).await.err().unwrap();
        assert!(
            matches!(err, BlobError::InvalidAddress(_)),
            "{address}: {err:?}"
        );
    }
    let absent = "0".repeat(64);
    assert!(!blobs.exists(&absent).await.unwrap());
    assert!(matches!(
        blobs.size(&absent).await.unwrap_err(),
        BlobError::NotFound(_)
    ));
}

#[tokio::test]
async fn missing_metadata_file_is_derived_again_from_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let info = blobs
        .put_stream(bytes(b"%PDF-1.7 test"), LIMIT)
        .await
        .unwrap();
    let meta = blobs
        .blob_path(&info.sha256)
        .unwrap()
        .with_extension("json");
    std::fs::remove_file(&meta).unwrap();
    let again = blobs.info(&info.sha256).await.unwrap();
    assert_eq!(again.sm3, info.sm3);
    assert_eq!(again.media_type, "application/pdf");
    assert!(meta.is_file());
}

#[tokio::test]
async fn resumable_upload_survives_a_dropped_connection_and_a_restart() {
    let len = 5 * MIB + 3;
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let mut whole = vec![0u8; len as usize];
    PatternReader::new(21, len).fill_at(0, &mut whole);
    let session = blobs.begin_upload(Some(len), "off1@case-1").await.unwrap();
    assert_eq!(session.offset, 0);
    // First attempt: 2 MiB + 10 arrive, then the connection drops.
    let dropped = FailingReader {
        data: std::io::Cursor::new(whole[..2 * MIB as usize + 10].to_vec()),
    };
    let err = blobs
        .append_chunk(&session.id, 0, Box::pin(dropped))
        .await
        .unwrap_err();
    assert!(matches!(err, BlobError::Io { .. }), "{err:?}");
    // The server restarts; the session and its durable bytes survive.
    drop(blobs);
    let blobs = store(dir.path());
    let status = blobs.upload_status(&session.id).await.unwrap();
    assert_eq!(status.offset, 2 * MIB + 10);
    assert_eq!(
        status.owner, "off1@case-1",
        "the owner survives the restart"
    );
    // A chunk for the wrong offset is refused with the offset to resume from.
    let err = blobs
        .append_chunk(&session.id, 0, bytes(&whole[..10]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, BlobError::OffsetMismatch { expected, got: 0 } if expected == status.offset)
    );
    // Finishing early is refused (announced size not reached).
    assert!(matches!(
        blobs.finish_upload(&session.id).await.unwrap_err(),
        BlobError::SizeMismatch { .. }
    ));
    let at = status.offset as usize;
    let status = blobs
        .append_chunk(&session.id, status.offset, bytes(&whole[at..]))
        .await
        .unwrap();
    assert_eq!(status.offset, len);
    let info = blobs.finish_upload(&session.id).await.unwrap();
    assert_eq!(info.sha256, hex::encode(Sha256::digest(&whole)));
    assert_eq!(info.size, len);
    // The session is gone and the blob equals a one-shot upload of the same bytes.
    assert!(matches!(
        blobs.upload_status(&session.id).await.unwrap_err(),
        BlobError::UploadNotFound(_)
    ));
    let direct = blobs.put_stream(bytes(&whole), LIMIT).await.unwrap();
    assert_eq!(direct.sha256, info.sha256);
    assert_eq!(direct.sm3, info.sm3);
    assert!(direct.deduplicated);
}

#[tokio::test]
async fn aborted_and_unknown_sessions_are_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = store(dir.path());
    let session = blobs.begin_upload(None, "off1@case-1").await.unwrap();
    blobs
        .append_chunk(&session.id, 0, bytes(b"partial"))
        .await
        .unwrap();
    blobs.abort_upload(&session.id).await.unwrap();
    for id in [
        session.id.as_str(),
        "../../x",
        "0123456789abcdef0123456789abcdef",
    ] {
        assert!(
            matches!(
                blobs.upload_status(id).await.unwrap_err(),
                BlobError::UploadNotFound(_)
            ),
            "{id}"
        );
    }
    assert!(dir_is_empty(&dir.path().join("blobs/uploads")));
}

#[tokio::test]
async fn upload_session_respects_the_announced_size_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::open(dir.path().join("blobs"), 1000).unwrap();
    assert!(matches!(
        blobs
            .begin_upload(Some(1001), "off1@case-1")
            .await
            .unwrap_err(),
        BlobError::TooLarge { limit: 1000 }
    ));
    let session = blobs.begin_upload(Some(10), "off1@case-1").await.unwrap();
    let err = blobs
        .append_chunk(&session.id, 0, bytes(&[0u8; 11]))
        .await
        .unwrap_err();
    assert!(matches!(err, BlobError::TooLarge { limit: 10 }), "{err:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any satisfiable range of any blob reads back exactly the generator's bytes there.
    #[test]
    fn any_range_reads_the_right_bytes(len in 1u64..200_000, a in any::<u64>(), b in any::<u64>()) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let blobs = store(dir.path());
            let info = blobs.put_stream(Box::pin(PatternReader::new(len, len)), LIMIT).await.unwrap();
            let (first, last) = { let (x, y) = (a % len, b % len); (x.min(y), x.max(y)) };
            let header = format!("bytes={first}-{last}");
            let range = ByteRange::parse(&header, len).unwrap().unwrap();
            let got = read_all(blobs.open_range(&info.sha256, Some(range)).await.unwrap()).await;
            let mut expect = vec![0u8; (last - first + 1) as usize];
            PatternReader::new(len, len).fill_at(first, &mut expect);
            prop_assert_eq!(got, expect);
            Ok(())
        })?;
    }
}
