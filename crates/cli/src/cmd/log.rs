//! `liuhen log …` — work with a verifiable log folder (issue 2 §3).
//!
//! A log folder holds `log.db` (SQLite, see `liuhen_store::log`) and `keys/`: the signer keys
//! (`sm2.key`, `ed25519.key`, readable by the owner only) and their verifier keys (`*.vkey`).
//! Proof documents are JSON (docs/formats/proof.md); checkpoints are C2SP signed notes
//! (docs/formats/checkpoint.md).

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use liuhen_ledger::checkpoint::{Checkpoint, open_checkpoint, sign_checkpoint};
use liuhen_ledger::hash::{Hash, HashProfile};
use liuhen_ledger::note::Require;
use liuhen_ledger::proof::{ConsistencyProof, InclusionProof};
use liuhen_ledger::signer::{
    Ed25519Signer, Signer, Sm2Signer, Verifiers, key_file_contents, key_from_file_contents,
    parse_signer_key,
};
use liuhen_ledger::store::{Log as MemoryLog, MemoryTileStore};
use liuhen_ledger::verify::TreeHead;
use liuhen_store::log::{LogError, SqlLog};

/// File name of the log database inside a log folder.
const DB_FILE: &str = "log.db";
/// Signer key files inside `keys/`, in signing order.
const SIGNER_KEY_FILES: [&str; 2] = ["sm2.key", "ed25519.key"];
/// Verifier key files inside `keys/`.
const VERIFIER_KEY_FILES: [&str; 2] = ["sm2.vkey", "ed25519.vkey"];
/// Origin used when `init` is given none.
const DEFAULT_ORIGIN: &str = "liuhen.local/log";
/// Most leaves per durable transaction when appending stdin lines.
const STDIN_BATCH: usize = 256;

/// Subcommands of `liuhen log`.
#[derive(Debug, clap::Subcommand)]
pub enum LogCommand {
    /// Create a log folder with its database and signing keys (SM2 and Ed25519); print the
    /// verifier keys.
    Init {
        /// The log folder (created if missing; must not already hold a log).
        #[arg(long)]
        dir: PathBuf,
        /// Hash profile: sm3 (default) or sha256.
        #[arg(long, default_value = "sm3")]
        profile: String,
        /// Checkpoint origin (the log's name), e.g. `example.gov.cn/liuhen`.
        #[arg(long, default_value = DEFAULT_ORIGIN)]
        origin: String,
    },
    /// Append one leaf per FILE, or one leaf per stdin line without FILEs; print
    /// `index<TAB>leaf hash` for each leaf once it is durable.
    Append {
        /// The log folder.
        #[arg(long)]
        dir: PathBuf,
        /// Files whose contents become leaves, in order.
        files: Vec<PathBuf>,
    },
    /// Sign and print a checkpoint for the current tree size (also kept in the log).
    Checkpoint {
        /// The log folder.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Print the inclusion proof of leaf INDEX in the tree of SIZE leaves (default: current).
    Prove {
        /// The log folder.
        #[arg(long)]
        dir: PathBuf,
        /// Leaf index.
        #[arg(long)]
        index: u64,
        /// Tree size (default: the current size).
        #[arg(long)]
        size: Option<u64>,
    },
    /// Print the consistency proof between tree sizes OLD and NEW (default: current).
    Consistency {
        /// The log folder.
        #[arg(long)]
        dir: PathBuf,
        /// Older tree size.
        #[arg(long)]
        old: u64,
        /// Newer tree size (default: the current size).
        #[arg(long)]
        new: Option<u64>,
    },
    /// Offline: check an inclusion proof against a signed checkpoint and verifier keys.
    VerifyInclusion {
        /// Signed checkpoint file.
        #[arg(long)]
        checkpoint: PathBuf,
        /// Inclusion proof file (JSON).
        #[arg(long)]
        proof: PathBuf,
        /// File holding the leaf data.
        #[arg(
            long,
            conflicts_with = "leaf_hash",
            required_unless_present = "leaf_hash"
        )]
        leaf: Option<PathBuf>,
        /// Leaf hash (hex) instead of the leaf data.
        #[arg(long)]
        leaf_hash: Option<String>,
        /// Trusted verifier key (`name+keyid+base64`) or a file holding one; repeat for more.
        /// Every key given must have signed the checkpoint.
        #[arg(long = "key", required = true)]
        keys: Vec<String>,
    },
    /// Offline: check a consistency proof between two signed checkpoints.
    VerifyConsistency {
        /// Signed checkpoint of the older tree.
        #[arg(long)]
        old_checkpoint: PathBuf,
        /// Signed checkpoint of the newer tree.
        #[arg(long)]
        new_checkpoint: PathBuf,
        /// Consistency proof file (JSON).
        #[arg(long)]
        proof: PathBuf,
        /// Trusted verifier key or key file; repeat for more.
        #[arg(long = "key", required = true)]
        keys: Vec<String>,
    },
    /// Recompute the whole tree from the stored leaves, check every stored tile and the latest
    /// checkpoint's signatures and root; name the first damaged leaf or tile.
    Verify {
        /// The log folder.
        #[arg(long)]
        dir: PathBuf,
    },
    /// Measure appends, proofs and full verification; print one JSON object.
    Bench {
        /// Number of leaves to append.
        #[arg(long, default_value_t = 100_000)]
        entries: u64,
        /// Leaves per durable transaction.
        #[arg(long, default_value_t = 256)]
        batch: usize,
        /// Hash profile: sm3 or sha256.
        #[arg(long, default_value = "sm3")]
        profile: String,
        /// Folder for the benchmark log (default: a fresh folder under the temp dir, removed
        /// afterwards).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// Runs a `liuhen log` subcommand.
pub fn run(command: LogCommand) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(run_async(command))
}

async fn run_async(command: LogCommand) -> anyhow::Result<ExitCode> {
    match command {
        LogCommand::Init {
            dir,
            profile,
            origin,
        } => init(&dir, &profile, &origin).await,
        LogCommand::Append { dir, files } => append(&dir, &files).await,
        LogCommand::Checkpoint { dir } => checkpoint(&dir).await,
        LogCommand::Prove { dir, index, size } => {
            let log = open(&dir).await?;
            let proof = log.prove_inclusion(index, size).await?;
            println!("{}", proof.to_json());
            Ok(ExitCode::SUCCESS)
        }
        LogCommand::Consistency { dir, old, new } => {
            let log = open(&dir).await?;
            let proof = log.prove_consistency(old, new).await?;
            println!("{}", proof.to_json());
            Ok(ExitCode::SUCCESS)
        }
        LogCommand::VerifyInclusion {
            checkpoint,
            proof,
            leaf,
            leaf_hash,
            keys,
        } => verify_inclusion(
            &checkpoint,
            &proof,
            leaf.as_deref(),
            leaf_hash.as_deref(),
            &keys,
        ),
        LogCommand::VerifyConsistency {
            old_checkpoint,
            new_checkpoint,
            proof,
            keys,
        } => verify_consistency(&old_checkpoint, &new_checkpoint, &proof, &keys),
        LogCommand::Verify { dir } => verify_dir(&dir).await,
        LogCommand::Bench {
            entries,
            batch,
            profile,
            dir,
        } => bench(entries, batch, &profile, dir).await,
    }
}

/// Prints a verification failure in Chinese and English and returns exit code 1.
fn failed(reason: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("验证失败 verification FAILED: {reason}");
    Ok(ExitCode::FAILURE)
}

fn parse_profile(name: &str) -> anyhow::Result<HashProfile> {
    name.parse::<HashProfile>()
        .with_context(|| format!("哈希算法 hash profile {name:?}"))
}

async fn open(dir: &Path) -> anyhow::Result<SqlLog> {
    let db = dir.join(DB_FILE);
    if !db.is_file() {
        bail!(
            "{} 不是日志目录 is not a log folder (run `liuhen log init` first)",
            dir.display()
        );
    }
    Ok(SqlLog::open_sqlite(&db).await?)
}

/// Writes a file readable by the owner only (signer keys).
fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

async fn init(dir: &Path, profile: &str, origin: &str) -> anyhow::Result<ExitCode> {
    let profile = parse_profile(profile)?;
    // Validate the origin before creating anything: it is the checkpoint's first line and the
    // key name of both signers.
    Checkpoint::new(origin, 0, profile.empty_root().as_bytes().to_owned())
        .with_context(|| format!("日志名称 origin {origin:?}"))?;
    if dir.join(DB_FILE).exists() {
        bail!("{} 已有日志 already holds a log", dir.display());
    }
    let keys = dir.join("keys");
    fs::create_dir_all(&keys).with_context(|| format!("creating {}", keys.display()))?;
    let sm2 = Sm2Signer::generate(origin)?;
    let ed25519 = Ed25519Signer::generate(origin)?;
    let pairs = [
        (sm2.signer_key(), sm2.verifier_key()),
        (ed25519.signer_key(), ed25519.verifier_key()),
    ];
    for ((signer_key, verifier_key), (key_file, vkey_file)) in pairs
        .iter()
        .zip(SIGNER_KEY_FILES.iter().zip(VERIFIER_KEY_FILES))
    {
        write_private(&keys.join(key_file), &key_file_contents(signer_key))?;
        fs::write(keys.join(vkey_file), key_file_contents(verifier_key))?;
    }
    let log = SqlLog::open_sqlite(&dir.join(DB_FILE)).await?;
    log.init(profile, origin).await?;
    log.close().await;
    eprintln!(
        "已创建日志 created log {} ({profile}, origin {origin}); verifier keys:",
        dir.display()
    );
    for (_, verifier_key) in &pairs {
        println!("{verifier_key}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints `index<TAB>leaf hash` per leaf and flushes: called only after the batch committed,
/// so every printed line is durable (the crash test relies on this).
fn print_receipt(first_index: u64, leaf_hashes: &[Hash]) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for (index, leaf_hash) in (first_index..).zip(leaf_hashes) {
        writeln!(out, "{index}\t{leaf_hash}")?;
    }
    out.flush()?;
    Ok(())
}

async fn append(dir: &Path, files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let log = open(dir).await?;
    if !files.is_empty() {
        let mut leaves = Vec::with_capacity(files.len());
        for file in files {
            leaves.push(fs::read(file).with_context(|| format!("reading {}", file.display()))?);
        }
        let receipt = log.append_batch(&leaves).await?;
        print_receipt(receipt.first_index, &receipt.leaf_hashes)?;
        log.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    // Stdin: a reader thread feeds lines through a channel; each transaction takes what has
    // arrived (group commit, up to STDIN_BATCH lines) so a slow writer still gets every line
    // acknowledged promptly and a fast one gets batched durability.
    let (sender, receiver) = mpsc::sync_channel::<io::Result<Vec<u8>>>(4 * STDIN_BATCH);
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut lines = stdin.lock();
        loop {
            let mut line = Vec::new();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) => break,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                        if line.last() == Some(&b'\r') {
                            line.pop();
                        }
                    }
                    if sender.send(Ok(line)).is_err() {
                        break;
                    }
                }
                Err(err) => {
                    let _ = sender.send(Err(err));
                    break;
                }
            }
        }
    });
    let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
    loop {
        let receiver = receiver.clone();
        let batch = tokio::task::spawn_blocking(move || -> io::Result<Vec<Vec<u8>>> {
            let Ok(receiver) = receiver.lock() else {
                return Ok(Vec::new());
            };
            let Ok(first) = receiver.recv() else {
                return Ok(Vec::new());
            };
            let mut batch = vec![first?];
            while batch.len() < STDIN_BATCH {
                match receiver.try_recv() {
                    Ok(line) => batch.push(line?),
                    Err(_) => break,
                }
            }
            Ok(batch)
        })
        .await??;
        if batch.is_empty() {
            break;
        }
        let receipt = log.append_batch(&batch).await?;
        print_receipt(receipt.first_index, &receipt.leaf_hashes)?;
    }
    log.close().await;
    Ok(ExitCode::SUCCESS)
}

fn load_signers(dir: &Path) -> anyhow::Result<Vec<Box<dyn Signer>>> {
    let mut signers: Vec<Box<dyn Signer>> = Vec::new();
    for file in SIGNER_KEY_FILES {
        let path = dir.join("keys").join(file);
        let contents =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let key = key_from_file_contents(&contents)?;
        signers.push(Box::new(parse_signer_key(key)?));
    }
    Ok(signers)
}

fn load_own_verifiers(dir: &Path) -> anyhow::Result<Verifiers> {
    let mut keys = Vec::new();
    for file in VERIFIER_KEY_FILES {
        let path = dir.join("keys").join(file);
        let contents =
            fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        keys.push(key_from_file_contents(&contents)?.to_owned());
    }
    Ok(Verifiers::from_verifier_keys(keys)?)
}

async fn checkpoint(dir: &Path) -> anyhow::Result<ExitCode> {
    let log = open(dir).await?;
    let meta = log.meta().await?;
    let signers = load_signers(dir)?;
    let signer_refs: Vec<&dyn Signer> = signers.iter().map(|signer| signer.as_ref()).collect();
    let checkpoint = Checkpoint::new(&meta.origin, meta.size, *meta.root.as_bytes())?;
    let note = sign_checkpoint(&checkpoint, &signer_refs)?;
    log.put_checkpoint(meta.size, &note).await?;
    log.close().await;
    print!("{note}");
    Ok(ExitCode::SUCCESS)
}

/// Verifier keys from `--key` values: a key string, or a file holding one.
fn verifiers_from_args(keys: &[String]) -> anyhow::Result<Verifiers> {
    let mut strings = Vec::new();
    for key in keys {
        let path = Path::new(key);
        if path.is_file() {
            let contents = fs::read_to_string(path)?;
            strings.push(key_from_file_contents(&contents)?.to_owned());
        } else {
            strings.push(key.clone());
        }
    }
    Verifiers::from_verifier_keys(strings).context("验证密钥 verifier key")
}

/// Opens a signed checkpoint file; every given key must have signed it.
fn read_checkpoint(
    path: &Path,
    verifiers: &Verifiers,
) -> anyhow::Result<Result<Checkpoint, String>> {
    let text = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(open_checkpoint(text, verifiers, Require::AllKeys)
        .map_err(|err| format!("检查点 checkpoint {}: {err}", path.display())))
}

fn verify_inclusion(
    checkpoint_path: &Path,
    proof_path: &Path,
    leaf: Option<&Path>,
    leaf_hash: Option<&str>,
    keys: &[String],
) -> anyhow::Result<ExitCode> {
    let verifiers = verifiers_from_args(keys)?;
    let checkpoint = match read_checkpoint(checkpoint_path, &verifiers)? {
        Ok(checkpoint) => checkpoint,
        Err(reason) => return failed(reason),
    };
    let proof_bytes =
        fs::read(proof_path).with_context(|| format!("reading {}", proof_path.display()))?;
    let proof = match InclusionProof::from_json(&proof_bytes) {
        Ok(proof) => proof,
        Err(err) => return failed(format!("证明文件 proof file: {err}")),
    };
    let expected_leaf_hash = match (leaf, leaf_hash) {
        (Some(path), _) => proof
            .profile
            .leaf_hash(&fs::read(path).with_context(|| format!("reading {}", path.display()))?),
        (None, Some(hex)) => match Hash::from_hex(hex) {
            Ok(hash) => hash,
            Err(err) => return failed(format!("叶子哈希 leaf hash: {err}")),
        },
        (None, None) => bail!("需要 --leaf 或 --leaf-hash (need --leaf or --leaf-hash)"),
    };
    if proof.leaf_hash != expected_leaf_hash {
        return failed("叶子与证明不符 the leaf does not match the proof's leaf hash");
    }
    let head = TreeHead {
        size: checkpoint.size(),
        root: Hash::from_bytes(checkpoint.root()),
    };
    if let Err(err) = proof.verify(&head) {
        return failed(format!("包含证明 inclusion proof: {err}"));
    }
    println!(
        "验证通过 OK: leaf {} is in {} at tree size {}",
        proof.index,
        checkpoint.origin(),
        checkpoint.size()
    );
    Ok(ExitCode::SUCCESS)
}

fn verify_consistency(
    old_path: &Path,
    new_path: &Path,
    proof_path: &Path,
    keys: &[String],
) -> anyhow::Result<ExitCode> {
    let verifiers = verifiers_from_args(keys)?;
    let old = match read_checkpoint(old_path, &verifiers)? {
        Ok(checkpoint) => checkpoint,
        Err(reason) => return failed(reason),
    };
    let new = match read_checkpoint(new_path, &verifiers)? {
        Ok(checkpoint) => checkpoint,
        Err(reason) => return failed(reason),
    };
    if old.origin() != new.origin() {
        return failed(format!(
            "两个检查点属于不同日志 checkpoints of different logs: {} / {}",
            old.origin(),
            new.origin()
        ));
    }
    let proof_bytes =
        fs::read(proof_path).with_context(|| format!("reading {}", proof_path.display()))?;
    let proof = match ConsistencyProof::from_json(&proof_bytes) {
        Ok(proof) => proof,
        Err(err) => return failed(format!("证明文件 proof file: {err}")),
    };
    let old_head = TreeHead {
        size: old.size(),
        root: Hash::from_bytes(old.root()),
    };
    let new_head = TreeHead {
        size: new.size(),
        root: Hash::from_bytes(new.root()),
    };
    if let Err(err) = proof.verify(&old_head, &new_head) {
        return failed(format!("一致性证明 consistency proof: {err}"));
    }
    println!(
        "验证通过 OK: {} at size {} extends size {}",
        new.origin(),
        new.size(),
        old.size()
    );
    Ok(ExitCode::SUCCESS)
}

async fn verify_dir(dir: &Path) -> anyhow::Result<ExitCode> {
    let log = open(dir).await?;
    let started = Instant::now();
    let latest = log.latest_checkpoint().await?;
    let sizes: Vec<u64> = latest.iter().map(|(size, _)| *size).collect();
    let report = match log.verify(&sizes).await {
        Ok(report) => report,
        Err(LogError::Damaged(damage)) => {
            log.close().await;
            return failed(format!("日志已损坏 log damaged: {damage}"));
        }
        Err(err) => return Err(err.into()),
    };
    log.close().await;
    if let Some((size, note)) = latest {
        let verifiers = load_own_verifiers(dir)?;
        let checkpoint = match open_checkpoint(note.as_bytes(), &verifiers, Require::AllKeys) {
            Ok(checkpoint) => checkpoint,
            Err(err) => {
                return failed(format!("最新检查点 latest checkpoint (size {size}): {err}"));
            }
        };
        let recomputed = report
            .heads_at
            .iter()
            .find(|head| head.size == checkpoint.size());
        if checkpoint.size() != size
            || recomputed.map(|head| *head.root.as_bytes()) != Some(checkpoint.root())
        {
            return failed(format!(
                "最新检查点与重算的树不符 latest checkpoint (size {size}) does not match the recomputed tree"
            ));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "ok": true,
            "size": report.head.size,
            "root": report.head.root.to_hex(),
            "checkpoint_size": sizes.first(),
            "seconds": seconds,
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// A small deterministic generator for benchmark indexes (xorshift64*).
struct Xorshift(u64);

impl Xorshift {
    fn next_below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound.max(1)
    }
}

/// Median and 99th percentile in microseconds.
fn percentiles(samples: &mut [Duration]) -> serde_json::Value {
    samples.sort_unstable();
    let at = |q: f64| {
        let position = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(position).map_or(0.0, |d| d.as_secs_f64() * 1e6)
    };
    serde_json::json!({ "p50": at(0.5), "p99": at(0.99), "samples": samples.len() })
}

/// A 32-byte leaf, like the record hashes the case store appends.
fn bench_leaf(index: u64) -> Vec<u8> {
    let mut leaf = Vec::with_capacity(32);
    for word in [
        index,
        !index,
        index.rotate_left(17),
        index ^ 0x5a5a_5a5a_5a5a_5a5a,
    ] {
        leaf.extend_from_slice(&word.to_le_bytes());
    }
    leaf
}

async fn bench(
    entries: u64,
    batch: usize,
    profile: &str,
    dir: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let profile = parse_profile(profile)?;
    if entries == 0 || batch == 0 {
        bail!("--entries 和 --batch 须大于 0 (must be positive)");
    }
    let (dir, remove_after) = match dir {
        Some(dir) => (dir, false),
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            (
                std::env::temp_dir().join(format!("liuhen-bench-{}-{nanos}", std::process::id())),
                true,
            )
        }
    };
    fs::create_dir_all(&dir)?;
    let db = dir.join(DB_FILE);
    if db.exists() {
        bail!("{} 已存在 already exists", db.display());
    }
    let log = SqlLog::open_sqlite(&db).await?;
    log.init(profile, DEFAULT_ORIGIN).await?;

    // Durable batched appends.
    let started = Instant::now();
    let mut next = 0u64;
    while next < entries {
        let count = (batch as u64).min(entries - next);
        let leaves: Vec<Vec<u8>> = (next..next + count).map(bench_leaf).collect();
        log.append_batch(&leaves).await?;
        next += count;
    }
    let append_seconds = started.elapsed().as_secs_f64();

    // Single durable appends (one leaf, one transaction each).
    let mut single = Vec::new();
    for round in 0..200u64 {
        let leaf = bench_leaf(entries + round);
        let started = Instant::now();
        log.append_batch(&[leaf]).await?;
        single.push(started.elapsed());
    }
    let size = log.meta().await?.size;

    // Inclusion proofs at random indexes: first touch (tiles read from SQLite), then the same
    // indexes again (tiles in the SqlLog cache), then the ledger alone on an in-memory tile store
    // (hashing only) — the breakdown shows what limits the first number.
    let mut random = Xorshift(0x9e37_79b9_7f4a_7c15);
    let indexes: Vec<u64> = (0..2000).map(|_| random.next_below(entries)).collect();
    let mut inclusion = Vec::new();
    for index in &indexes {
        let started = Instant::now();
        log.prove_inclusion(*index, Some(entries)).await?;
        inclusion.push(started.elapsed());
    }
    let mut inclusion_warm = Vec::new();
    for index in &indexes {
        let started = Instant::now();
        log.prove_inclusion(*index, Some(entries)).await?;
        inclusion_warm.push(started.elapsed());
    }
    let mut memory_log = MemoryLog::new(profile, MemoryTileStore::new());
    let mut next = 0u64;
    while next < entries {
        let count = 65_536u64.min(entries - next);
        let leaves: Vec<Vec<u8>> = (next..next + count).map(bench_leaf).collect();
        memory_log.append(&leaves)?;
        next += count;
    }
    let mut inclusion_compute = Vec::new();
    for index in &indexes {
        let started = Instant::now();
        memory_log.prove_inclusion(*index, entries)?;
        inclusion_compute.push(started.elapsed());
    }
    drop(memory_log);
    let mut consistency = Vec::new();
    for _ in 0..2000 {
        let old = 1 + random.next_below(entries);
        let started = Instant::now();
        log.prove_consistency(old, Some(entries)).await?;
        consistency.push(started.elapsed());
    }

    let started = Instant::now();
    log.verify(&[]).await?;
    let verify_seconds = started.elapsed().as_secs_f64();
    log.close().await;
    if remove_after {
        fs::remove_dir_all(&dir)?;
    }
    println!(
        "{}",
        serde_json::json!({
            "profile": profile.name(),
            "entries": entries,
            "batch": batch,
            "backend": "sqlite (WAL, synchronous=FULL)",
            "durable_appends_per_s": entries as f64 / append_seconds,
            "append_seconds": append_seconds,
            "single_append_us": percentiles(&mut single),
            "inclusion_proof_us": percentiles(&mut inclusion),
            "inclusion_proof_cached_tiles_us": percentiles(&mut inclusion_warm),
            "inclusion_proof_hashing_only_us": percentiles(&mut inclusion_compute),
            "consistency_proof_us": percentiles(&mut consistency),
            "full_verify_leaves_per_s": size as f64 / verify_seconds,
            "full_verify_seconds": verify_seconds,
        })
    );
    Ok(ExitCode::SUCCESS)
}
