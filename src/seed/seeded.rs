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

macro_rules! seeded {
    ($module:ident, $table:literal, $key:ty, |$m:ident| $key_expr:expr, surrogate_id,
        label |$l:ident, $names:ident| $label:expr) => {
        seeded!(@impl $module, $table, $key, |$m| $key_expr, |stored, target| {
            target.id = stored.id;
        }, |active| {
            active.id = ActiveValue::NotSet;
        }, |row| vec![("id", row.id.into())], |row| Some(row.id), |$l, $names| $label);
    };
    ($module:ident, $table:literal, $key:ty, |$m:ident| $key_expr:expr,
        natural_id($first:ident, $second:ident),
        label |$l:ident, $names:ident| $label:expr) => {
        seeded!(@impl $module, $table, $key, |$m| $key_expr, |_stored, _target| {}, |_active| {},
            |row| vec![
                (stringify!($first), row.$first.into()),
                (stringify!($second), row.$second.into()),
            ], |_row| None, |$l, $names| $label);
    };
    (@impl $module:ident, $table:literal, $key:ty, |$m:ident| $key_expr:expr,
        |$stored:ident, $target:ident| $adopt:block, |$active:ident| $unset:block,
        |$row:ident| $primary_key:expr, |$id_row:ident| $surrogate:expr,
        |$l:ident, $names:ident| $label:expr) => {
        impl Seeded for $module::Model {
            type Active = $module::ActiveModel;
            type Key = $key;
            const TABLE: &'static str = $table;

            fn key(&self) -> Self::Key {
                let $m = self;
                $key_expr
            }

            fn adopt_identity(&mut self, $stored: &Self) {
                let $target = self;
                $adopt
                $target.created_at = $stored.created_at;
                $target.updated_at = $stored.updated_at;
                $target.revision = $stored.revision;
            }

            fn mark_changed(&mut self, at: Timestamp) {
                self.updated_at = at;
                self.revision += 1;
            }

            fn primary_key(&self) -> Vec<(&'static str, Value)> {
                let $row = self;
                $primary_key
            }

            #[allow(unused_mut)]
            fn into_insert(self) -> Self::Active {
                let mut $active = self.into_active_model();
                $unset
                $active
            }

            fn revision_number(&self) -> i32 {
                self.revision
            }

            fn surrogate_id(&self) -> Option<i32> {
                let $id_row = self;
                $surrogate
            }

            #[allow(unused_variables)]
            fn label(&self, $names: &Names) -> String {
                let $l = self;
                $label
            }
        }
    };
}

seeded!(
    source,
    "sources",
    String,
    |m| m.slug.clone(),
    surrogate_id,
    label | m,
    n | m.slug.clone()
);

// `audited` reads a subject's label back as its kind and key.
seeded!(
    subject,
    "subjects",
    (subject::SubjectKind, String),
    |m| (m.kind, m.key.clone()),
    surrogate_id,
    label | m,
    n | format!("{} {}", m.kind.to_value(), m.key)
);

seeded!(
    region,
    "regions",
    String,
    |m| m.code.clone(),
    surrogate_id,
    label | m,
    n | m.code.clone()
);

seeded!(
    country,
    "countries",
    String,
    |m| m.code.clone(),
    surrogate_id,
    label | m,
    n | m.code.clone()
);

seeded!(
    city,
    "cities",
    String,
    |m| m.slug.clone(),
    surrogate_id,
    label | m,
    n | m.slug.clone()
);

seeded!(
    company,
    "companies",
    String,
    |m| m.slug.clone(),
    surrogate_id,
    label | m,
    n | m.slug.clone()
);

seeded!(
    project,
    "projects",
    String,
    |m| m.slug.clone(),
    surrogate_id,
    label | m,
    n | m.slug.clone()
);

seeded!(
    project_company,
    "project_companies",
    (i32, i32),
    |m| (m.project_id, m.company_id),
    natural_id(project_id, company_id),
    label | m,
    n | format!(
        "{} / {}",
        n.of("projects", m.project_id),
        n.of("companies", m.company_id)
    )
);

seeded!(
    policy,
    "policies",
    String,
    |m| m.slug.clone(),
    surrogate_id,
    label | m,
    n | m.slug.clone()
);

seeded!(
    policy_city,
    "policy_cities",
    (i32, i32),
    |m| (m.policy_id, m.city_id),
    natural_id(policy_id, city_id),
    label | m,
    n | format!(
        "{} / {}",
        n.of("policies", m.policy_id),
        n.of("cities", m.city_id)
    )
);

seeded!(
    policy_company,
    "policy_companies",
    (i32, i32),
    |m| (m.policy_id, m.company_id),
    natural_id(policy_id, company_id),
    label | m,
    n | format!(
        "{} / {}",
        n.of("policies", m.policy_id),
        n.of("companies", m.company_id)
    )
);

seeded!(
    company_sanction,
    "company_sanctions",
    String,
    |m| m.slug.clone(),
    surrogate_id,
    label | m,
    n | m.slug.clone()
);

seeded!(
    indicator,
    "indicators",
    String,
    |m| m.code.clone(),
    surrogate_id,
    label | m,
    n | m.code.clone()
);

seeded!(
    observation,
    "observations",
    (i32, i32, String, Option<String>, i32),
    |m| (
        m.indicator_id,
        m.subject_id,
        m.period.clone(),
        m.category.clone(),
        m.source_id
    ),
    surrogate_id,
    label | m,
    n | format!(
        "{} of {} in {}{} from {}",
        n.of("indicators", m.indicator_id),
        n.of("subjects", m.subject_id),
        m.period,
        m.category
            .as_ref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default(),
        n.of("sources", m.source_id)
    )
);

seeded!(
    strategic_dimension,
    "strategic_dimensions",
    String,
    |m| m.slug.clone(),
    surrogate_id,
    label | m,
    n | m.slug.clone()
);

seeded!(
    strategic_position,
    "strategic_positions",
    (i32, i32),
    |m| (m.dimension_id, m.country_id),
    surrogate_id,
    label | m,
    n | format!(
        "{} / {}",
        n.of("strategic_dimensions", m.dimension_id),
        n.of("countries", m.country_id)
    )
);
