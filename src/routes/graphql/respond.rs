//! What a request came to, written as HTTP: the media type negotiated from `Accept`, the
//! status and body of a GraphQL response or a coded refusal, `extensions.cost`, and the
//! caching (`ETag`, `Cache-Control`, 304) and `RateLimit-*` headers.

use crate::rate_limit::{Allowance, RateLimiter};
use crate::response_cache::{Body, CachedResponse, ResponseCache};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

/// The response media types this endpoint can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaType {
    /// Status codes reflect request errors (400 when a query cannot run at all).
    GraphqlResponseJson,
    /// The legacy type: every well-formed request gets 200, errors live in the body.
    Json,
}

impl MediaType {
    pub(super) fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// The extension every priced response carries: what the request cost and what is left.
const COST_EXTENSION: &str = "cost";

/// What a request came to: everything [`respond`] needs to write the HTTP response.
pub(super) enum Outcome {
    /// Refused with a coded error and a status of its own: not a request this endpoint
    /// serves, or out of points.
    Rejected {
        rejection: Rejection,
        allowance: Option<Allowance>,
    },
    /// A GraphQL response body: a result, fresh or cached, or request errors.
    Graphql(Answer),
}

impl Outcome {
    /// The code a client reads first (`errors[0].extensions.code`); `None` for a complete
    /// answer. Read back from the rendered body, which only a failed answer needs: the
    /// metrics' outcome label, asked for only when they are on.
    pub(super) fn error_code(&self) -> Option<String> {
        match self {
            Outcome::Rejected { rejection, .. } => Some(rejection.code.to_owned()),
            Outcome::Graphql(answer) if answer.etag.is_some() => None,
            Outcome::Graphql(answer) => {
                let body = serde_json::from_slice::<serde_json::Value>(answer.body.bytes());
                let code = body.ok().and_then(|body| {
                    let code = body.pointer("/errors/0/extensions/code")?;
                    code.as_str().map(str::to_owned)
                });
                Some(code.unwrap_or_else(|| "other".to_owned()))
            }
        }
    }
}

/// A request refused before execution: rendered as a GraphQL error body with a code.
pub(super) struct Rejection {
    pub(super) status: StatusCode,
    pub(super) code: &'static str,
    pub(super) message: String,
    /// `Allow` for a 405, `WWW-Authenticate` for a 401.
    pub(super) header: Option<RefusalHeader>,
    pub(super) retry_after_secs: Option<u64>,
    /// `extensions.cost`, when the request was priced before it was refused.
    pub(super) cost: Option<serde_json::Value>,
    /// The connection cannot be trusted to carry another request (the body is unread).
    pub(super) close: bool,
}

/// The header a refusal needs besides its body.
pub(super) enum RefusalHeader {
    /// The methods a 405 allows.
    Allow(&'static str),
    /// The challenge of a 401.
    Challenge(&'static str),
}

/// A GraphQL response, as rendered for the client's media type.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) body: Body,
    /// Only a complete answer has one: an error may be gone on the next try, so neither
    /// this server nor an HTTP cache may keep it.
    pub(super) etag: Option<String>,
    pub(super) cost: Option<serde_json::Value>,
    pub(super) allowance: Option<Allowance>,
}

/// The HTTP response for an outcome: the one place where statuses, bodies and headers are
/// written. Every answer varies by `Accept`; refusals and errors may not be stored.
pub(super) fn respond(
    outcome: Outcome,
    http: &HttpRequest,
    media: MediaType,
    cache: &ResponseCache,
    limiter: &RateLimiter,
) -> HttpResponse {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type(media.content_type())
        .insert_header((header::VARY, HeaderValue::from_static("Accept")));
    let no_store = (header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let (mut response, allowance) = match outcome {
        Outcome::Rejected {
            rejection,
            allowance,
        } => {
            builder.status(rejection.status).insert_header(no_store);
            match rejection.header {
                Some(RefusalHeader::Allow(methods)) => {
                    builder.insert_header((header::ALLOW, methods));
                }
                Some(RefusalHeader::Challenge(challenge)) => {
                    builder.insert_header((header::WWW_AUTHENTICATE, challenge));
                }
                None => {}
            }
            if let Some(seconds) = rejection.retry_after_secs {
                builder.insert_header((header::RETRY_AFTER, seconds));
            }
            if rejection.close {
                builder.force_close();
            }
            (builder.body(rejection.body()), allowance)
        }
        Outcome::Graphql(answer) => {
            builder.status(answer.status);
            let not_modified = match &answer.etag {
                None => {
                    builder.insert_header(no_store);
                    false
                }
                Some(etag) => {
                    if let Ok(value) = HeaderValue::from_str(etag) {
                        builder.insert_header((header::ETAG, value));
                    }
                    if let Ok(value) = HeaderValue::from_str(&cache_control(http, cache)) {
                        builder.insert_header((header::CACHE_CONTROL, value));
                    }
                    holds(http, etag)
                }
            };
            let response = if not_modified {
                builder.status(StatusCode::NOT_MODIFIED).finish()
            } else {
                let cost = answer.cost.as_ref().map(|cost| shareable(http, cost));
                let body = match &cost {
                    Some(cost) => answer.body.with_extension(COST_EXTENSION, cost),
                    None => answer.body.bytes().clone(),
                };
                builder.body(body)
            };
            (response, answer.allowance)
        }
    };
    if let Some(allowance) = allowance {
        set_rate_limit_headers(&mut response, limiter, allowance);
    }
    response
}

/// GET answers may be stored by shared caches and handed to other clients, so their
/// `extensions.cost` carries only the price; the client's own bucket is in the
/// `RateLimit-*` headers.
fn shareable(http: &HttpRequest, cost: &serde_json::Value) -> serde_json::Value {
    if http.method() == Method::GET {
        json!({ "requestedQueryCost": cost["requestedQueryCost"] })
    } else {
        cost.clone()
    }
}

/// A shared `max-age` on GET, the method HTTP caches may store, unless the answer holds the
/// client's own `rateLimit`; POST answers must be revalidated.
fn cache_control(http: &HttpRequest, cache: &ResponseCache) -> String {
    if http.method() == Method::GET && http.query_string().contains("rateLimit") {
        "private, no-store".to_owned()
    } else if http.method() == Method::GET && cache.is_enabled() {
        format!("public, max-age={}", cache.ttl().as_secs())
    } else {
        "no-cache".to_owned()
    }
}

/// Whether the client already holds this body (`If-None-Match`), for a 304.
fn holds(http: &HttpRequest, etag: &str) -> bool {
    http.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',').any(|tag| {
                let tag = tag.trim();
                tag == "*" || tag.trim_start_matches("W/") == etag.trim_start_matches("W/")
            })
        })
}

/// `extensions.cost`: the price, and with rate limiting on, the bucket after this request.
pub(super) fn cost_extension(price: u64, allowance: Option<Allowance>) -> serde_json::Value {
    match allowance {
        None => json!({ "requestedQueryCost": price }),
        Some(allowance) => json!({
            "requestedQueryCost": price,
            "limit": allowance.limit,
            "remaining": allowance.remaining,
            "resetAt": allowance
                .reset_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }),
    }
}

/// The IETF draft's `RateLimit-*` fields, so clients can pace themselves before a 429.
fn set_rate_limit_headers(
    response: &mut HttpResponse,
    limiter: &RateLimiter,
    allowance: Allowance,
) {
    let headers = response.headers_mut();
    for (name, value) in [
        ("ratelimit-limit", allowance.limit),
        ("ratelimit-remaining", allowance.remaining),
        ("ratelimit-reset", allowance.reset_secs),
    ] {
        headers.insert(
            header::HeaderName::from_static(name),
            HeaderValue::from(value),
        );
    }
    if let Ok(policy) = HeaderValue::from_str(&format!(
        "{};w={}",
        allowance.limit,
        limiter.window().as_secs()
    )) {
        headers.insert(header::HeaderName::from_static("ratelimit-policy"), policy);
    }
}

impl Rejection {
    pub(super) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            header: None,
            retry_after_secs: None,
            cost: None,
            close: false,
        }
    }

    pub(super) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// A 401 for a token that does not check out (RFC 6750's `invalid_token`).
    pub(super) fn invalid_token(message: &str) -> Self {
        Self {
            header: Some(RefusalHeader::Challenge(
                r#"Bearer realm="City Atlas", error="invalid_token""#,
            )),
            ..Self::new(StatusCode::UNAUTHORIZED, "INVALID_TOKEN", message)
        }
    }

    /// A 401 for a mutation sent without a token.
    pub(super) fn unauthenticated() -> Self {
        Self {
            header: Some(RefusalHeader::Challenge(r#"Bearer realm="City Atlas""#)),
            ..Self::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "changing data takes an API token: send `Authorization: Bearer <token>`",
            )
        }
    }

    pub(super) fn method_not_allowed(message: impl Into<String>, allow: &'static str) -> Self {
        Self {
            header: Some(RefusalHeader::Allow(allow)),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                message,
            )
        }
    }

    fn body(&self) -> String {
        let error = json!({ "message": self.message, "extensions": { "code": self.code } });
        match &self.cost {
            Some(cost) => json!({ "errors": [error], "extensions": { COST_EXTENSION: cost } }),
            None => json!({ "errors": [error] }),
        }
        .to_string()
    }
}

impl Answer {
    /// A complete answer, fresh or from memory, priced for this request.
    pub(super) fn complete(finished: CachedResponse, allowance: Option<Allowance>) -> Self {
        Self {
            status: StatusCode::OK,
            cost: Some(cost_extension(finished.price, allowance)),
            body: finished.body,
            etag: Some(finished.etag),
            allowance,
        }
    }

    /// An executed request with errors: priced, but not to be kept.
    pub(super) fn failed(
        status: StatusCode,
        body: Body,
        price: u64,
        allowance: Option<Allowance>,
    ) -> Self {
        Self {
            status,
            body,
            etag: None,
            cost: Some(cost_extension(price, allowance)),
            allowance,
        }
    }

    /// Request errors for a document refused before it was priced.
    pub(super) fn refused(status: StatusCode, body: Body) -> Self {
        Self {
            status,
            body,
            etag: None,
            cost: None,
            allowance: None,
        }
    }
}

/// Picks the response type from `Accept`: the client's highest preference, and on a tie
/// the newer `application/graphql-response+json`. No header means legacy JSON, as the
/// specification asks of servers that still serve older clients.
pub(super) fn negotiate(request: &HttpRequest) -> Result<MediaType, Rejection> {
    let Some(accept) = request.headers().get(header::ACCEPT) else {
        return Ok(MediaType::Json);
    };
    let accept = accept
        .to_str()
        .map_err(|_| Rejection::bad_request("the Accept header is not valid text"))?;
    // (quality, specificity, media type): explicit types outrank wildcards on equal quality.
    let mut best: Option<(f32, u8, MediaType)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media_range = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match media_range.as_str() {
            "application/graphql-response+json" => (2, MediaType::GraphqlResponseJson),
            "application/json" => (1, MediaType::Json),
            "application/*" | "*/*" => (0, MediaType::Json),
            _ => continue,
        };
        if quality <= 0.0 {
            continue;
        }
        if best.is_none_or(|(q, specificity, _)| (quality, candidate.0) > (q, specificity)) {
            best = Some((quality, candidate.0, candidate.1));
        }
    }
    best.map(|(_, _, media)| media).ok_or_else(|| {
        Rejection::new(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "this endpoint answers only application/graphql-response+json or application/json",
        )
    })
}

/// The status and body of a GraphQL response.
pub(super) fn render(
    response: &async_graphql::Response,
    media: MediaType,
) -> Result<(StatusCode, Body), Rejection> {
    // A request error means nothing was executed: the body then has no `data` entry, and
    // the newer media type says so with a 4xx as well.
    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty());
    let timed_out = request_error
        && response
            .errors
            .iter()
            .any(|error| code_of(error) == Some("TIMEOUT"));
    let data = (!request_error).then_some(&response.data);
    let body = Body::serialize(data, &response.errors, &response.extensions, COST_EXTENSION)
        .map_err(|error| {
            tracing::error!(%error, "could not serialize a GraphQL response");
            Rejection::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "internal server error",
            )
        })?;
    let status = if timed_out {
        StatusCode::GATEWAY_TIMEOUT
    } else if request_error && media == MediaType::GraphqlResponseJson {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, body))
}

fn code_of(error: &async_graphql::ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code),
        _ => None,
    }
}
