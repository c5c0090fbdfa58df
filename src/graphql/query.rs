//! The root query type.

use super::audit::AuditLog;
use super::budget::RateLimit;
use super::comparison::StrategicDimension;
use super::derived_values::{self, DerivedValue, FigureInput};
use super::fact_check::{Claim, FigureCheck};
use super::indicators::{Indicator, IndicatorConnection};
use super::inputs::{
    CityFilter, CityOrder, CompanyFilter, CompanyOrder, CountryFilter, CountryOrder,
    IndicatorFilter, IndicatorOrder, ObservationFilter, ObservationOrder, PolicyFilter,
    PolicyOrder, ProjectFilter, ProjectOrder, RegionFilter, SourceFilter, SourceOrder,
};
use super::interfaces::{self, Node, SearchResult};
use super::loaders::{
    AtlasLoader, ByKey, CityBySlug, CompanyBySlug, CountryByCode, DimensionById, IndicatorByCode,
    PolicyBySlug, ProjectBySlug, RegionByCode, SourceBySlug, by_key, by_key_alone,
};
use super::observations::{Observation, ObservationConnection};
use super::organisations::{
    Company, CompanyConnection, Policy, PolicyConnection, Project, ProjectConnection,
};
use super::paging::{self, MAX_PAGE_SIZE, PageArgs};
use super::places::{City, CityConnection, Country, CountryConnection, Region, RegionConnection};
use super::releases::Releases;
use super::sources::{Source, SourceConnection};
use super::{LoneRootField, database, loaders};
use crate::derived;
use crate::error::Error;
use crate::store::lookups;
use crate::store::series::FigureQuery;
use async_graphql::dataloader::Loader;
use async_graphql::{Context, ID, MergedObject, Object, Result};
use chrono::{DateTime, Utc};

/// City Atlas: figures on AI-driven smart cities in China and the USA, each with its source
/// and its place in the paper "Smart cities driven by artificial intelligence" (Liu, 2025).
#[derive(MergedObject, Default)]
pub struct Query(Lookups, Lists, Figures, AuditLog, Releases);

/// Declares a root type's `#[Object]` impl, giving each resolver marked `pinned` the
/// `asOf` and `release` arguments after its context: the point in time the field reads.
/// `pinning` reads them from the document before execution and pins the whole request, so
/// the resolvers ignore them. A macro because async-graphql reads the arguments and their
/// descriptions from each resolver's own signature.
///
/// `pinned lookup field(key: "its description") -> Type by ByKey;` is a pinned lookup of
/// one object by its natural key, through the key's loader.
macro_rules! pinned_object {
    ($ty:ident; $($items:tt)*) => {
        pinned_object!(@munch $ty [] $($items)*);
    };
    (@munch $ty:ident [$($done:tt)*]) => {
        #[Object]
        impl $ty {
            $($done)*
        }
    };
    (@munch $ty:ident [$($done:tt)*]
        $(#[$attr:meta])*
        pinned async fn $name:ident(&self, $ctx:ident: &Context<'_>, $($arg:tt)*) -> $ret:ty
        $body:block
        $($items:tt)*
    ) => {
        pinned_object!(@munch $ty [$($done)*
            $(#[$attr])*
            async fn $name(
                &self,
                $ctx: &Context<'_>,
                #[graphql(
                    name = "asOf",
                    desc = "Read the data as it stood at this instant (RFC 3339). An operation reads one point in time: its root fields must agree."
                )]
                _as_of: Option<DateTime<Utc>>,
                #[graphql(
                    name = "release",
                    desc = "Read the data as the release with this tag froze it, like `asOf`; give one or the other."
                )]
                _release: Option<String>,
                $($arg)*
            ) -> $ret
            $body
        ] $($items)*);
    };
    (@munch $ty:ident [$($done:tt)*]
        $(#[$attr:meta])*
        pinned lookup $name:ident($key:ident: $desc:literal) -> $node:ident by $by:ident;
        $($items:tt)*
    ) => {
        pinned_object!(@munch $ty [$($done)*]
            $(#[$attr])*
            pinned async fn $name(
                &self,
                ctx: &Context<'_>,
                #[graphql(desc = $desc)] $key: String,
            ) -> Result<Option<$node>> {
                Ok(find_by(ctx, $by($key)).await?.map($node))
            }
            $($items)*
        );
    };
    (@munch $ty:ident [$($done:tt)*]
        $(#[$attr:meta])*
        async fn $name:ident $args:tt -> $ret:ty $body:block
        $($items:tt)*
    ) => {
        pinned_object!(@munch $ty [$($done)* $(#[$attr])* async fn $name $args -> $ret $body]
            $($items)*);
    };
}

/// The root fields that find one object, or a few, by key.
#[derive(Default)]
pub struct Lookups;

pinned_object! {
    Lookups;

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
    pinned async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as returned in an `id` field.")] id: ID,
    ) -> Result<Option<Node>> {
        Ok(interfaces::find_node(loaders(ctx)?, &id).await?)
    }

    /// Objects by their global IDs, in the order given; `null` for any that no longer exist.
    pinned async fn nodes(
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
    pinned async fn country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The ISO 3166-1 alpha-2 code, e.g. `US`.")] code: String,
    ) -> Result<Option<Country>> {
        Ok(find_by(ctx, CountryByCode(code.to_ascii_uppercase()))
            .await?
            .map(Country))
    }

    /// A region or aggregate by its code, e.g. `WORLD`; `null` if there is none.
    pinned async fn region(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The region's code, e.g. `WORLD` or `ASIA`.")] code: String,
    ) -> Result<Option<Region>> {
        Ok(find_by(ctx, RegionByCode(code.to_ascii_uppercase()))
            .await?
            .map(Region))
    }

    /// A city by its slug, e.g. `shenzhen`; `null` if there is none.
    pinned async fn city(
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
    pinned lookup company(slug: "The company's slug, e.g. `alibaba-cloud`.")
        -> Company by CompanyBySlug;

    /// A smart-city project by its slug, e.g. `city-brain`; `null` if there is none.
    pinned lookup project(slug: "The project's slug, e.g. `city-brain`.")
        -> Project by ProjectBySlug;

    /// A policy by its slug, e.g. `digital-silk-road`; `null` if there is none.
    pinned lookup policy(slug: "The policy's slug, e.g. `clean-network-initiative`.")
        -> Policy by PolicyBySlug;

    /// An indicator by its stable code, e.g. `ai_market_size`; `null` if there is none.
    pinned lookup indicator(code: "The indicator's stable code, e.g. `ai_enterprises`.")
        -> Indicator by IndicatorByCode;

    /// A source by its slug, e.g. `statista-us-ai-market-size`; `null` if there is none.
    pinned lookup source(slug: "The source's slug.")
        -> Source by SourceBySlug;
}

/// Declares the root lists, each one page of a Relay connection over one store list.
macro_rules! root_lists {
    ($(
        $(#[doc = $doc:literal])+
        $field:ident($filter:ty, $order:ty, $order_desc:tt) -> $connection:ty, $node:expr;
    )+) => {
        /// The root lists, which page through every object of a kind.
        #[derive(Default)]
        pub struct Lists;

        #[Object]
        impl Lists {
            $(
                $(#[doc = $doc])+
                #[allow(
                    clippy::too_many_arguments,
                    reason = "a Relay list takes a filter, an order, four paging arguments and a pin"
                )]
                async fn $field(
                    &self,
                    ctx: &Context<'_>,
                    #[graphql(desc = "Narrows the list.")] filter: Option<$filter>,
                    #[graphql(desc = $order_desc)] order_by: Option<$order>,
                    #[graphql(desc = "Returns the first n items (0 to 100; 20 by default).")]
                    first: Option<i32>,
                    #[graphql(desc = "Returns the items after this cursor.")] after: Option<String>,
                    #[graphql(desc = "Returns the last n items (0 to 100).")] last: Option<i32>,
                    #[graphql(desc = "Returns the items before this cursor.")]
                    before: Option<String>,
                    #[graphql(name = "asOf", desc = "Read the data as it stood at this instant (RFC 3339). An operation reads one point in time: its root fields must agree.")]
                    _as_of: Option<DateTime<Utc>>,
                    #[graphql(name = "release", desc = "Read the data as the release with this tag froze it, like `asOf`; give one or the other.")]
                    _release: Option<String>,
                ) -> Result<$connection> {
                    let page = PageArgs::new(first, after, last, before);
                    Ok(paging::list(ctx, filter, order_by, page, $node).await?)
                }
            )+
        }
    };
}

root_lists! {
    /// All countries.
    countries(CountryFilter, CountryOrder, "The order of the list; by code by default.")
        -> CountryConnection, Country;
    /// All regions and aggregates, including `WORLD`.
    regions(RegionFilter, CountryOrder, "The order of the list; by code by default.")
        -> RegionConnection, Region;
    /// All cities.
    cities(CityFilter, CityOrder, "The order of the list; by name by default.")
        -> CityConnection, City;
    /// All companies.
    companies(CompanyFilter, CompanyOrder, "The order of the list; by name by default.")
        -> CompanyConnection, Company;
    /// All smart-city projects.
    projects(ProjectFilter, ProjectOrder, "The order of the list; by name by default.")
        -> ProjectConnection, Project;
    /// All policies, plans, laws and initiatives.
    policies(PolicyFilter, PolicyOrder, "The order of the list; by title by default.")
        -> PolicyConnection, Policy;
    /// All indicators, by stable code.
    indicators(IndicatorFilter, IndicatorOrder, "The order of the list; by code by default.")
        -> IndicatorConnection, Indicator;
    /// All observations: every published figure, filterable by indicator, subject, place,
    /// status, period and source.
    observations(
        ObservationFilter,
        ObservationOrder,
        "The order of the list; by year, oldest first, by default."
    ) -> ObservationConnection, Observation;
    /// All sources the paper cites.
    sources(SourceFilter, SourceOrder, "The order of the list; by title by default.")
        -> SourceConnection, Source;
}

/// The root fields over figures and rankings: search, Table 1 and derived values.
#[derive(Default)]
pub struct Figures;

pinned_object! {
    Figures;

    /// Countries, regions, cities, companies, projects, policies and indicators matching the
    /// text, case-insensitively, best matches first: whole name or key, then name prefix,
    /// then anywhere in the name, then anywhere in the description.
    pinned async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The text to find, up to 200 characters.")] text: String,
        #[graphql(desc = "How many results to return (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
    ) -> Result<Vec<SearchResult>> {
        Ok(interfaces::search(ctx, &text, first).await?)
    }

    /// Table 1: the strategic comparison of China and the USA, row by row.
    pinned async fn strategic_comparison(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<StrategicDimension>> {
        let rows = lookups::strategic_dimensions(database(ctx)?).await?;
        // A row's positions walk back to it by id; that costs nothing once it is cached.
        loaders(ctx)?
            .feed_many(rows.iter().map(|row| (DimensionById(row.id), row.clone())))
            .await;
        Ok(rows.into_iter().map(StrategicDimension).collect())
    }

    /// The ratio of any two published figures, with its formula and a warning, instead of a
    /// value, where their units differ.
    pinned async fn ratio(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The figure to divide.")] numerator: FigureInput,
        #[graphql(desc = "The figure to divide by.")] denominator: FigureInput,
    ) -> Result<Option<DerivedValue>> {
        Ok(derived_values::compare(ctx, derived::Kind::Ratio, &numerator, &denominator).await?)
    }

    /// Checks a figure a reader was given against the data: the figure it rests on, the
    /// difference, the qualifier, a unit or scale that does not match, the caveats, and a
    /// verdict (`MATCHES`, `ROUNDS_TO`, `DIFFERS`, `NOT_COMPARABLE`, `NO_DATA`). Checks
    /// the live data, or the data as a release or an instant left it.
    #[allow(clippy::too_many_arguments)] // The claim's parts, as a reader states them.
    pinned async fn check_figure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's code, e.g. `ai_market_size`.")] indicator: String,
        #[graphql(desc = "The subject's code or slug, e.g. `CN`.")] subject: String,
        #[graphql(desc = "The period, e.g. `2024`; the latest when omitted.")] period: Option<
            String,
        >,
        #[graphql(desc = "The category, for indicators broken down by one.")] category: Option<
            String,
        >,
        #[graphql(desc = "The number claimed, e.g. `39`.")] value: f64,
        #[graphql(desc = "Its unit, e.g. `USD`.")] unit: String,
        #[graphql(desc = "Its scale: `one`, `thousand`, `million`, `billion` or `trillion`.")]
        scale: String,
    ) -> Result<FigureCheck> {
        let figure = FigureQuery {
            indicator: &indicator,
            subject: &subject,
            period: period.as_deref(),
            category: category.as_deref(),
        };
        let claim = Claim { value, unit, scale };
        Ok(FigureCheck::run(ctx, figure, claim).await?)
    }

    /// One published figure as a percentage of another, with its formula and warnings.
    pinned async fn share(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The part.")] part: FigureInput,
        #[graphql(desc = "The total.")] total: FigureInput,
    ) -> Result<Option<DerivedValue>> {
        Ok(derived_values::compare(ctx, derived::Kind::Share, &part, &total).await?)
    }
}

/// The row behind a natural key, if any, through its by-key loader: lookups of one type
/// anywhere in the request share one statement. The operation's only root field has no
/// lookup to share with, and reads at once.
async fn find_by<K: ByKey>(ctx: &Context<'_>, key: K) -> Result<Option<K::Row>, Error>
where
    AtlasLoader: Loader<K, Value = K::Row, Error = Error>,
{
    let loaders = loaders(ctx)?;
    if ctx.data_opt::<LoneRootField>().is_some() {
        by_key_alone(loaders, key).await
    } else {
        by_key(loaders, key).await
    }
}
