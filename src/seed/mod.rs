//! The idempotent seeder: brings the database in line with a [`Dataset`] in one
//! transaction. Rows are matched on natural keys; unchanged rows are left alone (their
//! `updated_at` too), changed rows are updated, new rows inserted and rows that left the
//! dataset deleted.
//!
//! `desired` reads the dataset into each table's rows, which `rows` builds (the synthetic
//! generator builds its rows there too); `seeded` says how each table's rows match,
//! `audited` what each change's audit event names, and `seeder` syncs table after table.

mod audited;
pub mod corrections;
mod desired;
pub(crate) mod rows;
mod seeded;
mod seeder;

pub(crate) use desired::{
    city_document, company_document, country_document, indicator_document, observation_document,
    policy_document, project_document, region_document, source_document,
};
pub(crate) use rows::{CompanyIds, ObservationIds, ProjectIds, Rows};
pub(crate) use seeded::Seeded;

use crate::dataset::Dataset;
use crate::error::Error;
use crate::store::history::{self, Action, Author};
use crate::store::releases::{self, NewRelease};
use sea_orm::{DatabaseConnection, EntityTrait};
use seeder::Seeder;
use std::fmt;

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
    /// The rows added, changed and retracted, as a person names them.
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub retracted: Vec<String>,
}

impl SeedReport {
    pub fn changed_rows(&self) -> usize {
        self.tables
            .iter()
            .map(|t| t.inserted + t.updated + t.deleted)
            .sum()
    }
}

impl SeedReport {
    /// The rows added, changed and retracted, table by table: what `import --dry-run` prints.
    pub fn diff(&self) -> String {
        let mut diff = String::new();
        for table in &self.tables {
            if table.added.is_empty() && table.changed.is_empty() && table.retracted.is_empty() {
                continue;
            }
            diff.push_str(&format!(
                "{}: {} added, {} changed, {} retracted\n",
                table.table,
                table.added.len(),
                table.changed.len(),
                table.retracted.len()
            ));
            for (sign, rows) in [
                ('+', &table.added),
                ('~', &table.changed),
                ('-', &table.retracted),
            ] {
                for row in rows {
                    diff.push_str(&format!("  {sign} {row}\n"));
                }
            }
        }
        if diff.is_empty() {
            diff.push_str("no changes\n");
        }
        diff
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
    seed(db, &corrections::corrected(Dataset::paper()?)?).await
}

/// The author of the paper's dataset built into the binary.
fn built_in() -> Author {
    Author {
        actor: IMPORTER.to_owned(),
        reason: "the paper's dataset built into this binary".to_owned(),
        request_id: None,
    }
}

/// What an import is asked to do.
pub struct Import<'a> {
    /// What the audit event names the dataset: the folder it came from.
    pub name: &'a str,
    pub reason: &'a str,
    /// Cut this release after the import, in its transaction.
    pub release: Option<NewRelease<'a>>,
    /// Report what would change, and write nothing.
    pub dry_run: bool,
}

/// Brings the database in line with a checked dataset folder in one transaction, or (a dry
/// run) reports what that would change and rolls it back.
pub async fn import(
    db: &DatabaseConnection,
    dataset: &Dataset,
    import: Import<'_>,
) -> Result<SeedReport, Error> {
    refuse_synthetic(db).await?;
    let author = Author {
        actor: IMPORTER.to_owned(),
        reason: import.reason.to_owned(),
        request_id: None,
    };
    let txn = history::begin_write(db).await?;
    let report = Seeder::new(&txn, author, import.name).run(dataset).await?;
    if import.dry_run {
        txn.rollback().await?;
        return Ok(report);
    }
    if let Some(release) = import.release {
        releases::create(&txn, release).await?;
    }
    txn.commit().await?;
    Ok(report)
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

/// Imports the paper's dataset into an empty database, as release `liu-2025`, then applies
/// the curators' corrections after it, one audit event each; a database that holds data is
/// never changed, only compared with the built-in dataset as corrected.
pub async fn load_on_start(db: &DatabaseConnection) -> Result<OnStart, Error> {
    refuse_synthetic(db).await?;
    let as_published = Dataset::paper()?;
    let txn = history::begin_write(db).await?;
    let is_empty = crate::entities::source::Entity::find()
        .one(&txn)
        .await?
        .is_none();
    if !is_empty {
        let current = corrections::corrected(as_published)?;
        let report = Seeder::new(&txn, built_in(), PAPER_RELEASE)
            .run(&current)
            .await?;
        txn.rollback().await?;
        return Ok(OnStart::Kept { differing: report });
    }
    let report = Seeder::new(&txn, built_in(), PAPER_RELEASE)
        .run(&as_published)
        .await?;
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
    let mut data = as_published;
    for correction in corrections::CORRECTIONS {
        correction.apply(&mut data)?;
        let author = Author {
            actor: IMPORTER.to_owned(),
            reason: correction.reason.to_owned(),
            request_id: None,
        };
        Seeder::new(&txn, author, correction.name)
            .acting(Action::Updated)
            .run(&data)
            .await?;
    }
    txn.commit().await?;
    Ok(OnStart::Imported(report))
}

/// Brings the database in line with `dataset`. Every row the run changes gets a revision
/// under one audit event of the importer's, so nothing it overwrites or removes is lost.
pub async fn seed(db: &DatabaseConnection, dataset: &Dataset) -> Result<SeedReport, Error> {
    let txn = history::begin_write(db).await?;
    let report = Seeder::new(&txn, built_in(), PAPER_RELEASE)
        .run(dataset)
        .await?;
    txn.commit().await?;
    Ok(report)
}
