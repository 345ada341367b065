//! The application state handed to every handler with `.with_state` (STYLE.md "Handlers and
//! services": explicit state, trait objects).

use std::sync::Arc;

use liuhen_core::blobs::Blobs;
use liuhen_core::ports::Store;
use liuhen_core::service::Services;
use liuhen_ledger::hash::HashProfile;
use liuhen_ledger::signer::Signer;

use crate::auth_cache::AuthCache;
use crate::error::ApiError;
use crate::password::{LoginLimiter, PasswordParams, Passwords};

/// Tunables of the HTTP layer. [`WebConfig::default`] is what `liuhen serve` uses unless the
/// configuration file says otherwise.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Absolute lifetime of a session (default 8 hours: one working day). There is no sliding
    /// renewal: a stolen token is useful for at most this long.
    pub session_ttl: time::Duration,
    /// Workbench sessions end after this long without a request (default 30 minutes; 等保 2.0
    /// level 3 asks for an idle timeout). The user signs in again and resumes where they were.
    pub idle_timeout: time::Duration,
    /// Whether the session cookie carries `Secure`. True behind HTTPS (production); false only
    /// for the loopback demo on plain HTTP, where browsers would otherwise drop the cookie.
    pub secure_cookies: bool,
    /// Whether to take the client address from the last `X-Forwarded-For` entry. Only when a
    /// trusted reverse proxy sets it; otherwise any client could forge its audit address.
    pub trust_forwarded_for: bool,
    /// Largest accepted request body in bytes (default 1 MiB: JSON records, no media).
    pub body_limit: usize,
    /// Largest evidence file in bytes (default 16 GiB, `liuhen_core::blobs::DEFAULT_BLOB_LIMIT`):
    /// the body limit of the upload routes, which the JSON `body_limit` does not cap, and the
    /// per-upload limit given to the blob store (issue 6 item 1).
    pub evidence_limit: u64,
    /// Longest time a request may take before it is answered with 503 (default 30 s).
    pub request_timeout: std::time::Duration,
    /// Failed sign-ins per username before a lockout (default 5).
    pub login_max_failures: u32,
    /// Lockout window, counted from the first failure (default 15 minutes).
    pub login_window: time::Duration,
    /// Argon2id cost of new password hashes and of the dummy hash for unknown users.
    pub password_params: PasswordParams,
    /// How long a resolved sign-in (session and the user's grants) is reused without reading
    /// the store again (default 2 s; zero: never). Sign-out and registry changes in this process
    /// take effect at once; changes made by another node after at most this long
    /// ([`crate::auth_cache`]).
    pub auth_cache_ttl: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            session_ttl: time::Duration::hours(8),
            idle_timeout: time::Duration::minutes(30),
            secure_cookies: true,
            trust_forwarded_for: false,
            body_limit: 1024 * 1024,
            evidence_limit: liuhen_core::blobs::DEFAULT_BLOB_LIMIT,
            request_timeout: std::time::Duration::from_secs(30),
            login_max_failures: 5,
            login_window: time::Duration::minutes(15),
            password_params: PasswordParams::default(),
            auth_cache_ttl: std::time::Duration::from_secs(2),
        }
    }
}

/// What the log endpoints need: the log's name (checkpoint origin), its hash profile and the
/// keys that sign checkpoints.
pub struct LogKeys {
    /// Checkpoint origin (first line of the note), e.g. `liuhen.example/xc-log`.
    pub origin: String,
    /// The log's hash profile (SM3 by default).
    pub profile: HashProfile,
    /// Signers of checkpoints; at least one. Behind the `Signer` trait so an HSM can replace the
    /// in-process key (DESIGN.md "The verifiable log").
    pub signers: Vec<Box<dyn Signer>>,
    /// Published verifier keys (`name+keyid+base64`) matching `signers`.
    pub verifier_keys: Vec<String>,
}

impl std::fmt::Debug for LogKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogKeys")
            .field("origin", &self.origin)
            .field("profile", &self.profile)
            .field("signers", &self.signers.len())
            .field("verifier_keys", &self.verifier_keys)
            .finish()
    }
}

/// Shared state of the API. Cheap to clone (everything is behind `Arc`).
#[derive(Clone)]
pub struct AppState {
    /// The core's commands and queries; every handler calls exactly one of them.
    pub services: Arc<Services>,
    /// The store, for what is not a core command: sessions, passwords, audit reads, log proofs.
    pub store: Arc<dyn Store>,
    /// Checkpoint signing.
    pub log_keys: Arc<LogKeys>,
    /// HTTP tunables.
    pub config: Arc<WebConfig>,
    /// The evidence blob store, also attached to `services` ([`AppState::with_blobs`]); kept here
    /// for what is not a core command: the size behind a `Range` header and the media of a case
    /// file export. `None`: the evidence routes answer 500 (no store configured).
    pub blobs: Option<Arc<dyn Blobs>>,
    /// The public portal's search index and rate limits (issue 8): in memory from
    /// [`AppState::new`], in a folder after `with_search_dir` (`liuhen serve`: `<data dir>/search`).
    pub portal: Arc<crate::portal::Portal>,
    pub(crate) passwords: Arc<Passwords>,
    pub(crate) login_limiter: Arc<LoginLimiter>,
    pub(crate) auth_cache: Arc<AuthCache>,
    /// The staff workbench's idle-session clock and saved drafts ([`crate::workbench`]).
    pub(crate) workbench: Arc<crate::workbench::WbShared>,
    /// The log's checkpoint, signed once per log state (API and portal pages).
    pub(crate) checkpoint: Arc<crate::signed_checkpoint::CheckpointCache>,
}

impl AppState {
    /// Assembles the state. Runs one Argon2 hash (the dummy for unknown users), so call it at
    /// start-up, not per request.
    pub fn new(
        services: Arc<Services>,
        store: Arc<dyn Store>,
        log_keys: LogKeys,
        config: WebConfig,
    ) -> Result<AppState, ApiError> {
        let passwords = Passwords::new(config.password_params)?;
        let login_limiter = LoginLimiter::new(config.login_max_failures, config.login_window);
        let auth_cache = AuthCache::new(config.auth_cache_ttl);
        Ok(AppState {
            services,
            store,
            log_keys: Arc::new(log_keys),
            config: Arc::new(config),
            blobs: None,
            portal: Arc::new(
                crate::portal::Portal::in_memory()
                    .map_err(|err| ApiError::Internal(err.to_string()))?,
            ),
            passwords: Arc::new(passwords),
            login_limiter: Arc::new(login_limiter),
            auth_cache: Arc::new(auth_cache),
            workbench: Arc::default(),
            checkpoint: Arc::default(),
        })
    }

    /// Attaches the evidence blob store to the state and to its services
    /// (`Services::with_blobs`), enabling the evidence routes (issue 6).
    pub fn with_blobs(mut self, blobs: Arc<dyn Blobs>) -> AppState {
        self.services = Arc::new(self.services.as_ref().clone().with_blobs(blobs.clone()));
        self.blobs = Some(blobs);
        self
    }
}
