//! The lists' input objects: their filters and orders, and the store queries they become.

use super::observations::{ObservationStatus, SubjectKind};
use super::paging::{FilterInput, order_input};
use crate::store::lists::{
    CityQuery, CitySort, CompanyQuery, CompanySort, CountryQuery, CountrySort, IndicatorQuery,
    IndicatorSort, PolicyQuery, PolicySort, ProjectQuery, ProjectSort, RegionQuery, SourceQuery,
    SourceSort,
};
use crate::store::observations::{ObservationQuery, ObservationSort, Scope};
use async_graphql::{Enum, InputObject};
use chrono::{DateTime, Utc};

/// Narrows the list of countries.
#[derive(InputObject, Default)]
pub struct CountryFilter {
    /// Only countries in these regions, by code (e.g. `ASIA`).
    pub region: Option<Vec<String>>,
    /// Case-insensitive text found in the name, codes or advantages.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<CountryFilter> for CountryQuery {
    fn from(filter: CountryFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            region: filter.region,
            text: filter.text,
        }
    }
}

impl FilterInput for CountryFilter {
    type Query = CountryQuery;
}

/// The fields countries can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "CountrySort")]
pub enum CountryOrderField {
    /// By ISO code.
    #[default]
    Code,
    /// By English name.
    Name,
}

order_input!(CountryOrder, CountryOrderField, "countries");

/// Narrows the list of regions.
#[derive(InputObject, Default)]
pub struct RegionFilter {
    /// Only regions of these kinds: `aggregate`, `continent` or `bloc`.
    pub kind: Option<Vec<String>>,
    /// Case-insensitive text found in the name, code or description.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<RegionFilter> for RegionQuery {
    fn from(filter: RegionFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            kind: filter.kind,
            text: filter.text,
        }
    }
}

impl FilterInput for RegionFilter {
    type Query = RegionQuery;
}

/// Narrows the list of cities.
#[derive(InputObject, Default)]
pub struct CityFilter {
    /// Only cities in these countries, by ISO code.
    pub country: Option<Vec<String>>,
    /// Case-insensitive text found in the name, slug or description.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<CityFilter> for CityQuery {
    fn from(filter: CityFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            country: filter.country,
            text: filter.text,
        }
    }
}

impl FilterInput for CityFilter {
    type Query = CityQuery;
}

/// The fields cities can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "CitySort")]
pub enum CityOrderField {
    /// By English name.
    #[default]
    Name,
    /// By slug.
    Slug,
}

order_input!(CityOrder, CityOrderField, "cities");

/// Narrows the list of companies.
#[derive(InputObject, Default)]
pub struct CompanyFilter {
    /// Only companies headquartered in these countries, by ISO code.
    pub country: Option<Vec<String>>,
    /// Only companies headquartered in these cities, by slug.
    pub city: Option<Vec<String>>,
    /// Only companies in these sectors, e.g. `telecommunications`.
    pub sector: Option<Vec<String>>,
    /// Only the leading enterprises of Table 2 (`true`) or only the others (`false`).
    pub leading_enterprise: Option<bool>,
    /// Only companies that take part in these projects, by slug.
    pub project: Option<Vec<String>>,
    /// Case-insensitive text found in the name, slug, sector or description.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The fields companies can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "CompanySort")]
pub enum CompanyOrderField {
    /// By name.
    #[default]
    Name,
    /// By slug.
    Slug,
    /// By sector, then by id.
    Sector,
}

order_input!(CompanyOrder, CompanyOrderField, "companies");

impl From<CompanyFilter> for CompanyQuery {
    fn from(filter: CompanyFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            country: filter.country,
            city: filter.city,
            sector: filter.sector,
            leading_enterprise: filter.leading_enterprise,
            project: filter.project,
            text: filter.text,
        }
    }
}

impl FilterInput for CompanyFilter {
    type Query = CompanyQuery;
}

/// Narrows the list of projects.
#[derive(InputObject, Default)]
pub struct ProjectFilter {
    /// Only projects in these countries, by ISO code.
    pub country: Option<Vec<String>>,
    /// Only projects in these cities, by slug.
    pub city: Option<Vec<String>>,
    /// Only projects of these kinds, e.g. `digital_twin`.
    pub kind: Option<Vec<String>>,
    /// Only projects these companies take part in, by slug.
    pub company: Option<Vec<String>>,
    /// Only projects that started in or after this year.
    pub from_year: Option<i32>,
    /// Only projects that started in or before this year.
    pub to_year: Option<i32>,
    /// Case-insensitive text found in the name, slug, kind or description.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The fields projects can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "ProjectSort")]
pub enum ProjectOrderField {
    /// By name.
    #[default]
    Name,
    /// By slug.
    Slug,
    /// By start year; projects without one come after all others when ascending.
    StartYear,
}

order_input!(ProjectOrder, ProjectOrderField, "projects");

impl From<ProjectFilter> for ProjectQuery {
    fn from(filter: ProjectFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            country: filter.country,
            city: filter.city,
            kind: filter.kind,
            company: filter.company,
            from_year: filter.from_year,
            to_year: filter.to_year,
            text: filter.text,
        }
    }
}

impl FilterInput for ProjectFilter {
    type Query = ProjectQuery;
}

/// Narrows the list of policies.
#[derive(InputObject, Default)]
pub struct PolicyFilter {
    /// Only policies of these countries, by ISO code.
    pub country: Option<Vec<String>>,
    /// Only policies that concern these cities, by slug.
    pub city: Option<Vec<String>>,
    /// Only policies that concern these companies, by slug.
    pub company: Option<Vec<String>>,
    /// Only policies of these kinds, e.g. `national_plan`.
    pub kind: Option<Vec<String>>,
    /// Only policies in force in or after this year: issued, running or due then.
    pub from_year: Option<i32>,
    /// Only policies in force in or before this year.
    pub to_year: Option<i32>,
    /// Case-insensitive text found in the title, slug, kind, issuer or summary.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The fields policies can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "PolicySort")]
pub enum PolicyOrderField {
    /// By title.
    #[default]
    Title,
    /// By slug.
    Slug,
    /// By year issued, else first year covered; undated policies come last when ascending.
    Year,
}

order_input!(PolicyOrder, PolicyOrderField, "policies");

impl From<PolicyFilter> for PolicyQuery {
    fn from(filter: PolicyFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            country: filter.country,
            city: filter.city,
            company: filter.company,
            kind: filter.kind,
            from_year: filter.from_year,
            to_year: filter.to_year,
            text: filter.text,
        }
    }
}

impl FilterInput for PolicyFilter {
    type Query = PolicyQuery;
}

/// Narrows the list of indicators.
#[derive(InputObject, Default)]
pub struct IndicatorFilter {
    /// Only indicators on these topics, e.g. `ai_market` or `project_outcomes`.
    pub topic: Option<Vec<String>>,
    /// Only indicators in these units, e.g. `USD` or `percent`.
    pub unit: Option<Vec<String>>,
    /// Only indicators with observations about subjects of these kinds.
    pub subject_kind: Option<Vec<super::observations::SubjectKind>>,
    /// Case-insensitive text found in the name, code, description, unit, measure or topic.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The fields indicators can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "IndicatorSort")]
pub enum IndicatorOrderField {
    /// By code.
    #[default]
    Code,
    /// By name.
    Name,
    /// By topic.
    Topic,
}

order_input!(IndicatorOrder, IndicatorOrderField, "indicators");

impl From<IndicatorFilter> for IndicatorQuery {
    fn from(filter: IndicatorFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            topic: filter.topic,
            unit: filter.unit,
            subject_kind: filter
                .subject_kind
                .map(|kinds| kinds.into_iter().map(Into::into).collect()),
            text: filter.text,
        }
    }
}

impl FilterInput for IndicatorFilter {
    type Query = IndicatorQuery;
}

/// Narrows the list of sources.
#[derive(InputObject, Default)]
pub struct SourceFilter {
    /// Only sources of these kinds, e.g. `statistic` or `journal_article`.
    pub kind: Option<Vec<String>>,
    /// Only sources from these publishers, exactly as named, e.g. `Statista`.
    pub publisher: Option<Vec<String>>,
    /// Case-insensitive text found in the title, authors, publisher or container.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The fields sources can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "SourceSort")]
pub enum SourceOrderField {
    /// By title.
    #[default]
    Title,
    /// By slug.
    Slug,
    /// By publisher.
    Publisher,
    /// By publication date; undated sources come first when ascending.
    PublishedOn,
}

order_input!(SourceOrder, SourceOrderField, "sources");

impl From<SourceFilter> for SourceQuery {
    fn from(filter: SourceFilter) -> Self {
        Self {
            updated_since: filter.updated_since,
            kind: filter.kind,
            publisher: filter.publisher,
            text: filter.text,
        }
    }
}

impl FilterInput for SourceFilter {
    type Query = SourceQuery;
}

/// Narrows a list of observations. Every condition given must hold.
#[derive(InputObject, Default)]
pub struct ObservationFilter {
    /// Only these indicators, by code, e.g. `ai_market_size`.
    pub indicator: Option<Vec<String>>,
    /// Only indicators on these topics, e.g. `ai_market`.
    pub topic: Option<Vec<String>>,
    /// Only these subjects, by key: a country code, a region code or a slug.
    pub subject: Option<Vec<String>>,
    /// Only subjects of these kinds.
    pub subject_kind: Option<Vec<SubjectKind>>,
    /// Only figures about these countries (by ISO code) or about the cities, companies and
    /// projects in them.
    pub country: Option<Vec<String>>,
    /// Only figures about these cities (by slug) or about their projects and the companies
    /// headquartered there.
    pub city: Option<Vec<String>>,
    /// Only figures with these statuses.
    pub status: Option<Vec<ObservationStatus>>,
    /// Only figures for this year or later.
    pub from_year: Option<i32>,
    /// Only figures for this year or earlier.
    pub to_year: Option<i32>,
    /// Only these periods, e.g. `2024` or `2024-Q3`.
    pub period: Option<Vec<String>>,
    /// Only these categories, e.g. `healthcare`.
    pub category: Option<Vec<String>>,
    /// Only figures from these sources, by slug.
    pub source: Option<Vec<String>>,
    /// Case-insensitive text found in the indicator's name or code, the subject's key, the
    /// category, the place in the paper or the caveat.
    pub text: Option<String>,
    /// Only items changed at or after this instant (RFC 3339): what an integration that
    /// synced before then needs. Retractions are in `changes`.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The fields observations can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "ObservationSort")]
pub enum ObservationOrderField {
    /// By year.
    #[default]
    Year,
    /// By value. Values in different units do not compare; filter by indicator first.
    Value,
    /// By period, as text: `2024` sorts before `2024-Q3`.
    Period,
}

order_input!(ObservationOrder, ObservationOrderField, "observations");

impl From<ObservationFilter> for ObservationQuery {
    fn from(filter: ObservationFilter) -> Self {
        let all_of = |kinds: Vec<SubjectKind>| kinds.into_iter().map(Into::into).collect();
        Self {
            updated_since: filter.updated_since,
            scope: Scope::All,
            indicator: filter.indicator,
            topic: filter.topic,
            subject: filter.subject,
            subject_kind: filter.subject_kind.map(all_of),
            country: filter.country,
            city: filter.city,
            status: filter
                .status
                .map(|statuses| statuses.into_iter().map(Into::into).collect()),
            from_year: filter.from_year,
            to_year: filter.to_year,
            period: filter.period,
            category: filter.category,
            source: filter.source,
            text: filter.text,
        }
    }
}

impl FilterInput for ObservationFilter {
    type Query = ObservationQuery;
}
