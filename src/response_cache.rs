//! Finished answers to repeated queries, kept in memory for a short while: a hit skips
//! parsing, validation, the database and serialisation, and still costs its rate-limit
//! points. It also owns the form of a GraphQL response body, since what it keeps must be
//! the part that is the same for every client: `extensions.cost` is added per request.
//!
//! A write clears it: a mutation in this process at once, one through another replica or
//! `cityatlas import` when this replica hears of it (`coherence`, on PostgreSQL). The time to
//! live bounds what is left: a change to the database behind the API's back, with no audit
//! event, on SQLite; `Cache-Control` tells HTTP caches the same age.

use crate::configuration::ResponseCacheSettings;
use actix_web::web::Bytes;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
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
    /// `None` for a document that may read the client's own rate-limit bucket: its answer
    /// is not the same for the next client, nor for the same one a moment later. Matching
    /// the text is coarse, and errs only towards not caching.
    ///
    /// A document that may hold a mutation is never kept either: its answer reports a
    /// write, and answering a repeat from memory would skip the write.
    pub fn new(request: &async_graphql::Request, media: &'static str) -> Option<Self> {
        if request.query.contains("rateLimit") || request.query.contains("mutation") {
            return None;
        }
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

/// A GraphQL response body without the extensions that differ per request, serialized
/// here so that they can be added to the bytes without parsing them again.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    bytes: Bytes,
    /// The body ends with a non-empty `extensions` object of its own, `…}}`.
    ends_in_extensions: bool,
}

#[derive(Serialize)]
struct Wire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    // Last, so that `with_extension` knows where it ends.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<&'a str, &'a async_graphql::Value>,
}

impl Body {
    /// `data` is `None` for a request error, which has no `data` entry. Any extension named
    /// `reserved` is dropped: the server adds that one itself.
    pub fn serialize(
        data: Option<&async_graphql::Value>,
        errors: &[async_graphql::ServerError],
        extensions: &BTreeMap<String, async_graphql::Value>,
        reserved: &str,
    ) -> serde_json::Result<Self> {
        let own: BTreeMap<&str, &async_graphql::Value> = extensions
            .iter()
            .filter(|(name, _)| name.as_str() != reserved)
            .map(|(name, value)| (name.as_str(), value))
            .collect();
        let bytes = serde_json::to_vec(&Wire {
            data,
            errors,
            extensions: &own,
        })?;
        Ok(Self {
            bytes: Bytes::from(bytes),
            ends_in_extensions: !own.is_empty(),
        })
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The body with `extensions.<name>` set to `value`: spliced in before the closing
    /// braces, which is why the body must have been serialized by [`Body::serialize`].
    pub fn with_extension(&self, name: &str, value: &serde_json::Value) -> Bytes {
        let member = match serde_json::to_string(name) {
            Ok(name) => format!("{name}:{value}"),
            Err(_) => return self.bytes.clone(),
        };
        let (keep, insert) = if self.ends_in_extensions {
            (self.bytes.len().saturating_sub(2), format!(",{member}"))
        } else {
            let keep = self.bytes.len().saturating_sub(1);
            let comma = if self.bytes[..keep].ends_with(b"{") {
                ""
            } else {
                ","
            };
            (keep, format!("{comma}\"extensions\":{{{member}}}"))
        };
        let mut spliced = Vec::with_capacity(self.bytes.len() + insert.len());
        spliced.extend_from_slice(&self.bytes[..keep]);
        spliced.extend_from_slice(insert.as_bytes());
        spliced.extend_from_slice(&self.bytes[keep..]);
        Bytes::from(spliced)
    }
}

/// A successful answer as it is kept: its body, its entity tag, the points a request for
/// it is charged and its price (which differ for a dry run).
#[derive(Clone, Debug)]
pub struct CachedResponse {
    pub body: Body,
    pub etag: String,
    pub points: u64,
    pub price: u64,
}

impl CachedResponse {
    pub fn new(body: Body, media: &str, points: u64, price: u64) -> Self {
        let etag = entity_tag(media, body.bytes());
        Self {
            body,
            etag,
            points,
            price,
        }
    }
}

/// An entity tag from the media type and the body's bytes, stable across restarts and
/// replicas that serve the same data, so `If-None-Match` works behind a load balancer too.
/// The media type is part of it: the same bytes under another type are another
/// representation, with other status semantics. Weak, because a gzipped answer is the same
/// representation in other bytes.
pub fn entity_tag(media: &str, body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    media.hash(&mut hasher);
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
    /// Counts the writes the data has had: an answer read before a write is never kept
    /// after it.
    generation: u64,
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

    /// The memory the kept answers take, keys included.
    pub fn bytes(&self) -> usize {
        self.store().bytes
    }

    /// The data's generation now: read before a request executes, handed to `insert`.
    pub fn generation(&self) -> u64 {
        self.store().generation
    }

    /// Forgets every answer: the data changed. An answer still being computed from the old
    /// data carries the old generation, and `insert` refuses it.
    pub fn invalidate(&self) {
        let mut store = self.store();
        store.generation += 1;
        store.entries.clear();
        store.bytes = 0;
    }

    /// Keeps an answer unless it alone would take more than a sixteenth of the budget, or
    /// the data changed since `generation` was read.
    /// When the budget is spent, expired answers go first, then everything: a simple rule
    /// that keeps memory bounded without bookkeeping on every hit.
    pub fn insert(&self, key: CacheKey, response: CachedResponse, generation: u64) {
        let size = key.size() + response.body.len();
        if !self.is_enabled() || size > self.max_bytes / 16 {
            return;
        }
        let now = Instant::now();
        let mut store = self.store();
        if store.generation != generation {
            return;
        }
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

    fn answer(bytes: &[u8], price: u64) -> CachedResponse {
        let body = Body {
            bytes: Bytes::copy_from_slice(bytes),
            ends_in_extensions: false,
        };
        CachedResponse::new(body, "application/json", price, price)
    }

    fn cache(ttl: Duration, max_bytes: usize) -> ResponseCache {
        ResponseCache::new(&ResponseCacheSettings { ttl, max_bytes })
    }

    #[test]
    fn an_answer_is_served_until_it_expires() {
        let cache = cache(Duration::from_millis(50), 1 << 20);
        cache.insert(key("{ a }"), answer(b"{}", 3), 0);
        let hit = cache.get(&key("{ a }")).expect("a hit");
        assert_eq!(hit.points, 3);
        assert_eq!(hit.etag, entity_tag("application/json", b"{}"));
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
        let body = vec![b'x'; 900];
        for n in 0..100 {
            cache.insert(key(&format!("{{ a{n} }}")), answer(&body, 1), 0);
            assert!(cache.store().bytes <= 16 * 1024);
        }
        cache.insert(key("{ big }"), answer(&[b'x'; 2000], 1), 0);
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
        cache.insert(key("{ a }"), answer(b"{}", 1), 0);
        assert!(cache.get(&key("{ a }")).is_none());
    }

    #[test]
    fn an_answer_read_before_a_write_is_not_kept_after_it() {
        let cache = cache(Duration::from_secs(60), 1 << 20);
        cache.insert(key("{ a }"), answer(b"{}", 1), cache.generation());
        assert!(cache.get(&key("{ a }")).is_some());
        let before_the_write = cache.generation();
        cache.invalidate();
        assert!(cache.get(&key("{ a }")).is_none(), "the write forgets it");
        cache.insert(key("{ a }"), answer(b"{}", 1), before_the_write);
        assert!(
            cache.get(&key("{ a }")).is_none(),
            "a stale answer is refused"
        );
        cache.insert(key("{ a }"), answer(b"{}", 1), cache.generation());
        assert!(cache.get(&key("{ a }")).is_some());
    }

    #[test]
    fn a_mutation_is_never_a_key() {
        let request = async_graphql::Request::new("mutation { retractObservation }");
        assert_eq!(CacheKey::new(&request, "application/json"), None);
    }

    #[test]
    fn a_document_that_reads_the_bucket_is_never_a_key() {
        let request = async_graphql::Request::new("{ rateLimit { remaining } }");
        assert_eq!(CacheKey::new(&request, "application/json"), None);
    }

    #[test]
    fn the_tag_depends_on_the_media_type() {
        assert_ne!(
            entity_tag("application/json", b"{}"),
            entity_tag("application/graphql-response+json", b"{}")
        );
    }

    #[test]
    fn an_extension_is_spliced_into_any_body_as_valid_json() {
        let data =
            async_graphql::Value::from_json(serde_json::json!({ "a": [1, "}"] })).expect("a value");
        let error = async_graphql::ServerError::new("no", None);
        let own = BTreeMap::from([
            ("tracing".to_owned(), async_graphql::Value::from(1)),
            ("cost".to_owned(), async_graphql::Value::from("forged")),
        ]);
        let cost = serde_json::json!({ "requestedQueryCost": 3 });
        for (data, errors, extensions) in [
            (Some(&data), vec![], BTreeMap::new()),
            (Some(&data), vec![error.clone()], own.clone()),
            (None, vec![error], BTreeMap::new()),
            (None, vec![], own),
            (None, vec![], BTreeMap::new()),
        ] {
            let had_tracing = extensions.contains_key("tracing");
            let body = Body::serialize(data, &errors, &extensions, "cost").expect("serializes");
            let plain: serde_json::Value = serde_json::from_slice(body.bytes()).expect("JSON");
            assert!(plain["extensions"].get("cost").is_none(), "{plain}");
            let spliced = body.with_extension("cost", &cost);
            let parsed: serde_json::Value = serde_json::from_slice(&spliced)
                .unwrap_or_else(|error| panic!("{error}: {}", String::from_utf8_lossy(&spliced)));
            assert_eq!(parsed["extensions"]["cost"], cost, "{parsed}");
            assert_eq!(parsed["data"], plain["data"]);
            assert_eq!(parsed["errors"], plain["errors"]);
            assert_eq!(parsed["extensions"].get("tracing").is_some(), had_tracing);
        }
    }
}
