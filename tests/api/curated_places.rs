//! The curated tables of what figures are about (regions, countries, cities, companies,
//! projects), the links between rows and Table 1's rows, over GraphQL: each created,
//! corrected and retracted with its history; a new place is a subject that figures can be
//! about at once; a retraction refused while rows or figures still refer to the row.

use crate::helpers::{TestApp, backends, send, spawn_app, token};
use cityatlas::auth::Role;
use serde_json::{Value, json};

const CREATE_CITY: &str = r#"mutation($input: CreateCityInput!, $reason: String!) {
  createCity(input: $input, reason: $reason) {
    city { id slug name revision country { code } } userErrors { field code message } } }"#;

const UPDATE_CITY: &str = r#"mutation($id: ID!, $rev: Int!, $input: UpdateCityInput!, $reason: String!) {
  updateCity(id: $id, expectedRevision: $rev, input: $input, reason: $reason) {
    city { name revision updatedAt revisions { revision action changedBy reason state } }
    userErrors { field code message } } }"#;

const RETRACT_CITY: &str = r#"mutation($id: ID!, $rev: Int!, $reason: String!) {
  retractCity(id: $id, expectedRevision: $rev, reason: $reason) {
    city { revision } retractedCityId userErrors { field code message } } }"#;

const CREATE_COUNTRY: &str = r#"mutation($input: CreateCountryInput!, $reason: String!) {
  createCountry(input: $input, reason: $reason) {
    country { code } userErrors { field code message } } }"#;

const RETRACT_COUNTRY: &str = r#"mutation($id: ID!, $rev: Int!, $reason: String!) {
  retractCountry(id: $id, expectedRevision: $rev, reason: $reason) {
    retractedCountryId userErrors { field code message } } }"#;

const CREATE_OBSERVATION: &str = r#"mutation($input: CreateObservationInput!, $reason: String!) {
  createObservation(input: $input, reason: $reason) {
    observation { id revision subject { key } } userErrors { field code message } } }"#;

const RETRACT_OBSERVATION: &str = r#"mutation($id: ID!, $rev: Int!, $reason: String!) {
  retractObservation(id: $id, expectedRevision: $rev, reason: $reason) {
    retractedObservationId userErrors { field code message } } }"#;

async fn events_about(app: &TestApp, entity: &Value) -> i64 {
    let data = app
        .data_with(
            "query($id: [ID!]) { auditEvents(filter: { entityId: $id }) { totalCount } }",
            json!({ "id": [entity] }),
        )
        .await;
    data["auditEvents"]["totalCount"].as_i64().expect("a count")
}

fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .expect("user errors")
        .iter()
        .map(|e| e["code"].as_str().expect("a code").to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_city_is_a_subject_at_once_and_leaves_with_its_history() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let reader = token(&app, "integration", Role::Reader).await;
        let beijing = json!({
            "reason": "a city the next paper compares",
            "input": { "slug": "beijing", "name": "Beijing", "country": "CN",
                       "description": "China's capital.", "citedIn": "test fixture" }
        });

        let (status, body) = send(&app, Some(&reader), CREATE_CITY, beijing.clone()).await;
        assert_eq!(status, 403, "{backend:?}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");

        let (_, body) = send(&app, Some(&editor), CREATE_CITY, beijing.clone()).await;
        let created = &body["data"]["createCity"];
        assert_eq!(created["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(created["city"]["revision"], 1);
        assert_eq!(created["city"]["country"]["code"], "CN");
        let id = created["city"]["id"].clone();
        let listed = app
            .data(r#"{ country(code: "CN") { cities { slug } } }"#)
            .await;
        assert!(
            listed["country"]["cities"]
                .as_array()
                .expect("cities")
                .iter()
                .any(|c| c["slug"] == "beijing"),
            "{backend:?}: {listed}"
        );

        // A figure about the new city, by its slug, as about any other.
        let figure = json!({
            "reason": "a ranking for the test",
            "input": { "indicator": "smart_city_index_regional_rank", "subjectKind": "CITY",
                       "subject": "beijing", "period": "2023", "category": "Asia",
                       "value": 5.0, "valueText": "fifth", "unit": "rank", "scale": "one",
                       "source": "imd-smart-city-index-2023", "citedIn": "test fixture" }
        });
        let (_, body) = send(&app, Some(&editor), CREATE_OBSERVATION, figure).await;
        let observation = &body["data"]["createObservation"];
        assert_eq!(observation["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(observation["observation"]["subject"]["key"], "beijing");

        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_CITY,
            json!({ "id": id, "rev": 1, "reason": "r" }),
        )
        .await;
        let refused = &body["data"]["retractCity"];
        assert_eq!(codes(refused), ["IN_USE"], "{backend:?}: {body}");
        assert!(
            refused["userErrors"][0]["message"]
                .as_str()
                .expect("a message")
                .contains("1 observations"),
            "{body}"
        );

        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE_CITY,
            json!({ "id": id, "rev": 1, "reason": "the name as the source prints it",
                    "input": { "name": "Beijing (Peking)" } }),
        )
        .await;
        let updated = &body["data"]["updateCity"];
        assert_eq!(updated["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(updated["city"]["revision"], 2);
        let revisions = updated["city"]["revisions"].as_array().expect("revisions");
        assert_eq!(revisions.len(), 2);
        assert_eq!(revisions[0]["state"]["name"], "Beijing");
        assert_eq!(revisions[1]["state"]["name"], "Beijing (Peking)");
        assert_eq!(revisions[1]["changedBy"], "curator");
        // The instant a row shows as changed reads, as `asOf`, the row with that change.
        let as_updated = updated["city"]["updatedAt"].clone();

        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_OBSERVATION,
            json!({ "id": observation["observation"]["id"], "rev": 1, "reason": "test done" }),
        )
        .await;
        assert_eq!(
            body["data"]["retractObservation"]["userErrors"],
            json!([]),
            "{body}"
        );
        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_CITY,
            json!({ "id": id, "rev": 2, "reason": "not in the paper" }),
        )
        .await;
        let retracted = &body["data"]["retractCity"];
        assert_eq!(retracted["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(retracted["retractedCityId"], id);

        let gone = app.data(r#"{ city(slug: "beijing") { name } }"#).await;
        assert_eq!(gone["city"], Value::Null, "{backend:?}");
        let then = app
            .data_with(
                "query($at: DateTime) { city(slug: \"beijing\", asOf: $at) { name } }",
                json!({ "at": as_updated }),
            )
            .await;
        assert_eq!(
            then["city"]["name"], "Beijing (Peking)",
            "{backend:?}: {then}"
        );
        assert_eq!(events_about(&app, &id).await, 3);

        // The slug is free again: a new city, its history starting over.
        let (_, body) = send(&app, Some(&editor), CREATE_CITY, beijing).await;
        assert_eq!(
            body["data"]["createCity"]["city"]["revision"], 1,
            "{backend:?}: {body}"
        );
    }
}

#[tokio::test]
async fn a_bad_country_writes_nothing_and_a_used_one_stays() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let before = app.data("{ countries { totalCount } }").await;
        let events = app.data("{ auditEvents { totalCount } }").await;

        let (_, body) = send(
            &app,
            Some(&editor),
            CREATE_COUNTRY,
            json!({ "reason": "r", "input": { "code": "de", "iso3": "GERMANY", "name": " ",
                                               "region": "EUROPA" } }),
        )
        .await;
        let refused = &body["data"]["createCountry"];
        assert_eq!(refused["country"], Value::Null);
        assert_eq!(
            codes(refused),
            ["BLANK", "INVALID_CODE", "INVALID_CODE", "UNKNOWN_REFERENCE"],
            "{backend:?}: {body}"
        );
        assert_eq!(app.data("{ countries { totalCount } }").await, before);
        assert_eq!(app.data("{ auditEvents { totalCount } }").await, events);

        let (_, body) = send(
            &app,
            Some(&editor),
            CREATE_COUNTRY,
            json!({ "reason": "a third country to compare",
                    "input": { "code": "DE", "iso3": "DEU", "name": "Germany" } }),
        )
        .await;
        assert_eq!(
            body["data"]["createCountry"]["country"]["code"], "DE",
            "{backend:?}: {body}"
        );

        let china = app.data(r#"{ country(code: "CN") { id revision } }"#).await;
        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_COUNTRY,
            json!({ "id": china["country"]["id"], "rev": china["country"]["revision"],
                    "reason": "r" }),
        )
        .await;
        let refused = &body["data"]["retractCountry"];
        assert_eq!(codes(refused), ["IN_USE"], "{backend:?}: {body}");
        let message = refused["userErrors"][0]["message"]
            .as_str()
            .expect("a message");
        for named in ["cities", "companies", "policies", "Table 1 positions"] {
            assert!(message.contains(named), "{message}");
        }
        assert_eq!(
            app.data(r#"{ country(code: "CN") { name } }"#).await["country"]["name"],
            "China"
        );
    }
}

const CREATE_PARTICIPATION: &str = r#"mutation($input: CreateProjectParticipationInput!, $reason: String!) {
  createProjectParticipation(input: $input, reason: $reason) {
    projectParticipation { role revision project { slug } company { slug } }
    userErrors { field code message } } }"#;

const UPDATE_PARTICIPATION: &str = r#"mutation($p: ID!, $c: ID!, $rev: Int!, $role: String!, $reason: String!) {
  updateProjectParticipation(project: $p, company: $c, expectedRevision: $rev, role: $role, reason: $reason) {
    projectParticipation { role revision revisions { revision action state } }
    userErrors { field code message } } }"#;

const RETRACT_PARTICIPATION: &str = r#"mutation($p: ID!, $c: ID!, $rev: Int!, $reason: String!) {
  retractProjectParticipation(project: $p, company: $c, expectedRevision: $rev, reason: $reason) {
    retractedProjectParticipationId userErrors { field code message } } }"#;

const CREATE_POLICY_CITY: &str = r#"mutation($input: CreatePolicyCityLinkInput!, $reason: String!) {
  createPolicyCityLink(input: $input, reason: $reason) {
    policyCityLink { revision policy { slug } city { slug } } userErrors { field code message } } }"#;

const RETRACT_POLICY_CITY: &str = r#"mutation($p: ID!, $c: ID!, $rev: Int!, $reason: String!) {
  retractPolicyCityLink(policy: $p, city: $c, expectedRevision: $rev, reason: $reason) {
    retractedPolicyCityLinkId userErrors { field code message } } }"#;

const CREATE_INVOLVEMENT: &str = r#"mutation($input: CreatePolicyInvolvementInput!, $reason: String!) {
  createPolicyInvolvement(input: $input, reason: $reason) {
    policyInvolvement { relation } userErrors { field code message } } }"#;

async fn roles_in_city_brain(app: &TestApp) -> Vec<(String, String)> {
    let data = app
        .data(r#"{ project(slug: "city-brain") { companies { role company { slug } } } }"#)
        .await;
    data["project"]["companies"]
        .as_array()
        .expect("participations")
        .iter()
        .map(|p| {
            (
                p["company"]["slug"].as_str().expect("a slug").to_owned(),
                p["role"].as_str().expect("a role").to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn links_are_named_by_the_rows_they_join() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let ids = app
            .data(
                r#"{ project(slug: "city-brain") { id } company(slug: "huawei") { id }
                     city(slug: "hangzhou") { id }
                     policy(slug: "smart-shenzhen-planning-outlines") { id } }"#,
            )
            .await;
        let (project, company) = (&ids["project"]["id"], &ids["company"]["id"]);
        let before = roles_in_city_brain(&app).await;

        let new_part = json!({ "reason": "a test participation",
            "input": { "project": project, "company": company, "role": "test supplier" } });
        let (_, body) = send(&app, Some(&editor), CREATE_PARTICIPATION, new_part.clone()).await;
        let created = &body["data"]["createProjectParticipation"];
        assert_eq!(created["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(created["projectParticipation"]["revision"], 1);
        assert_eq!(created["projectParticipation"]["company"]["slug"], "huawei");
        assert!(
            roles_in_city_brain(&app)
                .await
                .contains(&("huawei".to_owned(), "test supplier".to_owned()))
        );
        let (_, body) = send(&app, Some(&editor), CREATE_PARTICIPATION, new_part).await;
        assert_eq!(
            codes(&body["data"]["createProjectParticipation"]),
            ["DUPLICATE"],
            "{body}"
        );

        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE_PARTICIPATION,
            json!({ "p": project, "c": company, "rev": 1, "role": "test integrator",
                    "reason": "the role as the source gives it" }),
        )
        .await;
        let updated = &body["data"]["updateProjectParticipation"];
        assert_eq!(updated["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(updated["projectParticipation"]["revision"], 2);
        assert_eq!(updated["projectParticipation"]["role"], "test integrator");
        let states = updated["projectParticipation"]["revisions"]
            .as_array()
            .expect("revisions");
        assert_eq!(states.len(), 2, "{body}");
        assert_eq!(states[0]["state"]["role"], "test supplier");
        assert_eq!(states[1]["state"]["role"], "test integrator");
        assert_eq!(states[1]["action"], "updated");

        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_PARTICIPATION,
            json!({ "p": project, "c": company, "rev": 2, "reason": "test done" }),
        )
        .await;
        let retracted = &body["data"]["retractProjectParticipation"];
        assert_eq!(retracted["userErrors"], json!([]), "{backend:?}: {body}");
        let link_id = format!(
            "{}/{}",
            project.as_str().expect("an ID"),
            company.as_str().expect("an ID")
        );
        assert_eq!(retracted["retractedProjectParticipationId"], link_id);
        assert_eq!(roles_in_city_brain(&app).await, before);
        let history = app
            .data_with(
                "query($id: [ID!]) { auditEvents(filter: { entityId: $id }) { nodes { action } } }",
                json!({ "id": [link_id] }),
            )
            .await;
        let actions: Vec<&str> = history["auditEvents"]["nodes"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["action"].as_str().expect("an action"))
            .collect();
        assert_eq!(actions.len(), 3, "{history}");
        for action in ["created", "updated", "retracted"] {
            assert!(actions.contains(&action), "{history}");
        }

        let (policy, city) = (&ids["policy"]["id"], &ids["city"]["id"]);
        let (_, body) = send(
            &app,
            Some(&editor),
            CREATE_POLICY_CITY,
            json!({ "reason": "r", "input": { "policy": policy, "city": city } }),
        )
        .await;
        let linked = &body["data"]["createPolicyCityLink"];
        assert_eq!(linked["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(linked["policyCityLink"]["city"]["slug"], "hangzhou");
        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_POLICY_CITY,
            json!({ "p": policy, "c": city, "rev": 1, "reason": "r" }),
        )
        .await;
        assert_eq!(
            body["data"]["retractPolicyCityLink"]["userErrors"],
            json!([]),
            "{body}"
        );

        // A city's ID where a company's belongs: refused, naming the argument.
        let (_, body) = send(
            &app,
            Some(&editor),
            CREATE_INVOLVEMENT,
            json!({ "reason": "r",
                    "input": { "policy": policy, "company": city, "relation": "partner" } }),
        )
        .await;
        let refused = &body["data"]["createPolicyInvolvement"];
        assert_eq!(codes(refused), ["INVALID_ID"], "{body}");
        assert_eq!(refused["userErrors"][0]["field"], json!(["company"]));
    }
}

const TABLE_1: &str = r#"query($release: String) { strategicComparison(release: $release) {
  id slug ordinal revision positions { text revision country { code } } } }"#;

const UPDATE_ROW: &str = r#"mutation($id: ID!, $rev: Int!, $input: UpdateStrategicDimensionInput!, $reason: String!) {
  updateStrategicDimension(id: $id, expectedRevision: $rev, input: $input, reason: $reason) {
    strategicDimension { revision positions { text revision country { code } } revisions { state } }
    userErrors { field code message } } }"#;

const CREATE_ROW: &str = r#"mutation($input: CreateStrategicDimensionInput!, $reason: String!) {
  createStrategicDimension(input: $input, reason: $reason) {
    strategicDimension { id positions { text } } userErrors { field code message } } }"#;

const RETRACT_ROW: &str = r#"mutation($id: ID!, $rev: Int!, $reason: String!) {
  retractStrategicDimension(id: $id, expectedRevision: $rev, reason: $reason) {
    retractedStrategicDimensionId userErrors { field code message } } }"#;

fn position<'a>(row: &'a Value, code: &str) -> &'a Value {
    row["positions"]
        .as_array()
        .expect("positions")
        .iter()
        .find(|p| p["country"]["code"] == code)
        .expect("a position")
}

async fn row(app: &TestApp, slug: &str, release: Option<&str>) -> Option<Value> {
    let data = app.data_with(TABLE_1, json!({ "release": release })).await;
    data["strategicComparison"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["slug"] == slug)
        .cloned()
}

#[tokio::test]
async fn table_one_rows_are_written_with_their_positions() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "curator", Role::Editor).await;
        let drive = row(&app, "drive-model", None)
            .await
            .expect("the drive model");
        assert_eq!(position(&drive, "CN")["text"], "Government-led");

        let (_, body) = send(
            &app,
            Some(&editor),
            UPDATE_ROW,
            json!({ "id": drive["id"], "rev": drive["revision"], "reason": "test wording",
                    "input": { "china": "Government-led (test)" } }),
        )
        .await;
        let updated = &body["data"]["updateStrategicDimension"]["strategicDimension"];
        assert_eq!(updated["revision"], 2, "{backend:?}: {body}");
        assert_eq!(position(updated, "CN")["text"], "Government-led (test)");
        assert_eq!(position(updated, "CN")["revision"], 2);
        assert_eq!(
            position(updated, "US")["revision"],
            1,
            "an unchanged position keeps its revision"
        );
        let states = updated["revisions"].as_array().expect("revisions");
        assert_eq!(states[0]["state"]["CN"], "Government-led");
        assert_eq!(states[1]["state"]["CN"], "Government-led (test)");
        let printed = row(&app, "drive-model", Some("liu-2025"))
            .await
            .expect("the printed row");
        assert_eq!(position(&printed, "CN")["text"], "Government-led");

        let new_row = |ordinal: i64| {
            json!({ "reason": "a test row", "input": {
                "slug": "test-row", "ordinal": ordinal, "dimension": "Test",
                "china": "A", "unitedStates": "B", "keyDifference": "A vs B",
                "source": "liu-2025", "citedIn": "test fixture" } })
        };
        let (_, body) = send(&app, Some(&editor), CREATE_ROW, new_row(1)).await;
        let refused = &body["data"]["createStrategicDimension"];
        assert_eq!(codes(refused), ["DUPLICATE"], "{backend:?}: {body}");
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["input", "ordinal"])
        );

        let (_, body) = send(&app, Some(&editor), CREATE_ROW, new_row(99)).await;
        let created = &body["data"]["createStrategicDimension"];
        assert_eq!(created["userErrors"], json!([]), "{backend:?}: {body}");
        let added = row(&app, "test-row", None).await.expect("the new row");
        assert_eq!(position(&added, "US")["text"], "B");

        let (_, body) = send(
            &app,
            Some(&editor),
            RETRACT_ROW,
            json!({ "id": added["id"], "rev": 1, "reason": "test done" }),
        )
        .await;
        let retracted = &body["data"]["retractStrategicDimension"];
        assert_eq!(retracted["userErrors"], json!([]), "{backend:?}: {body}");
        assert_eq!(row(&app, "test-row", None).await, None);
    }
}
