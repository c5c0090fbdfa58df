//! The rate limit shared through Redis (`--redis-url`): replicas spend one budget per client;
//! while Redis is unreachable each serves on buckets of its own, still limiting; once Redis
//! answers again the budget is shared again; a URL it cannot use stops the server at start.
//! Against a real Redis: `TEST_REDIS_URL` (default `redis://127.0.0.1:6379`), skipped when
//! unreachable unless `REQUIRE_REDIS=1`, and a `redis-server` of the test's own where Redis
//! has to go away and come back.

use crate::clusters::{RedisServer, free_port, ping, redis_required};
use crate::helpers::{Backend, ServerProcess, TestApp, backends, spawn_app_with};
use cityatlas::configuration::{RedisSettings, RedisUrl};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Costs 2 + 20 × 1 = 22 points, as in the in-process rate limit's tests.
const QUERY: &str = "{ countries { nodes { code } } }";
const COST: u64 = 22;

/// The machine's Redis, or `None` (said on stderr) when it does not answer a PING.
async fn machine_redis() -> Option<String> {
    let url =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    match ping(&url).await {
        Ok(()) => Some(url),
        Err(error) => {
            assert!(
                !redis_required(),
                "REQUIRE_REDIS=1 but Redis at {url} is unreachable: {error}"
            );
            eprintln!("skipping: Redis at {url} is unreachable: {error}");
            None
        }
    }
}

/// A key prefix no other test, nor an earlier run, has used.
fn unique_prefix() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_nanos())
        .unwrap_or(0);
    format!(
        "cityatlas:test:{}:{}:{nanos}:",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A replica: the application with a budget of 100 points an hour (no whole point refills
/// while a test runs), its buckets in Redis at `url` under `prefix`, where they expire
/// within the hour.
async fn replica(backend: Backend, url: &str, prefix: &str) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.rate_limit.points_per_window = 100;
        settings.rate_limit.window = Duration::from_secs(3600);
        settings.rate_limit.redis = Some(RedisSettings {
            url: RedisUrl::new(url),
            key_prefix: prefix.to_owned(),
        });
    })
    .await
}

/// What the client is told: the status, `RateLimit-Remaining`, and the body.
struct Seen {
    status: u16,
    remaining: Option<u64>,
    body: Value,
}

async fn query(address: &str) -> Seen {
    // Only a guard, far above the 200 ms a replica waits for Redis: a request held by a
    // hung Redis fails the test instead of hanging it.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client");
    let response = client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    let remaining = response
        .headers()
        .get("ratelimit-remaining")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok());
    let body = response.json().await.expect("a JSON body");
    Seen {
        status,
        remaining,
        body,
    }
}

/// A query that is served; what remains.
async fn served(address: &str) -> u64 {
    let seen = query(address).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(
        seen.body["extensions"]["cost"]["remaining"].as_u64(),
        seen.remaining,
        "the header and extensions.cost agree"
    );
    seen.remaining.expect("a RateLimit-Remaining header")
}

#[tokio::test]
async fn two_replicas_spend_one_budget_through_redis() {
    let Some(url) = machine_redis().await else {
        return;
    };
    for backend in backends().await {
        let prefix = unique_prefix();
        let (a, b) = (
            replica(backend, &url, &prefix).await,
            replica(backend, &url, &prefix).await,
        );
        // Each spends what the other left: alone, each would have 78 after its first.
        assert_eq!(served(&a.address).await, 78, "{backend:?}");
        assert_eq!(served(&b.address).await, 56, "{backend:?}");
        assert_eq!(served(&a.address).await, 34, "{backend:?}");
        assert_eq!(served(&b.address).await, 12, "{backend:?}");
        for (replica, remaining) in [(&a, 11), (&b, 10)] {
            let refused = query(&replica.address).await;
            assert_eq!(refused.status, 429, "{backend:?}: {}", refused.body);
            assert_eq!(
                refused.body["errors"][0]["extensions"]["code"],
                "RATE_LIMITED"
            );
            // Each refusal takes its point, from the one bucket.
            assert_eq!(refused.remaining, Some(remaining), "{backend:?}");
        }
        // Another prefix is another deployment: budgets of its own.
        let other = replica(backend, &url, &unique_prefix()).await;
        assert_eq!(served(&other.address).await, 78, "{backend:?}");
    }
}

/// The whole binary, for its log; on SQLite only, since the limiter never touches the
/// database.
#[tokio::test]
async fn without_redis_each_replica_still_limits_on_its_own_and_warns_once() {
    let url = format!("redis://:s3cr3t-pw@127.0.0.1:{}", free_port());
    let server = ServerProcess::start(
        "shared_rate_limit_down",
        &[
            "--redis-url",
            &url,
            "--rate-limit-points",
            "50",
            "--rate-limit-window-secs",
            "2592000",
        ],
    );
    let address = format!("http://{}", server.address);
    assert_eq!(served(&address).await, 28);
    assert_eq!(served(&address).await, 6);
    let refused = query(&address).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert_eq!(
        refused.body["errors"][0]["extensions"]["code"],
        "RATE_LIMITED"
    );
    let ready = reqwest::get(format!("{address}/readyz"))
        .await
        .expect("sent");
    assert_eq!(
        ready.status(),
        200,
        "the fallback serves, so the replica is ready"
    );
    let warnings = logged(&server, "Redis does not answer", 1).await;
    let log = server.log();
    assert_eq!(warnings, 1, "one warning, not one per request: {log:#?}");
    assert!(
        log.iter()
            .any(|line| line.contains("shared through Redis") && line.contains(":***@127.0.0.1")),
        "the Redis in use is logged, redacted: {log:#?}"
    );
    assert!(
        log.iter().all(|line| !line.contains("s3cr3t-pw")),
        "the password leaked: {log:#?}"
    );
}

/// How many lines of the server's log hold `text`, once at least `expected` do or 5 s have
/// passed: the log is read on a thread of its own.
async fn logged(server: &ServerProcess, text: &str, expected: usize) -> usize {
    let count = || {
        server
            .log()
            .iter()
            .filter(|line| line.contains(text))
            .count()
    };
    for _ in 0..100 {
        if count() >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    count()
}

/// Two replicas of the whole binary, for their logs; on SQLite only, since the limiter never
/// touches the database (the first test runs on both).
#[tokio::test]
async fn replicas_limit_on_their_own_while_redis_is_gone_and_share_again_when_it_is_back() {
    let port = free_port();
    let Some(redis) = RedisServer::start(port).await else {
        return;
    };
    let (url, prefix) = (format!("redis://127.0.0.1:{port}"), unique_prefix());
    // Enough for the polling below; a month's window refills no whole point meanwhile, and
    // the buckets go with this Redis.
    let args = [
        "--redis-url",
        &url,
        "--redis-key-prefix",
        &prefix,
        "--rate-limit-points",
        "10000",
        "--rate-limit-window-secs",
        "2592000",
    ];
    let servers = [
        ServerProcess::start("shared_rate_limit_a", &args),
        ServerProcess::start("shared_rate_limit_b", &args),
    ];
    let [a, b] = servers
        .each_ref()
        .map(|server| format!("http://{}", server.address));
    assert_eq!(served(&a).await, 10_000 - COST);
    assert_eq!(served(&b).await, 10_000 - 2 * COST, "shared");

    drop(redis);
    // Served all the same, each replica spending from buckets of its own: what one spends,
    // the other does not see.
    let before = served(&a).await;
    served(&b).await;
    served(&b).await;
    assert_eq!(served(&a).await, before - COST, "A's own bucket");

    let redis = RedisServer::start(port).await.expect("it started before");
    // Redis is asked again once a second; until it answers, the replicas keep serving alone.
    // Shared again, B sees A's spend between two of its own.
    let mut shared = false;
    for _ in 0..100 {
        let first = served(&b).await;
        served(&a).await;
        if served(&b).await + 2 * COST == first {
            shared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(shared, "the replicas never shared the budget again");
    let a_left = served(&a).await;
    assert_eq!(served(&b).await, a_left - COST, "one budget again");
    for server in &servers {
        // One line when Redis went, one when it came back: not one per request.
        assert_eq!(logged(server, "Redis does not answer", 1).await, 1);
        assert_eq!(logged(server, "Redis answers again", 1).await, 1);
    }

    // A hung Redis, its connections open but never answering, holds no request: each
    // replica serves on its own buckets again.
    redis.signal("STOP");
    for _ in 0..3 {
        served(&a).await;
        served(&b).await;
    }
    for server in &servers {
        assert_eq!(logged(server, "Redis does not answer", 2).await, 2);
    }
    redis.signal("CONT");
}

#[test]
fn a_redis_url_the_server_cannot_use_stops_it_at_start_without_its_password() {
    let database =
        std::env::temp_dir().join(format!("cityatlas_redis_url_{}.db", std::process::id()));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .arg("serve")
        .args([
            "--database-url",
            &format!("sqlite://{}?mode=rwc", database.display()),
        ])
        .args(["--bind", "127.0.0.1:0", "--no-seed"])
        // TLS is not built in.
        .args(["--redis-url", "rediss://:s3cr3t-pw@127.0.0.1:6379"])
        .output()
        .expect("cityatlas runs");
    let _ = std::fs::remove_file(&database);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "it served: {stderr}");
    assert!(
        stderr.contains("the Redis URL rediss://:***@127.0.0.1:6379 is not usable"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("s3cr3t-pw"),
        "the password leaked: {stderr}"
    );
    assert!(
        !stderr.contains("serves GraphQL"),
        "it bound first: {stderr}"
    );
}
