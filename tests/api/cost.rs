//! The cost model against the real data: everyday queries pass with their prices, trees and
//! floods do not, and `rateLimit` tells a client what a request costs and what it has left.

use crate::helpers::{TestApp, TestDatabase, backends, spawn_app, spawn_app_on, spawn_app_with};
use cityatlas::synthetic::{self, Scale};
use serde_json::{Value, json};

/// The price the server puts on `query`, read from `rateLimit` in the same operation.
async fn price(app: &TestApp, query: &str) -> u64 {
    let (head, rest) = query.split_once('{').expect("an operation");
    let priced = format!("{head}{{ rateLimit {{ cost }} {rest}");
    let body = app.graphql(&priced).await;
    assert!(body.get("errors").is_none(), "{query}: {body}");
    body["data"]["rateLimit"]["cost"]
        .as_u64()
        .expect("a cost")
        .saturating_sub(1)
}

const PAGE_OF_OBSERVATIONS: &str = r#"query ObservationPage($after: String) {
  observations(first: 100, after: $after) {
    __typename totalCount
    pageInfo { __typename hasNextPage endCursor }
    edges { __typename cursor node {
      __typename id value valueText unit scale formatted period year status citedIn caveats
      subject { __typename key name }
      indicator { __typename code name unit }
      source { __typename title citation(style: APA) }
    } }
  }
}"#;

/// What relay-compiler generates for a `@refetchable` `@connection` over observations.
const RELAY_PAGINATION: &str = r#"query ObservationsPagePaginationQuery($count: Int = 100, $cursor: String) {
  ...ObservationsPage_query_1G22uz
}
fragment ObservationsPage_query_1G22uz on Query {
  observations(first: $count, after: $cursor) {
    edges { node { id value unit scale period subject { __typename key name id }
      indicator { code id } source { citation(style: APA) id } __typename } cursor }
    pageInfo { endCursor hasNextPage }
  }
}"#;

const EVERY_INDICATOR_WITH_ITS_FIRST_OBSERVATION: &str = r#"query Indicators {
  indicators(first: 100) { nodes { __typename code name unit scale
    observations(first: 1) { nodes { __typename value period source { __typename title } } } } }
}"#;

#[tokio::test]
async fn everyday_queries_pass_at_the_documented_page_size() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let page = price(&app, PAGE_OF_OBSERVATIONS).await;
        assert_eq!(
            page,
            2 + 1 + 100 * 4,
            "{backend:?}: 100 × (node, subject, indicator, source)"
        );
        let rows = app.data(PAGE_OF_OBSERVATIONS).await;
        assert_eq!(
            rows["observations"]["edges"].as_array().map(Vec::len),
            Some(44)
        );

        let relay = app.graphql(RELAY_PAGINATION).await;
        assert!(relay.get("errors").is_none(), "{backend:?}: {relay}");
        let indicators = price(&app, EVERY_INDICATOR_WITH_ITS_FIRST_OBSERVATION).await;
        assert_eq!(indicators, 2 + 100 * (1 + 2 + 2), "{backend:?}");
        app.data(EVERY_INDICATOR_WITH_ITS_FIRST_OBSERVATION).await;

        for example in cityatlas::graphql::examples::EXAMPLES {
            let cost = price(&app, example.query).await;
            eprintln!("{backend:?}: {} costs {cost}", example.name);
        }
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn nested_lists_are_priced_by_the_longest_list_in_the_data() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        // The longest list of cities in one country, read from the data the same way.
        let countries = app
            .data("{ countries { nodes { cities { slug } } } }")
            .await;
        let longest = countries["countries"]["nodes"]
            .as_array()
            .expect("countries")
            .iter()
            .map(|country| country["cities"].as_array().map_or(0, Vec::len))
            .max()
            .expect("some country") as u64;
        assert!(longest >= 1);
        let cost = price(
            &app,
            "{ countries(first: 10) { nodes { cities { slug } } } }",
        )
        .await;
        assert_eq!(cost, 2 + 10 * (1 + longest), "{backend:?}");
        let narrowed = price(
            &app,
            "{ countries(first: 10) { nodes { cities(first: 1) { slug } } } }",
        )
        .await;
        assert_eq!(narrowed, 2 + 10 * (1 + 1), "{backend:?}");
        app.database.drop_now().await;
    }
}

/// The lengths that price nested lists, read from the paper's data on each backend.
#[tokio::test]
async fn every_relations_longest_list_is_read_the_same_on_every_backend() {
    use cityatlas::store::list_lengths::{Relation, longest};
    let mut seen = Vec::new();
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let mut lengths = Vec::new();
        for relation in Relation::ALL {
            lengths.push((relation, longest(&app.db, relation).await.expect("reads")));
        }
        let of = |wanted: Relation| {
            lengths
                .iter()
                .find(|(relation, _)| *relation == wanted)
                .map(|(_, length)| *length)
        };
        // Shenzhen and Hangzhou; Table 1's five rows; CN and US for every indicator at most.
        assert_eq!(of(Relation::CitiesOfCountry), Some(2), "{backend:?}");
        assert_eq!(of(Relation::Dimensions), Some(5), "{backend:?}");
        assert!(
            of(Relation::SubjectsOfIndicator) <= Some(3),
            "{backend:?}: {lengths:?}"
        );
        eprintln!("{backend:?}: {lengths:?}");
        seen.push(lengths);
        app.database.drop_now().await;
    }
    if let [first, rest @ ..] = &seen[..] {
        for other in rest {
            assert_eq!(first, other, "the same lengths on every backend");
        }
    }
}

#[tokio::test]
async fn floods_of_nodes_are_refused() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let ids: Vec<String> = (0..100).map(|i| format!("id{i}")).collect();
        let aliases: String = (0..13)
            .map(|i| format!("n{i}: nodes(ids: $ids) {{ id }} "))
            .collect();
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({
                "query": format!("query($ids: [ID!]!) {{ {aliases} }}"),
                "variables": { "ids": ids },
            }))
            .send()
            .await
            .expect("sent");
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{backend:?}: {body}"
        );
        app.database.drop_now().await;
    }
}

/// Q5 of `bench/run`: 100 countries → 10 cities → 5 companies → policies, about 11,000
/// objects on the benchmark's data, which the old model let through at 902 points.
#[tokio::test]
async fn the_benchmarks_tree_is_refused_on_the_benchmarks_data() {
    const Q5: &str = "{ countries(first: 100, orderBy: {field: CODE}) { nodes { code \
                      cities(first: 10) { slug companies(first: 5) { slug policies { policy { slug } } } } } } }";
    for backend in backends().await {
        let database = TestDatabase::create(backend).await;
        let db = database.connect().await;
        cityatlas::database::migrate(&db).await.expect("migrates");
        synthetic::seed(&db, Scale::new(10_000).expect("in range"))
            .await
            .expect("generates");
        let app = spawn_app_on(database, |settings| settings.server.seed_on_start = false).await;
        let body = app.graphql(Q5).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{backend:?}: {body}"
        );
        eprintln!("{backend:?}: {}", body["errors"][0]["message"]);
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn rate_limit_gives_the_cost_and_what_is_left_and_a_dry_run_only_prices() {
    for backend in backends().await {
        let app = spawn_app_with(backend, |settings| {
            settings.rate_limit.points_per_window = 1_000;
        })
        .await;
        let data = app
            .data("{ rateLimit { cost limit remaining resetAt } countries(first: 2) { nodes { code } } }")
            .await;
        let rate_limit = &data["rateLimit"];
        assert_eq!(rate_limit["cost"], 1 + 2 + 2, "{backend:?}: {data}");
        assert_eq!(rate_limit["limit"], 1_000);
        assert_eq!(rate_limit["remaining"], 1_000 - 5);
        let reset_at = rate_limit["resetAt"].as_str().expect("a time");
        assert!(
            chrono::DateTime::parse_from_rfc3339(reset_at).is_ok(),
            "{reset_at}"
        );

        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .json(&json!({
                "query": "query($dry: Boolean!) { rateLimit(dryRun: $dry) { cost remaining } \
                          countries(first: 100) { nodes { code } } }",
                "variables": { "dry": true },
            }))
            .send()
            .await
            .expect("sent");
        let dry: Value = response.json().await.expect("JSON");
        assert!(dry.get("errors").is_none(), "{backend:?}: {dry}");
        assert_eq!(dry["data"]["rateLimit"]["cost"], 1 + 2 + 100);
        assert!(dry["data"].get("countries").is_none(), "not run: {dry}");
        let after_dry_run = dry["data"]["rateLimit"]["remaining"]
            .as_u64()
            .expect("left");
        assert_eq!(after_dry_run, 1_000 - 5 - 1, "a dry run takes one point");
        app.database.drop_now().await;
    }
}

#[tokio::test]
async fn without_a_rate_limit_the_cost_is_still_given() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    let data = app
        .data("{ rateLimit { cost limit remaining resetAt } apiVersion }")
        .await;
    assert_eq!(
        data["rateLimit"],
        json!({ "cost": 1, "limit": null, "remaining": null, "resetAt": null })
    );
    app.database.drop_now().await;
}
