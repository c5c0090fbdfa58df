//! Argument checks and SQL conditions shared by the lists' filters.

use crate::error::Error;
use crate::text_search::{self, RankPatterns};
use sea_orm::sea_query::{Condition, Expr, ExprTrait, LikeExpr, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

/// Longest text a filter or search accepts; longer input is refused, not truncated.
pub const MAX_TEXT_CHARS: usize = 200;
/// Most values a list-valued filter accepts.
pub const MAX_FILTER_VALUES: usize = 100;

/// Narrows a list to rows whose folded `search_text` contains the user's text
/// (`LIKE %needle%`); absent or blank text leaves the list as it is.
pub fn with_text<E: EntityTrait>(
    select: Select<E>,
    search_text: E::Column,
    text: Option<&str>,
) -> Result<Select<E>, Error> {
    let Some(needle) = text.map(needle).transpose()?.flatten() else {
        return Ok(select);
    };
    let pattern = RankPatterns::new(&needle).anywhere;
    Ok(select
        .filter(Expr::col((E::default(), search_text)).like(LikeExpr::new(pattern).escape('\\'))))
}

/// The folded needle of a user's text, refusing text too long to be a search.
pub fn needle(text: &str) -> Result<Option<String>, Error> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::BadUserInput(format!(
            "search text is limited to {MAX_TEXT_CHARS} characters"
        )));
    }
    if text.contains('\0') {
        return Err(Error::BadUserInput(
            "search text must not contain NUL characters".to_owned(),
        ));
    }
    Ok(text_search::needle(text))
}

/// `column IN (values)` where the filter names values; the list as it is otherwise.
pub fn one_of<E: EntityTrait>(
    select: Select<E>,
    name: &str,
    column: E::Column,
    wanted: &Option<Vec<String>>,
) -> Result<Select<E>, Error> {
    Ok(match wanted {
        Some(wanted) => select.filter(column.is_in(values(name, wanted)?.iter().cloned())),
        None => select,
    })
}

/// `column IN (<ids of the values>)` where the filter names values by natural key, e.g.
/// companies by the ISO codes of their countries.
pub fn keyed<E: EntityTrait>(
    select: Select<E>,
    name: &str,
    column: E::Column,
    wanted: &Option<Vec<String>>,
    ids: impl FnOnce(&[String]) -> SelectStatement,
) -> Result<Select<E>, Error> {
    Ok(match wanted {
        Some(wanted) => select.filter(column.in_subquery(ids(values(name, wanted)?))),
        None => select,
    })
}

/// Checks a list-valued filter's size.
pub fn values<'a>(name: &str, values: &'a [String]) -> Result<&'a [String], Error> {
    if values.len() > MAX_FILTER_VALUES {
        return Err(Error::BadUserInput(format!(
            "`{name}` accepts at most {MAX_FILTER_VALUES} values, got {}",
            values.len()
        )));
    }
    Ok(values)
}

/// Checks that a year range is not inverted.
pub fn year_range(from: Option<i32>, to: Option<i32>) -> Result<(), Error> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => Err(Error::BadUserInput(format!(
            "`fromYear` ({from}) is after `toYear` ({to})"
        ))),
        _ => Ok(()),
    }
}

/// `column BETWEEN from AND to`, either end optional.
pub fn within_years(column: SimpleExpr, from: Option<i32>, to: Option<i32>) -> Condition {
    let mut condition = Condition::all();
    if let Some(from) = from {
        condition = condition.add(column.clone().gte(from));
    }
    if let Some(to) = to {
        condition = condition.add(column.lte(to));
    }
    condition
}

/// An integer sort key whose NULLs sort after every value when ascending, the same on
/// both backends (SQLite puts NULLs first, PostgreSQL last).
pub fn nulls_last(column: SimpleExpr) -> SimpleExpr {
    column.if_null(i32::MAX)
}
