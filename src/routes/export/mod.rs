//! Downloads: an indicator's figures as CSV or as a data package (`indicators`), as a
//! chart (`charts`) and as a page (`pages`), and a release's whole dataset in the `data/`
//! format (`releases`), each with its citation.
//! What they share: reading through GraphQL as any client could, the client's budget, the
//! validators and refusals of an HTTP download, and the citation file.

mod charts;
mod figures;
mod indicators;
mod pages;
mod releases;

pub use charts::{indicator_png, indicator_svg};
pub use indicators::{indicator_csv, indicator_zip};
pub use pages::{indicator_page, page_asset, release_indicator_page};
pub use releases::release_zip;

/// The downloads', charts' and pages' routes, for the application's `configure`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route(
            "/export/indicators/{code}.csv",
            web::get().to(indicator_csv),
        )
        .route(
            "/export/indicators/{code}.zip",
            web::get().to(indicator_zip),
        )
        .route(
            "/charts/indicators/{code}.svg",
            web::get().to(indicator_svg),
        )
        .route(
            "/charts/indicators/{code}.png",
            web::get().to(indicator_png),
        )
        .route("/export/releases/{tag}.zip", web::get().to(release_zip))
        .route("/indicators/{code}", web::get().to(indicator_page))
        .route(
            "/releases/{tag}/indicators/{code}",
            web::get().to(release_indicator_page),
        )
        .route("/assets/{name}", web::get().to(page_asset));
}

use crate::graphql::GraphqlService;
use crate::metrics::{Metrics, Surface};
use crate::rate_limit::{ClientKey, RateLimiter};
use actix_web::dev::Payload;
use actix_web::http::header::{self, EntityTag, HttpDate};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::SystemTime;

/// The release a download is read from (or the newest, for the live data) and the paper,
/// for the package's README and citation file.
const ABOUT: &str = r#"{ releases { tag title createdAt permalink apa: citation(style: APA) }
  paper: source(slug: "liu-2025") { title authors publishedOn doi citation(style: APA) } }"#;

/// What every download's handler is given: the request, and the service and rate limiter
/// that read it and charge for it (and the metrics that count the charge); extracted
/// together, since every download needs them all.
pub struct Asked {
    http: HttpRequest,
    service: web::Data<GraphqlService>,
    limiter: web::Data<RateLimiter>,
    metrics: web::Data<Metrics>,
}

impl FromRequest for Asked {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(http: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let asked = web::Data::<GraphqlService>::from_request(http, payload)
            .into_inner()
            .and_then(|service| {
                let limiter = web::Data::<RateLimiter>::from_request(http, payload).into_inner()?;
                let metrics = web::Data::<Metrics>::from_request(http, payload).into_inner()?;
                Ok(Asked {
                    http: http.clone(),
                    service,
                    limiter,
                    metrics,
                })
            });
        std::future::ready(asked)
    }
}

/// The releases and the paper (`ABOUT`), as the packages and pages cite them.
async fn about(service: &GraphqlService) -> Result<Value, HttpResponse> {
    run(service, ABOUT, json!({})).await
}

fn refusal(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "code": code, "message": message }))
}

fn unwritten() -> HttpResponse {
    refusal(
        actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "the download could not be written",
    )
}

/// What a download is, beside its bytes.
struct Download<'a> {
    content_type: &'a str,
    disposition: Disposition<'a>,
    last_modified: Option<DateTime<Utc>>,
    /// The permalink of the release it was read from, which cites it.
    cite_as: Option<&'a str>,
}

/// How a browser treats a download, by file name.
enum Disposition<'a> {
    /// Saved as a file (the CSV, a package).
    Attachment(&'a str),
    /// Shown where it is opened, and saved under this name (a chart).
    Inline(&'a str),
    /// A page, with no file name.
    Page,
}

/// A download's answer: its validators (an `ETag` from the body, and `Last-Modified`),
/// `304` when the client holds it already, and the release that cites it.
fn respond(http: &HttpRequest, body: Vec<u8>, download: Download<'_>) -> HttpResponse {
    let tag = EntityTag::new_strong(hex::encode(&Sha256::digest(&body)[..16]));
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
    if let Some(at) = download.last_modified {
        response.insert_header(header::LastModified(HttpDate::from(SystemTime::from(at))));
    }
    if let Some(permalink) = download.cite_as {
        response.insert_header((header::LINK, format!("<{permalink}>; rel=\"cite-as\"")));
    }
    if matches {
        return response.finish();
    }
    let disposition = match download.disposition {
        Disposition::Attachment(filename) => Some(("attachment", filename)),
        Disposition::Inline(filename) => Some(("inline", filename)),
        Disposition::Page => None,
    };
    if let Some((kind, filename)) = disposition {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("{kind}; filename=\"{filename}\""),
        ));
    }
    response.content_type(download.content_type).body(body)
}

/// Why a download is not served before anything is read.
enum Unserved {
    /// The client's rate-limit budget is spent.
    Spent,
    /// The `Authorization` header holds no valid token.
    InvalidToken,
    /// The tokens could not be read.
    Unavailable,
}

impl Unserved {
    fn response(self) -> HttpResponse {
        use actix_web::http::StatusCode;
        match self {
            Unserved::Spent => too_many(),
            Unserved::InvalidToken => HttpResponse::Unauthorized()
                .insert_header((
                    header::WWW_AUTHENTICATE,
                    r#"Bearer realm="City Atlas", error="invalid_token""#,
                ))
                .json(json!({
                    "code": "INVALID_TOKEN",
                    "message": "the API token is not valid: unknown, revoked or expired",
                })),
            Unserved::Unavailable => refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "the database is unavailable; retry shortly",
            ),
        }
    }
}

/// The bucket the download spends from: its token's, as for GraphQL, or its address's;
/// once it has checked that the bucket can pay for a request at all.
async fn client(
    http: &HttpRequest,
    service: &GraphqlService,
    limiter: &RateLimiter,
    metrics: &Metrics,
) -> Result<Option<ClientKey>, Unserved> {
    let token = match http.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => {
            let token = value
                .to_str()
                .ok()
                .and_then(|value| value.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim())
                .ok_or(Unserved::InvalidToken)?;
            match service.authenticate(token).await {
                Ok(Some(principal)) => Some(principal.token_id),
                Ok(None) => return Err(Unserved::InvalidToken),
                Err(_) => return Err(Unserved::Unavailable),
            }
        }
    };
    let client = limiter.client_key(
        token,
        http.peer_addr().map(|peer| peer.ip()),
        http.headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok()),
    );
    if let Some(client) = client
        && (metrics.checked(Surface::Export, limiter.check(client).await)).is_err()
    {
        return Err(Unserved::Spent);
    }
    Ok(client)
}

fn too_many() -> HttpResponse {
    refusal(
        actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMITED",
        "this client's rate-limit budget is spent; retry when it refills",
    )
}

/// A download costs a point per row, as a list in GraphQL does.
async fn charge(
    limiter: &RateLimiter,
    metrics: &Metrics,
    client: ClientKey,
    rows: usize,
) -> Result<(), ()> {
    let points = u64::try_from(rows).unwrap_or(u64::MAX);
    let charged = limiter
        .charge(client, points)
        .await
        .map(|_| ())
        .map_err(|_| ());
    metrics.charged(Surface::Export, points, charged)
}

/// Runs a query as any client could send it; a GraphQL error is the download's refusal.
async fn run(
    service: &GraphqlService,
    query: &str,
    variables: Value,
) -> Result<Value, HttpResponse> {
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    let response = match service.prepare(request) {
        Ok(prepared) => service.execute(prepared, None, None, None).await,
        Err(refused) => *refused,
    };
    if let Some(error) = response.errors.first() {
        return Err(graphql_refusal(error));
    }
    Ok(response.data.into_json().unwrap_or_default())
}

/// A GraphQL error as the HTTP refusal of a download, with GraphQL's own message and code:
/// a bad `asOf` is 400; a release that does not exist is 404, as an unknown indicator is.
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
    if code == "BAD_USER_INPUT" {
        refusal(StatusCode::BAD_REQUEST, &code, &error.message)
    } else if code == "NOT_FOUND" {
        refusal(StatusCode::NOT_FOUND, &code, &error.message)
    } else {
        refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVICE_UNAVAILABLE",
            "the download could not be read; retry shortly",
        )
    }
}

/// `CITATION.cff` (Citation File Format 1.2.0); its strings are written as JSON strings,
/// which YAML reads as the same double-quoted scalars.
fn citation_cff(title: &str, version: &str, release: Option<&Value>, paper: &Value) -> String {
    let quoted = |value: &Value| {
        serde_json::to_string(value.as_str().unwrap_or_default()).unwrap_or_default()
    };

    let mut cff = format!(
        "cff-version: 1.2.0\nmessage: {}\ntype: dataset\ntitle: {}\nversion: {}\n",
        quoted(&json!(
            "Cite each figure's original source, and this dataset as below."
        )),
        quoted(&json!(title)),
        quoted(&json!(version)),
    );
    cff.push_str("authors:\n  - name: \"City Atlas\"\n");
    // Live data have no release to point at: only a release's package names one.
    if let Some(release) = release {
        let date = release["createdAt"]
            .as_str()
            .map(|at| at.get(..10).unwrap_or(at).to_owned());
        if let Some(date) = date {
            cff.push_str(&format!("date-released: {}\n", quoted(&json!(date))));
        }
        if release["permalink"].is_string() {
            cff.push_str(&format!("url: {}\n", quoted(&release["permalink"])));
        }
    }
    cff.push_str(&format!(
        "references:\n  - type: article\n    title: {}\n    authors:\n      - name: {}\n",
        quoted(&paper["title"]),
        quoted(&paper["authors"]),
    ));
    if let Some(year) = paper["publishedOn"].as_str().and_then(|on| on.get(..4)) {
        cff.push_str(&format!("    year: {year}\n"));
    }
    if paper["doi"].is_string() {
        cff.push_str(&format!("    doi: {}\n", quoted(&paper["doi"])));
    }
    cff
}
