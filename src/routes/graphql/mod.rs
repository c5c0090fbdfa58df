//! The `/graphql` endpoint, per the GraphQL-over-HTTP specification: POST with a JSON body,
//! GET for queries only, `Accept` negotiation between `application/graphql-response+json`
//! and `application/json`, a body limit and deadline, and a coded 4xx for every malformed
//! request. Every request takes one path, [`Pipeline::run`], to one [`Outcome`], which
//! [`respond()`] alone turns into HTTP.

mod read;
mod respond;
mod socket;

pub use socket::{ClientSlots, socket};

use crate::auth::{Principal, Role};
use crate::graphql::{Budget, GraphqlService};
use crate::metrics::{Metrics, Surface};
use crate::rate_limit::{Allowance, ClientKey, Exhausted, RateLimiter};
use crate::response_cache::{CacheKey, CachedResponse, ResponseCache};
use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use read::{holding_payload, read};
use respond::{Answer, MediaType, Outcome, Rejection, cost_extension, negotiate, render, respond};
use tracing_actix_web::RequestId;

/// The application data every handler is given, in one extractor.
type Services = (
    web::Data<GraphqlService>,
    web::Data<RateLimiter>,
    web::Data<ResponseCache>,
    web::Data<Metrics>,
);

pub async fn post(request: HttpRequest, payload: web::Payload, services: Services) -> HttpResponse {
    Pipeline::new(&services)
        .handle(&request, Input::Post(payload))
        .await
}

pub async fn get(request: HttpRequest, services: Services) -> HttpResponse {
    Pipeline::new(&services).handle(&request, Input::Get).await
}

/// Any method other than GET and POST: refused, but counted like every other refusal.
pub async fn unsupported_method(request: HttpRequest, services: Services) -> HttpResponse {
    Pipeline::new(&services)
        .handle(&request, Input::Unsupported)
        .await
}

/// How the GraphQL request arrives.
enum Input {
    Post(web::Payload),
    Get,
    Unsupported,
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
    metrics: &'a Metrics,
}

impl<'a> Pipeline<'a> {
    fn new((service, limiter, cache, metrics): &'a Services) -> Self {
        Self {
            service,
            limiter,
            cache,
            metrics,
        }
    }

    async fn handle(&self, http: &HttpRequest, mut input: Input) -> HttpResponse {
        let negotiated = negotiate(http);
        // A refusal of the Accept header itself is written in the legacy type.
        let media = negotiated.as_ref().map_or(MediaType::Json, |media| *media);
        let mut operation = None;
        let outcome = self.run(http, negotiated, &mut input, &mut operation).await;
        if self.metrics.is_enabled() {
            let code = outcome.error_code();
            self.metrics
                .graphql_operation(operation.as_deref(), code.as_deref());
        }
        let response = respond(outcome, http, media, self.cache, self.limiter);
        tracing::debug!(
            status = response.status().as_u16(),
            "GraphQL request answered"
        );
        holding_payload(response, input)
    }

    /// The whole path of a request. The bucket is checked before anything is read, so an
    /// empty bucket buys no work; past that, every refusal costs a point. With metrics on,
    /// `operation` is set to the operation's name once it is known.
    async fn run(
        &self,
        http: &HttpRequest,
        media: Result<MediaType, Rejection>,
        input: &mut Input,
        operation: &mut Option<String>,
    ) -> Outcome {
        let principal = match self.authenticate(http).await {
            Ok(principal) => principal,
            Err(rejection) => {
                return Outcome::Rejected {
                    rejection,
                    allowance: None,
                };
            }
        };
        let client = self.limiter.client_key(
            principal.as_ref().map(|principal| principal.token_id),
            http.peer_addr().map(|peer| peer.ip()),
            http.headers()
                .get_all("x-forwarded-for")
                .filter_map(|value| value.to_str().ok()),
        );
        if let Some(client) = client
            && let Err(exhausted) =
                (self.metrics).checked(Surface::Graphql, self.limiter.check(client).await)
        {
            return Outcome::Rejected {
                rejection: self.rate_limited(exhausted, 1, None),
                allowance: Some(exhausted.allowance),
            };
        }
        let refusal = match self
            .answer(http, client, principal, media, input, operation)
            .await
        {
            Ok(answer) => return Outcome::Graphql(answer),
            Err(refusal) => refusal,
        };
        let charge = async || match client {
            Some(client) => {
                let allowance = self.limiter.charge_refusal(client).await;
                self.metrics.spent(Surface::Graphql, 1);
                Some(allowance)
            }
            None => None,
        };
        match refusal {
            Refusal::OverBudget(rejection, allowance) => Outcome::Rejected {
                rejection: *rejection,
                allowance: Some(allowance),
            },
            Refusal::Http(rejection) => Outcome::Rejected {
                rejection: *rejection,
                allowance: charge().await,
            },
            Refusal::Document(answer) => Outcome::Graphql(Answer {
                allowance: charge().await,
                ..*answer
            }),
        }
    }

    /// The token's principal, if the request presents one: `Authorization: Bearer …`. A
    /// token that is malformed, unknown, revoked or expired is refused alike (RFC 6750).
    async fn authenticate(&self, http: &HttpRequest) -> Result<Option<Principal>, Rejection> {
        let Some(header) = http.headers().get(header::AUTHORIZATION) else {
            return Ok(None);
        };
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        let Some(token) = token else {
            return Err(Rejection::invalid_token(
                "the Authorization header must be `Bearer` and an API token",
            ));
        };
        match self.service.authenticate(token).await {
            Ok(Some(principal)) => Ok(Some(principal)),
            Ok(None) => Err(Rejection::invalid_token(
                "the API token is not valid: unknown, revoked or expired",
            )),
            Err(error) => {
                tracing::error!(code = error.code(), detail = %error.detail(), "authentication failed");
                Err(Rejection::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "SERVICE_UNAVAILABLE",
                    "the database is unavailable; retry shortly",
                ))
            }
        }
    }

    /// Read, answer from memory or parse, price, charge, execute, render.
    async fn answer(
        &self,
        http: &HttpRequest,
        client: Option<ClientKey>,
        principal: Option<Principal>,
        media: Result<MediaType, Rejection>,
        input: &mut Input,
        operation: &mut Option<String>,
    ) -> Result<Answer, Refusal> {
        let media = media?;
        let request = read(http, input, self.service.limits()).await?;
        if self.metrics.is_enabled() {
            *operation = self.service.operation_name(&request);
        }
        let key = self
            .cache
            .is_enabled()
            .then(|| CacheKey::new(&request, media.content_type()))
            .flatten();
        if let Some(hit) =
            (key.as_ref()).and_then(|key| self.metrics.response_cache(self.cache.get(key)))
        {
            let allowance = self.charge(client, hit.points, hit.price).await?;
            return Ok(Answer::complete(hit, allowance));
        }
        let prepared = match self.service.prepare(request) {
            Ok(prepared) if self.metrics.is_enabled() => {
                *operation = prepared.operation_name().map(str::to_owned);
                prepared
            }
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
        let writes = !prepared.reads_only();
        if writes {
            match &principal {
                None => return Err(Rejection::unauthenticated().into()),
                Some(principal) if principal.role < Role::Editor => {
                    return Err(Rejection::new(
                        StatusCode::FORBIDDEN,
                        "FORBIDDEN",
                        format!(
                            "the token {:?} is a reader's; changing data takes an editor's",
                            principal.name
                        ),
                    )
                    .into());
                }
                Some(_) => {}
            }
        }
        let (points, price) = (prepared.points(), prepared.cost.complexity);
        let allowance = self.charge(client, points, price).await?;
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
        let generation = self.cache.generation();
        let response = self
            .service
            .execute(prepared, request_id.as_deref(), budget, principal)
            .await;
        if writes {
            // Whatever the mutation's outcome, a later read must not see an answer from
            // before it; the prices of nested lists follow the data.
            self.cache.invalidate();
            self.service.bell().ring();
            if let Err(error) = self.service.refresh_list_lengths().await {
                tracing::warn!(detail = %error.detail(), "list lengths not refreshed after a write");
            }
        }
        let (status, body) = render(&response, media)?;
        if !response.errors.is_empty() {
            return Ok(Answer::failed(status, body, price, allowance));
        }
        let finished = CachedResponse::new(body, media.content_type(), points, price);
        if let Some(key) = key {
            self.cache.insert(key, finished.clone(), generation);
        }
        Ok(Answer::complete(finished, allowance))
    }

    /// Spends the request's points, or refuses it with 429 (which takes its 1 point).
    async fn charge(
        &self,
        client: Option<ClientKey>,
        points: u64,
        price: u64,
    ) -> Result<Option<Allowance>, Refusal> {
        let Some(client) = client else {
            return Ok(None);
        };
        match (self.metrics).charged(
            Surface::Graphql,
            points,
            self.limiter.charge(client, points).await,
        ) {
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
