//! DataLoaders: every relation a query can walk is fetched in one batched statement per
//! level of the query, not one per row. A new loader is made for each request, so its
//! cache never outlives the request.

use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
    strategic_position, subject,
};
use crate::error::Error;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

pub type Loaders = DataLoader<AtlasLoader, HashMapCache>;

/// Batches of up to 10,000 keys: the default 1,000 split a wide level of a query (20,000
/// companies under 100 countries) into twenty statements. 10,000 bound parameters stay well
/// under SQLite's limit of 32,766 and PostgreSQL's of 65,535.
pub fn for_request(db: DatabaseConnection) -> Loaders {
    DataLoader::with_cache(AtlasLoader { db }, tokio::spawn, HashMapCache::default())
        .max_batch_size(10_000)
}

pub struct AtlasLoader {
    db: DatabaseConnection,
}

/// Loads rows by primary key: `$key(id)` gives that row.
macro_rules! by_id {
    ($key:ident, $module:ident) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for AtlasLoader {
            type Value = $module::Model;
            type Error = Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Error> {
                let ids = keys.iter().map(|key| key.0);
                let rows = $module::Entity::find()
                    .filter($module::Column::Id.is_in(ids))
                    .all(&self.db)
                    .await?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

/// Loads the rows that point at a parent: `$key(parent_id)` gives them all, in a stable
/// order.
macro_rules! children {
    ($key:ident, $module:ident, $column:ident, |$row:ident| $parent:expr, $($order:ident),+) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for AtlasLoader {
            type Value = Vec<$module::Model>;
            type Error = Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Error> {
                let ids = keys.iter().map(|key| key.0);
                let rows = $module::Entity::find()
                    .filter($module::Column::$column.is_in(ids))
                    $(.order_by_asc($module::Column::$order))+
                    .all(&self.db)
                    .await?;
                let mut grouped: HashMap<$key, Self::Value> = HashMap::new();
                for $row in rows {
                    if let Some(parent) = $parent {
                        grouped.entry($key(parent)).or_default().push($row);
                    }
                }
                Ok(grouped)
            }
        }
    };
}

by_id!(CountryById, country);
by_id!(RegionById, region);
by_id!(CityById, city);
by_id!(CompanyById, company);
by_id!(ProjectById, project);
by_id!(PolicyById, policy);
by_id!(IndicatorById, indicator);
by_id!(SourceById, source);
by_id!(DimensionById, strategic_dimension);

children!(
    CountriesOfRegion,
    country,
    RegionId,
    |row| row.region_id,
    Name,
    Id
);
children!(
    CitiesOfCountry,
    city,
    CountryId,
    |row| Some(row.country_id),
    Name,
    Id
);
children!(
    CompaniesOfCountry,
    company,
    CountryId,
    |row| Some(row.country_id),
    Name,
    Id
);
children!(
    CompaniesInCity,
    company,
    HqCityId,
    |row| row.hq_city_id,
    Name,
    Id
);
children!(
    SubsidiariesOf,
    company,
    ParentCompanyId,
    |row| row.parent_company_id,
    Name,
    Id
);
children!(
    ProjectsOfCountry,
    project,
    CountryId,
    |row| Some(row.country_id),
    Name,
    Id
);
children!(ProjectsInCity, project, CityId, |row| row.city_id, Name, Id);
children!(
    PoliciesOfCountry,
    policy,
    CountryId,
    |row| Some(row.country_id),
    Title,
    Id
);
children!(
    SanctionsOfCompany,
    company_sanction,
    CompanyId,
    |row| Some(row.company_id),
    Slug,
    Id
);
children!(
    ParticipantsOfProject,
    project_company,
    ProjectId,
    |row| Some(row.project_id),
    CompanyId
);
children!(
    ProjectsOfCompany,
    project_company,
    CompanyId,
    |row| Some(row.company_id),
    ProjectId
);
children!(
    CitiesOfPolicy,
    policy_city,
    PolicyId,
    |row| Some(row.policy_id),
    CityId
);
children!(
    PoliciesOfCity,
    policy_city,
    CityId,
    |row| Some(row.city_id),
    PolicyId
);
children!(
    CompaniesOfPolicy,
    policy_company,
    PolicyId,
    |row| Some(row.policy_id),
    CompanyId
);
children!(
    PoliciesOfCompany,
    policy_company,
    CompanyId,
    |row| Some(row.company_id),
    PolicyId
);
children!(
    PositionsOfDimension,
    strategic_position,
    DimensionId,
    |row| Some(row.dimension_id),
    CountryId
);
children!(
    PositionsOfCountry,
    strategic_position,
    CountryId,
    |row| Some(row.country_id),
    DimensionId
);
children!(
    ObservationsOfSubject,
    observation,
    SubjectId,
    |row| Some(row.subject_id),
    IndicatorId,
    Period,
    Id
);

/// The row behind a subject id, whatever its kind.
#[derive(Clone, Debug)]
pub enum SubjectRow {
    Country(country::Model),
    Region(region::Model),
    City(city::Model),
    Company(company::Model),
    Project(project::Model),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubjectById(pub i32);

impl Loader<SubjectById> for AtlasLoader {
    type Value = SubjectRow;
    type Error = Error;

    /// One statement per kind present among the keys, at most five, whatever the number of
    /// keys.
    async fn load(&self, keys: &[SubjectById]) -> Result<HashMap<SubjectById, SubjectRow>, Error> {
        use subject::SubjectKind as Kind;
        let subjects = subject::Entity::find()
            .filter(subject::Column::Id.is_in(keys.iter().map(|key| key.0)))
            .all(&self.db)
            .await?;
        let ids_of = |kind: Kind| -> Vec<i32> {
            subjects
                .iter()
                .filter(|s| s.kind == kind)
                .map(|s| s.id)
                .collect()
        };
        let mut rows = HashMap::new();
        let countries = ids_of(Kind::Country);
        if !countries.is_empty() {
            for row in country::Entity::find()
                .filter(country::Column::SubjectId.is_in(countries))
                .all(&self.db)
                .await?
            {
                rows.insert(SubjectById(row.subject_id), SubjectRow::Country(row));
            }
        }
        let regions = ids_of(Kind::Region);
        if !regions.is_empty() {
            for row in region::Entity::find()
                .filter(region::Column::SubjectId.is_in(regions))
                .all(&self.db)
                .await?
            {
                rows.insert(SubjectById(row.subject_id), SubjectRow::Region(row));
            }
        }
        let cities = ids_of(Kind::City);
        if !cities.is_empty() {
            for row in city::Entity::find()
                .filter(city::Column::SubjectId.is_in(cities))
                .all(&self.db)
                .await?
            {
                rows.insert(SubjectById(row.subject_id), SubjectRow::City(row));
            }
        }
        let companies = ids_of(Kind::Company);
        if !companies.is_empty() {
            for row in company::Entity::find()
                .filter(company::Column::SubjectId.is_in(companies))
                .all(&self.db)
                .await?
            {
                rows.insert(SubjectById(row.subject_id), SubjectRow::Company(row));
            }
        }
        let projects = ids_of(Kind::Project);
        if !projects.is_empty() {
            for row in project::Entity::find()
                .filter(project::Column::SubjectId.is_in(projects))
                .all(&self.db)
                .await?
            {
                rows.insert(SubjectById(row.subject_id), SubjectRow::Project(row));
            }
        }
        Ok(rows)
    }
}
