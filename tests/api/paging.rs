//! Relay paging: forward and backward across page boundaries under every ordering, with
//! consistent totals, and coded errors for bad arguments.

use crate::helpers::{TestApp, backends, spawn_app};
use serde_json::{Value, json};
use std::cmp::Ordering;

/// An order enum value and the node field it sorts by.
type OrderField = (&'static str, Option<&'static str>);

/// Every list, its order input type, and each order field with the node field it sorts by
/// (`None` where the key is not a single field, e.g. a policy's first stated year).
const LISTS: &[(&str, &str, &[OrderField])] = &[
    (
        "countries",
        "CountryOrder",
        &[("CODE", Some("code")), ("NAME", Some("name"))],
    ),
    (
        "regions",
        "CountryOrder",
        &[("CODE", Some("code")), ("NAME", Some("name"))],
    ),
    (
        "cities",
        "CityOrder",
        &[("NAME", Some("name")), ("SLUG", Some("slug"))],
    ),
    (
        "companies",
        "CompanyOrder",
        &[
            ("NAME", Some("name")),
            ("SLUG", Some("slug")),
            ("SECTOR", Some("sector")),
        ],
    ),
    (
        "projects",
        "ProjectOrder",
        &[
            ("NAME", Some("name")),
            ("SLUG", Some("slug")),
            ("START_YEAR", Some("startYear")),
        ],
    ),
    (
        "policies",
        "PolicyOrder",
        &[
            ("TITLE", Some("title")),
            ("SLUG", Some("slug")),
            ("YEAR", None),
        ],
    ),
    (
        "indicators",
        "IndicatorOrder",
        &[
            ("CODE", Some("code")),
            ("NAME", Some("name")),
            ("TOPIC", Some("topic")),
        ],
    ),
    (
        "observations",
        "ObservationOrder",
        &[
            ("YEAR", Some("year")),
            ("VALUE", Some("value")),
            ("PERIOD", Some("period")),
        ],
    ),
    (
        "sources",
        "SourceOrder",
        &[
            ("TITLE", Some("title")),
            ("SLUG", Some("slug")),
            ("PUBLISHER", Some("publisher")),
            ("PUBLISHED_ON", Some("publishedOn")),
        ],
    ),
];

struct Page {
    ids: Vec<String>,
    keys: Vec<Value>,
    total: i64,
    has_next: bool,
    has_previous: bool,
    start: Option<String>,
    end: Option<String>,
}

async fn page(
    app: &TestApp,
    list: &str,
    order_type: &str,
    key: Option<&str>,
    variables: Value,
) -> Page {
    let query = format!(
        "query($first: Int, $after: String, $last: Int, $before: String, $order: {order_type}) {{
            {list}(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {{
                totalCount
                edges {{ cursor node {{ id {key} }} }}
                nodes {{ id }}
                pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
            }}
        }}",
        key = key.unwrap_or("")
    );
    let data = app.data_with(&query, variables).await;
    let connection = &data[list];
    let edges = connection["edges"].as_array().expect("edges");
    let ids: Vec<String> = edges
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
        .collect();
    let node_ids: Vec<String> = connection["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids, node_ids, "edges and nodes agree");
    let info = &connection["pageInfo"];
    let start = info["startCursor"].as_str().map(str::to_owned);
    let end = info["endCursor"].as_str().map(str::to_owned);
    assert_eq!(
        start.as_deref(),
        edges.first().and_then(|e| e["cursor"].as_str())
    );
    assert_eq!(
        end.as_deref(),
        edges.last().and_then(|e| e["cursor"].as_str())
    );
    Page {
        keys: key
            .map(|k| edges.iter().map(|e| e["node"][k].clone()).collect())
            .unwrap_or_default(),
        ids,
        total: connection["totalCount"].as_i64().expect("totalCount"),
        has_next: info["hasNextPage"].as_bool().expect("bool"),
        has_previous: info["hasPreviousPage"].as_bool().expect("bool"),
        start,
        end,
    }
}

/// Ascending order of sort keys; a missing number sorts after every number, as documented.
fn compare_keys(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, Value::Number(_)) => Ordering::Greater,
        (Value::Number(_), Value::Null) => Ordering::Less,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

#[tokio::test]
async fn every_list_pages_forward_and_backward_under_every_ordering() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        for (list, order_type, fields) in LISTS {
            for (field, key) in *fields {
                for direction in ["ASC", "DESC"] {
                    let order = json!({ "field": field, "direction": direction });
                    let context = format!("{backend:?} {list} {field} {direction}");
                    let all = page(
                        &app,
                        list,
                        order_type,
                        *key,
                        json!({ "first": 50, "order": order }),
                    )
                    .await;
                    assert_eq!(all.total as usize, all.ids.len(), "{context}");
                    assert!(!all.has_next && !all.has_previous, "{context}");
                    if let Some(_key) = key {
                        for pair in all.keys.windows(2) {
                            let ordering = compare_keys(&pair[0], &pair[1]);
                            let wrong = if direction == "ASC" {
                                Ordering::Greater
                            } else {
                                Ordering::Less
                            };
                            assert_ne!(ordering, wrong, "{context}: {:?}", all.keys);
                        }
                    }

                    // Forward in pages of 3.
                    let mut forward = Vec::new();
                    let mut after: Option<String> = None;
                    loop {
                        let p = page(
                            &app,
                            list,
                            order_type,
                            None,
                            json!({ "first": 3, "after": after, "order": order }),
                        )
                        .await;
                        assert_eq!(p.total, all.total, "{context}: totalCount on every page");
                        assert_eq!(p.has_previous, after.is_some(), "{context}");
                        forward.extend(p.ids.clone());
                        if !p.has_next {
                            break;
                        }
                        assert_eq!(p.ids.len(), 3, "{context}");
                        after = p.end;
                    }
                    assert_eq!(forward, all.ids, "{context}: forward walk");

                    // Backward in pages of 4.
                    let mut backward: Vec<String> = Vec::new();
                    let mut before: Option<String> = None;
                    loop {
                        let p = page(
                            &app,
                            list,
                            order_type,
                            None,
                            json!({ "last": 4, "before": before, "order": order }),
                        )
                        .await;
                        assert_eq!(p.has_next, before.is_some(), "{context}");
                        let mut ids = p.ids.clone();
                        ids.extend(backward);
                        backward = ids;
                        if !p.has_previous {
                            break;
                        }
                        before = p.start;
                    }
                    assert_eq!(backward, all.ids, "{context}: backward walk");
                }
            }
        }
    }
}

#[tokio::test]
async fn out_of_range_page_sizes_and_bad_cursors_are_coded_user_errors() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let default_page = app
            .data("{ observations { totalCount nodes { year } pageInfo { hasNextPage } } }")
            .await;
        assert_eq!(
            default_page["observations"]["nodes"]
                .as_array()
                .map(Vec::len),
            Some(20)
        );
        assert_eq!(
            default_page["observations"]["pageInfo"]["hasNextPage"],
            true
        );
        let full = app
            .data("{ observations(first: 100) { nodes { year } } }")
            .await;
        assert_eq!(
            full["observations"]["nodes"].as_array().map(Vec::len),
            Some(44)
        );

        let cities = app
            .data("{ cities(first: 1) { pageInfo { endCursor } } }")
            .await;
        let city_cursor = cities["cities"]["pageInfo"]["endCursor"]
            .as_str()
            .expect("cursor")
            .to_owned();
        for (query, needle) in [
            ("{ cities(first: 101) { totalCount } }", "between 0 and 100"),
            ("{ cities(last: 101) { totalCount } }", "between 0 and 100"),
            ("{ cities(first: -1) { totalCount } }", "between 0 and 100"),
            ("{ cities(first: 1, last: 1) { totalCount } }", "not both"),
            (
                r#"{ cities(after: "junk") { totalCount } }"#,
                "not a cursor",
            ),
            (
                r#"{ cities(before: "eyJvIjoxfQ") { totalCount } }"#,
                "not a cursor",
            ),
            (
                &format!(
                    r#"{{ cities(after: "{city_cursor}", orderBy: {{field: SLUG}}) {{ totalCount }} }}"#
                ),
                "another list or ordering",
            ),
            (
                &format!(r#"{{ companies(after: "{city_cursor}") {{ totalCount }} }}"#),
                "another list or ordering",
            ),
        ] {
            let (code, message) = app.error(query).await;
            assert_eq!(code, "BAD_USER_INPUT", "{query}: {message}");
            assert!(message.contains(needle), "{query}: {message}");
        }
        let (code, _) = app
            .error("{ cities(first: 10000000000) { totalCount } }")
            .await;
        assert!(
            !code.is_empty(),
            "an out-of-range Int is refused with a code"
        );
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
}
