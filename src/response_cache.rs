//! Finished answers to repeated queries, kept in memory for a short while: a hit skips
//! parsing, validation, the database and serialisation, and still costs its rate-limit
//! points.
//!
//! Nothing in the API writes: the data changes only when `cityatlas seed` runs, which a
//! server does before it serves. The time to live is what bounds how stale an answer can be
//! when another process re-seeds the database under a running server; `Cache-Control`
//! tells HTTP caches the same age.

use crate::configuration::ResponseCacheSettings;
use actix_web::web::Bytes;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// What makes two requests the same: the document, the operation, the variables and the
/// response media type (which decides the body's status semantics).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CacheKey {
    query: String,
    operation_name: Option<String>,
    variables: String,
    media: &'static str,
}

impl CacheKey {
    pub fn new(request: &async_graphql::Request, media: &'static str) -> Option<Self> {
        Some(Self {
            query: request.query.clone(),
            operation_name: request.operation_name.clone(),
            variables: serde_json::to_string(&request.variables).ok()?,
            media,
        })
    }

    fn size(&self) -> usize {
        self.query.len()
            + self.operation_name.as_ref().map_or(0, String::len)
            + self.variables.len()
    }
}

/// A successful answer as it was sent: its body, its entity tag, and the points it cost.
#[derive(Clone, Debug)]
pub struct CachedResponse {
    pub body: Bytes,
    pub etag: String,
    pub cost: u64,
}

impl CachedResponse {
    pub fn new(body: Bytes, cost: u64) -> Self {
        let etag = entity_tag(&body);
        Self { body, etag, cost }
    }
}

/// An entity tag from the body's bytes, stable across restarts and replicas that serve the
/// same data, so `If-None-Match` works behind a load balancer too. Weak, because a gzipped
/// answer is the same representation in other bytes.
pub fn entity_tag(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    format!("W/\"{:016x}{:08x}\"", hasher.finish(), body.len())
}

struct Entry {
    response: CachedResponse,
    expires: Instant,
    size: usize,
}

#[derive(Default)]
struct Store {
    entries: HashMap<CacheKey, Entry>,
    bytes: usize,
}

pub struct ResponseCache {
    ttl: Duration,
    max_bytes: usize,
    store: Mutex<Store>,
}

impl ResponseCache {
    pub fn new(settings: &ResponseCacheSettings) -> Self {
        Self {
            ttl: settings.ttl,
            max_bytes: settings.max_bytes,
            store: Mutex::new(Store::default()),
        }
    }

    pub fn is_enabled(&self) -> bool {
        !self.ttl.is_zero() && self.max_bytes > 0
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A poisoned lock only means another request panicked mid-update of a plain map;
    /// the map itself is still whole.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, key: &CacheKey) -> Option<CachedResponse> {
        let mut store = self.store();
        let expired = match store.entries.get(key) {
            None => return None,
            Some(entry) if entry.expires > Instant::now() => {
                return Some(entry.response.clone());
            }
            Some(_) => true,
        };
        if expired && let Some(entry) = store.entries.remove(key) {
            store.bytes -= entry.size;
        }
        None
    }

    /// Keeps an answer unless it alone would take more than a sixteenth of the budget.
    /// When the budget is spent, expired answers go first, then everything: a simple rule
    /// that keeps memory bounded without bookkeeping on every hit.
    pub fn insert(&self, key: CacheKey, response: CachedResponse) {
        let size = key.size() + response.body.len();
        if !self.is_enabled() || size > self.max_bytes / 16 {
            return;
        }
        let now = Instant::now();
        let mut store = self.store();
        if store.bytes + size > self.max_bytes {
            store.entries.retain(|_, entry| entry.expires > now);
            store.bytes = store.entries.values().map(|entry| entry.size).sum();
        }
        if store.bytes + size > self.max_bytes {
            store.entries.clear();
            store.bytes = 0;
        }
        let entry = Entry {
            response,
            expires: now + self.ttl,
            size,
        };
        if let Some(previous) = store.entries.insert(key, entry) {
            store.bytes -= previous.size;
        }
        store.bytes += size;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(query: &str) -> CacheKey {
        CacheKey::new(&async_graphql::Request::new(query), "application/json").expect("a key")
    }

    fn cache(ttl: Duration, max_bytes: usize) -> ResponseCache {
        ResponseCache::new(&ResponseCacheSettings { ttl, max_bytes })
    }

    #[test]
    fn an_answer_is_served_until_it_expires() {
        let cache = cache(Duration::from_millis(50), 1 << 20);
        cache.insert(
            key("{ a }"),
            CachedResponse::new(Bytes::from_static(b"{}"), 3),
        );
        let hit = cache.get(&key("{ a }")).expect("a hit");
        assert_eq!(hit.cost, 3);
        assert_eq!(hit.etag, entity_tag(b"{}"));
        assert!(
            cache.get(&key("{ b }")).is_none(),
            "another document misses"
        );
        std::thread::sleep(Duration::from_millis(60));
        assert!(cache.get(&key("{ a }")).is_none(), "expired");
    }

    #[test]
    fn variables_and_media_type_are_part_of_the_key() {
        let with = |n: i64| {
            async_graphql::Request::new("query($n: Int) { a(n: $n) }").variables(
                async_graphql::Variables::from_json(serde_json::json!({ "n": n })),
            )
        };
        assert_ne!(
            CacheKey::new(&with(1), "application/json"),
            CacheKey::new(&with(2), "application/json")
        );
        assert_ne!(
            CacheKey::new(&with(1), "application/json"),
            CacheKey::new(&with(1), "application/graphql-response+json")
        );
    }

    #[test]
    fn memory_stays_within_its_budget() {
        let cache = cache(Duration::from_secs(60), 16 * 1024);
        let body = Bytes::from(vec![b'x'; 900]);
        for n in 0..100 {
            cache.insert(
                key(&format!("{{ a{n} }}")),
                CachedResponse::new(body.clone(), 1),
            );
            assert!(cache.store().bytes <= 16 * 1024);
        }
        let oversized = Bytes::from(vec![b'x'; 2000]);
        cache.insert(key("{ big }"), CachedResponse::new(oversized, 1));
        assert!(
            cache.get(&key("{ big }")).is_none(),
            "over a sixteenth of the budget"
        );
        assert!(
            cache.get(&key("{ a99 }")).is_some(),
            "the newest answer is kept"
        );
    }

    #[test]
    fn a_zero_time_to_live_turns_it_off() {
        let cache = cache(Duration::ZERO, 1 << 20);
        assert!(!cache.is_enabled());
        cache.insert(
            key("{ a }"),
            CachedResponse::new(Bytes::from_static(b"{}"), 1),
        );
        assert!(cache.get(&key("{ a }")).is_none());
    }
}
