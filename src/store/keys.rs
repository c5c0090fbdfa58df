//! The id subqueries that filters by natural key share: `SELECT id FROM <table> WHERE <key>
//! IN (...)`, and the same through a link table.

use crate::entities::{city, company, country, indicator, project, region, source, subject};
use sea_orm::EntityTrait;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, IntoTableRef, Query, SelectStatement};

/// `SELECT <wanted> FROM <table> WHERE <key> IN (values)`.
fn ids_where<T, C>(table: T, wanted: C, key: C, values: &[String]) -> SelectStatement
where
    T: IntoTableRef,
    C: IntoColumnRef,
{
    Query::select()
        .column(wanted)
        .from(table)
        .and_where(Expr::col(key).is_in(values.iter().cloned()))
        .to_owned()
}

pub fn country_ids(codes: &[String]) -> SelectStatement {
    ids_where(
        country::Entity,
        country::Column::Id,
        country::Column::Code,
        codes,
    )
}

pub fn region_ids(codes: &[String]) -> SelectStatement {
    ids_where(
        region::Entity,
        region::Column::Id,
        region::Column::Code,
        codes,
    )
}

pub fn city_ids(slugs: &[String]) -> SelectStatement {
    ids_where(city::Entity, city::Column::Id, city::Column::Slug, slugs)
}

pub fn company_ids(slugs: &[String]) -> SelectStatement {
    ids_where(
        company::Entity,
        company::Column::Id,
        company::Column::Slug,
        slugs,
    )
}

pub fn project_ids(slugs: &[String]) -> SelectStatement {
    ids_where(
        project::Entity,
        project::Column::Id,
        project::Column::Slug,
        slugs,
    )
}

pub fn source_ids(slugs: &[String]) -> SelectStatement {
    ids_where(
        source::Entity,
        source::Column::Id,
        source::Column::Slug,
        slugs,
    )
}

pub fn indicator_ids(codes: &[String]) -> SelectStatement {
    ids_where(
        indicator::Entity,
        indicator::Column::Id,
        indicator::Column::Code,
        codes,
    )
}

pub fn indicator_ids_on_topics(topics: &[String]) -> SelectStatement {
    ids_where(
        indicator::Entity,
        indicator::Column::Id,
        indicator::Column::Topic,
        topics,
    )
}

/// Subjects by key, of any kind: a key may name a country and a company alike.
pub fn subject_ids(keys: &[String]) -> SelectStatement {
    ids_where(
        subject::Entity,
        subject::Column::Id,
        subject::Column::Key,
        keys,
    )
}

pub fn subject_ids_of_kinds(kinds: &[subject::SubjectKind]) -> SelectStatement {
    Query::select()
        .column(subject::Column::Id)
        .from(subject::Entity)
        .and_where(Expr::col(subject::Column::Kind).is_in(kinds.iter().copied()))
        .to_owned()
}

/// `SELECT <wanted> FROM <link> WHERE <through> IN (ids)`: the rows a link table joins to
/// the ids of another subquery, e.g. the companies of some projects.
pub fn linked<L: EntityTrait>(
    wanted: L::Column,
    through: L::Column,
    ids: SelectStatement,
) -> SelectStatement {
    Query::select()
        .column(wanted)
        .from(L::default())
        .and_where(Expr::col(through).in_subquery(ids))
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::SqliteQueryBuilder;

    #[test]
    fn a_key_filter_is_one_id_subquery() {
        let sql = country_ids(&["CN".to_owned(), "US".to_owned()]).to_string(SqliteQueryBuilder);
        assert_eq!(
            sql,
            r#"SELECT "id" FROM "countries" WHERE "code" IN ('CN', 'US')"#
        );
    }
}
