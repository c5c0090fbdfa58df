//! History: the audit log and the revisions tables. Every write runs in a transaction
//! begun by [`begin_write`], appends one audit event per row it changes and records the
//! row's new state beside it, so that a change and its trace commit together or not at all.
//!
//! Writers take turns (a lock held until commit), which makes audit event ids the commit
//! order: a reader that has seen event N will never later find an event below N appear.

use super::filters;
use super::list::{self, Listing};
use super::paging::{KeyKind, SortKey};
use crate::entities::audit_event;
use crate::error::Error;
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::JoinType;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, FromQueryResult, IdenStatic, Iterable, Select,
    Statement, TransactionTrait, Value,
};
use serde_json::json;
use std::collections::HashMap;

/// The advisory lock PostgreSQL writers queue on; any constant that no other application
/// on the database uses.
const WRITE_LOCK: i64 = 0x0C17_A71A5;

/// Now, to the microsecond: what PostgreSQL keeps, so that both backends store one instant.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// What happened to a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    Retracted,
    /// A whole dataset loaded: an import's own event (each row it changes has one of its
    /// own), or synthetic data, whose rows all share it.
    Imported,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Retracted => "retracted",
            Action::Imported => "imported",
        }
    }
}

/// Who made a change, why, and under which request.
#[derive(Clone, Debug)]
pub struct Author {
    /// A token's name, or `importer`.
    pub actor: String,
    pub reason: String,
    pub request_id: Option<String>,
}

/// One row's change, as the audit log records it.
pub struct Change<'a> {
    /// When it happened: taken once the writer holds the write lock and before it stamps
    /// any row, so that an instant a row shows (`updatedAt`) reads, as `asOf`, the data
    /// with this change in it.
    pub at: DateTime<Utc>,
    pub author: &'a Author,
    pub action: Action,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub revision: i32,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Begins a write transaction in which this writer holds the write lock until it commits
/// or rolls back. SQLite has one writer at a time anyway: the first statement writes, so
/// the transaction takes SQLite's write lock before it reads anything it will check.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, Error> {
    let txn = db.begin().await?;
    let backend = txn.get_database_backend();
    let statement = match backend {
        DatabaseBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_xact_lock($1)",
            [WRITE_LOCK.into()],
        ),
        _ => backend.build(
            Query::update()
                .table(audit_event::Entity)
                .value(audit_event::Column::Id, Expr::col(audit_event::Column::Id))
                .and_where(Expr::val(1).eq(0)),
        ),
    };
    txn.execute_raw(statement).await?;
    Ok(txn)
}

/// Appends an audit event and returns its id.
pub async fn append(txn: &DatabaseTransaction, change: Change<'_>) -> Result<i32, Error> {
    let json = |value: Option<serde_json::Value>| value.map(|value| value.to_string());
    let event = audit_event::ActiveModel {
        id: ActiveValue::NotSet,
        at: ActiveValue::Set(change.at),
        actor: ActiveValue::Set(change.author.actor.clone()),
        action: ActiveValue::Set(change.action.as_str().to_owned()),
        entity_type: ActiveValue::Set(change.entity_type.to_owned()),
        entity_id: ActiveValue::Set(change.entity_id),
        revision: ActiveValue::Set(change.revision),
        before: ActiveValue::Set(json(change.before)),
        after: ActiveValue::Set(json(change.after)),
        reason: ActiveValue::Set(change.author.reason.clone()),
        request_id: ActiveValue::Set(change.author.request_id.clone()),
    }
    .insert(txn)
    .await?;
    Ok(event.id)
}

fn revisions_table<E: EntityTrait>() -> Alias {
    Alias::new(migration::revisions_table(E::default().table_name()))
}

/// The row of `E` with this primary key, as a condition on unqualified columns, which
/// holds in its table and in its revisions table alike.
fn row_is(key: &[(&'static str, Value)]) -> SimpleExpr {
    key.iter()
        .map(|(column, value)| Expr::col(Alias::new(*column)).eq(value.clone()))
        .reduce(ExprTrait::and)
        .unwrap_or_else(|| Expr::val(false))
}

/// Records the row's present state as the revision `event` made: the state before it is
/// superseded, then the live row is copied beside it. A retraction records the last state
/// once more, marked retracted and one revision on; the caller then removes the live row.
pub async fn record<E: EntityTrait>(
    txn: &DatabaseTransaction,
    key: &[(&'static str, Value)],
    event: i32,
    retracted: bool,
) -> Result<(), Error> {
    txn.execute(
        Query::update()
            .table(revisions_table::<E>())
            .value(Alias::new("superseded_by_event"), event)
            .and_where(row_is(key))
            .and_where(Expr::col(Alias::new("superseded_by_event")).is_null()),
    )
    .await?;
    copy_live_rows::<E>(txn, Some(row_is(key)), event, retracted).await
}

/// Records every row of a table that had none before (a first import) as its first
/// revision, in one statement.
pub async fn record_all<E: EntityTrait>(
    txn: &DatabaseTransaction,
    event: i32,
) -> Result<(), Error> {
    copy_live_rows::<E>(txn, None, event, false).await
}

async fn copy_live_rows<E: EntityTrait>(
    txn: &DatabaseTransaction,
    rows: Option<SimpleExpr>,
    event: i32,
    retracted: bool,
) -> Result<(), Error> {
    let columns: Vec<Alias> = E::Column::iter()
        .map(|column| Alias::new(column.as_str()))
        .collect();
    let copied = E::Column::iter().map(|column| {
        let value = Expr::col(Alias::new(column.as_str()));
        if retracted && column.as_str() == "revision" {
            value.add(1)
        } else {
            value
        }
    });
    let mut select = Query::select();
    select
        .exprs(copied)
        .expr(Expr::val(event))
        .expr(Expr::val(Option::<i32>::None))
        .expr(Expr::val(retracted))
        .from(E::default());
    if let Some(rows) = rows {
        select.and_where(rows);
    }
    let insert = Query::insert()
        .into_table(revisions_table::<E>())
        .columns(columns.into_iter().chain([
            Alias::new("event_id"),
            Alias::new("superseded_by_event"),
            Alias::new("retracted"),
        ]))
        .select_from(select)
        .map_err(|error| Error::Internal {
            detail: format!("building a revision insert: {error}"),
        })?
        .to_owned();
    txn.execute(&insert).await?;
    Ok(())
}

/// One state a row has had, with the audit event that made it.
#[derive(Clone, Debug)]
pub struct Revision<M> {
    pub state: M,
    pub retracted: bool,
    pub event: audit_event::Model,
}

/// The rows of `E` that `condition` picks (on unqualified columns) as they stood once
/// `event` had committed: what a row owns, read beside one of the row's revisions.
pub async fn states_at<E>(
    db: &impl ConnectionTrait,
    condition: SimpleExpr,
    event: i32,
) -> Result<Vec<E::Model>, Error>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
{
    let superseded = Alias::new("superseded_by_event");
    let mut select = Query::select();
    select
        .columns(E::Column::iter().map(|column| Alias::new(column.as_str())))
        .from(revisions_table::<E>())
        .and_where(condition)
        .and_where(Expr::col(Alias::new("event_id")).lte(event))
        .and_where(
            Expr::col(superseded.clone())
                .is_null()
                .or(Expr::col(superseded).gt(event)),
        )
        .and_where(Expr::col(Alias::new("retracted")).eq(false));
    let rows = db.query_all(&select).await?;
    Ok(rows
        .iter()
        .map(|row| E::Model::from_query_result(row, ""))
        .collect::<Result<_, _>>()?)
}

/// The revisions of `E` (as `r`) with the audit events that made them, oldest first; the
/// caller says which rows.
fn revisions_select<E: EntityTrait>(rows: SimpleExpr) -> sea_orm::sea_query::SelectStatement {
    let revisions = Alias::new("r");
    let events = Alias::new("e");
    let mut select = Query::select();
    for column in E::Column::iter() {
        select.column((revisions.clone(), Alias::new(column.as_str())));
    }
    select.expr_as(
        Expr::col((revisions.clone(), Alias::new("retracted"))),
        Alias::new("revision_retracted"),
    );
    for column in audit_event::Column::iter() {
        select.expr_as(
            Expr::col((events.clone(), column)),
            Alias::new(format!("audit_{}", column.as_str())),
        );
    }
    select
        .from_as(revisions_table::<E>(), revisions.clone())
        .join_as(
            JoinType::InnerJoin,
            audit_event::Entity,
            events.clone(),
            Expr::col((events.clone(), audit_event::Column::Id))
                .equals((revisions.clone(), Alias::new("event_id"))),
        )
        .and_where(rows)
        .order_by((revisions, Alias::new("event_id")), sea_orm::Order::Asc);
    select
}

/// Every state of the rows `rows` picks, oldest first, grouped by `key` (columns of `r`).
async fn revisions_grouped<E, K>(
    db: &impl ConnectionTrait,
    rows: SimpleExpr,
    key: impl Fn(&sea_orm::QueryResult) -> Result<K, DbErr>,
) -> Result<HashMap<K, Vec<Revision<E::Model>>>, Error>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
    K: std::hash::Hash + Eq,
{
    let rows = db.query_all(&revisions_select::<E>(rows)).await?;
    let mut grouped: HashMap<K, Vec<Revision<E::Model>>> = HashMap::new();
    for row in rows {
        let revision = Revision {
            state: E::Model::from_query_result(&row, "")?,
            retracted: row.try_get("", "revision_retracted")?,
            event: audit_event::Model::from_query_result(&row, "audit_")?,
        };
        grouped.entry(key(&row)?).or_default().push(revision);
    }
    Ok(grouped)
}

/// Every state of the rows with these ids, oldest first, grouped by id.
pub async fn revisions_by_id<E>(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, Vec<Revision<E::Model>>>, Error>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
{
    let rows = Expr::col((Alias::new("r"), Alias::new("id"))).is_in(ids);
    revisions_grouped::<E, i32>(db, rows, |row| row.try_get("", "id")).await
}

/// Every state of the links between these pairs of rows, oldest first, grouped by pair;
/// `columns` name the link's two ends.
pub async fn revisions_by_pair<E>(
    db: &impl ConnectionTrait,
    (first, second): (&'static str, &'static str),
    pairs: impl IntoIterator<Item = (i32, i32)>,
) -> Result<HashMap<(i32, i32), Vec<Revision<E::Model>>>, Error>
where
    E: EntityTrait,
    E::Model: FromQueryResult,
{
    let revisions = Alias::new("r");
    let rows = pairs
        .into_iter()
        .map(|(a, b)| {
            Expr::col((revisions.clone(), Alias::new(first)))
                .eq(a)
                .and(Expr::col((revisions.clone(), Alias::new(second))).eq(b))
        })
        .reduce(ExprTrait::or)
        .unwrap_or_else(|| Expr::val(false));
    revisions_grouped::<E, (i32, i32)>(db, rows, |row| {
        Ok((row.try_get("", first)?, row.try_get("", second)?))
    })
    .await
}

/// Narrows the audit log, which lists in commit order.
#[derive(Debug, Default)]
pub struct AuditQuery {
    pub entity_type: Option<Vec<String>>,
    pub entity_id: Option<Vec<String>>,
    pub actor: Option<Vec<String>>,
    pub action: Option<Vec<String>>,
}

/// The audit events after `sequence` (an event id) that `filter` keeps, oldest first: what
/// a subscriber to the change feed has not yet been sent.
pub async fn events_after(
    db: &impl ConnectionTrait,
    filter: &AuditQuery,
    sequence: i32,
    limit: u64,
) -> Result<Vec<audit_event::Model>, Error> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    Ok(filter
        .select()?
        .filter(audit_event::Column::Id.gt(sequence))
        .order_by_asc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The last committed audit event's id; 0 before the first.
pub async fn last_sequence(db: &impl ConnectionTrait) -> Result<i32, Error> {
    use sea_orm::{QueryOrder, QuerySelect};
    let last: Option<i32> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Id)
        .order_by_desc(audit_event::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.unwrap_or(0))
}

/// The change feed: every audit event after a cursor, in commit order. Its own list, so a
/// cursor of the audit log is not taken for one of the feed's.
#[derive(Debug, Default)]
pub struct ChangeQuery;

impl Listing for ChangeQuery {
    type Entity = audit_event::Entity;
    type Field = AuditSort;
    const NAME: &'static str = "changes";

    fn sort_key(field: AuditSort) -> SortKey<audit_event::Model> {
        AuditQuery::sort_key(field)
    }

    fn select(&self) -> Result<Select<audit_event::Entity>, Error> {
        Ok(audit_event::Entity::find())
    }
}

/// The audit log has one order: the order changes were committed in.
#[derive(Debug, Clone, Copy, Default)]
pub enum AuditSort {
    #[default]
    Committed,
}

impl Listing for AuditQuery {
    type Entity = audit_event::Entity;
    type Field = AuditSort;
    const NAME: &'static str = "auditEvents";

    fn sort_key(_: AuditSort) -> SortKey<audit_event::Model> {
        list::computed(
            Expr::col((audit_event::Entity, audit_event::Column::Id)),
            KeyKind::Int,
            |event| json!(event.id),
        )
    }

    fn select(&self) -> Result<Select<audit_event::Entity>, Error> {
        use audit_event::Column as C;
        let mut select = audit_event::Entity::find();
        for (name, column, values) in [
            ("entityType", C::EntityType, &self.entity_type),
            ("entityId", C::EntityId, &self.entity_id),
            ("actor", C::Actor, &self.actor),
            ("action", C::Action, &self.action),
        ] {
            select = filters::one_of(select, name, column, values)?;
        }
        Ok(select)
    }
}

/// Records a whole dataset loaded into empty tables (synthetic data) under one event.
pub async fn record_dataset(
    txn: &DatabaseTransaction,
    author: &Author,
    name: &str,
) -> Result<i32, Error> {
    use crate::entities::*;
    let event = append(
        txn,
        Change {
            at: now(),
            author,
            action: Action::Imported,
            entity_type: "Dataset",
            entity_id: name.to_owned(),
            revision: 1,
            before: None,
            after: None,
        },
    )
    .await?;
    record_all::<source::Entity>(txn, event).await?;
    record_all::<subject::Entity>(txn, event).await?;
    record_all::<region::Entity>(txn, event).await?;
    record_all::<country::Entity>(txn, event).await?;
    record_all::<city::Entity>(txn, event).await?;
    record_all::<company::Entity>(txn, event).await?;
    record_all::<project::Entity>(txn, event).await?;
    record_all::<project_company::Entity>(txn, event).await?;
    record_all::<policy::Entity>(txn, event).await?;
    record_all::<policy_city::Entity>(txn, event).await?;
    record_all::<policy_company::Entity>(txn, event).await?;
    record_all::<company_sanction::Entity>(txn, event).await?;
    record_all::<indicator::Entity>(txn, event).await?;
    record_all::<observation::Entity>(txn, event).await?;
    record_all::<strategic_dimension::Entity>(txn, event).await?;
    record_all::<strategic_position::Entity>(txn, event).await?;
    Ok(event)
}
