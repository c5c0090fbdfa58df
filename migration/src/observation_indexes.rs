//! Creating and dropping a set of indexes on `observations`, for the migrations that add
//! them after the schema.

use sea_orm_migration::prelude::*;

/// An index's name and its columns, in order.
pub type IndexSpec = (&'static str, &'static [&'static str]);

pub async fn create(manager: &SchemaManager<'_>, indexes: &[IndexSpec]) -> Result<(), DbErr> {
    for (name, columns) in indexes {
        let mut index = Index::create();
        index.name(*name).table(Alias::new("observations"));
        for column in *columns {
            index.col(Alias::new(*column));
        }
        manager.create_index(index).await?;
    }
    Ok(())
}

pub async fn drop(manager: &SchemaManager<'_>, indexes: &[IndexSpec]) -> Result<(), DbErr> {
    for (name, _) in indexes {
        manager
            .drop_index(
                Index::drop()
                    .name(*name)
                    .table(Alias::new("observations"))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}
