//! The buckets every replica shares, in Redis: one script (`bucket.lua`) refills and spends
//! a bucket atomically, and this process's own buckets stand in while Redis does not answer.

use super::{Allowance, Buckets, ClientKey, Exhausted, Rate, Spend};
use crate::configuration::RedisSettings;
use crate::error::Error;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The longest a request waits for Redis before spending from this process's buckets. A
/// Redis beside the replicas answers in well under a millisecond, so this is only ever
/// reached by one that is down, hung or overloaded, and it stays small beside a request's
/// own deadline: a request pays it at most once a [`RETRY_INTERVAL`], not every time.
pub(super) const REDIS_TIMEOUT: Duration = Duration::from_millis(200);

/// How long the replica spends from its own buckets after Redis failed, before one request
/// asks Redis again.
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

pub(super) struct Shared {
    connection: ConnectionManager,
    script: redis::Script,
    key_prefix: String,
    /// A bucket left alone for a window is full, which a missing bucket is too.
    ttl_ms: u64,
    fallback: Buckets,
    health: Health,
}

impl Shared {
    /// Connects lazily, at the first spend: a replica must start while Redis is down.
    pub(super) fn new(settings: &RedisSettings, window: Duration) -> Result<Self, Error> {
        let invalid = |error: redis::RedisError| Error::Internal {
            detail: format!("the Redis URL {} is not usable: {error}", settings.url),
        };
        let client = redis::Client::open(settings.url.expose()).map_err(invalid)?;
        // Its own retries would hold a request past REDIS_TIMEOUT while Redis is down; the
        // fallback retries instead, once a RETRY_INTERVAL.
        let config = ConnectionManagerConfig::new()
            .set_number_of_retries(0)
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT));
        let connection =
            ConnectionManager::new_lazy_with_config(client, config).map_err(invalid)?;
        tracing::info!(redis = %settings.url, "rate-limit buckets are shared through Redis");
        Ok(Self {
            connection,
            script: redis::Script::new(include_str!("bucket.lua")),
            key_prefix: settings.key_prefix.clone(),
            ttl_ms: u64::try_from(window.max(Duration::from_secs(1)).as_millis())
                .unwrap_or(u64::MAX),
            fallback: Buckets::default(),
            health: Health::new(),
        })
    }

    /// Spends from the client's bucket in Redis, or, while Redis does not answer, from this
    /// process's.
    pub(super) async fn spend(
        &self,
        client: ClientKey,
        rate: Rate,
        spend: Spend,
    ) -> Result<Allowance, Exhausted> {
        if self.health.may_ask() {
            match tokio::time::timeout(REDIS_TIMEOUT, self.spend_in_redis(client, rate, spend))
                .await
            {
                Ok(Ok(outcome)) => {
                    self.health.answered();
                    return outcome;
                }
                Ok(Err(error)) => self.health.failed(&error),
                Err(_) => self.health.failed(&format!(
                    "no answer within {} ms",
                    REDIS_TIMEOUT.as_millis()
                )),
            }
        }
        self.fallback.spend(client, rate, spend)
    }

    /// Whether Redis answered the last time it was asked.
    pub(super) fn answers(&self) -> bool {
        self.health.retry_at.load(Ordering::Acquire) == 0
    }

    async fn spend_in_redis(
        &self,
        client: ClientKey,
        rate: Rate,
        spend: Spend,
    ) -> redis::RedisResult<Result<Allowance, Exhausted>> {
        let (name, asked) = match spend {
            Spend::Check => ("check", 1.0),
            Spend::Charge(asked) => ("charge", asked),
            Spend::Refusal => ("refusal", 1.0),
        };
        // A clone shares the one multiplexed connection.
        let mut connection = self.connection.clone();
        let (points, needed, now): (f64, f64, i64) = self
            .script
            .key(format!("{}{client}", self.key_prefix))
            .arg(rate.limit)
            .arg(rate.per_sec)
            .arg(name)
            .arg(asked)
            .arg(self.ttl_ms)
            .invoke_async(&mut connection)
            .await?;
        let spent = if needed > 0.0 { Err(needed) } else { Ok(()) };
        let now = chrono::DateTime::from_timestamp(now, 0).unwrap_or_else(chrono::Utc::now);
        Ok(rate.outcome(points, spent, now))
    }
}

/// Whether Redis answers, so that only the changes are logged, and, while it does not, when
/// it is asked again.
struct Health {
    started: Instant,
    /// Milliseconds since `started` until which Redis is not asked; 0 while it answers.
    retry_at: AtomicU64,
}

impl Health {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            retry_at: AtomicU64::new(0),
        }
    }

    /// Never 0, which means "answers".
    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    }

    /// Whether this request asks Redis: always while it answers; after a failure, only the
    /// first request once the retry interval is over, the others spending locally meanwhile.
    fn may_ask(&self) -> bool {
        let retry_at = self.retry_at.load(Ordering::Acquire);
        if retry_at == 0 {
            return true;
        }
        let now = self.now_ms();
        now >= retry_at
            && self
                .retry_at
                .compare_exchange(
                    retry_at,
                    now + interval_ms(),
                    Ordering::AcqRel,
                    Ordering::Acquire,
                )
                .is_ok()
    }

    fn answered(&self) {
        if self.retry_at.swap(0, Ordering::AcqRel) != 0 {
            tracing::info!("Redis answers again: the rate-limit buckets are shared again");
        }
    }

    fn failed(&self, error: &dyn std::fmt::Display) {
        let retry_at = self.now_ms() + interval_ms();
        if self.retry_at.swap(retry_at, Ordering::AcqRel) == 0 {
            tracing::warn!(
                error = %error,
                "Redis does not answer: each replica limits clients by its own buckets until \
                 it does"
            );
        }
    }
}

fn interval_ms() -> u64 {
    u64::try_from(RETRY_INTERVAL.as_millis()).unwrap_or(u64::MAX)
}
