//! Per-client rate limiting by query cost, like GitHub's points: each client has a bucket of
//! points that refills evenly over the window, and every request spends its cost from it.
//! A client is a [`ClientKey`], resolved from plain addresses, so none of this knows HTTP.
//!
//! The buckets live in this process, or, given a Redis (`--redis-url`), in Redis, where every
//! replica spends from the same ones (`shared`): one atomic script per spend, on Redis's
//! clock. While Redis is unreachable, or slower to answer than 200 ms
//! (`shared::REDIS_TIMEOUT`), each replica spends from buckets of its own instead, so a
//! client's budget is at worst one per replica, never unlimited, and no request waits on a
//! hung Redis for longer; Redis is asked again once a second, and shares the buckets again as
//! soon as it answers. One `WARN` says it fell back, one `INFO` that it is back.

mod shared;

use crate::configuration::RateLimitSettings;
use crate::error::Error;
use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Beyond this many tracked clients, full buckets are forgotten: they hold no information.
const MAX_TRACKED_CLIENTS: usize = 100_000;

/// Whose bucket a request spends from: a token, an IPv4 address, or the network an IPv6
/// address is in, since one host is usually given a whole prefix and could otherwise rotate
/// through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An authenticated client, by its token's id: wherever it calls from, one bucket.
    Token(i32),
    V4(Ipv4Addr),
    /// The address with every bit past the prefix cleared, and the prefix length.
    V6 {
        network: Ipv6Addr,
        prefix: u8,
    },
}

impl ClientKey {
    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack socket reports for
    /// IPv4 peers) is its IPv4 address, so one client has one bucket whichever way it came.
    pub fn new(address: IpAddr, ipv6_prefix: u8) -> Self {
        match address.to_canonical() {
            IpAddr::V4(v4) => ClientKey::V4(v4),
            IpAddr::V6(v6) => {
                let prefix = ipv6_prefix.min(128);
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                ClientKey::V6 {
                    network: Ipv6Addr::from(u128::from(v6) & mask),
                    prefix,
                }
            }
        }
    }
}

/// The bucket's name in Redis, after the key prefix: `t:42`, `v4:203.0.113.7`,
/// `v6:2001:db8:1:2::/64`. Stable, since replicas of different versions share the buckets.
impl fmt::Display for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientKey::Token(id) => write!(f, "t:{id}"),
            ClientKey::V4(address) => write!(f, "v4:{address}"),
            ClientKey::V6 { network, prefix } => write!(f, "v6:{network}/{prefix}"),
        }
    }
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the nearest
/// untrusted address in `X-Forwarded-For` (each header value a comma-separated list, the
/// proxy's own addition last), which a client cannot forge past the proxy. Entries that
/// are not addresses are skipped.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted_proxies: &[IpAddr],
) -> IpAddr {
    let trusted = |address: &IpAddr| {
        let address = address.to_canonical();
        trusted_proxies
            .iter()
            .any(|proxy| proxy.to_canonical() == address)
    };
    if !trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = forwarded_for
        .into_iter()
        .flat_map(|value| value.split(','))
        .filter_map(|address| address.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|address| !trusted(address))
        .unwrap_or(peer)
}

pub struct RateLimiter {
    settings: RateLimitSettings,
    store: Store,
}

/// Where the buckets are kept.
enum Store {
    Local(Buckets),
    /// In Redis, with this process's own buckets for while Redis does not answer.
    Redis(shared::Shared),
}

/// What a request asks of its client's bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Spend {
    /// Whether it holds the 1 point every request costs; takes nothing.
    Check,
    /// Take this many points, or refuse and take 1.
    Charge(f64),
    /// Take 1 point, or what is left if less.
    Refusal,
}

impl Spend {
    /// Takes what is asked from a bucket holding `points`; `Err(points needed)` refuses.
    /// `bucket.lua` does the same in Redis.
    fn apply(self, points: &mut f64) -> Result<(), f64> {
        match self {
            Spend::Check if *points >= 1.0 => Ok(()),
            Spend::Check => Err(1.0),
            Spend::Charge(asked) if *points >= asked => {
                *points -= asked;
                Ok(())
            }
            Spend::Charge(asked) => {
                *points = (*points - 1.0).max(0.0);
                Err(asked)
            }
            Spend::Refusal => {
                *points = (*points - 1.0).max(0.0);
                Ok(())
            }
        }
    }
}

/// A client's bucket: how many points it holds when full, and how fast it refills.
#[derive(Debug, Clone, Copy)]
struct Rate {
    limit: u64,
    per_sec: f64,
}

impl Rate {
    fn capacity(self) -> f64 {
        self.limit as f64
    }

    /// What the client is told of a bucket left holding `points` after a spend, `now` being
    /// the clock the bucket refills by.
    fn outcome(
        self,
        points: f64,
        spent: Result<(), f64>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Allowance, Exhausted> {
        let reset_secs = ((self.capacity() - points) / self.per_sec).max(0.0).ceil() as u64;
        let allowance = Allowance {
            limit: self.limit,
            remaining: points.max(0.0).floor() as u64,
            reset_secs,
            reset_at: i64::try_from(reset_secs)
                .ok()
                .and_then(chrono::TimeDelta::try_seconds)
                .and_then(|wait| now.checked_add_signed(wait))
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
        };
        spent.map(|()| allowance).map_err(|needed| Exhausted {
            allowance,
            retry_after_secs: ((needed - points) / self.per_sec).ceil().max(1.0) as u64,
        })
    }
}

/// Buckets kept in this process.
#[derive(Default)]
struct Buckets(Mutex<HashMap<ClientKey, Bucket>>);

struct Bucket {
    points: f64,
    refilled_at: Instant,
}

impl Buckets {
    /// Refills the client's bucket for the time since it was last seen, then spends from it.
    fn spend(&self, client: ClientKey, rate: Rate, spend: Spend) -> Result<Allowance, Exhausted> {
        let capacity = rate.capacity();
        let now = Instant::now();
        let mut buckets = self.lock();
        if buckets.len() >= MAX_TRACKED_CLIENTS && !buckets.contains_key(&client) {
            buckets.retain(|_, bucket| {
                bucket.points + rate.per_sec * now.duration_since(bucket.refilled_at).as_secs_f64()
                    < capacity
            });
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            points: capacity,
            refilled_at: now,
        });
        let elapsed = now.duration_since(bucket.refilled_at).as_secs_f64();
        bucket.points = (bucket.points + elapsed * rate.per_sec).min(capacity);
        bucket.refilled_at = now;
        let spent = spend.apply(&mut bucket.points);
        rate.outcome(bucket.points, spent, chrono::Utc::now())
    }

    /// A poisoned lock only means another request panicked mid-update of a plain map; the
    /// counts in it are still usable.
    fn lock(&self) -> MutexGuard<'_, HashMap<ClientKey, Bucket>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What a client has left, for the `RateLimit-*` response headers and `extensions.cost`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    pub limit: u64,
    pub remaining: u64,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
    pub reset_at: chrono::DateTime<chrono::Utc>,
}

/// A request refused for lack of points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exhausted {
    pub allowance: Allowance,
    /// Seconds until the bucket holds enough points for this request.
    pub retry_after_secs: u64,
}

impl RateLimiter {
    /// Fails only on a Redis URL that cannot be one; Redis itself is reached at the first
    /// request, so a replica starts (on its own buckets) while Redis is down.
    pub fn new(settings: RateLimitSettings) -> Result<Self, Error> {
        let store = match &settings.redis {
            // With rate limiting off, nothing is ever spent: no need for Redis.
            Some(redis) if settings.points_per_window > 0 => {
                Store::Redis(shared::Shared::new(redis, settings.window)?)
            }
            _ => Store::Local(Buckets::default()),
        };
        Ok(Self { settings, store })
    }

    pub fn is_enabled(&self) -> bool {
        self.settings.points_per_window > 0
    }

    /// Whether the shared buckets' Redis answers; `None` when buckets are kept in process.
    pub fn redis_answers(&self) -> Option<bool> {
        match &self.store {
            Store::Local(_) => None,
            Store::Redis(shared) => Some(shared.answers()),
        }
    }

    pub fn window(&self) -> Duration {
        self.settings.window
    }

    /// The bucket a request spends from: its token's, or its address's; `None` when rate
    /// limiting is off or the peer is unknown.
    pub fn client_key<'a>(
        &self,
        token: Option<i32>,
        peer: Option<IpAddr>,
        forwarded_for: impl IntoIterator<Item = &'a str>,
    ) -> Option<ClientKey> {
        if !self.is_enabled() {
            return None;
        }
        if let Some(token) = token {
            return Some(ClientKey::Token(token));
        }
        let peer = peer?;
        let address = client_address(peer, forwarded_for, &self.settings.trusted_proxies);
        Some(ClientKey::new(address, self.settings.ipv6_prefix))
    }

    /// Refuses a client whose bucket cannot pay even the 1 point every request costs, and
    /// takes nothing: the check comes before the request is read, so that an empty bucket
    /// buys no work at all.
    pub async fn check(&self, client: ClientKey) -> Result<Allowance, Exhausted> {
        self.spend(client, Spend::Check).await
    }

    /// Spends `points` (at least 1) of the client's bucket. A request it cannot pay for is
    /// refused and, like every other refusal, still takes 1 point: it was read and priced.
    pub async fn charge(&self, client: ClientKey, points: u64) -> Result<Allowance, Exhausted> {
        self.spend(client, Spend::Charge(points.max(1) as f64))
            .await
    }

    /// Takes the 1 point a refused request costs, or what is left if less.
    pub async fn charge_refusal(&self, client: ClientKey) -> Allowance {
        match self.spend(client, Spend::Refusal).await {
            Ok(allowance) => allowance,
            Err(exhausted) => exhausted.allowance,
        }
    }

    async fn spend(&self, client: ClientKey, spend: Spend) -> Result<Allowance, Exhausted> {
        let limit = match client {
            ClientKey::Token(_) => self.settings.token_points_per_window,
            ClientKey::V4(_) | ClientKey::V6 { .. } => self.settings.points_per_window,
        };
        let rate = Rate {
            limit,
            per_sec: limit as f64 / self.settings.window.as_secs_f64().max(1.0),
        };
        match &self.store {
            Store::Local(buckets) => buckets.spend(client, rate, spend),
            Store::Redis(shared) => shared.spend(client, rate, spend).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(points: u64) -> RateLimiter {
        RateLimiter::new(RateLimitSettings {
            points_per_window: points,
            window: Duration::from_secs(3600),
            ..RateLimitSettings::default()
        })
        .expect("a local limiter")
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn key(text: &str) -> ClientKey {
        ClientKey::new(ip(text), 64)
    }

    #[tokio::test]
    async fn a_client_spends_its_points_and_is_told_when_to_retry() {
        let limiter = limiter(100);
        let client = key("203.0.113.7");
        let first = limiter.charge(client, 60).await.expect("within budget");
        assert_eq!(first.remaining, 40);
        assert_eq!(first.limit, 100);
        let refused = limiter.charge(client, 60).await.expect_err("over budget");
        // The refusal took its point: 39 left, 21 more needed at 100 points an hour.
        assert_eq!(refused.allowance.remaining, 39);
        assert!(
            (755..=757).contains(&refused.retry_after_secs),
            "{refused:?}"
        );
        assert!(
            limiter.charge(key("198.51.100.1"), 60).await.is_ok(),
            "buckets are per client"
        );
    }

    #[tokio::test]
    async fn every_request_costs_at_least_one_point() {
        let limiter = limiter(2);
        let client = key("203.0.113.7");
        assert!(limiter.charge(client, 0).await.is_ok());
        assert_eq!(limiter.charge_refusal(client).await.remaining, 0);
        assert!(limiter.charge(client, 0).await.is_err());
    }

    #[tokio::test]
    async fn the_check_refuses_only_an_empty_bucket_and_takes_nothing() {
        let limiter = limiter(3);
        let client = key("203.0.113.7");
        for _ in 0..5 {
            assert_eq!(limiter.check(client).await.map(|a| a.remaining), Ok(3));
        }
        assert!(limiter.charge(client, 3).await.is_ok());
        let refused = limiter.check(client).await.expect_err("empty");
        assert_eq!(refused.allowance.remaining, 0);
        // One point at 3 an hour: 20 minutes.
        assert!(
            (1199..=1201).contains(&refused.retry_after_secs),
            "{refused:?}"
        );
        assert_eq!(
            limiter.charge_refusal(client).await.remaining,
            0,
            "never below 0"
        );
    }

    #[test]
    fn ipv6_clients_share_a_bucket_per_prefix_and_ipv4_per_address() {
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff:1:2:3"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(
            key("2001:db8:1:2::1"),
            ClientKey::V6 {
                network: "2001:db8:1:2::".parse().expect("an address"),
                prefix: 64
            }
        );
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"));
        assert_eq!(key("::ffff:203.0.113.7"), key("203.0.113.7"));
        let wide = |text: &str| ClientKey::new(ip(text), 48);
        assert_eq!(wide("2001:db8:1:2::1"), wide("2001:db8:1:ffff::1"));
        let exact = |text: &str| ClientKey::new(ip(text), 128);
        assert_ne!(exact("2001:db8::1"), exact("2001:db8::2"));
        let everyone = |text: &str| ClientKey::new(ip(text), 0);
        assert_eq!(everyone("2001:db8::1"), everyone("fe80::1"));
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxies = [ip("10.0.0.1"), ip("10.0.0.2")];
        // Anyone else is counted by the address it connects from, whatever it claims.
        assert_eq!(
            client_address(ip("198.51.100.9"), ["203.0.113.1"], &proxies),
            ip("198.51.100.9")
        );
        // Behind two proxies, the nearest address neither of them is: the rest is the
        // client's own claim.
        assert_eq!(
            client_address(
                ip("10.0.0.1"),
                ["192.0.2.66, 203.0.113.5", "10.0.0.2"],
                &proxies
            ),
            ip("203.0.113.5")
        );
        assert_eq!(
            client_address(ip("10.0.0.1"), ["garbage, 2001:db8::7 "], &proxies),
            ip("2001:db8::7")
        );
        // A proxy that sent nothing usable is the client.
        assert_eq!(
            client_address(ip("10.0.0.1"), ["unknown"], &proxies),
            ip("10.0.0.1")
        );
        // A dual-stack listener reports IPv4 peers as mapped IPv6 addresses.
        assert_eq!(
            client_address(ip("::ffff:10.0.0.1"), ["203.0.113.5"], &proxies),
            ip("203.0.113.5")
        );
    }

    #[test]
    fn no_key_when_rate_limiting_is_off() {
        assert_eq!(
            limiter(0).client_key(None, Some(ip("203.0.113.7")), []),
            None
        );
        assert_eq!(
            limiter(0).client_key(Some(7), Some(ip("203.0.113.7")), []),
            None
        );
        assert_eq!(
            limiter(10).client_key(None, Some(ip("2001:db8:1:2::9")), []),
            Some(key("2001:db8:1:2::1"))
        );
    }

    #[tokio::test]
    async fn a_token_has_its_own_larger_bucket_wherever_it_calls_from() {
        let limiter = RateLimiter::new(RateLimitSettings {
            points_per_window: 100,
            token_points_per_window: 1_000,
            window: Duration::from_secs(3600),
            ..RateLimitSettings::default()
        })
        .expect("a local limiter");
        let token = limiter
            .client_key(Some(7), Some(ip("203.0.113.7")), [])
            .expect("a key");
        assert_eq!(token, ClientKey::Token(7));
        assert_eq!(
            limiter.charge(token, 500).await.expect("within").remaining,
            500
        );
        let address = key("203.0.113.7");
        assert_eq!(
            limiter.charge(address, 60).await.expect("within").limit,
            100
        );
        assert_eq!(
            limiter.charge(address, 10).await.expect("within").remaining,
            30
        );
    }

    #[test]
    fn each_client_names_its_bucket_stably() {
        assert_eq!(ClientKey::Token(42).to_string(), "t:42");
        assert_eq!(key("203.0.113.7").to_string(), "v4:203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7").to_string(), "v4:203.0.113.7");
        assert_eq!(
            key("2001:db8:1:2:aaaa::1").to_string(),
            "v6:2001:db8:1:2::/64"
        );
        assert_eq!(
            ClientKey::new(ip("2001:db8::1"), 128).to_string(),
            "v6:2001:db8::1/128"
        );
    }

    /// The machine's Redis (`TEST_REDIS_URL`), or `None` when it does not answer, unless
    /// `REQUIRE_REDIS=1`.
    async fn machine_redis() -> Option<String> {
        let url =
            std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
        let pinged = tokio::time::timeout(Duration::from_secs(2), async {
            let client = redis::Client::open(url.as_str())?;
            let mut connection = client.get_multiplexed_async_connection().await?;
            redis::cmd("PING")
                .query_async::<String>(&mut connection)
                .await
        })
        .await;
        if let Ok(Ok(_)) = pinged {
            return Some(url);
        }
        assert!(
            !std::env::var("REQUIRE_REDIS").is_ok_and(|value| value == "1"),
            "REQUIRE_REDIS=1 but Redis at {url} does not answer"
        );
        eprintln!("skipping: Redis at {url} does not answer");
        None
    }

    /// Two limiters on one Redis spend as one process's buckets do, step for step: the
    /// script's arithmetic is `Spend::apply`'s, and the bucket is one.
    #[tokio::test]
    async fn the_script_spends_as_the_process_does() {
        let Some(url) = machine_redis().await else {
            return;
        };
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or(0);
        let settings = RateLimitSettings {
            points_per_window: 100,
            token_points_per_window: 7,
            // 100 points an hour refill no whole point while the test runs; the buckets
            // expire from the machine's Redis within the hour.
            window: Duration::from_secs(3600),
            redis: Some(crate::configuration::RedisSettings {
                url: crate::configuration::RedisUrl::new(url),
                key_prefix: format!("cityatlas:unit:{}:{nanos}:", std::process::id()),
            }),
            ..RateLimitSettings::default()
        };
        let local = RateLimiter::new(RateLimitSettings {
            redis: None,
            ..settings.clone()
        })
        .expect("a local limiter");
        let shared = [
            RateLimiter::new(settings.clone()).expect("a shared limiter"),
            RateLimiter::new(settings).expect("a shared limiter"),
        ];
        let steps = [
            Spend::Charge(60.0),
            Spend::Charge(60.0),
            Spend::Check,
            Spend::Charge(1.0),
            Spend::Charge(38.0),
            Spend::Check,
            Spend::Refusal,
            Spend::Charge(1.0),
        ];
        let close = |a: u64, b: u64| a.abs_diff(b) <= 1;
        for client in [key("203.0.113.7"), ClientKey::Token(3)] {
            for (step, spend) in steps.iter().enumerate() {
                let expected = local.spend(client, *spend).await;
                let got = shared[step % 2].spend(client, *spend).await;
                let (expected_allowance, got_allowance) = match (expected, got) {
                    (Ok(expected), Ok(got)) => (expected, got),
                    (Err(expected), Err(got)) => {
                        assert!(
                            close(expected.retry_after_secs, got.retry_after_secs),
                            "{client} step {step}: {expected:?} {got:?}"
                        );
                        (expected.allowance, got.allowance)
                    }
                    (expected, got) => panic!("{client} step {step}: {expected:?} {got:?}"),
                };
                assert_eq!(expected_allowance.limit, got_allowance.limit);
                assert_eq!(
                    expected_allowance.remaining, got_allowance.remaining,
                    "{client} step {step}"
                );
                assert!(close(
                    expected_allowance.reset_secs,
                    got_allowance.reset_secs
                ));
            }
        }
    }
}
