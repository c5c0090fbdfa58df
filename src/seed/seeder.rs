//! The seeder: syncs a dataset into the database table after table in one transaction,
//! parents before children, reports each table's changes row by row, and records a
//! revision and an audit event of every row it changes.

use super::audited::{self, Audited};
use super::desired::{Desired, Stored, optional};
use super::rows::Rows;
use super::seeded::{Names, Seeded};
use super::{SeedReport, TableReport};
use crate::dataset::Dataset;
use crate::entities::{city, company, country, subject};
use crate::error::Error;
use crate::store::history::{self, Action, Author, Change};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

/// How a row inserted while not recording is remembered until the recording pass.
fn unrecorded<M: Seeded>(row: &M) -> String {
    format!("{}:{:?}", M::TABLE, row.key())
}

/// The columns a dataset's row changes, as `column: before → after`; the stamps of a
/// change (time, revision) and the derived search text are left out.
fn differences<M: Seeded>(before: &M, after: &M) -> String {
    use sea_orm::{IdenStatic, Iterable};
    let mut changes = Vec::new();
    for column in <M::Entity as EntityTrait>::Column::iter() {
        let name = column.as_str();
        if matches!(name, "updated_at" | "revision" | "search_text") {
            continue;
        }
        let (old, new) = (before.get(column), after.get(column));
        if old != new {
            changes.push(format!("{name} {} → {}", shown(&old), shown(&new)));
        }
    }
    changes.join(", ")
}

fn shown(value: &sea_orm::Value) -> String {
    use sea_orm::Value;
    match value {
        Value::String(Some(text)) => format!("{text:?}"),
        Value::Int(Some(number)) => number.to_string(),
        Value::Double(Some(number)) => number.to_string(),
        Value::Bool(Some(flag)) => flag.to_string(),
        Value::String(None) | Value::Int(None) | Value::Double(None) | Value::Bool(None) => {
            "empty".to_owned()
        }
        other => format!("{other:?}"),
    }
}

/// Deletes the rows that left the dataset; run after every upsert, children first.
type PendingDelete<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

/// A row a sync wrote, by natural key: what was done to it and its state before.
type RowChange<K> = (K, Action, Option<serde_json::Value>);

/// A row the run wrote, whose audit event waits for the end of the run: its record may
/// hold rows it owns that later tables sync (a Table 1 row's positions).
struct Written<M> {
    row: M,
    action: Action,
    before: Option<serde_json::Value>,
}

#[async_trait::async_trait]
trait PendingAudit<'a>: Send {
    async fn record(self: Box<Self>, seeder: &mut Seeder<'a>) -> Result<(), Error>;
}

#[async_trait::async_trait]
impl<'a, M> PendingAudit<'a> for Written<M>
where
    M: Audited + 'a,
    M::Entity: EntityTrait<Model = M>,
{
    async fn record(self: Box<Self>, seeder: &mut Seeder<'a>) -> Result<(), Error> {
        let Written {
            row,
            action,
            before,
        } = *self;
        let event = match row.entry(seeder.txn, &seeder.names).await? {
            Some(entry) => {
                seeder
                    .append_for(action, entry, row.revision_number(), before, true)
                    .await?
            }
            None => seeder.event().await?,
        };
        history::record::<M::Entity>(seeder.txn, &row.primary_key(), event, false).await
    }
}

pub(super) struct Seeder<'a> {
    txn: &'a DatabaseTransaction,
    rows: Rows,
    report: SeedReport,
    deletions: Vec<PendingDelete<'a>>,
    /// The run's audit event, appended on its first change.
    event: Option<i32>,
    /// Off for the first of the companies' two passes, whose changes the second repeats.
    recording: bool,
    /// The companies table was empty before the first pass: the second pass inserts.
    fresh_companies: bool,
    author: Author,
    /// What the audit event names the dataset, and what it says was done to it.
    name: &'a str,
    action: Action,
    names: Names,
    /// The rows written, whose audit events the end of the run appends.
    written: Vec<Box<dyn PendingAudit<'a> + 'a>>,
    /// The rows written while not recording (the companies' first pass), by natural key,
    /// with what was done to them: the recording pass records them so.
    unrecorded: HashMap<String, (Action, Option<serde_json::Value>)>,
}

impl<'a> Seeder<'a> {
    pub(super) fn new(txn: &'a DatabaseTransaction, author: Author, name: &'a str) -> Self {
        Self {
            txn,
            rows: Rows {
                now: history::now(),
            },
            report: SeedReport::default(),
            deletions: Vec::new(),
            event: None,
            recording: true,
            fresh_companies: false,
            author,
            name,
            action: Action::Imported,
            names: Names::default(),
            written: Vec::new(),
            unrecorded: HashMap::new(),
        }
    }

    pub(super) fn acting(self, action: Action) -> Self {
        Self { action, ..self }
    }

    /// One row's audit event: what was done to it, by whom and why, its state before and
    /// (unless retracted) after.
    async fn append_for(
        &mut self,
        action: Action,
        entry: audited::Entry,
        revision: i32,
        before: Option<serde_json::Value>,
        live: bool,
    ) -> Result<i32, Error> {
        let (before, after) = if live {
            (before, Some(entry.state))
        } else {
            (Some(entry.state), None)
        };
        history::append(
            self.txn,
            Change {
                at: self.rows.now,
                author: &self.author,
                action,
                entity_type: entry.entity_type,
                entity_id: entry.entity_id,
                revision,
                before,
                after,
            },
        )
        .await
    }

    /// The run's own audit event: the dataset loaded, which the revisions of rows that
    /// others own are recorded under.
    async fn event(&mut self) -> Result<i32, Error> {
        if let Some(event) = self.event {
            return Ok(event);
        }
        let event = history::append(
            self.txn,
            Change {
                at: self.rows.now,
                author: &self.author,
                action: self.action,
                entity_type: "Dataset",
                entity_id: self.name.to_owned(),
                revision: 1,
                before: None,
                after: None,
            },
        )
        .await?;
        self.event = Some(event);
        Ok(event)
    }

    /// Upserts `desired` by natural key, records a revision of every row it changed, and
    /// returns the stored rows by key.
    async fn sync<M>(&mut self, desired: Vec<M>) -> Result<Stored<M>, Error>
    where
        M: Audited + 'a,
        <M::Entity as EntityTrait>::Model: Into<M>,
        M::Entity: EntityTrait<Model = M>,
    {
        let stored = M::Entity::find().all(self.txn).await?;
        // A first import's rows are all new, whatever the passes.
        let fresh = stored.is_empty() || self.fresh_companies;
        let mut stale: HashMap<M::Key, M> = stored.into_iter().map(|m| (m.key(), m)).collect();
        let (mut inserted, mut changed_keys) = (Vec::new(), Vec::new());
        let mut changed: Vec<RowChange<M::Key>> = Vec::new();
        let total = desired.len();
        for mut row in desired {
            match stale.remove(&row.key()) {
                Some(existing) => {
                    row.adopt_identity(&existing);
                    if row != existing {
                        row.mark_changed(self.rows.now);
                        if fresh {
                            row.adopt_identity(&existing);
                        }
                        let earlier = self.unrecorded.remove(&unrecorded(&row));
                        let (action, before) = match earlier {
                            Some(earlier) => earlier,
                            None if fresh => (Action::Created, None),
                            None => {
                                let before = existing.entry(self.txn, &self.names).await?;
                                (Action::Updated, before.map(|entry| entry.state))
                            }
                        };
                        if !self.recording {
                            self.unrecorded
                                .insert(unrecorded(&row), (action, before.clone()));
                        }
                        changed.push((row.key(), action, before));
                        changed_keys.push((row.key(), differences(&existing, &row)));
                        row.into_active_model().reset_all().update(self.txn).await?;
                    }
                }
                None => {
                    if !self.recording {
                        self.unrecorded
                            .insert(unrecorded(&row), (Action::Created, None));
                    }
                    inserted.push(row.key());
                    M::Entity::insert(row.into_insert())
                        .exec_without_returning(self.txn)
                        .await?;
                }
            }
        }
        let rows: Stored<M> = M::Entity::find()
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| (m.key(), m))
            .collect();
        let updated = changed.len();
        if self.recording {
            self.record_changes(fresh, &rows, &stale, &inserted, changed)
                .await?;
        }
        let label = |key: &M::Key| {
            rows.get(key)
                .map_or_else(|| format!("{key:?}"), |row| row.label(&self.names))
        };
        let added = inserted.iter().map(label).collect();
        let changed = changed_keys
            .iter()
            .map(|(key, differences)| format!("{}: {differences}", label(key)))
            .collect();
        let mut retracted: Vec<String> = stale.values().map(|row| row.label(&self.names)).collect();
        retracted.sort();
        self.names.add(rows.values().cloned());
        self.report.tables.push(TableReport {
            table: M::TABLE,
            inserted: inserted.len(),
            updated,
            deleted: stale.len(),
            total,
            added,
            changed,
            retracted,
        });
        let txn = self.txn;
        self.deletions.push(Box::pin(async move {
            for row in stale.into_values() {
                row.into_active_model().delete(txn).await?;
            }
            Ok(())
        }));
        Ok(rows)
    }

    /// Records what a table's sync changed: retractions at once, each with its audit event
    /// (a row another owns under the run's), and the rows written, whose events the end of
    /// the run appends.
    async fn record_changes<M>(
        &mut self,
        fresh: bool,
        rows: &Stored<M>,
        stale: &HashMap<M::Key, M>,
        inserted: &[M::Key],
        changed: Vec<RowChange<M::Key>>,
    ) -> Result<(), Error>
    where
        M: Audited + 'a,
        M::Entity: EntityTrait<Model = M>,
    {
        for row in stale.values() {
            let event = match row.entry(self.txn, &self.names).await? {
                Some(entry) => {
                    let revision = row.revision_number() + 1;
                    self.append_for(Action::Retracted, entry, revision, None, false)
                        .await?
                }
                None => self.event().await?,
            };
            history::record::<M::Entity>(self.txn, &row.primary_key(), event, true).await?;
        }
        let mut written: Vec<RowChange<M::Key>> = if fresh {
            rows.keys()
                .map(|key| (key.clone(), Action::Created, None))
                .collect()
        } else {
            let first_pass = rows.values().filter_map(|row| {
                let (action, before) = self.unrecorded.remove(&unrecorded(row))?;
                Some((row.key(), action, before))
            });
            let first_pass: Vec<_> = first_pass.collect();
            let new = inserted
                .iter()
                .map(|key| (key.clone(), Action::Created, None));
            new.chain(changed).chain(first_pass).collect()
        };
        written.sort_by_key(|(key, ..)| format!("{key:?}"));
        for (key, action, before) in written {
            if let Some(row) = rows.get(&key) {
                self.written.push(Box::new(Written {
                    row: row.clone(),
                    action,
                    before,
                }));
            }
        }
        Ok(())
    }

    /// Syncs table after table, parents before children, then deletes what left the dataset.
    pub(super) async fn run(mut self, data: &Dataset) -> Result<SeedReport, Error> {
        let want = Desired {
            rows: self.rows,
            data,
        };
        let sources = self.sync(want.sources()).await?;
        let subjects = self.sync(want.subjects()).await?;
        let regions = self.sync(want.regions(&subjects)?).await?;
        let countries = self.sync(want.countries(&subjects, &regions)?).await?;
        let cities = self.sync(want.cities(&subjects, &countries)?).await?;
        let companies = self
            .sync_companies(want, &subjects, &countries, &cities)
            .await?;
        let projects = want.projects(&subjects, &countries, &cities, &sources)?;
        let projects = self.sync(projects).await?;
        self.sync(want.project_companies(&projects, &companies)?)
            .await?;
        let policies = self.sync(want.policies(&countries, &sources)?).await?;
        self.sync(want.policy_cities(&policies, &cities)?).await?;
        self.sync(want.policy_companies(&policies, &companies)?)
            .await?;
        self.sync(want.company_sanctions(&companies, &sources)?)
            .await?;
        let indicators = self.sync(want.indicators()).await?;
        self.sync(want.observations(&indicators, &subjects, &sources)?)
            .await?;
        let dimensions = self.sync(want.strategic_dimensions(&sources)?).await?;
        self.sync(want.strategic_positions(&dimensions, &countries)?)
            .await?;

        for written in std::mem::take(&mut self.written) {
            written.record(&mut self).await?;
        }
        if self.report.changed_rows() > 0 {
            self.event().await?;
        }
        // Children were synced after their parents, so deleting in reverse order never
        // trips a foreign key.
        while let Some(delete) = self.deletions.pop() {
            delete.await?;
        }
        Ok(self.report)
    }

    /// A subsidiary needs its parent's id, which a parent new in this run lacks until it is
    /// inserted: the first pass resolves parents that are already stored, the second the
    /// rest. On a database that is already up to date both passes change nothing.
    async fn sync_companies(
        &mut self,
        want: Desired<'_>,
        subjects: &Stored<subject::Model>,
        countries: &Stored<country::Model>,
        cities: &Stored<city::Model>,
    ) -> Result<Stored<company::Model>, Error> {
        let stored_ids: HashMap<String, i32> = company::Entity::find()
            .all(self.txn)
            .await?
            .into_iter()
            .map(|c| (c.slug, c.id))
            .collect();
        let mut companies = want.companies(subjects, countries, cities, &stored_ids)?;
        self.recording = false;
        let first_pass = self.sync(companies.clone()).await;
        self.recording = true;
        let first_pass = first_pass?;
        self.fresh_companies = stored_ids.is_empty();
        for (row, record) in companies.iter_mut().zip(&want.data.companies) {
            row.parent_company_id =
                optional(&first_pass, &record.parent, "parent company")?.map(|parent| parent.id);
        }
        // Both passes see the same stale rows; delete them once and report one line.
        self.deletions.pop();
        let first_report = self.report.tables.pop();
        let companies = self.sync(companies).await;
        self.fresh_companies = false;
        let companies = companies?;
        if let (Some(first), Some(second)) = (first_report, self.report.tables.last_mut()) {
            second.inserted += first.inserted;
            second.updated += first.updated;
            // A company new in this run is added, though the second pass gives its parent.
            second.changed.retain(|row| !first.added.contains(row));
            second.changed.extend(first.changed);
            second.changed.sort();
            second.changed.dedup();
            second.added.extend(first.added);
        }
        Ok(companies)
    }
}
