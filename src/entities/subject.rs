//! The supertype of everything an observation can be about: a country, a region, a city, a
//! company or a project. Observations reference it, so one foreign key covers all five.

use sea_orm::entity::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum SubjectKind {
    #[sea_orm(string_value = "country")]
    Country,
    #[sea_orm(string_value = "region")]
    Region,
    #[sea_orm(string_value = "city")]
    City,
    #[sea_orm(string_value = "company")]
    Company,
    #[sea_orm(string_value = "project")]
    Project,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "subjects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: SubjectKind,
    pub key: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
