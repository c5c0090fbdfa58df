//! `/graphql` over a WebSocket: subscriptions, in graphql-transport-ws (and the older
//! graphql-ws), as async-graphql-actix-web speaks them. The token rides in the connection's
//! init payload (`{"Authorization": "Bearer …"}`, since browsers cannot set headers on a
//! socket) or on the upgrade request; a bad one closes the connection. Opening a
//! connection costs a point of the client's bucket, like a request, and each client holds
//! at most a few subscriptions at once, however many sockets it opens.

use crate::auth::Principal;
use crate::graphql::{GraphqlService, SlotCounter};
use crate::rate_limit::{ClientKey, RateLimiter};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::Executor;
use async_graphql::futures_util::stream::BoxStream;
use async_graphql_actix_web::GraphQLSubscription;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

/// How many subscriptions one client may hold open at once.
pub const SUBSCRIPTIONS_PER_CLIENT: usize = 10;

/// The IPv6 prefix a client is known by when rate limiting (which has its own) is off.
const IPV6_CLIENT_PREFIX: u8 = 64;

/// Each client's open subscriptions, across all its sockets.
#[derive(Default)]
pub struct ClientSlots(Mutex<HashMap<ClientKey, Arc<SlotCounter>>>);

impl ClientSlots {
    fn of(&self, client: ClientKey) -> Arc<SlotCounter> {
        let mut slots = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // A client with no socket open holds no information: forget it.
        if slots.len() > 10_000 {
            slots.retain(|_, counter| Arc::strong_count(counter) > 1);
        }
        slots
            .entry(client)
            .or_insert_with(|| SlotCounter::new(SUBSCRIPTIONS_PER_CLIENT))
            .clone()
    }
}

/// What runs over the socket: subscriptions only, through the service's limits.
#[derive(Clone)]
struct Subscriptions(Arc<GraphqlService>);

impl Executor for Subscriptions {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        use async_graphql::futures_util::StreamExt;
        let mut answers = self.execute_stream(request, None);
        answers.next().await.unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: async_graphql::Request,
        session: Option<Arc<async_graphql::Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        self.0.subscribe(request, session.unwrap_or_default())
    }
}

/// Upgrades `GET /graphql` with `Upgrade: websocket` to a subscriptions socket.
pub async fn socket(
    http: HttpRequest,
    payload: web::Payload,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    slots: web::Data<ClientSlots>,
) -> actix_web::Result<HttpResponse> {
    let peer = http.peer_addr().map(|peer| peer.ip());
    let forwarded_for: Vec<String> = http
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok().map(str::to_owned))
        .collect();
    let header_token = http
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let executor = Subscriptions(service.clone().into_inner());
    GraphQLSubscription::new(executor)
        .on_connection_init(move |init| async move {
            let token = init_token(&init).or(header_token);
            let principal = authenticate(&service, token.as_deref()).await?;
            let client = limiter
                .client_key(
                    principal.as_ref().map(|principal| principal.token_id),
                    peer,
                    forwarded_for.iter().map(String::as_str),
                )
                .or_else(|| peer.map(|peer| ClientKey::new(peer, IPV6_CLIENT_PREFIX)))
                .unwrap_or(ClientKey::new(
                    IpAddr::from([0, 0, 0, 0]),
                    IPV6_CLIENT_PREFIX,
                ));
            if limiter.is_enabled()
                && let Err(exhausted) = limiter.charge(client, 1).await
            {
                return Err(async_graphql::Error::new(format!(
                    "the rate limit is spent; retry in {} s",
                    exhausted.retry_after_secs
                )));
            }
            let mut data = async_graphql::Data::default();
            data.insert(slots.of(client));
            if let Some(principal) = principal {
                data.insert(principal);
            }
            Ok(data)
        })
        .start(&http, payload)
}

/// `Authorization` (any case) in the init payload, as Apollo's and graphql-ws's clients
/// send it.
fn init_token(init: &serde_json::Value) -> Option<String> {
    init.as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, value)| value.as_str())
        .map(str::to_owned)
}

/// The principal behind `Bearer <token>`; no token is an anonymous client, and a token
/// that does not check out refuses the connection.
async fn authenticate(
    service: &GraphqlService,
    authorization: Option<&str>,
) -> async_graphql::Result<Option<Principal>> {
    let Some(authorization) = authorization else {
        return Ok(None);
    };
    let token = authorization
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .ok_or_else(|| {
            async_graphql::Error::new("the Authorization must be `Bearer` and an API token")
        })?;
    match service.authenticate(token).await {
        Ok(Some(principal)) => Ok(Some(principal)),
        Ok(None) => Err(async_graphql::Error::new(
            "the API token is not valid: unknown, revoked or expired",
        )),
        Err(error) => {
            tracing::error!(code = error.code(), detail = %error.detail(), "authentication failed");
            Err(async_graphql::Error::new(
                "the database is unavailable; retry shortly",
            ))
        }
    }
}
