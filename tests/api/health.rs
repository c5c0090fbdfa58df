use crate::helpers::{Backend, backends, spawn_app};

#[tokio::test]
async fn healthz_and_readyz_answer_ok_with_a_request_id() {
    for backend in backends().await {
        let app = spawn_app(backend).await;

        let health = app.get("/healthz").await;
        assert_eq!(health.status(), 200, "{backend:?}");
        let request_id = health
            .headers()
            .get("x-request-id")
            .expect("a request ID header")
            .to_str()
            .expect("ASCII")
            .to_owned();
        assert_eq!(request_id.len(), 36, "a UUID: {request_id}");

        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 200, "{backend:?}");
        let body: serde_json::Value = ready.json().await.expect("JSON");
        assert_eq!(body["status"], "ready");
        assert_eq!(
            body["databases"],
            serde_json::json!([{ "role": "primary", "name": "primary", "status": "up" }]),
            "{backend:?}: no read replicas, and no host or path named"
        );
    }
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone_and_healthz_stays_up() {
    for backend in backends().await {
        if backend != Backend::Postgres {
            continue;
        }
        let app = spawn_app(backend).await;
        app.database.drop_now().await;

        let ready = app.get("/readyz").await;
        assert_eq!(ready.status(), 503);
        let body: serde_json::Value = ready.json().await.expect("JSON");
        assert_eq!(body["code"], "SERVICE_UNAVAILABLE");
        assert_eq!(body["databases"][0]["status"], "down");

        assert_eq!(
            app.get("/healthz").await.status(),
            200,
            "the process stays up"
        );
    }
}
