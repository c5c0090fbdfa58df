//! The root query type.

use super::budget::RateLimit;
use super::comparison::StrategicDimension;
use super::derived_values::{self, DerivedValue, FigureInput};
use super::indicators::{Indicator, IndicatorConnection};
use super::inputs::{
    CityFilter, CityOrder, CompanyFilter, CompanyOrder, CountryFilter, CountryOrder,
    IndicatorFilter, IndicatorOrder, ObservationFilter, ObservationOrder, PolicyFilter,
    PolicyOrder, ProjectFilter, ProjectOrder, RegionFilter, SourceFilter, SourceOrder,
};
use super::interfaces::{self, Node, SearchResult};
use super::loaders::{
    AtlasLoader, ByKey, CityBySlug, CompanyBySlug, CountryByCode, DimensionById, IndicatorByCode,
    PolicyBySlug, ProjectBySlug, RegionByCode, SourceBySlug, by_key,
};
use super::observations::{self, ObservationConnection};
use super::organisations::{
    Company, CompanyConnection, Policy, PolicyConnection, Project, ProjectConnection,
};
use super::paging::{self, MAX_PAGE_SIZE, PageArgs};
use super::places::{City, CityConnection, Country, CountryConnection, Region, RegionConnection};
use super::search;
use super::sources::{Source, SourceConnection};
use super::{database, loaders};
use crate::derived;
use crate::error::Error;
use crate::store::lookups;
use crate::store::observations::Scope;
use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, Object, Result};

pub struct Query;

/// City Atlas: figures on AI-driven smart cities in China and the USA, each with its source
/// and its place in the paper "Smart cities driven by artificial intelligence" (Liu, 2025).
#[Object]
impl Query {
    /// The version of the City Atlas service answering this request.
    async fn api_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// What this request costs and what the client has left of its rate limit. With
    /// `dryRun: true` the document is priced and not run: only `rateLimit` is answered, and
    /// the request takes one point.
    async fn rate_limit(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Price the document without running it.", default = false)] dry_run: bool,
    ) -> RateLimit {
        // The pipeline has already acted on `dryRun`, before execution.
        let _ = dry_run;
        RateLimit::of_request(ctx)
    }

    /// Any object by its global ID; `null` if it no longer exists.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as returned in an `id` field.")] id: ID,
    ) -> Result<Option<Node>> {
        Ok(interfaces::find_node(loaders(ctx)?, &id).await?)
    }

    /// Objects by their global IDs, in the order given; `null` for any that no longer exist.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Up to 100 global IDs.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_PAGE_SIZE as usize {
            return Err(Error::BadUserInput(format!(
                "`ids` accepts at most {MAX_PAGE_SIZE} IDs, got {}",
                ids.len()
            ))
            .into());
        }
        Ok(interfaces::find_nodes(loaders(ctx)?, &ids).await?)
    }

    /// A country by its ISO 3166-1 alpha-2 code, e.g. `CN`; `null` if there is none.
    async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ISO 3166-1 alpha-2 code, e.g. `US`.")] code: String,
    ) -> Result<Option<Country>> {
        Ok(find_by(ctx, CountryByCode(code.to_ascii_uppercase()))
            .await?
            .map(Country))
    }

    /// A region or aggregate by its code, e.g. `WORLD`; `null` if there is none.
    async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region's code, e.g. `WORLD` or `ASIA`.")] code: String,
    ) -> Result<Option<Region>> {
        Ok(find_by(ctx, RegionByCode(code.to_ascii_uppercase()))
            .await?
            .map(Region))
    }

    /// A city by its slug, e.g. `shenzhen`; `null` if there is none.
    async fn city(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The city's slug, e.g. `san-francisco`.")] slug: String,
    ) -> Result<Option<City>> {
        // Its country comes in the same statement, and into the cache that `country` reads.
        Ok(find_by(ctx, CityBySlug(slug))
            .await?
            .map(|(city, _)| City(city)))
    }

    /// A company by its slug, e.g. `huawei`; `null` if there is none.
    async fn company(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The company's slug, e.g. `alibaba-cloud`.")] slug: String,
    ) -> Result<Option<Company>> {
        Ok(find_by(ctx, CompanyBySlug(slug)).await?.map(Company))
    }

    /// A smart-city project by its slug, e.g. `city-brain`; `null` if there is none.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's slug, e.g. `city-brain`.")] slug: String,
    ) -> Result<Option<Project>> {
        Ok(find_by(ctx, ProjectBySlug(slug)).await?.map(Project))
    }

    /// A policy by its slug, e.g. `digital-silk-road`; `null` if there is none.
    async fn policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy's slug, e.g. `clean-network-initiative`.")] slug: String,
    ) -> Result<Option<Policy>> {
        Ok(find_by(ctx, PolicyBySlug(slug)).await?.map(Policy))
    }

    /// An indicator by its stable code, e.g. `ai_market_size`; `null` if there is none.
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's stable code, e.g. `ai_enterprises`.")] code: String,
    ) -> Result<Option<Indicator>> {
        Ok(find_by(ctx, IndicatorByCode(code)).await?.map(Indicator))
    }

    /// A source by its slug, e.g. `statista-us-ai-market-size`; `null` if there is none.
    async fn source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The source's slug.")] slug: String,
    ) -> Result<Option<Source>> {
        Ok(find_by(ctx, SourceBySlug(slug)).await?.map(Source))
    }

    /// All countries.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn countries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CountryFilter>,
        #[graphql(desc = "The order of the list; by code by default.")] order_by: Option<
            CountryOrder,
        >,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<CountryConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, Country).await?)
    }

    /// All regions and aggregates, including `WORLD`.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn regions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<RegionFilter>,
        #[graphql(desc = "The order of the list; by code by default.")] order_by: Option<
            CountryOrder,
        >,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<RegionConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, Region).await?)
    }

    /// All cities.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn cities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CityFilter>,
        #[graphql(desc = "The order of the list; by name by default.")] order_by: Option<CityOrder>,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<CityConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, City).await?)
    }

    /// All companies.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<CompanyFilter>,
        #[graphql(desc = "The order of the list; by name by default.")] order_by: Option<
            CompanyOrder,
        >,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<CompanyConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, Company).await?)
    }

    /// All smart-city projects.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<ProjectFilter>,
        #[graphql(desc = "The order of the list; by name by default.")] order_by: Option<
            ProjectOrder,
        >,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<ProjectConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, Project).await?)
    }

    /// All policies, plans, laws and initiatives.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<PolicyFilter>,
        #[graphql(desc = "The order of the list; by title by default.")] order_by: Option<
            PolicyOrder,
        >,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<PolicyConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, Policy).await?)
    }

    /// All indicators, by stable code.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn indicators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<IndicatorFilter>,
        #[graphql(desc = "The order of the list; by code by default.")] order_by: Option<
            IndicatorOrder,
        >,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<IndicatorConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, Indicator).await?)
    }

    /// All observations: every published figure, filterable by indicator, subject, place,
    /// status, period and source.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    pub async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<ObservationFilter>,
        #[graphql(desc = "The order of the list; by year, oldest first, by default.")]
        order_by: Option<ObservationOrder>,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<ObservationConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(observations::list(ctx, Scope::All, filter, order_by, page).await?)
    }

    /// All sources the paper cites.
    #[allow(
        clippy::too_many_arguments,
        reason = "a Relay list takes a filter, an order and four paging arguments"
    )]
    async fn sources(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list.")] filter: Option<SourceFilter>,
        #[graphql(desc = "The order of the list; by title by default.")] order_by: Option<
            SourceOrder,
        >,
        #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the items before this cursor.")] before: Option<String>,
    ) -> Result<SourceConnection> {
        let page = PageArgs::new(first, after, last, before);
        Ok(paging::list(ctx, filter, order_by, page, Source).await?)
    }

    /// Countries, regions, cities, companies, projects, policies and indicators matching the
    /// text, case-insensitively, best matches first: whole name or key, then name prefix,
    /// then anywhere in the name, then anywhere in the description.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text to find, up to 200 characters.")] text: String,
        #[graphql(desc = "How many results to return (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
    ) -> Result<Vec<SearchResult>> {
        Ok(search::search(ctx, &text, first).await?)
    }

    /// Table 1: the strategic comparison of China and the USA, row by row.
    async fn strategic_comparison(&self, ctx: &Context<'_>) -> Result<Vec<StrategicDimension>> {
        let rows = lookups::strategic_dimensions(database(ctx)?).await?;
        // A row's positions walk back to it by id; that costs nothing once it is cached.
        loaders(ctx)?
            .feed_many(rows.iter().map(|row| (DimensionById(row.id), row.clone())))
            .await;
        Ok(rows.into_iter().map(StrategicDimension).collect())
    }

    /// The ratio of any two published figures, with its formula and a warning, instead of a
    /// value, where their units differ.
    async fn ratio(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The figure to divide.")] numerator: FigureInput,
        #[graphql(desc = "The figure to divide by.")] denominator: FigureInput,
    ) -> Result<Option<DerivedValue>> {
        Ok(derived_values::compare(ctx, derived::Kind::Ratio, &numerator, &denominator).await?)
    }

    /// One published figure as a percentage of another, with its formula and warnings.
    async fn share(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The part.")] part: FigureInput,
        #[graphql(desc = "The total.")] total: FigureInput,
    ) -> Result<Option<DerivedValue>> {
        Ok(derived_values::compare(ctx, derived::Kind::Share, &part, &total).await?)
    }
}

/// The row behind a natural key, if any, through its by-key loader: lookups of one type
/// anywhere in the request share one statement.
async fn find_by<K: ByKey>(ctx: &Context<'_>, key: K) -> Result<Option<K::Row>, Error>
where
    AtlasLoader: Loader<K, Value = K::Row, Error = Error>,
{
    by_key(loaders(ctx)?, key).await
}
