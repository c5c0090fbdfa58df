//! The HTTP layer: GraphQL-over-HTTP conformance of `/graphql`, caching metadata on every
//! refusal, the body deadline, CORS, and GraphiQL served from the binary. It does not depend
//! on the database backend, so it runs on SQLite.

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use cityatlas::configuration::CorsPolicy;
use reqwest::header::{ACCEPT, ALLOW, CACHE_CONTROL, CONTENT_TYPE, VARY};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn code_of(response: reqwest::Response) -> String {
    let body: Value = response.json().await.expect("a JSON body");
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    fn graphql_url(&self) -> String {
        format!("{}/graphql", self.address)
    }
}

#[tokio::test]
async fn get_runs_queries_and_honours_operation_name_and_variables() {
    let app = spawn_app(Backend::Sqlite).await;
    let document = "query Country($code: String!) { country(code: $code) { name } } \
                    query Indicator { indicator(code: \"new_unicorns\") { code } }";
    for (operation, expected) in [
        ("Country", json!({ "country": { "name": "China" } })),
        (
            "Indicator",
            json!({ "indicator": { "code": "new_unicorns" } }),
        ),
    ] {
        let response = app
            .client
            .get(app.graphql_url())
            .query(&[
                ("query", document),
                ("operationName", operation),
                ("variables", r#"{"code":"CN"}"#),
            ])
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{operation}");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(body["data"], expected, "{operation}: {body}");
    }
}

#[tokio::test]
async fn mutations_over_get_are_405_with_allow_post() {
    let app = spawn_app(Backend::Sqlite).await;
    for (query, operation) in [
        ("mutation { refresh }", None),
        ("query A { apiVersion } mutation B { refresh }", Some("B")),
        ("subscription { updates }", None),
    ] {
        let mut parameters = vec![("query", query)];
        parameters.extend(operation.map(|name| ("operationName", name)));
        let response = app
            .client
            .get(app.graphql_url())
            .query(&parameters)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 405, "{query}");
        assert_eq!(response.headers()[ALLOW], "POST");
        assert_eq!(code_of(response).await, "METHOD_NOT_ALLOWED");
    }
    let put = app
        .client
        .put(app.graphql_url())
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(put.status(), 405);
    assert_eq!(put.headers()[ALLOW], "GET, POST");
}

#[tokio::test]
async fn accept_negotiates_the_response_type_and_its_status_codes() {
    let app = spawn_app(Backend::Sqlite).await;
    let post = |accept: Option<&'static str>, query: &'static str| {
        let mut request = app
            .client
            .post(app.graphql_url())
            .json(&json!({ "query": query }));
        if let Some(accept) = accept {
            request = request.header(ACCEPT, accept);
        }
        request.send()
    };

    let ok = post(Some(GRAPHQL_RESPONSE_JSON), "{ apiVersion }")
        .await
        .expect("sent");
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["x-content-type-options"], "nosniff");
    assert!(content_type(&ok).starts_with(GRAPHQL_RESPONSE_JSON));

    // A document that does not parse or validate is a request error: 400 and no `data`
    // with the new media type, 200 with legacy JSON.
    for (query, code) in [
        ("{ apiVersion", "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
    ] {
        let strict = post(Some(GRAPHQL_RESPONSE_JSON), query)
            .await
            .expect("sent");
        assert_eq!(strict.status(), 400, "{query}");
        let body: Value = strict.json().await.expect("JSON");
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], code);

        let legacy = post(Some("application/json"), query).await.expect("sent");
        assert_eq!(legacy.status(), 200, "{query}");
        assert!(content_type(&legacy).starts_with("application/json"));
        assert_eq!(code_of(legacy).await, code);
    }

    // A field error is not a request error: partial data, status 200 with either type.
    let field_error = post(
        Some(GRAPHQL_RESPONSE_JSON),
        r#"{ apiVersion country(code: "CN") { observations(first: 1000) { totalCount } } }"#,
    )
    .await
    .expect("sent");
    assert_eq!(field_error.status(), 200);
    let body: Value = field_error.json().await.expect("JSON");
    assert!(body["data"]["apiVersion"].is_string(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");

    for (accept, expected) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (
            Some("application/json;q=0.5, application/graphql-response+json"),
            GRAPHQL_RESPONSE_JSON,
        ),
        (
            Some("application/graphql-response+json;q=0.2, application/json"),
            "application/json",
        ),
    ] {
        let response = post(accept, "{ apiVersion }").await.expect("sent");
        assert!(content_type(&response).starts_with(expected), "{accept:?}");
    }

    let cyclic = format!(
        "{{ countries {{ nodes {} code {} }} }}",
        "{ cities(first: 1) { country".repeat(6),
        "} }".repeat(6)
    );
    let too_deep = app
        .client
        .post(app.graphql_url())
        .header(ACCEPT, GRAPHQL_RESPONSE_JSON)
        .json(&json!({ "query": cyclic }))
        .send()
        .await
        .expect("sent");
    assert_eq!(too_deep.status(), 400);
    assert_eq!(code_of(too_deep).await, "GRAPHQL_VALIDATION_FAILED");

    let unacceptable = post(Some("text/html"), "{ apiVersion }")
        .await
        .expect("sent");
    assert_eq!(unacceptable.status(), 406);
    assert_eq!(code_of(unacceptable).await, "NOT_ACCEPTABLE");
}

#[tokio::test]
async fn malformed_requests_get_coded_4xx_and_the_server_keeps_serving() {
    let app = spawn_app(Backend::Sqlite).await;
    let raw = |content_type: &'static str, body: Vec<u8>| {
        app.client
            .post(app.graphql_url())
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
    };
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "text/plain",
            b"{ apiVersion }".to_vec(),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            "application/json; charset=latin1",
            br#"{"query":"{ apiVersion }"}"#.to_vec(),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            "application/json",
            b"{ not json".to_vec(),
            400,
            "BAD_REQUEST",
        ),
        ("application/json", b"[]".to_vec(), 400, "BAD_REQUEST"),
        (
            "application/json",
            br#"{"variables":{}}"#.to_vec(),
            400,
            "BAD_REQUEST",
        ),
        (
            "application/json",
            br#"{"query":42}"#.to_vec(),
            400,
            "BAD_REQUEST",
        ),
        (
            "application/json",
            br#"{"query":"{ apiVersion }","variables":[1]}"#.to_vec(),
            400,
            "BAD_REQUEST",
        ),
        (
            "application/json",
            format!(
                r#"{{"query":"{{ apiVersion }}","pad":"{}"}}"#,
                "x".repeat(300 * 1024)
            )
            .into_bytes(),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
    ];
    for (content_type, body, status, code) in cases {
        let preview = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        let response = raw(content_type, body).await.expect("sent");
        assert_eq!(response.status(), status, "{content_type} {preview}");
        assert_eq!(code_of(response).await, code, "{content_type} {preview}");
    }

    for query_string in ["", "?query=", "?query={apiVersion}&variables=not-json"] {
        let response = app
            .client
            .get(format!("{}{query_string}", app.graphql_url()))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 400, "GET {query_string}");
        assert_eq!(code_of(response).await, "BAD_REQUEST");
    }

    assert_eq!(app.get("/healthz").await.status(), 200);
    let still_serving = app.data("{ countries { totalCount } }").await;
    assert_eq!(still_serving["countries"]["totalCount"], 2);
}

#[tokio::test]
async fn cors_is_open_to_any_origin_by_default_and_configurable() {
    let preflight = |app: &TestApp, origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.graphql_url())
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let allow_origin = |response: &reqwest::Response| {
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|value| value.to_str().unwrap_or_default().to_owned())
    };

    let open = spawn_app(Backend::Sqlite).await;
    let response = preflight(&open, "https://newsroom.example")
        .await
        .expect("sent");
    assert!(response.status().is_success());
    assert_eq!(allow_origin(&response).as_deref(), Some("*"));
    let read = open
        .client
        .post(open.graphql_url())
        .header("origin", "https://newsroom.example")
        .json(&json!({ "query": "{ apiVersion }" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(allow_origin(&read).as_deref(), Some("*"));

    let narrowed = spawn_app_with(Backend::Sqlite, |settings| {
        settings.server.cors = CorsPolicy::Origins(vec!["https://atlas.example".to_owned()]);
    })
    .await;
    let allowed = preflight(&narrowed, "https://atlas.example")
        .await
        .expect("sent");
    assert_eq!(
        allow_origin(&allowed).as_deref(),
        Some("https://atlas.example")
    );
    let refused = preflight(&narrowed, "https://elsewhere.example")
        .await
        .expect("sent");
    assert_eq!(allow_origin(&refused), None);
}

#[tokio::test]
async fn the_root_redirects_to_graphiql_served_from_the_binary() {
    let app = spawn_app(Backend::Sqlite).await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let root = no_redirects
        .get(format!("{}/", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(root.status(), 307);
    assert_eq!(root.headers()["location"], "/graphiql");

    let page = app.get("/graphiql").await;
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    if !cityatlas::routes::graphiql::is_bundled() {
        // CI builds with CITYATLAS_REQUIRE_GRAPHIQL=1, so this branch never runs there.
        assert_eq!(page.status(), 404);
        let text = page.text().await.expect("text");
        assert!(
            text.contains("npm ci --ignore-scripts --prefix graphiql"),
            "{text}"
        );
        return;
    }
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    let html = page.text().await.expect("text");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "remote URL in {html}"
    );
    for example in cityatlas::graphql::examples::EXAMPLES {
        assert!(
            html.contains(example.name),
            "example {} missing",
            example.name
        );
    }
    let assets: Vec<&str> = html
        .split(r#"="/graphiql/assets/"#)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(assets.len(), 9, "{assets:?}");
    for asset in assets {
        let response = app.get(&format!("/graphiql/assets/{asset}")).await;
        assert_eq!(response.status(), 200, "{asset}");
        let expected = if asset.ends_with(".css") {
            "text/css"
        } else {
            "text/javascript"
        };
        assert!(content_type(&response).starts_with(expected), "{asset}");
        assert!(!response.bytes().await.expect("body").is_empty(), "{asset}");
    }
    assert_eq!(
        app.get("/graphiql/assets/../Cargo.toml").await.status(),
        404
    );
    assert_eq!(app.get("/graphiql/assets/nope.js").await.status(), 404);
}

#[tokio::test]
async fn a_request_past_its_deadline_gets_504_and_the_server_keeps_serving() {
    // The timer fires within a millisecond of a zero deadline; each DataLoader level waits a
    // millisecond to batch, so three levels cannot finish first, whatever the machine's speed.
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.request_timeout = std::time::Duration::ZERO;
    })
    .await;
    let response = app
        .post_graphql("{ cities { nodes { country { cities { country { code } } } } } }")
        .await;
    assert_eq!(response.status(), 504);
    assert_eq!(code_of(response).await, "TIMEOUT");
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn validation_errors_do_not_suggest_field_names_unless_configured() {
    let quiet = spawn_app(Backend::Sqlite).await;
    let (code, message) = quiet.error("{ countrie { totalCount } }").await;
    assert_eq!(code, "GRAPHQL_VALIDATION_FAILED");
    assert!(!message.contains("Did you mean"), "{message}");
    let helpful = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.suggestions = true;
    })
    .await;
    let (_, message) = helpful.error("{ countrie { totalCount } }").await;
    assert!(message.contains("Did you mean"), "{message}");
}

/// The request deadline is also PostgreSQL's statement_timeout, on every pooled connection.
#[tokio::test]
async fn postgres_connections_carry_the_statement_timeout() {
    for backend in crate::helpers::backends().await {
        if backend != Backend::Postgres {
            continue;
        }
        let database = crate::helpers::TestDatabase::create(backend).await;
        let mut settings = crate::helpers::test_settings(&database.url);
        settings.database.statement_timeout = std::time::Duration::from_millis(7_500);
        let db = cityatlas::database::connect(&settings.database)
            .await
            .expect("connects");
        let row = sea_orm::ConnectionTrait::query_one_raw(
            &db,
            sea_orm::Statement::from_string(
                sea_orm::DatabaseBackend::Postgres,
                "SHOW statement_timeout",
            ),
        )
        .await
        .expect("runs")
        .expect("a row");
        let timeout: String = row.try_get("", "statement_timeout").expect("a text");
        assert_eq!(timeout, "7500ms");
        let _ = db.close().await;
    }
}

#[tokio::test]
async fn every_refusal_varies_by_accept_and_may_not_be_stored() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 5;
    })
    .await;
    let get = |query: Option<&'static str>, accept: &'static str| {
        let mut request = app.client.get(app.graphql_url()).header(ACCEPT, accept);
        if let Some(query) = query {
            request = request.query(&[("query", query)]);
        }
        request.send()
    };
    let mut refusals = vec![
        ("no query", get(None, GRAPHQL_RESPONSE_JSON).await, 400),
        (
            "parse error",
            get(Some("{ apiVersion"), GRAPHQL_RESPONSE_JSON).await,
            400,
        ),
        (
            "mutation",
            get(Some("mutation { refresh }"), GRAPHQL_RESPONSE_JSON).await,
            405,
        ),
        ("406", get(Some("{ apiVersion }"), "text/html").await, 406),
        (
            "413",
            app.client
                .post(app.graphql_url())
                .json(&json!({ "query": "{ apiVersion }", "pad": "x".repeat(300 * 1024) }))
                .send()
                .await,
            413,
        ),
    ];
    // Five refusals spent the five points.
    refusals.push((
        "429",
        get(Some("{ apiVersion }"), GRAPHQL_RESPONSE_JSON).await,
        429,
    ));
    for (case, response, status) in refusals {
        let response = response.expect("sent");
        assert_eq!(response.status(), status, "{case}");
        let vary = response.headers()[VARY].to_str().expect("ASCII").to_owned();
        assert!(
            vary.split(',')
                .any(|name| name.trim().eq_ignore_ascii_case("accept")),
            "{case}: Vary: {vary}"
        );
        assert_eq!(response.headers()[CACHE_CONTROL], "no-store", "{case}");
        assert!(!code_of(response).await.is_empty(), "{case}: a code");
    }
}

#[tokio::test]
async fn a_body_that_trickles_in_gets_408_and_the_connection_is_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.limits.body_timeout = std::time::Duration::from_secs(1);
    })
    .await;
    let address = app.address.trim_start_matches("http://");
    // Announced by length, or chunked with no end in sight: a server that drained the rest
    // to keep the connection would wait for ever either way.
    for (framing, chunked) in [
        ("Content-Length: 200000", false),
        ("Transfer-Encoding: chunked", true),
    ] {
        let mut stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connects");
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: localhost\r\n\
             Content-Type: application/json\r\n{framing}\r\n\r\n"
        );
        stream
            .write_all(head.as_bytes())
            .await
            .expect("headers sent");
        // A few bytes, slowly, then silence: far short of what was announced. The last is
        // sent well before the deadline, so the server has read everything when it closes.
        for byte in br#"{"q"#.chunks(1) {
            let piece = if chunked {
                [b"1\r\n", byte, b"\r\n"].concat()
            } else {
                byte.to_vec()
            };
            stream.write_all(&piece).await.expect("a byte sent");
            tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        }
        let mut received = Vec::new();
        // Only a guard against a server that never lets go; nothing here measures time.
        let waited = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            stream.read_to_end(&mut received),
        )
        .await;
        let response = String::from_utf8_lossy(&received).into_owned();
        assert!(
            matches!(waited, Ok(Ok(_))),
            "{framing}: the connection was held open after {response:?}"
        );
        let (head, body) = response
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("{framing}: a head and a body in {response:?}"));
        assert!(head.starts_with("HTTP/1.1 408"), "{framing}: {response}");
        assert!(
            head.to_ascii_lowercase().contains("\r\nconnection: close"),
            "{framing}: {response}"
        );
        let body: Value = serde_json::from_str(body).expect("a JSON body");
        assert_eq!(body["errors"][0]["extensions"]["code"], "REQUEST_TIMEOUT");
    }
    assert!(app.data("{ apiVersion }").await["apiVersion"].is_string());
}
