//! Companies, their sanctions, smart-city projects and policies, and the links between them.

use super::ids::{self, NodeType};
use super::loaders::{
    CityById, CompanyById, CountryById, PolicyById, ProjectById, SanctionsOfCompany, SourceById,
};
use super::objects::curated_object;
use super::paging::connection;
use super::places::{City, Country};
use super::sources::Source;
use super::{children, optional, referenced};
use crate::entities::{
    company, company_sanction, policy, policy_city, policy_company, project, project_company,
};
use async_graphql::{Context, ID, Result};

#[derive(Clone)]
pub struct Company(pub company::Model);

curated_object! {
    /// A company: a technology group, a platform or a subsidiary, with its headquarters.
    Company;
    history RevisionsOfCompany(id);
    {
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
            Ok(Country(
                referenced(ctx, CountryById(self.0.country_id), "company's country").await?,
            ))
        }

        /// The city of the company's headquarters, where the paper places it.
        async fn headquarters(&self, ctx: &Context<'_>) -> Result<Option<City>> {
            Ok(optional(ctx, self.0.hq_city_id.map(CityById))
                .await?
                .map(City))
        }

        /// The parent company, for a subsidiary such as Alibaba Cloud.
        async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Company>> {
            Ok(optional(ctx, self.0.parent_company_id.map(CompanyById))
                .await?
                .map(Company))
        }
    }
    /// The company's subsidiaries in the paper, by name.
    list subsidiaries -> Company by SubsidiariesOf(id);
    /// The projects the company takes part in, with its role in each.
    list projects -> ProjectParticipation by ProjectsOfCompany(id);
    /// The policies that concern the company, and how.
    list policies -> PolicyInvolvement by PoliciesOfCompany(id);
    {
        /// Sanctions and entity listings of the company, as dated facts.
        async fn sanctions(&self, ctx: &Context<'_>) -> Result<Vec<Sanction>> {
            Ok(children(ctx, SanctionsOfCompany(self.0.id, None), Sanction).await?)
        }
    }
    /// Observations about the company, such as its share of 5G patents.
    observations of Subject(subject_id);
}

#[derive(Clone)]
pub struct Sanction(pub company_sanction::Model);

curated_object! {
    /// A sanction or entity listing of a company, as a dated fact.
    Sanction;
    history RevisionsOfSanction(id);
    {
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
            Ok(Company(
                referenced(ctx, CompanyById(self.0.company_id), "sanctioned company").await?,
            ))
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
            Ok(Source(
                referenced(ctx, SourceById(self.0.source_id), "sanction's source").await?,
            ))
        }

        /// Where in the paper it is stated.
        async fn cited_in(&self) -> &str {
            &self.0.cited_in
        }
    }
}

#[derive(Clone)]
pub struct Project(pub project::Model);

curated_object! {
    /// A smart-city project or programme, such as Hangzhou's City Brain.
    Project;
    history RevisionsOfProject(id);
    {
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
            Ok(optional(ctx, self.0.city_id.map(CityById)).await?.map(City))
        }

        /// The country the project belongs to.
        async fn country(&self, ctx: &Context<'_>) -> Result<Country> {
            Ok(Country(
                referenced(ctx, CountryById(self.0.country_id), "project's country").await?,
            ))
        }
    }
    /// The companies that operate or support the project, with their roles.
    list companies -> ProjectParticipation by ParticipantsOfProject(id);
    {
        /// The publication the paper cites for the project.
        async fn source(&self, ctx: &Context<'_>) -> Result<Source> {
            Ok(Source(
                referenced(ctx, SourceById(self.0.source_id), "project's source").await?,
            ))
        }
    }
    /// Observations about the project, such as its outcomes.
    observations of Subject(subject_id);
}

#[derive(Clone)]
pub struct ProjectParticipation(pub project_company::Model);

curated_object! {
    /// A company's part in a project.
    ProjectParticipation;
    link history RevisionsOfParticipation(project_id, company_id);
    {
        /// The project.
        async fn project(&self, ctx: &Context<'_>) -> Result<Project> {
            Ok(Project(
                referenced(
                    ctx,
                    ProjectById(self.0.project_id),
                    "participation's project",
                )
                .await?,
            ))
        }

        /// The company.
        async fn company(&self, ctx: &Context<'_>) -> Result<Company> {
            Ok(Company(
                referenced(
                    ctx,
                    CompanyById(self.0.company_id),
                    "participation's company",
                )
                .await?,
            ))
        }

        /// The company's role, e.g. "technology provider".
        async fn role(&self) -> &str {
            &self.0.role
        }
    }
}

#[derive(Clone)]
pub struct Policy(pub policy::Model);

curated_object! {
    /// A policy, plan, law or initiative. Its years are attributes, not observations.
    Policy;
    history RevisionsOfPolicy(id);
    {
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
            Ok(Country(
                referenced(ctx, CountryById(self.0.country_id), "policy's country").await?,
            ))
        }
    }
    /// The cities the policy concerns, by name.
    list cities -> City by CitiesOfPolicy(id);
    /// The companies the policy concerns, and how.
    list companies -> PolicyInvolvement by CompaniesOfPolicy(id);
    {
        /// The publication the paper cites for the policy.
        async fn source(&self, ctx: &Context<'_>) -> Result<Source> {
            Ok(Source(
                referenced(ctx, SourceById(self.0.source_id), "policy's source").await?,
            ))
        }
    }
}

#[derive(Clone)]
pub struct PolicyInvolvement(pub policy_company::Model);

curated_object! {
    /// How a policy concerns a company: as a partner, a target, and so on.
    PolicyInvolvement;
    link history RevisionsOfInvolvement(policy_id, company_id);
    {
        /// The policy.
        async fn policy(&self, ctx: &Context<'_>) -> Result<Policy> {
            Ok(Policy(
                referenced(ctx, PolicyById(self.0.policy_id), "involvement's policy").await?,
            ))
        }

        /// The company.
        async fn company(&self, ctx: &Context<'_>) -> Result<Company> {
            Ok(Company(
                referenced(ctx, CompanyById(self.0.company_id), "involvement's company").await?,
            ))
        }

        /// How the policy concerns the company, e.g. `partner` or `target`.
        async fn relation(&self) -> &str {
            &self.0.relation
        }
    }
}

/// A policy's concern with a city.
#[derive(Clone)]
pub struct PolicyCityLink(pub policy_city::Model);

curated_object! {
    /// That a policy concerns a city, as a row of its own: what `createPolicyCityLink` makes.
    PolicyCityLink;
    link history RevisionsOfPolicyCity(policy_id, city_id);
    {
        /// The policy.
        async fn policy(&self, ctx: &Context<'_>) -> Result<Policy> {
            Ok(Policy(
                referenced(ctx, PolicyById(self.0.policy_id), "link's policy").await?,
            ))
        }

        /// The city.
        async fn city(&self, ctx: &Context<'_>) -> Result<City> {
            Ok(City(
                referenced(ctx, CityById(self.0.city_id), "link's city").await?,
            ))
        }
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
