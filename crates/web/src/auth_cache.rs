//! A short-lived, in-process cache of resolved sign-ins: token hash → (session, caller context).
//!
//! # Why
//! Every authenticated request resolves its token to a session row and the session's user to
//! grants and an officer identity (a user projection read). On the busiest path — officers
//! appending records, issue 5's "≥ 2,000 records/s over HTTP" — those two reads are half of the
//! request's reads and each costs a hand-off to the database worker. Caching the resolution for
//! a few seconds removes them from the steady state.
//!
//! # Staleness, bounded
//! - Sign-out in this process removes the entry at once ([`AuthCache::remove`]).
//! - A registry change in this process (role granted or revoked, user changed, rebuild) bumps
//!   `Services::registry_generation`; an entry from an older generation is a miss.
//! - Expiry is checked on every request against the session's own `expires_at`, cached or not.
//! - What another process changes (sign-out or role revocation on a second node of a
//!   PostgreSQL deployment) is seen here after at most [`crate::WebConfig::auth_cache_ttl`]
//!   (default 2 s; zero turns the cache off).
//!
//! The cache holds at most [`MAX_ENTRIES`] sign-ins; when full, it drops entries older than the
//! TTL and, if still full, everything (a cold miss is only two reads).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use liuhen_core::ports::{Digest32, Session};
use liuhen_core::service::Ctx;

/// Upper bound on cached sign-ins (a district has a few thousand users; each entry is small).
pub(crate) const MAX_ENTRIES: usize = 50_000;

struct Entry {
    session: Session,
    /// The context without the client address (that is per request).
    ctx: Ctx,
    generation: u64,
    loaded: Instant,
}

/// See the module documentation.
pub(crate) struct AuthCache {
    ttl: Duration,
    entries: Mutex<HashMap<Digest32, Entry>>,
}

impl AuthCache {
    /// A cache whose entries live for `ttl` (zero: nothing is ever cached).
    pub(crate) fn new(ttl: Duration) -> AuthCache {
        AuthCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<Digest32, Entry>> {
        // A panic while holding the lock cannot leave a half-written entry (inserts and removes
        // are single calls), so a poisoned map is still consistent.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached sign-in for `token_hash`, if it was loaded less than the TTL ago and in the
    /// same registry generation.
    pub(crate) fn get(
        &self,
        token_hash: &Digest32,
        generation: u64,
        now: Instant,
    ) -> Option<(Session, Ctx)> {
        if self.ttl.is_zero() {
            return None;
        }
        let mut entries = self.entries();
        let fresh = entries.get(token_hash).map(|entry| {
            entry.generation == generation && now.saturating_duration_since(entry.loaded) < self.ttl
        })?;
        if !fresh {
            entries.remove(token_hash);
            return None;
        }
        entries
            .get(token_hash)
            .map(|entry| (entry.session.clone(), entry.ctx.clone()))
    }

    /// Remembers a sign-in resolved from the store at registry generation `generation`.
    pub(crate) fn put(&self, session: Session, mut ctx: Ctx, generation: u64, now: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        ctx.client_ip = None;
        let mut entries = self.entries();
        if entries.len() >= MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, entry| now.saturating_duration_since(entry.loaded) < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            session.token_hash,
            Entry {
                session,
                ctx,
                generation,
                loaded: now,
            },
        );
    }

    /// Forgets a sign-in (sign-out, or a session found expired).
    pub(crate) fn remove(&self, token_hash: &Digest32) {
        self.entries().remove(token_hash);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liuhen_core::ids::UserId;
    use time::macros::datetime;

    fn session(byte: u8) -> Session {
        Session {
            token_hash: [byte; 32],
            user: UserId::new("u1").unwrap(),
            created_at: datetime!(2026-11-28 08:00 UTC),
            expires_at: datetime!(2026-11-28 16:00 UTC),
            csrf_token: "csrf".to_owned(),
        }
    }

    fn ctx() -> Ctx {
        Ctx {
            user: UserId::new("u1").unwrap(),
            grants: Vec::new(),
            officer: None,
            client_ip: Some("10.0.0.1".to_owned()),
        }
    }

    #[test]
    fn hit_within_ttl_and_generation_drops_client_address() {
        let cache = AuthCache::new(Duration::from_secs(2));
        let t0 = Instant::now();
        cache.put(session(1), ctx(), 7, t0);
        let (found, ctx) = cache.get(&[1; 32], 7, t0 + Duration::from_secs(1)).unwrap();
        assert_eq!(found.user.as_str(), "u1");
        assert_eq!(ctx.client_ip, None);
        assert!(cache.get(&[2; 32], 7, t0).is_none());
    }

    #[test]
    fn expires_after_ttl() {
        let cache = AuthCache::new(Duration::from_secs(2));
        let t0 = Instant::now();
        cache.put(session(1), ctx(), 7, t0);
        assert!(
            cache
                .get(&[1; 32], 7, t0 + Duration::from_secs(2))
                .is_none()
        );
        assert_eq!(cache.len(), 0, "a stale entry is dropped when seen");
    }

    #[test]
    fn registry_change_invalidates() {
        let cache = AuthCache::new(Duration::from_secs(2));
        let t0 = Instant::now();
        cache.put(session(1), ctx(), 7, t0);
        assert!(cache.get(&[1; 32], 8, t0).is_none());
    }

    #[test]
    fn remove_and_zero_ttl() {
        let cache = AuthCache::new(Duration::from_secs(2));
        let t0 = Instant::now();
        cache.put(session(1), ctx(), 7, t0);
        cache.remove(&[1; 32]);
        assert!(cache.get(&[1; 32], 7, t0).is_none());
        let off = AuthCache::new(Duration::ZERO);
        off.put(session(1), ctx(), 7, t0);
        assert!(off.get(&[1; 32], 7, t0).is_none());
        assert_eq!(off.len(), 0);
    }

    #[test]
    fn bounded() {
        let cache = AuthCache::new(Duration::from_secs(2));
        let t0 = Instant::now();
        for n in 0..=MAX_ENTRIES {
            let mut s = session(0);
            s.token_hash[..8].copy_from_slice(&(n as u64).to_le_bytes());
            cache.put(s, ctx(), 1, t0);
        }
        assert!(cache.len() <= MAX_ENTRIES);
    }
}
