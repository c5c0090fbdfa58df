use crate::helpers::{backends, spawn_app};
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn an_indicator_is_served_by_its_code() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let body = app
            .graphql(r#"{ indicator(code: "ai_enterprises") { code name unit scale } }"#)
            .await;
        assert_eq!(
            body["errors"],
            serde_json::Value::Null,
            "{backend:?}: {body}"
        );
        let indicator = &body["data"]["indicator"];
        assert_eq!(indicator["code"], "ai_enterprises");
        assert_eq!(indicator["unit"], "enterprises");
        assert_eq!(indicator["scale"], "one");

        let missing = app
            .graphql(r#"{ indicator(code: "no_such_indicator") { code } }"#)
            .await;
        assert_eq!(missing["data"]["indicator"], serde_json::Value::Null);
        assert_eq!(missing["errors"], serde_json::Value::Null);
    }
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_code() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("content-type", "application/json")
            .body("{ not json")
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 400);
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
        assert_eq!(app.get("/healthz").await.status(), 200);
    }
}

/// A broken schema must surface as a coded, masked error: no SQL, no table names.
#[tokio::test]
async fn database_failures_reach_clients_masked() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        app.db
            .execute_unprepared("ALTER TABLE indicators RENAME COLUMN name TO name_broken")
            .await
            .expect("break the table");

        let response = app
            .post_graphql(r#"{ indicator(code: "ai_market_size") { name } }"#)
            .await;
        assert_eq!(response.status(), 200, "a field error, not a request error");
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        let body: serde_json::Value = response.json().await.expect("JSON");
        let error = &body["errors"][0];
        assert_eq!(
            error["extensions"]["requestId"], request_id,
            "{backend:?}: the client can quote the request ID: {body}"
        );
        assert_eq!(
            error["extensions"]["code"], "INTERNAL_SERVER_ERROR",
            "{backend:?}: {body}"
        );
        let message = error["message"].as_str().expect("a message");
        assert_eq!(message, "internal server error");
        let text = body.to_string().to_lowercase();
        for leak in [
            "select",
            "indicators",
            "name_broken",
            "sqlx",
            "no such column",
            "does not exist",
        ] {
            assert!(!text.contains(leak), "{backend:?} leaked {leak:?}: {body}");
        }
    }
}
