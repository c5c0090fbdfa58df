//! Curated writes to the tables beside the observations (sources, indicators, …): one
//! create, update and retract for every table that implements [`Curated`], with the same
//! guarantees as the observations' (`curation`): the dataset's rules, an expected
//! revision, and the row, its revision and its audit event committed together.
//! A table's row is given as its dataset record, as a folder for `import` holds it.

/// Implements `Curated` for a table's model: its record, the type the schema names its
/// rows by, and its natural key with how the live row is found by it: `keyed by slug in
/// Slug`, a field of the record and its column (`, a subject` for a row that is a subject
/// too, `subject_id` its subject); `linking policy in POLICY / city in CITY`,
/// a link's two ends, each a field of the record naming a row of a `Referred` table, found
/// through `links::ends`. The table's own items follow.
macro_rules! curated {
    (
        $module:ident: $record:ident as $type:literal, keyed by $key:ident in $column:ident,
        a subject; $($items:tt)*
    ) => {
        $crate::store::curated::curated! {
            $module: $record as $type, keyed by $key in $column;

            fn subject_id(&self) -> Option<i32> {
                Some(self.subject_id)
            }

            $($items)*
        }
    };
    (
        $module:ident: $record:ident as $type:literal, keyed by $key:ident in $column:ident;
        $($items:tt)*
    ) => {
        $crate::store::curated::curated! {
            @impl $module: $record as $type;
            key_of(record) { record.$key.clone() }
            find(db, key) {
                $crate::store::curated::one_by::<$module::Entity>(db, $module::Column::$column, key)
                    .await
            }
            $($items)*
        }
    };
    (
        $module:ident: $record:ident as $type:literal,
        linking $first:ident in $first_table:ident / $second:ident in $second_table:ident;
        $($items:tt)*
    ) => {
        $crate::store::curated::curated! {
            @impl $module: $record as $type;
            key_of(record) { $crate::store::curated::link_key(&record.$first, &record.$second) }
            find(db, key) {
                let Some(ids) = ends(db, key, &$first_table, &$second_table).await? else {
                    return Ok(None);
                };
                let find = <$module::Entity as ::sea_orm::EntityTrait>::find_by_id(ids);
                Ok(find.one(db).await?)
            }
            $($items)*
        }
    };
    (
        @impl $module:ident: $record:ident as $type:literal;
        key_of($record_var:ident) $key_of:block
        find($db:ident, $key:ident) $find:block
        $($items:tt)*
    ) => {
        #[async_trait::async_trait]
        impl $crate::store::curated::Curated for $module::Model {
            type Record = $record;
            const TYPE: &'static str = $type;

            fn key_of($record_var: &$record) -> String $key_of

            async fn find(
                $db: &impl ::sea_orm::ConnectionTrait,
                $key: &str,
            ) -> Result<Option<Self>, $crate::error::Error> $find

            $($items)*
        }
    };
}

/// The rows that still refer to one, as "3 observations" for each table that has any:
/// `column => id, "what";` for each column that may hold the row's id (or its subject's).
macro_rules! referring {
    ($db:expr; $($column:expr => $id:expr, $what:literal;)+) => {{
        let mut found = Vec::new();
        $(found.extend($crate::store::curated::count_of($db, $column, $id, $what).await?);)+
        found
    }};
}

pub(crate) use curated;

mod comparison;
mod links;
mod organisations;
mod subjects;
mod tables;

pub(crate) use links::link_key;

use super::curation::{Entry, Problem, Write, Written};
use super::history::{self, Author};
use crate::dataset::ProblemKind;
use crate::entities::{city, company, country, policy, project, region, source, subject};
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

    /// The subject the row is, for the tables whose rows are subjects too (the places and
    /// the organisations): a new row's subject is inserted as its record is built, and
    /// the row owns it, so the defaults of `write_owned` and `remove` revise it with the
    /// row.
    fn subject_id(&self) -> Option<i32> {
        None
    }

    /// Writes what the row owns beside it, once the row itself is written: a subject's
    /// first revision on creation, a Table 1 row's positions. Their revisions share the
    /// row's audit event.
    async fn write_owned(
        txn: &DatabaseTransaction,
        row: &Self,
        _record: &Self::Record,
        event: i32,
        created: bool,
    ) -> Result<(), Error> {
        match row.subject_id() {
            Some(subject_id) if created => {
                let key = subjects::row_key(subject_id);
                history::record::<subject::Entity>(txn, &key, event, false).await
            }
            _ => Ok(()),
        }
    }

    /// Removes the live row and what it owns (its subject, if it is one), their last
    /// states already recorded by the caller for the row and here for what it owns. The
    /// inner error is the deletion's, so that a row still referred to is told apart from
    /// a failure.
    async fn remove(
        txn: &DatabaseTransaction,
        row: &Self,
        event: i32,
    ) -> Result<Result<(), DbErr>, Error> {
        if let Err(error) = delete(txn, row).await {
            return Ok(Err(error));
        }
        match row.subject_id() {
            Some(subject_id) => subjects::remove_subject(txn, subject_id, event).await,
            None => Ok(Ok(())),
        }
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

/// A table that records refer to by natural key: its id and key columns, and what a
/// problem calls its rows.
pub(super) struct Referred<E: EntityTrait> {
    id: E::Column,
    key: E::Column,
    what: &'static str,
}

impl<E: EntityTrait> Referred<E> {
    const fn new(id: E::Column, key: E::Column, what: &'static str) -> Self {
        Self { id, key, what }
    }

    /// The id of the live row whose key is `key`, or a problem on the input `field`.
    pub(super) async fn id(
        &self,
        db: &impl ConnectionTrait,
        field: &str,
        key: &str,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<i32>, Error> {
        let found = self.live_id(db, key).await?;
        if found.is_none() {
            let what = self.what;
            let message = if key.trim().is_empty() {
                format!("missing {what}: `{field}` must name one")
            } else {
                format!("no {what} has the key {key:?}")
            };
            problems.push(problem(field, ProblemKind::UnknownReference, message));
        }
        Ok(found)
    }

    /// As `id`, for a reference that may be absent: `None` given is no reference, not a
    /// problem.
    pub(super) async fn optional_id(
        &self,
        db: &impl ConnectionTrait,
        field: &str,
        key: Option<&str>,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<i32>, Error> {
        match key {
            None => Ok(None),
            Some(key) => self.id(db, field, key, problems).await,
        }
    }

    /// The natural key of the row with this id: how a record names what it refers to.
    /// An old revision may refer to a row retracted since, which has no live key any more.
    pub(super) async fn key(&self, db: &impl ConnectionTrait, id: i32) -> Result<String, Error> {
        let found: Option<String> = E::find()
            .select_only()
            .column(self.key)
            .filter(self.id.eq(id))
            .into_tuple()
            .one(db)
            .await?;
        Ok(found.unwrap_or_else(|| format!("(retracted, id {id})")))
    }

    /// As `key`, for a reference that may be absent.
    pub(super) async fn optional_key(
        &self,
        db: &impl ConnectionTrait,
        id: Option<i32>,
    ) -> Result<Option<String>, Error> {
        match id {
            None => Ok(None),
            Some(id) => Ok(Some(self.key(db, id).await?)),
        }
    }

    /// The id of the live row whose key is `key`, if there is one; a link's ends are
    /// looked up so, where a missing end means no link rather than a problem.
    pub(super) async fn live_id(
        &self,
        db: &impl ConnectionTrait,
        key: &str,
    ) -> Result<Option<i32>, Error> {
        Ok(E::find()
            .select_only()
            .column(self.id)
            .filter(self.key.eq(key))
            .into_tuple()
            .one(db)
            .await?)
    }
}

/// Declares the `Referred` table of each name: `NAME: module by Key, "what";`.
macro_rules! referred {
    ($($name:ident: $module:ident by $key:ident, $what:literal;)+) => {
        $(
            pub(super) const $name: Referred<$module::Entity> =
                Referred::new($module::Column::Id, $module::Column::$key, $what);
        )+
    };
}

// The tables records refer to, each by its slug or code.
referred! {
    COUNTRY: country by Code, "country";
    SOURCE: source by Slug, "source";
    COMPANY: company by Slug, "company";
    REGION: region by Code, "region";
    CITY: city by Slug, "city";
    PROJECT: project by Slug, "project";
    POLICY: policy by Slug, "policy";
}

fn json<R: Serialize>(record: &R) -> Option<serde_json::Value> {
    serde_json::to_value(record).ok()
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
    let write = Write::begin(db, author).await?;
    let txn = &write.txn;
    let mut problems = write.problems();
    let key = M::key_of(&record);
    if M::find(txn, &key).await?.is_some() {
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
    let built = M::build(txn, record.clone(), &mut problems).await?;
    let (Some(row), true) = (built, problems.is_empty()) else {
        return write.refuse(problems, None).await;
    };
    M::Entity::insert(row.into_insert())
        .exec_without_returning(txn)
        .await?;
    let row = M::find(txn, &key).await?.ok_or_else(|| Error::Internal {
        detail: format!("the {} just inserted is not there", M::TYPE),
    })?;
    let entity = (M::TYPE, entity_id);
    let event = write
        .log::<M::Entity>(
            Entry::Created { after },
            entity,
            row.revision_number(),
            &row.primary_key(),
        )
        .await?;
    M::write_owned(txn, &row, &record, event, true).await?;
    write.commit(row).await
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
    let write = Write::begin(db, author).await?;
    let txn = &write.txn;
    let Some(before) = M::find(txn, key).await? else {
        return write.not_found().await;
    };
    let mut problems = write.problems_at((M::TYPE, before.revision_number()), expected_revision);
    let before_record = before.record_of(txn).await?;
    let mut record = before_record.clone();
    patch(&mut record);
    let after = json(&record);
    let built = M::build(txn, record.clone(), &mut problems).await?;
    if let Some(built) = &built {
        M::check_update(txn, &before, built, &mut problems).await?;
    }
    let (Some(mut row), true) = (built, problems.is_empty()) else {
        return write.refuse(problems, Some(before)).await;
    };
    row.adopt_identity(&before);
    row.mark_changed(history::now());
    let row = row.into_active_model().reset_all().update(txn).await?;
    let entry = Entry::Updated {
        before: json(&before_record),
        after,
    };
    let entity = (M::TYPE, entity_id);
    let event = write
        .log::<M::Entity>(entry, entity, row.revision_number(), &row.primary_key())
        .await?;
    M::write_owned(txn, &row, &record, event, false).await?;
    write.commit(row).await
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
    let write = Write::begin(db, author).await?;
    let txn = &write.txn;
    let Some(before) = M::find(txn, key).await? else {
        return write.not_found().await;
    };
    let mut problems = write.problems_at((M::TYPE, before.revision_number()), expected_revision);
    let dependents = M::dependents(txn, &before).await?;
    if !dependents.is_empty() {
        problems.push(in_use::<M>(&dependents.join(", ")));
    }
    if !problems.is_empty() {
        return write.refuse(problems, Some(before)).await;
    }
    let entry = Entry::Retracted {
        before: json(&before.record_of(txn).await?),
    };
    let entity = (M::TYPE, entity_id);
    let revision = before.revision_number() + 1;
    let event = write
        .log::<M::Entity>(entry, entity, revision, &before.primary_key())
        .await?;
    match M::remove(txn, &before, event).await? {
        Ok(()) => {}
        Err(error) if is_foreign_key_violation(&error) => {
            let problems = vec![in_use::<M>("other rows")];
            return write.refuse(problems, Some(before)).await;
        }
        Err(error) => return Err(error.into()),
    }
    let mut retracted = before;
    retracted.mark_changed(history::now());
    write.commit(retracted).await
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

/// How many rows of the column's table have `id` in it, as "3 observations"; `None` for
/// none.
pub(super) async fn count_of<C>(
    db: &impl ConnectionTrait,
    column: C,
    id: i32,
    what: &str,
) -> Result<Option<String>, Error>
where
    C: ColumnTrait,
    C::EntityName: EntityTrait<Column = C, Model: Sync>,
{
    use sea_orm::PaginatorTrait;
    let count = <C::EntityName as EntityTrait>::find()
        .filter(column.eq(id))
        .count(db)
        .await?;
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

/// Deletes the live row, the error kept apart for the caller to tell a row still referred
/// to from a failure.
pub(super) async fn delete<M>(txn: &DatabaseTransaction, row: &M) -> Result<(), DbErr>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    row.clone()
        .into_active_model()
        .delete(txn)
        .await
        .map(|_| ())
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
