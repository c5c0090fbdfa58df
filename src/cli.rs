//! The command line: subcommands and the flags (with environment fallbacks) that become
//! [`Settings`].

use crate::configuration::{
    CorsPolicy, DEFAULT_MAX_REPLICA_LAG, DEFAULT_REDIS_KEY_PREFIX, DatabaseSettings, DatabaseUrl,
    LimitSettings, LogFormat, LogSettings, MetricsSettings, RateLimitSettings, RedisSettings,
    RedisUrl, ResponseCacheSettings, ServerSettings, Settings,
};
use clap::{Args, Parser, Subcommand};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "cityatlas",
    version,
    about = "City Atlas: a cited GraphQL data API on AI-driven smart cities in China and the USA"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Database URL: `sqlite://FILE?mode=rwc` or `postgres://USER:PASSWORD@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://cityatlas.db?mode=rwc",
        global = true
    )]
    database_url: String,

    /// A PostgreSQL read replica (a hot standby of the primary) for queries to read from;
    /// repeat it for several. Mutations, their payloads, subscriptions and token checks
    /// use the primary, as do reads while no replica answers within the allowed lag.
    #[arg(
        long = "database-read-url",
        env = "CITYATLAS_DATABASE_READ_URLS",
        value_delimiter = ',',
        global = true
    )]
    database_read_urls: Vec<String>,

    /// Seconds a read replica may fall behind the primary before reads pass it over.
    #[arg(long, env = "CITYATLAS_MAX_REPLICA_LAG_SECS", default_value_t = DEFAULT_MAX_REPLICA_LAG.as_secs(), global = true)]
    max_replica_lag_secs: u64,

    /// Maximum number of pooled database connections.
    #[arg(long, env = "CITYATLAS_POOL_SIZE", default_value_t = 10, global = true)]
    pool_size: u32,

    /// Address the HTTP server listens on; port 0 picks a free port.
    #[arg(
        long,
        env = "CITYATLAS_BIND",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    bind: SocketAddr,

    /// Log filter, in `tracing` EnvFilter syntax (e.g. `info` or `cityatlas=debug,info`).
    #[arg(long, env = "CITYATLAS_LOG", default_value = "info", global = true)]
    log_level: String,

    /// Log output format.
    #[arg(long, env = "CITYATLAS_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,

    /// Export traces over OTLP/HTTP (protobuf) to the collector at this base URL, e.g.
    /// `http://127.0.0.1:4318` (spans go to `/v1/traces`). Off by default.
    #[arg(long, env = "CITYATLAS_OTLP_ENDPOINT", global = true)]
    otlp_endpoint: Option<String>,

    /// Web origins allowed to read the API from a browser: `*` (any), `none`, or a
    /// comma-separated list such as `https://atlas.example,http://localhost:3000`.
    #[arg(
        long,
        env = "CITYATLAS_CORS_ALLOWED_ORIGINS",
        default_value = "*",
        global = true
    )]
    cors_allowed_origins: CorsPolicy,

    /// The address clients reach the API at (behind a proxy, the proxy's), which the
    /// permalinks in release citations start with.
    #[arg(long, env = "CITYATLAS_PUBLIC_URL", default_value = crate::graphql::DEFAULT_PUBLIC_URL, global = true)]
    public_url: String,

    #[command(flatten)]
    limits: LimitArgs,

    /// Query-cost points each client may spend per window; 0 turns rate limiting off.
    #[arg(long, env = "CITYATLAS_RATE_LIMIT_POINTS", default_value_t = RateLimitSettings::default().points_per_window, global = true)]
    rate_limit_points: u64,

    /// Query-cost points each API token may spend per window: authenticated clients are
    /// known, so they get a budget of their own, larger than an address's.
    #[arg(long, env = "CITYATLAS_TOKEN_RATE_LIMIT_POINTS", default_value_t = RateLimitSettings::default().token_points_per_window, global = true)]
    token_rate_limit_points: u64,

    /// The rate-limit window, in seconds; the budget refills evenly over it.
    #[arg(long, env = "CITYATLAS_RATE_LIMIT_WINDOW_SECS", default_value_t = RateLimitSettings::default().window.as_secs(), global = true)]
    rate_limit_window_secs: u64,

    /// Seconds a finished answer to a repeated query is served from memory (and the
    /// `max-age` of GET answers); 0 turns the response cache off.
    #[arg(long, env = "CITYATLAS_RESPONSE_CACHE_SECS", default_value_t = ResponseCacheSettings::default().ttl.as_secs(), global = true)]
    response_cache_secs: u64,

    /// Memory the response cache may take, in bytes.
    #[arg(long, env = "CITYATLAS_RESPONSE_CACHE_MAX_BYTES", default_value_t = ResponseCacheSettings::default().max_bytes, global = true)]
    response_cache_max_bytes: usize,

    /// Comma-separated IP addresses of reverse proxies whose X-Forwarded-For names the
    /// client; requests from anyone else are counted by their own address.
    #[arg(
        long,
        env = "CITYATLAS_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    trusted_proxies: Vec<IpAddr>,

    /// IPv6 clients share a rate-limit bucket per prefix of this many bits (a /64 is what
    /// one host or household is usually given); IPv4 clients have one per address.
    #[arg(long, env = "CITYATLAS_RATE_LIMIT_IPV6_PREFIX", default_value_t = RateLimitSettings::default().ipv6_prefix, value_parser = clap::value_parser!(u8).range(0..=128), global = true)]
    rate_limit_ipv6_prefix: u8,

    /// Redis that replicas keep their clients' rate-limit buckets in, so a client has one
    /// budget across all of them: `redis://[:PASSWORD@]HOST[:PORT][/DB]`. Without it, each
    /// process keeps its own. While Redis is unreachable, each serves with its own.
    #[arg(long, env = "CITYATLAS_REDIS_URL", global = true)]
    redis_url: Option<String>,

    /// Put before every rate-limit bucket's key in Redis.
    #[arg(long, env = "CITYATLAS_REDIS_KEY_PREFIX", default_value = DEFAULT_REDIS_KEY_PREFIX, global = true)]
    redis_key_prefix: String,

    /// Do not load the paper's dataset when serving; by default `serve` brings the
    /// database up to date with the dataset built into this binary.
    #[arg(long, env = "CITYATLAS_NO_SEED", global = true)]
    no_seed: bool,

    /// Address of a second listener serving Prometheus metrics at `/metrics` (e.g.
    /// `127.0.0.1:9090`); unset, nothing is recorded or served.
    #[arg(long, env = "CITYATLAS_METRICS_BIND", global = true)]
    metrics_bind: Option<SocketAddr>,
}

/// Operation limits; the defaults follow GitHub, Apollo Router and graphql-armor (SECURITY.md).
#[derive(Debug, Args)]
struct LimitArgs {
    /// Largest request body, in bytes (413 beyond).
    #[arg(long, env = "CITYATLAS_MAX_BODY_BYTES", default_value_t = LimitSettings::default().max_body_bytes, global = true)]
    max_body_bytes: usize,

    /// Seconds the whole request body may take to arrive (408 beyond).
    #[arg(long, env = "CITYATLAS_BODY_TIMEOUT_SECS", default_value_t = LimitSettings::default().body_timeout.as_secs(), global = true)]
    body_timeout_secs: u64,

    /// Longest query document, in characters.
    #[arg(long, env = "CITYATLAS_MAX_QUERY_CHARS", default_value_t = LimitSettings::default().max_query_chars, global = true)]
    max_query_chars: usize,

    /// Deepest nesting of brackets in a document, checked before parsing.
    #[arg(long, env = "CITYATLAS_MAX_NESTING", default_value_t = LimitSettings::default().max_nesting, global = true)]
    max_nesting: usize,

    /// Deepest nesting of fields; 15 fits GraphiQL's introspection query.
    #[arg(long, env = "CITYATLAS_MAX_DEPTH", default_value_t = LimitSettings::default().max_depth, global = true)]
    max_depth: usize,

    /// Most cost points per operation: a connection costs 2 + first × its selection.
    #[arg(long, env = "CITYATLAS_MAX_COMPLEXITY", default_value_t = LimitSettings::default().max_complexity, global = true)]
    max_complexity: usize,

    /// Most aliases per document.
    #[arg(long, env = "CITYATLAS_MAX_ALIASES", default_value_t = LimitSettings::default().max_aliases, global = true)]
    max_aliases: usize,

    /// Most root fields per operation.
    #[arg(long, env = "CITYATLAS_MAX_ROOT_FIELDS", default_value_t = LimitSettings::default().max_root_fields, global = true)]
    max_root_fields: usize,

    /// Most directives on one field, fragment or operation.
    #[arg(long, env = "CITYATLAS_MAX_DIRECTIVES", default_value_t = LimitSettings::default().max_directives_per_field, global = true)]
    max_directives: usize,

    /// Longest a request may run, in seconds; also PostgreSQL's statement_timeout.
    #[arg(long, env = "CITYATLAS_REQUEST_TIMEOUT_SECS", default_value_t = LimitSettings::default().request_timeout.as_secs(), global = true)]
    request_timeout_secs: u64,

    /// Include "Did you mean …" suggestions in validation errors.
    #[arg(long, env = "CITYATLAS_GRAPHQL_SUGGESTIONS", global = true)]
    graphql_suggestions: bool,
}

impl LimitArgs {
    fn settings(&self) -> LimitSettings {
        LimitSettings {
            max_body_bytes: self.max_body_bytes,
            body_timeout: Duration::from_secs(self.body_timeout_secs.max(1)),
            max_query_chars: self.max_query_chars,
            max_nesting: self.max_nesting,
            max_depth: self.max_depth,
            max_complexity: self.max_complexity,
            max_aliases: self.max_aliases,
            max_root_fields: self.max_root_fields,
            max_directives_per_field: self.max_directives,
            request_timeout: Duration::from_secs(self.request_timeout_secs.max(1)),
            suggestions: self.graphql_suggestions,
        }
    }
}

#[derive(Debug, Clone, Default, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (the default). Migrates and seeds the database first.
    #[default]
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Migrate, then load the paper's dataset idempotently and exit; or, with
    /// `--synthetic`, fill an empty database with generated benchmark data.
    Seed(SeedArgs),
    /// Print the GraphQL schema (SDL) to standard output.
    ExportSchema,
    /// Make, list and revoke the API tokens curators and integrations authenticate with.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Cut citable releases of the dataset.
    #[command(subcommand)]
    Release(ReleaseCommand),
    /// Load a folder in the `data/` format: check every file, report every problem as
    /// `file:line:column: message`, then apply all of it in one transaction, or nothing.
    Import(ImportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The folder: the fourteen CSV files of `data/`, whole (rows it lacks are retracted).
    pub dir: std::path::PathBuf,
    /// Print what would be added, changed and retracted, table by table, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Cut a release with this tag once the folder is imported, in the same transaction.
    #[arg(long, conflicts_with = "dry_run")]
    pub release: Option<String>,
    /// The release's title; by default it names the folder.
    #[arg(long, requires = "release")]
    pub release_title: Option<String>,
    /// Why the data changes, which the audit log keeps.
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum ReleaseCommand {
    /// Freeze the data as it stands now as release TAG, which `release:` then reads.
    Create {
        /// The version tag, e.g. `2027-01`: lowercase letters, digits, `.` and `-`.
        tag: String,
        #[arg(long)]
        title: String,
        /// What changed since the release before.
        #[arg(long, default_value = "")]
        notes: String,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Make a token and print it, once, alone on standard output; only its hash is kept.
    Create {
        /// Who holds the token: the audit log names its changes by it. Never reused.
        #[arg(long)]
        name: String,
        /// `reader` (reads, with a token's budget), `editor` (also changes data) or `admin`
        /// (also manages tokens and releases).
        #[arg(long)]
        role: crate::auth::Role,
        /// Days until the token stops working; by default it works until revoked.
        #[arg(long)]
        expires_in_days: Option<u32>,
    },
    /// List the tokens: name, role, hint, and when each was made, expires or was revoked.
    List,
    /// Revoke a token by name; it stops working at once.
    Revoke { name: String },
}

#[derive(Debug, Clone, Copy, Args)]
pub struct SeedArgs {
    /// Generate synthetic benchmark data instead (only into an empty database: it is never
    /// mixed with the paper's data).
    #[arg(long)]
    pub synthetic: bool,

    /// With --synthetic: how many observations, from 10,000 to 1,000,000.
    #[arg(long, requires = "synthetic", default_value_t = crate::synthetic::MIN_OBSERVATIONS)]
    pub scale: u32,
}

impl Cli {
    pub fn settings(&self) -> Settings {
        let limits = self.limits.settings();
        Settings {
            database: DatabaseSettings {
                url: DatabaseUrl::new(self.database_url.clone()),
                read_urls: self
                    .database_read_urls
                    .iter()
                    .map(|url| DatabaseUrl::new(url.clone()))
                    .collect(),
                max_replica_lag: Duration::from_secs(self.max_replica_lag_secs),
                pool_size: self.pool_size.max(1),
                statement_timeout: limits.request_timeout,
            },
            server: ServerSettings {
                bind: self.bind,
                seed_on_start: !self.no_seed,
                cors: self.cors_allowed_origins.clone(),
                public_url: self.public_url.clone(),
            },
            limits,
            rate_limit: RateLimitSettings {
                points_per_window: self.rate_limit_points,
                token_points_per_window: self.token_rate_limit_points,
                window: Duration::from_secs(self.rate_limit_window_secs.max(1)),
                trusted_proxies: self.trusted_proxies.clone(),
                ipv6_prefix: self.rate_limit_ipv6_prefix,
                redis: self.redis_url.as_ref().map(|url| RedisSettings {
                    url: RedisUrl::new(url.clone()),
                    key_prefix: self.redis_key_prefix.clone(),
                }),
            },
            response_cache: ResponseCacheSettings {
                ttl: Duration::from_secs(self.response_cache_secs),
                max_bytes: self.response_cache_max_bytes,
            },
            log: LogSettings {
                filter: self.log_level.clone(),
                format: self.log_format,
                otlp_endpoint: self.otlp_endpoint.clone(),
            },
            metrics: MetricsSettings {
                bind: self.metrics_bind,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_limit_is_a_flag() {
        let cli = Cli::try_parse_from([
            "cityatlas",
            "--max-body-bytes=1",
            "--body-timeout-secs=12",
            "--max-query-chars=2",
            "--max-nesting=3",
            "--max-depth=4",
            "--max-complexity=5",
            "--max-aliases=6",
            "--max-root-fields=7",
            "--max-directives=8",
            "--request-timeout-secs=9",
            "--graphql-suggestions",
            "--rate-limit-points=10",
            "--token-rate-limit-points=13",
            "--rate-limit-window-secs=11",
            "--trusted-proxies=10.0.0.1,10.0.0.2",
            "--rate-limit-ipv6-prefix=56",
            "--cors-allowed-origins=https://atlas.example",
            "--redis-url=redis://:pw@cache.example:6380",
            "--redis-key-prefix=atlas:",
        ])
        .expect("parses");
        let settings = cli.settings();
        assert_eq!(
            settings.limits,
            LimitSettings {
                max_body_bytes: 1,
                body_timeout: Duration::from_secs(12),
                max_query_chars: 2,
                max_nesting: 3,
                max_depth: 4,
                max_complexity: 5,
                max_aliases: 6,
                max_root_fields: 7,
                max_directives_per_field: 8,
                request_timeout: Duration::from_secs(9),
                suggestions: true,
            }
        );
        assert_eq!(settings.database.statement_timeout, Duration::from_secs(9));
        assert_eq!(settings.rate_limit.points_per_window, 10);
        assert_eq!(settings.rate_limit.token_points_per_window, 13);
        assert_eq!(settings.rate_limit.window, Duration::from_secs(11));
        assert_eq!(settings.rate_limit.trusted_proxies.len(), 2);
        assert_eq!(settings.rate_limit.ipv6_prefix, 56);
        assert_eq!(
            settings.rate_limit.redis,
            Some(RedisSettings {
                url: RedisUrl::new("redis://:pw@cache.example:6380"),
                key_prefix: "atlas:".to_owned(),
            })
        );
        assert_eq!(
            settings.server.cors,
            CorsPolicy::Origins(vec!["https://atlas.example".to_owned()])
        );
    }

    #[test]
    fn an_ipv6_prefix_longer_than_an_address_is_refused() {
        assert!(Cli::try_parse_from(["cityatlas", "--rate-limit-ipv6-prefix=129"]).is_err());
        let settings = Cli::try_parse_from(["cityatlas", "--rate-limit-ipv6-prefix=128"])
            .expect("parses")
            .settings();
        assert_eq!(settings.rate_limit.ipv6_prefix, 128);
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let settings = Cli::try_parse_from(["cityatlas"])
            .expect("parses")
            .settings();
        assert_eq!(settings.limits, LimitSettings::default());
        assert_eq!(settings.rate_limit, RateLimitSettings::default());
        assert_eq!(settings.rate_limit.ipv6_prefix, 64);
        assert_eq!(settings.limits.body_timeout, Duration::from_secs(10));
        assert_eq!(settings.server.cors, CorsPolicy::AnyOrigin);
        assert_eq!(
            settings.metrics.bind, None,
            "metrics are off unless asked for"
        );
    }

    #[test]
    fn read_replicas_are_repeated_flags_and_never_shown_with_their_password() {
        let settings = Cli::try_parse_from([
            "cityatlas",
            "--database-read-url=postgres://atlas:pw1@replica-1.example/atlas",
            "--database-read-url=postgres://atlas:pw2@replica-2.example:5433/atlas",
            "--max-replica-lag-secs=3",
        ])
        .expect("parses")
        .settings();
        let labels: Vec<String> = settings
            .database
            .read_urls
            .iter()
            .map(DatabaseUrl::label)
            .collect();
        assert_eq!(
            labels,
            [
                "replica-1.example:5432/atlas",
                "replica-2.example:5433/atlas"
            ]
        );
        assert_eq!(settings.database.max_replica_lag, Duration::from_secs(3));
        let shown = format!("{:?}", settings.database);
        assert!(!shown.contains("pw1") && !shown.contains("pw2"), "{shown}");
        let defaults = Cli::try_parse_from(["cityatlas"])
            .expect("parses")
            .settings();
        assert!(defaults.database.read_urls.is_empty());
        assert_eq!(defaults.database.max_replica_lag, DEFAULT_MAX_REPLICA_LAG);
    }

    #[test]
    fn the_metrics_listener_is_a_flag() {
        let settings = Cli::try_parse_from(["cityatlas", "--metrics-bind=127.0.0.1:9090"])
            .expect("parses")
            .settings();
        assert_eq!(
            settings.metrics.bind,
            Some("127.0.0.1:9090".parse().expect("an address"))
        );
        assert!(Cli::try_parse_from(["cityatlas", "--metrics-bind=not-an-address"]).is_err());
    }
}
