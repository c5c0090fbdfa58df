//! The fields the curated types share, written once: a row's `revision`, `revisions`,
//! `createdAt` and `updatedAt`, a subject's or source's Relay list of `observations`, and a
//! parent's list of children cut to `first`.
//!
//! Why a macro: async-graphql's `#[Object]` reads each resolver's doc comment (the field's
//! description) and its arguments' `#[graphql(desc)]` attributes from the impl block it is
//! put on, so a shared field has to be written into every type's impl; a function or a
//! trait cannot give a type a field. `curated_object!` writes that impl: the shared fields
//! it is asked for and the type's own resolvers, each in the place the schema lists it.

use super::loaders::AtlasLoader;
use super::revisions::Revision;
use crate::error::Error;
use crate::store::curated::Curated;
use crate::store::history;
use async_graphql::Context;
use async_graphql::dataloader::Loader;
use sea_orm::EntityTrait;
use std::hash::Hash;

/// Every state of a row, through its revisions loader, as `revisions` lists them. The
/// states are read from the live data whatever the request reads: a revision is history.
pub(super) async fn revisions_of<K, M>(ctx: &Context<'_>, key: K) -> Result<Vec<Revision>, Error>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    M: Curated + Send + Sync + Clone + 'static,
    M::Entity: EntityTrait<Model = M>,
    AtlasLoader: Loader<K, Value = Vec<history::Revision<M>>, Error = Error>,
{
    let revisions = super::loaders(ctx)?
        .load_one(key)
        .await?
        .unwrap_or_default();
    Revision::all_of(super::writer(ctx)?, revisions).await
}

/// Declares a curated type's `#[Object]` impl from a list of items, in the schema's order:
///
/// - `history RevisionsOfX(id);` the four fields of a row's history in their usual order
///   (`revision`, `revisions`, `createdAt`, `updatedAt`); `link history ...` for a link
///   row, whose key is both ends;
/// - `revision;`, `revisions RevisionsOfX(id);`, `created_at;`, `updated_at;` the same
///   fields one by one, for the types that list them in another order;
/// - `/// doc` `list field -> Node by ChildrenOfX(id);` a list of children, all of them or
///   the `first` few;
/// - `/// doc` `observations of Subject(subject_id);` the Relay list of observations in a
///   scope of the store's `Scope`;
/// - `{ ... }` the type's own resolvers, as written in any `#[Object]` impl.
///
/// The key fields are columns of the wrapped row (`self.0`).
macro_rules! curated_object {
    ($(#[$attr:meta])* $ty:ident; $($items:tt)*) => {
        $crate::graphql::objects::curated_object!(@munch [$(#[$attr])*] $ty [] $($items)*);
    };

    // Every item is turned into resolvers and appended to the impl's body, in order.
    (@munch [$(#[$attr:meta])*] $ty:ident [$($body:tt)*]) => {
        $(#[$attr])*
        #[async_graphql::Object]
        impl $ty {
            $($body)*
        }
    };

    (@munch $attrs:tt $ty:ident $body:tt
        history $key:ident($($field:ident),+); $($items:tt)*
    ) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty $body
            revision; @revisions "row" $key($($field),+); created_at; updated_at; $($items)*);
    };
    (@munch $attrs:tt $ty:ident $body:tt
        link history $key:ident($($field:ident),+); $($items:tt)*
    ) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty $body
            revision; @revisions "link" $key($($field),+); created_at; updated_at; $($items)*);
    };
    (@munch $attrs:tt $ty:ident $body:tt
        revisions $key:ident($($field:ident),+); $($items:tt)*
    ) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty $body
            @revisions "row" $key($($field),+); $($items)*);
    };

    (@munch $attrs:tt $ty:ident [$($body:tt)*] revision; $($items:tt)*) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty [$($body)*
            /// How many states this row has had: 1 as first recorded, one more for each change.
            async fn revision(&self) -> i32 {
                self.0.revision
            }
        ] $($items)*);
    };
    (@munch $attrs:tt $ty:ident [$($body:tt)*]
        @revisions $what:literal $key:ident($($field:ident),+); $($items:tt)*
    ) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty [$($body)*
            #[doc = concat!(
                "Every state this ", $what,
                " has had, oldest first, each with who changed it, when and why."
            )]
            async fn revisions(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> async_graphql::Result<Vec<$crate::graphql::revisions::Revision>> {
                let key = $crate::graphql::loaders::$key($(self.0.$field),+);
                Ok($crate::graphql::objects::revisions_of(ctx, key).await?)
            }
        ] $($items)*);
    };
    (@munch $attrs:tt $ty:ident [$($body:tt)*] created_at; $($items:tt)*) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty [$($body)*
            /// When this row was first recorded here.
            async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.0.created_at
            }
        ] $($items)*);
    };
    (@munch $attrs:tt $ty:ident [$($body:tt)*] updated_at; $($items:tt)*) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty [$($body)*
            /// When this row last changed here.
            async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.0.updated_at
            }
        ] $($items)*);
    };

    (@munch $attrs:tt $ty:ident [$($body:tt)*]
        $(#[$doc:meta])+ list $field:ident -> $node:ident by $key:ident($parent:ident);
        $($items:tt)*
    ) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty [$($body)*
            $(#[$doc])+
            async fn $field(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(
                    desc = "At most this many, the first in the list's order; all of them without it."
                )]
                first: Option<i32>,
            ) -> async_graphql::Result<Vec<$node>> {
                let key = $crate::graphql::loaders::$key(
                    self.0.$parent,
                    $crate::graphql::paging::list_first(first)?,
                );
                Ok($crate::graphql::children(ctx, key, $node).await?)
            }
        ] $($items)*);
    };

    (@munch $attrs:tt $ty:ident [$($body:tt)*]
        $(#[$doc:meta])+ observations of $scope:ident($column:ident); $($items:tt)*
    ) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty [$($body)*
            $(#[$doc])+
            #[allow(
                clippy::too_many_arguments,
                reason = "a Relay list takes a filter, an order and four paging arguments"
            )]
            pub async fn observations(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = "Narrows the observations.")]
                filter: Option<$crate::graphql::inputs::ObservationFilter>,
                #[graphql(desc = "The order of the observations; by year, oldest first, by default.")]
                order_by: Option<$crate::graphql::inputs::ObservationOrder>,
                #[graphql(desc = "Returns the first n observations (1 to 100; 20 by default).")]
                first: Option<i32>,
                #[graphql(desc = "Returns the observations after this cursor.")]
                after: Option<String>,
                #[graphql(desc = "Returns the last n observations (1 to 100).")]
                last: Option<i32>,
                #[graphql(desc = "Returns the observations before this cursor.")]
                before: Option<String>,
            ) -> async_graphql::Result<$crate::graphql::observations::ObservationConnection> {
                let page = $crate::graphql::paging::PageArgs::new(first, after, last, before);
                let scope = $crate::store::observations::Scope::$scope(self.0.$column);
                Ok($crate::graphql::observations::list(ctx, scope, filter, order_by, page).await?)
            }
        ] $($items)*);
    };

    (@munch $attrs:tt $ty:ident [$($body:tt)*] { $($own:tt)* } $($items:tt)*) => {
        $crate::graphql::objects::curated_object!(@munch $attrs $ty [$($body)* $($own)*]
            $($items)*);
    };
}
pub(crate) use curated_object;
