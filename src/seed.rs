//! The idempotent seeder: brings the database in line with a [`Dataset`] in one
//! transaction. Rows are matched on natural keys; unchanged rows are left alone (their
//! `updated_at` too), changed rows are updated, new rows inserted and rows that left the
//! dataset deleted.

use crate::dataset::{self, Dataset};
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
    strategic_position, subject,
};
use crate::error::Error;
use crate::text_search::document;
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, ModelTrait, TransactionTrait,
};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::Hash;
use std::pin::Pin;

type Timestamp = chrono::DateTime<Utc>;

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

/// A stored model that the seeder can match, compare and write.
trait Seeded: ModelTrait + Clone + PartialEq + IntoActiveModel<Self::Active> + Send + Sync {
    type Active: ActiveModelTrait<Entity = Self::Entity> + sea_orm::ActiveModelBehavior + Send;
    type Key: Eq + Hash + Clone + fmt::Debug + Send;
    const TABLE: &'static str;

    fn key(&self) -> Self::Key;
    /// Takes the stored row's surrogate id and timestamps, so that equality compares
    /// only what the dataset defines.
    fn adopt_identity(&mut self, stored: &Self);
    fn set_updated_at(&mut self, at: Timestamp);
    /// The active model for an insert: the surrogate id, if any, left to the database.
    fn into_insert(self) -> Self::Active;
}

macro_rules! seeded {
    ($module:ident, $table:literal, $key:ty, |$m:ident| $key_expr:expr, surrogate_id) => {
        seeded!(@impl $module, $table, $key, |$m| $key_expr, |stored, target| {
            target.id = stored.id;
        }, |active| {
            active.id = ActiveValue::NotSet;
        });
    };
    ($module:ident, $table:literal, $key:ty, |$m:ident| $key_expr:expr, natural_id) => {
        seeded!(@impl $module, $table, $key, |$m| $key_expr, |_stored, _target| {}, |_active| {});
    };
    (@impl $module:ident, $table:literal, $key:ty, |$m:ident| $key_expr:expr,
        |$stored:ident, $target:ident| $adopt:block, |$active:ident| $unset:block) => {
        impl Seeded for $module::Model {
            type Active = $module::ActiveModel;
            type Key = $key;
            const TABLE: &'static str = $table;

            fn key(&self) -> Self::Key {
                let $m = self;
                $key_expr
            }

            fn adopt_identity(&mut self, $stored: &Self) {
                let $target = self;
                $adopt
                $target.created_at = $stored.created_at;
                $target.updated_at = $stored.updated_at;
            }

            fn set_updated_at(&mut self, at: Timestamp) {
                self.updated_at = at;
            }

            #[allow(unused_mut)]
            fn into_insert(self) -> Self::Active {
                let mut $active = self.into_active_model();
                $unset
                $active
            }
        }
    };
}

seeded!(source, "sources", String, |m| m.slug.clone(), surrogate_id);
seeded!(
    subject,
    "subjects",
    (subject::SubjectKind, String),
    |m| (m.kind, m.key.clone()),
    surrogate_id
);
seeded!(region, "regions", String, |m| m.code.clone(), surrogate_id);
seeded!(
    country,
    "countries",
    String,
    |m| m.code.clone(),
    surrogate_id
);
seeded!(city, "cities", String, |m| m.slug.clone(), surrogate_id);
seeded!(
    company,
    "companies",
    String,
    |m| m.slug.clone(),
    surrogate_id
);
seeded!(
    project,
    "projects",
    String,
    |m| m.slug.clone(),
    surrogate_id
);
seeded!(
    project_company,
    "project_companies",
    (i32, i32),
    |m| (m.project_id, m.company_id),
    natural_id
);
seeded!(policy, "policies", String, |m| m.slug.clone(), surrogate_id);
seeded!(
    policy_city,
    "policy_cities",
    (i32, i32),
    |m| (m.policy_id, m.city_id),
    natural_id
);
seeded!(
    policy_company,
    "policy_companies",
    (i32, i32),
    |m| (m.policy_id, m.company_id),
    natural_id
);
seeded!(
    company_sanction,
    "company_sanctions",
    String,
    |m| m.slug.clone(),
    surrogate_id
);
seeded!(
    indicator,
    "indicators",
    String,
    |m| m.code.clone(),
    surrogate_id
);
seeded!(
    observation,
    "observations",
    (i32, i32, String, Option<String>, i32),
    |m| (
        m.indicator_id,
        m.subject_id,
        m.period.clone(),
        m.category.clone(),
        m.source_id
    ),
    surrogate_id
);
seeded!(
    strategic_dimension,
    "strategic_dimensions",
    String,
    |m| m.slug.clone(),
    surrogate_id
);
seeded!(
    strategic_position,
    "strategic_positions",
    (i32, i32),
    |m| (m.dimension_id, m.country_id),
    surrogate_id
);

/// Deletes the rows that left the dataset; run after every upsert, children first.
type PendingDelete<'a> = Pin<Box<dyn Future<Output = Result<(), Error>> + Send + 'a>>;

struct Seeder<'a> {
    txn: &'a DatabaseTransaction,
    now: Timestamp,
    report: SeedReport,
    deletions: Vec<PendingDelete<'a>>,
}

impl<'a> Seeder<'a> {
    fn new(txn: &'a DatabaseTransaction) -> Self {
        Self {
            txn,
            now: Utc::now(),
            report: SeedReport::default(),
            deletions: Vec::new(),
        }
    }

    /// Upserts `desired` by natural key and returns the stored rows by key.
    async fn sync<M>(&mut self, desired: Vec<M>) -> Result<HashMap<M::Key, M>, Error>
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
                        row.set_updated_at(self.now);
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

    async fn run(mut self, data: &Dataset) -> Result<SeedReport, Error> {
        let now = self.now;

        let sources = self
            .sync(
                data.sources
                    .iter()
                    .map(|s| source::Model {
                        id: 0,
                        slug: s.slug.clone(),
                        kind: s.kind.clone(),
                        publisher: s.publisher.clone(),
                        authors: s.authors.clone(),
                        title: s.title.clone(),
                        container: s.container.clone(),
                        published_on: s.published_on.clone(),
                        accessed_on: s.accessed_on.clone(),
                        url: s.url.clone(),
                        doi: s.doi.clone(),
                        paper_reference: s.paper_reference.clone(),
                        note: s.note.clone(),
                        search_text: document(
                            &s.title,
                            [
                                s.slug.as_str(),
                                &s.publisher,
                                s.authors.as_deref().unwrap_or_default(),
                                s.container.as_deref().unwrap_or_default(),
                                &s.kind,
                                &s.paper_reference,
                            ],
                        ),
                        created_at: now,
                        updated_at: now,
                    })
                    .collect(),
            )
            .await?;
        let source_id = |slug: &str| lookup(&sources, &slug.to_owned(), "source").map(|s| s.id);

        use subject::SubjectKind as Kind;
        let subject_keys = data
            .regions
            .iter()
            .map(|r| (Kind::Region, r.code.clone()))
            .chain(
                data.countries
                    .iter()
                    .map(|c| (Kind::Country, c.code.clone())),
            )
            .chain(data.cities.iter().map(|c| (Kind::City, c.slug.clone())))
            .chain(
                data.companies
                    .iter()
                    .map(|c| (Kind::Company, c.slug.clone())),
            )
            .chain(
                data.projects
                    .iter()
                    .map(|p| (Kind::Project, p.slug.clone())),
            );
        let subjects = self
            .sync(
                subject_keys
                    .map(|(kind, key)| subject::Model {
                        id: 0,
                        kind,
                        key,
                        created_at: now,
                        updated_at: now,
                    })
                    .collect(),
            )
            .await?;
        let subject_id = |kind: Kind, key: &str| {
            lookup(&subjects, &(kind, key.to_owned()), "subject").map(|s| s.id)
        };

        let regions = self
            .sync(
                data.regions
                    .iter()
                    .map(|r| {
                        Ok(region::Model {
                            id: 0,
                            subject_id: subject_id(Kind::Region, &r.code)?,
                            code: r.code.clone(),
                            name: r.name.clone(),
                            kind: r.kind.clone(),
                            description: r.description.clone(),
                            search_text: document(
                                &r.name,
                                [
                                    r.code.as_str(),
                                    &r.kind,
                                    r.description.as_deref().unwrap_or_default(),
                                ],
                            ),
                            created_at: now,
                            updated_at: now,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            )
            .await?;

        let countries = self
            .sync(
                data.countries
                    .iter()
                    .map(|c| {
                        Ok(country::Model {
                            id: 0,
                            subject_id: subject_id(Kind::Country, &c.code)?,
                            code: c.code.clone(),
                            iso3: c.iso3.clone(),
                            name: c.name.clone(),
                            region_id: optional(&regions, &c.region, "region")?.map(|r| r.id),
                            advantages: c.advantages.clone(),
                            advantages_cited_in: c.advantages_cited_in.clone(),
                            search_text: document(
                                &c.name,
                                [
                                    c.code.as_str(),
                                    &c.iso3,
                                    c.advantages.as_deref().unwrap_or_default(),
                                ],
                            ),
                            created_at: now,
                            updated_at: now,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            )
            .await?;
        let country_id = |code: &str| lookup(&countries, &code.to_owned(), "country").map(|c| c.id);

        let cities = self
            .sync(
                data.cities
                    .iter()
                    .map(|c| {
                        Ok(city::Model {
                            id: 0,
                            subject_id: subject_id(Kind::City, &c.slug)?,
                            slug: c.slug.clone(),
                            name: c.name.clone(),
                            country_id: country_id(&c.country)?,
                            description: c.description.clone(),
                            cited_in: c.cited_in.clone(),
                            search_text: document(&c.name, [c.slug.as_str(), &c.description]),
                            created_at: now,
                            updated_at: now,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            )
            .await?;

        // A subsidiary needs its parent's id, which a parent new in this run lacks until it is
        // inserted: the first pass resolves parents that are already stored, the second the
        // rest. On a database that is already up to date both passes change nothing.
        let stored_company_ids: HashMap<String, i32> = company::Entity::find()
            .all(self.txn)
            .await?
            .into_iter()
            .map(|c| (c.slug, c.id))
            .collect();
        let mut company_rows = Vec::with_capacity(data.companies.len());
        for c in &data.companies {
            company_rows.push(company::Model {
                id: 0,
                subject_id: subject_id(Kind::Company, &c.slug)?,
                slug: c.slug.clone(),
                name: c.name.clone(),
                country_id: country_id(&c.country)?,
                hq_city_id: optional(&cities, &c.hq_city, "city")?.map(|city| city.id),
                parent_company_id: c
                    .parent
                    .as_ref()
                    .and_then(|parent| stored_company_ids.get(parent).copied()),
                sector: c.sector.clone(),
                leading_enterprise: c.leading_enterprise,
                description: c.description.clone(),
                cited_in: c.cited_in.clone(),
                search_text: document(&c.name, [c.slug.as_str(), &c.sector, &c.description]),
                created_at: now,
                updated_at: now,
            });
        }
        let first_pass = self.sync(company_rows.clone()).await?;
        for (row, record) in company_rows.iter_mut().zip(&data.companies) {
            row.parent_company_id =
                optional(&first_pass, &record.parent, "parent company")?.map(|parent| parent.id);
        }
        // Both passes see the same stale rows; delete them once and report one line.
        self.deletions.pop();
        let first_report = self.report.tables.pop();
        let companies = self.sync(company_rows).await?;
        if let (Some(first), Some(second)) = (first_report, self.report.tables.last_mut()) {
            second.inserted += first.inserted;
            second.updated += first.updated;
        }
        let company_id = |slug: &str| lookup(&companies, &slug.to_owned(), "company").map(|c| c.id);

        let projects = self
            .sync(
                data.projects
                    .iter()
                    .map(|p| {
                        Ok(project::Model {
                            id: 0,
                            subject_id: subject_id(Kind::Project, &p.slug)?,
                            slug: p.slug.clone(),
                            name: p.name.clone(),
                            kind: p.kind.clone(),
                            city_id: optional(&cities, &p.city, "city")?.map(|c| c.id),
                            country_id: country_id(&p.country)?,
                            start_year: p.start_year,
                            description: p.description.clone(),
                            source_id: source_id(&p.source)?,
                            cited_in: p.cited_in.clone(),
                            search_text: document(
                                &p.name,
                                [p.slug.as_str(), &p.kind, &p.description],
                            ),
                            created_at: now,
                            updated_at: now,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            )
            .await?;
        let project_id = |slug: &str| lookup(&projects, &slug.to_owned(), "project").map(|p| p.id);

        self.sync(
            data.project_companies
                .iter()
                .map(|pc| {
                    Ok(project_company::Model {
                        project_id: project_id(&pc.project)?,
                        company_id: company_id(&pc.company)?,
                        role: pc.role.clone(),
                        created_at: now,
                        updated_at: now,
                    })
                })
                .collect::<Result<_, Error>>()?,
        )
        .await?;

        let policies = self
            .sync(
                data.policies
                    .iter()
                    .map(|p| {
                        Ok(policy::Model {
                            id: 0,
                            slug: p.slug.clone(),
                            title: p.title.clone(),
                            country_id: country_id(&p.country)?,
                            kind: p.kind.clone(),
                            issuer: p.issuer.clone(),
                            year: p.year,
                            start_year: p.start_year,
                            end_year: p.end_year,
                            target_year: p.target_year,
                            summary: p.summary.clone(),
                            source_id: source_id(&p.source)?,
                            cited_in: p.cited_in.clone(),
                            search_text: document(
                                &p.title,
                                [
                                    p.slug.as_str(),
                                    &p.kind,
                                    p.issuer.as_deref().unwrap_or_default(),
                                    &p.summary,
                                ],
                            ),
                            created_at: now,
                            updated_at: now,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            )
            .await?;
        let policy_id = |slug: &str| lookup(&policies, &slug.to_owned(), "policy").map(|p| p.id);

        self.sync(
            data.policy_cities
                .iter()
                .map(|pc| {
                    Ok(policy_city::Model {
                        policy_id: policy_id(&pc.policy)?,
                        city_id: lookup(&cities, &pc.city, "city")?.id,
                        created_at: now,
                        updated_at: now,
                    })
                })
                .collect::<Result<_, Error>>()?,
        )
        .await?;

        self.sync(
            data.policy_companies
                .iter()
                .map(|pc| {
                    Ok(policy_company::Model {
                        policy_id: policy_id(&pc.policy)?,
                        company_id: company_id(&pc.company)?,
                        relation: pc.relation.clone(),
                        created_at: now,
                        updated_at: now,
                    })
                })
                .collect::<Result<_, Error>>()?,
        )
        .await?;

        self.sync(
            data.company_sanctions
                .iter()
                .map(|s| {
                    Ok(company_sanction::Model {
                        id: 0,
                        slug: s.slug.clone(),
                        company_id: company_id(&s.company)?,
                        authority: s.authority.clone(),
                        list_name: s.list_name.clone(),
                        action: s.action.clone(),
                        year: s.year,
                        description: s.description.clone(),
                        source_id: source_id(&s.source)?,
                        cited_in: s.cited_in.clone(),
                        created_at: now,
                        updated_at: now,
                    })
                })
                .collect::<Result<_, Error>>()?,
        )
        .await?;

        let indicators = self
            .sync(
                data.indicators
                    .iter()
                    .map(|i| indicator::Model {
                        id: 0,
                        code: i.code.clone(),
                        name: i.name.clone(),
                        description: i.description.clone(),
                        unit: i.unit.clone(),
                        scale: i.scale.clone(),
                        measure: i.measure.clone(),
                        topic: i.topic.clone(),
                        caveat: i.caveat.clone(),
                        search_text: document(
                            &i.name,
                            [
                                i.code.as_str(),
                                &i.description,
                                &i.unit,
                                &i.measure,
                                &i.topic,
                            ],
                        ),
                        created_at: now,
                        updated_at: now,
                    })
                    .collect(),
            )
            .await?;

        self.sync(
            data.observations
                .iter()
                .map(|o| {
                    let kind = parse_enum::<Kind>(&o.subject_kind, "subject kind")?;
                    Ok(observation::Model {
                        id: 0,
                        indicator_id: lookup(&indicators, &o.indicator, "indicator")?.id,
                        subject_id: subject_id(kind, &o.subject)?,
                        period: o.period.clone(),
                        year: dataset::period_year(&o.period).ok_or_else(|| {
                            Error::dataset(format_args!(
                                "period {:?} is not YYYY or YYYY-Qn",
                                o.period
                            ))
                        })?,
                        category: o.category.clone(),
                        value: o.value,
                        value_text: o.value_text.clone(),
                        unit: o.unit.clone(),
                        scale: o.scale.clone(),
                        qualifier: parse_enum(&o.qualifier, "qualifier")?,
                        status: parse_enum(&o.status, "status")?,
                        source_id: source_id(&o.source)?,
                        cited_in: o.cited_in.clone(),
                        caveat: o.caveat.clone(),
                        search_text: observation_document(
                            o,
                            lookup(&indicators, &o.indicator, "indicator")?,
                        ),
                        created_at: now,
                        updated_at: now,
                    })
                })
                .collect::<Result<_, Error>>()?,
        )
        .await?;

        let dimensions = self
            .sync(
                data.strategic_comparison
                    .iter()
                    .map(|d| {
                        Ok(strategic_dimension::Model {
                            id: 0,
                            slug: d.slug.clone(),
                            ordinal: d.ordinal,
                            dimension: d.dimension.clone(),
                            key_difference: d.key_difference.clone(),
                            source_id: source_id(&d.source)?,
                            cited_in: d.cited_in.clone(),
                            created_at: now,
                            updated_at: now,
                        })
                    })
                    .collect::<Result<_, Error>>()?,
            )
            .await?;

        let mut positions = Vec::new();
        for d in &data.strategic_comparison {
            let dimension_id = lookup(&dimensions, &d.slug, "strategic dimension")?.id;
            for (code, text) in [("CN", &d.china), ("US", &d.united_states)] {
                positions.push(strategic_position::Model {
                    id: 0,
                    dimension_id,
                    country_id: country_id(code)?,
                    text: text.clone(),
                    created_at: now,
                    updated_at: now,
                });
            }
        }
        self.sync(positions).await?;

        // Children were synced after their parents, so deleting in reverse order never
        // trips a foreign key.
        while let Some(delete) = self.deletions.pop() {
            delete.await?;
        }
        Ok(self.report)
    }
}

fn lookup<'m, K, M>(rows: &'m HashMap<K, M>, key: &K, what: &str) -> Result<&'m M, Error>
where
    K: Eq + Hash + fmt::Debug,
{
    rows.get(key)
        .ok_or_else(|| Error::dataset(format_args!("unknown {what} {key:?}")))
}

fn optional<'m, M>(
    rows: &'m HashMap<String, M>,
    key: &Option<String>,
    what: &str,
) -> Result<Option<&'m M>, Error> {
    key.as_ref().map(|k| lookup(rows, k, what)).transpose()
}

fn parse_enum<E>(value: &str, what: &str) -> Result<E, Error>
where
    E: sea_orm::ActiveEnum<Value = String> + sea_orm::Iterable,
{
    E::iter()
        .find(|variant| variant.to_value() == value)
        .ok_or_else(|| Error::dataset(format_args!("unknown {what} {value:?}")))
}

/// What an observation's `text` filter matches: the indicator's name and code, the subject's
/// key, the category, the place in the paper and the caveat.
fn observation_document(
    record: &dataset::ObservationRecord,
    indicator: &indicator::Model,
) -> String {
    document(
        &indicator.name,
        [
            indicator.code.as_str(),
            &record.subject,
            record.category.as_deref().unwrap_or_default(),
            &record.cited_in,
            record.caveat.as_deref().unwrap_or_default(),
        ],
    )
}
