//! An indicator's figures as every download, chart and page of it reads them: the
//! `observations` query any client could send, page after page, so filters, `asOf` and
//! `release` mean what they mean in GraphQL, and the client's budget pays a point a row.

use super::{Asked, Unserved, about, charge, client, refusal, run, too_many};
use crate::graphql::GraphqlService;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

const PAGE: &str = r#"query($code: String!, $subjects: [String!], $from: Int, $to: Int,
    $asOf: DateTime, $release: String, $after: String) {
  indicator(code: $code, asOf: $asOf, release: $release) {
    code name description unit scale measure topic caveat }
  observations(filter: { indicator: [$code], subject: $subjects, fromYear: $from, toYear: $to },
      first: 100, after: $after, asOf: $asOf, release: $release) {
    pageInfo { hasNextPage endCursor }
    nodes { subject { __typename key name } period category value valueText unit scale
      qualifier status caveats citedIn updatedAt
      source { slug title publisher url citation(style: APA) } } } }"#;

/// The filters of a download, a chart or a page: GraphQL's, in a URL's words.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Filters {
    /// Subject keys, comma-separated: `CN,US`.
    pub subjects: Option<String>,
    /// The first year, inclusive.
    pub from: Option<i32>,
    /// The last year, inclusive.
    pub to: Option<i32>,
    pub as_of: Option<String>,
    pub release: Option<String>,
}

/// What was read: the indicator and its figures, and the release they were read from.
pub struct Read {
    pub indicator: Value,
    pub rows: Vec<Value>,
    pub release: Option<String>,
}

/// The query string as `T`, or a 400 that names the parameters `T` takes (boxed, as a
/// response is large next to the parameters).
pub fn parameters<T: DeserializeOwned>(
    http: &HttpRequest,
    names: &str,
) -> Result<T, Box<HttpResponse>> {
    web::Query::<T>::from_query(http.query_string())
        .map(web::Query::into_inner)
        .map_err(|error| {
            Box::new(refusal(
                actix_web::http::StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("{error}; the parameters are {names}"),
            ))
        })
}

/// Takes the client's points and reads the figures; or the refusal.
pub async fn read(asked: &Asked, code: &str, query: Filters) -> Result<Read, HttpResponse> {
    use actix_web::http::StatusCode;
    let (service, limiter) = (asked.service.get_ref(), asked.limiter.get_ref());
    let client = client(&asked.http, service, limiter, &asked.metrics)
        .await
        .map_err(Unserved::response)?;
    let Some((indicator, rows)) = read_all(service, code, &query).await? else {
        return Err(refusal(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no indicator has this code; `indicators` lists them",
        ));
    };
    if let Some(client) = client
        && charge(limiter, &asked.metrics, client, rows.len())
            .await
            .is_err()
    {
        return Err(too_many());
    }
    Ok(Read {
        indicator,
        rows,
        release: query.release,
    })
}

/// The indicator and every figure the query asks for, page after page; `None` for an
/// unknown indicator.
async fn read_all(
    service: &GraphqlService,
    code: &str,
    query: &Filters,
) -> Result<Option<(Value, Vec<Value>)>, HttpResponse> {
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
        let data = run(service, PAGE, variables).await?;
        if data["indicator"].is_null() {
            return Ok(None);
        }
        let page = &data["observations"];
        rows.extend(page["nodes"].as_array().cloned().unwrap_or_default());
        if page["pageInfo"]["hasNextPage"] != true {
            return Ok(Some((data["indicator"].clone(), rows)));
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// The distinct sources of the rows, in the order they first appear.
pub fn sources(rows: &[Value]) -> Vec<&Value> {
    let mut seen = Vec::new();
    for row in rows {
        let source = &row["source"];
        if !seen.iter().any(|s: &&Value| s["slug"] == source["slug"]) {
            seen.push(source);
        }
    }
    seen
}

/// The permalink of the release tagged `tag`, from `ABOUT`.
pub fn permalink(about: &Value, tag: &str) -> Option<String> {
    about["releases"]
        .as_array()?
        .iter()
        .find(|release| release["tag"] == tag)
        .and_then(|release| release["permalink"].as_str())
        .map(str::to_owned)
}

/// The permalink that cites what was read: only a release's figures have one, so the
/// releases are asked for only then.
pub async fn cite_as(
    service: &GraphqlService,
    read: &Read,
) -> Result<Option<String>, HttpResponse> {
    match &read.release {
        Some(tag) => Ok(permalink(&about(service).await?, tag)),
        None => Ok(None),
    }
}

/// When the newest of the figures last changed.
pub fn newest(rows: &[Value]) -> Option<DateTime<Utc>> {
    rows.iter()
        .filter_map(|row| row["updatedAt"].as_str())
        .filter_map(|at| at.parse::<DateTime<Utc>>().ok())
        .max()
}
