//! Prometheus metrics: what the server counts and measures, and their text exposition.
//!
//! Each [`Application`](crate::startup::Application) owns one [`Metrics`] with a registry of
//! its own (`prometheus-client`), handed to whoever records through `web::Data` or a
//! builder. There is no global recorder: the `metrics` facade can install one only once
//! per process, so two applications in one process (as the tests run them) would add up
//! into the same counters, and a test could not tell its own requests from another's.
//! With the registry passed in, every application reports exactly its own traffic.
//!
//! Off (no `--metrics-bind`), a [`Metrics`] holds nothing, and every recording method is a
//! branch on `None`: no lock, no allocation, no clock read. On, a series is keyed by
//! bounded labels only (route patterns, never paths; operation names capped).
//!
//! A new metric is a field of [`Families`] and one `register` line in [`Families::new`].

use crate::replicas::{Health, ReadFrom, ReplicaStatus};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The recording side of the metrics, cheap to clone; off unless built with [`Metrics::on`].
#[derive(Clone)]
pub struct Metrics(Option<Arc<Families>>);

/// Where the rate limiter charged: `/graphql`, or a download under `/export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    Graphql,
    Export,
}

/// What a scrape reads from the services at that moment, rather than counting as it goes.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    pub pool: Option<PoolState>,
    pub response_cache_bytes: usize,
    pub document_cache_bytes: usize,
    /// What the watcher last saw of each read replica.
    pub replicas: Vec<ReplicaStatus>,
    /// Whether Redis answers the rate limiter; `None` without `--redis-url`.
    pub redis_answers: Option<bool>,
}

/// What a listener heard from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notification {
    /// A committed change.
    Change,
    /// The listening connection was made, at start or again after it dropped.
    Listening,
}

/// The database pool's connections at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    /// Open connections, busy or idle.
    pub open: u32,
    pub idle: usize,
    pub max: u32,
}

/// More distinct operation names than this are counted as `other`: a client choosing
/// fresh names per request must not grow the exposition without bound.
const MAX_OPERATION_NAMES: usize = 200;
/// The longest operation name counted as itself.
const MAX_OPERATION_NAME_LEN: usize = 64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SurfaceLabels {
    surface: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    cache: &'static str,
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheNameLabels {
    cache: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DatabaseLabels {
    database: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    kind: &'static str,
}

/// A read replica, as `host:port/database`: operators name a handful, so it is bounded.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplicaLabels {
    replica: String,
}

/// No labels: a series that exists only once it is first set.
type Unlabelled = Vec<(&'static str, &'static str)>;

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// Every metric, and the registry that exposes them under the `cityatlas_` prefix.
struct Families {
    registry: Registry,
    http_requests: Family<HttpLabels, Counter>,
    http_duration: HistogramFamily<RouteLabels>,
    graphql_operations: Family<OperationLabels, Counter>,
    /// The series `graphql_operations` has, for the cap.
    operation_series: AtomicUsize,
    points_spent: Family<SurfaceLabels, Counter>,
    points_refused: Family<SurfaceLabels, Counter>,
    rate_limited: Family<SurfaceLabels, Counter>,
    cache_lookups: Family<CacheLabels, Counter>,
    cache_bytes: Family<CacheNameLabels, Gauge>,
    pool_connections: Family<StateLabels, Gauge>,
    pool_max: Gauge,
    statement_duration: HistogramFamily<OutcomeLabels>,
    reads: Family<DatabaseLabels, Counter>,
    notifications: Family<KindLabels, Counter>,
    replica_up: Family<ReplicaLabels, Gauge>,
    replica_lag_seconds: Family<ReplicaLabels, Gauge<f64, std::sync::atomic::AtomicU64>>,
    replica_lag_bytes: Family<ReplicaLabels, Gauge>,
    redis_up: Family<Unlabelled, Gauge>,
}

/// From a millisecond to ten seconds, the request deadline's order.
fn request_buckets() -> Histogram {
    Histogram::new([
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

/// Statements are mostly far below a millisecond on SQLite.
fn statement_buckets() -> Histogram {
    Histogram::new([
        0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        1.0, 10.0,
    ])
}

impl Families {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("cityatlas");
        let families = Families {
            registry: Registry::default(),
            http_requests: Family::default(),
            http_duration: Family::new_with_constructor(request_buckets),
            graphql_operations: Family::default(),
            operation_series: AtomicUsize::new(0),
            points_spent: Family::default(),
            points_refused: Family::default(),
            rate_limited: Family::default(),
            cache_lookups: Family::default(),
            cache_bytes: Family::default(),
            pool_connections: Family::default(),
            pool_max: Gauge::default(),
            statement_duration: Family::new_with_constructor(statement_buckets),
            reads: Family::default(),
            notifications: Family::default(),
            replica_up: Family::default(),
            replica_lag_seconds: Family::default(),
            replica_lag_bytes: Family::default(),
            redis_up: Family::default(),
        };
        let r = &mut registry;
        r.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            families.http_requests.clone(),
        );
        r.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its response's head, by route pattern",
            Unit::Seconds,
            families.http_duration.clone(),
        );
        r.register(
            "graphql_operations",
            "GraphQL operations, by operation name (anonymous, or other past the cap) and \
             outcome (ok, or the first error's code)",
            families.graphql_operations.clone(),
        );
        r.register(
            "cost_points_spent",
            "Query-cost points taken from clients' rate-limit budgets",
            families.points_spent.clone(),
        );
        r.register(
            "cost_points_refused",
            "Query-cost points of requests refused because the budget could not pay them",
            families.points_refused.clone(),
        );
        r.register(
            "rate_limit_refusals",
            "Requests refused with 429 for an exhausted budget",
            families.rate_limited.clone(),
        );
        r.register(
            "cache_lookups",
            "Lookups in the response cache and the parsed-document cache, by result",
            families.cache_lookups.clone(),
        );
        r.register_with_unit(
            "cache",
            "Memory the response cache and the parsed-document cache hold (estimated)",
            Unit::Bytes,
            families.cache_bytes.clone(),
        );
        r.register(
            "db_pool_connections",
            "Database pool connections, in use or idle",
            families.pool_connections.clone(),
        );
        r.register(
            "db_pool_max_connections",
            "The most connections the database pool opens",
            families.pool_max.clone(),
        );
        r.register_with_unit(
            "db_statement_duration",
            "Time each SQL statement took, by outcome",
            Unit::Seconds,
            families.statement_duration.clone(),
        );
        r.register(
            "db_reads",
            "GraphQL operations by the database they read from: a read replica, or the \
             primary (mutations, and queries while no replica is usable)",
            families.reads.clone(),
        );
        r.register(
            "change_notifications",
            "What the change listener heard: committed changes (change), and its connection \
             made or made again (listening), after which the cache is checked against the \
             last committed change",
            families.notifications.clone(),
        );
        r.register(
            "db_replica_up",
            "Whether each read replica serves reads (1), or is passed over (0) for not \
             answering or lagging too far behind",
            families.replica_up.clone(),
        );
        r.register_with_unit(
            "db_replica_lag",
            "How long ago each read replica's oldest unreplayed commit was made; 0 when it \
             has replayed everything it received",
            Unit::Seconds,
            families.replica_lag_seconds.clone(),
        );
        r.register_with_unit(
            "db_replica_lag",
            "How much of the primary's write-ahead log each read replica has not replayed",
            Unit::Bytes,
            families.replica_lag_bytes.clone(),
        );
        r.register(
            "rate_limit_redis_up",
            "Whether Redis answers the rate limiter (1), or each replica limits clients by \
             its own buckets (0); only with --redis-url",
            families.redis_up.clone(),
        );
        Families {
            registry,
            ..families
        }
    }
}

impl Metrics {
    /// A registry of its own, recording from now on.
    pub fn on() -> Self {
        Self(Some(Arc::new(Families::new())))
    }

    /// Records nothing.
    pub fn off() -> Self {
        Self(None)
    }

    pub fn is_enabled(&self) -> bool {
        self.0.is_some()
    }

    /// One HTTP request answered: `route` is the matched pattern, `None` when none matched.
    pub fn http_request(&self, method: &str, route: Option<String>, status: u16, took: Duration) {
        let Some(families) = &self.0 else { return };
        let method = method_label(method);
        let route = route.unwrap_or_else(|| "unmatched".to_owned());
        families
            .http_duration
            .get_or_create(&RouteLabels {
                method,
                route: route.clone(),
            })
            .observe(took.as_secs_f64());
        families
            .http_requests
            .get_or_create(&HttpLabels {
                method,
                route,
                status,
            })
            .inc();
    }

    /// One GraphQL operation finished: `outcome` is `None` for success, else the code.
    pub fn graphql_operation(&self, operation: Option<&str>, outcome: Option<&str>) {
        let Some(families) = &self.0 else { return };
        let operation = match operation {
            None => "anonymous".to_owned(),
            Some(name) if !is_graphql_name(name) => "other".to_owned(),
            Some(name) => name.to_owned(),
        };
        let mut labels = OperationLabels {
            operation,
            outcome: outcome.map_or("ok", code_label).to_owned(),
        };
        let family = &families.graphql_operations;
        // Two requests creating one series at once may both count it: the cap is a bound,
        // not an exact number.
        let known = family.get(&labels).is_some();
        if !known
            && families.operation_series.fetch_add(1, Ordering::Relaxed) >= MAX_OPERATION_NAMES
        {
            families.operation_series.fetch_sub(1, Ordering::Relaxed);
            labels.operation = "other".to_owned();
        }
        family.get_or_create(&labels).inc();
    }

    /// A charge against a client's budget, passed through: its points are spent, or
    /// refused with a 429.
    pub fn charged<T, E>(
        &self,
        surface: Surface,
        points: u64,
        charge: Result<T, E>,
    ) -> Result<T, E> {
        if let Some(families) = &self.0 {
            let labels = surface.labels();
            match &charge {
                Ok(_) => families.points_spent.get_or_create(&labels).inc_by(points),
                Err(_) => {
                    families.rate_limited.get_or_create(&labels).inc();
                    families
                        .points_refused
                        .get_or_create(&labels)
                        .inc_by(points)
                }
            };
        }
        charge
    }

    /// Points taken without a charge that could fail: a refusal's one point.
    pub fn spent(&self, surface: Surface, points: u64) {
        if let Some(families) = &self.0 {
            families
                .points_spent
                .get_or_create(&surface.labels())
                .inc_by(points);
        }
    }

    /// The check before any work, passed through: an empty bucket is a 429 for no points.
    pub fn checked<T, E>(&self, surface: Surface, check: Result<T, E>) -> Result<T, E> {
        if let Some(families) = &self.0
            && check.is_err()
        {
            families.rate_limited.get_or_create(&surface.labels()).inc();
        }
        check
    }

    /// A response-cache lookup, passed through.
    pub fn response_cache<T>(&self, found: Option<T>) -> Option<T> {
        self.cache_lookup("response", found.is_some());
        found
    }

    /// A parsed-document cache lookup, passed through.
    pub fn document_cache<T>(&self, found: Option<T>) -> Option<T> {
        self.cache_lookup("document", found.is_some());
        found
    }

    fn cache_lookup(&self, cache: &'static str, hit: bool) {
        let Some(families) = &self.0 else { return };
        let result = if hit { "hit" } else { "miss" };
        families
            .cache_lookups
            .get_or_create(&CacheLabels { cache, result })
            .inc();
    }

    /// One SQL statement, from SeaORM's metric callback.
    pub fn statement(&self, took: Duration, failed: bool) {
        let Some(families) = &self.0 else { return };
        let outcome = if failed { "error" } else { "ok" };
        families
            .statement_duration
            .get_or_create(&OutcomeLabels { outcome })
            .observe(took.as_secs_f64());
    }

    /// One GraphQL operation ran, reading from `from`.
    pub fn read_from(&self, from: ReadFrom) {
        let Some(families) = &self.0 else { return };
        let database = match from {
            ReadFrom::Primary => "primary",
            ReadFrom::Replica(_) => "replica",
        };
        families
            .reads
            .get_or_create(&DatabaseLabels { database })
            .inc();
    }

    /// The change listener heard something.
    pub fn notification(&self, heard: Notification) {
        let Some(families) = &self.0 else { return };
        let kind = match heard {
            Notification::Change => "change",
            Notification::Listening => "listening",
        };
        families
            .notifications
            .get_or_create(&KindLabels { kind })
            .inc();
    }

    /// The exposition in the Prometheus text format (0.0.4), after reading `sample` into
    /// the gauges; `None` when metrics are off.
    pub fn render(&self, sample: Sample) -> Option<String> {
        let families = self.0.as_ref()?;
        let to_gauge = |value: usize| i64::try_from(value).unwrap_or(i64::MAX);
        for (cache, bytes) in [
            ("response", sample.response_cache_bytes),
            ("document", sample.document_cache_bytes),
        ] {
            families
                .cache_bytes
                .get_or_create(&CacheNameLabels { cache })
                .set(to_gauge(bytes));
        }
        if let Some(pool) = sample.pool {
            let open = usize::try_from(pool.open).unwrap_or(usize::MAX);
            for (state, count) in [
                ("in_use", open.saturating_sub(pool.idle)),
                ("idle", pool.idle),
            ] {
                families
                    .pool_connections
                    .get_or_create(&StateLabels { state })
                    .set(to_gauge(count));
            }
            families.pool_max.set(i64::from(pool.max));
        }
        for replica in sample.replicas {
            let labels = ReplicaLabels {
                replica: replica.label,
            };
            families
                .replica_up
                .get_or_create(&labels)
                .set(i64::from(replica.health == Health::Up));
            // A replica that does not answer has no lag to report, and its last one would
            // look current: its lag series are withdrawn until it answers again.
            if let Some(seconds) = replica.lag_seconds {
                families
                    .replica_lag_seconds
                    .get_or_create(&labels)
                    .set(seconds);
            } else {
                families.replica_lag_seconds.remove(&labels);
            }
            if let Some(bytes) = replica.lag_bytes {
                families.replica_lag_bytes.get_or_create(&labels).set(bytes);
            } else {
                families.replica_lag_bytes.remove(&labels);
            }
        }
        if let Some(answers) = sample.redis_answers {
            families
                .redis_up
                .get_or_create(&Vec::new())
                .set(i64::from(answers));
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        prometheus_client::encoding::prometheus_text::encode(&mut text, &families.registry).ok()?;
        Some(text)
    }
}

/// The media type of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

impl Surface {
    fn labels(self) -> SurfaceLabels {
        SurfaceLabels {
            surface: match self {
                Surface::Graphql => "graphql",
                Surface::Export => "export",
            },
        }
    }
}

/// Methods outside the standard ones are one label: any token is a valid method.
fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == method)
        .unwrap_or("other")
}

/// Error codes are the server's own, but codes are written into responses as text: one
/// that is not a plain `UPPER_SNAKE` word is counted as `other`.
fn code_label(code: &str) -> &str {
    let plain = !code.is_empty()
        && code.len() <= MAX_OPERATION_NAME_LEN
        && code
            .bytes()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit() || byte == b'_');
    if plain { code } else { "other" }
}

/// A GraphQL name (`/[_A-Za-z][_0-9A-Za-z]*/`) no longer than the cap.
fn is_graphql_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    name.len() <= MAX_OPERATION_NAME_LEN
        && bytes
            .next()
            .is_some_and(|first| first == b'_' || first.is_ascii_alphabetic())
        && bytes.all(|byte| byte == b'_' || byte.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_records_and_renders_nothing() {
        let metrics = Metrics::off();
        metrics.graphql_operation(Some("Q"), None);
        assert!(metrics.render(Sample::default()).is_none());
    }

    #[test]
    fn operation_names_are_bounded() {
        let metrics = Metrics::on();
        metrics.graphql_operation(Some("not a name"), None);
        metrics.graphql_operation(Some(&"A".repeat(65)), None);
        metrics.graphql_operation(None, Some("weird code!"));
        for n in 0..MAX_OPERATION_NAMES + 10 {
            metrics.graphql_operation(Some(&format!("Op{n}")), None);
        }
        let text = metrics.render(Sample::default()).expect("on");
        let series = text
            .lines()
            .filter(|line| line.starts_with("cityatlas_graphql_operations_total{"))
            .count();
        assert_eq!(series, MAX_OPERATION_NAMES);
        // Two bad names, then the twelve past the cap (two series were taken first).
        assert!(
            text.contains(r#"{operation="other",outcome="ok"} 14"#),
            "{text}"
        );
        assert!(
            text.contains(r#"{operation="anonymous",outcome="other"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"{operation="Op197",outcome="ok"} 1"#),
            "{text}"
        );
        assert!(!text.contains(r#"operation="Op198""#), "{text}");
    }

    #[test]
    fn two_registries_count_apart() {
        let (one, two) = (Metrics::on(), Metrics::on());
        one.charged::<(), ()>(Surface::Graphql, 5, Ok(()))
            .expect("passed through");
        let one = one.render(Sample::default()).expect("on");
        let two = two.render(Sample::default()).expect("on");
        assert!(one.contains(r#"cityatlas_cost_points_spent_total{surface="graphql"} 5"#));
        assert!(!two.contains("cityatlas_cost_points_spent_total{"), "{two}");
    }
}
