//! The lists the API pages through, each declared once: its query (what narrows the rows),
//! its sort fields and how to read a sort key back from a row. Observations, with their
//! scopes and places, have their own module.

use super::filters;
use super::keys;
use super::list::{self, Listing};
use super::paging::{KeyKind, SortKey};
use crate::entities::{
    city, company, country, indicator, observation, policy, policy_city, policy_company, project,
    project_company, region, source, subject,
};
use crate::error::Error;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use serde_json::json;

/// Narrows the countries.
#[derive(Debug, Default)]
pub struct CountryQuery {
    /// Region codes.
    pub region: Option<Vec<String>>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

/// What countries, and regions, sort by.
#[derive(Debug, Clone, Copy, Default)]
pub enum CountrySort {
    #[default]
    Code,
    Name,
}

impl Listing for CountryQuery {
    type Entity = country::Entity;
    type Field = CountrySort;
    const NAME: &'static str = "countries";

    fn sort_key(field: CountrySort) -> SortKey<country::Model> {
        match field {
            CountrySort::Code => {
                list::text::<country::Entity>(country::Column::Code, |m| json!(m.code))
            }
            CountrySort::Name => {
                list::text::<country::Entity>(country::Column::Name, |m| json!(m.name))
            }
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<country::Entity>, Error> {
        use country::Column as C;
        let select = country::Entity::find();
        let select = filters::keyed(
            select,
            "region",
            C::RegionId,
            &self.region,
            keys::region_ids,
        )?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the regions and aggregates.
#[derive(Debug, Default)]
pub struct RegionQuery {
    /// `aggregate`, `continent` or `bloc`.
    pub kind: Option<Vec<String>>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

impl Listing for RegionQuery {
    type Entity = region::Entity;
    // Regions are ordered like countries: the schema shares `CountryOrder` between them.
    type Field = CountrySort;
    const NAME: &'static str = "regions";

    fn sort_key(field: CountrySort) -> SortKey<region::Model> {
        match field {
            CountrySort::Code => {
                list::text::<region::Entity>(region::Column::Code, |m| json!(m.code))
            }
            CountrySort::Name => {
                list::text::<region::Entity>(region::Column::Name, |m| json!(m.name))
            }
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<region::Entity>, Error> {
        use region::Column as C;
        let select = filters::one_of(region::Entity::find(), "kind", C::Kind, &self.kind)?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the cities.
#[derive(Debug, Default)]
pub struct CityQuery {
    /// Country codes.
    pub country: Option<Vec<String>>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum CitySort {
    #[default]
    Name,
    Slug,
}

impl Listing for CityQuery {
    type Entity = city::Entity;
    type Field = CitySort;
    const NAME: &'static str = "cities";

    fn sort_key(field: CitySort) -> SortKey<city::Model> {
        match field {
            CitySort::Name => list::text::<city::Entity>(city::Column::Name, |m| json!(m.name)),
            CitySort::Slug => list::text::<city::Entity>(city::Column::Slug, |m| json!(m.slug)),
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<city::Entity>, Error> {
        use city::Column as C;
        let select = city::Entity::find();
        let select = filters::keyed(
            select,
            "country",
            C::CountryId,
            &self.country,
            keys::country_ids,
        )?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the companies.
#[derive(Debug, Default)]
pub struct CompanyQuery {
    /// Country codes of the headquarters.
    pub country: Option<Vec<String>>,
    /// City slugs of the headquarters.
    pub city: Option<Vec<String>>,
    pub sector: Option<Vec<String>>,
    pub leading_enterprise: Option<bool>,
    /// Slugs of projects the company takes part in.
    pub project: Option<Vec<String>>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum CompanySort {
    #[default]
    Name,
    Slug,
    Sector,
}

impl Listing for CompanyQuery {
    type Entity = company::Entity;
    type Field = CompanySort;
    const NAME: &'static str = "companies";

    fn sort_key(field: CompanySort) -> SortKey<company::Model> {
        use company::Column as C;
        match field {
            CompanySort::Name => list::text::<company::Entity>(C::Name, |m| json!(m.name)),
            CompanySort::Slug => list::text::<company::Entity>(C::Slug, |m| json!(m.slug)),
            CompanySort::Sector => list::text::<company::Entity>(C::Sector, |m| json!(m.sector)),
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<company::Entity>, Error> {
        use company::Column as C;
        let mut select = company::Entity::find();
        select = filters::keyed(
            select,
            "country",
            C::CountryId,
            &self.country,
            keys::country_ids,
        )?;
        select = filters::keyed(select, "city", C::HqCityId, &self.city, keys::city_ids)?;
        select = filters::one_of(select, "sector", C::Sector, &self.sector)?;
        if let Some(leading) = self.leading_enterprise {
            select = select.filter(C::LeadingEnterprise.eq(leading));
        }
        select = filters::keyed(select, "project", C::Id, &self.project, |slugs| {
            keys::linked::<project_company::Entity>(
                project_company::Column::CompanyId,
                project_company::Column::ProjectId,
                keys::project_ids(slugs),
            )
        })?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the projects.
#[derive(Debug, Default)]
pub struct ProjectQuery {
    pub country: Option<Vec<String>>,
    pub city: Option<Vec<String>>,
    pub kind: Option<Vec<String>>,
    /// Slugs of companies that take part.
    pub company: Option<Vec<String>>,
    /// Started in or after this year.
    pub from_year: Option<i32>,
    /// Started in or before this year.
    pub to_year: Option<i32>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum ProjectSort {
    #[default]
    Name,
    Slug,
    /// Projects without a start year last when ascending.
    StartYear,
}

impl Listing for ProjectQuery {
    type Entity = project::Entity;
    type Field = ProjectSort;
    const NAME: &'static str = "projects";

    fn sort_key(field: ProjectSort) -> SortKey<project::Model> {
        use project::Column as C;
        match field {
            ProjectSort::Name => list::text::<project::Entity>(C::Name, |m| json!(m.name)),
            ProjectSort::Slug => list::text::<project::Entity>(C::Slug, |m| json!(m.slug)),
            ProjectSort::StartYear => list::computed(
                filters::nulls_last(Expr::col((project::Entity, C::StartYear))),
                KeyKind::Int,
                |m| json!(m.start_year.unwrap_or(i32::MAX)),
            ),
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<project::Entity>, Error> {
        use project::Column as C;
        filters::year_range(self.from_year, self.to_year)?;
        let mut select = project::Entity::find();
        select = filters::keyed(
            select,
            "country",
            C::CountryId,
            &self.country,
            keys::country_ids,
        )?;
        select = filters::keyed(select, "city", C::CityId, &self.city, keys::city_ids)?;
        select = filters::one_of(select, "kind", C::Kind, &self.kind)?;
        select = filters::keyed(select, "company", C::Id, &self.company, |slugs| {
            keys::linked::<project_company::Entity>(
                project_company::Column::ProjectId,
                project_company::Column::CompanyId,
                keys::company_ids(slugs),
            )
        })?;
        select = select.filter(filters::within_years(
            Expr::col((project::Entity, C::StartYear)),
            self.from_year,
            self.to_year,
        ));
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the policies.
#[derive(Debug, Default)]
pub struct PolicyQuery {
    pub country: Option<Vec<String>>,
    /// Slugs of cities the policy concerns.
    pub city: Option<Vec<String>>,
    /// Slugs of companies the policy concerns.
    pub company: Option<Vec<String>>,
    pub kind: Option<Vec<String>>,
    /// In force in or after this year.
    pub from_year: Option<i32>,
    /// In force in or before this year.
    pub to_year: Option<i32>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum PolicySort {
    #[default]
    Title,
    Slug,
    /// The year issued, else the first year covered; undated policies last when ascending.
    Year,
}

/// A policy's first stated year: issued, else the first year it covers.
fn first_year() -> SimpleExpr {
    Expr::col((policy::Entity, policy::Column::Year))
        .if_null(Expr::col((policy::Entity, policy::Column::StartYear)))
}

/// A policy's last stated year: its target, else its end, issue or start year.
fn last_year() -> SimpleExpr {
    Expr::col((policy::Entity, policy::Column::TargetYear))
        .if_null(Expr::col((policy::Entity, policy::Column::EndYear)))
        .if_null(Expr::col((policy::Entity, policy::Column::Year)))
        .if_null(Expr::col((policy::Entity, policy::Column::StartYear)))
}

impl Listing for PolicyQuery {
    type Entity = policy::Entity;
    type Field = PolicySort;
    const NAME: &'static str = "policies";

    fn sort_key(field: PolicySort) -> SortKey<policy::Model> {
        use policy::Column as C;
        match field {
            PolicySort::Title => list::text::<policy::Entity>(C::Title, |m| json!(m.title)),
            PolicySort::Slug => list::text::<policy::Entity>(C::Slug, |m| json!(m.slug)),
            PolicySort::Year => {
                list::computed(filters::nulls_last(first_year()), KeyKind::Int, |m| {
                    json!(m.year.or(m.start_year).unwrap_or(i32::MAX))
                })
            }
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<policy::Entity>, Error> {
        use policy::Column as C;
        filters::year_range(self.from_year, self.to_year)?;
        let mut select = policy::Entity::find();
        select = filters::keyed(
            select,
            "country",
            C::CountryId,
            &self.country,
            keys::country_ids,
        )?;
        select = filters::keyed(select, "city", C::Id, &self.city, |slugs| {
            keys::linked::<policy_city::Entity>(
                policy_city::Column::PolicyId,
                policy_city::Column::CityId,
                keys::city_ids(slugs),
            )
        })?;
        select = filters::keyed(select, "company", C::Id, &self.company, |slugs| {
            keys::linked::<policy_company::Entity>(
                policy_company::Column::PolicyId,
                policy_company::Column::CompanyId,
                keys::company_ids(slugs),
            )
        })?;
        select = filters::one_of(select, "kind", C::Kind, &self.kind)?;
        // A policy's span overlaps the range unless it ends before `from_year` or starts
        // after `to_year`.
        if let Some(from) = self.from_year {
            select = select.filter(last_year().gte(from));
        }
        if let Some(to) = self.to_year {
            select = select.filter(first_year().lte(to));
        }
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the indicators.
#[derive(Debug, Default)]
pub struct IndicatorQuery {
    pub topic: Option<Vec<String>>,
    pub unit: Option<Vec<String>>,
    /// Only indicators with observations about subjects of these kinds.
    pub subject_kind: Option<Vec<subject::SubjectKind>>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum IndicatorSort {
    #[default]
    Code,
    Name,
    Topic,
}

impl Listing for IndicatorQuery {
    type Entity = indicator::Entity;
    type Field = IndicatorSort;
    const NAME: &'static str = "indicators";

    fn sort_key(field: IndicatorSort) -> SortKey<indicator::Model> {
        use indicator::Column as C;
        match field {
            IndicatorSort::Code => list::text::<indicator::Entity>(C::Code, |m| json!(m.code)),
            IndicatorSort::Name => list::text::<indicator::Entity>(C::Name, |m| json!(m.name)),
            IndicatorSort::Topic => list::text::<indicator::Entity>(C::Topic, |m| json!(m.topic)),
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<indicator::Entity>, Error> {
        use indicator::Column as C;
        let mut select =
            filters::one_of(indicator::Entity::find(), "topic", C::Topic, &self.topic)?;
        select = filters::one_of(select, "unit", C::Unit, &self.unit)?;
        if let Some(kinds) = &self.subject_kind {
            select = select.filter(C::Id.in_subquery(keys::linked::<observation::Entity>(
                observation::Column::IndicatorId,
                observation::Column::SubjectId,
                keys::subject_ids_of_kinds(kinds),
            )));
        }
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the sources.
#[derive(Debug, Default)]
pub struct SourceQuery {
    pub kind: Option<Vec<String>>,
    pub publisher: Option<Vec<String>>,
    pub text: Option<String>,
    /// Only rows changed at or after this instant.
    pub updated_since: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum SourceSort {
    #[default]
    Title,
    Slug,
    Publisher,
    /// Undated sources first when ascending.
    PublishedOn,
}

impl Listing for SourceQuery {
    type Entity = source::Entity;
    type Field = SourceSort;
    const NAME: &'static str = "sources";

    fn sort_key(field: SourceSort) -> SortKey<source::Model> {
        use source::Column as C;
        match field {
            SourceSort::Title => list::text::<source::Entity>(C::Title, |m| json!(m.title)),
            SourceSort::Slug => list::text::<source::Entity>(C::Slug, |m| json!(m.slug)),
            SourceSort::Publisher => {
                list::text::<source::Entity>(C::Publisher, |m| json!(m.publisher))
            }
            SourceSort::PublishedOn => list::computed(
                Expr::col((source::Entity, C::PublishedOn)).if_null(""),
                KeyKind::Text,
                |m| json!(m.published_on.as_deref().unwrap_or_default()),
            ),
        }
    }

    fn updated_since(&self) -> Option<DateTime<Utc>> {
        self.updated_since
    }

    fn select(&self) -> Result<Select<source::Entity>, Error> {
        use source::Column as C;
        let select = filters::one_of(source::Entity::find(), "kind", C::Kind, &self.kind)?;
        let select = filters::one_of(select, "publisher", C::Publisher, &self.publisher)?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}
