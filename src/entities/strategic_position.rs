//! One country's cell in a row of Table 1.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "strategic_positions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub dimension_id: i32,
    pub country_id: i32,
    pub text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::strategic_dimension::Entity",
        from = "Column::DimensionId",
        to = "super::strategic_dimension::Column::Id"
    )]
    Dimension,
    #[sea_orm(
        belongs_to = "super::country::Entity",
        from = "Column::CountryId",
        to = "super::country::Column::Id"
    )]
    Country,
}

impl ActiveModelBehavior for ActiveModel {}
