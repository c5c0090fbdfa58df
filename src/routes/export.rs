//! `/export/indicators/{code}.csv`: every figure of an indicator as CSV for spreadsheets
//! (RFC 4180, UTF-8, no comment lines), one row each with its value exactly as published,
//! its unit and scale, its caveats, its source's citation and its place in the paper. It
//! answers the `observations` query any client could send, page after page, so filters,
//! `asOf` and `release` mean what they mean in GraphQL.

use crate::graphql::GraphqlService;
use crate::rate_limit::{ClientKey, RateLimiter};
use actix_web::http::header::{self, EntityTag, HttpDate};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::SystemTime;

const PAGE: &str = r#"query($code: String!, $subjects: [String!], $from: Int, $to: Int,
    $asOf: DateTime, $release: String, $after: String) {
  indicator(code: $code, asOf: $asOf, release: $release) { code }
  observations(filter: { indicator: [$code], subject: $subjects, fromYear: $from, toYear: $to },
      first: 100, after: $after, asOf: $asOf, release: $release) {
    pageInfo { hasNextPage endCursor }
    nodes { subject { __typename key name } period category value valueText unit scale
      qualifier status caveats citedIn updatedAt source { slug citation(style: APA) } } } }"#;

const COLUMNS: [&str; 16] = [
    "indicator",
    "subject_kind",
    "subject",
    "subject_name",
    "period",
    "category",
    "value",
    "value_text",
    "unit",
    "scale",
    "qualifier",
    "status",
    "caveats",
    "source",
    "source_citation",
    "cited_in",
];

/// The query parameters: the same filters as GraphQL's, in a URL's words.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExportQuery {
    /// Subject keys, comma-separated: `CN,US`.
    subjects: Option<String>,
    /// The first year, inclusive.
    from: Option<i32>,
    /// The last year, inclusive.
    to: Option<i32>,
    as_of: Option<String>,
    release: Option<String>,
}

fn refusal(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "code": code, "message": message }))
}

pub async fn indicator_csv(
    http: HttpRequest,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    code: web::Path<String>,
) -> HttpResponse {
    use actix_web::http::StatusCode;
    let query = match web::Query::<ExportQuery>::from_query(http.query_string()) {
        Ok(query) => query.into_inner(),
        Err(error) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("{error}; the parameters are subjects, from, to, asOf and release"),
            );
        }
    };
    let client = limiter.client_key(
        None,
        http.peer_addr().map(|peer| peer.ip()),
        http.headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok()),
    );
    if let Some(client) = client
        && limiter.check(client).is_err()
    {
        return too_many();
    }
    let rows = match read_all(&service, &code, &query).await {
        Ok(Some(rows)) => rows,
        Ok(None) => {
            return refusal(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "no indicator has this code; `indicators` lists them",
            );
        }
        Err(response) => return response,
    };
    if let Some(client) = client
        && charge(&limiter, client, rows.len()).is_err()
    {
        return too_many();
    }
    let body = match csv(&code, &rows) {
        Ok(body) => body,
        Err(_) => {
            return refusal(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL_SERVER_ERROR",
                "the download could not be written",
            );
        }
    };
    let tag = EntityTag::new_strong(hex::encode(&Sha256::digest(&body)[..16]));
    let last_modified = rows
        .iter()
        .filter_map(|row| row["updatedAt"].as_str())
        .filter_map(|at| at.parse::<DateTime<Utc>>().ok())
        .max()
        .map(|at| HttpDate::from(SystemTime::from(at)));
    let matches = http
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .split(',')
                .any(|given| given.trim() == tag.to_string())
        });
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(header::ETag(tag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"));
    if let Some(at) = last_modified {
        response.insert_header(header::LastModified(at));
    }
    if matches {
        return response.finish();
    }
    response
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.csv\"", code.as_str()),
        ))
        .body(body)
}

fn too_many() -> HttpResponse {
    refusal(
        actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        "this client's rate-limit budget is spent; retry when it refills",
    )
}

/// A download costs a point per row, as a list in GraphQL does.
fn charge(limiter: &RateLimiter, client: ClientKey, rows: usize) -> Result<(), ()> {
    let points = u64::try_from(rows).unwrap_or(u64::MAX);
    limiter.charge(client, points).map(|_| ()).map_err(|_| ())
}

/// Every figure the query asks for, page after page; `None` for an unknown indicator.
async fn read_all(
    service: &GraphqlService,
    code: &str,
    query: &ExportQuery,
) -> Result<Option<Vec<Value>>, HttpResponse> {
    let subjects: Option<Vec<&str>> = query.subjects.as_deref().map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    });
    let mut rows = Vec::new();
    let mut after = Value::Null;
    loop {
        let variables = json!({
            "code": code, "subjects": subjects, "from": query.from, "to": query.to,
            "asOf": query.as_of, "release": query.release, "after": after,
        });
        let request = async_graphql::Request::new(PAGE)
            .variables(async_graphql::Variables::from_json(variables));
        let response = match service.prepare(request) {
            Ok(prepared) => service.execute(prepared, None, None, None).await,
            Err(refused) => *refused,
        };
        if let Some(error) = response.errors.first() {
            return Err(graphql_refusal(error));
        }
        let data = response.data.into_json().unwrap_or_default();
        if data["indicator"].is_null() {
            return Ok(None);
        }
        let page = &data["observations"];
        rows.extend(page["nodes"].as_array().cloned().unwrap_or_default());
        if page["pageInfo"]["hasNextPage"] != true {
            return Ok(Some(rows));
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// A GraphQL error as the HTTP refusal of a download: the client's mistakes (a bad
/// `asOf`, an unknown release) are 400 with GraphQL's own message and code.
fn graphql_refusal(error: &async_graphql::ServerError) -> HttpResponse {
    use actix_web::http::StatusCode;
    let code = error
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(code) => Some(code.clone()),
            _ => None,
        })
        .unwrap_or_default();
    if code == "BAD_USER_INPUT" || code == "NOT_FOUND" {
        refusal(StatusCode::BAD_REQUEST, &code, &error.message)
    } else {
        refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the download could not be read; retry shortly",
        )
    }
}

/// The rows as CSV: a header, then one record per figure, lines ended by CRLF as RFC 4180
/// has them.
fn csv(code: &str, rows: &[Value]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(COLUMNS)?;
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    for row in rows {
        let value = row["value"]
            .as_f64()
            .map(|value| value.to_string())
            .unwrap_or_default();
        let caveats: Vec<String> = row["caveats"]
            .as_array()
            .map(|caveats| caveats.iter().map(text).collect())
            .unwrap_or_default();
        writer.write_record([
            code.to_owned(),
            text(&row["subject"]["__typename"]).to_lowercase(),
            text(&row["subject"]["key"]),
            text(&row["subject"]["name"]),
            text(&row["period"]),
            text(&row["category"]),
            value,
            text(&row["valueText"]),
            text(&row["unit"]),
            text(&row["scale"]),
            text(&row["qualifier"]).to_lowercase(),
            text(&row["status"]).to_lowercase(),
            caveats.join(" | "),
            text(&row["source"]["slug"]),
            text(&row["source"]["citation"]),
            text(&row["citedIn"]),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| error.into_error().into())
}
