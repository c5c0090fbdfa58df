//! The middleware that counts and times every HTTP request by its route pattern, for
//! `metrics`; wrapped only when metrics are on, so it costs nothing when they are off.

use crate::metrics::Metrics;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use std::time::Instant;

/// Times a request to its response's head (a streamed body's tail is not counted) and
/// counts it under the pattern it matched (`/export/indicators/{code}.csv`), never the
/// path, so the labels stay as few as the routes.
pub async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let method = request.method().clone();
    let started = Instant::now();
    let response = next.call(request).await;
    if let Some(metrics) = metrics {
        let took = started.elapsed();
        match &response {
            Ok(response) => metrics.http_request(
                method.as_str(),
                response.request().match_pattern(),
                response.status().as_u16(),
                took,
            ),
            Err(error) => metrics.http_request(
                method.as_str(),
                None,
                error.as_response_error().status_code().as_u16(),
                took,
            ),
        }
    }
    response
}
