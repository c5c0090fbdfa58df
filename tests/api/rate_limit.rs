//! Rate limiting by query cost: 429 with Retry-After and RateLimit headers, per client, with
//! the client's address taken from X-Forwarded-For only behind a trusted proxy.

use crate::helpers::{Backend, TestApp, spawn_app_with};
use serde_json::{Value, json};

/// Costs 2 + 20 × 1 = 22 points: a connection at the default page size.
const QUERY: &str = "{ countries { totalCount } }";

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
    // 10 more points at 100 an hour: 6 minutes.
    assert!((359..=361).contains(&retry_after), "{retry_after}");
    assert_eq!(
        header(&refused, "ratelimit-remaining").as_deref(),
        Some("12")
    );
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
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
