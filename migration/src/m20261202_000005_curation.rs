//! Curation: API tokens, the audit log (whose ids are the commit order of changes), a
//! `revision` on every curated row, a revisions table beside each curated table, and
//! releases.
//!
//! A revisions table holds every state a row has had, with the same columns as its table
//! (made with `CREATE TABLE … AS SELECT`, so the two cannot drift at creation) and three
//! more: the audit event that made the state, the event that superseded it (`NULL` while it
//! is current) and whether the state is a retraction. Instants that order changes are event
//! ids, which sort the same on both backends; wall-clock times are only displayed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table a curator can change, parents before children, with its primary key.
pub const CURATED_TABLES: [(&str, &[&str]); 16] = [
    ("sources", &["id"]),
    ("subjects", &["id"]),
    ("regions", &["id"]),
    ("countries", &["id"]),
    ("cities", &["id"]),
    ("companies", &["id"]),
    ("projects", &["id"]),
    ("project_companies", &["project_id", "company_id"]),
    ("policies", &["id"]),
    ("policy_cities", &["policy_id", "city_id"]),
    ("policy_companies", &["policy_id", "company_id"]),
    ("company_sanctions", &["id"]),
    ("indicators", &["id"]),
    ("observations", &["id"]),
    ("strategic_dimensions", &["id"]),
    ("strategic_positions", &["id"]),
];

/// The revisions table beside a curated table.
pub fn revisions_table(table: &str) -> String {
    format!("{table}_revisions")
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    Role,
    TokenHash,
    Hint,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    Actor,
    Action,
    EntityType,
    EntityId,
    Revision,
    Before,
    After,
    Reason,
    RequestId,
}

#[derive(DeriveIden)]
enum Releases {
    Table,
    Id,
    Tag,
    Title,
    Notes,
    CreatedAt,
    CreatedBy,
    EventId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(pk_auto(ApiTokens::Id))
                    .col(string(ApiTokens::Name).unique_key())
                    .col(string(ApiTokens::Role))
                    // SHA-256 of the token, hex; the token itself is never stored.
                    .col(string(ApiTokens::TokenHash).unique_key())
                    // The token's first characters, so that an operator can tell tokens apart.
                    .col(string(ApiTokens::Hint))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(string(AuditEvents::Actor))
                    .col(string(AuditEvents::Action))
                    .col(string(AuditEvents::EntityType))
                    .col(string(AuditEvents::EntityId))
                    .col(integer(AuditEvents::Revision))
                    .col(text_null(AuditEvents::Before))
                    .col(text_null(AuditEvents::After))
                    .col(text(AuditEvents::Reason))
                    .col(string_null(AuditEvents::RequestId))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_audit_events_entity",
                vec![AuditEvents::EntityType, AuditEvents::EntityId],
            ),
            ("idx_audit_events_at", vec![AuditEvents::At]),
            ("idx_audit_events_actor", vec![AuditEvents::Actor]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Releases::Table)
                    .col(pk_auto(Releases::Id))
                    .col(string(Releases::Tag).unique_key())
                    .col(string(Releases::Title))
                    .col(text(Releases::Notes))
                    .col(timestamp_with_time_zone(Releases::CreatedAt))
                    .col(string(Releases::CreatedBy))
                    // The last audit event the release includes: the release is the data as
                    // it stood after that event.
                    .col(integer(Releases::EventId))
                    .to_owned(),
            )
            .await?;

        let db = manager.get_connection();
        for (table, key) in CURATED_TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(integer("revision").default(1).to_owned())
                        .to_owned(),
                )
                .await?;
            let revisions = revisions_table(table);
            db.execute_unprepared(&format!(
                "CREATE TABLE {revisions} AS SELECT * FROM {table} WHERE 1 = 0"
            ))
            .await?;
            for column in [
                integer("event_id").default(0).to_owned(),
                integer_null("superseded_by_event"),
                boolean("retracted").default(false).to_owned(),
            ] {
                manager
                    .alter_table(
                        Table::alter()
                            .table(Alias::new(&revisions))
                            .add_column(column)
                            .to_owned(),
                    )
                    .await?;
            }
            let mut by_row = Index::create();
            by_row
                .name(format!("idx_{revisions}_row"))
                .table(Alias::new(&revisions));
            for column in key.iter().chain(&["event_id"]) {
                by_row.col(Alias::new(*column));
            }
            manager.create_index(by_row.to_owned()).await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_{revisions}_as_of"))
                        .table(Alias::new(&revisions))
                        .col(Alias::new("event_id"))
                        .col(Alias::new("superseded_by_event"))
                        .to_owned(),
                )
                .await?;
        }
        record_existing_rows(db).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in CURATED_TABLES {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(revisions_table(table)))
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new("revision"))
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            Releases::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            ApiTokens::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A database that held data before curation began keeps it: one audit event says so, and
/// every row's present state becomes its first revision under that event.
async fn record_existing_rows(db: &SchemaManagerConnection<'_>) -> Result<(), DbErr> {
    let mut populated = false;
    for (table, _) in CURATED_TABLES {
        let row = db
            .query_one(
                Query::select()
                    .expr(Expr::cust("1"))
                    .from(Alias::new(table))
                    .limit(1),
            )
            .await?;
        populated |= row.is_some();
    }
    if !populated {
        return Ok(());
    }
    db.execute(
        Query::insert()
            .into_table(AuditEvents::Table)
            .columns([
                AuditEvents::At,
                AuditEvents::Actor,
                AuditEvents::Action,
                AuditEvents::EntityType,
                AuditEvents::EntityId,
                AuditEvents::Revision,
                AuditEvents::Reason,
            ])
            .values_panic([
                Expr::current_timestamp(),
                "migration".into(),
                "baseline".into(),
                "Dataset".into(),
                "".into(),
                1.into(),
                "the data stored before curation history began".into(),
            ]),
    )
    .await?;
    for (table, _) in CURATED_TABLES {
        db.execute_unprepared(&format!(
            "INSERT INTO {} SELECT *, (SELECT MAX(id) FROM audit_events), NULL, false \
             FROM {table}",
            revisions_table(table)
        ))
        .await?;
    }
    Ok(())
}
