//! No N+1: a deep query runs a number of SQL statements bounded by its depth, whatever the
//! number of rows.

use crate::helpers::{backends, spawn_app_counting_statements};
use std::sync::atomic::Ordering;

const DEEP_QUERY: &str = r#"query($first: Int) {
    cities(first: $first) { nodes { slug country { code cities { slug country { code } } } } }
    observations(first: $first) { nodes {
        value
        subject { key ... on City { country { code } } ... on Company { country { code } } }
        indicator { code }
        source { slug }
    } }
}"#;

#[tokio::test]
async fn a_deep_query_runs_a_bounded_number_of_statements() {
    for backend in backends().await {
        let (app, statements) = spawn_app_counting_statements(backend).await;
        let mut counts = Vec::new();
        for first in [1, 5, 100] {
            let before = statements.load(Ordering::SeqCst);
            let data = app
                .data_with(DEEP_QUERY, serde_json::json!({ "first": first }))
                .await;
            let after = statements.load(Ordering::SeqCst);
            let rows = data["observations"]["nodes"].as_array().map_or(0, Vec::len)
                + data["cities"]["nodes"].as_array().map_or(0, Vec::len);
            counts.push((first, rows, after - before));
        }
        eprintln!("{backend:?}: (first, rows, statements) = {counts:?}");
        let (_, rows, statements_for_all) = counts[2];
        assert_eq!(rows, 45, "all 3 cities and 42 observations");
        // Two root lists; cities → country → cities → country is 3 batched levels;
        // observations → subject (1 + one per kind, at most 5) + indicator + source: 13 on an
        // idle machine. A batch can split when one branch reaches a loader just after another
        // branch's batch has left (DataLoader's 1 ms window), which CPU contention makes
        // likelier, hence the headroom. One statement per row would need 45 or more.
        assert!(
            statements_for_all <= 20,
            "{backend:?}: {statements_for_all} statements for {rows} rows: {counts:?}"
        );
        assert!(
            statements_for_all * 2 < rows,
            "{backend:?}: statements track rows: {counts:?}"
        );
    }
}
