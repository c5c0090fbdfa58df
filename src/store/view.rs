//! Reading the data as it stood: [`Reader`] is the connection every read goes through. Live,
//! it is the database itself. Pinned to an audit event (`asOf`, `release:`), it puts a
//! common table expression in front of each statement that shadows every curated table
//! with its rows' states at that event, read from the revisions tables; SQLite and
//! PostgreSQL both resolve a table name to a CTE of that name first. Every store query,
//! its filters, orders and keyset pages, then runs unchanged on the past.

use migration::{CURATED_TABLES, revisions_table};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};

/// The connection reads go through: live, or as the data stood after one audit event.
#[derive(Clone, Debug)]
pub struct Reader {
    db: DatabaseConnection,
    /// The last audit event whose changes are seen; `None` for the live data.
    as_of: Option<i32>,
    /// The `WITH` clause that shadows the curated tables, built once per reader.
    shadows: Option<String>,
}

impl Reader {
    pub fn live(db: DatabaseConnection) -> Self {
        Self {
            db,
            as_of: None,
            shadows: None,
        }
    }

    /// The data as it stood once the audit event `event` had been committed.
    pub fn as_of(db: DatabaseConnection, event: i32) -> Self {
        Self {
            db,
            as_of: Some(event),
            shadows: Some(shadows(event)),
        }
    }

    /// The audit event the reader is pinned to; `None` when it reads the live data.
    pub fn event(&self) -> Option<i32> {
        self.as_of
    }

    fn rewrite(&self, mut statement: Statement) -> Statement {
        if let Some(shadows) = &self.shadows {
            statement.sql = format!("{shadows} {}", statement.sql);
        }
        statement
    }

    fn refuse_writes(&self) -> Result<(), DbErr> {
        match self.as_of {
            None => Ok(()),
            Some(_) => Err(DbErr::Custom(
                "a reader of the past cannot write".to_owned(),
            )),
        }
    }
}

/// `WITH "t" AS (the states of t's rows at `event`), …` for every curated table. The event
/// is an integer of ours, never client text, so it is written into the SQL as a literal,
/// which leaves the statement's own parameters numbered as they were.
fn shadows(event: i32) -> String {
    let tables: Vec<String> = CURATED_TABLES
        .iter()
        .map(|(table, _)| {
            format!(
                "\"{table}\" AS (SELECT * FROM \"{revisions}\" WHERE \"event_id\" <= {event} \
                 AND (\"superseded_by_event\" IS NULL OR \"superseded_by_event\" > {event}) \
                 AND NOT \"retracted\")",
                revisions = revisions_table(table)
            )
        })
        .collect();
    format!("WITH {}", tables.join(", "))
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader {
    fn get_database_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    async fn execute_raw(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.refuse_writes()?;
        self.db.execute_raw(statement).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.refuse_writes()?;
        self.db.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.db.query_one_raw(self.rewrite(statement)).await
    }

    async fn query_all_raw(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.db.query_all_raw(self.rewrite(statement)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_curated_table_is_shadowed_by_its_states_at_the_event() {
        let clause = shadows(42);
        assert!(clause.starts_with("WITH \"sources\" AS (SELECT * FROM \"sources_revisions\""));
        assert_eq!(clause.matches(" AS (SELECT").count(), CURATED_TABLES.len());
        assert!(clause.contains("\"event_id\" <= 42"));
        assert!(clause.contains("\"superseded_by_event\" > 42"));
    }
}
