//! Where PostgreSQL's write-ahead log stands: on the primary, how far it has written; on a
//! hot standby, how far it has replayed and how long ago the last replayed commit was made.
//! Positions are bytes from the start of the log (`pg_wal_lsn_diff` against `0/0`), so
//! that the lag in bytes is a subtraction.

use crate::error::Error;
use sea_orm::{ConnectionTrait, QueryResult, Statement};

/// How far a standby has replayed the primary's log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Replayed {
    /// Bytes of the log replayed; `None` on a server that is not a standby.
    pub position: Option<i64>,
    /// Seconds between now and the last replayed commit, 0 when the standby has replayed
    /// everything it received (an idle primary is not lag).
    pub lag_seconds: f64,
}

/// The primary's current write position. Read after a commit was heard of, it is at or past
/// that commit's record.
pub async fn written(primary: &impl ConnectionTrait) -> Result<i64, Error> {
    let row = one_row(
        primary,
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint AS position",
    )
    .await?;
    Ok(row.try_get("", "position")?)
}

/// How far a standby has replayed, and how far behind in time.
pub async fn replayed(standby: &impl ConnectionTrait) -> Result<Replayed, Error> {
    let sql = "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint AS position, \
               CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() \
               THEN 0 ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) \
               END::float8 AS lag_seconds";
    let row = one_row(standby, sql).await?;
    Ok(Replayed {
        position: row.try_get("", "position")?,
        lag_seconds: row.try_get::<f64>("", "lag_seconds")?.max(0.0),
    })
}

/// The one row a `SELECT` without `FROM` returns.
async fn one_row(db: &impl ConnectionTrait, sql: &str) -> Result<QueryResult, Error> {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| Error::Internal {
            detail: format!("no row from {sql}"),
        })
}
