//! Per-client rate limiting by query cost, like GitHub's points: each client has a bucket of
//! points that refills evenly over the window, and every request spends its cost from it.

use crate::configuration::RateLimitSettings;
use actix_web::HttpRequest;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Beyond this many tracked clients, full buckets are forgotten: they hold no information.
const MAX_TRACKED_CLIENTS: usize = 100_000;

pub struct RateLimiter {
    settings: RateLimitSettings,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    points: f64,
    refilled_at: Instant,
}

/// What a client has left, for the `RateLimit-*` response headers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    pub limit: u64,
    pub remaining: u64,
    /// Seconds until the bucket is full again.
    pub reset_secs: u64,
}

/// A request refused for lack of points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Exhausted {
    pub allowance: Allowance,
    /// Seconds until the bucket holds enough points for this request.
    pub retry_after_secs: u64,
}

impl RateLimiter {
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            settings,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.settings.points_per_window > 0
    }

    /// The client's address: the peer, or, when the peer is a trusted proxy, the nearest
    /// untrusted address in `X-Forwarded-For`, which a client cannot forge past the proxy.
    pub fn client(&self, request: &HttpRequest) -> Option<IpAddr> {
        let peer = request.peer_addr()?.ip();
        if !self.settings.trusted_proxies.contains(&peer) {
            return Some(peer);
        }
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|address| address.trim().parse::<IpAddr>().ok())
            .collect::<Vec<_>>();
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|address| !self.settings.trusted_proxies.contains(address))
                .unwrap_or(peer),
        )
    }

    /// Spends `cost` points (at least 1) of the client's bucket, or refuses.
    pub fn charge(&self, client: IpAddr, cost: u64) -> Result<Allowance, Exhausted> {
        let limit = self.settings.points_per_window;
        let capacity = limit as f64;
        let refill_per_sec = capacity / self.settings.window.as_secs_f64().max(1.0);
        let cost = cost.max(1) as f64;
        let now = Instant::now();
        let mut buckets = match self.buckets.lock() {
            Ok(buckets) => buckets,
            // A panic elsewhere while holding the lock leaves counts that are still usable.
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= MAX_TRACKED_CLIENTS && !buckets.contains_key(&client) {
            buckets.retain(|_, bucket| {
                bucket.points
                    + refill_per_sec * now.duration_since(bucket.refilled_at).as_secs_f64()
                    < capacity
            });
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            points: capacity,
            refilled_at: now,
        });
        let elapsed = now.duration_since(bucket.refilled_at).as_secs_f64();
        bucket.points = (bucket.points + elapsed * refill_per_sec).min(capacity);
        bucket.refilled_at = now;
        let allowance = |points: f64| Allowance {
            limit,
            remaining: points.max(0.0).floor() as u64,
            reset_secs: ((capacity - points) / refill_per_sec).max(0.0).ceil() as u64,
        };
        if bucket.points >= cost {
            bucket.points -= cost;
            Ok(allowance(bucket.points))
        } else {
            Err(Exhausted {
                allowance: allowance(bucket.points),
                retry_after_secs: ((cost - bucket.points) / refill_per_sec).ceil().max(1.0) as u64,
            })
        }
    }

    pub fn window(&self) -> Duration {
        self.settings.window
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(points: u64) -> RateLimiter {
        RateLimiter::new(RateLimitSettings {
            points_per_window: points,
            window: Duration::from_secs(3600),
            trusted_proxies: Vec::new(),
        })
    }

    #[test]
    fn a_client_spends_its_points_and_is_told_when_to_retry() {
        let limiter = limiter(100);
        let client: IpAddr = "203.0.113.7".parse().expect("an address");
        let first = limiter.charge(client, 60).expect("within budget");
        assert_eq!(first.remaining, 40);
        assert_eq!(first.limit, 100);
        let refused = limiter.charge(client, 60).expect_err("over budget");
        assert_eq!(refused.allowance.remaining, 40);
        // 20 points more at 100 points an hour is 12 minutes.
        assert!(
            (719..=721).contains(&refused.retry_after_secs),
            "{refused:?}"
        );
        let other: IpAddr = "198.51.100.1".parse().expect("an address");
        assert!(limiter.charge(other, 60).is_ok(), "buckets are per client");
    }

    #[test]
    fn every_request_costs_at_least_one_point() {
        let limiter = limiter(2);
        let client: IpAddr = "203.0.113.7".parse().expect("an address");
        assert!(limiter.charge(client, 0).is_ok());
        assert!(limiter.charge(client, 0).is_ok());
        assert!(limiter.charge(client, 0).is_err());
    }
}
