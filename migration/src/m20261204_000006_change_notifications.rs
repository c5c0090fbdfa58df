//! On PostgreSQL, every audit event also notifies the channel `cityatlas_changes` with its
//! id, the row it changed and that row's revision, so that every replica serving the
//! database learns of a write, whichever replica (or `cityatlas import`) made it. A trigger
//! rather than a statement in the write path: the notification is delivered when, and only
//! if, the write commits, and no writer can forget it. SQLite has no other process to tell.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The channel the replicas listen on; `cityatlas::store::notices` names it too.
pub const CHANGES_CHANNEL: &str = "cityatlas_changes";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        // Ids and revisions only: a payload must stay under PostgreSQL's 8000 bytes, and a
        // replica reads what it needs from the database.
        db.execute_unprepared(&format!(
            "CREATE FUNCTION cityatlas_notify_change() RETURNS trigger AS $$
             BEGIN
               PERFORM pg_notify('{CHANGES_CHANNEL}', json_build_object(
                 'event', NEW.id, 'entityType', NEW.entity_type,
                 'entityId', NEW.entity_id, 'revision', NEW.revision)::text);
               RETURN NULL;
             END
             $$ LANGUAGE plpgsql"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events
             FOR EACH ROW EXECUTE FUNCTION cityatlas_notify_change()",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP TRIGGER IF EXISTS audit_events_notify ON audit_events")
            .await?;
        db.execute_unprepared("DROP FUNCTION IF EXISTS cityatlas_notify_change()")
            .await?;
        Ok(())
    }
}
