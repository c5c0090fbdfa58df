//! The command line: subcommands and the flags (with environment fallbacks) that become
//! [`Settings`].

use crate::configuration::{
    CorsPolicy, DatabaseSettings, DatabaseUrl, LogFormat, LogSettings, ServerSettings, Settings,
};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;

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

    /// Web origins allowed to read the API from a browser: `*` (any), `none`, or a
    /// comma-separated list such as `https://atlas.example,http://localhost:3000`.
    #[arg(
        long,
        env = "CITYATLAS_CORS_ALLOWED_ORIGINS",
        default_value = "*",
        global = true
    )]
    cors_allowed_origins: CorsPolicy,

    /// Do not load the paper's dataset when serving; by default `serve` brings the
    /// database up to date with the dataset built into this binary.
    #[arg(long, env = "CITYATLAS_NO_SEED", global = true)]
    no_seed: bool,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API (the default). Migrates and seeds the database first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Migrate, then load the paper's dataset idempotently and exit.
    Seed,
    /// Print the GraphQL schema (SDL) to standard output.
    ExportSchema,
}

impl Cli {
    pub fn settings(&self) -> Settings {
        Settings {
            database: DatabaseSettings {
                url: DatabaseUrl::new(self.database_url.clone()),
                pool_size: self.pool_size.max(1),
            },
            server: ServerSettings {
                bind: self.bind,
                seed_on_start: !self.no_seed,
                cors: self.cors_allowed_origins.clone(),
            },
            log: LogSettings {
                filter: self.log_level.clone(),
                format: self.log_format,
            },
        }
    }
}
