//! Companies, their sanctions, smart-city projects and policies, and the links between them.

use super::ids::{self, NodeType};
use super::loaders::{
    CitiesOfPolicy, CityById, CompaniesOfPolicy, CompanyById, CountryById, ParticipantsOfProject,
    PoliciesOfCompany, PolicyById, ProjectById, ProjectsOfCompany, SanctionsOfCompany, SourceById,
    SubsidiariesOf,
};
use super::observations::{ObservationConnection, ObservationFilter, ObservationOrder, Scope};
use super::paging::{OrderDirection, PageArgs, connection};
use super::places::{City, Country, city_ids, country_ids};
use super::sources::Source;
use super::{children, database, loaders, required};
use crate::entities::{
    company, company_sanction, policy, policy_city, policy_company, project, project_company,
};
use crate::error::Error;
use crate::store::filters;
use crate::store::paging::{self, KeyKind, Ordering, SortKey};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

#[derive(Clone)]
pub struct Company(pub company::Model);

/// A company: a technology group, a platform or a subsidiary, with its headquarters.
#[Object]
impl Company {
    /// The global, opaque ID of this company.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Company, &self.0.slug)
    }

    /// The company's stable slug, e.g. `huawei`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The subject key that observations and series use: the same as `slug`.
    pub async fn key(&self) -> &str {
        &self.0.slug
    }

    /// The company's name.
    pub async fn name(&self) -> &str {
        &self.0.name
    }

    /// The company's sector, e.g. `telecommunications`.
    async fn sector(&self) -> &str {
        &self.0.sector
    }

    /// Whether Table 2 lists it as a leading enterprise of its country.
    async fn leading_enterprise(&self) -> bool {
        self.0.leading_enterprise
    }

    /// What the paper says about the company.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where in the paper the company is discussed.
    async fn cited_in(&self) -> &str {
        &self.0.cited_in
    }

    /// The country of the company's headquarters.
    async fn country(&self, ctx: &Context<'_>) -> Result<Country> {
        let row = loaders(ctx)?
            .load_one(CountryById(self.0.country_id))
            .await?;
        Ok(Country(required(row, "company's country")?))
    }

    /// The city of the company's headquarters, where the paper places it.
    async fn headquarters(&self, ctx: &Context<'_>) -> Result<Option<City>> {
        let Some(city_id) = self.0.hq_city_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.load_one(CityById(city_id)).await?.map(City))
    }

    /// The parent company, for a subsidiary such as Alibaba Cloud.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Company>> {
        let Some(parent_id) = self.0.parent_company_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(CompanyById(parent_id))
            .await?
            .map(Company))
    }

    /// The company's subsidiaries in the paper, by name.
    async fn subsidiaries(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<Company>> {
        Ok(children(
            ctx,
            SubsidiariesOf(self.0.id, paging::list_first(first)?),
            Company,
        )
        .await?)
    }

    /// The projects the company takes part in, with its role in each.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<ProjectParticipation>> {
        Ok(children(
            ctx,
            ProjectsOfCompany(self.0.id, paging::list_first(first)?),
            ProjectParticipation,
        )
        .await?)
    }

    /// The policies that concern the company, and how.
    async fn policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<PolicyInvolvement>> {
        Ok(children(
            ctx,
            PoliciesOfCompany(self.0.id, paging::list_first(first)?),
            PolicyInvolvement,
        )
        .await?)
    }

    /// Sanctions and entity listings of the company, as dated facts.
    async fn sanctions(&self, ctx: &Context<'_>) -> Result<Vec<Sanction>> {
        Ok(children(ctx, SanctionsOfCompany(self.0.id, None), Sanction).await?)
    }

    /// Observations about the company, such as its share of 5G patents.
    #[allow(clippy::too_many_arguments)]
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
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(Scope::subject(self.0.subject_id)
            .list(ctx, filter, order_by, &page)
            .await?)
    }
}

#[derive(Clone)]
pub struct Sanction(pub company_sanction::Model);

/// A sanction or entity listing of a company, as a dated fact.
#[Object]
impl Sanction {
    /// The global, opaque ID of this sanction.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Sanction, &self.0.slug)
    }

    /// The sanction's stable slug.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The sanctioned company.
    async fn company(&self, ctx: &Context<'_>) -> Result<Company> {
        let row = loaders(ctx)?
            .load_one(CompanyById(self.0.company_id))
            .await?;
        Ok(Company(required(row, "sanctioned company")?))
    }

    /// Who imposed it, e.g. the US Department of Commerce.
    async fn authority(&self) -> &str {
        &self.0.authority
    }

    /// The list concerned, e.g. the Entity List.
    async fn list_name(&self) -> &str {
        &self.0.list_name
    }

    /// What happened, e.g. "affiliated companies added".
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The year, where the paper gives one.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }

    /// What the paper says about it.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The publication the paper cites for it.
    async fn source(&self, ctx: &Context<'_>) -> Result<Source> {
        let row = loaders(ctx)?.load_one(SourceById(self.0.source_id)).await?;
        Ok(Source(required(row, "sanction's source")?))
    }

    /// Where in the paper it is stated.
    async fn cited_in(&self) -> &str {
        &self.0.cited_in
    }
}

#[derive(Clone)]
pub struct Project(pub project::Model);

/// A smart-city project or programme, such as Hangzhou's City Brain.
#[Object]
impl Project {
    /// The global, opaque ID of this project.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Project, &self.0.slug)
    }

    /// The project's stable slug, e.g. `city-brain`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The subject key that observations and series use: the same as `slug`.
    pub async fn key(&self) -> &str {
        &self.0.slug
    }

    /// The project's name.
    pub async fn name(&self) -> &str {
        &self.0.name
    }

    /// What sort of project it is, e.g. `urban_platform` or `digital_twin`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// The year it started, where the paper gives one.
    async fn start_year(&self) -> Option<i32> {
        self.0.start_year
    }

    /// What the paper says about the project.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where in the paper the project is discussed.
    async fn cited_in(&self) -> &str {
        &self.0.cited_in
    }

    /// The city the project is in; `null` for a national or international programme.
    async fn city(&self, ctx: &Context<'_>) -> Result<Option<City>> {
        let Some(city_id) = self.0.city_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?.load_one(CityById(city_id)).await?.map(City))
    }

    /// The country the project belongs to.
    async fn country(&self, ctx: &Context<'_>) -> Result<Country> {
        let row = loaders(ctx)?
            .load_one(CountryById(self.0.country_id))
            .await?;
        Ok(Country(required(row, "project's country")?))
    }

    /// The companies that operate or support the project, with their roles.
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<ProjectParticipation>> {
        Ok(children(
            ctx,
            ParticipantsOfProject(self.0.id, paging::list_first(first)?),
            ProjectParticipation,
        )
        .await?)
    }

    /// The publication the paper cites for the project.
    async fn source(&self, ctx: &Context<'_>) -> Result<Source> {
        let row = loaders(ctx)?.load_one(SourceById(self.0.source_id)).await?;
        Ok(Source(required(row, "project's source")?))
    }

    /// Observations about the project, such as its outcomes.
    #[allow(clippy::too_many_arguments)]
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
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(Scope::subject(self.0.subject_id)
            .list(ctx, filter, order_by, &page)
            .await?)
    }
}

#[derive(Clone)]
pub struct ProjectParticipation(pub project_company::Model);

/// A company's part in a project.
#[Object]
impl ProjectParticipation {
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> Result<Project> {
        let row = loaders(ctx)?
            .load_one(ProjectById(self.0.project_id))
            .await?;
        Ok(Project(required(row, "participation's project")?))
    }

    /// The company.
    async fn company(&self, ctx: &Context<'_>) -> Result<Company> {
        let row = loaders(ctx)?
            .load_one(CompanyById(self.0.company_id))
            .await?;
        Ok(Company(required(row, "participation's company")?))
    }

    /// The company's role, e.g. "technology provider".
    async fn role(&self) -> &str {
        &self.0.role
    }
}

#[derive(Clone)]
pub struct Policy(pub policy::Model);

/// A policy, plan, law or initiative. Its years are attributes, not observations.
#[Object]
impl Policy {
    /// The global, opaque ID of this policy.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Policy, &self.0.slug)
    }

    /// The policy's stable slug, e.g. `digital-silk-road`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The policy's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What sort of policy it is, e.g. `national_plan` or `international_initiative`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }

    /// Who issued it, where the paper says.
    async fn issuer(&self) -> Option<&str> {
        self.0.issuer.as_deref()
    }

    /// The year it was issued, where the paper gives one.
    async fn year(&self) -> Option<i32> {
        self.0.year
    }

    /// The first year it covers, e.g. 2021 for the 2021–2035 urbanization plan.
    async fn start_year(&self) -> Option<i32> {
        self.0.start_year
    }

    /// The last year it covers.
    async fn end_year(&self) -> Option<i32> {
        self.0.end_year
    }

    /// The year its target is due, e.g. 2030.
    async fn target_year(&self) -> Option<i32> {
        self.0.target_year
    }

    /// What the policy does, as the paper describes it.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// Where in the paper the policy is discussed.
    async fn cited_in(&self) -> &str {
        &self.0.cited_in
    }

    /// The country whose policy it is.
    async fn country(&self, ctx: &Context<'_>) -> Result<Country> {
        let row = loaders(ctx)?
            .load_one(CountryById(self.0.country_id))
            .await?;
        Ok(Country(required(row, "policy's country")?))
    }

    /// The cities the policy concerns, by name.
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
            CitiesOfPolicy(self.0.id, paging::list_first(first)?),
            City,
        )
        .await?)
    }

    /// The companies the policy concerns, and how.
    async fn companies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "At most this many, the first in the list's order; all of them without it."
        )]
        first: Option<i32>,
    ) -> Result<Vec<PolicyInvolvement>> {
        Ok(children(
            ctx,
            CompaniesOfPolicy(self.0.id, paging::list_first(first)?),
            PolicyInvolvement,
        )
        .await?)
    }

    /// The publication the paper cites for the policy.
    async fn source(&self, ctx: &Context<'_>) -> Result<Source> {
        let row = loaders(ctx)?.load_one(SourceById(self.0.source_id)).await?;
        Ok(Source(required(row, "policy's source")?))
    }
}

#[derive(Clone)]
pub struct PolicyInvolvement(pub policy_company::Model);

/// How a policy concerns a company: as a partner, a target, and so on.
#[Object]
impl PolicyInvolvement {
    /// The policy.
    async fn policy(&self, ctx: &Context<'_>) -> Result<Policy> {
        let row = loaders(ctx)?.load_one(PolicyById(self.0.policy_id)).await?;
        Ok(Policy(required(row, "involvement's policy")?))
    }

    /// The company.
    async fn company(&self, ctx: &Context<'_>) -> Result<Company> {
        let row = loaders(ctx)?
            .load_one(CompanyById(self.0.company_id))
            .await?;
        Ok(Company(required(row, "involvement's company")?))
    }

    /// How the policy concerns the company, e.g. `partner` or `target`.
    async fn relation(&self) -> &str {
        &self.0.relation
    }
}

connection!(
    CompanyConnection,
    CompanyEdge,
    Company,
    "companies",
    "A page of companies, with the cursors to page on and the total count."
);
connection!(
    ProjectConnection,
    ProjectEdge,
    Project,
    "projects",
    "A page of projects, with the cursors to page on and the total count."
);
connection!(
    PolicyConnection,
    PolicyEdge,
    Policy,
    "policies",
    "A page of policies, with the cursors to page on and the total count."
);

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
}

/// The fields companies can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum CompanyOrderField {
    /// By name.
    #[default]
    Name,
    /// By slug.
    Slug,
    /// By sector, then by id.
    Sector,
}

/// The order of a list of companies.
#[derive(InputObject, Default)]
pub struct CompanyOrder {
    /// The field to order by.
    pub field: CompanyOrderField,
    /// The direction to order in.
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub async fn list_companies(
    ctx: &Context<'_>,
    filter: Option<CompanyFilter>,
    order_by: Option<CompanyOrder>,
    page: &PageArgs,
) -> Result<CompanyConnection, Error> {
    let filter = filter.unwrap_or_default();
    let mut select = company::Entity::find();
    if let Some(countries) = &filter.country {
        select = select.filter(
            company::Column::CountryId
                .in_subquery(country_ids(filters::values("country", countries)?)),
        );
    }
    if let Some(cities) = &filter.city {
        select = select.filter(
            company::Column::HqCityId.in_subquery(city_ids(filters::values("city", cities)?)),
        );
    }
    if let Some(sectors) = &filter.sector {
        select = select.filter(
            company::Column::Sector.is_in(filters::values("sector", sectors)?.iter().cloned()),
        );
    }
    if let Some(leading) = filter.leading_enterprise {
        select = select.filter(company::Column::LeadingEnterprise.eq(leading));
    }
    if let Some(projects) = &filter.project {
        select = select.filter(
            company::Column::Id.in_subquery(
                Query::select()
                    .column(project_company::Column::CompanyId)
                    .from(project_company::Entity)
                    .and_where(
                        Expr::col(project_company::Column::ProjectId)
                            .in_subquery(project_ids(filters::values("project", projects)?)),
                    )
                    .to_owned(),
            ),
        );
    }
    select = filters::with_text(select, company::Column::SearchText, filter.text.as_deref())?;
    let order = order_by.unwrap_or_default();
    let (key, key_of): (_, fn(&company::Model) -> serde_json::Value) = match order.field {
        CompanyOrderField::Name => (company::Column::Name, |m| json!(m.name)),
        CompanyOrderField::Slug => (company::Column::Slug, |m| json!(m.slug)),
        CompanyOrderField::Sector => (company::Column::Sector, |m| json!(m.sector)),
    };
    let ordering = Ordering::new(
        "companies",
        order.field,
        order.direction.into(),
        SortKey {
            expr: Expr::col((company::Entity, key)),
            kind: KeyKind::Text,
            value_of: key_of,
        },
        Expr::col((company::Entity, company::Column::Id)),
        |m| m.id,
    );
    let page = paging::load_page(database(ctx)?, select, &ordering, page).await?;
    Ok(page.map(Company).into())
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
}

/// The fields projects can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ProjectOrderField {
    /// By name.
    #[default]
    Name,
    /// By slug.
    Slug,
    /// By start year; projects without one come after all others when ascending.
    StartYear,
}

/// The order of a list of projects.
#[derive(InputObject, Default)]
pub struct ProjectOrder {
    /// The field to order by.
    pub field: ProjectOrderField,
    /// The direction to order in.
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub async fn list_projects(
    ctx: &Context<'_>,
    filter: Option<ProjectFilter>,
    order_by: Option<ProjectOrder>,
    page: &PageArgs,
) -> Result<ProjectConnection, Error> {
    let filter = filter.unwrap_or_default();
    filters::year_range(filter.from_year, filter.to_year)?;
    let mut select = project::Entity::find();
    if let Some(countries) = &filter.country {
        select = select.filter(
            project::Column::CountryId
                .in_subquery(country_ids(filters::values("country", countries)?)),
        );
    }
    if let Some(cities) = &filter.city {
        select = select.filter(
            project::Column::CityId.in_subquery(city_ids(filters::values("city", cities)?)),
        );
    }
    if let Some(kinds) = &filter.kind {
        select = select
            .filter(project::Column::Kind.is_in(filters::values("kind", kinds)?.iter().cloned()));
    }
    if let Some(companies) = &filter.company {
        select = select.filter(
            project::Column::Id.in_subquery(
                Query::select()
                    .column(project_company::Column::ProjectId)
                    .from(project_company::Entity)
                    .and_where(
                        Expr::col(project_company::Column::CompanyId)
                            .in_subquery(company_ids(filters::values("company", companies)?)),
                    )
                    .to_owned(),
            ),
        );
    }
    select = select.filter(filters::within_years(
        Expr::col((project::Entity, project::Column::StartYear)),
        filter.from_year,
        filter.to_year,
    ));
    select = filters::with_text(select, project::Column::SearchText, filter.text.as_deref())?;
    let order = order_by.unwrap_or_default();
    let (key, kind, key_of): (_, _, fn(&project::Model) -> serde_json::Value) = match order.field {
        ProjectOrderField::Name => (
            Expr::col((project::Entity, project::Column::Name)),
            KeyKind::Text,
            |m| json!(m.name),
        ),
        ProjectOrderField::Slug => (
            Expr::col((project::Entity, project::Column::Slug)),
            KeyKind::Text,
            |m| json!(m.slug),
        ),
        ProjectOrderField::StartYear => (
            filters::nulls_last(Expr::col((project::Entity, project::Column::StartYear))),
            KeyKind::Int,
            |m| json!(m.start_year.unwrap_or(i32::MAX)),
        ),
    };
    let ordering = Ordering::new(
        "projects",
        order.field,
        order.direction.into(),
        SortKey {
            expr: key,
            kind,
            value_of: key_of,
        },
        Expr::col((project::Entity, project::Column::Id)),
        |m| m.id,
    );
    let page = paging::load_page(database(ctx)?, select, &ordering, page).await?;
    Ok(page.map(Project).into())
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
}

/// The fields policies can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum PolicyOrderField {
    /// By title.
    #[default]
    Title,
    /// By slug.
    Slug,
    /// By year issued, else first year covered; undated policies come last when ascending.
    Year,
}

/// The order of a list of policies.
#[derive(InputObject, Default)]
pub struct PolicyOrder {
    /// The field to order by.
    pub field: PolicyOrderField,
    /// The direction to order in.
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub async fn list_policies(
    ctx: &Context<'_>,
    filter: Option<PolicyFilter>,
    order_by: Option<PolicyOrder>,
    page: &PageArgs,
) -> Result<PolicyConnection, Error> {
    let filter = filter.unwrap_or_default();
    filters::year_range(filter.from_year, filter.to_year)?;
    let mut select = policy::Entity::find();
    if let Some(countries) = &filter.country {
        select = select.filter(
            policy::Column::CountryId
                .in_subquery(country_ids(filters::values("country", countries)?)),
        );
    }
    if let Some(cities) = &filter.city {
        select = select.filter(
            policy::Column::Id.in_subquery(
                Query::select()
                    .column(policy_city::Column::PolicyId)
                    .from(policy_city::Entity)
                    .and_where(
                        Expr::col(policy_city::Column::CityId)
                            .in_subquery(city_ids(filters::values("city", cities)?)),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(companies) = &filter.company {
        select = select.filter(
            policy::Column::Id.in_subquery(
                Query::select()
                    .column(policy_company::Column::PolicyId)
                    .from(policy_company::Entity)
                    .and_where(
                        Expr::col(policy_company::Column::CompanyId)
                            .in_subquery(company_ids(filters::values("company", companies)?)),
                    )
                    .to_owned(),
            ),
        );
    }
    if let Some(kinds) = &filter.kind {
        select = select
            .filter(policy::Column::Kind.is_in(filters::values("kind", kinds)?.iter().cloned()));
    }
    // A policy's span runs from its first stated year to its last; it overlaps the range
    // unless it ends before `fromYear` or starts after `toYear`.
    let first_year = Expr::col((policy::Entity, policy::Column::Year))
        .if_null(Expr::col((policy::Entity, policy::Column::StartYear)));
    let last_year = Expr::col((policy::Entity, policy::Column::TargetYear))
        .if_null(Expr::col((policy::Entity, policy::Column::EndYear)))
        .if_null(Expr::col((policy::Entity, policy::Column::Year)))
        .if_null(Expr::col((policy::Entity, policy::Column::StartYear)));
    if let Some(from) = filter.from_year {
        select = select.filter(last_year.gte(from));
    }
    if let Some(to) = filter.to_year {
        select = select.filter(first_year.clone().lte(to));
    }
    select = filters::with_text(select, policy::Column::SearchText, filter.text.as_deref())?;
    let order = order_by.unwrap_or_default();
    let (key, kind, key_of): (_, _, fn(&policy::Model) -> serde_json::Value) = match order.field {
        PolicyOrderField::Title => (
            Expr::col((policy::Entity, policy::Column::Title)),
            KeyKind::Text,
            |m| json!(m.title),
        ),
        PolicyOrderField::Slug => (
            Expr::col((policy::Entity, policy::Column::Slug)),
            KeyKind::Text,
            |m| json!(m.slug),
        ),
        PolicyOrderField::Year => (filters::nulls_last(first_year), KeyKind::Int, |m| {
            json!(m.year.or(m.start_year).unwrap_or(i32::MAX))
        }),
    };
    let ordering = Ordering::new(
        "policies",
        order.field,
        order.direction.into(),
        SortKey {
            expr: key,
            kind,
            value_of: key_of,
        },
        Expr::col((policy::Entity, policy::Column::Id)),
        |m| m.id,
    );
    let page = paging::load_page(database(ctx)?, select, &ordering, page).await?;
    Ok(page.map(Policy).into())
}

fn project_ids(slugs: &[String]) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(project::Column::Id)
        .from(project::Entity)
        .and_where(Expr::col(project::Column::Slug).is_in(slugs.iter().cloned()))
        .to_owned()
}

fn company_ids(slugs: &[String]) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(company::Column::Id)
        .from(company::Entity)
        .and_where(Expr::col(company::Column::Slug).is_in(slugs.iter().cloned()))
        .to_owned()
}
