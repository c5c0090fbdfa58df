//! Database schema migrations for City Atlas, shared by SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_schema;
mod m20261128_000002_add_search_text;
mod m20261128_000003_observation_order_indexes;
mod m20261129_000004_scoped_observation_order_indexes;
mod m20261202_000005_curation;
mod m20261204_000006_change_notifications;
mod observation_indexes;

pub use m20261202_000005_curation::{CURATED_TABLES, revisions_table};
pub use m20261204_000006_change_notifications::CHANGES_CHANNEL;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_schema::Migration),
            Box::new(m20261128_000002_add_search_text::Migration),
            Box::new(m20261128_000003_observation_order_indexes::Migration),
            Box::new(m20261129_000004_scoped_observation_order_indexes::Migration),
            Box::new(m20261202_000005_curation::Migration),
            Box::new(m20261204_000006_change_notifications::Migration),
        ]
    }
}
