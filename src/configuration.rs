//! Typed settings, built once in `main` from the command line and passed down.

use std::fmt;
use std::net::SocketAddr;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseSettings,
    pub server: ServerSettings,
    pub limits: LimitSettings,
    pub rate_limit: RateLimitSettings,
    pub response_cache: ResponseCacheSettings,
    pub log: LogSettings,
    pub metrics: MetricsSettings,
}

/// Where Prometheus scrapes `/metrics`: a listener of its own, never the public one. `None`
/// (the default) records nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    pub bind: Option<SocketAddr>,
}

/// How long finished answers to repeated queries are kept, and how much memory they may
/// take. A zero time to live turns the cache off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseCacheSettings {
    pub ttl: std::time::Duration,
    pub max_bytes: usize,
}

impl Default for ResponseCacheSettings {
    fn default() -> Self {
        Self {
            ttl: std::time::Duration::from_secs(60),
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Each client's budget of query-cost points per window, refilled evenly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// An address's budget; 0 turns rate limiting off.
    pub points_per_window: u64,
    /// A token's budget: authenticated clients are known, so they get more, as on GitHub.
    pub token_points_per_window: u64,
    pub window: std::time::Duration,
    /// Proxies whose `X-Forwarded-For` names the client; any other peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// IPv6 clients share a bucket per prefix of this many bits: one host is usually given
    /// a whole /64, so counting single addresses would let it spend 2^64 budgets.
    pub ipv6_prefix: u8,
    /// Where replicas keep their buckets together; without it, each process keeps its own.
    pub redis: Option<RedisSettings>,
}

/// The Redis every replica spends its clients' points in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisSettings {
    pub url: RedisUrl,
    /// Put before every bucket's key, so that several deployments (or test runs) can share
    /// one Redis without sharing budgets.
    pub key_prefix: String,
}

/// The prefix of the buckets' keys unless told otherwise.
pub const DEFAULT_REDIS_KEY_PREFIX: &str = "cityatlas:rl:";

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            points_per_window: 50_000,
            token_points_per_window: 250_000,
            window: std::time::Duration::from_secs(3600),
            trusted_proxies: Vec::new(),
            ipv6_prefix: 64,
            redis: None,
        }
    }
}

/// What one request may ask of the server; SECURITY.md gives the reference for each default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitSettings {
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest the whole request body may take to arrive: a client that trickles it would
    /// otherwise hold a connection (and its buffer) for as long as it likes.
    pub body_timeout: std::time::Duration,
    /// Longest query document, in characters.
    pub max_query_chars: usize,
    /// Deepest nesting of `{`, `[` and `(` in the document, checked before parsing.
    pub max_nesting: usize,
    /// Deepest nesting of fields.
    pub max_depth: usize,
    /// Most cost points per operation: a connection costs 2 + first × its selection.
    pub max_complexity: usize,
    pub max_aliases: usize,
    pub max_root_fields: usize,
    pub max_directives_per_field: usize,
    /// Longest a request may run; PostgreSQL's `statement_timeout` is set to the same.
    pub request_timeout: std::time::Duration,
    /// "Did you mean …" hints in validation errors, which reveal the schema's names.
    pub suggestions: bool,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            max_body_bytes: 256 * 1024,
            body_timeout: std::time::Duration::from_secs(10),
            max_query_chars: 15_000,
            max_nesting: 64,
            max_depth: 15,
            max_complexity: 1_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_directives_per_field: 5,
            request_timeout: std::time::Duration::from_secs(10),
            suggestions: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// The primary: every write, and every read when there are no read replicas.
    pub url: DatabaseUrl,
    /// PostgreSQL read replicas (hot standbys of the primary) that queries read from.
    pub read_urls: Vec<DatabaseUrl>,
    /// A replica further behind the primary than this is passed over until it catches up.
    pub max_replica_lag: std::time::Duration,
    pub pool_size: u32,
    /// PostgreSQL cancels any statement that runs longer than this.
    pub statement_timeout: std::time::Duration,
}

/// How far behind a read replica may fall before reads go elsewhere, unless told otherwise.
pub const DEFAULT_MAX_REPLICA_LAG: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub bind: SocketAddr,
    pub seed_on_start: bool,
    pub cors: CorsPolicy,
    /// The address clients reach the API at, which permalinks of releases start with.
    pub public_url: String,
}

/// Which web origins may call the API from a browser. The data is public and read-only,
/// so any origin may read it unless an operator narrows the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsPolicy {
    AnyOrigin,
    /// Only these origins, each `scheme://host[:port]`; an empty list allows none.
    Origins(Vec<String>),
}

impl std::str::FromStr for CorsPolicy {
    type Err = String;

    /// `*` for any origin, `none` for no cross-origin access, or a comma-separated list
    /// of origins such as `https://atlas.example,http://localhost:3000`.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let value = value.trim();
        if value == "*" {
            return Ok(CorsPolicy::AnyOrigin);
        }
        if value.eq_ignore_ascii_case("none") || value.is_empty() {
            return Ok(CorsPolicy::Origins(Vec::new()));
        }
        value
            .split(',')
            .map(|origin| parse_origin(origin.trim()))
            .collect::<Result<_, _>>()
            .map(CorsPolicy::Origins)
    }
}

/// Browsers send `Origin` as `scheme://host[:port]` without a path, so a configured origin
/// with a path or a trailing slash would never match; refuse it at startup instead.
fn parse_origin(origin: &str) -> Result<String, String> {
    let parsed = url::Url::parse(origin).map_err(|error| format!("`{origin}`: {error}"))?;
    let serialized = parsed.origin().ascii_serialization();
    if !matches!(parsed.scheme(), "http" | "https") || serialized != origin {
        return Err(format!(
            "`{origin}` is not an origin; write it as scheme://host[:port], e.g. `{serialized}`"
        ));
    }
    Ok(serialized)
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
    /// An OTLP/HTTP collector's base URL (`http://127.0.0.1:4318`) to export spans to; none
    /// exports nothing.
    pub otlp_endpoint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A database URL whose password never reaches `Debug`, `Display` or the logs.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The full URL, password included: only for opening connections.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_sqlite(&self) -> bool {
        self.0.starts_with("sqlite:")
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        redacted(&self.0)
    }

    /// `host:port/database`: what names a database in metrics and `/readyz`, without the
    /// user, the password or the options.
    pub fn label(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(parsed) if parsed.host_str().is_some() => format!(
                "{}:{}{}",
                parsed.host_str().unwrap_or_default(),
                parsed.port().unwrap_or(5432),
                parsed.path()
            ),
            _ => self.redacted(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl")
            .field(&self.redacted())
            .finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `url` with any password replaced by `***`, in the user information or in a query
/// parameter (`password`, `pass`: libpq's and redis-rs's).
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if !parsed.cannot_be_a_base() => {
            let secret = |name: &str| matches!(name, "password" | "pass");
            let in_query = parsed.query_pairs().any(|(name, _)| secret(&name));
            if parsed.password().is_none() && !in_query {
                return url.to_owned();
            }
            if parsed.password().is_some() {
                // Setting a password only fails for URLs that cannot carry one, which
                // a URL that already has one can.
                let _ = parsed.set_password(Some("***"));
            }
            if in_query {
                let pairs: Vec<(String, String)> = parsed
                    .query_pairs()
                    .map(|(name, value)| {
                        let value = if secret(&name) { "***".into() } else { value };
                        (name.into_owned(), value.into_owned())
                    })
                    .collect();
                parsed.query_pairs_mut().clear().extend_pairs(pairs);
            }
            parsed.to_string()
        }
        // Anything else might embed credentials where the parser did not see them;
        // show only the scheme.
        _ => match url.split_once(':') {
            Some((scheme, _)) => format!("{scheme}:***"),
            None => "***".to_owned(),
        },
    }
}

/// A Redis URL (`redis://[:PASSWORD@]HOST[:PORT][/DB]`) whose password never reaches
/// `Debug`, `Display` or the logs.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl(String);

impl RedisUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The full URL, password included: only for opening connections.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RedisUrl").field(&redacted(&self.0)).finish()
    }
}

impl fmt::Display for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redacted(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_redacted_in_debug_and_display() {
        let url = DatabaseUrl::new("postgres://atlas:s3cr3t-pw@db.example:5432/atlas");
        let settings = DatabaseSettings {
            url: url.clone(),
            read_urls: vec![DatabaseUrl::new(
                "postgres://atlas:s3cr3t-pw@replica.example:5433/atlas",
            )],
            max_replica_lag: DEFAULT_MAX_REPLICA_LAG,
            pool_size: 4,
            statement_timeout: std::time::Duration::from_secs(10),
        };
        for shown in [format!("{settings:?}"), url.to_string()] {
            assert!(!shown.contains("s3cr3t-pw"), "password leaked: {shown}");
            assert!(
                shown.contains("atlas:***@db.example"),
                "unexpected: {shown}"
            );
        }
        assert_eq!(
            url.expose(),
            "postgres://atlas:s3cr3t-pw@db.example:5432/atlas"
        );
    }

    #[test]
    fn a_database_is_labelled_by_host_port_and_name_only() {
        let url =
            DatabaseUrl::new("postgres://atlas:s3cr3t-pw@replica.example/atlas?sslmode=require");
        assert_eq!(url.label(), "replica.example:5432/atlas");
        assert_eq!(
            DatabaseUrl::new("postgres://root@127.0.0.1:5433/postgres").label(),
            "127.0.0.1:5433/postgres"
        );
    }

    #[test]
    fn urls_without_password_are_shown_whole() {
        let url = DatabaseUrl::new("sqlite://cityatlas.db?mode=rwc");
        assert_eq!(url.to_string(), "sqlite://cityatlas.db?mode=rwc");
        assert!(url.is_sqlite());
    }

    #[test]
    fn cors_policy_parses_wildcard_none_and_origin_lists() {
        assert_eq!("*".parse(), Ok(CorsPolicy::AnyOrigin));
        assert_eq!("none".parse(), Ok(CorsPolicy::Origins(Vec::new())));
        assert_eq!(
            "https://atlas.example, http://localhost:3000".parse(),
            Ok(CorsPolicy::Origins(vec![
                "https://atlas.example".to_owned(),
                "http://localhost:3000".to_owned()
            ]))
        );
        for bad in [
            "atlas.example",
            "https://atlas.example/",
            "ftp://atlas.example",
        ] {
            assert!(bad.parse::<CorsPolicy>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn unparseable_urls_hide_everything_after_the_scheme() {
        let url = DatabaseUrl::new("postgres:user:pw@@ bad url");
        assert_eq!(url.to_string(), "postgres:***");
    }

    #[test]
    fn a_redis_password_is_redacted_wherever_the_url_holds_it() {
        let settings = RedisSettings {
            url: RedisUrl::new("redis://:s3cr3t-pw@cache.example:6379/2"),
            key_prefix: DEFAULT_REDIS_KEY_PREFIX.to_owned(),
        };
        let shown = [format!("{settings:?}"), settings.url.to_string()];
        for shown in &shown {
            assert!(!shown.contains("s3cr3t-pw"), "password leaked: {shown}");
        }
        assert_eq!(shown[1], "redis://:***@cache.example:6379/2");
        let in_query = RedisUrl::new("redis+unix:///run/redis.sock?db=1&pass=s3cr3t-pw");
        assert_eq!(
            in_query.to_string(),
            "redis+unix:///run/redis.sock?db=1&pass=***"
        );
        assert_eq!(
            RedisUrl::new("redis://127.0.0.1:6379").to_string(),
            "redis://127.0.0.1:6379"
        );
        assert_eq!(
            settings.url.expose(),
            "redis://:s3cr3t-pw@cache.example:6379/2"
        );
    }
}
