//! Curated writes: creating, correcting and retracting observations. Each write checks its
//! input by the seeder's rules, refuses a stale revision, and commits the row, its revision
//! and its audit event together (see `history`). Input that fails a check writes nothing.

use super::curated::one_by;
use super::history::{self, Action, Author, Change};
use super::lookups::{ObservationKey, observations_by_keys};
pub use crate::dataset::ProblemKind;
use chrono::{DateTime, Utc};

use crate::dataset::{self, Measured, ObservationRecord};
use crate::entities::{indicator, observation, source, subject};
use crate::error::Error;
use crate::seed::{ObservationIds, Rows, observation_document};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, Value,
};
use serde_json::json;

/// Why an input was refused: the client's to fix, with the input field it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The path to the input field, e.g. `["input", "unit"]`.
    pub field: Vec<String>,
    pub message: String,
    pub kind: ProblemKind,
}

impl Problem {
    fn new(field: &[&str], kind: ProblemKind, message: impl Into<String>) -> Self {
        Self {
            field: field.iter().map(|part| (*part).to_owned()).collect(),
            message: message.into(),
            kind,
        }
    }
}

/// What a write did: the row as it now stands, or why nothing was written.
#[derive(Debug)]
pub enum Written<M> {
    Done(M),
    /// Nothing was written; `current` is the row as it stands, where there is one.
    Refused {
        problems: Vec<Problem>,
        current: Option<M>,
    },
    /// No live row has this key.
    NotFound,
}

/// A new observation, with its references by natural key, as a curator gives it.
#[derive(Clone, Debug)]
pub struct NewObservation {
    pub record: ObservationRecord,
}

/// The fields of an observation a correction may change; its identity (indicator, subject,
/// period, category and source) stays, so that its global ID does too.
#[derive(Clone, Debug, Default)]
pub struct ObservationPatch {
    pub value: Option<f64>,
    pub value_text: Option<String>,
    pub unit: Option<String>,
    pub scale: Option<String>,
    pub qualifier: Option<String>,
    pub status: Option<String>,
    pub cited_in: Option<String>,
    /// `Some(None)` clears the caveat.
    pub caveat: Option<Option<String>>,
}

impl ObservationPatch {
    fn apply(self, record: &mut ObservationRecord) {
        let ObservationPatch {
            value,
            value_text,
            unit,
            scale,
            qualifier,
            status,
            cited_in,
            caveat,
        } = self;
        record.value = value.unwrap_or(record.value);
        record.value_text = value_text.unwrap_or_else(|| record.value_text.clone());
        record.unit = unit.unwrap_or_else(|| record.unit.clone());
        record.scale = scale.unwrap_or_else(|| record.scale.clone());
        record.qualifier = qualifier.unwrap_or_else(|| record.qualifier.clone());
        record.status = status.unwrap_or_else(|| record.status.clone());
        record.cited_in = cited_in.unwrap_or_else(|| record.cited_in.clone());
        record.caveat = caveat.unwrap_or_else(|| record.caveat.clone());
    }
}

/// The rows an observation record refers to.
struct References {
    indicator: indicator::Model,
    subject: subject::Model,
    source: source::Model,
}

/// Every write needs a reason; without one it is refused, whatever else it changes.
fn blank_reason(author: &Author) -> Option<Problem> {
    author.reason.trim().is_empty().then(|| {
        Problem::new(
            &["reason"],
            ProblemKind::Blank,
            "every change needs a reason, which the audit log keeps",
        )
    })
}

/// Checks a record by the seeder's rules; the references it names, if they all resolve.
async fn check(
    db: &impl ConnectionTrait,
    record: &ObservationRecord,
    problems: &mut Vec<Problem>,
) -> Result<Option<References>, Error> {
    let indicator =
        one_by::<indicator::Entity>(db, indicator::Column::Code, &record.indicator).await?;
    let kind = dataset::known::<subject::SubjectKind>(&record.subject_kind);
    let subject = match kind {
        Some(kind) => {
            subject::Entity::find()
                .filter(subject::Column::Kind.eq(kind))
                .filter(subject::Column::Key.eq(record.subject.as_str()))
                .one(db)
                .await?
        }
        None => None,
    };
    let source = one_by::<source::Entity>(db, source::Column::Slug, &record.source).await?;
    // Each reference that resolves to no live row, in the order of the record's columns:
    // the input field, what it names, and by which key.
    let subject_kind = record.subject_kind.to_lowercase();
    let unknown = [
        (
            indicator.is_none(),
            "indicator",
            "indicator",
            "code",
            &record.indicator,
        ),
        (
            subject.is_none(),
            "subject",
            subject_kind.as_str(),
            "key",
            &record.subject,
        ),
        (source.is_none(), "source", "source", "slug", &record.source),
    ];
    for (missing, field, what, key_name, key) in unknown {
        if missing {
            problems.push(Problem::new(
                &["input", field],
                ProblemKind::UnknownReference,
                format!("no {what} has the {key_name} {key:?}"),
            ));
        }
    }
    let measured = indicator.as_ref().map(|indicator| Measured {
        code: &indicator.code,
        unit: &indicator.unit,
        scale: &indicator.scale,
    });
    for breach in dataset::observation_breaches(record, measured) {
        // A blank source is already reported as naming no source.
        if breach.column != "source" {
            problems.push(Problem::new(
                &["input", &input_field(breach.column)],
                breach.kind,
                breach.message,
            ));
        }
    }
    Ok(match (indicator, subject, source) {
        (Some(indicator), Some(subject), Some(source)) => Some(References {
            indicator,
            subject,
            source,
        }),
        _ => None,
    })
}

/// The input field a dataset column is given in: `value_text` is `valueText`.
fn input_field(column: &str) -> String {
    let mut field = String::with_capacity(column.len());
    let mut words = column.split('_');
    field.extend(words.next());
    for word in words {
        let mut chars = word.chars();
        field.extend(chars.next().map(|c| c.to_ascii_uppercase()));
        field.push_str(chars.as_str());
    }
    field
}

fn build(record: ObservationRecord, references: &References) -> Result<observation::Model, Error> {
    let document = observation_document(&record, &references.indicator);
    let ids = ObservationIds {
        indicator: references.indicator.id,
        subject: references.subject.id,
        source: references.source.id,
    };
    Rows {
        now: history::now(),
    }
    .observation(record, ids, document)
}

/// The record an observation was built from: what a correction starts from.
fn record_of(row: &observation::Model, key: &ObservationKey) -> ObservationRecord {
    ObservationRecord {
        indicator: key.indicator_code.clone(),
        subject_kind: key.subject_kind.to_value(),
        subject: key.subject_key.clone(),
        period: row.period.clone(),
        category: row.category.clone(),
        value: row.value,
        value_text: row.value_text.clone(),
        unit: row.unit.clone(),
        scale: row.scale.clone(),
        qualifier: row.qualifier.to_value(),
        status: row.status.to_value(),
        source: key.source_slug.clone(),
        cited_in: row.cited_in.clone(),
        caveat: row.caveat.clone(),
    }
}

/// What the audit log keeps of an observation: what a curator can read and change.
pub fn observation_json(row: &observation::Model, key: &ObservationKey) -> serde_json::Value {
    json!({
        "indicator": key.indicator_code,
        "subjectKind": key.subject_kind.to_value(),
        "subject": key.subject_key,
        "period": row.period,
        "category": row.category,
        "value": row.value,
        "valueText": row.value_text,
        "unit": row.unit,
        "scale": row.scale,
        "qualifier": row.qualifier.to_value(),
        "status": row.status.to_value(),
        "source": key.source_slug,
        "citedIn": row.cited_in,
        "caveat": row.caveat,
        "revision": row.revision,
    })
}

fn key_of(record: &ObservationRecord, kind: subject::SubjectKind) -> ObservationKey {
    ObservationKey {
        indicator_code: record.indicator.clone(),
        subject_kind: kind,
        subject_key: record.subject.clone(),
        period: record.period.clone(),
        category: record.category.clone(),
        source_slug: record.source.clone(),
    }
}

/// The type the schema and the audit log name an observation by.
const OBSERVATION: &str = "Observation";

fn row_key(id: i32) -> [(&'static str, Value); 1] {
    [("id", id.into())]
}

/// Creates an observation; `entity_id` names it in the audit log (its global ID).
pub async fn create_observation(
    db: &DatabaseConnection,
    new: NewObservation,
    author: &Author,
    entity_id: impl FnOnce(&ObservationKey) -> String,
) -> Result<Written<(ObservationKey, observation::Model)>, Error> {
    let record = new.record;
    let write = Write::begin(db, author).await?;
    let txn = &write.txn;
    let mut problems = write.problems();
    let references = check(txn, &record, &mut problems).await?;
    let key = references
        .as_ref()
        .map(|references| key_of(&record, references.subject.kind));
    if let Some(key) = &key
        && !observations_by_keys(txn, std::slice::from_ref(key))
            .await?
            .is_empty()
    {
        problems.push(Problem::new(
            &["input"],
            ProblemKind::Duplicate,
            "an observation of this indicator, subject, period, category and source exists \
             already; correct it with updateObservation",
        ));
    }
    let (Some(references), Some(key), true) = (references, key, problems.is_empty()) else {
        return write.refuse(problems, None).await;
    };
    let row = build(record, &references)?;
    let row = row_for_insert(row).insert(txn).await?;
    let after = Some(observation_json(&row, &key));
    let entity = (OBSERVATION, entity_id(&key));
    write
        .log::<observation::Entity>(
            Entry::Created { after },
            entity,
            row.revision,
            &row_key(row.id),
        )
        .await?;
    write.commit((key, row)).await
}

fn row_for_insert(row: observation::Model) -> observation::ActiveModel {
    let mut active = row.into_active_model();
    active.id = sea_orm::ActiveValue::NotSet;
    active
}

/// The live observation with this key, read inside the write's transaction.
async fn current(
    txn: &impl ConnectionTrait,
    key: &ObservationKey,
) -> Result<Option<observation::Model>, Error> {
    Ok(observations_by_keys(txn, std::slice::from_ref(key))
        .await?
        .into_iter()
        .next()
        .map(|(_, row)| row))
}

/// The refusal of a write made against a revision the row has moved on from: `what` is
/// at `revision`, the client read it at `expected`.
fn stale(revision: i32, expected: i32, what: &str) -> Option<Problem> {
    (revision != expected).then(|| {
        Problem::new(
            &["expectedRevision"],
            ProblemKind::StaleRevision,
            format!(
                "the {what} is at revision {revision}, not {expected}: it changed since you \
                 read it; read it again and reapply your change"
            ),
        )
    })
}

/// One curated write under way: its transaction, which holds the writers' lock, when it
/// began and who makes it, as its audit event will say. It ends in `refuse` or
/// `not_found` (nothing written) or, once `log` has recorded the change, in `commit`.
pub(super) struct Write<'a> {
    pub(super) txn: DatabaseTransaction,
    at: DateTime<Utc>,
    author: &'a Author,
}

/// What a write did to its row, with the row's states the audit event keeps.
pub(super) enum Entry {
    Created {
        after: Option<serde_json::Value>,
    },
    Updated {
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    },
    Retracted {
        before: Option<serde_json::Value>,
    },
}

impl<'a> Write<'a> {
    /// Opens the write's transaction and takes its instant once it holds the lock.
    pub(super) async fn begin(db: &DatabaseConnection, author: &'a Author) -> Result<Self, Error> {
        let txn = history::begin_write(db).await?;
        Ok(Self {
            txn,
            at: history::now(),
            author,
        })
    }

    /// The problems every write has before its input is read: none, or a blank reason.
    pub(super) fn problems(&self) -> Vec<Problem> {
        blank_reason(self.author).into_iter().collect()
    }

    /// As `problems`, for a write to a row that `what` at `revision` names, which the
    /// client read at `expected`: a stale revision is refused too.
    pub(super) fn problems_at(&self, (what, revision): (&str, i32), expected: i32) -> Vec<Problem> {
        let mut problems = self.problems();
        problems.extend(stale(revision, expected, what));
        problems
    }

    /// Appends the write's audit event, naming the row `entity` (its type and global ID)
    /// at `revision`, and records the row's state under it, keyed by `row`: its last,
    /// marked retracted, for a retraction. The event's id.
    pub(super) async fn log<E: EntityTrait>(
        &self,
        entry: Entry,
        (entity_type, entity_id): (&'static str, String),
        revision: i32,
        row: &[(&'static str, Value)],
    ) -> Result<i32, Error> {
        let (action, before, after) = match entry {
            Entry::Created { after } => (Action::Created, None, after),
            Entry::Updated { before, after } => (Action::Updated, before, after),
            Entry::Retracted { before } => (Action::Retracted, before, None),
        };
        let change = Change {
            at: self.at,
            author: self.author,
            action,
            entity_type,
            entity_id,
            revision,
            before,
            after,
        };
        let event = history::append(&self.txn, change).await?;
        let retracted = matches!(action, Action::Retracted);
        history::record::<E>(&self.txn, row, event, retracted).await?;
        Ok(event)
    }

    /// Ends a write that writes nothing: rolled back, saying why, with the row as it
    /// stands where there is one.
    pub(super) async fn refuse<M>(
        self,
        problems: Vec<Problem>,
        current: Option<M>,
    ) -> Result<Written<M>, Error> {
        self.txn.rollback().await?;
        Ok(Written::Refused { problems, current })
    }

    /// Ends a write whose row is not there: rolled back.
    pub(super) async fn not_found<M>(self) -> Result<Written<M>, Error> {
        self.txn.rollback().await?;
        Ok(Written::NotFound)
    }

    /// Commits the write, row, revisions and audit event together.
    pub(super) async fn commit<M>(self, written: M) -> Result<Written<M>, Error> {
        self.txn.commit().await?;
        Ok(Written::Done(written))
    }
}

/// Corrects an observation at `expected_revision`.
pub async fn update_observation(
    db: &DatabaseConnection,
    key: &ObservationKey,
    expected_revision: i32,
    patch: ObservationPatch,
    author: &Author,
    entity_id: String,
) -> Result<Written<observation::Model>, Error> {
    let write = Write::begin(db, author).await?;
    let txn = &write.txn;
    let Some(before) = current(txn, key).await? else {
        return write.not_found().await;
    };
    let mut problems = write.problems_at(("observation", before.revision), expected_revision);
    let mut record = record_of(&before, key);
    patch.apply(&mut record);
    let references = check(txn, &record, &mut problems).await?;
    let (Some(references), true) = (references, problems.is_empty()) else {
        return write.refuse(problems, Some(before)).await;
    };
    let mut row = build(record, &references)?;
    row.id = before.id;
    row.created_at = before.created_at;
    row.revision = before.revision + 1;
    let row = row.into_active_model().reset_all().update(txn).await?;
    let entry = Entry::Updated {
        before: Some(observation_json(&before, key)),
        after: Some(observation_json(&row, key)),
    };
    let entity = (OBSERVATION, entity_id);
    write
        .log::<observation::Entity>(entry, entity, row.revision, &row_key(row.id))
        .await?;
    write.commit(row).await
}

/// Retracts an observation at `expected_revision`: it leaves the live data, and its
/// revisions keep it, the last one marked retracted.
pub async fn retract_observation(
    db: &DatabaseConnection,
    key: &ObservationKey,
    expected_revision: i32,
    author: &Author,
    entity_id: String,
) -> Result<Written<observation::Model>, Error> {
    let write = Write::begin(db, author).await?;
    let txn = &write.txn;
    let Some(before) = current(txn, key).await? else {
        return write.not_found().await;
    };
    let problems = write.problems_at(("observation", before.revision), expected_revision);
    if !problems.is_empty() {
        return write.refuse(problems, Some(before)).await;
    }
    let retracted = observation::Model {
        revision: before.revision + 1,
        updated_at: history::now(),
        ..before.clone()
    };
    let entry = Entry::Retracted {
        before: Some(observation_json(&before, key)),
    };
    let entity = (OBSERVATION, entity_id);
    write
        .log::<observation::Entity>(entry, entity, retracted.revision, &row_key(before.id))
        .await?;
    observation::Entity::delete_by_id(before.id)
        .exec(txn)
        .await?;
    write.commit(retracted).await
}
