//! Database faults, for real: a PostgreSQL cluster of the test's own (initdb and pg_ctl as the
//! `postgres` user, on another port) is terminated and stopped under load while the real
//! binary serves. The shared server on 5432 is left alone.

use crate::clusters::{Cluster, free_port};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The server's request deadline, which every answer during the outage must beat.
const DEADLINE: Duration = Duration::from_secs(10);
const QUERY: &str = "{ observations(first: 20) { nodes { value source { title } } } }";

/// The real binary, so that "the process stays up" and its memory are the process's own.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn spawn(database_url: &str) -> Self {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
            .args([
                "serve",
                "--database-url",
                database_url,
                "--rate-limit-points",
                "0",
                // Cached answers would keep coming while the database is down; this test
                // is about what the database's absence does to the rest.
                "--response-cache-secs",
                "0",
            ])
            .args([
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--log-level",
                "error",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|line| line.starts_with("VmRSS:"))
                    .and_then(|line| line.split_whitespace().nth(1))
                    .and_then(|kib| kib.parse().ok())
            })
            .expect("the server process exists")
    }

    fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One GraphQL request: the HTTP status, the first error's code (or "ok") and the time taken.
async fn query(client: &reqwest::Client, base: &str) -> (u16, String, Duration) {
    let started = Instant::now();
    let response = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or(if body["data"]["observations"].is_object() {
            "ok"
        } else {
            "no data"
        })
        .to_owned();
    (status, code, started.elapsed())
}

async fn readyz(client: &reqwest::Client, base: &str) -> u16 {
    client
        .get(format!("{base}/readyz"))
        .send()
        .await
        .map(|response| response.status().as_u16())
        .unwrap_or(0)
}

/// Polls until a query succeeds; returns how long that took.
async fn time_to_recover(client: &reqwest::Client, base: &str) -> Duration {
    let started = Instant::now();
    loop {
        if query(client, base).await.1 == "ok" {
            return started.elapsed();
        }
        assert!(started.elapsed() < DEADLINE * 3, "no recovery");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Keeps four clients querying until told to stop; returns every outcome.
fn background_load(
    client: &reqwest::Client,
    base: &str,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Vec<(u16, String, Duration)>>> {
    (0..4)
        .map(|_| {
            let (client, base, stop) = (client.clone(), base.to_owned(), stop.clone());
            tokio::spawn(async move {
                let mut outcomes = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    outcomes.push(query(&client, &base).await);
                }
                outcomes
            })
        })
        .collect()
}

async fn collect(
    load: Vec<tokio::task::JoinHandle<Vec<(u16, String, Duration)>>>,
) -> Vec<(u16, String, Duration)> {
    let mut outcomes = Vec::new();
    for task in load {
        outcomes.extend(task.await.expect("the load task finishes"));
    }
    outcomes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_survives_a_database_outage_and_recovers_without_a_restart() {
    let Some(cluster) = Cluster::create() else {
        return;
    };
    cluster.start();
    let mut server = Server::spawn(&cluster.url());
    let client = reqwest::Client::builder()
        .timeout(DEADLINE * 2)
        .build()
        .expect("a client");
    let started = Instant::now();
    while readyz(&client, &server.base).await != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server never became ready"
        );
        assert!(server.is_running(), "the server exited while starting");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for _ in 0..20 {
        assert_eq!(query(&client, &server.base).await.1, "ok");
    }

    // 1. Every connection terminated while requests are under way.
    let stop = Arc::new(AtomicBool::new(false));
    let load = background_load(&client, &server.base, &stop);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let admin = sea_orm::Database::connect(cluster.url())
        .await
        .expect("connects");
    sea_orm::ConnectionTrait::execute_unprepared(
        &admin,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'",
    )
    .await
    .expect("terminates the server's connections");
    let recovered_after_terminate = time_to_recover(&client, &server.base).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let outcomes = collect(load).await;
    let _ = admin.close().await;
    for (status, code, _) in &outcomes {
        assert!(
            matches!(code.as_str(), "ok" | "SERVICE_UNAVAILABLE") && *status == 200,
            "after terminating connections: {status} {code}"
        );
    }

    // 2. The server stopped outright, under load.
    let rss_before = server.rss_kib();
    let stop = Arc::new(AtomicBool::new(false));
    let load = background_load(&client, &server.base, &stop);
    tokio::time::sleep(Duration::from_millis(300)).await;
    cluster.stop();
    let down_since = Instant::now();
    let mut while_down = Vec::new();
    while down_since.elapsed() < Duration::from_secs(6) {
        assert_eq!(
            readyz(&client, &server.base).await,
            503,
            "readyz while the database is down"
        );
        while_down.push(query(&client, &server.base).await);
    }
    stop.store(true, Ordering::Relaxed);
    let during = collect(load).await;
    let rss_during = server.rss_kib();
    assert!(server.is_running(), "the process stays up");
    for (status, code, elapsed) in &while_down {
        assert_eq!(
            (*status, code.as_str()),
            (200, "SERVICE_UNAVAILABLE"),
            "while down"
        );
        assert!(
            *elapsed < DEADLINE,
            "answered within the deadline, not hung: {elapsed:?}"
        );
    }
    for (_, code, elapsed) in &during {
        assert!(
            matches!(code.as_str(), "ok" | "SERVICE_UNAVAILABLE"),
            "under load: {code}"
        );
        assert!(
            *elapsed < DEADLINE,
            "under load, within the deadline: {elapsed:?}"
        );
    }
    let requests_while_down = while_down.len() + during.len();
    assert!(
        rss_during < rss_before + 32 * 1024,
        "memory grew from {rss_before} KiB to {rss_during} KiB over {requests_while_down} failing requests"
    );

    cluster.start();
    let recovered_after_restart = time_to_recover(&client, &server.base).await;
    assert_eq!(readyz(&client, &server.base).await, 200);
    assert!(server.is_running(), "recovered without a restart");
    eprintln!(
        "outage: recovered {recovered_after_terminate:?} after terminating connections and \
         {recovered_after_restart:?} after PostgreSQL came back; {requests_while_down} requests \
         while down, slowest {:?}; RSS {rss_before} KiB -> {rss_during} KiB",
        while_down
            .iter()
            .chain(&during)
            .map(|(_, _, elapsed)| *elapsed)
            .max()
            .unwrap_or_default()
    );
    assert!(
        recovered_after_restart <= Duration::from_secs(2),
        "recovery took {recovered_after_restart:?}"
    );
}
