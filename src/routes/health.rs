//! Liveness (`/healthz`) and readiness (`/readyz`) probes.

use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde_json::json;
use std::time::Duration;

/// The readiness probe must answer within the orchestrator's timeout even when the
/// database hangs.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(db: web::Data<DatabaseConnection>) -> HttpResponse {
    match tokio::time::timeout(READINESS_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness check failed");
            unavailable()
        }
        Err(_) => {
            tracing::warn!("readiness check timed out");
            unavailable()
        }
    }
}

fn unavailable() -> HttpResponse {
    HttpResponse::ServiceUnavailable().json(json!({
        "status": "unavailable",
        "code": "SERVICE_UNAVAILABLE",
    }))
}
