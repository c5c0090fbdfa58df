//! The GraphQL schema: the public contract, kept apart from the storage entities.

mod comparison;
pub mod examples;
mod filters;
pub mod ids;
mod indicators;
mod interfaces;
mod loaders;
mod observations;
mod organisations;
pub mod paging;
mod places;
mod query;
mod search;
mod sources;

use crate::error::Error;
use async_graphql::{Context, EmptyMutation, EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

pub use query::Query;

pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

pub fn build_schema(db: DatabaseConnection) -> AppSchema {
    schema_builder().data(db).finish()
}

/// Deep enough for every example (the deepest nests 8 levels) and for cross-links several
/// hops long, shallow enough that a cyclic query (country → cities → country → …) cannot
/// fan out without bound.
pub const MAX_QUERY_DEPTH: usize = 16;

fn schema_builder() -> async_graphql::SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .limit_depth(MAX_QUERY_DEPTH)
        .register_output_type::<interfaces::Node>()
        .register_output_type::<interfaces::Subject>()
}

/// Runs one request with its own DataLoaders, so their cache lives as long as the request.
/// Every error leaves with a code: resolvers set their own, and the rest are told apart
/// here as a document that does not parse or one that fails validation.
pub async fn execute(
    schema: &AppSchema,
    db: &DatabaseConnection,
    mut request: async_graphql::Request,
) -> async_graphql::Response {
    if let Err(error) = request.parsed_query() {
        return async_graphql::Response::from_errors(vec![with_code(
            error,
            "GRAPHQL_PARSE_FAILED",
        )]);
    }
    let mut response = schema
        .execute(request.data(loaders::for_request(db.clone())))
        .await;
    response.errors = response
        .errors
        .into_iter()
        .map(|error| with_code(error, "GRAPHQL_VALIDATION_FAILED"))
        .collect();
    response
}

/// Sets `extensions.code` unless the error already carries one.
fn with_code(mut error: async_graphql::ServerError, code: &str) -> async_graphql::ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}

fn database<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection, Error> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| Error::Internal {
            detail: "the schema was built without a database".to_owned(),
        })
}

fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a loaders::Loaders, Error> {
    ctx.data::<loaders::Loaders>().map_err(|_| Error::Internal {
        detail: "the request was executed without DataLoaders".to_owned(),
    })
}

/// A row that a foreign key guarantees; its absence is a broken database, not a client error.
fn required<T>(row: Option<T>, what: &str) -> Result<T, Error> {
    row.ok_or_else(|| Error::Internal {
        detail: format!("dangling reference: {what} is missing"),
    })
}
