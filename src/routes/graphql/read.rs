//! Reading a GraphQL request off the wire: its parameters, typed strictly, from the query
//! string or from a JSON body within the size limit and the deadline; and keeping a body
//! that was not read whole alive until the response has been sent.

use super::Input;
use super::respond::Rejection;
use crate::configuration::LimitSettings;
use actix_web::body::{BodySize, BodyStream, BoxBody, MessageBody};
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::Deserialize;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The GraphQL request, from the query string or from a JSON body that must arrive whole
/// within the deadline and the size limit.
pub(super) async fn read(
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

/// The response, holding a POST's payload until it has been sent (see [`UnreadBody`]).
pub(super) fn holding_payload(response: HttpResponse, input: Input) -> HttpResponse {
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
