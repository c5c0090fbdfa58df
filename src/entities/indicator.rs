//! An indicator: what is measured, in which unit and scale, with its comparability caveat.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub scale: String,
    pub measure: String,
    pub topic: String,
    pub caveat: Option<String>,
    /// Case-folded text that filters and search match against; see `text_search`.
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
