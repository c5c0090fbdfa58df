//! The `/graphql` endpoint: POST with a JSON body, or GET with query parameters.

use crate::graphql::{self, AppSchema};
use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use serde_json::json;

pub async fn post(
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    body: web::Bytes,
) -> HttpResponse {
    match serde_json::from_slice::<async_graphql::Request>(&body) {
        Ok(request) => execute(&schema, &db, request).await,
        Err(error) => bad_request(format!("the body is not a GraphQL request: {error}")),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetParams {
    query: String,
    operation_name: Option<String>,
    variables: Option<String>,
}

pub async fn get(
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    params: Result<web::Query<GetParams>, actix_web::Error>,
) -> HttpResponse {
    let params = match params {
        Ok(web::Query(params)) => params,
        Err(error) => return bad_request(format!("invalid query parameters: {error}")),
    };
    let mut request = async_graphql::Request::new(params.query);
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(variables) = params.variables {
        match serde_json::from_str(&variables) {
            Ok(variables) => request = request.variables(variables),
            Err(error) => return bad_request(format!("`variables` is not a JSON object: {error}")),
        }
    }
    execute(&schema, &db, request).await
}

async fn execute(
    schema: &AppSchema,
    db: &DatabaseConnection,
    request: async_graphql::Request,
) -> HttpResponse {
    let response = graphql::execute(schema, db, request).await;
    HttpResponse::Ok().json(response)
}

fn bad_request(message: String) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({
        "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }]
    }))
}
