//! `GET /metrics` on the metrics listener: the Prometheus exposition, with the pool's, the
//! caches', the read replicas' and Redis's gauges read at the moment of the scrape.

use crate::database;
use crate::graphql::GraphqlService;
use crate::metrics::{CONTENT_TYPE, Metrics, Sample};
use crate::rate_limit::RateLimiter;
use crate::replicas::ReadReplicas;
use crate::response_cache::ResponseCache;
use actix_web::{HttpResponse, web};

/// What the scrape reads besides the counters.
pub struct Sources {
    pub replicas: web::Data<ReadReplicas>,
    pub cache: web::Data<ResponseCache>,
    pub service: web::Data<GraphqlService>,
    pub rate_limiter: web::Data<RateLimiter>,
}

pub async fn metrics(metrics: web::Data<Metrics>, sources: web::Data<Sources>) -> HttpResponse {
    let sample = Sample {
        pool: database::pool_state(sources.replicas.primary()),
        response_cache_bytes: sources.cache.bytes(),
        document_cache_bytes: sources.service.document_cache_bytes(),
        replicas: sources.replicas.statuses(),
        redis_answers: sources.rate_limiter.redis_answers(),
    };
    match metrics.render(sample) {
        Some(text) => HttpResponse::Ok().content_type(CONTENT_TYPE).body(text),
        // The listener is only bound when metrics are on.
        None => HttpResponse::NotFound().finish(),
    }
}
