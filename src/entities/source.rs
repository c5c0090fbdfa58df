//! A publication that a figure or fact is taken from, as the paper cites it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "sources")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub kind: String,
    pub publisher: String,
    pub authors: Option<String>,
    pub title: String,
    pub container: Option<String>,
    pub published_on: Option<String>,
    pub accessed_on: Option<String>,
    pub url: Option<String>,
    pub doi: Option<String>,
    pub paper_reference: String,
    pub note: Option<String>,
    /// Case-folded text that filters and search match against; see `text_search`.
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
