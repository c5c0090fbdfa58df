//! The one list pipeline: a list's query narrows its rows, its sort fields order them, and
//! [`page`] cuts one keyset page, for every listable entity alike.

use super::paging::{self, KeyKind, OrderDirection, Ordering, Page, PageArgs, SortKey};
use crate::entities::{
    audit_event, city, company, country, indicator, observation, policy, project, region, source,
};
use crate::error::Error;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, Select};

type Model<L> = <<L as Listing>::Entity as EntityTrait>::Model;

/// A list the API pages through: the entity it lists, the fields it sorts by, and how its
/// query narrows the rows. Declared once per entity; [`page`] does the rest.
pub trait Listing {
    type Entity: Identified<Model: Sync>;
    /// The fields the list can be ordered by; the default is the list's natural order.
    type Field: Copy + std::fmt::Debug + Default;
    /// The list's name, written into its cursors so a cursor of another list is refused.
    const NAME: &'static str;

    /// The sort key of one field: the SQL expression and how to read it back from a row.
    fn sort_key(field: Self::Field) -> SortKey<Model<Self>>;

    /// The rows the query admits, unordered. Refuses a malformed query (too many values,
    /// text too long, an inverted year range).
    fn select(&self) -> Result<Select<Self::Entity>, Error>;

    /// Only rows changed at or after this instant (`updatedSince`); every list offers it.
    fn updated_since(&self) -> Option<DateTime<Utc>> {
        None
    }
}

/// The order a client asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Order<F> {
    pub field: F,
    pub direction: OrderDirection,
}

/// One page of the list `query` admits, in `order`.
pub async fn page<L: Listing, C: ConnectionTrait + Clone + Send + Sync + 'static>(
    db: &C,
    query: &L,
    order: Order<L::Field>,
    page: &PageArgs,
) -> Result<Page<Model<L>>, Error> {
    let mut select = query.select()?;
    if let Some(since) = query.updated_since() {
        select = select.filter(Expr::col((L::Entity::default(), L::Entity::UPDATED_AT)).gte(since));
    }
    let ordering = Ordering::new(
        L::NAME,
        order.field,
        order.direction,
        L::sort_key(order.field),
        Expr::col((L::Entity::default(), L::Entity::ID)),
        L::Entity::id,
    );
    paging::load_page(db, select, &ordering, page).await
}

/// A table whose rows have an integer primary key `id`, which breaks ties between rows with
/// the same sort key.
pub trait Identified: EntityTrait {
    const ID: Self::Column;
    const UPDATED_AT: Self::Column;

    fn id(row: &Self::Model) -> i32;
}

macro_rules! identified {
    ($($module:ident),+) => {
        $(
            impl Identified for $module::Entity {
                const ID: $module::Column = $module::Column::Id;
                const UPDATED_AT: $module::Column = $module::Column::UpdatedAt;

                fn id(row: &$module::Model) -> i32 {
                    row.id
                }
            }
        )+
    };
}

identified!(
    city,
    company,
    country,
    indicator,
    observation,
    policy,
    project,
    region,
    source
);

/// An audit event never changes: its instant is when it was committed.
impl Identified for audit_event::Entity {
    const ID: audit_event::Column = audit_event::Column::Id;
    const UPDATED_AT: audit_event::Column = audit_event::Column::At;

    fn id(row: &audit_event::Model) -> i32 {
        row.id
    }
}

/// A text column as a sort key.
pub fn text<E: EntityTrait>(
    column: E::Column,
    value_of: fn(&E::Model) -> serde_json::Value,
) -> SortKey<E::Model> {
    SortKey {
        expr: Expr::col((E::default(), column)),
        kind: KeyKind::Text,
        value_of,
    }
}

/// A computed sort key, such as a year with NULLs last.
pub fn computed<M>(
    expr: SimpleExpr,
    kind: KeyKind,
    value_of: fn(&M) -> serde_json::Value,
) -> SortKey<M> {
    SortKey {
        expr,
        kind,
        value_of,
    }
}
