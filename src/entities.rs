//! SeaORM entities: the storage model, one module per table, read together like the
//! migrations that create them. The public GraphQL types convert from these and
//! never expose them directly.

pub mod city {
    //! A city studied in the paper.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "cities")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub subject_id: i32,
        #[sea_orm(unique)]
        pub slug: String,
        pub name: String,
        pub country_id: i32,
        pub description: String,
        pub cited_in: String,
        /// Case-folded text that filters and search match against; see `text_search`.
        pub search_text: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::country::Entity",
            from = "Column::CountryId",
            to = "super::country::Column::Id"
        )]
        Country,
    }

    impl Related<super::country::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Country.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod company {
    //! A company, with its headquarters country and, where the paper places it, city.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "companies")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub subject_id: i32,
        #[sea_orm(unique)]
        pub slug: String,
        pub name: String,
        pub country_id: i32,
        pub hq_city_id: Option<i32>,
        pub parent_company_id: Option<i32>,
        pub sector: String,
        /// Listed as a leading enterprise of its country in Table 2.
        pub leading_enterprise: bool,
        pub description: String,
        pub cited_in: String,
        /// Case-folded text that filters and search match against; see `text_search`.
        pub search_text: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod company_sanction {
    //! A sanction or entity listing of a company, as a dated fact.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "company_sanctions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub slug: String,
        pub company_id: i32,
        pub authority: String,
        pub list_name: String,
        pub action: String,
        /// `None` where the paper gives no date.
        pub year: Option<i32>,
        pub description: String,
        pub source_id: i32,
        pub cited_in: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod country {
    //! A country, keyed by its ISO 3166-1 alpha-2 code.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "countries")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub subject_id: i32,
        #[sea_orm(unique)]
        pub code: String,
        #[sea_orm(unique)]
        pub iso3: String,
        pub name: String,
        pub region_id: Option<i32>,
        pub advantages: Option<String>,
        pub advantages_cited_in: Option<String>,
        /// Case-folded text that filters and search match against; see `text_search`.
        pub search_text: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod indicator {
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
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod observation {
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
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
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
}

pub mod policy {
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
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod policy_city {
    //! The cities a policy concerns.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "policy_cities")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub policy_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub city_id: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
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
            belongs_to = "super::city::Entity",
            from = "Column::CityId",
            to = "super::city::Column::Id"
        )]
        City,
    }

    impl ActiveModelBehavior for ActiveModel {}

    impl Related<super::policy::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Policy.def()
        }
    }

    impl Related<super::city::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::City.def()
        }
    }
}

pub mod policy_company {
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
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod project {
    //! A smart-city project or programme.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "projects")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub subject_id: i32,
        #[sea_orm(unique)]
        pub slug: String,
        pub name: String,
        pub kind: String,
        pub city_id: Option<i32>,
        pub country_id: i32,
        pub start_year: Option<i32>,
        pub description: String,
        pub source_id: i32,
        pub cited_in: String,
        /// Case-folded text that filters and search match against; see `text_search`.
        pub search_text: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod project_company {
    //! Which companies operate or support a project, and in what role.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "project_companies")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub project_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub company_id: i32,
        pub role: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod region {
    //! A region or aggregate, such as `WORLD`, a continent or a bloc.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "regions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub subject_id: i32,
        #[sea_orm(unique)]
        pub code: String,
        pub name: String,
        pub kind: String,
        pub description: Option<String>,
        /// Case-folded text that filters and search match against; see `text_search`.
        pub search_text: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod source {
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
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod strategic_dimension {
    //! A row of Table 1: one dimension of the strategic comparison and its key difference.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "strategic_dimensions")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub slug: String,
        #[sea_orm(unique)]
        pub ordinal: i32,
        pub dimension: String,
        pub key_difference: String,
        pub source_id: i32,
        pub cited_in: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod strategic_position {
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
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod subject {
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
        /// How many states the row has had: 1 when created, one more for every change.
        pub revision: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod api_token {
    //! An API token: who may write. Only the SHA-256 of the token is stored.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "api_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub name: String,
        /// `reader`, `editor` or `admin`.
        pub role: String,
        #[sea_orm(unique)]
        pub token_hash: String,
        /// The token's prefix and first characters, to tell tokens apart in a list.
        pub hint: String,
        pub created_at: DateTimeUtc,
        pub expires_at: Option<DateTimeUtc>,
        pub revoked_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod audit_event {
    //! One change to one curated row, in commit order: who, what, why, before and after.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "audit_events")]
    pub struct Model {
        /// The commit order of changes: writers take turns, so ids are never committed
        /// out of order.
        #[sea_orm(primary_key)]
        pub id: i32,
        pub at: DateTimeUtc,
        /// The token's name, `importer` or `migration`.
        pub actor: String,
        /// `created`, `updated`, `retracted`, or `baseline` for data older than the log.
        pub action: String,
        /// The GraphQL type of the row, e.g. `Observation`.
        pub entity_type: String,
        /// The row's global ID.
        pub entity_id: String,
        /// The revision the row reached.
        pub revision: i32,
        /// The row before and after, as JSON; `None` before a creation.
        pub before: Option<String>,
        pub after: Option<String>,
        pub reason: String,
        pub request_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod release {
    //! A named, dated, immutable state of the whole dataset: the data as it stood after one
    //! audit event.

    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "releases")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        #[sea_orm(unique)]
        pub tag: String,
        pub title: String,
        pub notes: String,
        pub created_at: DateTimeUtc,
        pub created_by: String,
        pub event_id: i32,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
