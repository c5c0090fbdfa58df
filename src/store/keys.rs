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

/// Declares `fn name(values) -> SELECT id FROM <table> WHERE <key> IN (values)`.
macro_rules! ids_by {
    ($($name:ident: $module:ident by $key:ident;)+) => {
        $(
            pub fn $name(values: &[String]) -> SelectStatement {
                ids_where($module::Entity, $module::Column::Id, $module::Column::$key, values)
            }
        )+
    };
}

ids_by! {
    country_ids: country by Code;
    region_ids: region by Code;
    city_ids: city by Slug;
    company_ids: company by Slug;
    project_ids: project by Slug;
    source_ids: source by Slug;
    indicator_ids: indicator by Code;
    indicator_ids_on_topics: indicator by Topic;
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
