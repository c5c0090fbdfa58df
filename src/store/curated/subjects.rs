//! The places figures are about (regions, countries, cities), and what every subject
//! table shares (the organisations' are in `organisations`): each row is a subject too,
//! whose row observations refer to. A new one gets its subject in the same transaction;
//! a retracted one takes its subject with it, refused while figures, or rows that would
//! lose it, still refer to it.

use super::{COUNTRY, REGION, blank, problem, rows};
use crate::dataset::{CityRecord, CountryRecord, ProblemKind, RegionRecord};
use crate::entities::subject::SubjectKind;
use crate::entities::{
    city, company, country, observation, policy, policy_city, project, region, strategic_position,
    subject,
};
use crate::error::Error;
use crate::seed::{Seeded, city_document, country_document, region_document};
use crate::store::curation::Problem;
use crate::store::history;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Value,
};

/// The id of the subject a place is observed as; a new place's is inserted here, and
/// rolled back with the rest if a rule fails.
pub(super) async fn subject_for(
    db: &impl ConnectionTrait,
    kind: SubjectKind,
    key: &str,
) -> Result<i32, Error> {
    let find = || {
        subject::Entity::find()
            .filter(subject::Column::Kind.eq(kind))
            .filter(subject::Column::Key.eq(key))
    };
    if let Some(found) = find().one(db).await? {
        return Ok(found.id);
    }
    subject::Entity::insert(rows().subject(kind, key.to_owned()).into_insert())
        .exec_without_returning(db)
        .await?;
    let inserted = find().one(db).await?.ok_or_else(|| Error::Internal {
        detail: format!("the subject {key:?} just inserted is not there"),
    })?;
    Ok(inserted.id)
}

/// A subject's row in its table and its revisions table.
pub(super) fn row_key(subject_id: i32) -> [(&'static str, Value); 1] {
    [("id", subject_id.into())]
}

/// Removes a subject, whose owner is removed already and whose last state the revisions
/// keep.
pub(super) async fn remove_subject(
    txn: &DatabaseTransaction,
    subject_id: i32,
    event: i32,
) -> Result<Result<(), DbErr>, Error> {
    history::record::<subject::Entity>(txn, &row_key(subject_id), event, true).await?;
    Ok(subject::Entity::delete_by_id(subject_id)
        .exec(txn)
        .await
        .map(|_| ()))
}

curated! {
    region: RegionRecord as "Region", keyed by code in Code,
    a subject;

    async fn build(
        db: &impl ConnectionTrait,
        record: RegionRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("code", &record.code),
                ("name", &record.name),
                ("kind", &record.kind),
            ],
        );
        if problems.len() > before {
            return Ok(None);
        }
        let subject = subject_for(db, SubjectKind::Region, &record.code).await?;
        let document = region_document(&record);
        Ok(Some(rows().region(record, subject, document)))
    }

    async fn record_of(&self, _db: &impl ConnectionTrait) -> Result<RegionRecord, Error> {
        Ok(RegionRecord {
            code: self.code.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            description: self.description.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        Ok(referring! {
            db;
            country::Column::RegionId => row.id, "countries";
            observation::Column::SubjectId => row.subject_id, "observations";
        })
    }
}

curated! {
    country: CountryRecord as "Country", keyed by code in Code,
    a subject;

    async fn build(
        db: &impl ConnectionTrait,
        record: CountryRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("code", &record.code),
                ("iso3", &record.iso3),
                ("name", &record.name),
            ],
        );
        let is_code = |text: &str, length: usize| {
            text.len() == length && text.bytes().all(|b| b.is_ascii_uppercase())
        };
        if !record.code.trim().is_empty() && !is_code(&record.code, 2) {
            problems.push(problem(
                "code",
                ProblemKind::InvalidCode,
                format!(
                    "{:?} is not an ISO 3166-1 alpha-2 code, e.g. `CN`",
                    record.code
                ),
            ));
        }
        if !record.iso3.trim().is_empty() && !is_code(&record.iso3, 3) {
            problems.push(problem(
                "iso3",
                ProblemKind::InvalidCode,
                format!(
                    "{:?} is not an ISO 3166-1 alpha-3 code, e.g. `CHN`",
                    record.iso3
                ),
            ));
        }
        let region = REGION
            .optional_id(db, "region", record.region.as_deref(), problems)
            .await?;
        if problems.len() > before {
            return Ok(None);
        }
        let subject = subject_for(db, SubjectKind::Country, &record.code).await?;
        let document = country_document(&record);
        Ok(Some(rows().country(record, subject, region, document)))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<CountryRecord, Error> {
        Ok(CountryRecord {
            code: self.code.clone(),
            iso3: self.iso3.clone(),
            name: self.name.clone(),
            region: REGION.optional_key(db, self.region_id).await?,
            advantages: self.advantages.clone(),
            advantages_cited_in: self.advantages_cited_in.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        Ok(referring! {
            db;
            city::Column::CountryId => row.id, "cities";
            company::Column::CountryId => row.id, "companies";
            project::Column::CountryId => row.id, "projects";
            policy::Column::CountryId => row.id, "policies";
            strategic_position::Column::CountryId => row.id, "Table 1 positions";
            observation::Column::SubjectId => row.subject_id, "observations";
        })
    }
}

curated! {
    city: CityRecord as "City", keyed by slug in Slug,
    a subject;

    async fn build(
        db: &impl ConnectionTrait,
        record: CityRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("name", &record.name),
                ("description", &record.description),
                ("citedIn", &record.cited_in),
            ],
        );
        let country = COUNTRY.id(db, "country", &record.country, problems).await?;
        let (Some(country), true) = (country, problems.len() == before) else {
            return Ok(None);
        };
        let subject = subject_for(db, SubjectKind::City, &record.slug).await?;
        let document = city_document(&record);
        Ok(Some(rows().city(record, subject, country, document)))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<CityRecord, Error> {
        Ok(CityRecord {
            slug: self.slug.clone(),
            name: self.name.clone(),
            country: COUNTRY.key(db, self.country_id).await?,
            description: self.description.clone(),
            cited_in: self.cited_in.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        Ok(referring! {
            db;
            company::Column::HqCityId => row.id, "companies headquartered there";
            project::Column::CityId => row.id, "projects";
            policy_city::Column::CityId => row.id, "links to policies";
            observation::Column::SubjectId => row.subject_id, "observations";
        })
    }
}
