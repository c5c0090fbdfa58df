//! A policy, plan, law or initiative. Its years are attributes, not observations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub country_id: i32,
    pub kind: String,
    pub issuer: Option<String>,
    pub year: Option<i32>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub target_year: Option<i32>,
    pub summary: String,
    pub source_id: i32,
    pub cited_in: String,
    /// Case-folded text that filters and search match against; see `text_search`.
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::country::Entity",
        from = "Column::CountryId",
        to = "super::country::Column::Id"
    )]
    Country,
    #[sea_orm(
        belongs_to = "super::source::Entity",
        from = "Column::SourceId",
        to = "super::source::Column::Id"
    )]
    Source,
}

impl ActiveModelBehavior for ActiveModel {}
