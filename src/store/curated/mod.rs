//! Curated writes to the tables beside the observations (sources, indicators, …): one
//! create, update and retract for every table that implements [`Curated`], with the same
//! guarantees as the observations' (`curation`): the dataset's rules, an expected
//! revision, and the row, its revision and its audit event committed together.
//! A table's row is given as its dataset record, as a folder for `import` holds it.

mod comparison;
mod links;
mod organisations;
mod subjects;
mod tables;

pub(crate) use links::link_key;

use super::curation::{Problem, Written};
use super::history::{self, Action, Author, Change};
use crate::dataset::ProblemKind;
use crate::entities::{city, company, country, policy, project, region, source};
use crate::error::Error;
use crate::seed::{Rows, Seeded};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, QueryFilter, QuerySelect, SqlErr,
};
use serde::Serialize;

/// A curated table whose rows are written one by one through GraphQL.
#[async_trait::async_trait]
pub(crate) trait Curated: Seeded + Sized
where
    Self::Entity: EntityTrait<Model = Self>,
{
    /// The row as a dataset record: what a client gives, and the audit log keeps.
    type Record: Clone + Serialize + Send + Sync;
    /// The type the schema and the audit log name the row by.
    const TYPE: &'static str;

    /// The record's natural key (a slug or a code; a link's two slugs joined by `/`),
    /// which its global ID encodes.
    fn key_of(record: &Self::Record) -> String;

    /// The live row with this natural key.
    async fn find(db: &(impl ConnectionTrait), key: &str) -> Result<Option<Self>, Error>;

    /// Checks the record by the dataset's rules and builds its row, stamped now; `None`
    /// (with the reasons in `problems`) if a rule fails.
    async fn build(
        db: &(impl ConnectionTrait),
        record: Self::Record,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error>;

    /// The record the row was built from, its references by natural key: what an update
    /// starts from, and what a revision shows.
    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<Self::Record, Error>;

    /// The record of one of the row's past states, which `event` made: as `record_of`,
    /// with what the row owns read as it stood then.
    async fn record_at(
        &self,
        db: &impl ConnectionTrait,
        _event: i32,
    ) -> Result<Self::Record, Error> {
        self.record_of(db).await
    }

    /// The rows that still refer to this one, as "3 observations": a retraction is refused
    /// while there are any. Foreign keys that restrict deletion refuse it in the database
    /// too; this covers the ones that cascade, which would take the children silently.
    async fn dependents(_db: &impl ConnectionTrait, _row: &Self) -> Result<Vec<String>, Error> {
        Ok(Vec::new())
    }

    /// Writes what the row owns beside it, once the row itself is written: a place's
    /// subject on creation, a Table 1 row's positions. Their revisions share the row's
    /// audit event.
    async fn write_owned(
        _txn: &DatabaseTransaction,
        _row: &Self,
        _record: &Self::Record,
        _event: i32,
        _created: bool,
    ) -> Result<(), Error> {
        Ok(())
    }

    /// Removes the live row and what it owns, their last states already recorded by the
    /// caller for the row and here for what it owns. The inner error is the deletion's, so
    /// that a row still referred to is told apart from a failure.
    async fn remove(
        txn: &DatabaseTransaction,
        row: &Self,
        _event: i32,
    ) -> Result<Result<(), DbErr>, Error> {
        Ok(row
            .clone()
            .into_active_model()
            .delete(txn)
            .await
            .map(|_| ()))
    }

    /// Rules an update must keep beyond a new row's, given the row it replaces.
    async fn check_update(
        _db: &(impl ConnectionTrait),
        _before: &Self,
        _after: &Self,
        _problems: &mut Vec<Problem>,
    ) -> Result<(), Error> {
        Ok(())
    }
}

/// Row builders stamped now.
pub(super) fn rows() -> Rows {
    Rows {
        now: history::now(),
    }
}

pub(super) fn problem(field: &str, kind: ProblemKind, message: impl Into<String>) -> Problem {
    Problem {
        field: vec!["input".to_owned(), field.to_owned()],
        message: message.into(),
        kind,
    }
}

pub(super) fn blank(problems: &mut Vec<Problem>, fields: &[(&str, &str)]) {
    for (field, text) in fields {
        if text.trim().is_empty() {
            problems.push(problem(
                field,
                ProblemKind::Blank,
                format!("`{field}` must not be empty"),
            ));
        }
    }
}

/// The id of the row of `E` whose `key_column` is `key`, or a problem on `field`.
pub(super) async fn reference<E: EntityTrait>(
    db: &impl ConnectionTrait,
    (id_column, key_column): (E::Column, E::Column),
    (field, what, key): (&str, &str, &str),
    problems: &mut Vec<Problem>,
) -> Result<Option<i32>, Error> {
    let found: Option<i32> = E::find()
        .select_only()
        .column(id_column)
        .filter(key_column.eq(key))
        .into_tuple()
        .one(db)
        .await?;
    if found.is_none() {
        let message = if key.trim().is_empty() {
            format!("missing {what}: `{field}` must name one")
        } else {
            format!("no {what} has the key {key:?}")
        };
        problems.push(problem(field, ProblemKind::UnknownReference, message));
    }
    Ok(found)
}

/// The natural key of the row of `E` with this id: how a record names what it refers to.
/// An old revision may refer to a row retracted since, which has no live key any more.
pub(super) async fn key_by_id<E: EntityTrait>(
    db: &impl ConnectionTrait,
    (id_column, key_column): (E::Column, E::Column),
    id: i32,
) -> Result<String, Error> {
    let found: Option<String> = E::find()
        .select_only()
        .column(key_column)
        .filter(id_column.eq(id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.unwrap_or_else(|| format!("(retracted, id {id})")))
}

pub(super) const COUNTRY: (country::Column, country::Column) =
    (country::Column::Id, country::Column::Code);
pub(super) const SOURCE: (source::Column, source::Column) =
    (source::Column::Id, source::Column::Slug);
pub(super) const COMPANY: (company::Column, company::Column) =
    (company::Column::Id, company::Column::Slug);
pub(super) const REGION: (region::Column, region::Column) =
    (region::Column::Id, region::Column::Code);
pub(super) const CITY: (city::Column, city::Column) = (city::Column::Id, city::Column::Slug);
pub(super) const PROJECT: (project::Column, project::Column) =
    (project::Column::Id, project::Column::Slug);
pub(super) const POLICY: (policy::Column, policy::Column) =
    (policy::Column::Id, policy::Column::Slug);

fn json<R: Serialize>(record: &R) -> Option<serde_json::Value> {
    serde_json::to_value(record).ok()
}

fn blank_reason(author: &Author) -> Option<Problem> {
    author.reason.trim().is_empty().then(|| Problem {
        field: vec!["reason".to_owned()],
        message: "every change needs a reason, which the audit log keeps".to_owned(),
        kind: ProblemKind::Blank,
    })
}

fn stale(revision: i32, expected: i32, what: &str) -> Option<Problem> {
    (revision != expected).then(|| Problem {
        field: vec!["expectedRevision".to_owned()],
        message: format!(
            "the {what} is at revision {revision}, not {expected}: it changed since you read \
             it; read it again and reapply your change"
        ),
        kind: ProblemKind::StaleRevision,
    })
}

/// Creates a row; `entity_id` names it in the audit log (its global ID).
pub(crate) async fn create<M>(
    db: &DatabaseConnection,
    record: M::Record,
    author: &Author,
    entity_id: String,
) -> Result<Written<M>, Error>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let txn = history::begin_write(db).await?;
    let at = history::now();
    let mut problems: Vec<Problem> = blank_reason(author).into_iter().collect();
    let key = M::key_of(&record);
    if M::find(&txn, &key).await?.is_some() {
        problems.push(Problem {
            field: vec!["input".to_owned()],
            message: format!(
                "a {} with the key {:?} exists already; change it with its update mutation",
                M::TYPE,
                key
            ),
            kind: ProblemKind::Duplicate,
        });
    }
    let after = json(&record);
    let built = M::build(&txn, record.clone(), &mut problems).await?;
    let (Some(row), true) = (built, problems.is_empty()) else {
        txn.rollback().await?;
        return Ok(Written::Refused {
            problems,
            current: None,
        });
    };
    M::Entity::insert(row.into_insert())
        .exec_without_returning(&txn)
        .await?;
    let row = M::find(&txn, &key).await?.ok_or_else(|| Error::Internal {
        detail: format!("the {} just inserted is not there", M::TYPE),
    })?;
    let event = history::append(
        &txn,
        Change {
            at,
            author,
            action: Action::Created,
            entity_type: M::TYPE,
            entity_id,
            revision: row.revision_number(),
            before: None,
            after,
        },
    )
    .await?;
    history::record::<M::Entity>(&txn, &row.primary_key(), event, false).await?;
    M::write_owned(&txn, &row, &record, event, true).await?;
    txn.commit().await?;
    Ok(Written::Done(row))
}

/// Changes a row at `expected_revision`; `patch` edits its record.
pub(crate) async fn update<M>(
    db: &DatabaseConnection,
    key: &str,
    expected_revision: i32,
    patch: impl FnOnce(&mut M::Record) + Send,
    author: &Author,
    entity_id: String,
) -> Result<Written<M>, Error>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let txn = history::begin_write(db).await?;
    let at = history::now();
    let Some(before) = M::find(&txn, key).await? else {
        txn.rollback().await?;
        return Ok(Written::NotFound);
    };
    let mut problems: Vec<Problem> = blank_reason(author).into_iter().collect();
    problems.extend(stale(before.revision_number(), expected_revision, M::TYPE));
    let before_record = before.record_of(&txn).await?;
    let mut record = before_record.clone();
    patch(&mut record);
    let after_json = json(&record);
    let built = M::build(&txn, record.clone(), &mut problems).await?;
    if let Some(after) = &built {
        M::check_update(&txn, &before, after, &mut problems).await?;
    }
    let (Some(mut row), true) = (built, problems.is_empty()) else {
        txn.rollback().await?;
        return Ok(Written::Refused {
            problems,
            current: Some(before),
        });
    };
    row.adopt_identity(&before);
    row.mark_changed(history::now());
    let row = row.into_active_model().reset_all().update(&txn).await?;
    let event = history::append(
        &txn,
        Change {
            at,
            author,
            action: Action::Updated,
            entity_type: M::TYPE,
            entity_id,
            revision: row.revision_number(),
            before: json(&before_record),
            after: after_json,
        },
    )
    .await?;
    history::record::<M::Entity>(&txn, &row.primary_key(), event, false).await?;
    M::write_owned(&txn, &row, &record, event, false).await?;
    txn.commit().await?;
    Ok(Written::Done(row))
}

/// Retracts a row at `expected_revision`: it leaves the live data and its revisions keep
/// it. A row that others still refer to is refused, and they are named.
pub(crate) async fn retract<M>(
    db: &DatabaseConnection,
    key: &str,
    expected_revision: i32,
    author: &Author,
    entity_id: String,
) -> Result<Written<M>, Error>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let txn = history::begin_write(db).await?;
    let at = history::now();
    let Some(before) = M::find(&txn, key).await? else {
        txn.rollback().await?;
        return Ok(Written::NotFound);
    };
    let problems: Vec<Problem> = blank_reason(author)
        .into_iter()
        .chain(stale(before.revision_number(), expected_revision, M::TYPE))
        .collect();
    let mut problems = problems;
    let dependents = M::dependents(&txn, &before).await?;
    if !dependents.is_empty() {
        problems.push(in_use::<M>(&dependents.join(", ")));
    }
    if !problems.is_empty() {
        txn.rollback().await?;
        return Ok(Written::Refused {
            problems,
            current: Some(before),
        });
    }
    let event = history::append(
        &txn,
        Change {
            at,
            author,
            action: Action::Retracted,
            entity_type: M::TYPE,
            entity_id,
            revision: before.revision_number() + 1,
            before: json(&before.record_of(&txn).await?),
            after: None,
        },
    )
    .await?;
    history::record::<M::Entity>(&txn, &before.primary_key(), event, true).await?;
    match M::remove(&txn, &before, event).await? {
        Ok(()) => {}
        Err(error) if is_foreign_key_violation(&error) => {
            txn.rollback().await?;
            return Ok(Written::Refused {
                problems: vec![in_use::<M>("other rows")],
                current: Some(before),
            });
        }
        Err(error) => return Err(error.into()),
    }
    txn.commit().await?;
    let mut retracted = before;
    retracted.mark_changed(history::now());
    Ok(Written::Done(retracted))
}

fn in_use<M: Curated>(dependents: &str) -> Problem
where
    M::Entity: EntityTrait<Model = M>,
{
    Problem {
        field: vec!["id".to_owned()],
        message: format!(
            "{dependents} still refer to this {}: retract or change them first",
            M::TYPE
        ),
        kind: ProblemKind::InUse,
    }
}

/// How many rows of `E` have `id` in `column`, as "3 observations"; `None` for none.
pub(super) async fn count_of<E>(
    db: &impl ConnectionTrait,
    column: E::Column,
    id: i32,
    what: &str,
) -> Result<Option<String>, Error>
where
    E: EntityTrait,
    E::Model: Sync,
{
    use sea_orm::PaginatorTrait;
    let count = E::find().filter(column.eq(id)).count(db).await?;
    Ok((count > 0).then(|| format!("{count} {what}")))
}

/// The live row of `E` whose natural key `column` is `key`.
pub(super) async fn one_by<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
    key: &str,
) -> Result<Option<E::Model>, Error> {
    Ok(E::find().filter(column.eq(key)).one(db).await?)
}

/// Whether a write failed because another row still refers to the one it removes. SQLite
/// reports a deletion that breaks a foreign key with an extended code (1811) that SeaORM
/// does not classify, so its message is the test there.
fn is_foreign_key_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    ) || error.to_string().contains("FOREIGN KEY constraint failed")
}
