//! Liveness (`/healthz`) and readiness (`/readyz`) probes. Readiness pings the primary,
//! which must answer, and reports each read replica as the watcher last saw it (a quarter
//! of a second ago at most), so that a probe polled often costs the replicas nothing and
//! never changes where reads go; a replica's absence only degrades the service (reads go
//! to the others, or to the primary).

use crate::replicas::{Health, ReadReplicas};
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use std::time::Duration;

/// The readiness probe must answer within the orchestrator's timeout even when a
/// database hangs.
const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

pub async fn readyz(replicas: web::Data<ReadReplicas>) -> HttpResponse {
    let primary = async {
        match tokio::time::timeout(READINESS_TIMEOUT, replicas.primary().ping()).await {
            Ok(Ok(())) => true,
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "readiness check failed");
                false
            }
            Err(_) => {
                tracing::warn!("readiness check timed out");
                false
            }
        }
    };
    let primary_up = primary.await;
    let statuses = replicas.statuses();
    // Databases are named by role and position, never by host: the probe is public.
    let mut databases = vec![json!({
        "role": "primary",
        "name": "primary",
        "status": if primary_up { "up" } else { "down" },
    })];
    databases.extend(statuses.iter().enumerate().map(|(index, replica)| {
        json!({
            "role": "replica",
            "name": format!("replica-{}", index + 1),
            "status": replica.health.as_str(),
            "lagSeconds": replica.lag_seconds,
        })
    }));
    let databases = Value::Array(databases);
    if !primary_up {
        return HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "code": "SERVICE_UNAVAILABLE",
            "databases": databases,
        }));
    }
    let status = if statuses.iter().all(|replica| replica.health == Health::Up) {
        "ready"
    } else {
        "degraded"
    };
    HttpResponse::Ok().json(json!({ "status": status, "databases": databases }))
}
