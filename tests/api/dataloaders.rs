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
        // observations → subject (1 + one per kind, at most 5) + indicator + source: 13.
        // A batch leaves only once the request's task yields (no timer), after every sibling
        // has queued its key, so load cannot split it. One statement per row would need 45+.
        assert!(
            statements_for_all <= 13,
            "{backend:?}: {statements_for_all} statements for {rows} rows: {counts:?}"
        );
        assert!(
            statements_for_all * 2 < rows,
            "{backend:?}: statements track rows: {counts:?}"
        );
    }
}

const TREE: &str = r#"query($cities: Int, $companies: Int) {
    countries(first: 100) { nodes { code
        cities(first: $cities) { slug
            policies { slug }
            companies(first: $companies) { slug policies { policy { slug } } } } } }
}"#;

fn slugs(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["slug"].as_str().expect("a slug").to_owned())
        .collect()
}

#[tokio::test]
async fn nested_lists_take_first_per_parent_in_one_statement_per_level() {
    for backend in backends().await {
        let (app, statements) = spawn_app_counting_statements(backend).await;
        let all = app.data_with(TREE, serde_json::json!({})).await;
        let before = statements.load(Ordering::SeqCst);
        let firsts = app
            .data_with(TREE, serde_json::json!({ "cities": 1, "companies": 1 }))
            .await;
        let used = statements.load(Ordering::SeqCst) - before;

        let mut truncated = 0;
        let countries = all["countries"]["nodes"].as_array().expect("countries");
        for (country, limited) in countries
            .iter()
            .zip(firsts["countries"]["nodes"].as_array().expect("countries"))
        {
            let cities = slugs(&country["cities"]);
            assert_eq!(
                slugs(&limited["cities"]),
                cities.iter().take(1).cloned().collect::<Vec<_>>(),
                "{backend:?}: cities(first: 1) of {} is the first of its cities",
                country["code"]
            );
            truncated += usize::from(cities.len() > 1);
            for limited_city in limited["cities"].as_array().expect("cities") {
                let city = country["cities"]
                    .as_array()
                    .expect("cities")
                    .iter()
                    .find(|city| city["slug"] == limited_city["slug"])
                    .expect("the same city");
                let companies = slugs(&city["companies"]);
                truncated += usize::from(companies.len() > 1);
                assert_eq!(
                    slugs(&limited_city["companies"]),
                    companies.iter().take(1).cloned().collect::<Vec<_>>(),
                    "{backend:?}: companies(first: 1) of {} is the first of them",
                    city["slug"]
                );
                assert_eq!(limited_city["policies"], city["policies"]);
            }
        }
        assert!(
            truncated > 0,
            "{backend:?}: no list was longer than 1: {all}"
        );
        // countries, cities, companies, each city's policies (joined), each company's policy
        // links and their policies: 6, under the query's depth of 7.
        assert!(
            used <= 6,
            "{backend:?}: {used} statements for a tree of depth 7"
        );

        for first in [-1, 101] {
            let (code, message) = app
                .error(&format!(
                    "{{ countries {{ nodes {{ cities(first: {first}) {{ slug }} }} }} }}"
                ))
                .await;
            assert_eq!(
                code, "BAD_USER_INPUT",
                "{backend:?}: first: {first}: {message}"
            );
            assert!(message.contains("between 0 and 100"), "{message}");
        }
    }
}
