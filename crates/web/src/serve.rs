//! `liuhen serve`: open the store, load rules, calendar and keys, and serve the API until
//! Ctrl-C / SIGTERM, finishing in-flight requests (graceful shutdown).
//!
//! The pieces are public so the CLI's `demo` can open the same state, seed it, then serve it:
//! [`open`] → [`Opened`] → [`serve_with`].
//!
//! # Configuration file (TOML, every key optional)
//! ```toml
//! data_dir = "./liuhen-data"          # SQLite file, rules/*.toml overrides, keys/
//! listen = "127.0.0.1:8080"
//! database_url = "postgres://liuhen@db/liuhen"   # PostgreSQL instead of SQLite
//! origin = "zfj.xuecheng.gov.cn/liuhen"          # checkpoint origin = signing key name
//! hash_profile = "sm3"                # or "sha256"; fixed when the log is created
//! signer_key_file = "keys/checkpoint.key"        # relative to data_dir; created if missing
//! blobs_dir = "blobs"                 # evidence files, relative to data_dir (issue 6)
//! search_dir = "search"               # portal search index, relative to data_dir (issue 8)
//!
//! [http]
//! secure_cookies = true               # false only for plain-HTTP loopback (the demo)
//! trust_forwarded_for = false         # true only behind a reverse proxy that sets it
//! body_limit_bytes = 1048576
//! evidence_limit_bytes = 17179869184  # largest evidence file (16 GiB); upload routes only
//! request_timeout_secs = 30
//! session_ttl_hours = 8
//! idle_timeout_minutes = 30           # workbench: sign out after this long without a request
//! auth_cache_ttl_ms = 2000            # reuse a resolved sign-in this long; 0 = never (multi-node: how
//!                                     # long another node's sign-out or role change may lag)
//! login_max_failures = 5
//! login_window_minutes = 15
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use liuhen_calendar::Calendar;
use liuhen_core::ports::{Store, SystemClock};
use liuhen_core::rules::RuleBook;
use liuhen_core::service::Services;
use liuhen_ledger::checkpoint::Checkpoint;
use liuhen_ledger::hash::HashProfile;
use liuhen_ledger::signer::{
    InProcessSigner, Signer, Sm2Signer, key_file_contents, key_from_file_contents, parse_signer_key,
};
use liuhen_store::blobs::LocalBlobs;
use liuhen_store::sql_store::{PostgresConfig, SqlStore, SqliteConfig};
use serde::Deserialize;

use crate::error::WebError;
use crate::state::{AppState, LogKeys, WebConfig};

/// Default listening address: loopback only. Exposing the API on a network is a deliberate
/// configuration change (`listen = "0.0.0.0:8080"` behind TLS).
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default checkpoint origin (and signing key name).
pub const DEFAULT_ORIGIN: &str = liuhen_store::sql_store::DEFAULT_ORIGIN;
/// Signing key file inside the data folder, unless configured.
pub const DEFAULT_SIGNER_KEY_FILE: &str = "keys/checkpoint.key";
/// Evidence blob folder inside the data folder, unless configured.
pub const DEFAULT_BLOBS_DIR: &str = "blobs";
/// Portal search index folder inside the data folder, unless configured.
pub const DEFAULT_SEARCH_DIR: &str = "search";

/// Everything `serve` needs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The data folder: `liuhen.db` (SQLite), `rules/*.toml` (body overrides), `keys/`.
    pub data_dir: PathBuf,
    /// Where to listen.
    pub listen: SocketAddr,
    /// PostgreSQL URL; `None` uses SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Checkpoint origin and signing key name.
    pub origin: String,
    /// Hash profile of the log (fixed when the log is created).
    pub profile: HashProfile,
    /// Checkpoint signing key file (`PRIVATE+KEY+…`); created with a fresh SM2 key if missing.
    pub signer_key_file: PathBuf,
    /// The evidence blob store's folder (`LocalBlobs`, issue 6), default `<data dir>/blobs`.
    pub blobs_dir: PathBuf,
    /// The portal's search index folder (issue 8); `None`: `<data dir>/search`, wherever the
    /// data folder ends up. The index is derived from the log: deleting the folder only costs a
    /// rebuild at the next start.
    pub search_dir: Option<PathBuf>,
    /// HTTP tunables.
    pub web: WebConfig,
}

impl ServeConfig {
    /// Defaults for a data folder: SQLite, loopback, SM3, SM2 key in `keys/checkpoint.key`.
    pub fn new(data_dir: impl Into<PathBuf>) -> ServeConfig {
        let data_dir = data_dir.into();
        ServeConfig {
            signer_key_file: data_dir.join(DEFAULT_SIGNER_KEY_FILE),
            blobs_dir: data_dir.join(DEFAULT_BLOBS_DIR),
            search_dir: None,
            data_dir,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            origin: DEFAULT_ORIGIN.to_owned(),
            profile: HashProfile::Sm3,
            web: WebConfig::default(),
        }
    }

    /// The portal's search index folder: `search_dir`, else `<data dir>/search`.
    pub fn search_dir(&self) -> PathBuf {
        self.search_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join(DEFAULT_SEARCH_DIR))
    }

    /// Reads a TOML configuration file (format in the module docs). Relative paths in it are
    /// relative to the file's folder; a missing `data_dir` means `fallback_data_dir`.
    pub fn from_toml_file(path: &Path, fallback_data_dir: &Path) -> Result<ServeConfig, WebError> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| WebError::Config(format!("{}: {err}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        ServeConfig::from_toml(&text, base, fallback_data_dir)
            .map_err(|err| WebError::Config(format!("{}: {err}", path.display())))
    }

    /// Parses configuration text; see [`ServeConfig::from_toml_file`].
    pub fn from_toml(
        text: &str,
        base: &Path,
        fallback_data_dir: &Path,
    ) -> Result<ServeConfig, String> {
        let file: ConfigFile = toml::from_str(text).map_err(|err| err.to_string())?;
        let data_dir = file
            .data_dir
            .map(|dir| base.join(dir))
            .unwrap_or_else(|| fallback_data_dir.to_owned());
        let mut config = ServeConfig::new(&data_dir);
        if let Some(listen) = file.listen {
            config.listen = listen
                .parse()
                .map_err(|_| format!("listen: not an address: {listen:?}"))?;
        }
        config.database_url = file.database_url;
        if let Some(origin) = file.origin {
            config.origin = origin;
        }
        if let Some(profile) = file.hash_profile {
            config.profile = profile
                .parse()
                .map_err(|_| format!("hash_profile: {profile:?} is not sm3 or sha256"))?;
        }
        if let Some(key) = file.signer_key_file {
            config.signer_key_file = data_dir.join(key);
        }
        if let Some(dir) = file.blobs_dir {
            config.blobs_dir = data_dir.join(dir);
        }
        if let Some(dir) = file.search_dir {
            config.search_dir = Some(data_dir.join(dir));
        }
        let http = file.http.unwrap_or_default();
        let web = &mut config.web;
        if let Some(value) = http.secure_cookies {
            web.secure_cookies = value;
        }
        if let Some(value) = http.trust_forwarded_for {
            web.trust_forwarded_for = value;
        }
        if let Some(value) = http.body_limit_bytes {
            web.body_limit = value;
        }
        if let Some(value) = http.evidence_limit_bytes {
            web.evidence_limit = value;
        }
        if let Some(value) = http.request_timeout_secs {
            web.request_timeout = std::time::Duration::from_secs(value.max(1));
        }
        if let Some(value) = http.session_ttl_hours {
            web.session_ttl = time::Duration::hours(i64::from(value.clamp(1, 24 * 7)));
        }
        if let Some(value) = http.idle_timeout_minutes {
            web.idle_timeout = time::Duration::minutes(i64::from(value.clamp(1, 24 * 60)));
        }
        // Seconds, for tests that let a session run idle; overrides the minutes.
        if let Some(value) = http.idle_timeout_seconds {
            web.idle_timeout = time::Duration::seconds(i64::from(value.clamp(5, 24 * 3600)));
        }
        if let Some(value) = http.auth_cache_ttl_ms {
            // At most a minute: the cache trades staleness across nodes for reads.
            web.auth_cache_ttl = std::time::Duration::from_millis(value.min(60_000));
        }
        if let Some(value) = http.login_max_failures {
            web.login_max_failures = value;
        }
        if let Some(value) = http.login_window_minutes {
            web.login_window = time::Duration::minutes(i64::from(value.max(1)));
        }
        Ok(config)
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    data_dir: Option<PathBuf>,
    listen: Option<String>,
    database_url: Option<String>,
    origin: Option<String>,
    hash_profile: Option<String>,
    signer_key_file: Option<PathBuf>,
    blobs_dir: Option<PathBuf>,
    search_dir: Option<PathBuf>,
    http: Option<HttpSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpSection {
    secure_cookies: Option<bool>,
    trust_forwarded_for: Option<bool>,
    body_limit_bytes: Option<usize>,
    evidence_limit_bytes: Option<u64>,
    request_timeout_secs: Option<u64>,
    session_ttl_hours: Option<u32>,
    idle_timeout_minutes: Option<u32>,
    idle_timeout_seconds: Option<u32>,
    auth_cache_ttl_ms: Option<u64>,
    login_max_failures: Option<u32>,
    login_window_minutes: Option<u32>,
}

/// An opened platform: the API state and the concrete store (to close it at the end).
pub struct Opened {
    /// The state to serve.
    pub state: AppState,
    /// The store behind it.
    pub store: Arc<SqlStore>,
}

/// Reads the signing key, or creates a fresh SM2 key (GB/T 32918; DESIGN.md "The verifiable
/// log") when the file does not exist. The file is written readable by the owner only.
pub fn load_or_create_signer(path: &Path, origin: &str) -> Result<InProcessSigner, WebError> {
    let key_error =
        |err: &dyn std::fmt::Display| WebError::Key(format!("{}: {err}", path.display()));
    match std::fs::read_to_string(path) {
        Ok(contents) => {
            let key = key_from_file_contents(&contents).map_err(|err| key_error(&err))?;
            let signer = parse_signer_key(key).map_err(|err| key_error(&err))?;
            if signer.name() != origin {
                return Err(WebError::Key(format!(
                    "{}: key name {:?} differs from the log origin {origin:?}",
                    path.display(),
                    signer.name()
                )));
            }
            Ok(signer)
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let signer =
                InProcessSigner::Sm2(Sm2Signer::generate(origin).map_err(|err| key_error(&err))?);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|err| key_error(&err))?;
            }
            write_private(path, &key_file_contents(&signer.signer_key()))
                .map_err(|err| key_error(&err))?;
            let public = path.with_extension("vkey");
            std::fs::write(&public, key_file_contents(&signer.verifier_key()))
                .map_err(|err| key_error(&err))?;
            tracing::info!(key = %path.display(), verifier_key = %signer.verifier_key(), "created a checkpoint signing key");
            Ok(signer)
        }
        Err(err) => Err(key_error(&err)),
    }
}

/// Writes a secret file with mode 0600 on Unix (created that way, never widened).
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// Reads the body rule-set overrides `<data dir>/rules/*.toml`, in name order.
fn read_overrides(data_dir: &Path) -> Result<Vec<(String, String)>, WebError> {
    let folder = data_dir.join("rules");
    let entries = match std::fs::read_dir(&folder) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(WebError::Rules(format!("{}: {err}", folder.display()))),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|err| WebError::Rules(format!("{}: {err}", folder.display())))?
            .path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            let text = std::fs::read_to_string(&path)
                .map_err(|err| WebError::Rules(format!("{}: {err}", path.display())))?;
            files.push((path.display().to_string(), text));
        }
    }
    files.sort();
    Ok(files)
}

/// Opens the store (SQLite in the data folder, or PostgreSQL), loads the rule book (district
/// set + overrides), the calendar and the signing key, and assembles the API state.
pub async fn open(config: &ServeConfig) -> Result<Opened, WebError> {
    Checkpoint::new(&config.origin, 0, [0; 32]).map_err(|_| {
        WebError::Config(format!(
            "origin {:?} is not a valid key name (C2SP note)",
            config.origin
        ))
    })?;
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|err| WebError::Config(format!("{}: {err}", config.data_dir.display())))?;
    let store = match &config.database_url {
        Some(url) => {
            let mut pg = PostgresConfig::new(url.clone());
            pg.profile = config.profile;
            pg.origin = Some(config.origin.clone());
            SqlStore::connect_postgres_with(&pg).await
        }
        None => {
            let mut sqlite = SqliteConfig::new(
                config
                    .data_dir
                    .join(liuhen_store::sql_store::SQLITE_FILE_NAME),
            );
            sqlite.profile = config.profile;
            sqlite.origin = Some(config.origin.clone());
            SqlStore::open_sqlite_with(&sqlite).await
        }
    }
    .map_err(|err| WebError::Store(err.to_string()))?;
    let store = Arc::new(store);

    let overrides = read_overrides(&config.data_dir)?;
    let (rules, diagnostics) =
        RuleBook::builtin(&overrides).map_err(|err| WebError::Rules(err.to_string()))?;
    for diagnostic in &diagnostics {
        tracing::warn!(%diagnostic, "rule set warning");
    }
    let calendar =
        Calendar::embedded().map_err(|err| WebError::Rules(format!("calendar: {err}")))?;
    let signer = load_or_create_signer(&config.signer_key_file, &config.origin)?;
    let verifier_key = signer.verifier_key();

    let dyn_store: Arc<dyn Store> = store.clone();
    let services = Services::new(
        dyn_store.clone(),
        Arc::new(SystemClock),
        Arc::new(rules),
        Arc::new(calendar),
        config.profile,
    );
    let keys = LogKeys {
        origin: config.origin.clone(),
        profile: config.profile,
        signers: vec![Box::new(signer) as Box<dyn Signer>],
        verifier_keys: vec![verifier_key],
    };
    // Evidence files (issue 6): content-addressed folder, cleaned of interrupted uploads on start.
    let blobs = LocalBlobs::open(&config.blobs_dir, config.web.evidence_limit)
        .map_err(|err| WebError::Config(format!("{}: {err}", config.blobs_dir.display())))?;
    // The portal's search index (issue 8; D11-b): reused across restarts, rebuilt from the
    // published items when missing or damaged, brought up to date in the background.
    let search_dir = config.search_dir();
    let state = AppState::new(Arc::new(services), dyn_store, keys, config.web.clone())
        .map_err(|err| WebError::Config(err.to_string()))?
        .with_blobs(Arc::new(blobs))
        .with_search_dir(&search_dir)
        .map_err(|err| WebError::Config(format!("{}: {err}", search_dir.display())))?;
    Ok(Opened { state, store })
}

/// Serves `state` on `listener` until `shutdown` completes, then finishes in-flight requests.
pub async fn serve_with(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), WebError> {
    let addr = listener
        .local_addr()
        .map(|addr| addr.to_string())
        .unwrap_or_default();
    let app = crate::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| WebError::Listen { addr, source })
}

/// Completes on Ctrl-C, or SIGTERM on Unix (what service managers send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// `liuhen serve`: [`open`], listen on `config.listen`, serve until a shutdown signal, close
/// the store.
pub async fn serve(config: ServeConfig) -> Result<(), WebError> {
    let opened = open(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| WebError::Listen {
            addr: config.listen.to_string(),
            source,
        })?;
    tracing::info!(addr = %config.listen, data_dir = %config.data_dir.display(), backend = opened.store.backend_name(), "liuhen serving");
    let result = serve_with(opened.state, listener, shutdown_signal()).await;
    opened.store.close().await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_overrides_defaults_and_rejects_unknown_keys() {
        let text = r#"
            data_dir = "d"
            listen = "0.0.0.0:9090"
            origin = "zfj.example/liuhen"
            hash_profile = "sha256"
            blobs_dir = "/srv/evidence"
            [http]
            secure_cookies = false
            session_ttl_hours = 4
            idle_timeout_minutes = 10
            evidence_limit_bytes = 1073741824
            auth_cache_ttl_ms = 0
        "#;
        let config =
            ServeConfig::from_toml(text, Path::new("/etc/liuhen"), Path::new("/unused")).unwrap();
        assert_eq!(config.data_dir, Path::new("/etc/liuhen/d"));
        assert_eq!(config.listen.to_string(), "0.0.0.0:9090");
        assert_eq!(config.profile, HashProfile::Sha256);
        assert_eq!(
            config.signer_key_file,
            Path::new("/etc/liuhen/d/keys/checkpoint.key")
        );
        assert!(!config.web.secure_cookies);
        assert_eq!(config.blobs_dir, Path::new("/srv/evidence"));
        assert_eq!(config.web.evidence_limit, 1 << 30);
        let defaults =
            ServeConfig::from_toml("", Path::new("/etc/liuhen"), Path::new("/d")).unwrap();
        assert_eq!(defaults.blobs_dir, Path::new("/d/blobs"));
        assert_eq!(defaults.search_dir(), Path::new("/d/search"));
        let moved =
            ServeConfig::from_toml("search_dir = \"idx\"", Path::new("/e"), Path::new("/d"))
                .unwrap();
        assert_eq!(moved.search_dir(), Path::new("/d/idx"));
        assert_eq!(config.web.session_ttl, time::Duration::hours(4));
        assert_eq!(config.web.idle_timeout, time::Duration::minutes(10));
        assert!(config.web.auth_cache_ttl.is_zero());
        assert_eq!(
            defaults.web.auth_cache_ttl,
            std::time::Duration::from_secs(2)
        );
        assert!(ServeConfig::from_toml("colour = 1", Path::new("."), Path::new(".")).is_err());
        assert!(
            ServeConfig::from_toml("listen = \"nowhere\"", Path::new("."), Path::new(".")).is_err()
        );
    }

    #[test]
    fn signing_key_is_created_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/checkpoint.key");
        let first = load_or_create_signer(&path, "test.example/log").unwrap();
        let second = load_or_create_signer(&path, "test.example/log").unwrap();
        assert_eq!(first.verifier_key(), second.verifier_key());
        assert!(path.with_extension("vkey").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(
            load_or_create_signer(&path, "other.example/log").is_err(),
            "key name must match the origin"
        );
    }
}
