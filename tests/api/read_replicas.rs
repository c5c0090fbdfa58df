//! Read replicas, for real: a PostgreSQL primary and a streaming standby of the test's own,
//! the standby's replay paused and resumed to show which database each read went to. Queries
//! read from the replica, mutations and their payloads from the primary; the cache forgets a
//! change once the replica has replayed it; a replica that is down is passed over, and one
//! that fails a read costs that read a second run on the primary, not an error.

use crate::clusters::Cluster;
use crate::helpers::{CHINA_2024, test_settings};
use cityatlas::auth::Role;
use cityatlas::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Far more than replication on loopback takes, and bounded.
const PATIENCE: Duration = Duration::from_secs(20);

struct Served {
    base: String,
    metrics: String,
    client: reqwest::Client,
}

impl Served {
    async fn post(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("sent")
            .json()
            .await
            .expect("a JSON body")
    }

    async fn china_2024(&self) -> Value {
        let body = self.post(CHINA_2024, json!({}), None).await;
        body["data"]["observations"]["nodes"][0].clone()
    }

    /// The figure by a query no one asked before, so that the cache cannot answer it.
    async fn china_2024_uncached(&self, nonce: usize) -> Value {
        let query =
            CHINA_2024.replacen("observations(", &format!("fresh{nonce}: observations("), 1);
        let body = self.post(&query, json!({}), None).await;
        body["data"][format!("fresh{nonce}")]["nodes"][0].clone()
    }

    /// Asks until the figure reads `value`; the last answer either way.
    async fn eventually(&self, value: f64) -> Value {
        let started = Instant::now();
        loop {
            let figure = self.china_2024().await;
            if figure["value"] == value || started.elapsed() > PATIENCE {
                return figure;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn readyz(&self) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}/readyz", self.base))
            .send()
            .await
            .expect("sent");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// Asks until `/readyz` says the replica is `status`; the last answer either way.
    async fn replica_becomes(&self, status: &str) -> Value {
        let started = Instant::now();
        loop {
            let (_, body) = self.readyz().await;
            if body["databases"][1]["status"] == status || started.elapsed() > PATIENCE {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Asks until the series is above `floor`; its last value either way.
    async fn metric_above(&self, series: &str, floor: f64) -> f64 {
        let started = Instant::now();
        loop {
            let value = self.metric(series).await;
            if value > floor || started.elapsed() > PATIENCE {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The value of the series exactly as written (labels included), or 0.
    async fn metric(&self, series: &str) -> f64 {
        let text = self
            .client
            .get(format!("{}/metrics", self.metrics))
            .send()
            .await
            .expect("sent")
            .text()
            .await
            .expect("text");
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0.0)
    }
}

/// A primary, seeded through a server of ours that reads from a standby of it.
async fn primary_standby_and_server() -> Option<(Cluster, Cluster, DatabaseConnection, Served)> {
    let primary = Cluster::create()?;
    primary.start();
    let standby = primary.standby();
    standby.start();
    let mut settings = test_settings(&primary.url());
    settings.database.read_urls = vec![cityatlas::configuration::DatabaseUrl::new(standby.url())];
    settings.response_cache.ttl = Duration::from_secs(60);
    // The paused replica must stay in use however long the machine takes between steps.
    settings.database.max_replica_lag = Duration::from_secs(300);
    settings.metrics.bind = Some("127.0.0.1:0".parse().expect("an address"));
    let app = Application::build(settings)
        .await
        .expect("the application builds");
    let served = Served {
        base: format!("http://127.0.0.1:{}", app.port()),
        metrics: format!(
            "http://127.0.0.1:{}",
            app.metrics_port().expect("metrics are on")
        ),
        client: reqwest::Client::new(),
    };
    tokio::spawn(app.run_until_stopped());
    let db = Database::connect(primary.url()).await.expect("connects");
    Some((primary, standby, db, served))
}

async fn standby_sql(standby: &Cluster, sql: &str) {
    let db = Database::connect(standby.url()).await.expect("connects");
    db.execute_unprepared(sql)
        .await
        .expect("runs on the standby");
    let _ = db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_read_from_the_replica_and_mutations_and_their_payloads_from_the_primary() {
    let Some((_primary, standby, db, served)) = primary_standby_and_server().await else {
        return;
    };
    let seeded = served.eventually(39.32).await;
    assert_eq!(seeded["value"], 39.32, "the standby replayed the seed");
    let (status, ready) = served.readyz().await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["status"], "ready", "{ready}");
    assert_eq!(
        ready["databases"],
        json!([
            { "role": "primary", "name": "primary", "status": "up" },
            { "role": "replica", "name": "replica-1", "status": "up", "lagSeconds": 0.0 },
        ]),
        "named by role, never by host"
    );

    // With replay paused, the standby keeps the figure as it was: a read that sees the old
    // value after the write read from the replica.
    let (_, editor) = cityatlas::store::tokens::create(&db, "editor", Role::Editor, None)
        .await
        .expect("a token");
    standby_sql(&standby, "SELECT pg_wal_replay_pause()").await;
    let corrected = served
        .post(
            r#"mutation($id: ID!, $rev: Int!, $input: UpdateObservationInput!, $reason: String!) {
              updateObservation(id: $id, expectedRevision: $rev, input: $input, reason: $reason) {
                observation { value revision } userErrors { code } } }"#,
            json!({ "id": seeded["id"], "rev": seeded["revision"], "reason": "a later edition",
                    "input": { "value": 41.0, "valueText": "41" } }),
            Some(editor.expose()),
        )
        .await;
    assert_eq!(
        corrected["data"]["updateObservation"],
        json!({ "observation": { "value": 41.0, "revision": seeded["revision"].as_i64().expect("a revision") + 1 },
                "userErrors": [] }),
        "the payload reads the primary: {corrected}"
    );
    assert_eq!(
        served.china_2024().await["value"],
        39.32,
        "a query reads the replica, which has not replayed the correction"
    );
    let replica = r#"{replica="127.0.0.1:"#;
    let lag_series = format!(
        "cityatlas_db_replica_lag_bytes{replica}{}/postgres\"}}",
        standby.port
    );
    assert!(
        served.metric_above(&lag_series, 0.0).await > 0.0,
        "the paused replica lags behind the primary"
    );
    assert!(
        served
            .metric(r#"cityatlas_db_reads_total{database="replica"}"#)
            .await
            >= 2.0
    );
    assert!(
        served
            .metric(r#"cityatlas_db_reads_total{database="primary"}"#)
            .await
            >= 1.0,
        "the mutation ran on the primary"
    );

    // Replayed, the correction is read from the replica, and the answer cached while it was
    // behind is forgotten.
    standby_sql(&standby, "SELECT pg_wal_replay_resume()").await;
    let started = Instant::now();
    assert_eq!(served.eventually(41.0).await["value"], 41.0);
    eprintln!(
        "read replicas: the correction was read from the replica {:?} after replay resumed",
        started.elapsed()
    );

    // A replica that is down is passed over: reads go to the primary, and none fails.
    standby.stop();
    let (mut reads, mut failed) = (0, 0);
    let outage = Instant::now();
    while outage.elapsed() < Duration::from_secs(2) {
        reads += 1;
        if served.china_2024_uncached(reads).await["value"] != 41.0 {
            failed += 1;
        }
    }
    assert_eq!(failed, 0, "of {reads} reads while the replica is down");
    let down = served.replica_becomes("down").await;
    assert_eq!(down["status"], "degraded", "{down}");
    assert_eq!(down["databases"][1]["lagSeconds"], Value::Null, "{down}");
    assert_eq!(
        served
            .metric(&format!(
                "cityatlas_db_replica_up{replica}{}/postgres\"}}",
                standby.port
            ))
            .await,
        0.0
    );
    standby.start();
    let up = served.replica_becomes("up").await;
    assert_eq!(up["status"], "ready", "{up}");
    let before = served
        .metric(r#"cityatlas_db_reads_total{database="replica"}"#)
        .await;
    assert_eq!(served.china_2024_uncached(reads + 1).await["value"], 41.0);
    assert!(
        served
            .metric(r#"cityatlas_db_reads_total{database="replica"}"#)
            .await
            > before,
        "reads are back on the replica"
    );
    let _ = db.close().await;
}
