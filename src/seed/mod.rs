//! The idempotent seeder: brings the database in line with a [`Dataset`] in one
//! transaction. Rows are matched on natural keys; unchanged rows are left alone (their
//! `updated_at` too), changed rows are updated, new rows inserted and rows that left the
//! dataset deleted.
//!
//! `desired` reads the dataset into each table's rows, which `rows` builds (the synthetic
//! generator builds its rows there too); `seeded` says how each table's rows match.

mod desired;
pub(crate) mod rows;
mod seeded;

pub(crate) use desired::observation_document;
pub(crate) use rows::{ObservationIds, Rows};
pub(crate) use seeded::Seeded;

use crate::dataset::Dataset;
use crate::entities::{city, company, country, subject};
use crate::error::Error;
use crate::store::history::{self, Action, Author, Change};
use crate::store::releases::{self, NewRelease};
use chrono::Utc;
use desired::{Desired, Stored, optional};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// The actor the audit log names for rows a dataset load wrote.
pub const IMPORTER: &str = "importer";
/// The release the paper's dataset is imported as.
pub const PAPER_RELEASE: &str = "liu-2025";

/// What one seeding run changed, table by table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub tables: Vec<TableReport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableReport {
    pub table: &'static str,
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub total: usize,
}

impl SeedReport {
    pub fn changed_rows(&self) -> usize {
        self.tables
            .iter()
            .map(|t| t.inserted + t.updated + t.deleted)
            .sum()
    }
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, t) in self.tables.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(
                f,
                "{} {} (+{} ~{} -{})",
                t.table, t.total, t.inserted, t.updated, t.deleted
            )?;
        }
        Ok(())
    }
}

pub async fn seed_paper_dataset(db: &DatabaseConnection) -> Result<SeedReport, Error> {
    refuse_synthetic(db).await?;
    seed(db, &Dataset::paper()?).await
}

async fn refuse_synthetic(db: &DatabaseConnection) -> Result<(), Error> {
    if crate::synthetic::is_synthetic(db).await? {
        return Err(Error::BadUserInput(
            "this database holds synthetic benchmark data, and the paper's dataset is never \
             mixed with it; serve it with --no-seed"
                .to_owned(),
        ));
    }
    Ok(())
}

/// What `serve` found at start.
#[derive(Debug)]
pub enum OnStart {
    /// The database was empty: the paper's dataset is imported as release `liu-2025`.
    Imported(SeedReport),
    /// The database holds data, which is left as it is; `differing` is how many rows the
    /// built-in dataset would change (curated edits, or a newer binary's data).
    Kept { differing: SeedReport },
}

/// Imports the paper's dataset into an empty database, as release `liu-2025`; a database
/// that holds data is never changed, only compared with the built-in dataset.
pub async fn load_on_start(db: &DatabaseConnection) -> Result<OnStart, Error> {
    refuse_synthetic(db).await?;
    let dataset = Dataset::paper()?;
    let txn = history::begin_write(db).await?;
    let is_empty = crate::entities::source::Entity::find()
        .one(&txn)
        .await?
        .is_none();
    let report = Seeder::new(&txn).run(&dataset).await?;
    if !is_empty {
        txn.rollback().await?;
        return Ok(OnStart::Kept { differing: report });
    }
    releases::create(
        &txn,
        NewRelease {
            tag: PAPER_RELEASE,
            title: "Liu Mingzhu (2025), Smart cities driven by artificial intelligence: comparing \
                    the strategic positioning and market competitiveness of China and the USA",
            notes: "The paper's dataset as first imported: Table 1, the figures of the text \
                    and of Fig. 1-3, with their sources.",
            created_by: IMPORTER,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(OnStart::Imported(report))
}

/// Brings the database in line with `dataset`. Every row the run changes gets a revision
/// under one audit event of the importer's, so nothing it overwrites or removes is lost.
pub async fn seed(db: &DatabaseConnection, dataset: &Dataset) -> Result<SeedReport, Error> {
    let txn = history::begin_write(db).await?;
    let report = Seeder::new(&txn).run(dataset).await?;
    txn.commit().await?;
    Ok(report)
}

/// Deletes the rows that left the dataset; run after every upsert, children first.
type PendingDelete<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

struct Seeder<'a> {
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
}

impl<'a> Seeder<'a> {
    fn new(txn: &'a DatabaseTransaction) -> Self {
        Self {
            txn,
            rows: Rows { now: Utc::now() },
            report: SeedReport::default(),
            deletions: Vec::new(),
            event: None,
            recording: true,
            fresh_companies: false,
        }
    }

    /// The audit event every change of this run is recorded under.
    async fn event(&mut self) -> Result<i32, Error> {
        if let Some(event) = self.event {
            return Ok(event);
        }
        let author = Author {
            actor: IMPORTER.to_owned(),
            reason: "the paper's dataset built into this binary".to_owned(),
            request_id: None,
        };
        let event = history::append(
            self.txn,
            Change {
                author: &author,
                action: Action::Imported,
                entity_type: "Dataset",
                entity_id: PAPER_RELEASE.to_owned(),
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
        M: Seeded + 'a,
        <M::Entity as EntityTrait>::Model: Into<M>,
        M::Entity: EntityTrait<Model = M>,
    {
        let stored = M::Entity::find().all(self.txn).await?;
        // A first import's rows are all new: one revision each, whatever the passes.
        let fresh = stored.is_empty() || self.fresh_companies;
        let mut stale: HashMap<M::Key, M> = stored.into_iter().map(|m| (m.key(), m)).collect();
        let (mut inserted, mut changed) = (Vec::new(), Vec::new());
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
                        changed.push(row.primary_key());
                        row.into_active_model().reset_all().update(self.txn).await?;
                    }
                }
                None => {
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
        if self.recording && !(inserted.is_empty() && changed.is_empty() && stale.is_empty()) {
            let event = self.event().await?;
            if fresh {
                history::record_all::<M::Entity>(self.txn, event).await?;
            } else {
                let new_keys = inserted.iter().filter_map(|key| rows.get(key));
                for key in changed.into_iter().chain(new_keys.map(Seeded::primary_key)) {
                    history::record::<M::Entity>(self.txn, &key, event, false).await?;
                }
            }
            for row in stale.values() {
                history::record::<M::Entity>(self.txn, &row.primary_key(), event, true).await?;
            }
        }
        self.report.tables.push(TableReport {
            table: M::TABLE,
            inserted: inserted.len(),
            updated,
            deleted: stale.len(),
            total,
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

    /// Syncs table after table, parents before children, then deletes what left the dataset.
    async fn run(mut self, data: &Dataset) -> Result<SeedReport, Error> {
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
        }
        Ok(companies)
    }
}
