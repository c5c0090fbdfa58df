//! The lists of observations: all of them, or those of one subject, indicator or source.

use super::filters;
use super::keys;
use super::lists::listing;
use super::paging::KeyKind;
use crate::entities::{city, company, country, observation, project, subject};
use sea_orm::sea_query::{
    Expr, ExprTrait, IntoColumnRef, IntoTableRef, Query, SelectStatement, SimpleExpr, UnionType,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Which observations a list starts from, before the client's filter.
#[derive(Debug, Default, Clone, Copy)]
pub enum Scope {
    #[default]
    All,
    Subject(i32),
    Indicator(i32),
    Source(i32),
}

listing! {
    /// Narrows the observations. Every condition given must hold.
    pub struct ObservationQuery {
        pub scope: Scope,
        /// Indicator codes.
        pub indicator: Option<Vec<String>>,
        /// Topics of the indicators.
        pub topic: Option<Vec<String>>,
        /// Subject keys, of any kind.
        pub subject: Option<Vec<String>>,
        pub subject_kind: Option<Vec<subject::SubjectKind>>,
        /// Country codes: the countries and the cities, companies and projects in them.
        pub country: Option<Vec<String>>,
        /// City slugs: the cities, their projects and the companies headquartered there.
        pub city: Option<Vec<String>>,
        pub status: Option<Vec<observation::Status>>,
        pub from_year: Option<i32>,
        pub to_year: Option<i32>,
        pub period: Option<Vec<String>>,
        pub category: Option<Vec<String>>,
        /// Source slugs.
        pub source: Option<Vec<String>>,
    }
    lists observation as "observations", sorted by enum ObservationSort {
        Year => computed(column(C::Year), KeyKind::Int, |m| json!(m.year)),
        /// Values in different units do not compare; the client filters by indicator first.
        Value => computed(column(C::Value), KeyKind::Float, |m| json!(m.value)),
        /// As text: `2024` sorts before `2024-Q3`.
        Period => computed(column(C::Period), KeyKind::Text, |m| json!(m.period)),
    }
    fn select(&self) {
        filters::year_range(self.from_year, self.to_year)?;
        let mut select = observation::Entity::find();
        select = match self.scope {
            Scope::All => select,
            Scope::Subject(id) => select.filter(C::SubjectId.eq(id)),
            Scope::Indicator(id) => select.filter(C::IndicatorId.eq(id)),
            Scope::Source(id) => select.filter(C::SourceId.eq(id)),
        };
        select = filters::keyed(
            select,
            "indicator",
            C::IndicatorId,
            &self.indicator,
            keys::indicator_ids,
        )?;
        select = filters::keyed(
            select,
            "topic",
            C::IndicatorId,
            &self.topic,
            keys::indicator_ids_on_topics,
        )?;
        select = filters::keyed(
            select,
            "subject",
            C::SubjectId,
            &self.subject,
            keys::subject_ids,
        )?;
        if let Some(kinds) = &self.subject_kind {
            select = select.filter(C::SubjectId.in_subquery(keys::subject_ids_of_kinds(kinds)));
        }
        select = filters::keyed(
            select,
            "country",
            C::SubjectId,
            &self.country,
            subjects_in_countries,
        )?;
        select = filters::keyed(select, "city", C::SubjectId, &self.city, subjects_in_cities)?;
        if let Some(statuses) = &self.status {
            select = select.filter(C::Status.is_in(statuses.iter().copied()));
        }
        select = select.filter(filters::within_years(
            column(C::Year),
            self.from_year,
            self.to_year,
        ));
        select = filters::one_of(select, "period", C::Period, &self.period)?;
        select = filters::one_of(select, "category", C::Category, &self.category)?;
        filters::keyed(
            select,
            "source",
            C::SourceId,
            &self.source,
            keys::source_ids,
        )?
    }
}

/// An observation's column, as the sort keys and the year range compare it.
fn column(column: observation::Column) -> SimpleExpr {
    Expr::col((observation::Entity, column))
}

/// The subjects located in some countries: the countries themselves and the cities,
/// companies and projects in them.
fn subjects_in_countries(codes: &[String]) -> SelectStatement {
    let in_countries = || keys::country_ids(codes);
    union_all([
        subjects_where(
            country::Entity,
            country::Column::SubjectId,
            Expr::col(country::Column::Code).is_in(codes.iter().cloned()),
        ),
        subjects_where(
            city::Entity,
            city::Column::SubjectId,
            Expr::col(city::Column::CountryId).in_subquery(in_countries()),
        ),
        subjects_where(
            company::Entity,
            company::Column::SubjectId,
            Expr::col(company::Column::CountryId).in_subquery(in_countries()),
        ),
        subjects_where(
            project::Entity,
            project::Column::SubjectId,
            Expr::col(project::Column::CountryId).in_subquery(in_countries()),
        ),
    ])
}

/// The subjects located in some cities: the cities themselves, their projects and the
/// companies headquartered there.
fn subjects_in_cities(slugs: &[String]) -> SelectStatement {
    let in_cities = || keys::city_ids(slugs);
    union_all([
        subjects_where(
            city::Entity,
            city::Column::SubjectId,
            Expr::col(city::Column::Slug).is_in(slugs.iter().cloned()),
        ),
        subjects_where(
            company::Entity,
            company::Column::SubjectId,
            Expr::col(company::Column::HqCityId).in_subquery(in_cities()),
        ),
        subjects_where(
            project::Entity,
            project::Column::SubjectId,
            Expr::col(project::Column::CityId).in_subquery(in_cities()),
        ),
    ])
}

fn union_all<const N: usize>(selects: [SelectStatement; N]) -> SelectStatement {
    let mut selects = selects.into_iter();
    let mut union = selects.next().unwrap_or_else(Query::select);
    for select in selects {
        union.union(UnionType::All, select);
    }
    union
}

/// `SELECT subject_id FROM <table> WHERE <condition>`.
fn subjects_where<T, C>(table: T, subject_column: C, condition: SimpleExpr) -> SelectStatement
where
    T: IntoTableRef,
    C: IntoColumnRef,
{
    Query::select()
        .column(subject_column)
        .from(table)
        .and_where(condition)
        .to_owned()
}
