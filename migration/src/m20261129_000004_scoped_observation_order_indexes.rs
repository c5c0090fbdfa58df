//! Indexes for a subject's or an indicator's observations in their default order (year, then
//! id). Without them, `WHERE subject_id = $1 ORDER BY year, id LIMIT 21` on a million rows
//! walked the (year, id) index expecting to meet the subject soon, and for a subject with
//! no observations read the whole table: Q3 of `bench/run` fell from 1,725 req/s at 10^4
//! rows to 873 at 10^6.

use crate::observation_indexes::{self, IndexSpec};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The default order, year then id, within one subject or one indicator.
const INDEXES: [IndexSpec; 2] = [
    (
        "idx_observations_subject_year_id",
        &["subject_id", "year", "id"],
    ),
    (
        "idx_observations_indicator_year_id",
        &["indicator_id", "year", "id"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        observation_indexes::create(manager, &INDEXES).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        observation_indexes::drop(manager, &INDEXES).await
    }
}
