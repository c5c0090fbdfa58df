//! Relay connections: the GraphQL face of the store's keyset pages.

use super::database;
use crate::error::Error;
use crate::store::list::{self, Listing, Order};
use crate::store::paging::{self, Page};
use async_graphql::{Context, Enum, SimpleObject};
use sea_orm::EntityTrait;

pub use crate::store::paging::{MAX_PAGE_SIZE, PageArgs, list_first};

/// The sort direction of a list.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
#[graphql(remote = "paging::OrderDirection")]
pub enum OrderDirection {
    /// Smallest first: A to Z, oldest year first.
    #[default]
    Asc,
    /// Largest first: Z to A, newest year first.
    Desc,
}

/// Information about the current page, for fetching the next or previous one.
#[derive(SimpleObject, Debug, Clone, Default)]
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

impl From<paging::PageInfo> for PageInfo {
    fn from(info: paging::PageInfo) -> Self {
        Self {
            has_next_page: info.has_next_page,
            has_previous_page: info.has_previous_page,
            start_cursor: info.start_cursor,
            end_cursor: info.end_cursor,
        }
    }
}

/// A list's filter input, and the store query it converts into.
pub trait FilterInput: Default + Into<Self::Query> {
    type Query: Listing;
}

type Row<Q> = <<Q as Listing>::Entity as EntityTrait>::Model;

/// One page of a list as its connection type: the client's filter and order become the
/// store's query, the rows become `node`s.
pub async fn list<F, O, T, C>(
    ctx: &Context<'_>,
    filter: Option<F>,
    order_by: Option<O>,
    page: PageArgs,
    node: fn(Row<F::Query>) -> T,
) -> Result<C, Error>
where
    F: FilterInput,
    O: Default + Into<Order<<F::Query as Listing>::Field>>,
    C: From<Page<T>>,
{
    let query: F::Query = filter.unwrap_or_default().into();
    page_of(ctx, &query, order_by, page, node).await
}

/// One page of a store query as its connection type.
///
/// Boxed: a page's future is kilobytes, and unboxed it would set the size of every field's
/// future on each type that offers a list, even `slug` (perf showed the copies, and a wide
/// query's memory is thousands of those futures at once).
pub async fn page_of<Q, O, T, C>(
    ctx: &Context<'_>,
    query: &Q,
    order_by: Option<O>,
    page: PageArgs,
    node: fn(Row<Q>) -> T,
) -> Result<C, Error>
where
    Q: Listing,
    O: Default + Into<Order<Q::Field>>,
    C: From<Page<T>>,
{
    let order = order_by.unwrap_or_default().into();
    let rows = Box::pin(list::page(database(ctx)?, query, order, &page)).await?;
    Ok(rows.map(node).into())
}

/// Declares a list's order input: a field and a direction. A macro rather than one generic
/// input, because async-graphql gives every concrete type of a generic input the same
/// description, and each of these says which list it orders.
macro_rules! order_input {
    ($order:ident, $field:ident, $plural:literal) => {
        #[doc = concat!("The order of a list of ", $plural, ".")]
        #[derive(async_graphql::InputObject, Default)]
        pub struct $order {
            /// The field to order by.
            pub field: $field,
            /// The direction to order in.
            #[graphql(default)]
            pub direction: $crate::graphql::paging::OrderDirection,
        }

        impl<F: From<$field>> From<$order> for $crate::store::list::Order<F> {
            fn from(order: $order) -> Self {
                Self {
                    field: order.field.into(),
                    direction: order.direction.into(),
                }
            }
        }
    };
}
pub(crate) use order_input;

/// Declares a Relay connection type and its edge type for a node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $plural:literal, $description:literal) => {
        pub struct $connection {
            edges: Vec<$edge>,
            page_info: $crate::graphql::paging::PageInfo,
            total_count: $crate::store::paging::TotalCount,
        }

        #[doc = concat!("An edge in a list of ", $plural, ": one item and its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// An opaque cursor for this item, to pass as `after` or `before`.
            pub cursor: String,
            /// The item at the end of the edge.
            pub node: $node,
        }

        #[doc = $description]
        #[async_graphql::Object]
        impl $connection {
            /// The items on this page, each with its cursor.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            /// The items on this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|edge| &edge.node).collect()
            }

            /// Where this page stands, for fetching the next or previous one.
            async fn page_info(&self) -> &$crate::graphql::paging::PageInfo {
                &self.page_info
            }

            /// How many items the whole list holds, with its filters, across all pages.
            async fn total_count(&self) -> async_graphql::Result<i32> {
                use $crate::error::GraphqlResultExt;
                self.total_count.get().await.into_graphql()
            }
        }

        impl From<$crate::store::paging::Page<$node>> for $connection {
            fn from(page: $crate::store::paging::Page<$node>) -> Self {
                Self {
                    edges: page
                        .edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    page_info: page.page_info.into(),
                    total_count: page.total_count,
                }
            }
        }
    };
}
pub(crate) use connection;
