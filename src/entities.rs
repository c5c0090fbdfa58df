//! SeaORM entities: the storage model, one module per table, read together like the
//! migrations that create them. The public GraphQL types convert from these and
//! never expose them directly.
//!
//! Every module is the same few items around its own columns, so `entity!` writes them:
//! the `Model` with `DeriveEntityModel`, its `Relation` (only `belongs_to` foreign keys,
//! each with its `Related` impl) and the default `ActiveModelBehavior`. A `curated` table
//! ends with the three columns every curated table and its `_revisions` twin share.

/// Declares one table's entity module.
///
/// `entity! { curated /// doc  name = "table" { columns } belongs_to { Variant => other.FromColumn } }`:
/// `curated` appends `created_at`, `updated_at` and `revision` after the columns given;
/// `belongs_to` (optional) lists the foreign keys, each to `other`'s `Id`; anything in a
/// trailing `items { .. }` (the columns' enums) goes into the module as written.
macro_rules! entity {
    (curated $(#[doc = $doc:tt])* $name:ident = $table:tt { $($column:tt)* } $($rest:tt)*) => {
        entity! {
            $(#[doc = $doc])*
            $name = $table {
                $($column)*
                pub created_at: DateTimeUtc,
                pub updated_at: DateTimeUtc,
                /// How many states the row has had: 1 when created, one more for every change.
                pub revision: i32,
            }
            $($rest)*
        }
    };
    (
        $(#[doc = $doc:tt])*
        $name:ident = $table:tt { $($column:tt)* }
        $(belongs_to { $($variant:ident => $target:ident . $from:ident),* $(,)? })?
        $(items { $($item:item)* })?
    ) => {
        $(#[doc = $doc])*
        pub mod $name {
            use sea_orm::entity::prelude::*;

            $($($item)*)?

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                $($column)*
            }

            #[derive(Copy, Clone, Debug, EnumIter)]
            pub enum Relation {
                $($($variant,)*)?
            }

            impl RelationTrait for Relation {
                fn def(&self) -> RelationDef {
                    match *self {
                        $($(Self::$variant => Entity::belongs_to(super::$target::Entity)
                            .from(Column::$from)
                            .to(super::$target::Column::Id)
                            .into(),)*)?
                    }
                }
            }

            $($(
                impl Related<super::$target::Entity> for Entity {
                    fn to() -> RelationDef {
                        Relation::$variant.def()
                    }
                }
            )*)?

            impl ActiveModelBehavior for ActiveModel {}
        }
    };
}

entity! {
    curated
    /// A city studied in the paper.
    city = "cities" {
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
    }
    belongs_to {
        Country => country.CountryId,
    }
}

entity! {
    curated
    /// A company, with its headquarters country and, where the paper places it, city.
    company = "companies" {
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
    }
}

entity! {
    curated
    /// A sanction or entity listing of a company, as a dated fact.
    company_sanction = "company_sanctions" {
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
    }
}

entity! {
    curated
    /// A country, keyed by its ISO 3166-1 alpha-2 code.
    country = "countries" {
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
    }
}

entity! {
    curated
    /// An indicator: what is measured, in which unit and scale, with its comparability caveat.
    indicator = "indicators" {
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
    }
}

entity! {
    curated
    /// One published figure: an indicator's value for a subject and period, with its source and
    /// its place in the paper.
    observation = "observations" {
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
    }
    belongs_to {
        Indicator => indicator.IndicatorId,
        Subject => subject.SubjectId,
        Source => source.SourceId,
    }
    items {
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
    }
}

entity! {
    curated
    /// A policy, plan, law or initiative. Its years are attributes, not observations.
    policy = "policies" {
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
    }
}

entity! {
    curated
    /// The cities a policy concerns.
    policy_city = "policy_cities" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub policy_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub city_id: i32,
    }
    belongs_to {
        Policy => policy.PolicyId,
        City => city.CityId,
    }
}

entity! {
    curated
    /// The companies a policy concerns, and how.
    policy_company = "policy_companies" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub policy_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub company_id: i32,
        pub relation: String,
    }
}

entity! {
    curated
    /// A smart-city project or programme.
    project = "projects" {
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
    }
}

entity! {
    curated
    /// Which companies operate or support a project, and in what role.
    project_company = "project_companies" {
        #[sea_orm(primary_key, auto_increment = false)]
        pub project_id: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub company_id: i32,
        pub role: String,
    }
}

entity! {
    curated
    /// A region or aggregate, such as `WORLD`, a continent or a bloc.
    region = "regions" {
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
    }
}

entity! {
    curated
    /// A publication that a figure or fact is taken from, as the paper cites it.
    source = "sources" {
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
    }
}

entity! {
    curated
    /// A row of Table 1: one dimension of the strategic comparison and its key difference.
    strategic_dimension = "strategic_dimensions" {
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
    }
}

entity! {
    curated
    /// One country's cell in a row of Table 1.
    strategic_position = "strategic_positions" {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub dimension_id: i32,
        pub country_id: i32,
        pub text: String,
    }
}

entity! {
    curated
    /// The supertype of everything an observation can be about: a country, a region, a city, a
    /// company or a project. Observations reference it, so one foreign key covers all five.
    subject = "subjects" {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub kind: SubjectKind,
        pub key: String,
    }
    items {
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
    }
}

entity! {
    /// An API token: who may write. Only the SHA-256 of the token is stored.
    api_token = "api_tokens" {
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
}

entity! {
    /// One change to one curated row, in commit order: who, what, why, before and after.
    audit_event = "audit_events" {
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
}

entity! {
    /// A named, dated, immutable state of the whole dataset: the data as it stood after one
    /// audit event.
    release = "releases" {
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
}
