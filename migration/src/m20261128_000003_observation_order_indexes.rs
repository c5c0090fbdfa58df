//! Indexes that match the observation orderings, (key, id), so a keyset page deep in the
//! table starts where its cursor points instead of scanning up to it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index name, sort column): every `ObservationOrder` field, tie-broken by id.
const INDEXES: [(&str, &str); 3] = [
    ("idx_observations_year_id", "year"),
    ("idx_observations_value_id", "value"),
    ("idx_observations_period_id", "period"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Alias::new("observations"))
                        .col(Alias::new(column))
                        .col(Alias::new("id"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager
                .drop_index(
                    Index::drop()
                        .name(name)
                        .table(Alias::new("observations"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
