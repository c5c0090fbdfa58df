//! Countries, regions (including `WORLD`) and cities.

use super::comparison::StrategicPosition;
use super::ids::{self, NodeType};
use super::inputs::{ObservationFilter, ObservationOrder};
use super::loaders::{
    CitiesOfCountry, CompaniesInCity, CompaniesOfCountry, CountriesOfRegion, CountryById,
    PoliciesOfCity, PoliciesOfCountry, PositionsOfCountry, ProjectsInCity, ProjectsOfCountry,
    RegionById,
};
use super::observations::{self, ObservationConnection};
use super::organisations::{Company, Policy, Project};
use super::paging::{self, PageArgs, connection};
use super::{children, optional, referenced};
use crate::entities::{city, country, region};
use crate::store::observations::Scope;
use async_graphql::{Context, ID, Object, Result};

/// A country, keyed by its ISO 3166-1 alpha-2 code.
#[derive(Clone)]
pub struct Country(pub country::Model);

/// A country, keyed by its ISO 3166-1 alpha-2 code (`CN`, `US`).
#[Object]
impl Country {
    /// How many states this row has had: 1 as first recorded, one more for each change.
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    /// Every state this row has had, oldest first, each with who changed it, when and why.
    async fn revisions(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::Result<Vec<super::revisions::Revision>> {
        let revisions = super::loaders(ctx)?
            .load_one(super::loaders::RevisionsOfCountry(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(super::revisions::Revision::all_of(super::writer(ctx)?, revisions).await?)
    }

    /// When this row was first recorded here.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// When this row last changed here.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }

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

    /// The country's cities in the paper, by name.
    async fn cities(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<City>> {
        Ok(children(
            ctx,
            CitiesOfCountry(self.0.id, paging::list_first(first)?),
            City,
        )
        .await?)
    }

    /// Companies headquartered in the country, by name.
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Company>> {
        Ok(children(
            ctx,
            CompaniesOfCountry(self.0.id, paging::list_first(first)?),
            Company,
        )
        .await?)
    }

    /// Smart-city projects in the country, by name.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Project>> {
        Ok(children(
            ctx,
            ProjectsOfCountry(self.0.id, paging::list_first(first)?),
            Project,
        )
        .await?)
    }

    /// The country's policies, plans and initiatives, by title.
    async fn policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Policy>> {
        Ok(children(
            ctx,
            PoliciesOfCountry(self.0.id, paging::list_first(first)?),
            Policy,
        )
        .await?)
    }

    /// The country's column of Table 1, one cell per dimension, in the table's order.
    async fn strategic_positions(&self, ctx: &Context<'_>) -> Result<Vec<StrategicPosition>> {
        Ok(children(ctx, PositionsOfCountry(self.0.id, None), StrategicPosition).await?)
    }

    /// Observations about the country itself (not its cities or companies).
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    pub async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the observations.")] filter: Option<ObservationFilter>,
        #[graphql(desc = "The order of the observations; by year, oldest first, by default.")]
        order_by: Option<ObservationOrder>,
        #[graphql(desc = "Returns the first n observations (1 to 100; 20 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Returns the observations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n observations (1 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the observations before this cursor.")] before: Option<String>,
    ) -> Result<ObservationConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(observations::list(
            ctx,
            Scope::Subject(self.0.subject_id),
            filter,
            order_by,
            page,
        )
        .await?)
    }
}

/// A region or aggregate: `WORLD`, a continent or a bloc.
#[derive(Clone)]
pub struct Region(pub region::Model);

/// A region or aggregate: `WORLD` (the denominator of global totals), a continent or a bloc.
#[Object]
impl Region {
    /// How many states this row has had: 1 as first recorded, one more for each change.
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    /// Every state this row has had, oldest first, each with who changed it, when and why.
    async fn revisions(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::Result<Vec<super::revisions::Revision>> {
        let revisions = super::loaders(ctx)?
            .load_one(super::loaders::RevisionsOfRegion(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(super::revisions::Revision::all_of(super::writer(ctx)?, revisions).await?)
    }

    /// When this row was first recorded here.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// When this row last changed here.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }

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

    /// The countries in the region, by name.
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Country>> {
        Ok(children(
            ctx,
            CountriesOfRegion(self.0.id, paging::list_first(first)?),
            Country,
        )
        .await?)
    }

    /// Observations about the region as a whole.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    pub async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the observations.")] filter: Option<ObservationFilter>,
        #[graphql(desc = "The order of the observations; by year, oldest first, by default.")]
        order_by: Option<ObservationOrder>,
        #[graphql(desc = "Returns the first n observations (1 to 100; 20 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Returns the observations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n observations (1 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the observations before this cursor.")] before: Option<String>,
    ) -> Result<ObservationConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(observations::list(
            ctx,
            Scope::Subject(self.0.subject_id),
            filter,
            order_by,
            page,
        )
        .await?)
    }
}

/// A city studied in the paper.
#[derive(Clone)]
pub struct City(pub city::Model);

/// A city studied in the paper: Shenzhen, Hangzhou or San Francisco.
#[Object]
impl City {
    /// How many states this row has had: 1 as first recorded, one more for each change.
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    /// Every state this row has had, oldest first, each with who changed it, when and why.
    async fn revisions(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::Result<Vec<super::revisions::Revision>> {
        let revisions = super::loaders(ctx)?
            .load_one(super::loaders::RevisionsOfCity(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(super::revisions::Revision::all_of(super::writer(ctx)?, revisions).await?)
    }

    /// When this row was first recorded here.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// When this row last changed here.
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.updated_at
    }

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

    /// The city's smart-city projects, by name.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Project>> {
        Ok(children(
            ctx,
            ProjectsInCity(self.0.id, paging::list_first(first)?),
            Project,
        )
        .await?)
    }

    /// Companies headquartered in the city, by name.
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Company>> {
        Ok(children(
            ctx,
            CompaniesInCity(self.0.id, paging::list_first(first)?),
            Company,
        )
        .await?)
    }

    /// Policies that concern the city, by title.
    async fn policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Policy>> {
        Ok(children(
            ctx,
            PoliciesOfCity(self.0.id, paging::list_first(first)?),
            Policy,
        )
        .await?)
    }

    /// The city's places in rankings such as the IMD Smart City Index.
    async fn rankings(&self, ctx: &Context<'_>) -> Result<Vec<super::observations::Observation>> {
        Ok(observations::rankings(ctx, self.0.subject_id).await?)
    }

    /// Observations about the city.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    pub async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the observations.")] filter: Option<ObservationFilter>,
        #[graphql(desc = "The order of the observations; by year, oldest first, by default.")]
        order_by: Option<ObservationOrder>,
        #[graphql(desc = "Returns the first n observations (1 to 100; 20 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Returns the observations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n observations (1 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the observations before this cursor.")] before: Option<String>,
    ) -> Result<ObservationConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(observations::list(
            ctx,
            Scope::Subject(self.0.subject_id),
            filter,
            order_by,
            page,
        )
        .await?)
    }
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
