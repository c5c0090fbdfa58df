//! `/releases/{tag}`: the permalink of a release, which its citations give. It answers
//! the same `release(tag:)` query any client could send, as plain JSON.

use crate::graphql::GraphqlService;
use actix_web::{HttpResponse, web};
use serde_json::json;

const RELEASE: &str = "query($tag: String!) { release(tag: $tag) {
  tag title notes createdAt createdBy sequence changeCount permalink
  apa: citation(style: APA) mla: citation(style: MLA) chicago: citation(style: CHICAGO)
  bibtex: citation(style: BIBTEX) } }";

pub async fn release(service: web::Data<GraphqlService>, tag: web::Path<String>) -> HttpResponse {
    let variables = async_graphql::Variables::from_json(json!({ "tag": tag.into_inner() }));
    let request = async_graphql::Request::new(RELEASE).variables(variables);
    let response = match service.prepare(request) {
        Ok(prepared) => service.execute(prepared, None, None, None).await,
        Err(refused) => *refused,
    };
    if !response.errors.is_empty() {
        return HttpResponse::ServiceUnavailable().json(json!({
            "code": "SERVICE_UNAVAILABLE",
            "message": "the release could not be read; retry shortly",
        }));
    }
    let data = response.data.into_json().unwrap_or_default();
    match data.get("release") {
        Some(release) if release.is_object() => HttpResponse::Ok()
            .insert_header(("Cache-Control", "public, max-age=3600"))
            .json(json!({
                "release": release,
                "query": format!(
                    "Send `release: {:?}` with any list, lookup or `node` to read this release.",
                    release["tag"].as_str().unwrap_or_default()
                ),
            })),
        _ => HttpResponse::NotFound().json(json!({
            "code": "NOT_FOUND",
            "message": "no release has this tag; `releases` lists them",
        })),
    }
}
