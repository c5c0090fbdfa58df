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

fn schema_builder() -> async_graphql::SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .register_output_type::<interfaces::Node>()
        .register_output_type::<interfaces::Subject>()
}

/// Runs one request with its own DataLoaders, so their cache lives as long as the request.
pub async fn execute(
    schema: &AppSchema,
    db: &DatabaseConnection,
    request: async_graphql::Request,
) -> async_graphql::Response {
    let mut response = schema
        .execute(request.data(loaders::for_request(db.clone())))
        .await;
    for error in &mut response.errors {
        let has_code = error
            .extensions
            .as_ref()
            .is_some_and(|extensions| extensions.get("code").is_some());
        if !has_code {
            // Errors raised by resolvers carry their own code; the rest come from parsing and
            // validating the document, before any resolver ran.
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", "GRAPHQL_VALIDATION_FAILED");
        }
    }
    response
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
