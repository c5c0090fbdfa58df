//! Prometheus metrics on their own listener: `/metrics` there counts exactly the traffic
//! the public listener served (requests by route pattern, operations by name and outcome,
//! cost points, cache lookups, statements) and reads the pool's gauges; the public
//! listener has no `/metrics`, and without `--metrics-bind` there is no listener at all.

use crate::helpers::{TestApp, backends, spawn_app, spawn_app_with};
use cityatlas::configuration::Settings;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

const COUNTRIES: &str = "{ countries(first: 5) { nodes { code } } }";
const NAMED: &str = "query CountryCodes { countries(first: 2) { nodes { code } } }";
const CSV: &str = "/export/indicators/ai_market_size.csv";
const GRAPHQL_OK: &[(&str, &str)] = &[("method", "POST"), ("route", "/graphql"), ("status", "200")];

/// One scrape: each sample's value by its name and its labels, sorted.
struct Scrape(BTreeMap<(String, Vec<(String, String)>), f64>);

impl Scrape {
    /// The sample with exactly these labels; absent is 0, as a counter not yet created.
    fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let mut labels: Vec<(String, String)> = labels
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        labels.sort();
        self.0
            .get(&(name.to_owned(), labels))
            .copied()
            .unwrap_or(0.0)
    }

    fn has(&self, name: &str) -> bool {
        self.0.keys().any(|(sample, _)| sample == name)
    }
}

/// The text format's sample lines: `name{key="value",...} number`; comments are skipped.
fn parse(text: &str) -> Scrape {
    let mut samples = BTreeMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').expect("a sample and its value");
        let value: f64 = value.parse().expect("a number");
        let (name, mut labels) = match series.split_once('{') {
            None => (series.to_owned(), Vec::new()),
            Some((name, rest)) => (
                name.to_owned(),
                parse_labels(rest.strip_suffix('}').expect("labels close")),
            ),
        };
        labels.sort();
        samples.insert((name, labels), value);
    }
    Scrape(samples)
}

/// `key="value",...`, where a value may hold `{`, `,` and escaped quotes.
fn parse_labels(mut rest: &str) -> Vec<(String, String)> {
    let mut labels = Vec::new();
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"").expect("key=\"");
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next().expect("the value closes") {
                (_, '\\') => value.push(chars.next().expect("an escaped character").1),
                (at, '"') => break at,
                (_, other) => value.push(other),
            }
        };
        labels.push((key.to_owned(), value));
        rest = after[end + 1..].trim_start_matches(',');
    }
    labels
}

async fn spawn(backend: crate::helpers::Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.metrics.bind = Some("127.0.0.1:0".parse().expect("an address"));
        adjust(settings);
    })
    .await
}

async fn scrape(app: &TestApp) -> Scrape {
    let address = app.metrics_address.as_ref().expect("metrics are on");
    let response = app
        .client
        .get(format!("{address}/metrics"))
        .send()
        .await
        .expect("scraped");
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    parse(&response.text().await.expect("a body"))
}

async fn post(app: &TestApp, query: &str) -> Value {
    let response = app.post_graphql(query).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("a JSON body")
}

fn price(body: &Value) -> f64 {
    body["extensions"]["cost"]["requestedQueryCost"]
        .as_f64()
        .unwrap_or_else(|| panic!("priced: {body}"))
}

#[tokio::test]
async fn the_metrics_listener_counts_the_public_listeners_traffic() {
    for backend in backends().await {
        let app = spawn(backend, |settings| {
            settings.response_cache.ttl = Duration::from_secs(60);
            settings.rate_limit.points_per_window = 1_000_000;
        })
        .await;
        let rows = app
            .data(r#"{ observations(filter: { indicator: ["ai_market_size"] }) { totalCount } }"#)
            .await["observations"]["totalCount"]
            .as_f64()
            .expect("a count");
        let before = scrape(&app).await;

        let first = post(&app, COUNTRIES).await;
        let again = post(&app, COUNTRIES).await;
        assert_eq!(first["data"], again["data"]);
        let named = post(&app, NAMED).await;
        assert!(named.get("errors").is_none(), "{named}");
        let broken = post(&app, "{ countries(first: 5) {").await;
        assert_eq!(
            broken["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED",
            "{broken}"
        );
        let csv = app.get(CSV).await;
        assert_eq!(csv.status(), 200);
        let public = app.get("/metrics").await;
        assert_eq!(public.status(), 404, "no metrics on the public listener");

        let after = scrape(&app).await;
        let delta = |name: &str, labels: &[(&str, &str)]| {
            after.value(name, labels) - before.value(name, labels)
        };
        let http = "cityatlas_http_requests_total";
        assert_eq!(delta(http, GRAPHQL_OK), 4.0, "{backend:?}");
        let csv_route = [
            ("method", "GET"),
            ("route", "/export/indicators/{code}.csv"),
            ("status", "200"),
        ];
        assert_eq!(delta(http, &csv_route), 1.0, "{backend:?}: by pattern");
        let not_found = [("method", "GET"), ("route", "unmatched"), ("status", "404")];
        assert_eq!(
            delta(http, &not_found),
            1.0,
            "{backend:?}: /metrics on the public side"
        );
        assert_eq!(
            delta(
                "cityatlas_http_request_duration_seconds_count",
                &[("method", "POST"), ("route", "/graphql")]
            ),
            4.0
        );

        let operations = "cityatlas_graphql_operations_total";
        let anonymous_ok = [("operation", "anonymous"), ("outcome", "ok")];
        assert_eq!(delta(operations, &anonymous_ok), 2.0, "{backend:?}");
        let named_ok = [("operation", "CountryCodes"), ("outcome", "ok")];
        assert_eq!(delta(operations, &named_ok), 1.0, "{backend:?}");
        let failed = [
            ("operation", "anonymous"),
            ("outcome", "GRAPHQL_PARSE_FAILED"),
        ];
        assert_eq!(delta(operations, &failed), 1.0, "{backend:?}");

        let lookups = "cityatlas_cache_lookups_total";
        let hit = [("cache", "response"), ("result", "hit")];
        let miss = [("cache", "response"), ("result", "miss")];
        assert_eq!(delta(lookups, &hit), 1.0, "{backend:?}: the repeated query");
        assert_eq!(delta(lookups, &miss), 3.0, "{backend:?}");
        assert!(after.value("cityatlas_cache_bytes", &[("cache", "response")]) > 0.0);
        assert!(after.value("cityatlas_cache_bytes", &[("cache", "document")]) > 0.0);
        // Parsed once: the hit never reached the parser, the broken one failed to parse,
        // and the download's queries are parsed like any client's.
        assert!(delta(lookups, &[("cache", "document"), ("result", "miss")]) >= 2.0);

        // Each answer's price, and the parse failure's one point.
        let spent = price(&first) + price(&again) + price(&named) + 1.0;
        let graphql = [("surface", "graphql")];
        assert_eq!(delta("cityatlas_cost_points_spent_total", &graphql), spent);
        let export = [("surface", "export")];
        assert_eq!(
            delta("cityatlas_cost_points_spent_total", &export),
            rows,
            "{backend:?}: a download costs a point a row"
        );
        assert_eq!(delta("cityatlas_rate_limit_refusals_total", &graphql), 0.0);

        assert_eq!(after.value("cityatlas_db_pool_max_connections", &[]), 4.0);
        let open = after.value("cityatlas_db_pool_connections", &[("state", "idle")])
            + after.value("cityatlas_db_pool_connections", &[("state", "in_use")]);
        assert!((1.0..=4.0).contains(&open), "{backend:?}: {open} open");
        assert!(after.has("cityatlas_db_statement_duration_seconds_bucket"));
        let reads = "cityatlas_db_reads_total";
        assert!(
            delta(reads, &[("database", "primary")]) >= 3.0,
            "{backend:?}: the two queries executed and the download's, all on the primary"
        );
        assert_eq!(delta(reads, &[("database", "replica")]), 0.0);
        assert!(
            !after.has("cityatlas_rate_limit_redis_up") && !after.has("cityatlas_db_replica_up"),
            "{backend:?}: no series for what is not configured"
        );
        let statements = "cityatlas_db_statement_duration_seconds_count";
        assert!(
            delta(statements, &[("outcome", "ok")]) >= 2.0,
            "{backend:?}: the two queries executed, the download's, read statements"
        );
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn the_change_listener_counts_what_it_hears() {
    for backend in backends().await {
        if backend != crate::helpers::Backend::Postgres {
            continue;
        }
        let app = spawn(backend, |_| {}).await;
        let editor = crate::helpers::token(&app, "editor", cityatlas::auth::Role::Editor).await;
        let notifications = "cityatlas_change_notifications_total";
        let listening = [("kind", "listening")];
        let change = [("kind", "change")];
        let before = scrape(&app).await;
        assert_eq!(
            before.value(notifications, &listening),
            1.0,
            "the listener connected once"
        );
        let figure = app
            .data(r#"{ observations(filter: { indicator: ["ai_market_size"], country: ["CN"], period: ["2024"] }) { nodes { id revision } } }"#)
            .await["observations"]["nodes"][0]
            .clone();
        crate::helpers::correct_figure(&app, &editor, &figure, 41.0).await;
        let started = std::time::Instant::now();
        let mut heard = 0.0;
        while started.elapsed() < Duration::from_secs(20) {
            heard = scrape(&app).await.value(notifications, &change)
                - before.value(notifications, &change);
            if heard >= 1.0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(heard, 1.0, "one correction, one audit event, one notice");
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn refusals_for_spent_budgets_are_counted_with_their_points() {
    for backend in backends().await {
        let app = spawn(backend, |settings| {
            // Less than any query or download costs.
            settings.rate_limit.points_per_window = 1;
        })
        .await;
        let before = scrape(&app).await;

        let refused = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": "{ countries(first: 20) { nodes { code name } } }" }))
            .send()
            .await
            .expect("sent");
        assert_eq!(refused.status(), 429);
        let refused: Value = refused.json().await.expect("a JSON body");
        let csv = app.get(CSV).await;
        assert_eq!(csv.status(), 429, "{backend:?}: the budget is spent");

        let after = scrape(&app).await;
        let delta = |name: &str, labels: &[(&str, &str)]| {
            after.value(name, labels) - before.value(name, labels)
        };
        let graphql = [("surface", "graphql")];
        let export = [("surface", "export")];
        let refusals = "cityatlas_rate_limit_refusals_total";
        assert_eq!(delta(refusals, &graphql), 1.0, "{backend:?}");
        assert_eq!(delta(refusals, &export), 1.0, "{backend:?}");
        assert_eq!(
            delta("cityatlas_cost_points_refused_total", &graphql),
            price(&refused),
            "{backend:?}: the refused request's price"
        );
        let limited = [("operation", "anonymous"), ("outcome", "RATE_LIMITED")];
        assert_eq!(delta("cityatlas_graphql_operations_total", &limited), 1.0);
        let too_many = [("method", "POST"), ("route", "/graphql"), ("status", "429")];
        assert_eq!(delta("cityatlas_http_requests_total", &too_many), 1.0);
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn without_a_metrics_bind_there_is_no_metrics_listener() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    assert!(app.metrics_address.is_none());
    assert_eq!(app.get("/metrics").await.status(), 404);
}

/// The binary itself: the metrics listener is announced in the log, answers, and closes
/// when SIGTERM stops the public listener, the process exiting cleanly.
#[test]
fn the_metrics_listener_stops_with_the_server() {
    use std::io::{Read, Write};
    let mut server = crate::helpers::ServerProcess::start(
        "metrics_listener",
        &["--metrics-bind", "127.0.0.1:0", "--no-seed"],
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let address = loop {
        let announced = server.log().iter().find_map(|line| {
            let start = line.find("metrics at http://")? + "metrics at http://".len();
            let end = start + line[start..].find("/metrics")?;
            Some(line[start..end].to_owned())
        });
        if let Some(address) = announced {
            break address;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no metrics address logged"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stream = std::net::TcpStream::connect(&address).expect("the metrics listener");
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: metrics\r\n\r\n")
        .expect("asked");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answered");
    let status_line = answer.lines().next().unwrap_or_default();
    assert!(status_line.contains(" 200 "), "{answer}");
    assert!(
        answer.contains("cityatlas_db_pool_max_connections 10"),
        "{answer}"
    );
    assert!(server.terminate().success());
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "the metrics listener closed with the server"
    );
}
