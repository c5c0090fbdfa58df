//! The synthetic benchmark dataset: its size, its determinism, and that it never mixes with
//! the paper's data.

use crate::helpers::{TestDatabase, backends};
use cityatlas::synthetic::{self, Scale};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

async fn count(db: &DatabaseConnection, table: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("counts")
        .expect("a row");
    row.try_get("", "n").expect("a number")
}

/// A digest of what the generator wrote: the same on every run and every backend.
async fn digest(db: &DatabaseConnection) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT i.code, s.key, o.period, o.value_text FROM observations o \
             JOIN indicators i ON i.id = o.indicator_id JOIN subjects s ON s.id = o.subject_id \
             ORDER BY i.code, s.key, o.period LIMIT 40"
                .to_owned(),
        ))
        .await
        .expect("reads");
    rows.iter()
        .map(|row| {
            let field = |name: &str| row.try_get::<String>("", name).expect("text");
            format!(
                "{} {} {} {}",
                field("code"),
                field("key"),
                field("period"),
                field("value_text")
            )
        })
        .collect()
}

#[tokio::test]
async fn synthetic_data_has_the_benchmark_shape_and_is_deterministic() {
    let mut digests = Vec::new();
    for backend in backends().await {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        cityatlas::database::migrate(&db).await.expect("migrates");
        let report = synthetic::seed(&db, Scale::new(10_000).expect("in range"))
            .await
            .expect("generates");
        eprintln!("{backend:?}: {report}");
        for (table, expected) in [
            ("countries", 250),
            ("cities", 10_000),
            ("companies", 50_000),
            ("policies", 5_000),
            ("indicators", 100),
            ("observations", 10_000),
            ("sources", 1),
        ] {
            assert_eq!(count(&db, table).await, expected, "{backend:?} {table}");
        }
        assert!(synthetic::is_synthetic(&db).await.expect("checks"));
        let refused = cityatlas::seed::seed_paper_dataset(&db).await;
        assert!(
            refused.is_err(),
            "the paper's data must not join synthetic data"
        );
        let again = synthetic::seed(&db, Scale::new(10_000).expect("in range")).await;
        assert!(
            again.is_err(),
            "synthetic data goes only into an empty database"
        );
        digests.push(digest(&db).await);
        database.drop_now().await;
    }
    if let [first, rest @ ..] = &digests[..] {
        for other in rest {
            assert_eq!(first, other, "the same data on every backend");
        }
        assert_eq!(first.len(), 40);
    }
}

#[tokio::test]
async fn synthetic_data_refuses_a_database_that_holds_the_papers_data() {
    let database = TestDatabase::create(crate::helpers::Backend::Sqlite).await;
    let db = database.connect().await;
    cityatlas::database::migrate(&db).await.expect("migrates");
    cityatlas::seed::seed_paper_dataset(&db)
        .await
        .expect("seeds the paper");
    let refused = synthetic::seed(&db, Scale::new(10_000).expect("in range")).await;
    assert!(refused.is_err());
    assert!(!synthetic::is_synthetic(&db).await.expect("checks"));
}
