//! `GET /metrics` on the metrics listener: the Prometheus exposition, with the pool's and
//! the caches' gauges read at the moment of the scrape.

use crate::database;
use crate::graphql::GraphqlService;
use crate::metrics::{CONTENT_TYPE, Metrics, Sample};
use crate::response_cache::ResponseCache;
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

pub async fn metrics(
    metrics: web::Data<Metrics>,
    db: web::Data<DatabaseConnection>,
    cache: web::Data<ResponseCache>,
    service: web::Data<GraphqlService>,
) -> HttpResponse {
    let sample = Sample {
        pool: database::pool_state(&db),
        response_cache_bytes: cache.bytes(),
        document_cache_bytes: service.document_cache_bytes(),
    };
    match metrics.render(sample) {
        Some(text) => HttpResponse::Ok().content_type(CONTENT_TYPE).body(text),
        // The listener is only bound when metrics are on.
        None => HttpResponse::NotFound().finish(),
    }
}
