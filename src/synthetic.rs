//! A deterministic synthetic dataset at benchmark scale: 250 countries, 10,000 cities, 50,000
//! companies, 5,000 policies, 100 indicators and 10^4 to 10^6 observations, all under a
//! source of its own and only ever in a database of its own, never beside the paper's data.

use crate::dataset::{
    CityRecord, CompanyRecord, CountryRecord, IndicatorRecord, ObservationRecord, PolicyRecord,
    SourceRecord,
};
use crate::entities::subject::SubjectKind;
use crate::entities::{city, company, country, indicator, observation, policy, source, subject};
use crate::error::Error;
use crate::seed::Seeded;
use crate::seed::rows::{CompanyIds, ObservationIds, Rows};
use crate::store::history::{self, Author};
use crate::text_search::document;
use chrono::Utc;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Select,
    TransactionTrait,
};
use std::collections::HashMap;
use std::fmt;

/// The source every synthetic row cites, which also marks a database as synthetic.
pub const SOURCE_SLUG: &str = "synthetic-benchmark-data";

pub const COUNTRIES: usize = 250;
pub const CITIES: usize = 10_000;
pub const COMPANIES: usize = 50_000;
pub const POLICIES: usize = 5_000;
pub const INDICATORS: usize = 100;
pub const MIN_OBSERVATIONS: u32 = 10_000;
pub const MAX_OBSERVATIONS: u32 = 1_000_000;
/// Every (indicator, subject) pair gets this many consecutive years, so series are long.
const YEARS: usize = 25;
const FIRST_YEAR: i32 = 2000;
/// Rows per INSERT: under SQLite's 32,766 bound parameters for the widest table.
const ROWS_PER_INSERT: usize = 1_500;
const CITIES_PER_POLICY: usize = 2;
const COMPANIES_PER_POLICY: usize = 10;
/// What synthetic rows give as their place in the paper, and indicators as their topic.
const CITED_IN: &str = "synthetic";

/// How many observations to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale(u32);

impl Scale {
    pub fn new(observations: u32) -> Result<Self, Error> {
        if (MIN_OBSERVATIONS..=MAX_OBSERVATIONS).contains(&observations) {
            Ok(Self(observations))
        } else {
            Err(Error::BadUserInput(format!(
                "--scale is the number of observations, from {MIN_OBSERVATIONS} to {MAX_OBSERVATIONS}"
            )))
        }
    }

    pub fn observations(self) -> u32 {
        self.0
    }
}

/// What was written, table by table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub rows: Vec<(&'static str, usize)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .rows
            .iter()
            .map(|(table, rows)| format!("{table} {rows}"))
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// splitmix64: the same numbers on every machine, from the row's index alone.
fn noise(index: u64) -> u64 {
    let mut z = index.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Two capital letters per country: `AA`, `AB`, … (the ISO-like key the API expects).
fn country_code(index: usize) -> String {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    format!(
        "{}{}",
        letters[index / 26] as char,
        letters[index % 26] as char
    )
}

fn city_slug(index: usize) -> String {
    format!("city-{index:05}")
}

fn company_slug(index: usize) -> String {
    format!("company-{index:05}")
}

fn policy_slug(index: usize) -> String {
    format!("policy-{index:04}")
}

fn indicator_code(index: usize) -> String {
    format!("synthetic_indicator_{index:03}")
}

const SECTORS: [&str; 6] = [
    "artificial intelligence",
    "telecommunications",
    "cloud computing",
    "surveillance",
    "energy",
    "transport",
];
const POLICY_KINDS: [&str; 4] = ["national_plan", "regulation", "city_policy", "initiative"];
const UNITS: [(&str, &str, &str); 4] = [
    ("USD", "billion", "market size"),
    ("count", "unit", "count"),
    ("percent", "unit", "share"),
    ("CNY", "trillion", "industry size"),
];

/// Loads the synthetic dataset into an empty, migrated database.
pub async fn seed(db: &DatabaseConnection, scale: Scale) -> Result<Report, Error> {
    if source::Entity::find().count(db).await? > 0 {
        return Err(Error::BadUserInput(
            "synthetic data goes only into an empty database, never beside the paper's data; \
             create one (e.g. `createdb cityatlas_bench`) and pass its --database-url"
                .to_owned(),
        ));
    }
    let txn = db.begin().await?;
    let generator = Generator {
        txn: &txn,
        rows: Rows { now: Utc::now() },
    };
    let source_id = generator.source().await?;
    let countries = generator.countries().await?;
    let cities = generator.cities(&countries).await?;
    let companies = generator.companies(&countries, &cities).await?;
    generator
        .policies(source_id, &countries, &cities, &companies)
        .await?;
    let indicators = generator.indicators().await?;
    let total = scale.observations() as usize;
    generator
        .observations(total, source_id, &indicators, [&countries, &cities])
        .await?;
    let author = Author {
        actor: crate::seed::IMPORTER.to_owned(),
        reason: "synthetic benchmark data".to_owned(),
        request_id: None,
    };
    history::record_dataset(&txn, &author, "synthetic").await?;
    txn.commit().await?;
    Ok(Report {
        rows: vec![
            ("sources", 1),
            ("countries", COUNTRIES),
            ("cities", CITIES),
            ("companies", COMPANIES),
            ("policies", POLICIES),
            ("policy_cities", POLICIES * CITIES_PER_POLICY),
            ("policy_companies", POLICIES * COMPANIES_PER_POLICY),
            ("indicators", INDICATORS),
            ("observations", total),
        ],
    })
}

/// One kind of subject as generated: its keys, and the ids of its subject rows and of its
/// own rows, all by index.
struct Ids {
    kind: SubjectKind,
    keys: Vec<String>,
    subjects: Vec<i32>,
    rows: Vec<i32>,
}

/// Writes the synthetic rows through the seeder's row builders, in one transaction.
struct Generator<'a> {
    txn: &'a DatabaseTransaction,
    rows: Rows,
}

impl Generator<'_> {
    /// The one source every synthetic row cites; returns its id.
    async fn source(&self) -> Result<i32, Error> {
        let record = SourceRecord {
            slug: SOURCE_SLUG.to_owned(),
            kind: "synthetic".to_owned(),
            publisher: "City Atlas".to_owned(),
            authors: None,
            title: "Synthetic benchmark data: generated, not published; no figure in it is real"
                .to_owned(),
            container: None,
            published_on: None,
            accessed_on: None,
            url: None,
            doi: None,
            paper_reference: "none: generated by `cityatlas seed --synthetic`".to_owned(),
            note: None,
        };
        let search_text = document("synthetic benchmark data", [SOURCE_SLUG]);
        let row = self.rows.source(record, search_text).into_insert();
        Ok(row.insert(self.txn).await?.id)
    }

    /// Inserts a subject per key, then the row `build` makes of each index, key and subject
    /// id; `columns` are the table's key and id columns, to read the new ids back.
    async fn with_subjects<M: Seeded>(
        &self,
        kind: SubjectKind,
        keys: Vec<String>,
        columns: (Column<M>, Column<M>),
        build: impl Fn(usize, &String, i32) -> M,
    ) -> Result<Ids, Error> {
        let subjects = keys.iter().map(|key| self.rows.subject(kind, key.clone()));
        insert_all(self.txn, subjects).await?;
        let of_kind = subject::Entity::find().filter(subject::Column::Kind.eq(kind));
        let subject_columns = (subject::Column::Key, subject::Column::Id);
        let subjects = ids_of(self.txn, &keys, of_kind, subject_columns).await?;
        let rows = keys.iter().enumerate();
        insert_all(self.txn, rows.map(|(i, key)| build(i, key, subjects[i]))).await?;
        let rows = ids_of(self.txn, &keys, M::Entity::find(), columns).await?;
        Ok(Ids {
            kind,
            keys,
            subjects,
            rows,
        })
    }

    async fn countries(&self) -> Result<Ids, Error> {
        let codes = (0..COUNTRIES).map(country_code).collect();
        let columns = (country::Column::Code, country::Column::Id);
        self.with_subjects(
            SubjectKind::Country,
            codes,
            columns,
            |i, code, subject_id| {
                let name = format!("Synthetic Country {i:03}");
                let search_text = document(&name, [code.as_str()]);
                let record = CountryRecord {
                    code: code.clone(),
                    iso3: format!("{code}X"),
                    name,
                    region: None,
                    advantages: None,
                    advantages_cited_in: None,
                };
                self.rows.country(record, subject_id, None, search_text)
            },
        )
        .await
    }

    /// City i is in country i mod 250.
    async fn cities(&self, countries: &Ids) -> Result<Ids, Error> {
        let slugs = (0..CITIES).map(city_slug).collect();
        let columns = (city::Column::Slug, city::Column::Id);
        self.with_subjects(SubjectKind::City, slugs, columns, |i, slug, subject_id| {
            let name = format!("Synthetic City {i:05}");
            let search_text = document(&name, [slug.as_str()]);
            let record = CityRecord {
                slug: slug.clone(),
                name,
                country: countries.keys[i % COUNTRIES].clone(),
                description: "A generated city for benchmarks.".to_owned(),
                cited_in: CITED_IN.to_owned(),
            };
            let country_id = countries.rows[i % COUNTRIES];
            self.rows.city(record, subject_id, country_id, search_text)
        })
        .await
    }

    /// Company i is in country i mod 250 and city i mod 10,000, which lies in the same
    /// country because 10,000 is a multiple of 250.
    async fn companies(&self, countries: &Ids, cities: &Ids) -> Result<Ids, Error> {
        let slugs = (0..COMPANIES).map(company_slug).collect();
        let columns = (company::Column::Slug, company::Column::Id);
        self.with_subjects(
            SubjectKind::Company,
            slugs,
            columns,
            |i, slug, subject_id| {
                let name = format!("Synthetic Company {i:05}");
                let sector = SECTORS[i % SECTORS.len()];
                let search_text = document(&name, [slug.as_str(), sector]);
                let ids = CompanyIds {
                    subject: subject_id,
                    country: countries.rows[i % COUNTRIES],
                    hq_city: Some(cities.rows[i % CITIES]),
                    parent: None,
                };
                let record = CompanyRecord {
                    slug: slug.clone(),
                    name,
                    country: countries.keys[i % COUNTRIES].clone(),
                    hq_city: Some(cities.keys[i % CITIES].clone()),
                    parent: None,
                    sector: sector.to_owned(),
                    leading_enterprise: i % 100 == 0,
                    description: "A generated company for benchmarks.".to_owned(),
                    cited_in: CITED_IN.to_owned(),
                };
                self.rows.company(record, ids, search_text)
            },
        )
        .await
    }

    /// Policy i is issued by country i mod 250 and concerns two of its cities and ten of its
    /// companies.
    async fn policies(
        &self,
        source_id: i32,
        countries: &Ids,
        cities: &Ids,
        companies: &Ids,
    ) -> Result<(), Error> {
        let slugs: Vec<String> = (0..POLICIES).map(policy_slug).collect();
        let rows = slugs.iter().enumerate().map(|(i, slug)| {
            let title = format!("Synthetic Policy {i:04}");
            let search_text = document(&title, [slug.as_str()]);
            let record = PolicyRecord {
                slug: slug.clone(),
                title,
                country: countries.keys[i % COUNTRIES].clone(),
                kind: POLICY_KINDS[i % POLICY_KINDS.len()].to_owned(),
                issuer: None,
                year: Some(FIRST_YEAR + (i % YEARS) as i32),
                start_year: None,
                end_year: None,
                target_year: None,
                summary: "A generated policy for benchmarks.".to_owned(),
                source: SOURCE_SLUG.to_owned(),
                cited_in: CITED_IN.to_owned(),
            };
            let country_id = countries.rows[i % COUNTRIES];
            self.rows.policy(record, country_id, source_id, search_text)
        });
        insert_all(self.txn, rows).await?;
        let columns = (policy::Column::Slug, policy::Column::Id);
        let policies = ids_of(self.txn, &slugs, policy::Entity::find(), columns).await?;
        // The k-th link of policy i goes to city (or company) i + k·5,000.
        let linked = |per_policy: usize, of: usize| {
            (0..POLICIES)
                .flat_map(move |i| (0..per_policy).map(move |k| (i, (i + k * POLICIES) % of)))
        };
        let policy_cities = linked(CITIES_PER_POLICY, CITIES)
            .map(|(policy, city)| self.rows.policy_city(policies[policy], cities.rows[city]));
        insert_all(self.txn, policy_cities).await?;
        let policy_companies = linked(COMPANIES_PER_POLICY, COMPANIES).map(|(policy, company)| {
            let company_id = companies.rows[company];
            self.rows
                .policy_company(policies[policy], company_id, "concerns".to_owned())
        });
        insert_all(self.txn, policy_companies).await
    }

    /// Returns the indicators by code.
    async fn indicators(&self) -> Result<HashMap<String, indicator::Model>, Error> {
        let rows = (0..INDICATORS).map(|i| {
            let (unit, scale, measure) = UNITS[i % UNITS.len()];
            let code = indicator_code(i);
            let name = format!("Synthetic Indicator {i:03}");
            let search_text = document(&name, [code.as_str()]);
            let record = IndicatorRecord {
                code,
                name,
                description: "A generated indicator for benchmarks.".to_owned(),
                unit: unit.to_owned(),
                scale: scale.to_owned(),
                measure: measure.to_owned(),
                topic: CITED_IN.to_owned(),
                caveat: Some("Synthetic: generated for benchmarks, not published.".to_owned()),
            };
            self.rows.indicator(record, search_text)
        });
        insert_all(self.txn, rows).await?;
        let indicators = indicator::Entity::find().all(self.txn).await?;
        Ok(indicators
            .into_iter()
            .map(|model| (model.code.clone(), model))
            .collect())
    }

    /// For observation k, the indicator is k mod 100, then 25 consecutive years per subject,
    /// subjects taken countries first, then cities.
    async fn observations(
        &self,
        total: usize,
        source_id: i32,
        indicators: &HashMap<String, indicator::Model>,
        places: [&Ids; 2],
    ) -> Result<(), Error> {
        let subject_order: Vec<(String, &str, i32)> = places
            .iter()
            .flat_map(|place| {
                let kind = place.kind.to_value();
                place
                    .keys
                    .iter()
                    .zip(&place.subjects)
                    .map(move |(key, &id)| (kind.clone(), key.as_str(), id))
            })
            .collect();
        let rows = (0..total).map(|k| {
            let indicator = &indicators[&indicator_code(k % INDICATORS)];
            let rest = k / INDICATORS;
            let year = FIRST_YEAR + (rest % YEARS) as i32;
            let (kind, key, subject_id) = &subject_order[(rest / YEARS) % subject_order.len()];
            let value = (noise(k as u64) % 1_000_000) as f64 / 100.0;
            let record = ObservationRecord {
                indicator: indicator.code.clone(),
                subject_kind: kind.clone(),
                subject: (*key).to_owned(),
                period: year.to_string(),
                category: None,
                value,
                value_text: format!("{value:.2}"),
                unit: indicator.unit.clone(),
                scale: indicator.scale.clone(),
                qualifier: observation::Qualifier::Exact.to_value(),
                status: observation::Status::Estimate.to_value(),
                source: SOURCE_SLUG.to_owned(),
                cited_in: CITED_IN.to_owned(),
                caveat: None,
            };
            let ids = ObservationIds {
                indicator: indicator.id,
                subject: *subject_id,
                source: source_id,
            };
            let search_text = document(&indicator.name, [indicator.code.as_str()]);
            self.rows.observation(record, ids, search_text)
        });
        let mut rows = rows.peekable();
        while rows.peek().is_some() {
            let batch = rows
                .by_ref()
                .take(ROWS_PER_INSERT)
                .collect::<Result<Vec<_>, _>>()?;
            insert_all(self.txn, batch).await?;
        }
        Ok(())
    }
}

/// Whether the database holds synthetic data, which the paper's seeder must not touch.
pub async fn is_synthetic<C: ConnectionTrait>(db: &C) -> Result<bool, Error> {
    Ok(source::Entity::find()
        .filter(source::Column::Slug.eq(SOURCE_SLUG))
        .count(db)
        .await?
        > 0)
}

/// Inserts in batches through the seeder's `Seeded::into_insert`, ids left to the database.
async fn insert_all<M: Seeded>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = M>,
) -> Result<(), Error> {
    let mut rows = rows.into_iter().map(M::into_insert).peekable();
    while rows.peek().is_some() {
        let batch: Vec<M::Active> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        M::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

type Column<M> = <<M as sea_orm::ModelTrait>::Entity as EntityTrait>::Column;

/// The ids of `keys`, in their order, read back from the key and id `columns` of `select`.
async fn ids_of<E: EntityTrait>(
    db: &impl ConnectionTrait,
    keys: &[String],
    select: Select<E>,
    (key, id): (E::Column, E::Column),
) -> Result<Vec<i32>, Error> {
    let pairs: Vec<(String, i32)> = select
        .select_only()
        .columns([key, id])
        .into_tuple()
        .all(db)
        .await?;
    let ids: HashMap<String, i32> = pairs.into_iter().collect();
    Ok(keys.iter().map(|key| ids[key]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_unique_pairs_of_capitals() {
        let codes: std::collections::HashSet<String> = (0..COUNTRIES).map(country_code).collect();
        assert_eq!(codes.len(), COUNTRIES);
        assert_eq!(country_code(0), "AA");
        assert_eq!(country_code(27), "BB");
    }

    #[test]
    fn scale_is_bounded() {
        assert!(Scale::new(9_999).is_err());
        assert!(Scale::new(1_000_001).is_err());
        assert_eq!(
            Scale::new(10_000).map(Scale::observations).ok(),
            Some(10_000)
        );
    }
}
