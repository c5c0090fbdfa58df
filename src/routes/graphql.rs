//! The `/graphql` endpoint, per the GraphQL-over-HTTP specification: POST with a JSON body,
//! GET for queries only, `Accept` negotiation between `application/graphql-response+json`
//! and `application/json`, a body limit and deadline, and a coded 4xx for every malformed
//! request. Every request takes one path, [`Pipeline::run`], to one [`Outcome`], which
//! [`respond`] alone turns into HTTP.

use crate::configuration::LimitSettings;
use crate::graphql::{Budget, GraphqlService};
use crate::rate_limit::{Allowance, ClientKey, Exhausted, RateLimiter};
use crate::response_cache::{Body, CacheKey, CachedResponse, ResponseCache};
use actix_web::body::{BodySize, BodyStream, BoxBody, MessageBody};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use std::pin::Pin;
use std::task::{Context, Poll};
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

/// The extension every priced response carries: what the request cost and what is left.
const COST_EXTENSION: &str = "cost";

pub async fn post(
    request: HttpRequest,
    payload: web::Payload,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    cache: web::Data<ResponseCache>,
) -> HttpResponse {
    let pipeline = Pipeline::new(&service, &limiter, &cache);
    pipeline.handle(&request, Input::Post(payload)).await
}

pub async fn get(
    request: HttpRequest,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    cache: web::Data<ResponseCache>,
) -> HttpResponse {
    let pipeline = Pipeline::new(&service, &limiter, &cache);
    pipeline.handle(&request, Input::Get).await
}

/// Any method other than GET and POST: refused, but counted like every other refusal.
pub async fn unsupported_method(
    request: HttpRequest,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    cache: web::Data<ResponseCache>,
) -> HttpResponse {
    let pipeline = Pipeline::new(&service, &limiter, &cache);
    pipeline.handle(&request, Input::Unsupported).await
}

/// A response body that keeps the request's payload alive until it has been sent: actix
/// then closes the connection after the response instead of draining what is left of an
/// unread (chunked) body, at the client's pace. A body read whole changes nothing.
struct UnreadBody {
    body: BoxBody,
    _payload: web::Payload,
}

impl MessageBody for UnreadBody {
    type Error = <BoxBody as MessageBody>::Error;

    fn size(&self) -> BodySize {
        self.body.size()
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_next(cx)
    }
}

/// How the GraphQL request arrives.
enum Input {
    Post(web::Payload),
    Get,
    Unsupported,
}

/// What a request came to: everything [`respond`] needs to write the HTTP response.
enum Outcome {
    /// Refused with a coded error and a status of its own: not a request this endpoint
    /// serves, or out of points.
    Rejected {
        rejection: Rejection,
        allowance: Option<Allowance>,
    },
    /// A GraphQL response body: a result, fresh or cached, or request errors.
    Graphql(Answer),
}

/// A request refused before execution: rendered as a GraphQL error body with a code.
struct Rejection {
    status: StatusCode,
    code: &'static str,
    message: String,
    allow: Option<&'static str>,
    retry_after_secs: Option<u64>,
    /// `extensions.cost`, when the request was priced before it was refused.
    cost: Option<serde_json::Value>,
    /// The connection cannot be trusted to carry another request (the body is unread).
    close: bool,
}

/// A GraphQL response, as rendered for the client's media type.
struct Answer {
    status: StatusCode,
    body: Body,
    /// Only a complete answer has one: an error may be gone on the next try, so neither
    /// this server nor an HTTP cache may keep it.
    etag: Option<String>,
    cost: Option<serde_json::Value>,
    allowance: Option<Allowance>,
}

/// Why a step refused the request. Boxed: it travels up through every step's `Result`.
enum Refusal {
    /// Not a GraphQL-over-HTTP request this endpoint serves, or the server failed.
    Http(Box<Rejection>),
    /// The document was refused before execution (parse, a limit): request errors.
    Document(Box<Answer>),
    /// The request's price is more than the client has left; already charged for.
    OverBudget(Box<Rejection>, Allowance),
}

impl From<Rejection> for Refusal {
    fn from(rejection: Rejection) -> Self {
        Refusal::Http(Box::new(rejection))
    }
}

/// The services a request passes through.
struct Pipeline<'a> {
    service: &'a GraphqlService,
    limiter: &'a RateLimiter,
    cache: &'a ResponseCache,
}

impl<'a> Pipeline<'a> {
    fn new(
        service: &'a GraphqlService,
        limiter: &'a RateLimiter,
        cache: &'a ResponseCache,
    ) -> Self {
        Self {
            service,
            limiter,
            cache,
        }
    }

    async fn handle(&self, http: &HttpRequest, mut input: Input) -> HttpResponse {
        let negotiated = negotiate(http);
        // A refusal of the Accept header itself is written in the legacy type.
        let media = negotiated.as_ref().map_or(MediaType::Json, |media| *media);
        let outcome = self.run(http, negotiated, &mut input).await;
        let response = respond(outcome, http, media, self.cache, self.limiter);
        match input {
            Input::Post(payload) => response
                .map_body(|_, body| UnreadBody {
                    body,
                    _payload: payload,
                })
                .map_into_boxed_body(),
            Input::Get | Input::Unsupported => response,
        }
    }

    /// The whole path of a request. The bucket is checked before anything is read, so an
    /// empty bucket buys no work; past that, every refusal costs a point.
    async fn run(
        &self,
        http: &HttpRequest,
        media: Result<MediaType, Rejection>,
        input: &mut Input,
    ) -> Outcome {
        let client = self.limiter.client_key(
            http.peer_addr().map(|peer| peer.ip()),
            http.headers()
                .get_all("x-forwarded-for")
                .filter_map(|value| value.to_str().ok()),
        );
        if let Some(client) = client
            && let Err(exhausted) = self.limiter.check(client)
        {
            return Outcome::Rejected {
                rejection: self.rate_limited(exhausted, 1, None),
                allowance: Some(exhausted.allowance),
            };
        }
        let refusal = match self.answer(http, client, media, input).await {
            Ok(answer) => return Outcome::Graphql(answer),
            Err(refusal) => refusal,
        };
        let charge = || client.map(|client| self.limiter.charge_refusal(client));
        match refusal {
            Refusal::OverBudget(rejection, allowance) => Outcome::Rejected {
                rejection: *rejection,
                allowance: Some(allowance),
            },
            Refusal::Http(rejection) => Outcome::Rejected {
                rejection: *rejection,
                allowance: charge(),
            },
            Refusal::Document(answer) => Outcome::Graphql(Answer {
                allowance: charge(),
                ..*answer
            }),
        }
    }

    /// Read, answer from memory or parse, price, charge, execute, render.
    async fn answer(
        &self,
        http: &HttpRequest,
        client: Option<ClientKey>,
        media: Result<MediaType, Rejection>,
        input: &mut Input,
    ) -> Result<Answer, Refusal> {
        let media = media?;
        let request = read(http, input, self.service.limits()).await?;
        let key = self
            .cache
            .is_enabled()
            .then(|| CacheKey::new(&request, media.content_type()))
            .flatten();
        if let Some(hit) = key.as_ref().and_then(|key| self.cache.get(key)) {
            let allowance = self.charge(client, hit.points, hit.price)?;
            return Ok(Answer::complete(hit, allowance));
        }
        let prepared = match self.service.prepare(request) {
            Ok(prepared) => prepared,
            Err(refused) => {
                let (status, body) = render(&refused, media)?;
                return Err(Refusal::Document(Box::new(Answer::refused(status, body))));
            }
        };
        // GET must be safe, so only queries may use it; the specification asks for 405.
        if http.method() == Method::GET && !prepared.reads_only() {
            return Err(Rejection::method_not_allowed(
                "only queries may be sent with GET; send mutations with POST",
                "POST",
            )
            .into());
        }
        let (points, price) = (prepared.points(), prepared.cost.complexity);
        let allowance = self.charge(client, points, price)?;
        let budget = allowance.map(|allowance| Budget {
            cost: price,
            limit: allowance.limit,
            remaining: allowance.remaining,
            reset_at: allowance.reset_at,
        });
        let request_id = http
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string());
        let response = self
            .service
            .execute(prepared, request_id.as_deref(), budget)
            .await;
        let (status, body) = render(&response, media)?;
        if !response.errors.is_empty() {
            return Ok(Answer::failed(status, body, price, allowance));
        }
        let finished = CachedResponse::new(body, media.content_type(), points, price);
        if let Some(key) = key {
            self.cache.insert(key, finished.clone());
        }
        Ok(Answer::complete(finished, allowance))
    }

    /// Spends the request's points, or refuses it with 429 (which takes its 1 point).
    fn charge(
        &self,
        client: Option<ClientKey>,
        points: u64,
        price: u64,
    ) -> Result<Option<Allowance>, Refusal> {
        let Some(client) = client else {
            return Ok(None);
        };
        match self.limiter.charge(client, points) {
            Ok(allowance) => Ok(Some(allowance)),
            Err(exhausted) => Err(Refusal::OverBudget(
                Box::new(self.rate_limited(exhausted, points, Some(price))),
                exhausted.allowance,
            )),
        }
    }

    /// A 429: `price` is set when the request was priced before it was refused.
    fn rate_limited(&self, exhausted: Exhausted, points: u64, price: Option<u64>) -> Rejection {
        let Allowance {
            limit, remaining, ..
        } = exhausted.allowance;
        let window = self.limiter.window().as_secs();
        let retry = exhausted.retry_after_secs;
        let message = match price {
            Some(_) => format!(
                "rate limit exceeded: this request costs {points} points and {remaining} remain \
                 of {limit} per {window} s; retry in {retry} s"
            ),
            None => format!(
                "rate limit exceeded: no points remain of {limit} per {window} s; retry in \
                 {retry} s"
            ),
        };
        Rejection {
            retry_after_secs: Some(retry),
            cost: price.map(|price| cost_extension(price, Some(exhausted.allowance))),
            ..Rejection::new(StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", message)
        }
    }
}

/// The GraphQL request, from the query string or from a JSON body that must arrive whole
/// within the deadline and the size limit.
async fn read(
    http: &HttpRequest,
    input: &mut Input,
    limits: &LimitSettings,
) -> Result<async_graphql::Request, Rejection> {
    let parameters = match input {
        Input::Get => QueryStringParameters::parse(http.query_string())?,
        Input::Post(payload) => {
            require_json(http)?;
            let body = read_body(payload, limits).await?;
            serde_json::from_slice::<RequestParameters>(&body).map_err(|error| {
                Rejection::bad_request(format!("the body is not a GraphQL request object: {error}"))
            })?
        }
        Input::Unsupported => {
            let method: &Method = http.method();
            return Err(Rejection::method_not_allowed(
                format!("{method} is not supported on /graphql; use GET or POST"),
                "GET, POST",
            ));
        }
    };
    parameters.into_request()
}

fn require_json(http: &HttpRequest) -> Result<(), Rejection> {
    let is_json = match http.mime_type() {
        Ok(Some(mime)) => {
            mime.essence_str() == "application/json"
                && mime
                    .get_param(mime::CHARSET)
                    .is_none_or(|charset| charset == mime::UTF_8)
        }
        _ => false,
    };
    if is_json {
        Ok(())
    } else {
        Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send the request body as `Content-Type: application/json` (UTF-8)",
        ))
    }
}

/// A client that trickles its body would hold the connection and its buffer for as long as
/// it liked; past the deadline it is told so, and the connection is closed.
async fn read_body(payload: &mut web::Payload, limits: &LimitSettings) -> Result<Bytes, Rejection> {
    let max_bytes = limits.max_body_bytes;
    let deadline = limits.body_timeout;
    // Borrowed, not consumed, so that the payload outlives a refusal (see `UnreadBody`).
    let body = actix_web::body::to_bytes_limited(BodyStream::new(payload), max_bytes);
    match tokio::time::timeout(deadline, body).await {
        Ok(Ok(Ok(body))) => Ok(body),
        Ok(Ok(Err(_))) => Err(Rejection::bad_request("the request body could not be read")),
        Ok(Err(_)) => Err(Rejection::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body exceeds {max_bytes} bytes"),
        )),
        Err(_) => Err(Rejection {
            close: true,
            ..Rejection::new(
                StatusCode::REQUEST_TIMEOUT,
                "REQUEST_TIMEOUT",
                format!(
                    "the request body did not arrive within {} s",
                    deadline.as_secs()
                ),
            )
        }),
    }
}

/// The HTTP response for an outcome: the one place where statuses, bodies and headers are
/// written. Every answer varies by `Accept`; refusals and errors may not be stored.
fn respond(
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
            if let Some(allow) = rejection.allow {
                builder.insert_header((header::ALLOW, allow));
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
fn cost_extension(price: u64, allowance: Option<Allowance>) -> serde_json::Value {
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
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
            retry_after_secs: None,
            cost: None,
            close: false,
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
    fn complete(finished: CachedResponse, allowance: Option<Allowance>) -> Self {
        Self {
            status: StatusCode::OK,
            cost: Some(cost_extension(finished.price, allowance)),
            body: finished.body,
            etag: Some(finished.etag),
            allowance,
        }
    }

    /// An executed request with errors: priced, but not to be kept.
    fn failed(status: StatusCode, body: Body, price: u64, allowance: Option<Allowance>) -> Self {
        Self {
            status,
            body,
            etag: None,
            cost: Some(cost_extension(price, allowance)),
            allowance,
        }
    }

    /// Request errors for a document refused before it was priced.
    fn refused(status: StatusCode, body: Body) -> Self {
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

/// The status and body of a GraphQL response.
fn render(
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
