//! Indexes that match the observation orderings, (key, id), so a keyset page deep in the
//! table starts where its cursor points instead of scanning up to it.

use crate::observation_indexes::{self, IndexSpec};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every `ObservationOrder` field, tie-broken by id.
const INDEXES: [IndexSpec; 3] = [
    ("idx_observations_year_id", &["year", "id"]),
    ("idx_observations_value_id", &["value", "id"]),
    ("idx_observations_period_id", &["period", "id"]),
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
