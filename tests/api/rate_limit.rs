//! Rate limiting by query cost: 429 with Retry-After and RateLimit headers, per client (an
//! IPv4 address or an IPv6 /64), with the client's address taken from X-Forwarded-For only
//! behind a trusted proxy; an empty bucket is refused before the request is read, and every
//! refusal costs a point.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use serde_json::{Value, json};

/// Costs 2 + 20 × 1 = 22 points: a connection at the default page size, one node each.
const QUERY: &str = "{ countries { nodes { code } } }";

async fn send(app: &TestApp, forwarded_for: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": QUERY }));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.expect("sent")
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn a_client_over_its_points_gets_429_with_retry_after() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 100;
    })
    .await;
    for remaining in [78, 56, 34, 12] {
        let response = send(&app, None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "ratelimit-limit").as_deref(), Some("100"));
        assert_eq!(
            header(&response, "ratelimit-remaining"),
            Some(remaining.to_string())
        );
        assert_eq!(
            header(&response, "ratelimit-policy").as_deref(),
            Some("100;w=3600")
        );
    }
    // A client cannot escape its bucket by claiming another address.
    let refused = send(&app, Some("198.51.100.23")).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = header(&refused, "retry-after")
        .and_then(|value| value.parse().ok())
        .expect("a Retry-After in seconds");
    // The refusal took its point, so 11 more are needed, at 100 an hour: 396 s.
    assert!((395..=397).contains(&retry_after), "{retry_after}");
    assert_eq!(
        header(&refused, "ratelimit-remaining").as_deref(),
        Some("11")
    );
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    // It was priced before it was refused, so it says what it would have cost.
    assert_eq!(body["extensions"]["cost"]["requestedQueryCost"], 22);
    assert_eq!(body["extensions"]["cost"]["remaining"], 11);
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "probes are not limited"
    );
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 50;
        settings.rate_limit.trusted_proxies = vec!["127.0.0.1".parse().expect("an address")];
    })
    .await;
    for _ in 0..2 {
        assert_eq!(send(&app, Some("203.0.113.9")).await.status(), 200);
    }
    assert_eq!(send(&app, Some("203.0.113.9")).await.status(), 429);
    // The proxy appends the address it saw; anything further left is the client's claim.
    assert_eq!(
        send(&app, Some("203.0.113.9, 203.0.113.10")).await.status(),
        200,
        "the nearest untrusted address is the client"
    );
}

#[tokio::test]
async fn ipv6_clients_behind_a_trusted_proxy_share_a_bucket_per_64() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 50;
        settings.rate_limit.trusted_proxies = vec!["127.0.0.1".parse().expect("an address")];
    })
    .await;
    // Two hosts of one /64 spend one budget of 50: two queries of 22 points.
    assert_eq!(send(&app, Some("2001:db8:1:2::1")).await.status(), 200);
    let second = send(&app, Some("2001:db8:1:2:ffff:ffff:ffff:fffe")).await;
    assert_eq!(second.status(), 200);
    assert_eq!(header(&second, "ratelimit-remaining").as_deref(), Some("6"));
    assert_eq!(
        send(&app, Some("2001:db8:1:2:abcd::9")).await.status(),
        429,
        "the same /64"
    );
    let neighbour = send(&app, Some("2001:db8:1:3::1")).await;
    assert_eq!(neighbour.status(), 200, "another /64 has its own bucket");
    assert_eq!(
        header(&neighbour, "ratelimit-remaining").as_deref(),
        Some("28")
    );

    // An IPv4 client is one address, whichever way its address is written.
    assert_eq!(send(&app, Some("203.0.113.9")).await.status(), 200);
    assert_eq!(send(&app, Some("::ffff:203.0.113.9")).await.status(), 200);
    assert_eq!(send(&app, Some("203.0.113.9")).await.status(), 429);
    assert_eq!(send(&app, Some("203.0.113.10")).await.status(), 200);
}

#[tokio::test]
async fn the_prefix_that_ipv6_clients_share_is_a_setting() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 30;
        settings.rate_limit.trusted_proxies = vec!["127.0.0.1".parse().expect("an address")];
        settings.rate_limit.ipv6_prefix = 128;
    })
    .await;
    assert_eq!(send(&app, Some("2001:db8:1:2::1")).await.status(), 200);
    assert_eq!(send(&app, Some("2001:db8:1:2::1")).await.status(), 429);
    assert_eq!(
        send(&app, Some("2001:db8:1:2::2")).await.status(),
        200,
        "each address alone"
    );
}

/// What a client sees of a refusal: the status, the `RateLimit-Remaining` header and the
/// first error's code.
type Seen = (u16, Option<String>, String);

/// Sends a raw POST to /graphql.
async fn post_raw(app: &TestApp, content_type: &str, body: impl Into<reqwest::Body>) -> Seen {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("sent");
    outcome(response).await
}

async fn outcome(response: reqwest::Response) -> Seen {
    let status = response.status().as_u16();
    let remaining = header(&response, "ratelimit-remaining");
    let body: Value = response.json().await.expect("a JSON body");
    let code = body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (status, remaining, code)
}

#[tokio::test]
async fn every_refused_request_costs_a_point() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 1_000;
        // A point refills every 30 days / 1,000 = 43 minutes: none while the test runs.
        settings.rate_limit.window = std::time::Duration::from_secs(30 * 86_400);
    })
    .await;
    let url = format!("{}/graphql", app.address);
    let json = "application/json";
    let complex = json!({ "query": format!(
        "{{ {} }}",
        (0..8)
            .map(|n| format!("c{n}: countries(first: 100) {{ nodes {{ region {{ code }} }} }}"))
            .collect::<Vec<_>>()
            .join(" ")
    ) })
    .to_string();
    let mut cases: Vec<(&str, Seen)> = vec![
        ("415", post_raw(&app, "text/plain", "{ apiVersion }").await),
        ("bad JSON", post_raw(&app, json, "{ not json").await),
        (
            "no query",
            post_raw(&app, json, r#"{"variables":{}}"#).await,
        ),
        (
            "413",
            post_raw(
                &app,
                json,
                format!(r#"{{"pad":"{}"}}"#, "x".repeat(300 * 1024)),
            )
            .await,
        ),
        (
            "parse error",
            post_raw(&app, json, r#"{"query":"{ apiVersion"}"#).await,
        ),
        ("a limit", post_raw(&app, json, complex).await),
    ];
    let get = |query: &'static str, accept: &'static str| {
        app.client
            .get(&url)
            .query(&[("query", query)])
            .header("accept", accept)
            .send()
    };
    cases.push((
        "405 over GET",
        outcome(get("mutation { refresh }", json).await.expect("sent")).await,
    ));
    cases.push((
        "406",
        outcome(get("{ apiVersion }", "text/html").await.expect("sent")).await,
    ));
    cases.push((
        "PUT",
        outcome(app.client.put(&url).body("{}").send().await.expect("sent")).await,
    ));
    let mut expected_remaining = 1_000;
    for (case, (status, remaining, code)) in cases {
        expected_remaining -= 1;
        assert!(!code.is_empty(), "{case}: a coded refusal ({status})");
        assert_eq!(
            remaining,
            Some(expected_remaining.to_string()),
            "{case} ({status} {code})"
        );
    }
}

#[tokio::test]
async fn an_empty_bucket_is_refused_before_the_request_is_read() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 2;
    })
    .await;
    let json = "application/json";
    assert_eq!(
        post_raw(&app, json, "{ not json").await,
        (400, Some("1".to_owned()), "BAD_REQUEST".to_owned())
    );
    // A refused document takes its point too.
    assert_eq!(
        post_raw(&app, json, r#"{"query":"{ apiVersion"}"#).await,
        (200, Some("0".to_owned()), "GRAPHQL_PARSE_FAILED".to_owned())
    );
    // Now nothing is read: neither a body that is not JSON nor one over the size limit.
    for body in ["{ not json".to_owned(), "x".repeat(300 * 1024)] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", json)
            .body(body)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 429);
        assert!(header(&response, "retry-after").is_some());
        assert_eq!(header(&response, "ratelimit-limit").as_deref(), Some("2"));
        assert_eq!(
            header(&response, "ratelimit-remaining").as_deref(),
            Some("0")
        );
        assert_eq!(outcome(response).await.2, "RATE_LIMITED");
    }
    let get = app
        .client
        .get(format!("{}/graphql", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(outcome(get).await.0, 429, "nor a query string");
}

#[tokio::test]
async fn an_empty_bucket_does_not_wait_for_a_chunked_body() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.rate_limit.points_per_window = 1;
    })
    .await;
    assert_eq!(
        app.post_graphql("{ apiVersion }").await.status(),
        200,
        "the one point spent"
    );
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connects");
    // One chunk, and never the last: a server that drained the body to keep the connection
    // would wait for ever.
    stream
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: localhost\r\n\
              Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
              2\r\n{\"\r\n",
        )
        .await
        .expect("sent");
    let mut received = Vec::new();
    // Only a guard against a server that never closes; nothing here measures time.
    let waited = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut received),
    )
    .await;
    let response = String::from_utf8_lossy(&received);
    assert!(
        waited.is_ok(),
        "the connection was held open after {response:?}"
    );
    assert!(response.starts_with("HTTP/1.1 429"), "{response}");
    assert!(response.contains("RATE_LIMITED"), "{response}");
}
