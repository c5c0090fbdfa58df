//! The lists of companies, projects and policies.

use super::filters;
use super::keys;
use super::list::{self, Listing};
use super::paging::{KeyKind, SortKey};
use crate::entities::{company, policy, policy_city, policy_company, project, project_company};
use crate::error::Error;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use serde_json::json;

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
    const ID: company::Column = company::Column::Id;

    fn id(row: &company::Model) -> i32 {
        row.id
    }

    fn sort_key(field: CompanySort) -> SortKey<company::Model> {
        use company::Column as C;
        match field {
            CompanySort::Name => list::text::<company::Entity>(C::Name, |m| json!(m.name)),
            CompanySort::Slug => list::text::<company::Entity>(C::Slug, |m| json!(m.slug)),
            CompanySort::Sector => list::text::<company::Entity>(C::Sector, |m| json!(m.sector)),
        }
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
    const ID: project::Column = project::Column::Id;

    fn id(row: &project::Model) -> i32 {
        row.id
    }

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
    const ID: policy::Column = policy::Column::Id;

    fn id(row: &policy::Model) -> i32 {
        row.id
    }

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
