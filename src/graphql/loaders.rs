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
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, Order, Query, WindowStatement};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;
use std::time::Duration;

pub type Loaders = DataLoader<AtlasLoader, HashMapCache>;

/// Batches of up to 10,000 keys: the default 1,000 split a wide level of a query (20,000
/// companies under 100 countries) into twenty statements. 10,000 bound parameters stay well
/// under SQLite's limit of 32,766 and PostgreSQL's of 65,535.
///
/// No timer: the default 1 ms delay added a millisecond to every level of every query. A
/// batch instead leaves once its spawned task has yielded to the runtime: actix-web runs a
/// request on a single-threaded runtime, where a yielded task runs again only after the
/// tasks already queued (the request resolving its sibling fields, which queue their keys)
/// have had their turn. Resolving a long list can itself yield midway, so the batch yields
/// a few times before it leaves.
pub fn for_request(db: DatabaseConnection) -> Loaders {
    DataLoader::with_cache(
        AtlasLoader { db },
        |batch| {
            tokio::spawn(async move {
                for _ in 0..BATCH_YIELDS {
                    tokio::task::yield_now().await;
                }
                batch.await;
            })
        },
        HashMapCache::default(),
    )
    .max_batch_size(10_000)
    .delay(Duration::ZERO)
}

const BATCH_YIELDS: usize = 4;

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
                    let rows = match first {
                        None => {
                            $module::Entity::find()
                                .filter($module::Column::$column.is_in(parents))
                                $(.order_by_asc($module::Column::$order))+
                                .all(&self.db)
                                .await?
                        }
                        Some(first) => {
                            first_per_parent::<$module::Entity>(
                                &self.db,
                                $module::Column::$column,
                                &[$($module::Column::$order),+],
                                parents,
                                first,
                            )
                            .await?
                        }
                    };
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

/// The first `first` rows of each parent, in `order`, in one statement for every parent:
/// `ROW_NUMBER()` over a window per parent, which SQLite and PostgreSQL both run.
async fn first_per_parent<E>(
    db: &DatabaseConnection,
    parent: E::Column,
    order: &[E::Column],
    parents: Vec<i32>,
    first: u32,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let rank = Alias::new("rank_in_parent");
    let mut window = WindowStatement::partition_by(parent);
    for column in order {
        window.order_by(*column, Order::Asc);
    }
    let mut ranked = Query::select();
    ranked
        .column((E::default(), Asterisk))
        .expr_window_as(Expr::cust("ROW_NUMBER()"), window, rank.clone())
        .from(E::default())
        .and_where(Expr::col((E::default(), parent)).is_in(parents));
    let ranked_alias = Alias::new("ranked");
    let mut select = Query::select();
    select
        .column(Asterisk)
        .from_subquery(ranked, ranked_alias)
        .and_where(Expr::col(rank).lte(first));
    select.order_by(parent, Order::Asc);
    for column in order {
        select.order_by(*column, Order::Asc);
    }
    let statement = db.get_database_backend().build(&select);
    E::find().from_raw_sql(statement).all(db).await
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
                let pairs = $link::Entity::find()
                    .find_also_related($target::Entity)
                    .filter($link::Column::$link_parent.is_in(keys.iter().map(|key| key.0)))
                    $(.order_by_asc($target::Column::$order))+
                    .all(&self.db)
                    .await?;
                let mut reached: HashMap<i32, Vec<$target::Model>> = HashMap::new();
                for ($row, target) in pairs {
                    if let Some(target) = target {
                        reached.entry($parent).or_default().push(target);
                    }
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

    /// One statement for the subjects, then one per kind present among them, at most six
    /// in all, whatever the number of keys.
    async fn load(&self, keys: &[SubjectById]) -> Result<HashMap<SubjectById, SubjectRow>, Error> {
        let subjects = subject::Entity::find()
            .filter(subject::Column::Id.is_in(keys.iter().map(|key| key.0)))
            .all(&self.db)
            .await?;
        Ok(subject_rows(&self.db, &subjects).await?)
    }
}

/// The rows behind subjects whose kinds are known: one statement per kind present.
pub async fn subject_rows(
    db: &DatabaseConnection,
    subjects: &[subject::Model],
) -> Result<HashMap<SubjectById, SubjectRow>, DbErr> {
    use subject::SubjectKind as Kind;
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
            .all(db)
            .await?
        {
            rows.insert(SubjectById(row.subject_id), SubjectRow::Country(row));
        }
    }
    let regions = ids_of(Kind::Region);
    if !regions.is_empty() {
        for row in region::Entity::find()
            .filter(region::Column::SubjectId.is_in(regions))
            .all(db)
            .await?
        {
            rows.insert(SubjectById(row.subject_id), SubjectRow::Region(row));
        }
    }
    let cities = ids_of(Kind::City);
    if !cities.is_empty() {
        for row in city::Entity::find()
            .filter(city::Column::SubjectId.is_in(cities))
            .all(db)
            .await?
        {
            rows.insert(SubjectById(row.subject_id), SubjectRow::City(row));
        }
    }
    let companies = ids_of(Kind::Company);
    if !companies.is_empty() {
        for row in company::Entity::find()
            .filter(company::Column::SubjectId.is_in(companies))
            .all(db)
            .await?
        {
            rows.insert(SubjectById(row.subject_id), SubjectRow::Company(row));
        }
    }
    let projects = ids_of(Kind::Project);
    if !projects.is_empty() {
        for row in project::Entity::find()
            .filter(project::Column::SubjectId.is_in(projects))
            .all(db)
            .await?
        {
            rows.insert(SubjectById(row.subject_id), SubjectRow::Project(row));
        }
    }
    Ok(rows)
}
