//! The `/graphql` endpoint, per the GraphQL-over-HTTP specification: POST with a JSON body,
//! GET for queries only, `Accept` negotiation between `application/graphql-response+json`
//! and `application/json`, a body limit, and a coded 4xx for every malformed request.

use crate::graphql::GraphqlService;
use crate::rate_limit::{Allowance, Exhausted, RateLimiter};
use crate::response_cache::{CacheKey, CachedResponse, ResponseCache};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use serde::Deserialize;
use serde_json::json;
use tracing_actix_web::RequestId;

/// The response media types this endpoint can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MediaType {
    /// Status codes reflect request errors (400 when a query cannot run at all).
    GraphqlResponseJson,
    /// The legacy type: every well-formed request gets 200, errors live in the body.
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// A request refused before execution: rendered as a GraphQL error body with a code.
struct Rejection {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
}

impl Rejection {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    fn method_not_allowed(message: impl Into<String>, allow: &'static str) -> Self {
        Self {
            allow: Some(allow),
            ..Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "METHOD_NOT_ALLOWED",
                message,
            )
        }
    }

    fn into_response(self, media: MediaType) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.content_type(media.content_type());
        if let Some(allow) = self.allow {
            response.insert_header((header::ALLOW, allow));
        }
        response.body(
            json!({
                "errors": [{ "message": self.message, "extensions": { "code": self.code } }]
            })
            .to_string(),
        )
    }
}

/// Picks the response type from `Accept`: the client's highest preference, and on a tie
/// the newer `application/graphql-response+json`. No header means legacy JSON, as the
/// specification asks of servers that still serve older clients.
fn negotiate(request: &HttpRequest) -> Result<MediaType, Rejection> {
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

/// The GraphQL-over-HTTP request parameters, typed strictly so that a `query` that is not a
/// string, or `variables` that are not an object, are refused rather than coerced.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RequestParameters {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<serde_json::Map<String, serde_json::Value>>,
    extensions: Option<serde_json::Map<String, serde_json::Value>>,
}

impl RequestParameters {
    fn into_request(self) -> Result<async_graphql::Request, Rejection> {
        let query = self
            .query
            .filter(|query| !query.trim().is_empty())
            .ok_or_else(|| Rejection::bad_request("the request has no `query`"))?;
        let mut request = async_graphql::Request::new(query);
        if let Some(name) = self.operation_name {
            request = request.operation_name(name);
        }
        if let Some(variables) = self.variables {
            request = request.variables(async_graphql::Variables::from_json(
                serde_json::Value::Object(variables),
            ));
        }
        // Extensions such as persisted-query hashes are not supported; they are accepted
        // and ignored, as the specification allows.
        let _ = self.extensions;
        Ok(request)
    }
}

/// The query-string form of the parameters: `variables` and `extensions` are JSON text.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryStringParameters {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

impl QueryStringParameters {
    fn parse(query_string: &str) -> Result<RequestParameters, Rejection> {
        let web::Query(raw) = web::Query::<Self>::from_query(query_string)
            .map_err(|error| Rejection::bad_request(format!("invalid query string: {error}")))?;
        let json_object = |name: &str, text: Option<String>| match text {
            None => Ok(None),
            Some(text) if text.trim().is_empty() => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|_| Rejection::bad_request(format!("`{name}` must be a JSON object"))),
        };
        Ok(RequestParameters {
            query: raw.query,
            operation_name: raw.operation_name.filter(|name| !name.is_empty()),
            variables: json_object("variables", raw.variables)?,
            extensions: json_object("extensions", raw.extensions)?,
        })
    }
}

pub async fn post(
    request: HttpRequest,
    payload: web::Payload,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    cache: web::Data<ResponseCache>,
) -> HttpResponse {
    let media = match negotiate(&request) {
        Ok(media) => media,
        Err(rejection) => return rejection.into_response(MediaType::Json),
    };
    let max_body_bytes = service.limits().max_body_bytes;
    match parse_post(&request, payload, max_body_bytes).await {
        Ok(graphql_request) => {
            execute(&service, &limiter, &cache, &request, graphql_request, media).await
        }
        Err(rejection) => rejection.into_response(media),
    }
}

async fn parse_post(
    request: &HttpRequest,
    payload: web::Payload,
    max_body_bytes: usize,
) -> Result<async_graphql::Request, Rejection> {
    let is_json = match request.mime_type() {
        Ok(Some(mime)) => {
            mime.essence_str() == "application/json"
                && mime
                    .get_param(mime::CHARSET)
                    .is_none_or(|charset| charset == mime::UTF_8)
        }
        _ => false,
    };
    if !is_json {
        return Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request body as `Content-Type: application/json` (UTF-8)",
        ));
    }
    let body = match payload.to_bytes_limited(max_body_bytes).await {
        Ok(Ok(body)) => body,
        Ok(Err(_)) => return Err(Rejection::bad_request("the request body could not be read")),
        Err(_) => {
            return Err(Rejection::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                format!("the request body exceeds {max_body_bytes} bytes"),
            ));
        }
    };
    let parameters: RequestParameters = serde_json::from_slice(&body).map_err(|error| {
        Rejection::bad_request(format!("the body is not a GraphQL request object: {error}"))
    })?;
    parameters.into_request()
}

pub async fn get(
    request: HttpRequest,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    cache: web::Data<ResponseCache>,
) -> HttpResponse {
    let media = match negotiate(&request) {
        Ok(media) => media,
        Err(rejection) => return rejection.into_response(MediaType::Json),
    };
    let graphql_request = QueryStringParameters::parse(request.query_string())
        .and_then(RequestParameters::into_request)
        .and_then(refuse_mutations_over_get);
    match graphql_request {
        Ok(graphql_request) => {
            execute(&service, &limiter, &cache, &request, graphql_request, media).await
        }
        Err(rejection) => rejection.into_response(media),
    }
}

/// GET must be safe, so only queries may use it; the specification asks for 405 otherwise.
/// A document that does not parse is left for execution to report.
fn refuse_mutations_over_get(
    mut request: async_graphql::Request,
) -> Result<async_graphql::Request, Rejection> {
    let operation_name = request.operation_name.clone();
    let kind = match request.parsed_query() {
        Ok(document) => match (&document.operations, operation_name.as_deref()) {
            (DocumentOperations::Single(operation), _) => Some(operation.node.ty),
            (DocumentOperations::Multiple(operations), Some(name)) => {
                operations.get(name).map(|operation| operation.node.ty)
            }
            (DocumentOperations::Multiple(operations), None) => {
                let mut kinds = operations.values().map(|operation| operation.node.ty);
                kinds.find(|kind| *kind != OperationType::Query)
            }
        },
        Err(_) => None,
    };
    match kind {
        Some(OperationType::Mutation | OperationType::Subscription) => {
            Err(Rejection::method_not_allowed(
                "only queries may be sent with GET; send mutations with POST",
                "POST",
            ))
        }
        _ => Ok(request),
    }
}

/// Any method other than GET and POST.
pub async fn unsupported_method(request: HttpRequest) -> HttpResponse {
    let media = negotiate(&request).unwrap_or(MediaType::Json);
    let method: &Method = request.method();
    Rejection::method_not_allowed(
        format!("{method} is not supported on /graphql; use GET or POST"),
        "GET, POST",
    )
    .into_response(media)
}

async fn execute(
    service: &GraphqlService,
    limiter: &RateLimiter,
    cache: &ResponseCache,
    http_request: &HttpRequest,
    request: async_graphql::Request,
    media: MediaType,
) -> HttpResponse {
    let cache_key = cache
        .is_enabled()
        .then(|| CacheKey::new(&request, media.content_type()))
        .flatten();
    if let Some(hit) = cache_key.as_ref().and_then(|key| cache.get(key)) {
        let allowance = match charge(limiter, http_request, hit.cost, media) {
            Ok(allowance) => allowance,
            Err(refusal) => return *refusal,
        };
        return answer(http_request, cache, &hit, media, allowance, limiter);
    }

    let request_id = http_request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.to_string());
    let prepared = service.prepare(request);
    // A refused document still costs a point, so that refusals cannot be sent for free.
    let cost = prepared
        .as_ref()
        .map_or(1, |prepared| prepared.cost.complexity);
    let allowance = match charge(limiter, http_request, cost, media) {
        Ok(allowance) => allowance,
        Err(refusal) => return *refusal,
    };
    let response = match prepared {
        Ok(prepared) => service.execute(prepared, request_id.as_deref(), None).await,
        Err(refusal) => *refusal,
    };
    let succeeded = response.errors.is_empty();
    let (status, body) = match render(response, media) {
        Ok(rendered) => rendered,
        Err(rejection) => return rejection.into_response(media),
    };
    if !succeeded {
        let mut http_response = HttpResponse::build(status)
            .content_type(media.content_type())
            .insert_header((header::VARY, HeaderValue::from_static("Accept")))
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .body(body);
        if let Some(allowance) = allowance {
            set_rate_limit_headers(&mut http_response, limiter, allowance);
        }
        return http_response;
    }
    // Only complete answers are kept: an error may be gone on the next try.
    let finished = CachedResponse::new(Bytes::from(body), cost);
    if let Some(key) = cache_key {
        cache.insert(key, finished.clone());
    }
    answer(http_request, cache, &finished, media, allowance, limiter)
}

/// Charges the request's cost to its client, or refuses it with 429.
fn charge(
    limiter: &RateLimiter,
    http_request: &HttpRequest,
    cost: u64,
    media: MediaType,
) -> Result<Option<Allowance>, Box<HttpResponse>> {
    match limiter
        .client(http_request)
        .filter(|_| limiter.is_enabled())
    {
        None => Ok(None),
        Some(client) => match limiter.charge(client, cost) {
            Ok(allowance) => Ok(Some(allowance)),
            Err(exhausted) => Err(Box::new(rate_limited(limiter, exhausted, cost, media))),
        },
    }
}

/// A successful answer with its validators: 304 when the client already holds this body
/// (`If-None-Match`), and a shared `max-age` on GET, the method HTTP caches may store.
fn answer(
    http_request: &HttpRequest,
    cache: &ResponseCache,
    finished: &CachedResponse,
    media: MediaType,
    allowance: Option<Allowance>,
    limiter: &RateLimiter,
) -> HttpResponse {
    let not_modified = http_request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',').any(|tag| {
                let tag = tag.trim();
                tag == "*" || tag.trim_start_matches("W/") == finished.etag.trim_start_matches("W/")
            })
        });
    let mut builder = HttpResponse::build(if not_modified {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    });
    builder
        .content_type(media.content_type())
        .insert_header((header::VARY, HeaderValue::from_static("Accept")));
    if let Ok(etag) = HeaderValue::from_str(&finished.etag) {
        builder.insert_header((header::ETAG, etag));
    }
    let cache_control = if http_request.method() == Method::GET && cache.is_enabled() {
        format!("public, max-age={}", cache.ttl().as_secs())
    } else {
        "no-cache".to_owned()
    };
    if let Ok(value) = HeaderValue::from_str(&cache_control) {
        builder.insert_header((header::CACHE_CONTROL, value));
    }
    let mut response = if not_modified {
        builder.finish()
    } else {
        builder.body(finished.body.clone())
    };
    if let Some(allowance) = allowance {
        set_rate_limit_headers(&mut response, limiter, allowance);
    }
    response
}

fn rate_limited(
    limiter: &RateLimiter,
    exhausted: Exhausted,
    cost: u64,
    media: MediaType,
) -> HttpResponse {
    let message = format!(
        "rate limit exceeded: this request costs {cost} points and {} remain of {} per {} s; \
         retry in {} s",
        exhausted.allowance.remaining,
        exhausted.allowance.limit,
        limiter.window().as_secs(),
        exhausted.retry_after_secs
    );
    let mut response =
        Rejection::new(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", message).into_response(media);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(exhausted.retry_after_secs),
    );
    set_rate_limit_headers(&mut response, limiter, exhausted.allowance);
    response
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

/// The body and status of an executed request.
fn render(
    response: async_graphql::Response,
    media: MediaType,
) -> Result<(StatusCode, String), Rejection> {
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
    let body = if request_error {
        serde_json::to_string(&json!({ "errors": response.errors }))
    } else {
        serde_json::to_string(&response)
    };
    let body = body.map_err(|error| {
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
