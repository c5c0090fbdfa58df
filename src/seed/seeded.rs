//! What the seeder needs of each table's model: its natural key, how it takes over a stored
//! row's identity, and how it is inserted. The synthetic generator inserts through it too.

use super::rows::Timestamp;
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
    strategic_position, subject,
};
use sea_orm::{ActiveEnum, ActiveModelTrait, ActiveValue, IntoActiveModel, ModelTrait, Value};
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

/// A stored model that the seeder can match, compare and write.
pub(crate) trait Seeded:
    ModelTrait + Clone + PartialEq + IntoActiveModel<Self::Active> + Send + Sync
{
    type Active: ActiveModelTrait<Entity = Self::Entity> + sea_orm::ActiveModelBehavior + Send;
    type Key: Eq + Hash + Clone + fmt::Debug + Send;
    const TABLE: &'static str;

    fn key(&self) -> Self::Key;
    /// Takes the stored row's surrogate id and timestamps, so that equality compares
    /// only what the dataset defines.
    fn adopt_identity(&mut self, stored: &Self);
    /// Stamps a changed row: its time, and one revision on from the stored row's.
    fn mark_changed(&mut self, at: Timestamp);
    /// The primary key's columns and values, which also find the row's revisions.
    fn primary_key(&self) -> Vec<(&'static str, Value)>;
    /// The active model for an insert: the surrogate id, if any, left to the database.
    fn into_insert(self) -> Self::Active;
    /// The surrogate id other tables refer to the row by, if it has one.
    fn surrogate_id(&self) -> Option<i32>;
    /// The row's revision: 1 as first written, one more for each change.
    fn revision_number(&self) -> i32;
    /// The row as a person names it, e.g. in an import's diff: natural keys, with the rows
    /// it refers to named by `names`.
    fn label(&self, names: &Names) -> String;
}

/// The labels of the rows synced so far, by table and surrogate id.
#[derive(Debug, Default)]
pub(crate) struct Names(HashMap<(&'static str, i32), String>);

impl Names {
    pub fn add<M: Seeded>(&mut self, rows: impl IntoIterator<Item = M>) {
        for row in rows {
            if let Some(id) = row.surrogate_id() {
                let label = row.label(self);
                self.0.insert((M::TABLE, id), label);
            }
        }
    }

    pub(super) fn of(&self, table: &'static str, id: i32) -> String {
        self.0
            .get(&(table, id))
            .cloned()
            .unwrap_or_else(|| format!("{table} #{id}"))
    }
}

/// Implements `Seeded` for a table's model. A row either has a surrogate `id` (the
/// database assigns it, and a stored row's id is taken over) or is identified by its
/// two natural columns; either way it takes over the stored timestamps and revision.
///
/// - `module = "table", by column;` a table keyed and named by one text column;
/// - `module = "table", pair(first in "first_table", second in "second_table") $identity;`
///   a row keyed by two references and named by the rows they refer to;
/// - `module = "table", key $key_type = |m| expr, label |m, names| expr, $identity;`
///   any other key and label.
macro_rules! seeded {
    (@impl $module:ident, $table:literal, $key:ty, |$m:ident| $key_expr:expr,
        |$l:ident, $names:ident| $label:expr, $($identity:tt)*) => {
        impl Seeded for $module::Model {
            type Active = $module::ActiveModel;
            type Key = $key;
            const TABLE: &'static str = $table;

            fn key(&self) -> Self::Key {
                let $m = self;
                $key_expr
            }

            fn adopt_identity(&mut self, stored: &Self) {
                seeded!(@adopt self, stored, $($identity)*);
                self.created_at = stored.created_at;
                self.updated_at = stored.updated_at;
                self.revision = stored.revision;
            }

            fn mark_changed(&mut self, at: Timestamp) {
                self.updated_at = at;
                self.revision += 1;
            }

            fn primary_key(&self) -> Vec<(&'static str, Value)> {
                seeded!(@primary_key self, $($identity)*)
            }

            fn into_insert(self) -> Self::Active {
                seeded!(@insert self.into_active_model(), $($identity)*)
            }

            fn revision_number(&self) -> i32 {
                self.revision
            }

            fn surrogate_id(&self) -> Option<i32> {
                seeded!(@surrogate self, $($identity)*)
            }

            fn label(&self, $names: &Names) -> String {
                let $l = self;
                $label
            }
        }
    };
    // A surrogate id: taken over from the stored row, left to the database on insert.
    (@adopt $row:ident, $stored:ident, surrogate_id) => { $row.id = $stored.id };
    (@primary_key $row:ident, surrogate_id) => { vec![("id", $row.id.into())] };
    (@insert $active:expr, surrogate_id) => {{
        let mut active = $active;
        active.id = ActiveValue::NotSet;
        active
    }};
    (@surrogate $row:ident, surrogate_id) => { Some($row.id) };
    // A natural primary key: the dataset defines all of it.
    (@adopt $row:ident, $stored:ident, natural_id($($column:ident),*)) => {};
    (@primary_key $row:ident, natural_id($($column:ident),*)) => {
        vec![$((stringify!($column), $row.$column.into())),*]
    };
    (@insert $active:expr, natural_id($($column:ident),*)) => { $active };
    (@surrogate $row:ident, natural_id($($column:ident),*)) => { None };
    () => {};
    ($module:ident = $table:literal, by $column:ident; $($rest:tt)*) => {
        seeded!(@impl $module, $table, String, |m| m.$column.clone(), |m, _names| m.$column.clone(),
            surrogate_id);
        seeded!($($rest)*);
    };
    ($module:ident = $table:literal,
        pair($first:ident in $first_table:literal, $second:ident in $second_table:literal)
        $identity:ident $(($($column:ident),*))?; $($rest:tt)*) => {
        seeded!(@impl $module, $table, (i32, i32), |m| (m.$first, m.$second),
            |m, names| format!("{} / {}", names.of($first_table, m.$first),
                names.of($second_table, m.$second)),
            $identity $(($($column),*))?);
        seeded!($($rest)*);
    };
    ($module:ident = $table:literal, key $key:ty = |$m:ident| $key_expr:expr,
        label |$l:ident, $names:ident| $label:expr,
        $identity:ident $(($($column:ident),*))?; $($rest:tt)*) => {
        seeded!(@impl $module, $table, $key, |$m| $key_expr, |$l, $names| $label,
            $identity $(($($column),*))?);
        seeded!($($rest)*);
    };
}

seeded! {
    source = "sources", by slug;
    // `audited` reads a subject's label back as its kind and key.
    subject = "subjects",
        key (subject::SubjectKind, String) = |m| (m.kind, m.key.clone()),
        label |m, _names| format!("{} {}", m.kind.to_value(), m.key),
        surrogate_id;
    region = "regions", by code;
    country = "countries", by code;
    city = "cities", by slug;
    company = "companies", by slug;
    project = "projects", by slug;
    project_company = "project_companies",
        pair(project_id in "projects", company_id in "companies") natural_id(project_id, company_id);
    policy = "policies", by slug;
    policy_city = "policy_cities",
        pair(policy_id in "policies", city_id in "cities") natural_id(policy_id, city_id);
    policy_company = "policy_companies",
        pair(policy_id in "policies", company_id in "companies") natural_id(policy_id, company_id);
    company_sanction = "company_sanctions", by slug;
    indicator = "indicators", by code;
    observation = "observations",
        key (i32, i32, String, Option<String>, i32) =
            |m| (m.indicator_id, m.subject_id, m.period.clone(), m.category.clone(), m.source_id),
        label |m, names| format!(
            "{} of {} in {}{} from {}",
            names.of("indicators", m.indicator_id),
            names.of("subjects", m.subject_id),
            m.period,
            m.category.as_ref().map(|c| format!(" ({c})")).unwrap_or_default(),
            names.of("sources", m.source_id)
        ),
        surrogate_id;
    strategic_dimension = "strategic_dimensions", by slug;
    strategic_position = "strategic_positions",
        pair(dimension_id in "strategic_dimensions", country_id in "countries") surrogate_id;
}
