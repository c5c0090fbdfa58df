use crate::helpers::{TestDatabase, backends, spawn_app};
use cityatlas::entities::observation;
use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

const TABLES: [&str; 16] = [
    "sources",
    "subjects",
    "regions",
    "countries",
    "cities",
    "companies",
    "projects",
    "project_companies",
    "policies",
    "policy_cities",
    "policy_companies",
    "company_sanctions",
    "indicators",
    "observations",
    "strategic_dimensions",
    "strategic_positions",
];

async fn tables_present(manager: &SchemaManager<'_>) -> Vec<&'static str> {
    let mut present = Vec::new();
    for table in TABLES {
        if manager.has_table(table).await.expect("inspect the schema") {
            present.push(table);
        }
    }
    present
}

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    for backend in backends().await {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        let manager = SchemaManager::new(&db);

        Migrator::up(&db, None).await.expect("first up");
        assert_eq!(
            tables_present(&manager).await,
            TABLES.to_vec(),
            "{backend:?}"
        );
        assert!(
            Migrator::get_pending_migrations(&db)
                .await
                .expect("status")
                .is_empty()
        );

        Migrator::down(&db, None).await.expect("down");
        assert!(
            tables_present(&manager).await.is_empty(),
            "{backend:?}: tables left after down"
        );

        Migrator::up(&db, None).await.expect("second up");
        assert_eq!(
            tables_present(&manager).await,
            TABLES.to_vec(),
            "{backend:?}"
        );
        assert!(
            manager
                .has_column("observations", "updated_at")
                .await
                .expect("inspect")
        );
        assert!(
            manager
                .has_index("observations", "uq_observations_natural_key")
                .await
                .expect("inspect")
        );
    }
}

fn as_new(model: observation::Model) -> observation::ActiveModel {
    let mut active: observation::ActiveModel = model.into();
    active = active.reset_all();
    active.id = ActiveValue::NotSet;
    active
}

#[tokio::test]
async fn the_database_enforces_natural_keys_and_foreign_keys() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let uncategorised = observation::Entity::find()
            .filter(observation::Column::Category.is_null())
            .one(&app.db)
            .await
            .expect("query")
            .expect("an observation without category");
        let duplicate = as_new(uncategorised.clone()).insert(&app.db).await;
        assert!(
            duplicate.is_err(),
            "{backend:?}: duplicate natural key with NULL category accepted"
        );

        let categorised = observation::Entity::find()
            .filter(observation::Column::Category.is_not_null())
            .one(&app.db)
            .await
            .expect("query")
            .expect("an observation with a category");
        assert!(
            as_new(categorised.clone()).insert(&app.db).await.is_err(),
            "{backend:?}"
        );

        let mut other_category = as_new(categorised.clone());
        other_category.category = ActiveValue::Set(Some("another category".into()));
        other_category
            .insert(&app.db)
            .await
            .expect("a different category is a different observation");

        let mut orphan = as_new(uncategorised);
        orphan.subject_id = ActiveValue::Set(i32::MAX);
        assert!(
            orphan.insert(&app.db).await.is_err(),
            "{backend:?}: dangling subject accepted"
        );

        let unknown_kind = app
            .db
            .execute_unprepared("INSERT INTO subjects (kind, key) VALUES ('planet', 'mars')")
            .await;
        assert!(
            unknown_kind.is_err(),
            "{backend:?}: CHECK on subjects.kind missing"
        );
        let unknown_status = app
            .db
            .execute_unprepared("UPDATE observations SET status = 'rumour'")
            .await;
        assert!(
            unknown_status.is_err(),
            "{backend:?}: CHECK on observations.status missing"
        );
    }
}
