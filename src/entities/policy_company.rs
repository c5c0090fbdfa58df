//! The companies a policy concerns, and how.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policy_companies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub policy_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: i32,
    pub relation: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::policy::Entity",
        from = "Column::PolicyId",
        to = "super::policy::Column::Id"
    )]
    Policy,
    #[sea_orm(
        belongs_to = "super::company::Entity",
        from = "Column::CompanyId",
        to = "super::company::Column::Id"
    )]
    Company,
}

impl ActiveModelBehavior for ActiveModel {}
