//! The longest list behind each relation the API can walk, read from the data: the cost
//! model prices a nested list by the most items it can hold, not by what a query asks for.

use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, release, source, strategic_dimension,
    strategic_position,
};
use sea_orm::sea_query::{
    Alias, Asterisk, Expr, ExprTrait, IntoColumnRef, IntoTableRef, Query, SelectStatement,
};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

/// A one-to-many relation: the rows of a child table grouped by the parent they point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    CountriesOfRegion,
    CitiesOfCountry,
    CompaniesOfCountry,
    CompaniesInCity,
    SubsidiariesOfCompany,
    ProjectsOfCountry,
    ProjectsInCity,
    PoliciesOfCountry,
    PoliciesOfCity,
    CitiesOfPolicy,
    SanctionsOfCompany,
    CompaniesOfProject,
    ProjectsOfCompany,
    CompaniesOfPolicy,
    PoliciesOfCompany,
    PositionsOfCountry,
    PositionsOfDimension,
    /// Every strategic dimension: the rows of Table 1.
    Dimensions,
    /// A subject's observations (its rankings are some of them).
    ObservationsOfSubject,
    /// The subjects an indicator has figures for: one series each.
    SubjectsOfIndicator,
    /// The periods an indicator has figures for: the points of its aligned series.
    PeriodsOfIndicator,
    /// One subject's observations of one indicator: a series' published years.
    ObservationsOfSeries,
    /// The states one observation has had.
    RevisionsOfObservation,
    /// The states one source has had.
    RevisionsOfSource,
    /// The states one indicator has had.
    RevisionsOfIndicator,
    /// The states one policy has had.
    RevisionsOfPolicy,
    /// The states one sanction has had.
    RevisionsOfSanction,
    /// The states one region has had.
    RevisionsOfRegion,
    /// The states one country has had.
    RevisionsOfCountry,
    /// The states one city has had.
    RevisionsOfCity,
    /// The states one company has had.
    RevisionsOfCompany,
    /// The states one project has had.
    RevisionsOfProject,
    /// The states one row of Table 1 has had.
    RevisionsOfDimension,
    /// The states a company's part in a project has had.
    RevisionsOfParticipation,
    /// The states a policy's concern with a company has had.
    RevisionsOfInvolvement,
    /// The states a policy's concern with a city has had.
    RevisionsOfPolicyCity,
    /// Every release of the dataset.
    Releases,
}

impl Relation {
    pub const ALL: [Relation; 37] = [
        Relation::CountriesOfRegion,
        Relation::CitiesOfCountry,
        Relation::CompaniesOfCountry,
        Relation::CompaniesInCity,
        Relation::SubsidiariesOfCompany,
        Relation::ProjectsOfCountry,
        Relation::ProjectsInCity,
        Relation::PoliciesOfCountry,
        Relation::PoliciesOfCity,
        Relation::CitiesOfPolicy,
        Relation::SanctionsOfCompany,
        Relation::CompaniesOfProject,
        Relation::ProjectsOfCompany,
        Relation::CompaniesOfPolicy,
        Relation::PoliciesOfCompany,
        Relation::PositionsOfCountry,
        Relation::PositionsOfDimension,
        Relation::Dimensions,
        Relation::ObservationsOfSubject,
        Relation::SubjectsOfIndicator,
        Relation::PeriodsOfIndicator,
        Relation::ObservationsOfSeries,
        Relation::RevisionsOfObservation,
        Relation::RevisionsOfSource,
        Relation::RevisionsOfIndicator,
        Relation::RevisionsOfPolicy,
        Relation::RevisionsOfSanction,
        Relation::RevisionsOfRegion,
        Relation::RevisionsOfCountry,
        Relation::RevisionsOfCity,
        Relation::RevisionsOfCompany,
        Relation::RevisionsOfProject,
        Relation::RevisionsOfDimension,
        Relation::RevisionsOfParticipation,
        Relation::RevisionsOfInvolvement,
        Relation::RevisionsOfPolicyCity,
        Relation::Releases,
    ];
}

/// The number of rows in the largest group of `relation`; 0 when the table is empty.
pub async fn longest(db: &impl ConnectionTrait, relation: Relation) -> Result<u64, DbErr> {
    let row = db.query_one(&largest_group_of(relation)).await?;
    let longest = match row {
        Some(row) => row.try_get_by_index::<Option<i64>>(0)?,
        None => None,
    };
    Ok(longest.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// The statement that finds the largest group of `relation`.
fn largest_group_of(relation: Relation) -> SelectStatement {
    use Relation::*;
    use {observation::Column as Observation, project_company::Column as ProjectCompany};
    use {policy_company::Column as PolicyCompany, strategic_position::Column as Position};
    match relation {
        CountriesOfRegion => rows_per(country::Entity, [country::Column::RegionId]),
        CitiesOfCountry => rows_per(city::Entity, [city::Column::CountryId]),
        CompaniesOfCountry => rows_per(company::Entity, [company::Column::CountryId]),
        CompaniesInCity => rows_per(company::Entity, [company::Column::HqCityId]),
        SubsidiariesOfCompany => rows_per(company::Entity, [company::Column::ParentCompanyId]),
        ProjectsOfCountry => rows_per(project::Entity, [project::Column::CountryId]),
        ProjectsInCity => rows_per(project::Entity, [project::Column::CityId]),
        PoliciesOfCountry => rows_per(policy::Entity, [policy::Column::CountryId]),
        PoliciesOfCity => rows_per(policy_city::Entity, [policy_city::Column::CityId]),
        CitiesOfPolicy => rows_per(policy_city::Entity, [policy_city::Column::PolicyId]),
        SanctionsOfCompany => rows_per(
            company_sanction::Entity,
            [company_sanction::Column::CompanyId],
        ),
        CompaniesOfProject => rows_per(project_company::Entity, [ProjectCompany::ProjectId]),
        ProjectsOfCompany => rows_per(project_company::Entity, [ProjectCompany::CompanyId]),
        CompaniesOfPolicy => rows_per(policy_company::Entity, [PolicyCompany::PolicyId]),
        PoliciesOfCompany => rows_per(policy_company::Entity, [PolicyCompany::CompanyId]),
        PositionsOfCountry => rows_per(strategic_position::Entity, [Position::CountryId]),
        PositionsOfDimension => rows_per(strategic_position::Entity, [Position::DimensionId]),
        Dimensions => rows_per::<_, strategic_dimension::Column>(strategic_dimension::Entity, []),
        ObservationsOfSubject => rows_per(observation::Entity, [Observation::SubjectId]),
        SubjectsOfIndicator => largest(
            observation::Entity,
            Expr::col(Observation::SubjectId).count_distinct(),
            [Observation::IndicatorId],
        ),
        PeriodsOfIndicator => largest(
            observation::Entity,
            Expr::col(Observation::Period).count_distinct(),
            [Observation::IndicatorId],
        ),
        ObservationsOfSeries => rows_per(
            observation::Entity,
            [Observation::IndicatorId, Observation::SubjectId],
        ),
        RevisionsOfObservation => revisions_per_row(observation::Entity),
        RevisionsOfSource => revisions_per_row(source::Entity),
        RevisionsOfIndicator => revisions_per_row(indicator::Entity),
        RevisionsOfPolicy => revisions_per_row(policy::Entity),
        RevisionsOfSanction => revisions_per_row(company_sanction::Entity),
        RevisionsOfRegion => revisions_per_row(region::Entity),
        RevisionsOfCountry => revisions_per_row(country::Entity),
        RevisionsOfCity => revisions_per_row(city::Entity),
        RevisionsOfCompany => revisions_per_row(company::Entity),
        RevisionsOfProject => revisions_per_row(project::Entity),
        RevisionsOfDimension => revisions_per_row(strategic_dimension::Entity),
        RevisionsOfParticipation => {
            revisions_per_link(project_company::Entity, ["project_id", "company_id"])
        }
        RevisionsOfInvolvement => {
            revisions_per_link(policy_company::Entity, ["policy_id", "company_id"])
        }
        RevisionsOfPolicyCity => revisions_per_link(policy_city::Entity, ["policy_id", "city_id"]),
        Releases => rows_per::<_, release::Column>(release::Entity, []),
    }
}

/// `SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM table GROUP BY columns)`: one statement,
/// whatever the number of groups. Rows whose parent is NULL (a company without a parent)
/// form a group of their own, which only ever overstates the bound.
fn rows_per<E, C>(entity: E, group_by: impl IntoIterator<Item = C>) -> SelectStatement
where
    E: EntityTrait,
    C: IntoColumnRef,
{
    largest(entity, Expr::col(Asterisk).count(), group_by)
}

/// The most states any one row of `entity` has had.
fn revisions_per_row<E: EntityTrait>(entity: E) -> SelectStatement {
    largest(
        Alias::new(migration::revisions_table(entity.table_name())),
        Expr::col(Asterisk).count(),
        [Alias::new("id")],
    )
}

/// The most states any one link of `entity` (keyed by its two ends) has had.
fn revisions_per_link<E: EntityTrait>(entity: E, ends: [&'static str; 2]) -> SelectStatement {
    largest(
        Alias::new(migration::revisions_table(entity.table_name())),
        Expr::col(Asterisk).count(),
        ends.map(Alias::new),
    )
}

/// The largest value of `per_group` over the groups of `group_by`.
fn largest<T, C>(
    table: T,
    per_group: Expr,
    group_by: impl IntoIterator<Item = C>,
) -> SelectStatement
where
    T: IntoTableRef,
    C: IntoColumnRef,
{
    let count = Alias::new("n");
    let groups = Query::select()
        .expr_as(per_group, count.clone())
        .from(table)
        .group_by_columns(group_by)
        .to_owned();
    Query::select()
        .expr(Expr::col(count).max())
        .from_subquery(groups, Alias::new("groups"))
        .to_owned()
}
