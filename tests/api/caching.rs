//! The response cache and HTTP validators: repeated queries are answered from memory,
//! `If-None-Match` gets 304, GET answers carry a shared `max-age`, errors are never kept,
//! and bodies are gzipped when the client asks. `extensions.cost` is added to each answer,
//! cached or not, without changing its entity tag.

use crate::helpers::{TestApp, backends, spawn_app_with};
use reqwest::header::{ACCEPT, VARY};
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, ETAG, HeaderMap, IF_NONE_MATCH,
};
use sea_orm::ConnectionTrait;
use std::time::Duration;

const POLICY_CITIES: &str = "{ policies(first: 100) { nodes { slug cities { slug } } } }";

/// How many (policy, city) links an answer to `POLICY_CITIES` holds.
fn linked_cities(data: &serde_json::Value) -> usize {
    data["policies"]["nodes"]
        .as_array()
        .expect("policies")
        .iter()
        .map(|policy| policy["cities"].as_array().map_or(0, Vec::len))
        .sum()
}

async fn get(app: &TestApp, query: &str, headers: HeaderMap) -> reqwest::Response {
    app.client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", query)])
        .headers(headers)
        .send()
        .await
        .expect("request sent")
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn repeated_queries_are_answered_from_memory_with_validators() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |settings| {
            settings.response_cache.ttl = Duration::from_secs(60);
        })
        .await;

        let first = get(&app, POLICY_CITIES, HeaderMap::new()).await;
        assert_eq!(first.status(), 200);
        assert_eq!(header(&first, CACHE_CONTROL), "public, max-age=60");
        let etag = header(&first, ETAG);
        assert!(
            etag.starts_with("W/\""),
            "{backend:?}: an entity tag: {etag:?}"
        );
        let body: serde_json::Value = first.json().await.expect("JSON");
        assert_eq!(linked_cities(&body["data"]), 2, "{backend:?}: {body}");

        // Links removed behind the server's back: the cached answer stands until it
        // expires, while a query never asked before sees the change.
        app.db
            .execute_unprepared("DELETE FROM policy_cities")
            .await
            .expect("deletes");
        let again = get(&app, POLICY_CITIES, HeaderMap::new()).await;
        assert_eq!(header(&again, ETAG), etag, "{backend:?}: the same answer");
        let body: serde_json::Value = again.json().await.expect("JSON");
        assert_eq!(linked_cities(&body["data"]), 2, "{backend:?}: from memory");
        let fresh = app.data(&format!("{POLICY_CITIES} ")).await;
        assert_eq!(
            linked_cities(&fresh),
            0,
            "{backend:?}: another document is executed"
        );

        let mut conditional = HeaderMap::new();
        conditional.insert(IF_NONE_MATCH, etag.parse().expect("a header value"));
        let not_modified = get(&app, POLICY_CITIES, conditional).await;
        assert_eq!(not_modified.status(), 304, "{backend:?}");
        assert_eq!(header(&not_modified, ETAG), etag);
        assert!(not_modified.bytes().await.expect("a body").is_empty());

        let mut stale = HeaderMap::new();
        stale.insert(IF_NONE_MATCH, "W/\"0000\"".parse().expect("a header value"));
        assert_eq!(get(&app, POLICY_CITIES, stale).await.status(), 200);

        // POST answers carry the tag too, but HTTP caches must revalidate them.
        let posted = app.post_graphql(POLICY_CITIES).await;
        assert_eq!(header(&posted, CACHE_CONTROL), "no-cache");
        assert_eq!(header(&posted, ETAG), etag, "the same body, the same tag");

        // An error is never kept, by the server or by HTTP caches.
        let failing = get(&app, "{ city(slug: \"x\") { nope } }", HeaderMap::new()).await;
        assert_eq!(header(&failing, CACHE_CONTROL), "no-store");
        assert!(header(&failing, ETAG).is_empty());

        let mut gzip = HeaderMap::new();
        gzip.insert(ACCEPT_ENCODING, "gzip".parse().expect("a header value"));
        let compressed = get(&app, POLICY_CITIES, gzip).await;
        assert_eq!(header(&compressed, CONTENT_ENCODING), "gzip", "{backend:?}");
        assert_eq!(
            get(&app, POLICY_CITIES, HeaderMap::new())
                .await
                .headers()
                .get(CONTENT_ENCODING),
            None,
            "identity unless asked"
        );
    }
}

#[tokio::test]
async fn with_the_cache_off_every_answer_is_fresh() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |_| {}).await;
        assert_eq!(linked_cities(&app.data(POLICY_CITIES).await), 2);
        app.db
            .execute_unprepared("DELETE FROM policy_cities")
            .await
            .expect("deletes");
        assert_eq!(
            linked_cities(&app.data(POLICY_CITIES).await),
            0,
            "{backend:?}"
        );
        let answer = get(&app, POLICY_CITIES, HeaderMap::new()).await;
        assert_eq!(header(&answer, CACHE_CONTROL), "no-cache");
    }
}

async fn get_json(app: &TestApp, query: &str, accept: &str) -> (String, serde_json::Value) {
    let mut headers = HeaderMap::new();
    headers.insert(ACCEPT, accept.parse().expect("a header value"));
    let response = get(app, query, headers).await;
    assert_eq!(response.status(), 200);
    assert!(
        header(&response, VARY)
            .split(',')
            .any(|name| name.trim().eq_ignore_ascii_case("accept")),
        "Vary: {}",
        header(&response, VARY)
    );
    let etag = header(&response, ETAG);
    (etag, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn every_answer_says_what_it_cost_and_cached_ones_are_not_frozen() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |settings| {
            settings.response_cache.ttl = Duration::from_secs(60);
            settings.rate_limit.points_per_window = 10_000;
        })
        .await;
        let (first_tag, first) = get_json(&app, POLICY_CITIES, "application/json").await;
        let (second_tag, second) = get_json(&app, POLICY_CITIES, "application/json").await;
        assert_eq!(first_tag, second_tag, "{backend:?}: the tag is the data's");
        assert_eq!(first["data"], second["data"]);
        let price = first["extensions"]["cost"]["requestedQueryCost"]
            .as_u64()
            .unwrap_or_else(|| panic!("{backend:?}: a price in {first}"));
        assert!(price > 1, "{first}");
        // A GET answer may be stored by a shared cache: it carries the price only.
        assert_eq!(
            first["extensions"]["cost"],
            serde_json::json!({ "requestedQueryCost": price }),
            "{backend:?}"
        );
        // Over POST, the client's bucket too, fresh on every answer from memory.
        let mut costs = Vec::new();
        for _ in 0..2 {
            let body = app.graphql(POLICY_CITIES).await;
            costs.push(body["extensions"]["cost"].clone());
        }
        for (cost, remaining) in [
            (&costs[0], 10_000 - 3 * price),
            (&costs[1], 10_000 - 4 * price),
        ] {
            assert_eq!(cost["requestedQueryCost"], price, "{backend:?}: {cost}");
            assert_eq!(cost["limit"], 10_000);
            assert_eq!(cost["remaining"], remaining, "{backend:?}: {cost}");
            let reset_at = cost["resetAt"].as_str().expect("a time");
            assert!(reset_at.ends_with('Z'), "UTC: {reset_at}");
            chrono::DateTime::parse_from_rfc3339(reset_at).expect("RFC 3339");
        }
        // An answer that holds the client's own rateLimit is not for shared caches.
        let personal = get(&app, "{ rateLimit { remaining } }", HeaderMap::new()).await;
        assert_eq!(header(&personal, CACHE_CONTROL), "private, no-store");

        // The other media type is another representation: another tag.
        let (strict_tag, strict) =
            get_json(&app, POLICY_CITIES, "application/graphql-response+json").await;
        assert_eq!(strict["data"], first["data"]);
        assert_ne!(strict_tag, first_tag, "{backend:?}");
        assert!(!strict_tag.is_empty());
    }
}

#[tokio::test]
async fn without_rate_limiting_the_cost_is_only_the_price() {
    let app = spawn_app_with(crate::helpers::Backend::Sqlite, |settings| {
        settings.response_cache.ttl = Duration::from_secs(60);
    })
    .await;
    for _ in 0..2 {
        let (_, body) = get_json(&app, POLICY_CITIES, "application/json").await;
        let cost = body["extensions"]["cost"]
            .as_object()
            .unwrap_or_else(|| panic!("a cost in {body}"));
        assert_eq!(cost.keys().collect::<Vec<_>>(), ["requestedQueryCost"]);
    }
    // A document refused before it was priced has none.
    let refused = app.graphql("{ apiVersion").await;
    assert!(refused.get("extensions").is_none(), "{refused}");
    // One refused at execution was priced, and carries its cost with its errors.
    let failed = app.graphql("{ noSuchField }").await;
    assert_eq!(
        failed["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
    assert_eq!(
        failed["extensions"]["cost"]["requestedQueryCost"], 0,
        "a field without a selection is priced as a scalar"
    );
}
