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

pub(crate) use seeded::Seeded;

use crate::dataset::Dataset;
use crate::entities::{city, company, country, subject};
use crate::error::Error;
use chrono::Utc;
use desired::{Desired, Stored, optional};
use rows::Rows;
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, TransactionTrait,
};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

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
    if crate::synthetic::is_synthetic(db).await? {
        return Err(Error::BadUserInput(
            "this database holds synthetic benchmark data, and the paper's dataset is never \
             mixed with it; serve it with --no-seed"
                .to_owned(),
        ));
    }
    seed(db, &Dataset::paper()?).await
}

pub async fn seed(db: &DatabaseConnection, dataset: &Dataset) -> Result<SeedReport, Error> {
    let txn = db.begin().await?;
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
}

impl<'a> Seeder<'a> {
    fn new(txn: &'a DatabaseTransaction) -> Self {
        Self {
            txn,
            rows: Rows { now: Utc::now() },
            report: SeedReport::default(),
            deletions: Vec::new(),
        }
    }

    /// Upserts `desired` by natural key and returns the stored rows by key.
    async fn sync<M>(&mut self, desired: Vec<M>) -> Result<Stored<M>, Error>
    where
        M: Seeded + 'a,
        <M::Entity as EntityTrait>::Model: Into<M>,
        M::Entity: EntityTrait<Model = M>,
    {
        let stored = M::Entity::find().all(self.txn).await?;
        let mut stale: HashMap<M::Key, M> = stored.into_iter().map(|m| (m.key(), m)).collect();
        let (mut inserted, mut updated) = (0, 0);
        let total = desired.len();
        for mut row in desired {
            match stale.remove(&row.key()) {
                Some(existing) => {
                    row.adopt_identity(&existing);
                    if row != existing {
                        row.set_updated_at(self.rows.now);
                        row.into_active_model().reset_all().update(self.txn).await?;
                        updated += 1;
                    }
                }
                None => {
                    M::Entity::insert(row.into_insert())
                        .exec_without_returning(self.txn)
                        .await?;
                    inserted += 1;
                }
            }
        }
        let deleted = stale.len();
        let txn = self.txn;
        self.deletions.push(Box::pin(async move {
            for row in stale.into_values() {
                row.into_active_model().delete(txn).await?;
            }
            Ok(())
        }));
        self.report.tables.push(TableReport {
            table: M::TABLE,
            inserted,
            updated,
            deleted,
            total,
        });
        let rows = M::Entity::find().all(self.txn).await?;
        Ok(rows.into_iter().map(|m| (m.key(), m)).collect())
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
        let first_pass = self.sync(companies.clone()).await?;
        for (row, record) in companies.iter_mut().zip(&want.data.companies) {
            row.parent_company_id =
                optional(&first_pass, &record.parent, "parent company")?.map(|parent| parent.id);
        }
        // Both passes see the same stale rows; delete them once and report one line.
        self.deletions.pop();
        let first_report = self.report.tables.pop();
        let companies = self.sync(companies).await?;
        if let (Some(first), Some(second)) = (first_report, self.report.tables.last_mut()) {
            second.inserted += first.inserted;
            second.updated += first.updated;
        }
        Ok(companies)
    }
}
