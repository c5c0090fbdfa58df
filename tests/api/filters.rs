//! Every list's filters, text matching and search, with the same answers on both backends.

use crate::helpers::{backends, spawn_app};
use serde_json::Value;

/// (query, the list's field, the node field to collect, the expected values in order).
const CASES: &[(&str, &str, &str, &[&str])] = &[
    (
        r#"{ countries(filter: {region: ["ASIA"]}) { nodes { code } } }"#,
        "countries",
        "code",
        &["CN"],
    ),
    (
        r#"{ countries(filter: {text: "STANDARD setting"}) { nodes { code } } }"#,
        "countries",
        "code",
        &["US"],
    ),
    (
        r#"{ regions(filter: {kind: ["aggregate"]}) { nodes { code } } }"#,
        "regions",
        "code",
        &["WORLD"],
    ),
    (
        r#"{ cities(filter: {country: ["CN"]}) { nodes { slug } } }"#,
        "cities",
        "slug",
        &["hangzhou", "shenzhen"],
    ),
    (
        r#"{ cities(filter: {text: "tech giants"}) { nodes { slug } } }"#,
        "cities",
        "slug",
        &["shenzhen"],
    ),
    (
        r#"{ companies(filter: {city: ["shenzhen"]}, orderBy: {field: SLUG}) { nodes { slug } } }"#,
        "companies",
        "slug",
        &["huawei", "tencent"],
    ),
    (
        r#"{ companies(filter: {country: ["US"], leadingEnterprise: true}, orderBy: {field: SLUG}) { nodes { slug } } }"#,
        "companies",
        "slug",
        &["google", "ibm", "microsoft"],
    ),
    (
        r#"{ companies(filter: {project: ["city-brain"]}, orderBy: {field: SLUG}) { nodes { slug } } }"#,
        "companies",
        "slug",
        &["alibaba", "alibaba-cloud"],
    ),
    (
        r#"{ companies(filter: {sector: ["telecommunications"]}, orderBy: {field: SLUG}) { nodes { slug } } }"#,
        "companies",
        "slug",
        &["huawei", "zte"],
    ),
    (
        r#"{ projects(filter: {city: ["hangzhou"]}) { nodes { slug } } }"#,
        "projects",
        "slug",
        &["city-brain"],
    ),
    (
        r#"{ projects(filter: {company: ["microsoft"]}) { nodes { slug } } }"#,
        "projects",
        "slug",
        &["microsoft-carbon-monitoring"],
    ),
    (
        r#"{ projects(filter: {country: ["US"], kind: ["energy"]}, orderBy: {field: SLUG}) { nodes { slug } } }"#,
        "projects",
        "slug",
        &[
            "microsoft-carbon-monitoring",
            "sf-energy-management",
            "sf-energy-map",
        ],
    ),
    (
        r#"{ policies(filter: {city: ["san-francisco"]}) { nodes { slug } } }"#,
        "policies",
        "slug",
        &["sf-carbon-free-goal"],
    ),
    (
        r#"{ policies(filter: {company: ["huawei"], country: ["US"]}, orderBy: {field: SLUG}) { nodes { slug } } }"#,
        "policies",
        "slug",
        &["clean-network-initiative", "entity-list-huawei-affiliates"],
    ),
    (
        r#"{ policies(filter: {fromYear: 2034, toYear: 2040}) { nodes { slug } } }"#,
        "policies",
        "slug",
        &["national-new-type-urbanization-plan"],
    ),
    (
        r#"{ indicators(filter: {topic: ["ai_market"]}, orderBy: {field: CODE}) { nodes { code } } }"#,
        "indicators",
        "code",
        &["ai_market_size"],
    ),
    (
        r#"{ indicators(filter: {subjectKind: [COMPANY]}) { nodes { code } } }"#,
        "indicators",
        "code",
        &[
            "entity_list_additions",
            "innovation_centers",
            "patent_share_5g",
            "rd_share_of_revenue",
            "video_surveillance_sales_share",
        ],
    ),
    (
        r#"{ indicators(filter: {text: "UNICORN"}) { nodes { code } } }"#,
        "indicators",
        "code",
        &["new_unicorns", "unicorn_industry_share"],
    ),
    (
        r#"{ observations(filter: {indicator: ["new_unicorns"], subject: ["US"]}) { nodes { period } } }"#,
        "observations",
        "period",
        &["2021", "2024"],
    ),
    (
        r#"{ observations(filter: {indicator: ["new_unicorns"], fromYear: 2019, toYear: 2021}, orderBy: {field: VALUE, direction: DESC}) { nodes { value } } }"#,
        "observations",
        "value",
        &["191.0", "84.0", "33.0"],
    ),
    (
        r#"{ observations(filter: {city: ["hangzhou"], indicator: ["average_travel_speed_increase", "video_surveillance_sales_share"]}) { nodes { value } } }"#,
        "observations",
        "value",
        // Hangzhou's figure and the combined share on its three surveillance companies.
        &["15.3", "30.0", "30.0", "30.0"],
    ),
    (
        r#"{ observations(filter: {country: ["US"], indicator: ["smart_city_index_regional_rank"]}) { nodes { category } } }"#,
        "observations",
        "category",
        &["North America"],
    ),
    (
        r#"{ observations(filter: {status: [FORECAST, TARGET], subjectKind: [COUNTRY]}) { nodes { period } } }"#,
        "observations",
        "period",
        &["2023", "2024"],
    ),
    (
        r#"{ observations(filter: {category: ["healthcare"]}) { nodes { value } } }"#,
        "observations",
        "value",
        &["14.0"],
    ),
    (
        r#"{ observations(filter: {source: ["tencent-unicorn-judgments-2023"], topic: ["unicorns"], period: ["2023"]}, first: 1) { nodes { category } } }"#,
        "observations",
        "category",
        &["enterprise technology"],
    ),
    (
        r#"{ observations(filter: {text: "CASE STUDY"}, orderBy: {field: VALUE}) { nodes { value } } }"#,
        "observations",
        "value",
        &["2.0", "3.0", "40.0", "160.0", "40000.0"],
    ),
    (
        r#"{ sources(filter: {publisher: ["Statista"], kind: ["forecast"]}, orderBy: {field: SLUG}) { nodes { slug } } }"#,
        "sources",
        "slug",
        &[
            "statista-global-ai-market-size",
            "statista-us-ai-market-size",
            "statista-us-smart-city-revenue",
        ],
    ),
    (
        r#"{ sources(filter: {text: "šulyová"}) { nodes { slug } } }"#,
        "sources",
        "slug",
        &["kubina-2021"],
    ),
    (
        r#"{ sources(filter: {text: "ŠULYOVÁ"}) { nodes { slug } } }"#,
        "sources",
        "slug",
        &["kubina-2021"],
    ),
    (
        r#"{ sources(filter: {text: "100%_"}) { nodes { slug } } }"#,
        "sources",
        "slug",
        &[],
    ),
    (
        r#"{ cities(filter: {text: "'; DROP TABLE cities; --"}) { nodes { slug } } }"#,
        "cities",
        "slug",
        &[],
    ),
];

fn collect(data: &Value, list: &str, field: &str) -> Vec<String> {
    data[list]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|node| match &node[field] {
            Value::String(s) => s.clone(),
            Value::Number(n) => format!("{:?}", n.as_f64().unwrap_or_default()),
            other => other.to_string(),
        })
        .collect()
}

#[tokio::test]
async fn every_filter_gives_the_expected_rows_on_both_backends() {
    let mut answers: Vec<Vec<Vec<String>>> = Vec::new();
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let mut backend_answers = Vec::new();
        let mut mismatches = Vec::new();
        for (query, list, field, expected) in CASES {
            let data = app.data(query).await;
            let got = collect(&data, list, field);
            if got != *expected {
                mismatches.push(format!(
                    "{query}\n  expected {expected:?}\n  got      {got:?}"
                ));
            }
            backend_answers.push(got);
        }
        assert!(
            mismatches.is_empty(),
            "{backend:?}:\n{}",
            mismatches.join("\n")
        );
        answers.push(backend_answers);
        assert_eq!(
            app.data("{ cities { totalCount } }").await["cities"]["totalCount"],
            3
        );
    }
    if let [sqlite, postgres] = &answers[..] {
        assert_eq!(sqlite, postgres);
    }
}

#[tokio::test]
async fn bad_filter_arguments_are_coded_user_errors() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let long = "x".repeat(201);
        let many = vec!["\"CN\""; 101].join(",");
        for query in [
            r#"{ observations(filter: {fromYear: 2025, toYear: 2020}) { totalCount } }"#.to_owned(),
            format!(r#"{{ cities(filter: {{text: "{long}"}}) {{ totalCount }} }}"#),
            format!(r#"{{ cities(filter: {{country: [{many}]}}) {{ totalCount }} }}"#),
            r#"{ cities(filter: {text: "a\u0000b"}) { totalCount } }"#.to_owned(),
            r#"{ search(text: "   ") { __typename } }"#.to_owned(),
            r#"{ search(text: "shen", first: 101) { __typename } }"#.to_owned(),
        ] {
            let (code, message) = app.error(&query).await;
            assert_eq!(code, "BAD_USER_INPUT", "{query}: {message}");
        }
    }
}

fn hits(data: &Value) -> Vec<String> {
    data["search"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| {
            let key = ["code", "slug"]
                .iter()
                .find_map(|k| hit[*k].as_str())
                .unwrap_or_default();
            format!("{}:{key}", hit["__typename"].as_str().unwrap_or_default())
        })
        .collect()
}

const SEARCH_FIELDS: &str = "__typename ... on Country { code } ... on Region { code } \
    ... on City { slug } ... on Company { slug } ... on Project { slug } \
    ... on Policy { slug } ... on Indicator { code }";

#[tokio::test]
async fn search_ranks_names_before_descriptions_the_same_on_both_backends() {
    let mut answers = Vec::new();
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let shen = hits(
            &app.data(&format!(
                r#"{{ search(text: "SHEN") {{ {SEARCH_FIELDS} }} }}"#
            ))
            .await,
        );
        assert_eq!(shen[0], "City:shenzhen", "{backend:?}: {shen:?}");
        assert_eq!(shen[1], "Policy:smart-shenzhen-planning-outlines");
        assert!(shen.contains(&"Company:huawei".to_owned()), "{shen:?}");
        let cn = hits(
            &app.data(&format!(
                r#"{{ search(text: "cn", first: 1) {{ {SEARCH_FIELDS} }} }}"#
            ))
            .await,
        );
        assert_eq!(cn, ["Country:CN"]);
        let brain = hits(
            &app.data(&format!(
                r#"{{ search(text: "city brain") {{ {SEARCH_FIELDS} }} }}"#
            ))
            .await,
        );
        assert_eq!(brain[0], "Project:city-brain");
        let unicorn = hits(
            &app.data(&format!(
                r#"{{ search(text: "unicorn") {{ {SEARCH_FIELDS} }} }}"#
            ))
            .await,
        );
        assert_eq!(
            unicorn,
            ["Indicator:unicorn_industry_share", "Indicator:new_unicorns"]
        );
        let nothing = hits(
            &app.data(&format!(r#"{{ search(text: "%") {{ {SEARCH_FIELDS} }} }}"#))
                .await,
        );
        assert!(nothing.is_empty(), "% is literal: {nothing:?}");
        answers.push((shen, brain));
    }
    if let [sqlite, postgres] = &answers[..] {
        assert_eq!(sqlite, postgres);
    }
}
