//! Curated writes to the tables beside the observations (sources, indicators, …): one
//! create, update and retract for every table that implements [`Curated`], with the same
//! guarantees as the observations' (`curation`): the dataset's rules, an expected
//! revision, and the row, its revision and its audit event committed together.
//! A table's row is given as its dataset record, as a folder for `import` holds it.

use super::curation::{Problem, Written};
use super::history::{self, Action, Author, Change};
use crate::dataset::{IndicatorRecord, ProblemKind, SourceRecord};
use crate::entities::{indicator, observation, source};
use crate::error::Error;
use crate::seed::{Rows, Seeded, indicator_document, source_document};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, SqlErr,
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

    /// The record's natural key (a slug or a code), which its global ID encodes.
    fn key_of(record: &Self::Record) -> &str;

    /// The live row with this natural key.
    async fn find(db: &(impl ConnectionTrait), key: &str) -> Result<Option<Self>, Error>;

    /// Checks the record by the dataset's rules and builds its row, stamped now; `None`
    /// (with the reasons in `problems`) if a rule fails.
    async fn build(
        db: &(impl ConnectionTrait),
        record: Self::Record,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error>;

    /// The record the row was built from: what an update starts from.
    fn record_of(&self) -> Self::Record;

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

fn problem(field: &str, kind: ProblemKind, message: impl Into<String>) -> Problem {
    Problem {
        field: vec!["input".to_owned(), field.to_owned()],
        message: message.into(),
        kind,
    }
}

fn blank(problems: &mut Vec<Problem>, fields: &[(&str, &str)]) {
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
    let mut problems: Vec<Problem> = blank_reason(author).into_iter().collect();
    if M::find(&txn, M::key_of(&record)).await?.is_some() {
        problems.push(Problem {
            field: vec!["input".to_owned()],
            message: format!(
                "a {} with the key {:?} exists already; change it with its update mutation",
                M::TYPE,
                M::key_of(&record)
            ),
            kind: ProblemKind::Duplicate,
        });
    }
    let after = json(&record);
    let built = M::build(&txn, record, &mut problems).await?;
    let (Some(row), true) = (built, problems.is_empty()) else {
        txn.rollback().await?;
        return Ok(Written::Refused {
            problems,
            current: None,
        });
    };
    let key = M::key_of(&row.record_of()).to_owned();
    M::Entity::insert(row.into_insert())
        .exec_without_returning(&txn)
        .await?;
    let row = M::find(&txn, &key).await?.ok_or_else(|| Error::Internal {
        detail: format!("the {} just inserted is not there", M::TYPE),
    })?;
    let event = history::append(
        &txn,
        Change {
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
    let Some(before) = M::find(&txn, key).await? else {
        txn.rollback().await?;
        return Ok(Written::NotFound);
    };
    let mut problems: Vec<Problem> = blank_reason(author).into_iter().collect();
    problems.extend(stale(before.revision_number(), expected_revision, M::TYPE));
    let before_record = before.record_of();
    let mut record = before_record.clone();
    patch(&mut record);
    let after_json = json(&record);
    let built = M::build(&txn, record, &mut problems).await?;
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
    let Some(before) = M::find(&txn, key).await? else {
        txn.rollback().await?;
        return Ok(Written::NotFound);
    };
    let problems: Vec<Problem> = blank_reason(author)
        .into_iter()
        .chain(stale(before.revision_number(), expected_revision, M::TYPE))
        .collect();
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
            author,
            action: Action::Retracted,
            entity_type: M::TYPE,
            entity_id,
            revision: before.revision_number() + 1,
            before: json(&before.record_of()),
            after: None,
        },
    )
    .await?;
    history::record::<M::Entity>(&txn, &before.primary_key(), event, true).await?;
    let deleted = before.clone().into_active_model().delete(&txn).await;
    match deleted {
        Ok(_) => {}
        Err(error) if is_foreign_key_violation(&error) => {
            txn.rollback().await?;
            return Ok(Written::Refused {
                problems: vec![Problem {
                    field: vec!["id".to_owned()],
                    message: format!(
                        "other rows still refer to this {}: retract or change them first",
                        M::TYPE
                    ),
                    kind: ProblemKind::InUse,
                }],
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

/// Whether a write failed because another row still refers to the one it removes. SQLite
/// reports a deletion that breaks a foreign key with an extended code (1811) that SeaORM
/// does not classify, so its message is the test there.
fn is_foreign_key_violation(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(SqlErr::ForeignKeyConstraintViolation(_))
    ) || error.to_string().contains("FOREIGN KEY constraint failed")
}

#[async_trait::async_trait]
impl Curated for source::Model {
    type Record = SourceRecord;
    const TYPE: &'static str = "Source";

    fn key_of(record: &SourceRecord) -> &str {
        &record.slug
    }

    async fn find(db: &(impl ConnectionTrait), key: &str) -> Result<Option<Self>, Error> {
        Ok(source::Entity::find()
            .filter(source::Column::Slug.eq(key))
            .one(db)
            .await?)
    }

    async fn build(
        _db: &(impl ConnectionTrait),
        record: SourceRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("kind", &record.kind),
                ("publisher", &record.publisher),
                ("title", &record.title),
                ("paperReference", &record.paper_reference),
            ],
        );
        let document = source_document(&record);
        let rows = Rows {
            now: history::now(),
        };
        Ok((problems.len() == before).then(|| rows.source(record, document)))
    }

    fn record_of(&self) -> SourceRecord {
        SourceRecord {
            slug: self.slug.clone(),
            kind: self.kind.clone(),
            publisher: self.publisher.clone(),
            authors: self.authors.clone(),
            title: self.title.clone(),
            container: self.container.clone(),
            published_on: self.published_on.clone(),
            accessed_on: self.accessed_on.clone(),
            url: self.url.clone(),
            doi: self.doi.clone(),
            paper_reference: self.paper_reference.clone(),
            note: self.note.clone(),
        }
    }
}

#[async_trait::async_trait]
impl Curated for indicator::Model {
    type Record = IndicatorRecord;
    const TYPE: &'static str = "Indicator";

    fn key_of(record: &IndicatorRecord) -> &str {
        &record.code
    }

    async fn find(db: &(impl ConnectionTrait), key: &str) -> Result<Option<Self>, Error> {
        Ok(indicator::Entity::find()
            .filter(indicator::Column::Code.eq(key))
            .one(db)
            .await?)
    }

    async fn build(
        _db: &(impl ConnectionTrait),
        record: IndicatorRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("code", &record.code),
                ("name", &record.name),
                ("description", &record.description),
                ("unit", &record.unit),
                ("scale", &record.scale),
                ("measure", &record.measure),
                ("topic", &record.topic),
            ],
        );
        let document = indicator_document(&record);
        let rows = Rows {
            now: history::now(),
        };
        Ok((problems.len() == before).then(|| rows.indicator(record, document)))
    }

    fn record_of(&self) -> IndicatorRecord {
        IndicatorRecord {
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            unit: self.unit.clone(),
            scale: self.scale.clone(),
            measure: self.measure.clone(),
            topic: self.topic.clone(),
            caveat: self.caveat.clone(),
        }
    }

    /// An indicator's figures are in its unit and scale: those change only while it has
    /// none.
    async fn check_update(
        db: &(impl ConnectionTrait),
        before: &Self,
        after: &Self,
        problems: &mut Vec<Problem>,
    ) -> Result<(), Error> {
        if before.unit == after.unit && before.scale == after.scale {
            return Ok(());
        }
        let figures = observation::Entity::find()
            .filter(observation::Column::IndicatorId.eq(before.id))
            .count(db)
            .await?;
        if figures > 0 {
            problems.push(problem(
                "unit",
                ProblemKind::WrongUnit,
                format!(
                    "{figures} observation(s) of {} are in {} ({}): correct or retract them \
                     before the indicator's unit or scale changes",
                    before.code, before.unit, before.scale
                ),
            ));
        }
        Ok(())
    }
}
