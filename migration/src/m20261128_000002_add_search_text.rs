//! Adds `search_text`: a case-folded copy of each searchable row's text, computed in Rust by
//! the seeder. SQLite's `LOWER` folds only ASCII while PostgreSQL's folds all of Unicode, so
//! matching on a column folded once, in one place, is what makes text filters and `search`
//! give the same answers on both backends.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table that a text filter or `search` reads.
const SEARCHABLE_TABLES: [&str; 9] = [
    "regions",
    "countries",
    "cities",
    "companies",
    "projects",
    "policies",
    "indicators",
    "sources",
    "observations",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in SEARCHABLE_TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(
                            ColumnDef::new(Alias::new("search_text"))
                                .text()
                                .not_null()
                                .default(""),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in SEARCHABLE_TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new("search_text"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
