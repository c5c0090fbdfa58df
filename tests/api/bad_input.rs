//! The bad-input table: every hostile or broken request gets its status and a coded error,
//! and after each one the server still answers a real query.

use crate::helpers::{Backend, TestApp, backends, spawn_app};
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

struct Case {
    name: &'static str,
    method: Method,
    /// `None` sends no Content-Type.
    content_type: Option<&'static str>,
    accept: &'static str,
    /// The body of a POST, or the query string of a GET.
    payload: Vec<u8>,
    status: u16,
    code: &'static str,
}

fn post_json(name: &'static str, body: Value, status: u16, code: &'static str) -> Case {
    Case {
        name,
        method: Method::POST,
        content_type: Some("application/json"),
        accept: GRAPHQL_RESPONSE_JSON,
        payload: body.to_string().into_bytes(),
        status,
        code,
    }
}

fn query(name: &'static str, query: String, status: u16, code: &'static str) -> Case {
    post_json(name, json!({ "query": query }), status, code)
}

fn raw(
    name: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: u16,
    code: &'static str,
) -> Case {
    Case {
        name,
        method: Method::POST,
        content_type,
        accept: GRAPHQL_RESPONSE_JSON,
        payload: body,
        status,
        code,
    }
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

fn fragment_bomb(levels: usize) -> String {
    let mut document = String::from("{ countries(first: 1) { nodes { ...F0 } } }");
    for level in 0..levels {
        let next = level + 1;
        document.push_str(&format!(
            " fragment F{level} on Country {{ ...F{next} ...F{next} }}"
        ));
    }
    document.push_str(&format!(" fragment F{levels} on Country {{ code name }}"));
    document
}

/// The document that took the server down: a trivial operation beside one fragment of 1,246
/// fields spread 1,067 times, which async-graphql's overlapping-fields rule turned into 1.3
/// million errors. `around` places the spreads in a second operation or an unused fragment.
fn wide_fragment_bomb(around: &str) -> String {
    let spreads = "...F ".repeat(1_067);
    let fragment = format!("fragment F on Country {{ {} }}", "code ".repeat(1_246));
    format!("{} {fragment}", around.replace("SPREADS", &spreads))
}

/// A GraphQL document as a GET query string.
fn get_query(document: &str) -> Vec<u8> {
    let encoded = document
        .replace(' ', "+")
        .replace('{', "%7B")
        .replace('}', "%7D");
    format!("query={encoded}").into_bytes()
}

fn cases() -> Vec<Case> {
    let aliases = |n: usize| {
        (0..n)
            .map(|i| format!("a{i}: apiVersion "))
            .collect::<String>()
    };
    vec![
        raw("malformed JSON", Some("application/json"), b"{\"query\": ".to_vec(), 400, "BAD_REQUEST"),
        raw("invalid UTF-8", Some("application/json"), b"{\"query\": \"\xff\xfe{ apiVersion }\"}".to_vec(), 400, "BAD_REQUEST"),
        raw("empty body", Some("application/json"), Vec::new(), 400, "BAD_REQUEST"),
        raw("text/plain body", Some("text/plain"), br#"{"query":"{ apiVersion }"}"#.to_vec(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        raw("form body, the CSRF vector", Some("application/x-www-form-urlencoded"), b"query=%7B%20apiVersion%20%7D".to_vec(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        raw("no content type", None, br#"{"query":"{ apiVersion }"}"#.to_vec(), 415, "UNSUPPORTED_MEDIA_TYPE"),
        Case {
            accept: "text/html",
            ..post_json("Accept: text/html", json!({ "query": "{ apiVersion }" }), 406, "NOT_ACCEPTABLE")
        },
        raw("a 50 MB body", Some("application/json"), vec![b' '; 50 * 1024 * 1024], 413, "PAYLOAD_TOO_LARGE"),
        post_json("a JSON array (batch)", json!([{ "query": "{ apiVersion }" }, { "query": "{ apiVersion }" }]), 400, "BAD_REQUEST"),
        post_json("query is not a string", json!({ "query": ["{ apiVersion }"] }), 400, "BAD_REQUEST"),
        post_json("no query", json!({ "operationName": "A" }), 400, "BAD_REQUEST"),
        post_json("variables are a list", json!({ "query": "{ apiVersion }", "variables": [1] }), 400, "BAD_REQUEST"),
        raw(
            "variables nested 100,000 deep",
            Some("application/json"),
            format!(r#"{{"query":"{{ apiVersion }}","variables":{{"v":{}}}}}"#, nested("[", "1", "]", 100_000)).into_bytes(),
            400,
            "BAD_REQUEST",
        ),
        query("a list value nested 2,000 deep", format!("{{ countries(filter: {{ code: {} }}) {{ totalCount }} }}", nested("[", "\"CN\"", "]", 2_000)), 400, "QUERY_TOO_DEEP"),
        query("an object value nested 100 deep", format!("{{ countries(filter: {}) {{ totalCount }} }}", nested("{ text: ", "\"x\"", " }", 100)), 400, "QUERY_TOO_DEEP"),
        query("selections nested 100 deep", format!("{{ {} }}", nested("countries { nodes { ", "code", " } }", 50)), 400, "QUERY_TOO_DEEP"),
        query("fields nested past the depth limit", "{ countries { nodes { cities { country { cities { country { cities { country { cities { country { cities { country { cities { country { cities { code } } } } } } } } } } } } } } } }".to_owned(), 400, "QUERY_TOO_DEEP"),
        query("a fragment cycle", "{ countries { nodes { ...A } } } fragment A on Country { code ...B } fragment B on Country { name ...A }".to_owned(), 400, "GRAPHQL_VALIDATION_FAILED"),
        query("a fragment bomb", fragment_bomb(50), 400, "QUERY_TOO_COMPLEX"),
        post_json(
            "a wide fragment bomb in an operation that is not selected",
            json!({
                "query": wide_fragment_bomb("query Trivial { apiVersion } query Bomb { countries { nodes { SPREADS } } }"),
                "operationName": "Trivial",
            }),
            400,
            "QUERY_TOO_COMPLEX",
        ),
        query(
            "a wide fragment bomb in an unused fragment, without operationName",
            wide_fragment_bomb("{ apiVersion } fragment Unused on Query { countries { nodes { SPREADS } } }"),
            400,
            "QUERY_TOO_COMPLEX",
        ),
        Case {
            name: "a wide fragment bomb over GET",
            method: Method::GET,
            content_type: None,
            accept: GRAPHQL_RESPONSE_JSON,
            payload: get_query(&wide_fragment_bomb(
                "{ apiVersion } fragment Unused on Query { countries { nodes { SPREADS } } }",
            )),
            status: 400,
            code: "QUERY_TOO_COMPLEX",
        },
        query("10,000 aliases", format!("{{ {} }}", aliases(10_000)), 400, "QUERY_TOO_LARGE"),
        query("31 aliases", format!("{{ {} }}", aliases(31)), 400, "TOO_MANY_ALIASES"),
        query("10,000 copies of one field", format!("{{ {} }}", "apiVersion ".repeat(10_000)), 400, "QUERY_TOO_LARGE"),
        query("21 root fields", format!("{{ {} }}", "apiVersion ".repeat(21)), 400, "TOO_MANY_ROOT_FIELDS"),
        query("1,001 fields under an empty page", format!("{{ countries(first: 0) {{ nodes {{ {} }} }} }}", "code ".repeat(1_001)), 400, "QUERY_TOO_COMPLEX"),
        query("a directive flood", format!("{{ apiVersion {} }}", "@include(if: true) ".repeat(50)), 400, "TOO_MANY_DIRECTIVES"),
        query("a 100,000-token document", format!("{{ {} }}", "a ".repeat(100_000)), 400, "QUERY_TOO_LARGE"),
        query("nested connections beyond the budget", "{ observations(first: 100) { nodes { subject { observations(first: 100) { nodes { value } } } } } }".to_owned(), 400, "QUERY_TOO_COMPLEX"),
        query("a syntax error", "{ apiVersion".to_owned(), 400, "GRAPHQL_PARSE_FAILED"),
        query("two anonymous operations", "{ apiVersion } { apiVersion }".to_owned(), 400, "GRAPHQL_PARSE_FAILED"),
        post_json("an unknown operationName", json!({ "query": "query A { apiVersion }", "operationName": "B" }), 400, "GRAPHQL_VALIDATION_FAILED"),
        post_json(
            "a variable of the wrong type",
            json!({ "query": "query($n: Int) { countries(first: $n) { totalCount } }", "variables": { "n": "ten" } }),
            400,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        query("first: -1", "{ countries(first: -1) { totalCount } }".to_owned(), 200, "BAD_USER_INPUT"),
        query("first: 101", "{ countries(first: 101) { totalCount } }".to_owned(), 200, "BAD_USER_INPUT"),
        query("first: 10^11", "{ countries(first: 100000000000) { totalCount } }".to_owned(), 400, "GRAPHQL_VALIDATION_FAILED"),
        query("a junk cursor", r#"{ countries(after: "'; DROP TABLE countries; --") { totalCount } }"#.to_owned(), 200, "BAD_USER_INPUT"),
        query("a cursor from another list", r#"{ countries(after: "eyJvIjoiQ0lUSUVTOk5BTUU6QVNDIiwiayI6IngiLCJpIjoxfQ") { totalCount } }"#.to_owned(), 200, "BAD_USER_INPUT"),
        query("a NUL byte in search", "{ search(text: \"shen\\u0000zhen\") { __typename } }".to_owned(), 400, "BAD_USER_INPUT"),
        query("a NUL byte in a filter", "{ cities(filter: { text: \"\\u0000\" }) { totalCount } }".to_owned(), 400, "BAD_USER_INPUT"),
        query("a NUL byte in a lookup key", "{ country(code: \"\\u0000\") { code } }".to_owned(), 400, "BAD_USER_INPUT"),
        query("a node ID that decodes to a NUL", r#"{ node(id: "Q2l0eToA") { id } }"#.to_owned(), 200, "BAD_USER_INPUT"),
        query(
            "a well-formed cursor whose key is a NUL",
            r#"{ cities(orderBy: { field: NAME }, after: "eyJvIjoiQ0lUSUVTOk5BTUU6QVNDIiwiayI6Ilx1MDAwMCIsImkiOjF9") { totalCount } }"#.to_owned(),
            200,
            "BAD_USER_INPUT",
        ),
        query("201 characters of Unicode in search", format!("{{ search(text: \"{}\") {{ __typename }} }}", "深".repeat(201)), 200, "BAD_USER_INPUT"),
        query("a year range the wrong way round", "{ observations(filter: { fromYear: 2024, toYear: 2020 }) { totalCount } }".to_owned(), 200, "BAD_USER_INPUT"),
        Case {
            name: "a mutation over GET",
            method: Method::GET,
            content_type: None,
            accept: GRAPHQL_RESPONSE_JSON,
            payload: b"query=mutation%20%7B%20apiVersion%20%7D".to_vec(),
            status: 405,
            code: "METHOD_NOT_ALLOWED",
        },
        Case {
            method: Method::PUT,
            ..query("PUT", "{ apiVersion }".to_owned(), 405, "METHOD_NOT_ALLOWED")
        },
        Case {
            method: Method::DELETE,
            ..query("DELETE", "{ apiVersion }".to_owned(), 405, "METHOD_NOT_ALLOWED")
        },
    ]
}

async fn send(app: &TestApp, case: &Case) -> reqwest::Response {
    let url = format!("{}/graphql", app.address);
    let request = if case.method == Method::GET {
        let query_string = String::from_utf8_lossy(&case.payload);
        app.client.get(format!("{url}?{query_string}"))
    } else {
        let mut request = app
            .client
            .request(case.method.clone(), &url)
            .body(case.payload.clone());
        if let Some(content_type) = case.content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        request
    };
    request
        .header(ACCEPT, case.accept)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{}: no response: {error}", case.name))
}

#[tokio::test]
async fn every_bad_input_gets_its_status_and_code_and_the_server_keeps_serving() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let cases = cases();
        assert!(cases.len() >= 25, "the table has {} cases", cases.len());
        let mut failures = Vec::new();
        for case in &cases {
            let response = send(&app, case).await;
            let status = response.status().as_u16();
            if case.status == 405 {
                assert!(
                    response.headers().contains_key("allow"),
                    "{}: no Allow header",
                    case.name
                );
            }
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let code = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or_default();
            let text = body.to_string().to_lowercase();
            if status != case.status || code != case.code {
                failures.push(format!(
                    "{}: expected {} {}, got {status} {code}: {}",
                    case.name,
                    case.status,
                    case.code,
                    &text[..text.len().min(300)]
                ));
            }
            for leak in ["select ", "sqlx", "panicked", "/src/", ".rs:"] {
                assert!(
                    !text.contains(leak),
                    "{backend:?} {} leaked {leak:?}: {text}",
                    case.name
                );
            }
            let alive = app.data("{ countries { totalCount } }").await;
            assert_eq!(alive["countries"]["totalCount"], 2, "after {}", case.name);
        }
        assert!(
            failures.is_empty(),
            "{backend:?}: {} of {} cases failed:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}

/// Every Int argument, given 2^31, fails validation: nothing runs.
#[tokio::test]
async fn integer_overflow_in_every_numeric_argument_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    // One real object of each type, to reach its fields through `node`.
    let mut ids = std::collections::HashMap::new();
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
        let data = app
            .data(&format!(
                "{{ {list}(first: 1) {{ nodes {{ __typename id }} }} }}"
            ))
            .await;
        let node = &data[list]["nodes"][0];
        ids.insert(
            node["__typename"].as_str().unwrap_or_default().to_owned(),
            node["id"].as_str().unwrap_or_default().to_owned(),
        );
    }
    let schema = app
        .data("{ __schema { types { name fields { name args { name type { name ofType { name ofType { name } } } } type { kind ofType { kind ofType { kind ofType { kind } } } } } } } }")
        .await;
    let mut checked = Vec::new();
    for ty in schema["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().unwrap_or_default();
        let node_id = ids.get(name);
        if name != "Query" && node_id.is_none() {
            continue;
        }
        for field in ty["fields"].as_array().into_iter().flatten() {
            for argument in field["args"].as_array().into_iter().flatten() {
                let type_name = [
                    &argument["type"],
                    &argument["type"]["ofType"],
                    &argument["type"]["ofType"]["ofType"],
                ]
                .iter()
                .find_map(|t| t["name"].as_str())
                .unwrap_or_default();
                if type_name != "Int" {
                    continue;
                }
                let field_name = field["name"].as_str().unwrap_or_default();
                let argument_name = argument["name"].as_str().unwrap_or_default();
                let selection =
                    format!("{field_name}({argument_name}: 2147483648) {{ __typename }}");
                let document = match node_id {
                    None => format!("{{ {selection} }}"),
                    Some(id) => {
                        format!(r#"{{ node(id: "{id}") {{ ... on {name} {{ {selection} }} }} }}"#)
                    }
                };
                let body = app.graphql(&document).await;
                let code = body["errors"][0]["extensions"]["code"]
                    .as_str()
                    .unwrap_or_default();
                assert!(
                    matches!(code, "BAD_USER_INPUT" | "GRAPHQL_VALIDATION_FAILED"),
                    "{document}: {body}"
                );
                checked.push(format!("{name}.{field_name}({argument_name})"));
            }
        }
    }
    eprintln!(
        "{} Int arguments refused at 2^31: {checked:?}",
        checked.len()
    );
    assert!(
        checked.len() >= 20,
        "only {} Int arguments found: {checked:?}",
        checked.len()
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}
