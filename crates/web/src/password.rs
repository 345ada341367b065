//! Passwords (Argon2id, PHC strings) and the failed sign-in limiter.
//!
//! Passwords are stored only as Argon2id PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`)
//! through `Store::set_password_hash`; the parameters travel inside the string, so raising the
//! configured cost later does not invalidate old hashes. Argon2id with m = 19 MiB, t = 2, p = 1
//! is the OWASP Password Storage Cheat Sheet's first recommendation and argon2's default.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use time::{Duration, OffsetDateTime};

use crate::error::ApiError;

/// Longest password accepted (bytes). Argon2 accepts more, but hashing megabytes of "password"
/// on every attempt would be a cheap denial of service.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Argon2id cost parameters for new hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB (OWASP: 19,456).
    pub m_cost_kib: u32,
    /// Iterations (OWASP: 2).
    pub t_cost: u32,
    /// Parallelism (OWASP: 1).
    pub p_cost: u32,
}

impl Default for PasswordParams {
    fn default() -> PasswordParams {
        PasswordParams {
            m_cost_kib: Params::DEFAULT_M_COST,
            t_cost: Params::DEFAULT_T_COST,
            p_cost: Params::DEFAULT_P_COST,
        }
    }
}

impl PasswordParams {
    /// The cheapest parameters argon2 accepts. For tests and the benchmark only: a real
    /// deployment keeps the default.
    pub const INSECURE_FAST: PasswordParams = PasswordParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn hasher(self) -> Result<Argon2<'static>, ApiError> {
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, None)
            .map_err(|err| ApiError::Internal(format!("argon2 parameters: {err}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// Hashes `password` with a fresh random salt and returns the PHC string to store.
pub fn hash_password(password: &str, params: PasswordParams) -> Result<String, ApiError> {
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError::Invalid {
            field: "password".to_owned(),
            reason: format!("must be 1–{MAX_PASSWORD_BYTES} bytes"),
        });
    }
    let hash = params
        .hasher()?
        .hash_password(password.as_bytes())
        .map_err(|err| ApiError::Internal(format!("argon2 hashing: {err}")))?;
    Ok(hash.to_string())
}

/// Checks `password` against a stored PHC string. A malformed stored string counts as a
/// mismatch (and is logged): a sign-in must never fail open.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let parsed = match PasswordHash::new(phc) {
        Ok(parsed) => parsed,
        Err(err) => {
            tracing::warn!(error = %err, "stored password hash is not a valid PHC string");
            return false;
        }
    };
    // The parameters come from the PHC string, not from this instance.
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Hashes and checks passwords, with a dummy hash so unknown usernames cost the same time as
/// known ones (no user enumeration by timing).
///
/// At most `permits` verifications run at once: each takes ~19 MiB and a core for tens of
/// milliseconds, so a burst of sign-in attempts must queue rather than exhaust memory with one
/// blocking thread per request (tokio allows 512).
#[derive(Debug)]
pub(crate) struct Passwords {
    dummy_phc: String,
    permits: tokio::sync::Semaphore,
}

impl Passwords {
    /// Prepares the dummy hash with the configured parameters (one Argon2 run at start-up).
    pub(crate) fn new(params: PasswordParams) -> Result<Passwords, ApiError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|err| ApiError::Internal(format!("getrandom: {err}")))?;
        let dummy_password = hex::encode(secret);
        let parallel = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Ok(Passwords {
            dummy_phc: hash_password(&dummy_password, params)?,
            permits: tokio::sync::Semaphore::new(parallel.clamp(1, 8)),
        })
    }

    /// Verifies on a blocking thread (Argon2 takes tens of milliseconds of CPU by design and
    /// must not stall the async workers). `stored` is `None` for an unknown username: the dummy
    /// hash is checked instead and the result forced to `false`.
    pub(crate) async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let known = stored.is_some();
        let phc = stored.unwrap_or(&self.dummy_phc).to_owned();
        let password = password.to_owned();
        // The semaphore is never closed, so acquiring fails only if it were; treat that as a
        // mismatch rather than verifying without a permit.
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let matches = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
            .await
            .unwrap_or(false);
        known && matches
    }
}

/// How many distinct usernames the limiter tracks at most. Bounded so that a flood of made-up
/// usernames cannot exhaust memory.
const MAX_TRACKED_USERNAMES: usize = 10_000;

/// Counts failed sign-ins per username, in memory.
///
/// After `max_failures` failures within `window` (counted from the first failure), further
/// attempts for that username are refused with 429 until the window ends, whatever the
/// password — the brute-force defence 等保2.0 asks for ("登录失败处理功能"). A success clears the
/// count. It is per process: several app nodes each keep their own count (which multiplies the
/// allowance by the number of nodes), and a restart forgets it; both are accepted for now, a
/// shared counter would live in the store.
///
/// When the table is full, expired entries are dropped first, then the entry with the fewest
/// failures, so usernames under attack (many failures) are the last to be forgotten.
#[derive(Debug)]
pub(crate) struct LoginLimiter {
    max_failures: u32,
    window: Duration,
    entries: Mutex<HashMap<String, Attempts>>,
}

#[derive(Debug, Clone, Copy)]
struct Attempts {
    failures: u32,
    first_failure: OffsetDateTime,
}

impl LoginLimiter {
    pub(crate) fn new(max_failures: u32, window: Duration) -> LoginLimiter {
        LoginLimiter {
            max_failures: max_failures.max(1),
            window,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Attempts>> {
        // A panic while holding this lock cannot leave the map inconsistent (each operation is a
        // single insert or remove), so a poisoned lock is safe to keep using.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Err(seconds to wait)` if `username` is locked out at `now`.
    pub(crate) fn check(&self, username: &str, now: OffsetDateTime) -> Result<(), u64> {
        let entries = self.lock();
        let Some(attempts) = entries.get(username) else {
            return Ok(());
        };
        let until = attempts.first_failure + self.window;
        if attempts.failures >= self.max_failures && now < until {
            let wait = (until - now).whole_seconds().max(1);
            return Err(u64::try_from(wait).unwrap_or(1));
        }
        Ok(())
    }

    /// Counts a failure for `username` at `now`.
    pub(crate) fn record_failure(&self, username: &str, now: OffsetDateTime) {
        let mut entries = self.lock();
        if !entries.contains_key(username) && entries.len() >= MAX_TRACKED_USERNAMES {
            let window = self.window;
            entries.retain(|_, attempts| now < attempts.first_failure + window);
            if entries.len() >= MAX_TRACKED_USERNAMES {
                let weakest = entries
                    .iter()
                    .min_by_key(|(_, attempts)| attempts.failures)
                    .map(|(name, _)| name.clone());
                if let Some(weakest) = weakest {
                    entries.remove(&weakest);
                }
            }
        }
        let attempts = entries.entry(username.to_owned()).or_insert(Attempts {
            failures: 0,
            first_failure: now,
        });
        if now >= attempts.first_failure + self.window {
            *attempts = Attempts {
                failures: 0,
                first_failure: now,
            };
        }
        attempts.failures = attempts.failures.saturating_add(1);
    }

    /// Clears the count after a successful sign-in.
    pub(crate) fn record_success(&self, username: &str) {
        self.lock().remove(username);
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_do_not() {
        let phc = hash_password("正确的密码", PasswordParams::INSECURE_FAST).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=64,t=1,p=1$"), "{phc}");
        assert!(verify_password("正确的密码", &phc));
        assert!(!verify_password("错误的密码", &phc));
        assert!(!verify_password("正确的密码", "not a phc string"));
    }

    #[test]
    fn empty_and_huge_passwords_are_invalid() {
        assert!(hash_password("", PasswordParams::INSECURE_FAST).is_err());
        let huge = "x".repeat(MAX_PASSWORD_BYTES + 1);
        assert!(hash_password(&huge, PasswordParams::INSECURE_FAST).is_err());
    }

    #[test]
    fn limiter_locks_after_max_failures_and_unlocks_after_the_window() {
        let limiter = LoginLimiter::new(3, Duration::minutes(15));
        let start = datetime!(2024-10-08 09:00 +8);
        for minute in 0..3 {
            assert_eq!(
                limiter.check("zhang", start + Duration::minutes(minute)),
                Ok(())
            );
            limiter.record_failure("zhang", start + Duration::minutes(minute));
        }
        assert_eq!(
            limiter.check("zhang", start + Duration::minutes(5)),
            Err(600)
        );
        assert_eq!(
            limiter.check("li", start + Duration::minutes(5)),
            Ok(()),
            "other users are unaffected"
        );
        assert_eq!(
            limiter.check("zhang", start + Duration::minutes(15)),
            Ok(())
        );
    }

    #[test]
    fn limiter_success_clears_the_count() {
        let limiter = LoginLimiter::new(2, Duration::minutes(15));
        let now = datetime!(2024-10-08 09:00 +8);
        limiter.record_failure("zhang", now);
        limiter.record_success("zhang");
        limiter.record_failure("zhang", now);
        assert_eq!(limiter.check("zhang", now), Ok(()));
    }

    #[test]
    fn limiter_memory_is_bounded_and_keeps_attacked_usernames() {
        let limiter = LoginLimiter::new(3, Duration::minutes(15));
        let now = datetime!(2024-10-08 09:00 +8);
        for _ in 0..3 {
            limiter.record_failure("target", now);
        }
        for idx in 0..(MAX_TRACKED_USERNAMES + 50) {
            limiter.record_failure(&format!("spray{idx}"), now);
        }
        assert!(limiter.lock().len() <= MAX_TRACKED_USERNAMES);
        assert!(limiter.check("target", now).is_err());
    }
}
