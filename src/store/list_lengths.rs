//! The longest list behind each relation the API can walk, read from the data: the cost
//! model prices a nested list by the most items it can hold, not by what a query asks for.

use crate::entities::{
    city, company, company_sanction, country, observation, policy, policy_city, policy_company,
    project, project_company, strategic_dimension, strategic_position,
};
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, IntoColumnRef, Query};
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
}

impl Relation {
    pub const ALL: [Relation; 22] = [
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
    ];
}

/// The number of rows in the largest group of `relation`; 0 when the table is empty.
pub async fn longest(db: &impl ConnectionTrait, relation: Relation) -> Result<u64, DbErr> {
    use Relation::*;
    match relation {
        CountriesOfRegion => largest_group(db, country::Entity, [country::Column::RegionId]).await,
        CitiesOfCountry => largest_group(db, city::Entity, [city::Column::CountryId]).await,
        CompaniesOfCountry => {
            largest_group(db, company::Entity, [company::Column::CountryId]).await
        }
        CompaniesInCity => largest_group(db, company::Entity, [company::Column::HqCityId]).await,
        SubsidiariesOfCompany => {
            largest_group(db, company::Entity, [company::Column::ParentCompanyId]).await
        }
        ProjectsOfCountry => largest_group(db, project::Entity, [project::Column::CountryId]).await,
        ProjectsInCity => largest_group(db, project::Entity, [project::Column::CityId]).await,
        PoliciesOfCountry => largest_group(db, policy::Entity, [policy::Column::CountryId]).await,
        PoliciesOfCity => {
            largest_group(db, policy_city::Entity, [policy_city::Column::CityId]).await
        }
        CitiesOfPolicy => {
            largest_group(db, policy_city::Entity, [policy_city::Column::PolicyId]).await
        }
        SanctionsOfCompany => {
            largest_group(
                db,
                company_sanction::Entity,
                [company_sanction::Column::CompanyId],
            )
            .await
        }
        CompaniesOfProject => {
            largest_group(
                db,
                project_company::Entity,
                [project_company::Column::ProjectId],
            )
            .await
        }
        ProjectsOfCompany => {
            largest_group(
                db,
                project_company::Entity,
                [project_company::Column::CompanyId],
            )
            .await
        }
        CompaniesOfPolicy => {
            largest_group(
                db,
                policy_company::Entity,
                [policy_company::Column::PolicyId],
            )
            .await
        }
        PoliciesOfCompany => {
            largest_group(
                db,
                policy_company::Entity,
                [policy_company::Column::CompanyId],
            )
            .await
        }
        PositionsOfCountry => {
            largest_group(
                db,
                strategic_position::Entity,
                [strategic_position::Column::CountryId],
            )
            .await
        }
        PositionsOfDimension => {
            largest_group(
                db,
                strategic_position::Entity,
                [strategic_position::Column::DimensionId],
            )
            .await
        }
        Dimensions => {
            let no_columns: [strategic_dimension::Column; 0] = [];
            largest_group(db, strategic_dimension::Entity, no_columns).await
        }
        ObservationsOfSubject => {
            largest_group(db, observation::Entity, [observation::Column::SubjectId]).await
        }
        SubjectsOfIndicator => {
            largest_distinct_group(
                db,
                observation::Entity,
                observation::Column::SubjectId,
                observation::Column::IndicatorId,
            )
            .await
        }
        PeriodsOfIndicator => {
            largest_distinct_group(
                db,
                observation::Entity,
                observation::Column::Period,
                observation::Column::IndicatorId,
            )
            .await
        }
        ObservationsOfSeries => {
            largest_group(
                db,
                observation::Entity,
                [
                    observation::Column::IndicatorId,
                    observation::Column::SubjectId,
                ],
            )
            .await
        }
    }
}

/// `SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM table GROUP BY columns)`: one statement,
/// whatever the number of groups. Rows whose parent is NULL (a company without a parent)
/// form a group of their own, which only ever overstates the bound.
async fn largest_group<E, C>(
    db: &impl ConnectionTrait,
    entity: E,
    group_by: impl IntoIterator<Item = C>,
) -> Result<u64, DbErr>
where
    E: EntityTrait,
    C: IntoColumnRef,
{
    largest(db, entity, Expr::col(Asterisk).count(), group_by).await
}

/// The most distinct values of `counted` under one value of `group_by`.
async fn largest_distinct_group<E, C>(
    db: &impl ConnectionTrait,
    entity: E,
    counted: C,
    group_by: C,
) -> Result<u64, DbErr>
where
    E: EntityTrait,
    C: IntoColumnRef,
{
    largest(db, entity, Expr::col(counted).count_distinct(), [group_by]).await
}

async fn largest<E, C>(
    db: &impl ConnectionTrait,
    entity: E,
    per_group: Expr,
    group_by: impl IntoIterator<Item = C>,
) -> Result<u64, DbErr>
where
    E: EntityTrait,
    C: IntoColumnRef,
{
    let count = Alias::new("n");
    let groups = Query::select()
        .expr_as(per_group, count.clone())
        .from(entity)
        .group_by_columns(group_by)
        .to_owned();
    let largest = Query::select()
        .expr(Expr::col(count).max())
        .from_subquery(groups, Alias::new("groups"))
        .to_owned();
    let row = db.query_one(&largest).await?;
    let longest = match row {
        Some(row) => row.try_get_by_index::<Option<i64>>(0)?,
        None => None,
    };
    Ok(longest.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}
