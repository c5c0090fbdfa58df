//! Countries, regions (including `WORLD`) and cities.

use super::comparison::StrategicPosition;
use super::ids::{self, NodeType};
use super::loaders::{CountryById, PositionsOfCountry, RegionById};
use super::objects::curated_object;
use super::observations;
use super::organisations::{Company, Policy, Project};
use super::paging::connection;
use super::{children, optional, referenced};
use crate::entities::{city, country, region};
use async_graphql::{Context, ID, Result};

/// A country, keyed by its ISO 3166-1 alpha-2 code.
#[derive(Clone)]
pub struct Country(pub country::Model);

curated_object! {
    /// A country, keyed by its ISO 3166-1 alpha-2 code (`CN`, `US`).
    Country;
    history RevisionsOfCountry(id);
    {
        /// The global, opaque ID of this country, for `node` and client caches.
        pub async fn id(&self) -> ID {
            ids::encode(NodeType::Country, &self.0.code)
        }

        /// The ISO 3166-1 alpha-2 code, e.g. `CN`: the stable human key.
        async fn code(&self) -> &str {
            &self.0.code
        }

        /// The subject key that observations and series use: the same as `code`.
        pub async fn key(&self) -> &str {
            &self.0.code
        }

        /// The ISO 3166-1 alpha-3 code, e.g. `CHN`.
        async fn iso3(&self) -> &str {
            &self.0.iso3
        }

        /// The country's English name.
        pub async fn name(&self) -> &str {
            &self.0.name
        }

        /// The region the country belongs to, e.g. `ASIA`.
        async fn region(&self, ctx: &Context<'_>) -> Result<Option<Region>> {
            Ok(optional(ctx, self.0.region_id.map(RegionById))
                .await?
                .map(Region))
        }

        /// The country's competitive advantages as Table 2 states them.
        async fn advantages(&self) -> Option<&str> {
            self.0.advantages.as_deref()
        }

        /// Where in the paper `advantages` is stated.
        async fn advantages_cited_in(&self) -> Option<&str> {
            self.0.advantages_cited_in.as_deref()
        }
    }
    /// The country's cities in the paper, by name.
    list cities -> City by CitiesOfCountry(id);
    /// Companies headquartered in the country, by name.
    list companies -> Company by CompaniesOfCountry(id);
    /// Smart-city projects in the country, by name.
    list projects -> Project by ProjectsOfCountry(id);
    /// The country's policies, plans and initiatives, by title.
    list policies -> Policy by PoliciesOfCountry(id);
    {
        /// The country's column of Table 1, one cell per dimension, in the table's order.
        async fn strategic_positions(&self, ctx: &Context<'_>) -> Result<Vec<StrategicPosition>> {
            Ok(children(ctx, PositionsOfCountry(self.0.id, None), StrategicPosition).await?)
        }
    }
    /// Observations about the country itself (not its cities or companies).
    observations of Subject(subject_id);
}

/// A region or aggregate: `WORLD`, a continent or a bloc.
#[derive(Clone)]
pub struct Region(pub region::Model);

curated_object! {
    /// A region or aggregate: `WORLD` (the denominator of global totals), a continent or a bloc.
    Region;
    history RevisionsOfRegion(id);
    {
        /// The global, opaque ID of this region.
        pub async fn id(&self) -> ID {
            ids::encode(NodeType::Region, &self.0.code)
        }

        /// The region's stable code, e.g. `WORLD` or `ASIA`.
        async fn code(&self) -> &str {
            &self.0.code
        }

        /// The subject key that observations and series use: the same as `code`.
        pub async fn key(&self) -> &str {
            &self.0.code
        }

        /// The region's English name.
        pub async fn name(&self) -> &str {
            &self.0.name
        }

        /// What sort of region this is: `aggregate`, `continent` or `bloc`.
        async fn kind(&self) -> &str {
            &self.0.kind
        }

        /// Why the region appears in the paper.
        async fn description(&self) -> Option<&str> {
            self.0.description.as_deref()
        }
    }
    /// The countries in the region, by name.
    list countries -> Country by CountriesOfRegion(id);
    /// Observations about the region as a whole.
    observations of Subject(subject_id);
}

/// A city studied in the paper.
#[derive(Clone)]
pub struct City(pub city::Model);

curated_object! {
    /// A city studied in the paper: Shenzhen, Hangzhou or San Francisco.
    City;
    history RevisionsOfCity(id);
    {
        /// The global, opaque ID of this city.
        pub async fn id(&self) -> ID {
            ids::encode(NodeType::City, &self.0.slug)
        }

        /// The city's stable slug, e.g. `shenzhen`.
        async fn slug(&self) -> &str {
            &self.0.slug
        }

        /// The subject key that observations and series use: the same as `slug`.
        pub async fn key(&self) -> &str {
            &self.0.slug
        }

        /// The city's English name.
        pub async fn name(&self) -> &str {
            &self.0.name
        }

        /// What the paper says about the city's smart-city model.
        async fn description(&self) -> &str {
            &self.0.description
        }

        /// Where in the paper the city is discussed.
        async fn cited_in(&self) -> &str {
            &self.0.cited_in
        }

        /// The country the city is in.
        async fn country(&self, ctx: &Context<'_>) -> Result<Country> {
            Ok(Country(
                referenced(ctx, CountryById(self.0.country_id), "city's country").await?,
            ))
        }
    }
    /// The city's smart-city projects, by name.
    list projects -> Project by ProjectsInCity(id);
    /// Companies headquartered in the city, by name.
    list companies -> Company by CompaniesInCity(id);
    /// Policies that concern the city, by title.
    list policies -> Policy by PoliciesOfCity(id);
    {
        /// The city's places in rankings such as the IMD Smart City Index.
        async fn rankings(&self, ctx: &Context<'_>) -> Result<Vec<observations::Observation>> {
            Ok(observations::rankings(ctx, self.0.subject_id).await?)
        }
    }
    /// Observations about the city.
    observations of Subject(subject_id);
}

connection!(
    CountryConnection,
    CountryEdge,
    Country,
    "countries",
    "A page of countries, with the cursors to page on and the total count."
);
connection!(
    RegionConnection,
    RegionEdge,
    Region,
    "regions",
    "A page of regions, with the cursors to page on and the total count."
);
connection!(
    CityConnection,
    CityEdge,
    City,
    "cities",
    "A page of cities, with the cursors to page on and the total count."
);
