//! The lists' input objects: their filters and orders, and the store queries they become.
//!
//! Every filter is declared through `filter_input!`, which writes the input object, its
//! `From` conversion into the store's query (field for field, by the same names) and its
//! `FilterInput` impl from one list of fields, so a field is named once. A macro rather
//! than a generic type, because each filter is its own input object with its own
//! descriptions, and because every filter ends with the same `updatedSince`.

use super::observations::{ObservationStatus, SubjectKind};
use super::paging::order_input;
use crate::store::lists::{
    CityQuery, CitySort, CompanyQuery, CompanySort, CountryQuery, CountrySort, IndicatorQuery,
    IndicatorSort, PolicyQuery, PolicySort, ProjectQuery, ProjectSort, RegionQuery, SourceQuery,
    SourceSort,
};
use crate::store::observations::{ObservationQuery, ObservationSort, Scope};
use async_graphql::Enum;

/// Declares a list's filter: its fields (each with its description), then `updatedSince`,
/// which every list has; the store's query it becomes, with the fields set beyond the
/// filter's in `[...]`; and, after `=>`, how a field's value converts where the store's
/// type differs (e.g. `each` for a list of GraphQL enums).
macro_rules! filter_input {
    (
        $(#[$doc:meta])*
        $filter:ident => $query:ident $([$($fixed:ident: $value:expr),*])? {
            $($(#[$field_doc:meta])* $field:ident: $ty:ty $(=> $convert:expr)?,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(async_graphql::InputObject, Default)]
        pub struct $filter {
            $($(#[$field_doc])* pub $field: $ty,)*
            /// Only items changed at or after this instant (RFC 3339): what an integration that
            /// synced before then needs. Retractions are in `changes`.
            pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
        }

        impl From<$filter> for $query {
            fn from(filter: $filter) -> Self {
                Self {
                    updated_since: filter.updated_since,
                    $($($fixed: $value,)*)?
                    $($field: filter.$field $(.map($convert))?,)*
                }
            }
        }

        impl super::paging::FilterInput for $filter {
            type Query = $query;
        }
    };
}

/// Declares the fields a list can be ordered by, as the schema's enum mirroring the
/// store's (the first field the default), and the list's order input.
macro_rules! order_fields {
    (
        $(#[$doc:meta])*
        $field:ident mirrors $sort:literal, $order:ident of $plural:literal {
            $(#[$first_doc:meta])* $first:ident,
            $($(#[$variant_doc:meta])* $variant:ident,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
        #[graphql(remote = $sort)]
        pub enum $field {
            $(#[$first_doc])*
            #[default]
            $first,
            $($(#[$variant_doc])* $variant,)*
        }

        order_input!($order, $field, $plural);
    };
}

/// Each of a list of GraphQL values as the store's.
fn each<T: Into<U>, U>(values: Vec<T>) -> Vec<U> {
    values.into_iter().map(Into::into).collect()
}

filter_input! {
    /// Narrows the list of countries.
    CountryFilter => CountryQuery {
        /// Only countries in these regions, by code (e.g. `ASIA`).
        region: Option<Vec<String>>,
        /// Case-insensitive text found in the name, codes or advantages.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields countries can be ordered by.
    CountryOrderField mirrors "CountrySort", CountryOrder of "countries" {
        /// By ISO code.
        Code,
        /// By English name.
        Name,
    }
}

filter_input! {
    /// Narrows the list of regions.
    RegionFilter => RegionQuery {
        /// Only regions of these kinds: `aggregate`, `continent` or `bloc`.
        kind: Option<Vec<String>>,
        /// Case-insensitive text found in the name, code or description.
        text: Option<String>,
    }
}

filter_input! {
    /// Narrows the list of cities.
    CityFilter => CityQuery {
        /// Only cities in these countries, by ISO code.
        country: Option<Vec<String>>,
        /// Case-insensitive text found in the name, slug or description.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields cities can be ordered by.
    CityOrderField mirrors "CitySort", CityOrder of "cities" {
        /// By English name.
        Name,
        /// By slug.
        Slug,
    }
}

filter_input! {
    /// Narrows the list of companies.
    CompanyFilter => CompanyQuery {
        /// Only companies headquartered in these countries, by ISO code.
        country: Option<Vec<String>>,
        /// Only companies headquartered in these cities, by slug.
        city: Option<Vec<String>>,
        /// Only companies in these sectors, e.g. `telecommunications`.
        sector: Option<Vec<String>>,
        /// Only the leading enterprises of Table 2 (`true`) or only the others (`false`).
        leading_enterprise: Option<bool>,
        /// Only companies that take part in these projects, by slug.
        project: Option<Vec<String>>,
        /// Case-insensitive text found in the name, slug, sector or description.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields companies can be ordered by.
    CompanyOrderField mirrors "CompanySort", CompanyOrder of "companies" {
        /// By name.
        Name,
        /// By slug.
        Slug,
        /// By sector, then by id.
        Sector,
    }
}

filter_input! {
    /// Narrows the list of projects.
    ProjectFilter => ProjectQuery {
        /// Only projects in these countries, by ISO code.
        country: Option<Vec<String>>,
        /// Only projects in these cities, by slug.
        city: Option<Vec<String>>,
        /// Only projects of these kinds, e.g. `digital_twin`.
        kind: Option<Vec<String>>,
        /// Only projects these companies take part in, by slug.
        company: Option<Vec<String>>,
        /// Only projects that started in or after this year.
        from_year: Option<i32>,
        /// Only projects that started in or before this year.
        to_year: Option<i32>,
        /// Case-insensitive text found in the name, slug, kind or description.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields projects can be ordered by.
    ProjectOrderField mirrors "ProjectSort", ProjectOrder of "projects" {
        /// By name.
        Name,
        /// By slug.
        Slug,
        /// By start year; projects without one come after all others when ascending.
        StartYear,
    }
}

filter_input! {
    /// Narrows the list of policies.
    PolicyFilter => PolicyQuery {
        /// Only policies of these countries, by ISO code.
        country: Option<Vec<String>>,
        /// Only policies that concern these cities, by slug.
        city: Option<Vec<String>>,
        /// Only policies that concern these companies, by slug.
        company: Option<Vec<String>>,
        /// Only policies of these kinds, e.g. `national_plan`.
        kind: Option<Vec<String>>,
        /// Only policies in force in or after this year: issued, running or due then.
        from_year: Option<i32>,
        /// Only policies in force in or before this year.
        to_year: Option<i32>,
        /// Case-insensitive text found in the title, slug, kind, issuer or summary.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields policies can be ordered by.
    PolicyOrderField mirrors "PolicySort", PolicyOrder of "policies" {
        /// By title.
        Title,
        /// By slug.
        Slug,
        /// By year issued, else first year covered; undated policies come last when ascending.
        Year,
    }
}

filter_input! {
    /// Narrows the list of indicators.
    IndicatorFilter => IndicatorQuery {
        /// Only indicators on these topics, e.g. `ai_market` or `project_outcomes`.
        topic: Option<Vec<String>>,
        /// Only indicators in these units, e.g. `USD` or `percent`.
        unit: Option<Vec<String>>,
        /// Only indicators with observations about subjects of these kinds.
        subject_kind: Option<Vec<SubjectKind>> => each,
        /// Case-insensitive text found in the name, code, description, unit, measure or topic.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields indicators can be ordered by.
    IndicatorOrderField mirrors "IndicatorSort", IndicatorOrder of "indicators" {
        /// By code.
        Code,
        /// By name.
        Name,
        /// By topic.
        Topic,
    }
}

filter_input! {
    /// Narrows the list of sources.
    SourceFilter => SourceQuery {
        /// Only sources of these kinds, e.g. `statistic` or `journal_article`.
        kind: Option<Vec<String>>,
        /// Only sources from these publishers, exactly as named, e.g. `Statista`.
        publisher: Option<Vec<String>>,
        /// Case-insensitive text found in the title, authors, publisher or container.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields sources can be ordered by.
    SourceOrderField mirrors "SourceSort", SourceOrder of "sources" {
        /// By title.
        Title,
        /// By slug.
        Slug,
        /// By publisher.
        Publisher,
        /// By publication date; undated sources come first when ascending.
        PublishedOn,
    }
}

filter_input! {
    /// Narrows a list of observations. Every condition given must hold.
    ObservationFilter => ObservationQuery [scope: Scope::All] {
        /// Only these indicators, by code, e.g. `ai_market_size`.
        indicator: Option<Vec<String>>,
        /// Only indicators on these topics, e.g. `ai_market`.
        topic: Option<Vec<String>>,
        /// Only these subjects, by key: a country code, a region code or a slug.
        subject: Option<Vec<String>>,
        /// Only subjects of these kinds.
        subject_kind: Option<Vec<SubjectKind>> => each,
        /// Only figures about these countries (by ISO code) or about the cities, companies and
        /// projects in them.
        country: Option<Vec<String>>,
        /// Only figures about these cities (by slug) or about their projects and the companies
        /// headquartered there.
        city: Option<Vec<String>>,
        /// Only figures with these statuses.
        status: Option<Vec<ObservationStatus>> => each,
        /// Only figures for this year or later.
        from_year: Option<i32>,
        /// Only figures for this year or earlier.
        to_year: Option<i32>,
        /// Only these periods, e.g. `2024` or `2024-Q3`.
        period: Option<Vec<String>>,
        /// Only these categories, e.g. `healthcare`.
        category: Option<Vec<String>>,
        /// Only figures from these sources, by slug.
        source: Option<Vec<String>>,
        /// Case-insensitive text found in the indicator's name or code, the subject's key, the
        /// category, the place in the paper or the caveat.
        text: Option<String>,
    }
}

order_fields! {
    /// The fields observations can be ordered by.
    ObservationOrderField mirrors "ObservationSort", ObservationOrder of "observations" {
        /// By year.
        Year,
        /// By value. Values in different units do not compare; filter by indicator first.
        Value,
        /// By period, as text: `2024` sorts before `2024-Q3`.
        Period,
    }
}
