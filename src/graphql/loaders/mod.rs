//! DataLoaders: every relation a query can walk is fetched in one batched statement per
//! level of the query, not one per row, and every lookup by key (a global ID, a root
//! `country(code:)`) in one per type. A new loader is made for each request, so its cache
//! never outlives the request. The SQL is in `store::lookups`; this module holds the keys
//! and hands each batch's rows back to them.

mod relations;
mod revisions;

pub use relations::*;
pub use revisions::*;

use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, project, region,
    release, source, strategic_dimension,
};
use crate::error::Error;
use crate::store::lookups::{self, ObservationKey};
use crate::store::view::Reader;
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use std::collections::HashMap;
use std::future::{self, Future};
use std::hash::Hash;
use std::time::Duration;

pub use crate::store::lookups::{SubjectById, SubjectRow, subject_rows};

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
pub fn for_request(db: Reader) -> Loaders {
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
    /// Live, or pinned to a point in the data's history for the whole request.
    db: Reader,
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
                let rows =
                    lookups::by_keys::<$module::Entity, _>(&self.db, $module::Column::Id, ids)
                        .await?;
                Ok(rows.into_iter().map(|row| ($key(row.id), row)).collect())
            }
        }
    };
}

/// A natural key that a loader finds rows by, as global IDs and the root lookups give them.
pub trait ByKey: Clone + Eq + Hash + Send + Sync + 'static {
    type Row: Clone + Send + Sync + 'static;

    /// Puts rows found by key into the by-id caches, so that walking back to one of them
    /// by id (a city's country, from the country's cities) costs no statement.
    fn feed(loaders: &Loaders, found: &HashMap<Self, Self::Row>)
    -> impl Future<Output = ()> + Send;
}

/// The rows behind `keys`, batched with every other lookup of the same type in the request
/// into one statement; a key without a row is absent from the answer.
pub async fn by_keys<K: ByKey>(
    loaders: &Loaders,
    keys: impl IntoIterator<Item = K>,
) -> Result<HashMap<K, K::Row>, Error>
where
    AtlasLoader: Loader<K, Value = K::Row, Error = Error>,
{
    let found = loaders.load_many(keys).await?;
    K::feed(loaders, &found).await;
    Ok(found)
}

/// The row behind one key, batched as `by_keys` is.
pub async fn by_key<K: ByKey>(loaders: &Loaders, key: K) -> Result<Option<K::Row>, Error>
where
    AtlasLoader: Loader<K, Value = K::Row, Error = Error>,
{
    Ok(by_keys(loaders, [key.clone()]).await?.remove(&key))
}

/// The row behind one key, read at once instead of batched: for the lookup that is its
/// request's only root field, which no other lookup can join, so waiting for the batch to
/// leave (a spawned task that yields to the runtime four times) would buy nothing.
pub async fn by_key_alone<K: ByKey>(loaders: &Loaders, key: K) -> Result<Option<K::Row>, Error>
where
    AtlasLoader: Loader<K, Value = K::Row, Error = Error>,
{
    let mut found = loaders.loader().load(std::slice::from_ref(&key)).await?;
    K::feed(loaders, &found).await;
    Ok(found.remove(&key))
}

/// Loads rows by a unique text column: `$key(code_or_slug)` gives that row. With a by-id
/// loader after `feeds`, what is found also goes into its cache.
macro_rules! by_key {
    ($key:ident, $module:ident, $column:ident, $field:ident, feeds $by_id:ident) => {
        by_key!(@loader $key, $module, $column, $field);

        impl ByKey for $key {
            type Row = $module::Model;

            fn feed(
                loaders: &Loaders,
                found: &HashMap<Self, Self::Row>,
            ) -> impl Future<Output = ()> + Send {
                let rows: Vec<_> = found
                    .values()
                    .map(|row| ($by_id(row.id), row.clone()))
                    .collect();
                loaders.feed_many(rows)
            }
        }
    };
    ($key:ident, $module:ident, $column:ident, $field:ident) => {
        by_key!(@loader $key, $module, $column, $field);

        // No loader finds these rows by id, so there is no cache to feed.
        impl ByKey for $key {
            type Row = $module::Model;

            fn feed(_: &Loaders, _: &HashMap<Self, Self::Row>) -> impl Future<Output = ()> + Send {
                future::ready(())
            }
        }
    };
    (@loader $key:ident, $module:ident, $column:ident, $field:ident) => {
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub String);

        impl Loader<$key> for AtlasLoader {
            type Value = $module::Model;
            type Error = Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Error> {
                let values = keys.iter().map(|key| key.0.clone());
                let column = $module::Column::$column;
                let rows = lookups::by_keys::<$module::Entity, _>(&self.db, column, values).await?;
                Ok(rows
                    .into_iter()
                    .map(|row| ($key(row.$field.clone()), row))
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

by_key!(CountryByCode, country, Code, code, feeds CountryById);
by_key!(RegionByCode, region, Code, code, feeds RegionById);
by_key!(CompanyBySlug, company, Slug, slug, feeds CompanyById);
by_key!(ProjectBySlug, project, Slug, slug, feeds ProjectById);
by_key!(PolicyBySlug, policy, Slug, slug, feeds PolicyById);
by_key!(IndicatorByCode, indicator, Code, code, feeds IndicatorById);
by_key!(SourceBySlug, source, Slug, slug, feeds SourceById);
by_key!(DimensionBySlug, strategic_dimension, Slug, slug, feeds DimensionById);
by_key!(SanctionBySlug, company_sanction, Slug, slug);

/// A city by slug, with its country.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CityBySlug(pub String);

impl Loader<CityBySlug> for AtlasLoader {
    type Value = (city::Model, Option<country::Model>);
    type Error = Error;

    /// The country comes in the same statement: `city(slug:) { country }` is the commonest
    /// lookup, and this saves it a round trip for the price of one joined row.
    async fn load(&self, keys: &[CityBySlug]) -> Result<HashMap<CityBySlug, Self::Value>, Error> {
        let slugs = keys.iter().map(|key| key.0.clone());
        let rows = lookups::by_keys_with_related::<city::Entity, country::Entity, _>(
            &self.db,
            city::Column::Slug,
            slugs,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| (CityBySlug(row.0.slug.clone()), row))
            .collect())
    }
}

impl ByKey for CityBySlug {
    type Row = (city::Model, Option<country::Model>);

    fn feed(
        loaders: &Loaders,
        found: &HashMap<Self, Self::Row>,
    ) -> impl Future<Output = ()> + Send {
        let cities: Vec<_> = found
            .values()
            .map(|(city, _)| (CityById(city.id), city.clone()))
            .collect();
        let countries: Vec<_> = found
            .values()
            .filter_map(|(_, country)| country.clone())
            .map(|country| (CountryById(country.id), country))
            .collect();
        async move {
            loaders.feed_many(cities).await;
            loaders.feed_many(countries).await;
        }
    }
}

/// An observation by its natural key, as its global ID carries it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObservationByKey(pub ObservationKey);

impl Loader<ObservationByKey> for AtlasLoader {
    type Value = observation::Model;
    type Error = Error;

    async fn load(
        &self,
        keys: &[ObservationByKey],
    ) -> Result<HashMap<ObservationByKey, Self::Value>, Error> {
        let keys: Vec<ObservationKey> = keys.iter().map(|key| key.0.clone()).collect();
        let rows = lookups::observations_by_keys(&self.db, &keys).await?;
        Ok(rows
            .into_iter()
            .map(|(key, row)| (ObservationByKey(key), row))
            .collect())
    }
}

// No loader finds observations by id, so there is no cache to feed.
impl ByKey for ObservationByKey {
    type Row = observation::Model;

    fn feed(_: &Loaders, _: &HashMap<Self, Self::Row>) -> impl Future<Output = ()> + Send {
        future::ready(())
    }
}

impl Loader<SubjectById> for AtlasLoader {
    type Value = SubjectRow;
    type Error = Error;

    /// One statement for the subjects, then one per kind present among them, at most six
    /// in all, whatever the number of keys.
    async fn load(&self, keys: &[SubjectById]) -> Result<HashMap<SubjectById, SubjectRow>, Error> {
        lookups::subject_rows_by_ids(&self.db, keys.iter().map(|key| key.0)).await
    }
}

/// Every release, oldest first: `AllReleases` once per request, however many figures cite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AllReleases;

impl Loader<AllReleases> for AtlasLoader {
    type Value = Vec<release::Model>;
    type Error = Error;

    async fn load(&self, _: &[AllReleases]) -> Result<HashMap<AllReleases, Self::Value>, Error> {
        let releases = crate::store::releases::all(&self.db).await?;
        Ok(HashMap::from([(AllReleases, releases)]))
    }
}
