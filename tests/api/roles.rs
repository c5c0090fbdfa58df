//! Every mutation in the schema against every role, found by introspection so that a new
//! mutation is covered the day it lands: without a token it is `UNAUTHENTICATED` (401), a
//! reader's request is `FORBIDDEN` whole (403), an editor's is a `FORBIDDEN` field error
//! only where the field takes an admin, and a refused write leaves the audit log as it was.

use crate::helpers::{TestApp, backends, send, spawn_app, token};
use cityatlas::auth::Role;
use serde_json::{Value, json};
use std::collections::HashMap;

/// The mutations only an admin may run: tokens and releases.
const ADMIN_ONLY: [&str; 3] = ["createToken", "revokeToken", "createRelease"];

const SCHEMA: &str = r#"{ __schema {
  mutationType { fields { name args { name type { ...Ref } } } }
  types { name kind enumValues { name } inputFields { name defaultValue type { ...Ref } } } } }
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }"#;

/// An input value of the type `reference` names, as a GraphQL literal: enough to pass
/// argument coercion, so that the role is what decides.
fn literal(reference: &Value, types: &HashMap<String, Value>) -> String {
    match reference["kind"].as_str().expect("a kind") {
        "NON_NULL" => literal(&reference["ofType"], types),
        "LIST" => format!("[{}]", literal(&reference["ofType"], types)),
        _ => {
            let name = reference["name"].as_str().expect("a named type");
            let named = &types[name];
            match (named["kind"].as_str().expect("a kind"), name) {
                ("SCALAR", "Int") => "1".to_owned(),
                ("SCALAR", "Float") => "1.5".to_owned(),
                ("SCALAR", "Boolean") => "true".to_owned(),
                ("SCALAR", "DateTime") => r#""2026-01-01T00:00:00Z""#.to_owned(),
                ("SCALAR", _) => r#""x""#.to_owned(),
                ("ENUM", _) => named["enumValues"][0]["name"]
                    .as_str()
                    .expect("a value")
                    .to_owned(),
                ("INPUT_OBJECT", _) => {
                    let fields: Vec<String> = named["inputFields"]
                        .as_array()
                        .expect("fields")
                        .iter()
                        .filter(|f| f["type"]["kind"] == "NON_NULL" && f["defaultValue"].is_null())
                        .map(|f| {
                            format!(
                                "{}: {}",
                                f["name"].as_str().expect("a name"),
                                literal(&f["type"], types)
                            )
                        })
                        .collect();
                    format!("{{ {} }}", fields.join(", "))
                }
                (kind, _) => panic!("no literal for a {kind} input"),
            }
        }
    }
}

/// Every mutation as a document that calls it with required arguments only.
async fn every_mutation(app: &TestApp) -> Vec<(String, String)> {
    let schema = app.data(SCHEMA).await;
    let types: HashMap<String, Value> = schema["__schema"]["types"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| (t["name"].as_str().expect("a name").to_owned(), t.clone()))
        .collect();
    schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .expect("mutations")
        .iter()
        .map(|field| {
            let name = field["name"].as_str().expect("a name").to_owned();
            let args: Vec<String> = field["args"]
                .as_array()
                .expect("args")
                .iter()
                .filter(|a| a["type"]["kind"] == "NON_NULL")
                .map(|a| {
                    format!(
                        "{}: {}",
                        a["name"].as_str().expect("a name"),
                        literal(&a["type"], &types)
                    )
                })
                .collect();
            let document = format!(
                "mutation {{ {name}({}) {{ __typename }} }}",
                args.join(", ")
            );
            (name, document)
        })
        .collect()
}

async fn events(app: &TestApp) -> Value {
    app.data("{ auditEvents { totalCount } }").await["auditEvents"]["totalCount"].clone()
}

#[tokio::test]
async fn every_mutation_takes_a_token_of_the_right_role() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let reader = token(&app, "integration", Role::Reader).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let mutations = every_mutation(&app).await;
        assert!(mutations.len() > 40, "{backend:?}: {}", mutations.len());
        let before = events(&app).await;

        for (name, document) in &mutations {
            let (status, body) = send(&app, None, document, json!({})).await;
            assert_eq!(status, 401, "{backend:?}: {name} without a token: {body}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
                "{name}: {body}"
            );
            let (status, body) = send(&app, Some(&reader), document, json!({})).await;
            assert_eq!(status, 403, "{backend:?}: {name} by a reader: {body}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{name}: {body}"
            );
        }
        for name in ADMIN_ONLY {
            let (_, document) = mutations
                .iter()
                .find(|(found, _)| found == name)
                .expect("an admin's mutation");
            let (_, body) = send(&app, Some(&editor), document, json!({})).await;
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{backend:?}: {name} by an editor: {body}"
            );
            assert_eq!(body["data"][name], Value::Null);
        }
        assert_eq!(
            events(&app).await,
            before,
            "{backend:?}: nothing was written"
        );

        // An editor gets past the role check on everything else: whatever the dummy input
        // then meets (an unknown ID, a missing reference), it is not a refusal of the token.
        for (name, document) in &mutations {
            if ADMIN_ONLY.contains(&name.as_str()) {
                continue;
            }
            let (_, body) = send(&app, Some(&editor), document, json!({})).await;
            let code = &body["errors"][0]["extensions"]["code"];
            assert!(
                code != "FORBIDDEN" && code != "UNAUTHENTICATED",
                "{backend:?}: {name} by an editor: {body}"
            );
        }
    }
}
