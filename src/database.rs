//! Connecting to the database (SQLite or PostgreSQL, one code path) and migrating it.

use crate::configuration::{DatabaseSettings, DatabaseUrl};
use crate::error::Error;
use crate::metrics::PoolState;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DatabaseConnectionType};
use std::time::Duration;

/// Opens the pool. An SQLite file is created on first use (`mode=rwc` in the default URL).
pub async fn connect(settings: &DatabaseSettings) -> Result<DatabaseConnection, Error> {
    let options = options(&settings.url, settings);
    tracing::info!(database = %settings.url, pool_size = settings.pool_size, "connecting to the database");
    Database::connect(options).await.map_err(Error::from)
}

/// Opens a read replica's pool without connecting: its connections are made as reads need
/// them, so that a replica that is down at start delays nothing.
pub async fn connect_replica(
    url: &DatabaseUrl,
    settings: &DatabaseSettings,
) -> Result<DatabaseConnection, Error> {
    let mut options = options(url, settings);
    options.connect_lazy(true);
    tracing::info!(replica = %url, pool_size = settings.pool_size, "reads go to a read replica");
    Database::connect(options).await.map_err(Error::from)
}

fn options(url: &DatabaseUrl, settings: &DatabaseSettings) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.expose());
    options
        .max_connections(settings.pool_size)
        // A warm pool: no request pays for a connection handshake after a quiet spell.
        .min_connections(settings.pool_size)
        // No ping before each use: it doubled the round trips of a one-statement request.
        // A connection that died is dropped on its first failed statement instead, which
        // costs that one request a SERVICE_UNAVAILABLE.
        .test_before_acquire(false)
        // Short enough that, while the database is down, a request fails with
        // SERVICE_UNAVAILABLE well inside its deadline instead of queueing.
        .connect_timeout(Duration::from_secs(2))
        .acquire_timeout(Duration::from_secs(2))
        // Statement logging at info level would flood the logs and cost throughput.
        .sqlx_logging(false);
    // The backstop behind the request deadline: PostgreSQL itself cancels a runaway
    // statement. SQLite runs in-process, where the deadline alone applies.
    let statement_timeout = settings.statement_timeout.as_millis().to_string();
    options.map_sqlx_postgres_opts(move |postgres| {
        postgres.options([("statement_timeout", statement_timeout.as_str())])
    });
    options
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), Error> {
    Migrator::up(db, None).await.map_err(Error::from)
}

pub async fn connect_and_migrate(settings: &DatabaseSettings) -> Result<DatabaseConnection, Error> {
    let db = connect(settings).await?;
    migrate(&db).await?;
    Ok(db)
}

/// The pool's open and idle connections now, and its most; `None` for a connection that
/// is not a pool, or is closed.
pub fn pool_state(db: &DatabaseConnection) -> Option<PoolState> {
    match &db.inner {
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let pool = db.get_postgres_connection_pool();
            Some(PoolState {
                open: pool.size(),
                idle: pool.num_idle(),
                max: pool.options().get_max_connections(),
            })
        }
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            let pool = db.get_sqlite_connection_pool();
            Some(PoolState {
                open: pool.size(),
                idle: pool.num_idle(),
                max: pool.options().get_max_connections(),
            })
        }
        _ => None,
    }
}
