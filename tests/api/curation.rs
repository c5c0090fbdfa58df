//! Curation: tokens and roles, the observation mutations with their user errors and
//! expected revisions, the revisions and audit log they leave, the response cache they
//! clear, and edits that survive a restart.

use crate::helpers::{
    TestApp, backends, first_start, paper_rows, send, spawn_app_on, spawn_app_with, token,
};
use cityatlas::auth::Role;
use cityatlas::store::tokens;
use reqwest::header::{AUTHORIZATION, ETAG, WWW_AUTHENTICATE};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use std::time::Duration;

const CHINA_2024: &str = r#"{ observations(filter: { indicator: ["ai_market_size"], country: ["CN"], period: ["2024"] }) {
  nodes { id value valueText revision createdAt updatedAt } } }"#;

const UPDATE: &str = r#"mutation($id: ID!, $rev: Int!, $input: UpdateObservationInput!, $reason: String!) {
  updateObservation(id: $id, expectedRevision: $rev, input: $input, reason: $reason) {
    observation { id value valueText caveats revision
      revisions { revision action changedBy reason value valueText retracted } }
    userErrors { field message code } } }"#;

const CREATE: &str = r#"mutation($input: CreateObservationInput!, $reason: String!) {
  createObservation(input: $input, reason: $reason) {
    observation { id value revision indicator { code } }
    userErrors { field message code } } }"#;

const RETRACT: &str = r#"mutation($id: ID!, $rev: Int!, $reason: String!) {
  retractObservation(id: $id, expectedRevision: $rev, reason: $reason) {
    observation { revision } retractedObservationId userErrors { field message code } } }"#;

async fn china_2024(app: &TestApp) -> Value {
    app.data(CHINA_2024).await["observations"]["nodes"][0].clone()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .expect("count")
        .expect("a row");
    row.try_get("", "n").expect("a count")
}

/// The revision China's 2024 AI market size is at after the first start: liu-2025's, then
/// the correction that named the section Fig. 1's sentence stands in.
const CURRENT: i64 = 2;

fn correction(id: &Value, revision: i64) -> Value {
    json!({
        "id": id, "rev": revision, "reason": "the printed figure is 39,33",
        "input": { "value": 39.33, "valueText": "39,33" }
    })
}

fn new_figure() -> Value {
    json!({
        "reason": "a newer Statista figure",
        "input": {
            "indicator": "ai_market_size", "subjectKind": "COUNTRY", "subject": "CN",
            "period": "2025", "value": 45.1, "valueText": "45,1", "unit": "USD",
            "scale": "billion", "status": "FORECAST",
            "source": "statista-china-ai-market-size", "citedIn": "Statista, 2025 edition"
        }
    })
}

#[tokio::test]
async fn each_role_against_each_mutation() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let reader = token(&app, "integration", Role::Reader).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let admin = token(&app, "operator", Role::Admin).await;
        let figure = china_2024(&app).await;

        // No token: 401 before anything runs, with a challenge.
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({ "query": UPDATE, "variables": correction(&figure["id"], CURRENT) }))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 401, "{backend:?}");
        assert_eq!(
            response.headers()[WWW_AUTHENTICATE],
            r#"Bearer realm="City Atlas""#
        );
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");

        for (query, variables) in [
            (UPDATE, correction(&figure["id"], CURRENT)),
            (CREATE, new_figure()),
            (
                RETRACT,
                json!({ "id": figure["id"], "rev": CURRENT, "reason": "r" }),
            ),
        ] {
            let (status, body) = send(&app, Some(&reader), query, variables).await;
            assert_eq!(status, 403, "{backend:?}: a reader writes nothing: {body}");
            assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
        }
        assert_eq!(
            china_2024(&app).await["revision"],
            CURRENT,
            "nothing changed"
        );
        // A reader still reads, with its token.
        let (status, body) = send(&app, Some(&reader), CHINA_2024, json!({})).await;
        assert_eq!(
            (
                status,
                body["data"]["observations"]["nodes"][0]["value"].clone()
            ),
            (200, json!(39.32))
        );

        let (status, body) = send(
            &app,
            Some(&editor),
            UPDATE,
            correction(&figure["id"], CURRENT),
        )
        .await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        let updated = &body["data"]["updateObservation"];
        assert_eq!(updated["userErrors"], json!([]), "{backend:?}");
        assert_eq!(updated["observation"]["value"], 39.33);
        assert_eq!(updated["observation"]["revision"], CURRENT + 1);
        assert_eq!(updated["observation"]["id"], figure["id"], "the ID stays");
        let revisions = updated["observation"]["revisions"]
            .as_array()
            .expect("revisions");
        assert_eq!(revisions.len(), 3, "{backend:?}: {revisions:?}");
        assert_eq!(revisions[0]["value"], 39.32);
        assert_eq!(revisions[0]["changedBy"], "importer");
        assert_eq!(revisions[1]["value"], 39.32, "the section of Fig. 1 named");
        assert_eq!(revisions[2]["value"], 39.33);
        assert_eq!(revisions[2]["changedBy"], "curator");
        assert_eq!(revisions[2]["reason"], "the printed figure is 39,33");

        let (_, body) = send(&app, Some(&admin), CREATE, new_figure()).await;
        let created = &body["data"]["createObservation"];
        assert_eq!(created["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(created["observation"]["revision"], 1);
        let new_id = created["observation"]["id"].clone();

        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT,
            json!({ "id": new_id, "rev": 1, "reason": "superseded by the 2026 edition" }),
        )
        .await;
        let retracted = &body["data"]["retractObservation"];
        assert_eq!(retracted["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(retracted["retractedObservationId"], new_id);
        assert_eq!(retracted["observation"]["revision"], 2);

        let events = app
            .data(
                r#"{ auditEvents(filter: { actor: ["curator", "operator"] }) {
                nodes { actor action entityType entityId revision reason before after } } }"#,
            )
            .await;
        let events = events["auditEvents"]["nodes"]
            .as_array()
            .expect("events")
            .clone();
        let actions: Vec<(&str, &str)> = events
            .iter()
            .map(|e| {
                (
                    e["actor"].as_str().unwrap_or(""),
                    e["action"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            actions,
            [
                ("curator", "updated"),
                ("operator", "created"),
                ("curator", "retracted")
            ],
            "{backend:?}"
        );
        assert_eq!(events[0]["entityId"], figure["id"]);
        assert_eq!(events[0]["before"]["value"], 39.32);
        assert_eq!(events[0]["after"]["value"], 39.33);
        assert_eq!(events[2]["after"], Value::Null);
        let audit_text = events.iter().map(Value::to_string).collect::<String>();
        for secret in [&reader, &editor, &admin] {
            assert!(
                !audit_text.contains(secret.as_str()),
                "no token in the audit log"
            );
        }
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn bad_revoked_and_expired_tokens_are_refused_with_a_challenge() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let revoked = token(&app, "old laptop", Role::Editor).await;
        tokens::revoke(&app.db, "old laptop")
            .await
            .expect("revoked");
        let (_, expired) = tokens::create(
            &app.db,
            "last year",
            Role::Editor,
            Some(chrono::Utc::now() - chrono::TimeDelta::hours(1)),
        )
        .await
        .expect("a token");
        let unknown = format!("ca_{}", "A".repeat(43));
        for bad in [
            revoked.as_str(),
            expired.expose(),
            unknown.as_str(),
            "not-a-token",
        ] {
            let response = app
                .client
                .post(format!("{}/graphql", app.address))
                .header(AUTHORIZATION, format!("Bearer {bad}"))
                .json(&json!({ "query": "{ __typename }" }))
                .send()
                .await
                .expect("sent");
            assert_eq!(response.status(), 401, "{backend:?}: {bad}");
            assert_eq!(
                response.headers()[WWW_AUTHENTICATE],
                r#"Bearer realm="City Atlas", error="invalid_token""#
            );
            let body: Value = response.json().await.expect("JSON");
            assert_eq!(body["errors"][0]["extensions"]["code"], "INVALID_TOKEN");
            assert!(!body.to_string().contains(bad), "the token is not echoed");
        }
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header(AUTHORIZATION, "Basic dXNlcjpwYXNz")
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 401, "another scheme is refused");
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn input_that_fails_a_check_writes_nothing() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let figure = china_2024(&app).await;
        let tables = ["observations", "observations_revisions", "audit_events"];
        let mut before = Vec::new();
        for table in tables {
            before.push(count(&app, table).await);
        }
        let with = |changes: Value| {
            let mut variables = new_figure();
            for (key, value) in changes.as_object().expect("an object") {
                variables["input"][key] = value.clone();
            }
            variables
        };
        let cases = [
            (
                CREATE,
                with(json!({ "indicator": "gdp" })),
                "UNKNOWN_REFERENCE",
                "indicator",
            ),
            (
                CREATE,
                with(json!({ "subject": "atlantis" })),
                "UNKNOWN_REFERENCE",
                "subject",
            ),
            (
                CREATE,
                with(json!({ "source": "wikipedia" })),
                "UNKNOWN_REFERENCE",
                "source",
            ),
            (
                CREATE,
                with(json!({ "period": "2025-Q5" })),
                "INVALID_PERIOD",
                "period",
            ),
            (CREATE, with(json!({ "unit": "CNY" })), "WRONG_UNIT", "unit"),
            (
                CREATE,
                with(json!({ "valueText": "46,1" })),
                "VALUE_MISMATCH",
                "valueText",
            ),
            (CREATE, with(json!({ "citedIn": " " })), "BLANK", "citedIn"),
            (
                CREATE,
                with(json!({ "period": "2024" })),
                "DUPLICATE",
                "input",
            ),
            (
                CREATE,
                json!({ "reason": "", "input": new_figure()["input"] }),
                "BLANK",
                "reason",
            ),
            (
                UPDATE,
                correction(&figure["id"], 7),
                "STALE_REVISION",
                "expectedRevision",
            ),
            (
                UPDATE,
                json!({ "id": figure["id"], "rev": CURRENT, "reason": "r", "input": { "scale": "million" } }),
                "WRONG_UNIT",
                "unit",
            ),
            (
                UPDATE,
                json!({ "id": "Q291bnRyeTpDTg", "rev": 1, "reason": "r", "input": {} }),
                "INVALID_ID",
                "id",
            ),
            (
                RETRACT,
                json!({ "id": figure["id"], "rev": CURRENT + 1, "reason": "r" }),
                "STALE_REVISION",
                "expectedRevision",
            ),
        ];
        for (query, variables, code, field) in cases {
            let (status, body) = send(&app, Some(&editor), query, variables.clone()).await;
            assert_eq!(status, 200, "{backend:?}: {body}");
            let payload = body["data"]
                .as_object()
                .and_then(|data| data.values().next())
                .cloned();
            let payload = payload.unwrap_or_default();
            let errors = payload["userErrors"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(
                errors.iter().any(|error| error["code"] == code
                    && error["field"].as_array().and_then(|f| f.last()) == Some(&json!(field))),
                "{backend:?}: {variables} should give {code} on {field}: {body}"
            );
            assert!(
                errors
                    .iter()
                    .all(|error| !error["message"].as_str().unwrap_or("").is_empty())
            );
        }
        for (table, was) in tables.iter().zip(before) {
            assert_eq!(
                count(&app, table).await,
                was,
                "{backend:?}: {table} unchanged"
            );
        }
        assert_eq!(china_2024(&app).await["revision"], CURRENT);
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn two_editors_with_one_revision_exactly_one_wins() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let first = token(&app, "first editor", Role::Editor).await;
        let second = token(&app, "second editor", Role::Editor).await;
        let started = first_start(&app).await;
        let figure = china_2024(&app).await;
        for round in 1..=5_i64 {
            let variables = |value: f64| {
                json!({ "id": figure["id"], "rev": round + CURRENT - 1, "reason": format!("round {round}"),
                        "input": { "value": value, "valueText": value.to_string().replace('.', ",") } })
            };
            let (a, b) = tokio::join!(
                send(&app, Some(&first), UPDATE, variables(40.0 + round as f64)),
                send(&app, Some(&second), UPDATE, variables(50.0 + round as f64)),
            );
            let outcomes: Vec<bool> = [&a.1, &b.1]
                .iter()
                .map(|body| body["data"]["updateObservation"]["userErrors"] == json!([]))
                .collect();
            assert_eq!(
                outcomes.iter().filter(|won| **won).count(),
                1,
                "{backend:?} round {round}: {a:?} {b:?}"
            );
            let loser = if outcomes[0] { &b.1 } else { &a.1 };
            let refused = &loser["data"]["updateObservation"];
            assert_eq!(refused["userErrors"][0]["code"], "STALE_REVISION");
            assert_eq!(
                refused["observation"]["revision"],
                round + CURRENT,
                "the refusal carries the current revision"
            );
        }
        let after = china_2024(&app).await;
        assert_eq!(after["revision"], CURRENT + 5, "{backend:?}");
        assert_eq!(
            count(&app, "audit_events").await,
            started.imported + started.corrections + 5,
            "the first start's events, then five wins"
        );
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn a_write_clears_the_response_cache_and_changes_the_etag() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |settings| {
            settings.response_cache.ttl = Duration::from_secs(600);
        })
        .await;
        let editor = token(&app, "curator", Role::Editor).await;
        let get = || async {
            let response = app
                .client
                .get(format!("{}/graphql", app.address))
                .query(&[("query", CHINA_2024)])
                .send()
                .await
                .expect("sent");
            let etag = response.headers()[ETAG].to_str().expect("text").to_owned();
            let body: Value = response.json().await.expect("JSON");
            (
                etag,
                body["data"]["observations"]["nodes"][0]["value"].clone(),
            )
        };
        let (etag, value) = get().await;
        assert_eq!(
            get().await,
            (etag.clone(), value.clone()),
            "answered from memory"
        );
        let figure = china_2024(&app).await;
        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE,
            correction(&figure["id"], CURRENT),
        )
        .await;
        assert_eq!(body["data"]["updateObservation"]["userErrors"], json!([]));
        let (new_etag, new_value) = get().await;
        assert_eq!(new_value, 39.33, "{backend:?}: the cached answer is gone");
        assert_ne!(new_etag, etag);
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn edits_survive_a_restart_and_the_first_start_is_release_liu_2025() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let started = first_start(&app).await;
        let figure = china_2024(&app).await;
        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE,
            correction(&figure["id"], CURRENT),
        )
        .await;
        assert_eq!(body["data"]["updateObservation"]["userErrors"], json!([]));
        let import = app
            .data(r#"{ auditEvents(filter: { action: ["imported"] }) { totalCount nodes { actor entityId } } }"#)
            .await;
        assert_eq!(import["auditEvents"]["totalCount"], 1, "{backend:?}");
        assert_eq!(import["auditEvents"]["nodes"][0]["entityId"], "liu-2025");
        let releases = count(&app, "releases").await;
        assert_eq!(releases, 1);

        let TestApp { database, .. } = app;
        let restarted = spawn_app_on(database, |_| {}).await;
        let figure = china_2024(&restarted).await;
        assert_eq!(
            figure["value"], 39.33,
            "{backend:?}: the edit is still there"
        );
        assert_eq!(figure["revision"], CURRENT + 1);
        assert_eq!(
            count(&restarted, "audit_events").await,
            started.imported + started.corrections + 1,
            "the restart wrote nothing: the first start's events and the edit"
        );
        assert_eq!(count(&restarted, "releases").await, 1);
        restarted.database.drop_now().await;
    }
}

#[tokio::test]
async fn a_token_spends_from_its_own_larger_bucket() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |settings| {
            settings.rate_limit.points_per_window = 1_000;
            settings.rate_limit.token_points_per_window = 5_000;
        })
        .await;
        let reader = token(&app, "integration", Role::Reader).await;
        let limit = |token: Option<String>| {
            let app = &app;
            async move {
                let mut request = app
                    .client
                    .post(format!("{}/graphql", app.address))
                    .json(&json!({ "query": "{ __typename }" }));
                if let Some(token) = token {
                    request = request.header(AUTHORIZATION, format!("Bearer {token}"));
                }
                let response = request.send().await.expect("sent");
                response.headers()["ratelimit-limit"]
                    .to_str()
                    .expect("text")
                    .to_owned()
            }
        };
        assert_eq!(limit(None).await, "1000", "{backend:?}");
        assert_eq!(limit(Some(reader)).await, "5000", "{backend:?}");
        app.database.drop_now().await;
    }
}

/// The whole binary: tokens made on the command line, used over HTTP, and no token text in
/// anything the server logged, even at debug level.
#[test]
fn tokens_from_the_command_line_never_reach_the_log() {
    use crate::helpers::ServerProcess;
    let mut server = ServerProcess::start("tokens", &["--log-level", "debug"]);
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cityatlas"))
            .args(["--database-url", &server.database_url])
            .args(args)
            .output()
            .expect("run cityatlas")
    };
    let made = cli(&["token", "create", "--name", "curator", "--role", "editor"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let token = String::from_utf8(made.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned();
    assert!(
        token.starts_with("ca_") && token.len() == 46,
        "the token alone: {token:?}"
    );
    let again = cli(&["token", "create", "--name", "curator", "--role", "admin"]);
    assert!(!again.status.success(), "names are never reused");

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let client = reqwest::Client::new();
    let url = format!("http://{}/graphql", server.address);
    let post = |query: &'static str, variables: Value, token: String| {
        let client = client.clone();
        let url = url.clone();
        async move {
            client
                .post(url)
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("JSON")
        }
    };
    let figure = runtime.block_on(post(CHINA_2024, json!({}), token.clone()));
    let id = figure["data"]["observations"]["nodes"][0]["id"].clone();
    let body = runtime.block_on(post(UPDATE, correction(&id, CURRENT), token.clone()));
    assert_eq!(
        body["data"]["updateObservation"]["userErrors"],
        json!([]),
        "{body}"
    );
    // A mistyped token is logged as refused, never as text.
    let mistyped = format!("{}x", &token[..45]);
    runtime.block_on(post(CHINA_2024, json!({}), mistyped.clone()));

    let listed = cli(&["token", "list"]);
    let listed = String::from_utf8(listed.stdout).expect("UTF-8");
    assert!(listed.contains("curator\teditor\tca_"), "{listed}");
    assert!(!listed.contains(&token[7..]), "the list shows a hint only");
    let revoked = cli(&["token", "revoke", "curator"]);
    assert!(revoked.status.success());
    let refused = runtime.block_on(async {
        client
            .post(&url)
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("sent")
            .status()
    });
    assert_eq!(refused, 401, "a revoked token stops working at once");

    assert!(server.terminate().success());
    let log = server.log().join("\n");
    assert!(
        log.contains("updateObservation") || log.contains("/graphql"),
        "the log was read"
    );
    for secret in [&token, &mistyped] {
        assert!(!log.contains(&secret[3..]), "token text in the log");
    }
}

const PAGE: &str = r#"query($asOf: DateTime, $release: String, $after: String) {
  observations(first: 10, after: $after, asOf: $asOf, release: $release) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id value } } }"#;

/// Every observation ID and value, page by page, at a point in time (or live).
async fn all_pages(app: &TestApp, pin: Value) -> (i64, Vec<(String, f64)>) {
    let mut after = Value::Null;
    let mut seen = Vec::new();
    loop {
        let mut variables = pin.clone();
        variables["after"] = after;
        let data = app.data_with(PAGE, variables).await;
        let page = &data["observations"];
        for node in page["nodes"].as_array().expect("nodes") {
            seen.push((
                node["id"].as_str().expect("id").to_owned(),
                node["value"].as_f64().expect("value"),
            ));
        }
        if page["pageInfo"]["hasNextPage"] != true {
            return (page["totalCount"].as_i64().expect("a count"), seen);
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn as_of_and_release_read_the_past_with_the_same_filters_and_paging() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let admin = token(&app, "operator", Role::Admin).await;
        let started = first_start(&app).await;
        let before = all_pages(&app, json!({})).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        let instant = chrono::Utc::now().to_rfc3339();
        tokio::time::sleep(Duration::from_millis(20)).await;

        let figure = china_2024(&app).await;
        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE,
            correction(&figure["id"], CURRENT),
        )
        .await;
        assert_eq!(body["data"]["updateObservation"]["userErrors"], json!([]));
        let (_, body) = send(&app, Some(&editor), CREATE, new_figure()).await;
        let created = body["data"]["createObservation"]["observation"]["id"].clone();
        let removed = all_pages(&app, json!({})).await.1[0].0.clone();
        let revision = app
            .data_with(
                "query($id: ID!) { node(id: $id) { ... on Observation { revision } } }",
                json!({ "id": removed }),
            )
            .await["node"]["revision"]
            .clone();
        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT,
            json!({ "id": removed, "rev": revision, "reason": "a duplicate" }),
        )
        .await;
        assert_eq!(
            body["data"]["retractObservation"]["userErrors"],
            json!([]),
            "{body}"
        );

        // The live data has changed; the past has not, page by page.
        let live = all_pages(&app, json!({})).await;
        assert_ne!(live, before, "{backend:?}");
        assert_eq!(live.0, before.0, "one created, one retracted");
        assert_eq!(
            all_pages(&app, json!({ "asOf": instant })).await,
            before,
            "{backend:?}"
        );
        // liu-2025 is the paper as first read, before the corrections of the first start.
        let published = all_pages(&app, json!({ "release": "liu-2025" })).await;
        assert_eq!(published.0, 42, "{backend:?}");
        assert_eq!(
            before.0, 44,
            "{backend:?}: Hangzhou's share moved onto three companies"
        );

        // Lookups, node and series read the same past.
        let query = r#"query($asOf: DateTime, $id: ID!) {
            node(id: $id, asOf: $asOf) { ... on Observation { value revision } }
            indicator(code: "ai_market_size", asOf: $asOf) {
              series(subjects: ["CN"]) { points { period value } } } }"#;
        let past = app
            .data_with(query, json!({ "asOf": instant, "id": figure["id"] }))
            .await;
        assert_eq!(past["node"]["value"], 39.32, "{backend:?}");
        assert_eq!(past["node"]["revision"], CURRENT);
        let now = app.data_with(query, json!({ "id": figure["id"] })).await;
        assert_eq!(now["node"]["value"], 39.33);
        let point = |data: &Value| {
            data["indicator"]["series"][0]["points"]
                .as_array()
                .expect("points")
                .iter()
                .find(|p| p["period"] == "2024")
                .map(|p| p["value"].clone())
        };
        assert_eq!(point(&past), Some(json!(39.32)), "{backend:?}");
        assert_eq!(point(&now), Some(json!(39.33)));
        let retracted = app
            .data_with(query, json!({ "asOf": instant, "id": removed }))
            .await;
        assert!(
            retracted["node"].is_object(),
            "a retracted figure is in the past"
        );
        let gone = app.data_with(query, json!({ "id": removed })).await;
        assert_eq!(gone["node"], Value::Null, "and not in the live data");
        let new_then = app
            .data_with(query, json!({ "asOf": instant, "id": created }))
            .await;
        assert_eq!(
            new_then["node"],
            Value::Null,
            "a later figure is not in the past"
        );

        // A release freezes the present; only an admin cuts one.
        let cut = r#"mutation($tag: String!) { createRelease(input: { tag: $tag, title: "Corrections" }) {
            release { tag changeCount } userErrors { code message } } }"#;
        let (status, body) = send(&app, Some(&editor), cut, json!({ "tag": "2026-12" })).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );
        let (_, body) = send(&app, Some(&admin), cut, json!({ "tag": "2026-12" })).await;
        assert_eq!(
            body["data"]["createRelease"]["userErrors"],
            json!([]),
            "{body}"
        );
        let (_, body) = send(&app, Some(&admin), cut, json!({ "tag": "2026-12" })).await;
        assert_eq!(
            body["data"]["createRelease"]["userErrors"][0]["code"],
            "DUPLICATE"
        );
        let later = json!({ "id": figure["id"], "rev": CURRENT + 1, "reason": "after the release",
                            "input": { "value": 39.34, "valueText": "39,34" } });
        let (_, body) = send(&app, Some(&editor), UPDATE, later).await;
        assert_eq!(
            body["data"]["updateObservation"]["userErrors"],
            json!([]),
            "{body}"
        );
        assert_ne!(
            all_pages(&app, json!({})).await,
            live,
            "the live data moved on"
        );
        assert_eq!(
            all_pages(&app, json!({ "release": "2026-12" })).await,
            live,
            "{backend:?}"
        );

        let releases = app
            .data(r#"{ releases { tag changeCount permalink citation(style: APA) } }"#)
            .await;
        let releases = releases["releases"].as_array().expect("releases").clone();
        assert_eq!(releases.len(), 2, "{backend:?}");
        assert_eq!(releases[0]["tag"], "liu-2025");
        assert_eq!(
            releases[0]["changeCount"],
            paper_rows() + 1,
            "the import: a creation per row, and the import's own event"
        );
        assert_eq!(
            releases[1]["changeCount"],
            started.corrections + 3,
            "the first start's four corrections, then a correction, a creation, a retraction"
        );
        assert_eq!(
            releases[1]["permalink"],
            "https://atlas.example/releases/2026-12"
        );
        let citation = releases[1]["citation"].as_str().expect("a citation");
        assert!(
            citation.contains("(Version 2026-12)")
                && citation.contains("https://atlas.example/releases/2026-12")
                && citation.contains("Liu"),
            "{citation}"
        );

        // A figure cites its source and the release it was read from.
        let cite = r#"query($release: String, $id: ID!) {
            node(id: $id, release: $release) { ... on Observation { citation(style: APA) } } }"#;
        let cited = |data: Value| {
            data["node"]["citation"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        };
        let from_paper = cited(
            app.data_with(cite, json!({ "release": "liu-2025", "id": figure["id"] }))
                .await,
        );
        assert!(
            from_paper.starts_with("USD 39.32 billion, 2024. Source: "),
            "{from_paper}"
        );
        assert!(from_paper.contains("Statista"), "{from_paper}");
        assert!(from_paper.contains("release liu-2025"), "{from_paper}");
        assert!(
            from_paper.ends_with("https://atlas.example/releases/liu-2025."),
            "{from_paper}"
        );
        let live = cited(app.data_with(cite, json!({ "id": figure["id"] })).await);
        assert!(
            live.contains("live data") && live.contains("revision 4"),
            "{live}"
        );

        // The permalink answers with the release and its citations.
        let permalink = app.get("/releases/2026-12").await;
        assert_eq!(permalink.status(), 200);
        let page: Value = permalink.json().await.expect("JSON");
        assert_eq!(page["release"]["tag"], "2026-12");
        assert!(
            page["release"]["bibtex"]
                .as_str()
                .unwrap_or("")
                .contains("@misc{cityatlas-2026-12,")
        );
        assert_eq!(app.get("/releases/nope").await.status(), 404);

        // One point in time per operation; an unknown release is a clear error.
        let (code, message) = app
            .error(&format!(
                r#"{{ a: country(code: "CN", asOf: "{instant}") {{ name }} b: country(code: "US") {{ name }} }}"#
            ))
            .await;
        assert_eq!(code, "BAD_USER_INPUT", "{message}");
        let (code, _) = app
            .error(r#"{ countries(release: "no-such-release") { totalCount } }"#)
            .await;
        assert_eq!(code, "NOT_FOUND");
        let (code, _) = app
            .error(r#"{ countries(asOf: "yesterday") { totalCount } }"#)
            .await;
        assert_eq!(code, "BAD_USER_INPUT");
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn the_change_feed_pages_across_concurrent_writes_without_gaps_or_repeats() {
    const FEED: &str = r#"query($since: String) { changes(since: $since, first: 3) {
        pageInfo { endCursor } nodes { sequence kind entityType entityId revision } } }"#;
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let started = first_start(&app).await;
        let editors = [
            token(&app, "first editor", Role::Editor).await,
            token(&app, "second editor", Role::Editor).await,
        ];
        // Figures the first start left at their first revision.
        let ids: Vec<Value> = app
            .data("{ observations(first: 50) { nodes { id revision } } }")
            .await["observations"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .filter(|node| node["revision"] == 1)
            .take(6)
            .map(|node| node["id"].clone())
            .collect();
        assert_eq!(ids.len(), 6);
        // An integration polls the feed while two editors write, each to its own figures.
        let writes = async {
            for round in 1..=3_i64 {
                let mut pending = Vec::new();
                for (index, id) in ids.iter().enumerate() {
                    let editor = editors[index % 2].clone();
                    let variables = json!({ "id": id, "rev": round, "reason": format!("pass {round}"),
                                            "input": { "citedIn": format!("checked, pass {round}") } });
                    let (client, url) = (app.client.clone(), format!("{}/graphql", app.address));
                    pending.push(tokio::spawn(async move {
                        client
                            .post(url)
                            .header(AUTHORIZATION, format!("Bearer {editor}"))
                            .json(&json!({ "query": UPDATE, "variables": variables }))
                            .send()
                            .await
                            .expect("sent")
                            .json::<Value>()
                            .await
                            .expect("JSON")
                    }));
                }
                for task in pending {
                    let body = task.await.expect("the write finished");
                    assert_eq!(
                        body["data"]["updateObservation"]["userErrors"],
                        json!([]),
                        "{body}"
                    );
                }
            }
        };
        let poll = async {
            let mut since = Value::Null;
            let mut seen: Vec<i64> = Vec::new();
            for _ in 0..200 {
                let data = app.data_with(FEED, json!({ "since": since })).await;
                let page = &data["changes"];
                for change in page["nodes"].as_array().expect("nodes") {
                    seen.push(change["sequence"].as_i64().expect("a sequence"));
                }
                if !page["pageInfo"]["endCursor"].is_null() {
                    since = page["pageInfo"]["endCursor"].clone();
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            (since, seen)
        };
        let ((), (mut since, mut seen)) = tokio::join!(writes, poll);
        // Drain what the writers committed after the last poll.
        loop {
            let data = app.data_with(FEED, json!({ "since": since })).await;
            let nodes = data["changes"]["nodes"].as_array().expect("nodes").clone();
            if nodes.is_empty() {
                break;
            }
            seen.extend(
                nodes
                    .iter()
                    .map(|c| c["sequence"].as_i64().expect("a sequence")),
            );
            since = data["changes"]["pageInfo"]["endCursor"].clone();
        }
        // The first start's events, then the writers' eighteen changes.
        let first = started.imported + started.corrections;
        let expected: Vec<i64> = (1..=first + 6 * 3).collect();
        assert_eq!(
            seen, expected,
            "{backend:?}: every change once, in commit order"
        );
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn updated_since_narrows_every_list_to_what_changed() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let figure = china_2024(&app).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        let since = chrono::Utc::now().to_rfc3339();
        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE,
            correction(&figure["id"], CURRENT),
        )
        .await;
        assert_eq!(body["data"]["updateObservation"]["userErrors"], json!([]));
        let query = r#"query($since: DateTime) {
            observations(filter: { updatedSince: $since }) { totalCount nodes { id } }
            countries(filter: { updatedSince: $since }) { totalCount }
            sources(filter: { updatedSince: $since }) { totalCount } }"#;
        let changed = app.data_with(query, json!({ "since": since })).await;
        assert_eq!(changed["observations"]["totalCount"], 1, "{backend:?}");
        assert_eq!(changed["observations"]["nodes"][0]["id"], figure["id"]);
        assert_eq!(changed["countries"]["totalCount"], 0);
        assert_eq!(changed["sources"]["totalCount"], 0);
        let everything = app.data_with(query, json!({ "since": Value::Null })).await;
        assert!(everything["observations"]["totalCount"].as_i64() > Some(1));
        app.database.drop_now().await;
    }
}
