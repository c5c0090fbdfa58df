//! The curated tables beside the observations, and tokens, over GraphQL: sources and
//! indicators created, corrected and retracted with reasons and expected revisions, their
//! revisions and audit events, a retraction refused while figures still cite the row, and
//! admins making and revoking tokens.

use crate::helpers::{backends, send, spawn_app, token};
use cityatlas::auth::Role;
use serde_json::{Value, json};

const CREATE_SOURCE: &str = r#"mutation($input: CreateSourceInput!, $reason: String!) {
  createSource(input: $input, reason: $reason) {
    source { id slug title revision } userErrors { field code message } } }"#;

const UPDATE_SOURCE: &str = r#"mutation($id: ID!, $rev: Int!, $input: UpdateSourceInput!, $reason: String!) {
  updateSource(id: $id, expectedRevision: $rev, input: $input, reason: $reason) {
    source { title url revision revisions { revision action changedBy reason state } }
    userErrors { field code message } } }"#;

const RETRACT_SOURCE: &str = r#"mutation($id: ID!, $rev: Int!, $reason: String!) {
  retractSource(id: $id, expectedRevision: $rev, reason: $reason) {
    source { revision } retractedSourceId userErrors { field code message } } }"#;

fn new_source() -> Value {
    json!({
        "reason": "a newer CAICT white paper",
        "input": {
            "slug": "caict-2026", "kind": "report", "publisher": "CAICT",
            "title": "White paper on the AI industry, 2026", "paperReference": "none"
        }
    })
}

#[tokio::test]
async fn sources_are_created_corrected_and_retracted_with_their_history() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let (status, body) = send(&app, None, CREATE_SOURCE, new_source()).await;
        assert_eq!(status, 401, "{backend:?}: {body}");

        let (_, body) = send(&app, Some(&editor), CREATE_SOURCE, new_source()).await;
        let created = &body["data"]["createSource"];
        assert_eq!(created["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(created["source"]["revision"], 1);
        let id = created["source"]["id"].clone();

        // The same slug again, a blank title and a blank reason: nothing written.
        let (_, body) = send(&app, Some(&editor), CREATE_SOURCE, new_source()).await;
        assert_eq!(
            body["data"]["createSource"]["userErrors"][0]["code"],
            "DUPLICATE"
        );
        let mut blank = new_source();
        blank["input"]["slug"] = json!("another");
        blank["input"]["title"] = json!(" ");
        blank["reason"] = json!("");
        let (_, body) = send(&app, Some(&editor), CREATE_SOURCE, blank).await;
        let codes: Vec<&str> = body["data"]["createSource"]["userErrors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["code"].as_str().expect("a code"))
            .collect();
        assert_eq!(codes, ["BLANK", "BLANK"], "{backend:?}: {body}");

        let correction = |rev: i64| {
            json!({ "id": id, "rev": rev, "reason": "the report's address",
                    "input": { "url": "https://www.caict.ac.cn/2026", "title": "AI industry white paper (2026)" } })
        };
        let (_, body) = send(&app, Some(&editor), UPDATE_SOURCE, correction(1)).await;
        let updated = &body["data"]["updateSource"];
        assert_eq!(updated["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(updated["source"]["revision"], 2);
        assert_eq!(updated["source"]["url"], "https://www.caict.ac.cn/2026");
        let revisions = updated["source"]["revisions"]
            .as_array()
            .expect("revisions");
        assert_eq!(revisions.len(), 2);
        assert_eq!(
            revisions[0]["state"]["title"],
            "White paper on the AI industry, 2026"
        );
        assert_eq!(revisions[1]["state"]["url"], "https://www.caict.ac.cn/2026");
        assert_eq!(revisions[1]["changedBy"], "curator");
        assert_eq!(revisions[1]["reason"], "the report's address");

        let (_, body) = send(&app, Some(&editor), UPDATE_SOURCE, correction(1)).await;
        let stale = &body["data"]["updateSource"];
        assert_eq!(stale["userErrors"][0]["code"], "STALE_REVISION", "{body}");
        assert_eq!(
            stale["source"]["revision"], 2,
            "the refusal carries the current row"
        );

        // A source that figures cite cannot go while they do.
        let cited = app
            .data(r#"{ source(slug: "statista-china-ai-market-size") { id revision } }"#)
            .await;
        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_SOURCE,
            json!({ "id": cited["source"]["id"], "rev": cited["source"]["revision"], "reason": "r" }),
        )
        .await;
        let refused = &body["data"]["retractSource"];
        assert_eq!(
            refused["userErrors"][0]["code"], "IN_USE",
            "{backend:?}: {body}"
        );
        assert_eq!(refused["retractedSourceId"], Value::Null);

        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_SOURCE,
            json!({ "id": id, "rev": 2, "reason": "published under another title" }),
        )
        .await;
        let retracted = &body["data"]["retractSource"];
        assert_eq!(retracted["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(retracted["retractedSourceId"], id);
        assert_eq!(retracted["source"]["revision"], 3);
        let gone = app.data(r#"{ source(slug: "caict-2026") { slug } }"#).await;
        assert_eq!(gone["source"], Value::Null, "{backend:?}");
        let log = app
            .data_with(
                "query($id: [ID!]) { auditEvents(filter: { entityId: $id }) { nodes { action actor entityId } } }",
                json!({ "id": [id] }),
            )
            .await;
        let actions: Vec<&str> = log["auditEvents"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .map(|e| e["action"].as_str().expect("an action"))
            .collect();
        assert_eq!(actions, ["created", "updated", "retracted"], "{backend:?}");
        assert_eq!(log["auditEvents"]["nodes"][0]["entityId"], id);
    }
}

const UPDATE_INDICATOR: &str = r#"mutation($id: ID!, $rev: Int!, $input: UpdateIndicatorInput!, $reason: String!) {
  updateIndicator(id: $id, expectedRevision: $rev, input: $input, reason: $reason) {
    indicator { code unit caveat revision revisions { revision state } } userErrors { field code message } } }"#;

#[tokio::test]
async fn an_indicator_keeps_its_unit_while_it_has_figures() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let found = app
            .data(r#"{ indicator(code: "ai_market_size") { id revision } }"#)
            .await;
        let id = found["indicator"]["id"].clone();
        let rev = found["indicator"]["revision"].clone();
        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE_INDICATOR,
            json!({ "id": id, "rev": rev, "reason": "r", "input": { "unit": "EUR" } }),
        )
        .await;
        let refused = &body["data"]["updateIndicator"];
        assert_eq!(
            refused["userErrors"][0]["code"], "WRONG_UNIT",
            "{backend:?}: {body}"
        );
        assert_eq!(refused["userErrors"][0]["field"], json!(["input", "unit"]));

        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE_INDICATOR,
            json!({ "id": id, "rev": rev, "reason": "a clearer caveat",
                    "input": { "caveat": null } }),
        )
        .await;
        let cleared = &body["data"]["updateIndicator"];
        assert_eq!(cleared["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(cleared["indicator"]["caveat"], Value::Null);
        assert_eq!(cleared["indicator"]["unit"], "USD");

        let create = r#"mutation($input: CreateIndicatorInput!) {
          createIndicator(input: $input, reason: "a new measure") { indicator { code revision } userErrors { code } } }"#;
        let input = json!({ "input": { "code": "ai_patents", "name": "AI patents",
            "description": "Patents granted in AI.", "unit": "patents", "scale": "one",
            "measure": "count", "topic": "ai_industry" } });
        let (_, body) = send(&app, Some(&editor), create, input).await;
        assert_eq!(
            body["data"]["createIndicator"]["indicator"]["code"], "ai_patents",
            "{backend:?}: {body}"
        );
        // An indicator without figures can be retracted.
        let retract = r#"mutation($id: ID!) { retractIndicator(id: $id, expectedRevision: 1, reason: "a duplicate") {
            retractedIndicatorId userErrors { code } } }"#;
        let new_id = app
            .data(r#"{ indicator(code: "ai_patents") { id } }"#)
            .await["indicator"]["id"]
            .clone();
        let (_, body) = send(&app, Some(&editor), retract, json!({ "id": new_id })).await;
        assert_eq!(
            body["data"]["retractIndicator"]["retractedIndicatorId"], new_id,
            "{backend:?}: {body}"
        );
        // An indicator with figures stays, and so do they.
        let current = app
            .data(r#"{ indicator(code: "ai_market_size") { id revision } }"#)
            .await;
        let by_revision = r#"mutation($id: ID!, $rev: Int!) { retractIndicator(id: $id, expectedRevision: $rev, reason: "r") {
            retractedIndicatorId userErrors { code message } } }"#;
        let (_, body) = send(
            &app,
            Some(&editor),
            by_revision,
            json!({ "id": current["indicator"]["id"], "rev": current["indicator"]["revision"] }),
        )
        .await;
        let refused = &body["data"]["retractIndicator"]["userErrors"][0];
        assert_eq!(refused["code"], "IN_USE", "{backend:?}: {body}");
        assert!(
            refused["message"]
                .as_str()
                .is_some_and(|m| m.contains("observations")),
            "{refused}"
        );
        let figures = app
            .data(r#"{ observations(filter: { indicator: ["ai_market_size"] }) { totalCount } }"#)
            .await;
        assert!(figures["observations"]["totalCount"].as_i64() > Some(0));
        // A source's ID is not an indicator's.
        let source_id =
            app.data(r#"{ source(slug: "liu-2025") { id } }"#).await["source"]["id"].clone();
        let (_, body) = send(&app, Some(&editor), retract, json!({ "id": source_id })).await;
        assert_eq!(
            body["data"]["retractIndicator"]["userErrors"][0]["code"],
            "INVALID_ID"
        );
    }
}

#[tokio::test]
async fn admins_make_and_revoke_tokens_and_editors_may_not() {
    const CREATE: &str = r#"mutation($input: CreateTokenInput!) { createToken(input: $input) {
        token { name role hint expiresAt revokedAt } secret userErrors { code field } } }"#;
    const REVOKE: &str = r#"mutation($name: String!) { revokeToken(name: $name) {
        token { name revokedAt } userErrors { code } } }"#;
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let admin = token(&app, "operator", Role::Admin).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let input =
            json!({ "input": { "name": "nightly sync", "role": "READER", "expiresInDays": 30 } });

        let (_, body) = send(&app, Some(&editor), CREATE, input.clone()).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{body}"
        );

        let (_, body) = send(&app, Some(&admin), CREATE, input.clone()).await;
        let made = &body["data"]["createToken"];
        assert_eq!(made["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(made["token"]["role"], "READER");
        assert!(made["token"]["expiresAt"].is_string());
        let secret = made["secret"]
            .as_str()
            .expect("the secret, once")
            .to_owned();
        assert!(secret.starts_with("ca_"));
        let hint = made["token"]["hint"].as_str().expect("a hint");
        assert!(secret.starts_with(hint.trim_end_matches('…')), "{hint}");

        // The new token reads with its own identity.
        let (status, _) = send(
            &app,
            Some(&secret),
            "{ countries { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(status, 200);
        let (_, body) = send(&app, Some(&admin), CREATE, input).await;
        assert_eq!(
            body["data"]["createToken"]["userErrors"][0]["code"],
            "DUPLICATE"
        );

        let (_, body) = send(
            &app,
            Some(&admin),
            REVOKE,
            json!({ "name": "nightly sync" }),
        )
        .await;
        assert!(
            body["data"]["revokeToken"]["token"]["revokedAt"].is_string(),
            "{body}"
        );
        let (status, _) = send(
            &app,
            Some(&secret),
            "{ countries { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(
            status, 401,
            "{backend:?}: a revoked token stops working at once"
        );
        let (_, body) = send(&app, Some(&admin), REVOKE, json!({ "name": "nobody" })).await;
        assert_eq!(
            body["data"]["revokeToken"]["userErrors"][0]["code"],
            "NOT_FOUND"
        );
    }
}

#[tokio::test]
async fn policies_and_sanctions_name_their_references_by_slug_and_keep_them_sound() {
    const CREATE_POLICY: &str = r#"mutation($input: CreatePolicyInput!) {
      createPolicy(input: $input, reason: "the EU's AI Act") {
        policy { id slug country { code } source { slug } revision } userErrors { field code } } }"#;
    const UPDATE_POLICY: &str = r#"mutation($id: ID!, $rev: Int!, $input: UpdatePolicyInput!) {
      updatePolicy(id: $id, expectedRevision: $rev, input: $input, reason: "its target year") {
        policy { targetYear revision revisions { revision state } } userErrors { field code } } }"#;
    const RETRACT_POLICY: &str = r#"mutation($id: ID!, $rev: Int!) {
      retractPolicy(id: $id, expectedRevision: $rev, reason: "r") {
        retractedPolicyId userErrors { code } } }"#;
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let input = |country: &str, source: &str| {
            json!({ "input": { "slug": "us-ai-bill-of-rights", "title": "Blueprint for an AI Bill of Rights",
                "country": country, "kind": "national_plan", "year": 2022,
                "summary": "Principles for automated systems.", "source": source,
                "citedIn": "not in the paper" } })
        };
        let (_, body) = send(&app, Some(&editor), CREATE_POLICY, input("XX", "nowhere")).await;
        let errors = &body["data"]["createPolicy"]["userErrors"];
        assert_eq!(
            errors,
            &json!([
                { "field": ["input", "country"], "code": "UNKNOWN_REFERENCE" },
                { "field": ["input", "source"], "code": "UNKNOWN_REFERENCE" }
            ]),
            "{backend:?}: {body}"
        );
        let (_, body) = send(&app, Some(&editor), CREATE_POLICY, input("US", "liu-2025")).await;
        let created = &body["data"]["createPolicy"]["policy"];
        assert_eq!(created["country"]["code"], "US", "{backend:?}: {body}");
        assert_eq!(created["source"]["slug"], "liu-2025");
        let id = created["id"].clone();

        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE_POLICY,
            json!({ "id": id, "rev": 1, "input": { "targetYear": 2030, "country": "CN" } }),
        )
        .await;
        let updated = &body["data"]["updatePolicy"]["policy"];
        assert_eq!(updated["targetYear"], 2030, "{backend:?}: {body}");
        let states = updated["revisions"].as_array().expect("revisions");
        assert_eq!(
            states[0]["state"]["country"], "US",
            "references by code, as in data/"
        );
        assert_eq!(states[1]["state"]["country"], "CN");
        assert_eq!(states[1]["state"]["target_year"], 2030);

        // A policy linked to a city stays while the link does.
        let linked = app
            .data(r#"{ policy(slug: "sf-carbon-free-goal") { id revision } }"#)
            .await;
        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_POLICY,
            json!({ "id": linked["policy"]["id"], "rev": linked["policy"]["revision"] }),
        )
        .await;
        assert_eq!(
            body["data"]["retractPolicy"]["userErrors"][0]["code"], "IN_USE",
            "{backend:?}: {body}"
        );
        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_POLICY,
            json!({ "id": id, "rev": 2 }),
        )
        .await;
        assert_eq!(
            body["data"]["retractPolicy"]["retractedPolicyId"], id,
            "{body}"
        );

        let sanction = r#"mutation($input: CreateSanctionInput!) {
          createSanction(input: $input, reason: "a listing the paper mentions") {
            sanction { slug company { slug } year revisions { action } } userErrors { field code } } }"#;
        let (_, body) = send(
            &app,
            Some(&editor),
            sanction,
            json!({ "input": { "slug": "dahua-entity-list-2019", "company": "dahua",
                "authority": "US Department of Commerce", "listName": "Entity List",
                "action": "added", "year": 2019, "description": "Added to the Entity List.",
                "source": "liu-2025", "citedIn": "not in the paper" } }),
        )
        .await;
        let made = &body["data"]["createSanction"];
        assert_eq!(made["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(made["sanction"]["company"]["slug"], "dahua");
        assert_eq!(made["sanction"]["revisions"][0]["action"], "created");
    }
}
