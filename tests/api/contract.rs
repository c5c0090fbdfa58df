//! The public contract: root lookups, global IDs, documentation and the named examples.

use crate::helpers::{backends, spawn_app};
use cityatlas::graphql::examples::EXAMPLES;
use serde_json::{Value, json};

#[tokio::test]
async fn every_lookup_finds_its_object_and_unknown_keys_give_null() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let data = app
            .data(
                r#"{
                country(code: "CN") { code name iso3 region { code } }
                lower: country(code: "us") { code }
                region(code: "WORLD") { code name kind }
                city(slug: "shenzhen") { slug name country { code } }
                company(slug: "alibaba-cloud") { slug name parent { slug } }
                project(slug: "city-brain") { slug city { slug } }
                policy(slug: "digital-silk-road") { slug country { code } }
                indicator(code: "ai_market_size") { code unit scale }
                source(slug: "liu-2025") { slug doi }
                noCountry: country(code: "ZZ") { code }
                noCity: city(slug: "atlantis") { slug }
                noCompany: company(slug: "acme") { slug }
                noProject: project(slug: "none") { slug }
                noPolicy: policy(slug: "none") { slug }
                noIndicator: indicator(code: "none") { code }
            }"#,
            )
            .await;
        assert_eq!(data["country"]["name"], "China", "{backend:?}");
        assert_eq!(data["country"]["region"]["code"], "ASIA");
        assert_eq!(data["lower"]["code"], "US");
        assert_eq!(data["region"]["kind"], "aggregate");
        assert_eq!(data["city"]["country"]["code"], "CN");
        assert_eq!(data["company"]["parent"]["slug"], "alibaba");
        assert_eq!(data["project"]["city"]["slug"], "hangzhou");
        assert_eq!(data["policy"]["country"]["code"], "CN");
        assert_eq!(data["indicator"]["scale"], "billion");
        assert_eq!(
            data["source"]["doi"],
            "10.35854/1998-1627-2025-12-1634-1646"
        );
        for missing in [
            "noCountry",
            "noCity",
            "noCompany",
            "noProject",
            "noPolicy",
            "noIndicator",
        ] {
            assert_eq!(data[missing], Value::Null, "{missing}");
        }
    }
}

/// Every ID of every type resolves back to the same object through `node` and `nodes`,
/// and IDs are the same on both backends.
#[tokio::test]
async fn node_and_nodes_round_trip_every_type() {
    let mut ids_by_backend = Vec::new();
    for backend in backends().await {
        let app = spawn_app(backend).await;
        // One list per query, as a client within the complexity budget would fetch them.
        let mut data = serde_json::Map::new();
        for list in [
            "countries(first: 50) { nodes { id } }",
            "regions(first: 50) { nodes { id } }",
            "cities(first: 50) { nodes { id } }",
            "companies(first: 50) { nodes { id sanctions { id } } }",
            "projects(first: 50) { nodes { id } }",
            "policies(first: 50) { nodes { id } }",
            "indicators(first: 50) { nodes { id } }",
            "observations(first: 50) { nodes { id } }",
            "sources(first: 50) { nodes { id } }",
            "strategicComparison { id }",
        ] {
            if let Value::Object(part) = app.data(&format!("{{ {list} }}")).await {
                data.extend(part);
            }
        }
        let data = Value::Object(data);
        let mut ids: Vec<String> = Vec::new();
        let mut collect = |value: &Value| {
            if let Some(id) = value["id"].as_str() {
                ids.push(id.to_owned());
            }
        };
        for list in [
            "countries",
            "regions",
            "cities",
            "companies",
            "projects",
            "policies",
            "indicators",
            "observations",
            "sources",
        ] {
            for node in data[list]["nodes"].as_array().expect("a list") {
                collect(node);
                for sanction in node["sanctions"].as_array().into_iter().flatten() {
                    collect(sanction);
                }
            }
        }
        for row in data["strategicComparison"].as_array().expect("rows") {
            collect(row);
        }
        assert_eq!(ids.len(), 2 + 6 + 3 + 12 + 3 + 9 + 19 + 26 + 44 + 37 + 5);

        for chunk in ids.chunks(100) {
            let found = app
                .data_with(
                    "query($ids: [ID!]!) { nodes(ids: $ids) { id __typename } }",
                    json!({ "ids": chunk }),
                )
                .await;
            let returned: Vec<&str> = found["nodes"]
                .as_array()
                .expect("a list")
                .iter()
                .map(|node| node["id"].as_str().expect("every ID resolves"))
                .collect();
            assert_eq!(returned, chunk, "{backend:?}");
        }
        let one = app
            .data_with(
                "query($id: ID!) { node(id: $id) { id ... on Observation { formatted } } }",
                json!({ "id": ids[ids.len() - 80] }),
            )
            .await;
        assert!(one["node"]["formatted"].is_string(), "{one}");
        ids_by_backend.push(ids);
    }
    if let [sqlite, postgres] = &ids_by_backend[..] {
        assert_eq!(sqlite, postgres, "IDs are the same on both backends");
    }
}

#[tokio::test]
async fn malformed_node_ids_are_user_errors_and_stale_ids_are_null() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let (code, message) = app.error(r#"{ node(id: "not-an-id") { id } }"#).await;
        assert_eq!(code, "BAD_USER_INPUT");
        assert!(message.contains("not a City Atlas node ID"), "{message}");
        // "Country:ZZ": well formed, but there is no such country.
        let data = app.data(r#"{ node(id: "Q291bnRyeTpaWg") { id } }"#).await;
        assert_eq!(data["node"], Value::Null);
        let (code, _) = app
            .error(&format!(
                "{{ nodes(ids: [{}]) {{ id }} }}",
                vec!["\"Q291bnRyeTpDTg\""; 101].join(",")
            ))
            .await;
        assert_eq!(code, "BAD_USER_INPUT");
    }
}

/// Walks the introspection result: every type, field, argument, input field and enum value
/// that the API defines must carry a description.
#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    let data = app
        .data(
            r#"{ __schema { types {
                name kind description
                fields(includeDeprecated: true) { name description args { name description } }
                inputFields { name description }
                enumValues(includeDeprecated: true) { name description }
            } } }"#,
        )
        .await;
    let mut undocumented = Vec::new();
    let described = |value: &Value| {
        value["description"]
            .as_str()
            .is_some_and(|d| !d.trim().is_empty())
    };
    for ty in data["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().expect("a name");
        // Introspection types and the spec's own scalars are GraphQL's, not this API's.
        if name.starts_with("__") || ["ID", "String", "Int", "Float", "Boolean"].contains(&name) {
            continue;
        }
        if !described(ty) {
            undocumented.push(name.to_owned());
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            let field_name = field["name"].as_str().unwrap_or_default();
            if !described(field) {
                undocumented.push(format!("{name}.{field_name}"));
            }
            for arg in field["args"].as_array().into_iter().flatten() {
                if !described(arg) {
                    undocumented.push(format!("{name}.{field_name}({})", arg["name"]));
                }
            }
        }
        for input in ty["inputFields"].as_array().into_iter().flatten() {
            if !described(input) {
                undocumented.push(format!("{name}.{}", input["name"]));
            }
        }
        for value in ty["enumValues"].as_array().into_iter().flatten() {
            if !described(value) {
                undocumented.push(format!("{name}.{}", value["name"]));
            }
        }
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:#?}");
}

#[tokio::test]
async fn the_root_has_the_contracted_fields() {
    let app = spawn_app(crate::helpers::Backend::Sqlite).await;
    let data = app
        .data("{ __type(name: \"Query\") { fields { name } } }")
        .await;
    let fields: Vec<&str> = data["__type"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    for required in [
        "node",
        "nodes",
        "country",
        "city",
        "company",
        "project",
        "policy",
        "indicator",
        "countries",
        "cities",
        "companies",
        "projects",
        "policies",
        "indicators",
        "observations",
        "sources",
        "search",
        "strategicComparison",
    ] {
        assert!(fields.contains(&required), "missing root field {required}");
    }
    let subject = app
        .data("{ __type(name: \"Subject\") { possibleTypes { name } fields { name } } }")
        .await;
    let implementors: Vec<&str> = subject["__type"]["possibleTypes"]
        .as_array()
        .expect("types")
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for ty in ["Country", "Region", "City", "Company", "Project"] {
        assert!(implementors.contains(&ty), "{ty} implements Subject");
    }
}

/// The named examples reproduce the paper's tables and figures, and the README shows them.
#[tokio::test]
async fn the_named_examples_reproduce_the_papers_tables_and_figures() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let mut results = std::collections::HashMap::new();
        for example in EXAMPLES {
            assert!(
                readme.contains(example.query.trim()),
                "README.md lacks the example {}",
                example.name
            );
            results.insert(example.name, app.data(example.query).await);
        }
        let table1 = &results["Table1StrategicComparison"]["strategicComparison"];
        assert_eq!(table1.as_array().map(Vec::len), Some(5));
        assert_eq!(table1[1]["dimension"], "Drive model");
        assert_eq!(table1[1]["positions"][0]["text"], "Government-led");
        assert_eq!(table1[1]["positions"][1]["text"], "Market-Driven");
        assert_eq!(table1[1]["keyDifference"], "Planned vs Incentive");

        let table2 = &results["Table2MarketCompetitiveness"];
        let china = &table2["countries"]["nodes"][0];
        assert_eq!(china["code"], "CN");
        let figures: Vec<&str> = china["observations"]["nodes"]
            .as_array()
            .expect("figures")
            .iter()
            .filter_map(|o| o["formatted"].as_str())
            .collect();
        assert_eq!(
            figures,
            ["USD 39.32 billion", "4,676 enterprises", "17 companies"]
        );
        assert_eq!(
            table2["companies"]["nodes"].as_array().map(Vec::len),
            Some(6)
        );

        let fig1 = &results["Fig1AiMarketSize"]["indicator"];
        assert_eq!(fig1["series"][0]["points"][0]["value"], 39.32);
        assert_eq!(fig1["series"][1]["points"][0]["value"], 50.16);
        assert_eq!(fig1["ratio"]["formula"], "50.16 ÷ 39.32");

        let fig2 = &results["Fig2NewUnicorns"]["indicator"]["series"];
        let years: Vec<i64> = fig2[0]["points"]
            .as_array()
            .expect("points")
            .iter()
            .filter_map(|p| p["year"].as_i64())
            .collect();
        assert_eq!(years, [2018, 2020, 2021, 2024]);
        let us: Vec<Value> = fig2[1]["points"]
            .as_array()
            .expect("points")
            .iter()
            .map(|p| p["value"].clone())
            .collect();
        assert_eq!(us, [Value::Null, Value::Null, json!(191.0), json!(54.0)]);

        let fig3 = &results["Fig3UnicornsByIndustry"]["indicator"]["series"];
        assert_eq!(fig3.as_array().map(Vec::len), Some(5));
        let share = &results["UsShareOfAiEnterprises"]["indicator"]["share"];
        assert_eq!(share["formatted"], "34.7%");
    }
}
