//! The lists the API pages through, each declared once: its query (what narrows the rows),
//! its sort fields and how to read a sort key back from a row. Observations, with their
//! scopes and places, have their own module.

use super::filters;
use super::keys;
use super::list::Identified;
use super::paging::KeyKind;
use crate::entities::{
    city, company, country, indicator, observation, policy, policy_city, policy_company, project,
    project_company, region, source, subject,
};
use crate::error::Error;
use sea_orm::sea_query::{Expr, ExprTrait, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use serde_json::json;

/// Declares a list: its query, its own fields followed by the `text` and `updated_since`
/// every list has; and its `Listing`, with the key of each sort field (`text(Column,
/// field)`, a text column read back from the row's field, or `computed(…)`) and its
/// `select`, whose rows the text then narrows. `C` names the entity's columns in both.
/// `sorted by enum` declares the sort fields' enum too, the first field the default.
macro_rules! listing {
    (
        $(#[$doc:meta])*
        pub struct $query:ident {
            $($(#[$field_doc:meta])* pub $field:ident: $ty:ty,)*
        }
        lists $module:ident as $name:literal, sorted by enum $sort:ident {
            $($(#[$variant_doc:meta])* $variant:ident => $key:ident($($args:tt)*),)+
        }
        fn select(&$self:ident) $select:block
    ) => {
        $crate::store::lists::sort_enum!($sort { $($(#[$variant_doc])* $variant,)+ });

        $crate::store::lists::listing! {
            $(#[$doc])*
            pub struct $query {
                $($(#[$field_doc])* pub $field: $ty,)*
            }
            lists $module as $name, sorted by $sort {
                $($variant => $key($($args)*),)+
            }
            fn select(&$self) $select
        }
    };
    (
        $(#[$doc:meta])*
        pub struct $query:ident {
            $($(#[$field_doc:meta])* pub $field:ident: $ty:ty,)*
        }
        lists $module:ident as $name:literal, sorted by $sort:ident {
            $($variant:ident => $key:ident($($args:tt)*),)+
        }
        fn select(&$self:ident) $select:block
    ) => {
        $(#[$doc])*
        #[derive(Debug, Default)]
        pub struct $query {
            $($(#[$field_doc])* pub $field: $ty,)*
            pub text: Option<String>,
            /// Only rows changed at or after this instant.
            pub updated_since: Option<::chrono::DateTime<::chrono::Utc>>,
        }

        impl $crate::store::list::Listing for $query {
            type Entity = $module::Entity;
            type Field = $sort;
            const NAME: &'static str = $name;

            fn sort_key(field: $sort) -> $crate::store::paging::SortKey<$module::Model> {
                #[allow(unused_imports)]
                use $module::Column as C;
                match field {
                    $(
                        $sort::$variant => {
                            $crate::store::lists::sort_key!($module, $key($($args)*))
                        }
                    )+
                }
            }

            fn updated_since(&self) -> Option<::chrono::DateTime<::chrono::Utc>> {
                self.updated_since
            }

            fn select(
                &$self,
            ) -> Result<::sea_orm::Select<$module::Entity>, $crate::error::Error> {
                use $module::Column as C;
                let select: ::sea_orm::Select<$module::Entity> = $select;
                $crate::store::filters::with_text(select, C::SearchText, $self.text.as_deref())
            }
        }
    };
}

/// A list's sort fields, the first its natural order.
macro_rules! sort_enum {
    ($sort:ident { $(#[$first_doc:meta])* $first:ident, $($(#[$doc:meta])* $variant:ident,)* }) => {
        #[derive(Debug, Clone, Copy, Default)]
        pub enum $sort {
            $(#[$first_doc])*
            #[default]
            $first,
            $($(#[$doc])* $variant,)*
        }
    };
}

/// One sort field's key, as `listing!` is given it.
macro_rules! sort_key {
    ($module:ident, text($column:ident, $field:ident)) => {
        $crate::store::list::text::<$module::Entity>($module::Column::$column, |m| {
            ::serde_json::json!(m.$field)
        })
    };
    ($module:ident, computed($($args:tt)*)) => {
        $crate::store::list::computed($($args)*)
    };
}

pub(super) use {listing, sort_enum, sort_key};

/// Rows whose `column` is one of the countries with these codes.
fn in_countries<E: EntityTrait>(
    select: Select<E>,
    column: E::Column,
    codes: &Option<Vec<String>>,
) -> Result<Select<E>, Error> {
    filters::keyed(select, "country", column, codes, keys::country_ids)
}

/// Rows that a link table joins to the rows named by natural key, e.g. companies by the
/// slugs of their projects: `own` is the listed row's column in the link table, `other`
/// the named row's.
fn linked<E, L>(
    select: Select<E>,
    name: &str,
    wanted: &Option<Vec<String>>,
    own: L,
    other: L,
    ids: fn(&[String]) -> SelectStatement,
) -> Result<Select<E>, Error>
where
    E: Identified,
    L: ColumnTrait,
    L::EntityName: EntityTrait<Column = L>,
{
    filters::keyed(select, name, E::ID, wanted, |keys| {
        keys::linked::<L::EntityName>(own, other, ids(keys))
    })
}

/// What countries, and regions, sort by.
#[derive(Debug, Clone, Copy, Default)]
pub enum CountrySort {
    #[default]
    Code,
    Name,
}

listing! {
    /// Narrows the countries.
    pub struct CountryQuery {
        /// Region codes.
        pub region: Option<Vec<String>>,
    }
    lists country as "countries", sorted by CountrySort {
        Code => text(Code, code),
        Name => text(Name, name),
    }
    fn select(&self) {
        let select = country::Entity::find();
        filters::keyed(select, "region", C::RegionId, &self.region, keys::region_ids)?
    }
}

listing! {
    /// Narrows the regions and aggregates.
    pub struct RegionQuery {
        /// `aggregate`, `continent` or `bloc`.
        pub kind: Option<Vec<String>>,
    }
    // Regions are ordered like countries: the schema shares `CountryOrder` between them.
    lists region as "regions", sorted by CountrySort {
        Code => text(Code, code),
        Name => text(Name, name),
    }
    fn select(&self) {
        filters::one_of(region::Entity::find(), "kind", C::Kind, &self.kind)?
    }
}

listing! {
    /// Narrows the cities.
    pub struct CityQuery {
        /// Country codes.
        pub country: Option<Vec<String>>,
    }
    lists city as "cities", sorted by enum CitySort {
        Name => text(Name, name),
        Slug => text(Slug, slug),
    }
    fn select(&self) {
        in_countries(city::Entity::find(), C::CountryId, &self.country)?
    }
}

listing! {
    /// Narrows the companies.
    pub struct CompanyQuery {
        /// Country codes of the headquarters.
        pub country: Option<Vec<String>>,
        /// City slugs of the headquarters.
        pub city: Option<Vec<String>>,
        pub sector: Option<Vec<String>>,
        pub leading_enterprise: Option<bool>,
        /// Slugs of projects the company takes part in.
        pub project: Option<Vec<String>>,
    }
    lists company as "companies", sorted by enum CompanySort {
        Name => text(Name, name),
        Slug => text(Slug, slug),
        Sector => text(Sector, sector),
    }
    fn select(&self) {
        let mut select = in_countries(company::Entity::find(), C::CountryId, &self.country)?;
        select = filters::keyed(select, "city", C::HqCityId, &self.city, keys::city_ids)?;
        select = filters::one_of(select, "sector", C::Sector, &self.sector)?;
        if let Some(leading) = self.leading_enterprise {
            select = select.filter(C::LeadingEnterprise.eq(leading));
        }
        linked(
            select,
            "project",
            &self.project,
            project_company::Column::CompanyId,
            project_company::Column::ProjectId,
            keys::project_ids,
        )?
    }
}

listing! {
    /// Narrows the projects.
    pub struct ProjectQuery {
        pub country: Option<Vec<String>>,
        pub city: Option<Vec<String>>,
        pub kind: Option<Vec<String>>,
        /// Slugs of companies that take part.
        pub company: Option<Vec<String>>,
        /// Started in or after this year.
        pub from_year: Option<i32>,
        /// Started in or before this year.
        pub to_year: Option<i32>,
    }
    lists project as "projects", sorted by enum ProjectSort {
        Name => text(Name, name),
        Slug => text(Slug, slug),
        /// Projects without a start year last when ascending.
        StartYear => computed(
            filters::nulls_last(Expr::col((project::Entity, C::StartYear))),
            KeyKind::Int,
            |m| json!(m.start_year.unwrap_or(i32::MAX)),
        ),
    }
    fn select(&self) {
        filters::year_range(self.from_year, self.to_year)?;
        let mut select = in_countries(project::Entity::find(), C::CountryId, &self.country)?;
        select = filters::keyed(select, "city", C::CityId, &self.city, keys::city_ids)?;
        select = filters::one_of(select, "kind", C::Kind, &self.kind)?;
        select = linked(
            select,
            "company",
            &self.company,
            project_company::Column::ProjectId,
            project_company::Column::CompanyId,
            keys::company_ids,
        )?;
        select.filter(filters::within_years(
            Expr::col((project::Entity, C::StartYear)),
            self.from_year,
            self.to_year,
        ))
    }
}

/// A policy's first stated year: issued, else the first year it covers.
fn first_year() -> SimpleExpr {
    Expr::col((policy::Entity, policy::Column::Year))
        .if_null(Expr::col((policy::Entity, policy::Column::StartYear)))
}

/// A policy's last stated year: its target, else its end, issue or start year.
fn last_year() -> SimpleExpr {
    Expr::col((policy::Entity, policy::Column::TargetYear))
        .if_null(Expr::col((policy::Entity, policy::Column::EndYear)))
        .if_null(Expr::col((policy::Entity, policy::Column::Year)))
        .if_null(Expr::col((policy::Entity, policy::Column::StartYear)))
}

listing! {
    /// Narrows the policies.
    pub struct PolicyQuery {
        pub country: Option<Vec<String>>,
        /// Slugs of cities the policy concerns.
        pub city: Option<Vec<String>>,
        /// Slugs of companies the policy concerns.
        pub company: Option<Vec<String>>,
        pub kind: Option<Vec<String>>,
        /// In force in or after this year.
        pub from_year: Option<i32>,
        /// In force in or before this year.
        pub to_year: Option<i32>,
    }
    lists policy as "policies", sorted by enum PolicySort {
        Title => text(Title, title),
        Slug => text(Slug, slug),
        /// The year issued, else the first year covered; undated policies last when ascending.
        Year => computed(filters::nulls_last(first_year()), KeyKind::Int, |m| {
            json!(m.year.or(m.start_year).unwrap_or(i32::MAX))
        }),
    }
    fn select(&self) {
        filters::year_range(self.from_year, self.to_year)?;
        let mut select = in_countries(policy::Entity::find(), C::CountryId, &self.country)?;
        select = linked(
            select,
            "city",
            &self.city,
            policy_city::Column::PolicyId,
            policy_city::Column::CityId,
            keys::city_ids,
        )?;
        select = linked(
            select,
            "company",
            &self.company,
            policy_company::Column::PolicyId,
            policy_company::Column::CompanyId,
            keys::company_ids,
        )?;
        select = filters::one_of(select, "kind", C::Kind, &self.kind)?;
        // A policy's span overlaps the range unless it ends before `from_year` or starts
        // after `to_year`.
        if let Some(from) = self.from_year {
            select = select.filter(last_year().gte(from));
        }
        if let Some(to) = self.to_year {
            select = select.filter(first_year().lte(to));
        }
        select
    }
}

listing! {
    /// Narrows the indicators.
    pub struct IndicatorQuery {
        pub topic: Option<Vec<String>>,
        pub unit: Option<Vec<String>>,
        /// Only indicators with observations about subjects of these kinds.
        pub subject_kind: Option<Vec<subject::SubjectKind>>,
    }
    lists indicator as "indicators", sorted by enum IndicatorSort {
        Code => text(Code, code),
        Name => text(Name, name),
        Topic => text(Topic, topic),
    }
    fn select(&self) {
        let mut select =
            filters::one_of(indicator::Entity::find(), "topic", C::Topic, &self.topic)?;
        select = filters::one_of(select, "unit", C::Unit, &self.unit)?;
        if let Some(kinds) = &self.subject_kind {
            select = select.filter(C::Id.in_subquery(keys::linked::<observation::Entity>(
                observation::Column::IndicatorId,
                observation::Column::SubjectId,
                keys::subject_ids_of_kinds(kinds),
            )));
        }
        select
    }
}

listing! {
    /// Narrows the sources.
    pub struct SourceQuery {
        pub kind: Option<Vec<String>>,
        pub publisher: Option<Vec<String>>,
    }
    lists source as "sources", sorted by enum SourceSort {
        Title => text(Title, title),
        Slug => text(Slug, slug),
        Publisher => text(Publisher, publisher),
        /// Undated sources first when ascending.
        PublishedOn => computed(
            Expr::col((source::Entity, C::PublishedOn)).if_null(""),
            KeyKind::Text,
            |m| json!(m.published_on.as_deref().unwrap_or_default()),
        ),
    }
    fn select(&self) {
        let select = filters::one_of(source::Entity::find(), "kind", C::Kind, &self.kind)?;
        filters::one_of(select, "publisher", C::Publisher, &self.publisher)?
    }
}
