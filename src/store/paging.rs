//! Keyset paging: one page of a filtered list, with the cursors to page on.
//!
//! A cursor names the ordering it belongs to, the row's sort key and its id, so the next page
//! starts strictly after that row: `(key > k) OR (key = k AND id > i)`. No OFFSET, so pages
//! stay stable while rows are added, and deep pages cost as little as the first.

use crate::error::Error;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// `first` on a nested list: at most that many items, as on a connection; all without it.
pub fn list_first(first: Option<i32>) -> Result<Option<u32>, Error> {
    match first {
        None => Ok(None),
        Some(first @ 0..=MAX_PAGE_SIZE) => Ok(Some(first.unsigned_abs())),
        Some(first) => Err(Error::BadUserInput(format!(
            "`first` must be between 0 and {MAX_PAGE_SIZE}, not {first}"
        ))),
    }
}

/// The sort direction of a list.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum OrderDirection {
    /// Smallest first: A to Z, oldest year first.
    #[default]
    Asc,
    /// Largest first: Z to A, newest year first.
    Desc,
}

/// Relay's `first`/`after`/`last`/`before` arguments, as the client sent them.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }
}

/// Where a page stands, for fetching the next or previous one.
#[derive(Debug, Clone, Default)]
pub struct PageInfo {
    /// Whether more items follow this page when paginating forwards.
    pub has_next_page: bool,
    /// Whether more items precede this page when paginating backwards.
    pub has_previous_page: bool,
    /// The cursor of the first item on this page, to pass as `before`.
    pub start_cursor: Option<String>,
    /// The cursor of the last item on this page, to pass as `after`.
    pub end_cursor: Option<String>,
}

/// What a sort key is, so a cursor's key decodes to the right SQL value.
#[derive(Clone, Copy, Debug)]
pub enum KeyKind {
    Int,
    Float,
    Text,
}

/// The column a list is sorted by, and how to read it back from a row for the cursor.
pub struct SortKey<M> {
    pub expr: SimpleExpr,
    pub kind: KeyKind,
    pub value_of: fn(&M) -> serde_json::Value,
}

/// One ordering of one list: a sort expression, tie-broken by the primary key.
pub struct Ordering<M> {
    /// Written into cursors, so a cursor from another list or ordering is refused.
    pub tag: String,
    pub key: SimpleExpr,
    pub kind: KeyKind,
    pub id: SimpleExpr,
    pub direction: OrderDirection,
    pub key_of: fn(&M) -> serde_json::Value,
    pub id_of: fn(&M) -> i32,
}

impl<M> Ordering<M> {
    pub fn new(
        list: &str,
        field: impl std::fmt::Debug,
        direction: OrderDirection,
        sort_key: SortKey<M>,
        id: SimpleExpr,
        id_of: fn(&M) -> i32,
    ) -> Self {
        Self {
            tag: format!("{list}:{field:?}:{direction:?}").to_uppercase(),
            key: sort_key.expr,
            kind: sort_key.kind,
            id,
            direction,
            key_of: sort_key.value_of,
            id_of,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct CursorData {
    #[serde(rename = "o")]
    ordering: String,
    #[serde(rename = "k")]
    key: serde_json::Value,
    #[serde(rename = "i")]
    id: i32,
}

struct Cursor {
    key: Value,
    id: i32,
}

fn encode_cursor(ordering: &str, key: serde_json::Value, id: i32) -> String {
    let data = CursorData {
        ordering: ordering.to_owned(),
        key,
        id,
    };
    // Serializing a struct of a string, a JSON value and an integer cannot fail.
    let json = serde_json::to_vec(&data).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

fn decode_cursor<M>(argument: &str, cursor: &str, ordering: &Ordering<M>) -> Result<Cursor, Error> {
    let invalid = || {
        Error::BadUserInput(format!(
            "`{argument}` is not a cursor from this list; use `startCursor`, `endCursor` or an \
             edge's `cursor` as returned"
        ))
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .map_err(|_| invalid())?;
    let data: CursorData = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if data.ordering != ordering.tag {
        return Err(Error::BadUserInput(format!(
            "`{argument}` is a cursor for another list or ordering ({}); page with the same \
             list and `orderBy` that produced it",
            data.ordering
        )));
    }
    let key = match (ordering.kind, &data.key) {
        (KeyKind::Int, serde_json::Value::Number(n)) => n.as_i64().map(Value::from),
        (KeyKind::Float, serde_json::Value::Number(n)) => n.as_f64().map(Value::from),
        // PostgreSQL refuses NUL in text, and no stored key holds one.
        (KeyKind::Text, serde_json::Value::String(s)) if !s.contains('\0') => {
            Some(Value::from(s.clone()))
        }
        _ => None,
    }
    .ok_or_else(invalid)?;
    Ok(Cursor { key, id: data.id })
}

/// A validated page request.
struct Window {
    limit: u64,
    backward: bool,
}

impl PageArgs {
    fn window(&self) -> Result<Window, Error> {
        let check = |name: &str, value: i32| {
            if (0..=MAX_PAGE_SIZE).contains(&value) {
                Ok(value as u64)
            } else {
                Err(Error::BadUserInput(format!(
                    "`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {value}"
                )))
            }
        };
        match (self.first, self.last) {
            (Some(_), Some(_)) => Err(Error::BadUserInput(
                "pass either `first` or `last`, not both".to_owned(),
            )),
            (Some(first), None) => Ok(Window {
                limit: check("first", first)?,
                backward: false,
            }),
            (None, Some(last)) => Ok(Window {
                limit: check("last", last)?,
                backward: true,
            }),
            // `before` alone asks for the page that ends there.
            (None, None) => Ok(Window {
                limit: DEFAULT_PAGE_SIZE as u64,
                backward: self.before.is_some() && self.after.is_none(),
            }),
        }
    }
}

/// Rows strictly after (`forward`) or before the cursor in the ordering's direction.
/// Rows past the cursor, as one row-value comparison `(key, id) > (k, i)`: unlike the
/// equivalent `key > k OR (key = k AND id > i)`, PostgreSQL and SQLite can start an index
/// scan on (key, id) at the cursor, so a deep page costs what the first one does.
fn beyond<M>(ordering: &Ordering<M>, cursor: &Cursor, forward: bool) -> Condition {
    let ascending = (ordering.direction == OrderDirection::Asc) == forward;
    let row = Expr::tuple([ordering.key.clone(), ordering.id.clone()]);
    let at_cursor = Expr::tuple([Expr::val(cursor.key.clone()), Expr::val(cursor.id)]);
    Condition::all().add(if ascending {
        row.gt(at_cursor)
    } else {
        row.lt(at_cursor)
    })
}

type CountFuture = Pin<Box<dyn Future<Output = Result<u64, DbErr>> + Send>>;

/// The size of the whole filtered list, counted only if a client asks for `totalCount`.
pub struct TotalCount(Box<dyn Fn() -> CountFuture + Send + Sync>);

impl TotalCount {
    pub fn of<E, C>(db: &C, select: Select<E>) -> Self
    where
        E: EntityTrait,
        E::Model: Sync,
        C: ConnectionTrait + Clone + Send + Sync + 'static,
    {
        let db = db.clone();
        Self(Box::new(move || {
            let (db, select) = (db.clone(), select.clone());
            Box::pin(async move { select.count(&db).await })
        }))
    }

    pub async fn get(&self) -> Result<i32, Error> {
        let count = (self.0)().await?;
        Ok(i32::try_from(count).unwrap_or(i32::MAX))
    }
}

/// One page of rows with their cursors, before conversion to GraphQL types.
pub struct Page<T> {
    pub edges: Vec<(String, T)>,
    pub page_info: PageInfo,
    pub total_count: TotalCount,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            edges: self
                .edges
                .into_iter()
                .map(|(cursor, node)| (cursor, f(node)))
                .collect(),
            page_info: self.page_info,
            total_count: self.total_count,
        }
    }
}

/// Fetches one page of `select` in `ordering`; `select` carries the list's filters.
pub async fn load_page<E, C>(
    db: &C,
    select: Select<E>,
    ordering: &Ordering<E::Model>,
    args: &PageArgs,
) -> Result<Page<E::Model>, Error>
where
    E: EntityTrait,
    E::Model: Sync,
    C: ConnectionTrait + Clone + Send + Sync + 'static,
{
    let window = args.window()?;
    let after = args
        .after
        .as_deref()
        .map(|c| decode_cursor("after", c, ordering))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode_cursor("before", c, ordering))
        .transpose()?;
    let total_count = TotalCount::of(db, select.clone());

    let mut query = select;
    if let Some(cursor) = &after {
        query = query.filter(beyond(ordering, cursor, true));
    }
    if let Some(cursor) = &before {
        query = query.filter(beyond(ordering, cursor, false));
    }
    let walk_ascending = (ordering.direction == OrderDirection::Asc) != window.backward;
    let order = if walk_ascending {
        Order::Asc
    } else {
        Order::Desc
    };
    let mut rows = query
        .order_by(ordering.key.clone(), order.clone())
        .order_by(ordering.id.clone(), order)
        .limit(window.limit + 1)
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > window.limit;
    rows.truncate(window.limit as usize);
    if window.backward {
        rows.reverse();
    }
    let edges: Vec<(String, E::Model)> = rows
        .into_iter()
        .map(|row| {
            let cursor = encode_cursor(
                &ordering.tag,
                (ordering.key_of)(&row),
                (ordering.id_of)(&row),
            );
            (cursor, row)
        })
        .collect();
    let page_info = PageInfo {
        has_next_page: if window.backward {
            before.is_some()
        } else {
            has_more
        },
        has_previous_page: if window.backward {
            has_more
        } else {
            after.is_some()
        },
        start_cursor: edges.first().map(|(cursor, _)| cursor.clone()),
        end_cursor: edges.last().map(|(cursor, _)| cursor.clone()),
    };
    Ok(Page {
        edges,
        page_info,
        total_count,
    })
}

#[cfg(test)]
mod tests;
