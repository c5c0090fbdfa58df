//! One published figure: an indicator's value for a subject and period, with its source and
//! its place in the paper.

use sea_orm::entity::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Status {
    #[sea_orm(string_value = "reported")]
    Reported,
    #[sea_orm(string_value = "estimate")]
    Estimate,
    #[sea_orm(string_value = "forecast")]
    Forecast,
    #[sea_orm(string_value = "target")]
    Target,
}

/// How the paper bounds the figure: "about 2,4", "over 16", "at least 10 %".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Qualifier {
    #[sea_orm(string_value = "exact")]
    Exact,
    #[sea_orm(string_value = "approximately")]
    Approximately,
    #[sea_orm(string_value = "more_than")]
    MoreThan,
    #[sea_orm(string_value = "at_least")]
    AtLeast,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "observations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub subject_id: i32,
    pub period: String,
    pub year: i32,
    pub category: Option<String>,
    pub value: f64,
    /// The figure exactly as printed, e.g. "39,32" or "4 676".
    pub value_text: String,
    pub unit: String,
    pub scale: String,
    pub qualifier: Qualifier,
    pub status: Status,
    pub source_id: i32,
    pub cited_in: String,
    pub caveat: Option<String>,
    /// Folded text for the `text` filter: indicator, subject, category, place and caveat.
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::indicator::Entity",
        from = "Column::IndicatorId",
        to = "super::indicator::Column::Id"
    )]
    Indicator,
    #[sea_orm(
        belongs_to = "super::subject::Entity",
        from = "Column::SubjectId",
        to = "super::subject::Column::Id"
    )]
    Subject,
    #[sea_orm(
        belongs_to = "super::source::Entity",
        from = "Column::SourceId",
        to = "super::source::Column::Id"
    )]
    Source,
}

impl Related<super::indicator::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Indicator.def()
    }
}

impl Related<super::subject::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Subject.def()
    }
}

impl Related<super::source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Source.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
