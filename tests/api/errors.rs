//! The error contract of execution, as the GraphQL specification states it: a failed field
//! is `null` at its path with one error, a null in a non-null position makes the nearest
//! nullable ancestor null, keys come in selection order, and a response carries at most
//! 100 errors.

use crate::helpers::{TestApp, backends, spawn_app, spawn_app_with};
use serde_json::Value;

/// The body as the server sent it: `data` as compact JSON in the server's key order (this
/// crate's serde_json sorts object keys; async-graphql's `Value` keeps them), and each
/// error's path and code.
async fn ordered(app: &TestApp, query: &str) -> (String, Vec<(Value, String)>) {
    let response = app.post_graphql(query).await;
    assert_eq!(response.status(), 200, "GraphQL over HTTP status");
    let text = response.text().await.expect("a body");
    let body: async_graphql::Value = serde_json::from_str(&text).expect("a JSON body");
    let async_graphql::Value::Object(mut body) = body else {
        panic!("the body is an object: {text}");
    };
    let data = body
        .shift_remove("data")
        .unwrap_or(async_graphql::Value::Null);
    let errors = match body.shift_remove("errors") {
        Some(errors) => errors.into_json().expect("errors are JSON"),
        None => Value::Array(Vec::new()),
    };
    let errors = errors
        .as_array()
        .expect("errors are a list")
        .iter()
        .map(|error| {
            (
                error["path"].clone(),
                error["extensions"]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    (serde_json::to_string(&data).expect("serializes"), errors)
}

/// JSON text compacted with its keys in the order written.
fn compact(json: &str) -> String {
    let value: async_graphql::Value = serde_json::from_str(json).expect("valid expected JSON");
    serde_json::to_string(&value).expect("serializes")
}

struct Case {
    what: &'static str,
    query: &'static str,
    /// The whole `data`, keys in the order they must come.
    data: &'static str,
    /// Each error's path and code, in order.
    errors: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        what: "a nullable root that fails is null, beside one that succeeds",
        query: r#"{ apiVersion node(id: "bm9wZQ") { id } }"#,
        data: concat!(
            r#"{"apiVersion": ""#,
            env!("CARGO_PKG_VERSION"),
            r#"", "node": null}"#
        ),
        errors: &[(r#"["node"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "a nullable root that fails before a root that succeeds",
        query: r#"{ node(id: "bm9wZQ") { id } country(code: "US") { code } }"#,
        data: r#"{"node": null, "country": {"code": "US"}}"#,
        errors: &[(r#"["node"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "a failed non-null field makes its nullable parent null",
        query: r#"{ country(code: "CN") { code observations(first: 1000) { totalCount } } }"#,
        data: r#"{"country": null}"#,
        errors: &[(r#"["country", "observations"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "a failed non-null root field makes data null",
        query: r#"{ country(code: "US") { code } countries(first: 1000) { totalCount } }"#,
        data: "null",
        errors: &[(r#"["countries"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "a failed item of a non-null list takes the list, then the nearest nullable \
               ancestor; a sibling root stays",
        query: r#"{ country(code: "CN") { code cities { name observations(first: 1000) { totalCount } } }
                    region(code: "WORLD") { code } }"#,
        data: r#"{"country": null, "region": {"code": "WORLD"}}"#,
        errors: &[
            (
                r#"["country", "cities", 0, "observations"]"#,
                "BAD_USER_INPUT",
            ),
            (
                r#"["country", "cities", 1, "observations"]"#,
                "BAD_USER_INPUT",
            ),
        ],
    },
    Case {
        what: "a failed nullable field in an item of a non-null list is null in that item",
        query: r#"{ indicator(code: "smart_city_industry_size") { code
                    series { subject { key } cagr(from: 2024, to: 2020) { value } unit } } }"#,
        data: r#"{"indicator": {"code": "smart_city_industry_size",
                  "series": [{"subject": {"key": "CN"}, "cagr": null, "unit": "CNY"}]}}"#,
        errors: &[(r#"["indicator", "series", 0, "cagr"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "a failure under an alias, inside a fragment, is reported at the alias",
        query: r#"{ cn: country(code: "CN") { ...Observed } us: country(code: "US") { name } }
                  fragment Observed on Country { code broken: observations(first: 1000) { totalCount } }"#,
        data: r#"{"cn": null, "us": {"name": "United States"}}"#,
        errors: &[(r#"["cn", "broken"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "a failure under an alias inside an inline fragment on an interface",
        query: r#"{ missing: node(id: "bm9wZQ") { ... on Country { code } } country(code: "US") { code } }"#,
        data: r#"{"missing": null, "country": {"code": "US"}}"#,
        errors: &[(r#"["missing"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "a field selected twice fails once",
        query: r#"{ node(id: "bm9wZQ") { id } node(id: "bm9wZQ") { id } }"#,
        data: r#"{"node": null}"#,
        errors: &[(r#"["node"]"#, "BAD_USER_INPUT")],
    },
    Case {
        what: "CAGR and year-on-year over one published year are null values with warnings",
        query: r#"{ indicator(code: "ai_market_size") { series(subjects: ["CN", "US"]) {
                    subject { key } cagr { value formatted warnings } yearOverYear { value warnings } } } }"#,
        data: r#"{"indicator": {"series": [
            {"subject": {"key": "CN"},
             "cagr": {"value": null, "formatted": null,
                      "warnings": ["Only one year, 2024, has a published figure: a growth rate needs two years."]},
             "yearOverYear": [{"value": null,
                      "warnings": ["Only one year, 2024, has a published figure: a growth rate needs two years."]}]},
            {"subject": {"key": "US"},
             "cagr": {"value": null, "formatted": null,
                      "warnings": ["Only one year, 2024, has a published figure: a growth rate needs two years."]},
             "yearOverYear": [{"value": null,
                      "warnings": ["Only one year, 2024, has a published figure: a growth rate needs two years."]}]}
        ]}}"#,
        errors: &[],
    },
    Case {
        what: "roots come in selection order",
        query: r#"{ region(code: "WORLD") { code } countries(first: 1) { totalCount } country(code: "US") { name code } }"#,
        data: r#"{"region": {"code": "WORLD"}, "countries": {"totalCount": 2},
                  "country": {"name": "United States", "code": "US"}}"#,
        errors: &[],
    },
    Case {
        what: "an object's keys come in selection order, fragments merged where a key first occurs",
        query: r#"{ observations(first: 1, filter: {indicator: ["ai_market_size"], subject: ["US"]}) {
                    nodes { value ... on Observation { id period } ...Dated } } }
                  fragment Dated on Observation { year id unit }"#,
        data: r#"{"observations": {"nodes": [{"value": 50.16,
                  "id": "T2JzZXJ2YXRpb246YWlfbWFya2V0X3NpemUfY291bnRyeR9VUx8yMDI0Hx9zdGF0aXN0YS11cy1haS1tYXJrZXQtc2l6ZQ",
                  "period": "2024", "year": 2024, "unit": "USD"}]}}"#,
        errors: &[],
    },
    Case {
        what: "a skipped field is left out, not null",
        query: r#"{ country(code: "US") { code @skip(if: true) name @include(if: true) } }"#,
        data: r#"{"country": {"name": "United States"}}"#,
        errors: &[],
    },
];

#[tokio::test]
async fn failed_fields_are_null_and_nulls_propagate_to_the_nearest_nullable_ancestor() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        for case in CASES {
            let (data, errors) = ordered(&app, case.query).await;
            assert_eq!(data, compact(case.data), "{backend:?}: {}", case.what);
            let expected: Vec<(Value, String)> = case
                .errors
                .iter()
                .map(|(path, code)| {
                    (
                        serde_json::from_str(path).expect("a JSON path"),
                        (*code).to_owned(),
                    )
                })
                .collect();
            assert_eq!(errors, expected, "{backend:?}: {}", case.what);
        }
    }
}

#[tokio::test]
async fn a_response_carries_at_most_100_errors_and_says_how_many_it_left_out() {
    const ALIASES: usize = 60;
    let selection: String = (0..ALIASES)
        .map(|i| format!("c{i}: cagr(from: 2024, to: 2020) {{ value }} "))
        .collect();
    // Two series × 60 failing aliases: 120 field errors.
    let query = format!(
        r#"{{ indicator(code: "ai_market_size") {{ series(subjects: ["CN", "US"]) {{ {selection} }} }} }}"#
    );
    for backend in backends().await {
        // 60 aliases are twice the default alias limit, which would refuse the document
        // before it runs.
        let app = spawn_app_with(backend, |settings| settings.limits.max_aliases = 100).await;
        let body = app.graphql(&query).await;
        let errors = body["errors"].as_array().expect("errors");
        assert_eq!(errors.len(), 100, "{backend:?}");
        for (n, error) in errors[..99].iter().enumerate() {
            let (series, alias) = (n / ALIASES, n % ALIASES);
            assert_eq!(
                error["path"],
                serde_json::json!(["indicator", "series", series, format!("c{alias}")]),
                "{backend:?}"
            );
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
        }
        assert_eq!(errors[99]["extensions"]["code"], "TOO_MANY_ERRORS");
        assert_eq!(
            errors[99]["message"],
            "21 more errors were left out: a response carries at most 100"
        );
        assert!(errors[99].get("path").is_none(), "{}", errors[99]);

        let (data, _) = ordered(&app, &query).await;
        let nulls: Vec<String> = (0..ALIASES).map(|i| format!(r#""c{i}":null"#)).collect();
        let series = format!("{{{}}}", nulls.join(","));
        assert_eq!(
            data,
            format!(r#"{{"indicator":{{"series":[{series},{series}]}}}}"#),
            "{backend:?}"
        );
    }
}
