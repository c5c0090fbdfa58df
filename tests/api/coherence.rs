//! Two replicas on one PostgreSQL database keep their response caches true to each other's
//! writes: a write through one is seen through the other, cache and all, and a replica
//! whose listening connection dropped forgets what it kept if a change committed meanwhile.

use crate::helpers::{
    Backend, CHINA_2024, TestApp, backends, correct_figure, spawn_app_with, spawn_replica, token,
};
use cityatlas::auth::Role;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// How long a replica may take to hear of a change before the test gives up: far more than
/// it takes, so that a slow machine cannot fail the test, and bounded, so that a broken
/// listener fails it instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

async fn china_2024_at(app: &TestApp, address: &str) -> Value {
    let body: Value = app
        .client
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": CHINA_2024 }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("a JSON body");
    body["data"]["observations"]["nodes"][0].clone()
}

/// Asks until the replica answers `value`, or the patience runs out.
async fn eventually(app: &TestApp, address: &str, value: f64) -> Value {
    let started = Instant::now();
    loop {
        let figure = china_2024_at(app, address).await;
        if figure["value"] == value || started.elapsed() > PATIENCE {
            return figure;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_write_through_one_replica_clears_the_other_replicas_cache() {
    for backend in backends().await {
        if backend != Backend::Postgres {
            // An SQLite database is one process's: there is no other replica to tell.
            continue;
        }
        let app = spawn_app_with(backend, |settings| {
            settings.response_cache.ttl = Duration::from_secs(600);
        })
        .await;
        let other = spawn_replica(&app, |settings| {
            settings.response_cache.ttl = Duration::from_secs(600);
        })
        .await;

        let before = china_2024_at(&app, &other).await;
        assert_eq!(before["value"], 39.32, "{before}");
        // Behind both replicas' backs (no audit event, so no notice): the other replica
        // keeps answering from its cache.
        app.db
            .execute_unprepared(
                "UPDATE observations SET value = 39.5 WHERE value = 39.32 AND period = '2024'",
            )
            .await
            .expect("a change behind the API's back");
        assert_eq!(china_2024_at(&app, &other).await["value"], 39.32);

        // A curator's correction through the first replica reaches the second's cache.
        let editor = token(&app, "coherence-editor", Role::Editor).await;
        correct_figure(&app, &editor, &before, 41.0).await;
        let after = eventually(&app, &other, 41.0).await;
        assert_eq!(
            after["value"], 41.0,
            "the other replica still answers {after}"
        );
        assert_eq!(
            after["revision"],
            before["revision"].as_i64().unwrap_or(0) + 1
        );

        // A correction that no replica hears of (the trigger is off while it commits), then
        // the listening connections are cut: a replica that listens again and finds a change
        // committed while it was away forgets its cache.
        app.db
            .execute_unprepared("ALTER TABLE audit_events DISABLE TRIGGER audit_events_notify")
            .await
            .expect("the notices stop");
        correct_figure(
            &app,
            &editor,
            &json!({ "id": before["id"], "revision": after["revision"] }),
            42.0,
        )
        .await;
        app.db
            .execute_unprepared("ALTER TABLE audit_events ENABLE TRIGGER audit_events_notify")
            .await
            .expect("the notices resume");
        assert_eq!(china_2024_at(&app, &other).await["value"], 41.0);
        let cut = app
            .db
            .execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() \
                 AND (query LIKE 'LISTEN%' OR query = 'SELECT MAX(id) FROM audit_events') \
                 AND pid <> pg_backend_pid()",
            )
            .await
            .expect("listeners cut");
        assert!(cut.rows_affected() >= 2, "both replicas were listening");
        let healed = eventually(&app, &other, 42.0).await;
        assert_eq!(
            healed["value"], 42.0,
            "the other replica still answers {healed}"
        );
    }
}
