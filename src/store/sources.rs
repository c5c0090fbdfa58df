//! The list of sources.

use super::filters;
use super::list::{self, Listing};
use super::paging::{KeyKind, SortKey};
use crate::entities::source;
use crate::error::Error;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{EntityTrait, Select};
use serde_json::json;

/// Narrows the sources.
#[derive(Debug, Default)]
pub struct SourceQuery {
    pub kind: Option<Vec<String>>,
    pub publisher: Option<Vec<String>>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum SourceSort {
    #[default]
    Title,
    Slug,
    Publisher,
    /// Undated sources first when ascending.
    PublishedOn,
}

impl Listing for SourceQuery {
    type Entity = source::Entity;
    type Field = SourceSort;
    const NAME: &'static str = "sources";
    const ID: source::Column = source::Column::Id;

    fn id(row: &source::Model) -> i32 {
        row.id
    }

    fn sort_key(field: SourceSort) -> SortKey<source::Model> {
        use source::Column as C;
        match field {
            SourceSort::Title => list::text::<source::Entity>(C::Title, |m| json!(m.title)),
            SourceSort::Slug => list::text::<source::Entity>(C::Slug, |m| json!(m.slug)),
            SourceSort::Publisher => {
                list::text::<source::Entity>(C::Publisher, |m| json!(m.publisher))
            }
            SourceSort::PublishedOn => list::computed(
                Expr::col((source::Entity, C::PublishedOn)).if_null(""),
                KeyKind::Text,
                |m| json!(m.published_on.as_deref().unwrap_or_default()),
            ),
        }
    }

    fn select(&self) -> Result<Select<source::Entity>, Error> {
        use source::Column as C;
        let select = filters::one_of(source::Entity::find(), "kind", C::Kind, &self.kind)?;
        let select = filters::one_of(select, "publisher", C::Publisher, &self.publisher)?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}
