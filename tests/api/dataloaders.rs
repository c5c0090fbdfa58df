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
        assert_eq!(rows, 47, "all 3 cities and 44 observations");
        // Two root lists; cities → country → cities → country is 3 batched levels;
        // observations → subject (1 + one per kind, at most 5) + indicator + source: 13.
        // A batch leaves only once the request's task yields (no timer), after every sibling
        // has queued its key, so load cannot split it. One statement per row would need 47+.
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

/// The fields `nodes` answers for each of the five types, none of which needs another
/// statement: an observation's `id` would (it is built from its indicator, subject and source).
const NODE_FIELDS: &str = "__typename
    ... on Country { code } ... on City { slug } ... on Company { slug }
    ... on Indicator { code } ... on Observation { period value citedIn category }";

/// Every country, city, company, indicator and observation, as `(id, what nodes answers)`.
async fn ids_of_five_types(app: &crate::helpers::TestApp) -> Vec<(String, serde_json::Value)> {
    let mut found = Vec::new();
    for (list, typename, fields) in [
        ("countries", "Country", "code"),
        ("cities", "City", "slug"),
        ("companies", "Company", "slug"),
        ("indicators", "Indicator", "code"),
        (
            "observations",
            "Observation",
            "period value citedIn category",
        ),
    ] {
        let data = app
            .data(&format!(
                "{{ {list}(first: 100) {{ nodes {{ id {fields} }} }} }}"
            ))
            .await;
        for node in data[list]["nodes"].as_array().expect("a list") {
            let mut answer = node.clone();
            let id = answer["id"].as_str().expect("an id").to_owned();
            answer["__typename"] = typename.into();
            if let Some(fields) = answer.as_object_mut() {
                fields.remove("id");
            }
            found.push((id, answer));
        }
    }
    found
}

#[tokio::test]
async fn nodes_of_five_types_take_one_statement_per_type_in_the_order_given() {
    use cityatlas::graphql::ids::{KEY_SEPARATOR, NodeType, encode};
    for backend in backends().await {
        let (app, statements) = spawn_app_counting_statements(backend).await;
        let real = ids_of_five_types(&app).await;
        assert_eq!(real.len(), 2 + 3 + 12 + 26 + 44, "{backend:?}");
        // Well-formed IDs of objects that do not exist, of the same five types.
        let gone_observation = ["ai_market_size", "country", "CN", "1999", "", "nowhere"]
            .join(&KEY_SEPARATOR.to_string());
        let mut missing = vec![
            encode(NodeType::Country, "ZZ"),
            encode(NodeType::City, "atlantis"),
            encode(NodeType::Indicator, "no_such_indicator"),
            encode(NodeType::Observation, &gone_observation),
        ];
        missing
            .extend((missing.len()..12).map(|n| encode(NodeType::Company, &format!("gone-{n}"))));
        // One observation twice: each place it is asked for gets it.
        let twice = real.last().cloned().expect("an observation");
        let mut asked: Vec<(String, serde_json::Value)> = real;
        asked.push(twice);
        asked.extend(
            missing
                .iter()
                .map(|id| (id.to_string(), serde_json::Value::Null)),
        );
        assert_eq!(asked.len(), 100, "{backend:?}");
        // Sorted by the reversed ID: the types are scattered, in no list's order.
        asked.sort_by_key(|(id, _)| id.chars().rev().collect::<String>());
        let ids: Vec<&str> = asked.iter().map(|(id, _)| id.as_str()).collect();

        let before = statements.load(Ordering::SeqCst);
        let data = app
            .data_with(
                &format!("query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {NODE_FIELDS} }} }}"),
                serde_json::json!({ "ids": ids }),
            )
            .await;
        let used = statements.load(Ordering::SeqCst) - before;

        let answers = data["nodes"].as_array().expect("a list");
        assert_eq!(answers.len(), 100, "{backend:?}");
        for (position, ((id, expected), answer)) in asked.iter().zip(answers).enumerate() {
            assert_eq!(answer, expected, "{backend:?}: nodes[{position}] for {id}");
        }
        eprintln!("{backend:?}: nodes over 100 IDs of five types: {used} statements");
        assert!(
            used <= 5,
            "{backend:?}: {used} statements for 100 IDs of five types"
        );

        // A malformed ID among good ones fails the field, as it did before batching.
        let short_observation = encode(NodeType::Observation, "ai_market_size");
        for bad in ["not-an-id", short_observation.as_str()] {
            let (code, message) = app
                .error(&format!(
                    r#"{{ nodes(ids: ["{}", "{bad}"]) {{ __typename }} }}"#,
                    ids[0]
                ))
                .await;
            assert_eq!(code, "BAD_USER_INPUT", "{backend:?}: {bad}: {message}");
            assert!(message.contains("not a City Atlas node ID"), "{message}");
        }
    }
}

#[tokio::test]
async fn aliased_root_lookups_of_one_type_batch_into_one_statement() {
    for backend in backends().await {
        let (app, statements) = spawn_app_counting_statements(backend).await;
        let mut counts = Vec::new();
        for (name, query, expected) in [
            (
                "countries",
                r#"{ cn: country(code: "CN") { name } us: country(code: "us") { name }
                     zz: country(code: "ZZ") { name } }"#,
                1,
            ),
            (
                "cities with their country",
                r#"{ a: city(slug: "shenzhen") { name country { code } }
                     b: city(slug: "san-francisco") { name country { code } }
                     c: city(slug: "atlantis") { name country { code } } }"#,
                1,
            ),
            (
                "companies",
                r#"{ a: company(slug: "huawei") { name } b: company(slug: "tencent") { name }
                     c: company(slug: "alibaba") { name } }"#,
                1,
            ),
            (
                "a country by code and by global ID",
                r#"{ country(code: "CN") { name } node(id: "Q291bnRyeTpVUw") { id } }"#,
                1,
            ),
            (
                // The only root field reads at once, with its country in the same statement.
                "a lone city with its country",
                r#"{ city(slug: "shenzhen") { name country { code } } }"#,
                1,
            ),
            (
                "a lone city that does not exist",
                r#"{ city(slug: "atlantis") { name } }"#,
                1,
            ),
            (
                // The country found by code is walked back to by id for free.
                "a country, its cities and their country",
                r#"{ country(code: "CN") { code cities { slug country { code } } } }"#,
                2,
            ),
        ] {
            let before = statements.load(Ordering::SeqCst);
            let data = app.data(query).await;
            let used = statements.load(Ordering::SeqCst) - before;
            counts.push((name, used));
            assert!(
                used <= expected,
                "{backend:?}: {name}: {used} statements, expected {expected}: {data}"
            );
            match name {
                "countries" => {
                    assert_eq!(data["cn"]["name"], "China", "{data}");
                    assert_eq!(data["us"]["name"], "United States", "{data}");
                    assert!(data["zz"].is_null(), "{data}");
                }
                "cities with their country" => {
                    assert_eq!(data["a"]["country"]["code"], "CN", "{data}");
                    assert_eq!(data["b"]["country"]["code"], "US", "{data}");
                    assert!(data["c"].is_null(), "{data}");
                }
                "companies" => {
                    for alias in ["a", "b", "c"] {
                        assert!(data[alias]["name"].is_string(), "{data}");
                    }
                }
                "a lone city with its country" => {
                    assert_eq!(data["city"]["name"], "Shenzhen", "{data}");
                    assert_eq!(data["city"]["country"]["code"], "CN", "{data}");
                }
                "a lone city that does not exist" => {
                    assert!(data["city"].is_null(), "{data}");
                }
                "a country by code and by global ID" => {
                    assert_eq!(data["country"]["name"], "China", "{data}");
                    assert_eq!(data["node"]["id"], "Q291bnRyeTpVUw", "{data}");
                }
                _ => {
                    let cities = data["country"]["cities"].as_array().expect("cities");
                    assert!(!cities.is_empty(), "{data}");
                    for city in cities {
                        assert_eq!(city["country"]["code"], "CN", "{data}");
                    }
                }
            }
        }
        eprintln!("{backend:?}: (lookup, statements) = {counts:?}");
    }
}
