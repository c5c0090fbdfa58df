//! The relation loaders: the rows that point at a parent, and what a parent reaches
//! through a link table, each in one statement per level of a query.

use super::AtlasLoader;
use crate::entities::{
    city, company, company_sanction, country, observation, policy, policy_city, policy_company,
    project, project_company, strategic_position,
};
use crate::error::Error;
use crate::store::lookups;
use async_graphql::dataloader::Loader;
use std::collections::HashMap;

/// Loads the rows that point at a parent, in a stable order: `$key(parent_id, first)` gives
/// them all, or only the first `first` of them. One statement per distinct `first` in a
/// batch; a parent without rows is cached as an empty list, so it is not asked for again.
macro_rules! children {
    ($key:ident, $module:ident, $column:ident, |$row:ident| $parent:expr, $($order:ident),+) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32, pub Option<u32>);

        impl Loader<$key> for AtlasLoader {
            type Value = Vec<$module::Model>;
            type Error = Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Error> {
                let mut parents_by_first: HashMap<Option<u32>, Vec<i32>> = HashMap::new();
                for key in keys {
                    parents_by_first.entry(key.1).or_default().push(key.0);
                }
                let mut grouped: HashMap<$key, Self::Value> =
                    keys.iter().map(|key| (*key, Vec::new())).collect();
                for (first, parents) in parents_by_first {
                    let rows = lookups::children_of::<$module::Entity>(
                        &self.db,
                        $module::Column::$column,
                        &[$($module::Column::$order),+],
                        parents,
                        first,
                    )
                    .await?;
                    for $row in rows {
                        if let Some(parent) = $parent {
                            grouped.entry($key(parent, first)).or_default().push($row);
                        }
                    }
                }
                Ok(grouped)
            }
        }
    };
}

/// Loads what a parent reaches through a link table, joined in one statement, in the
/// target's order: `$key(parent_id, first)` gives them all, or the first `first`.
macro_rules! through {
    ($key:ident, $link:ident, $link_parent:ident, |$row:ident| $parent:expr, $target:ident, $($order:ident),+) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32, pub Option<u32>);

        impl Loader<$key> for AtlasLoader {
            type Value = Vec<$target::Model>;
            type Error = Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Error> {
                let pairs = lookups::through::<$link::Entity, $target::Entity>(
                    &self.db,
                    $link::Column::$link_parent,
                    &[$($target::Column::$order),+],
                    keys.iter().map(|key| key.0).collect(),
                )
                .await?;
                let mut reached: HashMap<i32, Vec<$target::Model>> = HashMap::new();
                for ($row, target) in pairs {
                    reached.entry($parent).or_default().push(target);
                }
                // Few enough per parent (a link table) that `first` is applied here.
                Ok(keys
                    .iter()
                    .map(|key| {
                        let mut rows = reached.get(&key.0).cloned().unwrap_or_default();
                        if let Some(first) = key.1 {
                            rows.truncate(first as usize);
                        }
                        (*key, rows)
                    })
                    .collect())
            }
        }
    };
}

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
through!(
    PoliciesOfCity,
    policy_city,
    CityId,
    |link| link.city_id,
    policy,
    Title,
    Id
);
through!(
    CitiesOfPolicy,
    policy_city,
    PolicyId,
    |link| link.policy_id,
    city,
    Name,
    Id
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
