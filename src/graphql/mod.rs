//! The GraphQL schema: the public contract, kept apart from the storage entities.

mod comparison;
pub mod examples;
mod filters;
pub mod ids;
mod indicators;
mod interfaces;
mod limits;
mod loaders;
mod observations;
mod organisations;
pub mod paging;
mod places;
mod query;
mod search;
mod sources;

use crate::configuration::LimitSettings;
use crate::error::Error;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Context, EmptyMutation, EmptySubscription, Schema, ServerError};
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

pub use limits::Cost;
pub use query::Query;

pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

fn schema_builder() -> async_graphql::SchemaBuilder<Query, EmptyMutation, EmptySubscription> {
    Schema::build(Query, EmptyMutation, EmptySubscription)
        .register_output_type::<interfaces::Node>()
        .register_output_type::<interfaces::Subject>()
}

/// The schema, and the limits every request is checked against before it runs.
pub struct GraphqlService {
    schema: AppSchema,
    types: limits::TypeInfo,
    limits: LimitSettings,
    db: DatabaseConnection,
    documents: DocumentCache,
}

/// Parsed documents by their text: clients send the same few documents over and over, and
/// parsing is the costliest step before execution. Bounded by the total length of the
/// texts kept; when full, it starts over.
#[derive(Default)]
struct DocumentCache {
    parsed: Mutex<(HashMap<String, ExecutableDocument>, usize)>,
}

impl DocumentCache {
    const MAX_CHARS: usize = 4 * 1024 * 1024;

    fn get(&self, query: &str) -> Option<ExecutableDocument> {
        let parsed = self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        parsed.0.get(query).cloned()
    }

    fn insert(&self, query: String, document: &ExecutableDocument) {
        let mut parsed = self.parsed.lock().unwrap_or_else(PoisonError::into_inner);
        let length = query.len();
        if parsed.1 + length > Self::MAX_CHARS {
            parsed.0.clear();
            parsed.1 = 0;
        }
        if parsed.0.insert(query, document.clone()).is_none() {
            parsed.1 += length;
        }
    }
}

/// A request that passed every limit, with what it costs.
pub struct Prepared {
    request: async_graphql::Request,
    pub cost: Cost,
    /// `rateLimit(dryRun: true)` was asked: the document is priced, not run.
    dry_run: bool,
}

impl Prepared {
    /// The points to take from the client's bucket: the price, or 1 for a dry run, which
    /// only prices the document.
    pub fn points(&self) -> u64 {
        if self.dry_run { 1 } else { self.cost.complexity }
    }
}

/// The client's rate-limit bucket after this request was charged: what `rateLimit` and
/// `extensions.cost` report. `None` where rate limiting is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The request's price in points.
    pub cost: u64,
    /// Points per window.
    pub limit: u64,
    pub remaining: u64,
    /// When the bucket is full again.
    pub reset_at: chrono::DateTime<chrono::Utc>,
}

impl GraphqlService {
    pub fn new(db: DatabaseConnection, limits: LimitSettings) -> Self {
        let mut builder = schema_builder().data(db.clone());
        if !limits.suggestions {
            builder = builder.disable_suggestions();
        }
        let schema = builder.finish();
        let types = limits::TypeInfo::from_sdl(&schema.sdl());
        Self {
            schema,
            types,
            limits,
            db,
            documents: DocumentCache::default(),
        }
    }

    pub fn limits(&self) -> &LimitSettings {
        &self.limits
    }

    /// The SDL of the schema this service executes, which `schema.graphql` must equal.
    pub fn sdl(&self) -> String {
        self.schema.sdl()
    }

    /// Checks size and nesting before parsing, then parses and checks depth, cost, aliases,
    /// root fields and directives. A refusal is a response of request errors, each coded.
    pub fn prepare(
        &self,
        mut request: async_graphql::Request,
    ) -> Result<Prepared, Box<async_graphql::Response>> {
        let refuse = |code: &str, message: String| {
            Box::new(async_graphql::Response::from_errors(vec![with_code(
                ServerError::new(message, None),
                code,
            )]))
        };
        if let Err(violation) = limits::check_text(&request.query, &self.limits) {
            return Err(refuse(violation.code, violation.message));
        }
        let operation_name = request.operation_name.clone();
        let variables = request.variables.clone();
        let uncached_text = match self.documents.get(&request.query) {
            Some(document) => {
                request.set_parsed_query(document);
                None
            }
            None => Some(request.query.clone()),
        };
        let document = match request.parsed_query() {
            Ok(document) => document,
            Err(error) => {
                return Err(Box::new(async_graphql::Response::from_errors(vec![
                    with_code(error, "GRAPHQL_PARSE_FAILED"),
                ])));
            }
        };
        if let Some(text) = uncached_text {
            self.documents.insert(text, document);
        }
        match limits::analyze(
            document,
            operation_name.as_deref(),
            &variables,
            &self.types,
            &self.limits,
        ) {
            Ok(cost) => Ok(Prepared {
                request,
                cost,
                dry_run: false,
            }),
            Err(violation) => Err(refuse(violation.code, violation.message)),
        }
    }

    /// Runs a prepared request with its own DataLoaders, so their cache lives as long as
    /// the request, and within the deadline. Every error leaves with a code: resolvers set
    /// their own, and the rest failed validation.
    pub async fn execute(
        &self,
        prepared: Prepared,
        request_id: Option<&str>,
        budget: Option<Budget>,
    ) -> async_graphql::Response {
        let mut request = prepared.request.data(loaders::for_request(self.db.clone()));
        if let Some(budget) = budget {
            request = request.data(budget);
        }
        let timeout = self.limits.request_timeout;
        let Ok(mut response) = tokio::time::timeout(timeout, self.schema.execute(request)).await
        else {
            tracing::warn!(
                timeout_secs = timeout.as_secs(),
                "request deadline exceeded"
            );
            return async_graphql::Response::from_errors(vec![with_code(
                ServerError::new(
                    format!(
                        "the request did not finish within {} s; ask for less",
                        timeout.as_secs()
                    ),
                    None,
                ),
                "TIMEOUT",
            )]);
        };
        // Uncoded errors with a path come from reading a field's arguments (an Int out of
        // range, say); without one, from validating the document.
        response.errors = response
            .errors
            .into_iter()
            .map(|error| {
                let code = if error.path.is_empty() {
                    "GRAPHQL_VALIDATION_FAILED"
                } else {
                    "BAD_USER_INPUT"
                };
                with_code(error, code)
            })
            .collect();
        report_server_errors(&mut response.errors, request_id);
        response
    }
}

/// Logs each distinct server-side cause once, inside the request's span, and gives the
/// client the request ID to quote instead of the cause.
fn report_server_errors(errors: &mut [ServerError], request_id: Option<&str>) {
    let mut logged: Vec<String> = Vec::new();
    for error in errors {
        let Some(cause) = error
            .source::<Error>()
            .filter(|cause| cause.is_server_side())
        else {
            continue;
        };
        let detail = cause.detail();
        if !logged.contains(&detail) {
            tracing::error!(code = cause.code(), %detail, "request failed");
            logged.push(detail);
        }
        if let Some(id) = request_id {
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("requestId", id);
        }
    }
}

/// Sets `extensions.code` unless the error already carries one.
fn with_code(mut error: ServerError, code: &str) -> ServerError {
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

/// The rows a loader finds under one parent, as their GraphQL type; none is an empty list.
async fn children<K, M, T>(
    ctx: &Context<'_>,
    key: K,
    wrap: impl Fn(M) -> T,
) -> Result<Vec<T>, Error>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    loaders::AtlasLoader: async_graphql::dataloader::Loader<K, Value = Vec<M>, Error = Error>,
{
    let rows = loaders(ctx)?.load_one(key).await?;
    Ok(rows.unwrap_or_default().into_iter().map(wrap).collect())
}

/// A row that a foreign key guarantees; its absence is a broken database, not a client error.
fn required<T>(row: Option<T>, what: &str) -> Result<T, Error> {
    row.ok_or_else(|| Error::Internal {
        detail: format!("dangling reference: {what} is missing"),
    })
}

#[cfg(test)]
mod tests {
    use super::DocumentCache;

    fn parse(query: &str) -> async_graphql::parser::types::ExecutableDocument {
        async_graphql::parser::parse_query(query).expect("parses")
    }

    #[test]
    fn a_parsed_document_is_kept_by_its_text_within_a_bound() {
        let cache = DocumentCache::default();
        let query = "{ countries { totalCount } }";
        assert!(cache.get(query).is_none());
        cache.insert(query.to_owned(), &parse(query));
        let kept = cache.get(query).expect("kept");
        assert_eq!(format!("{kept:?}"), format!("{:?}", parse(query)));
        assert!(cache.get("{ regions { totalCount } }").is_none());

        let long = format!(
            "{{ countries {{ totalCount }} }}{}",
            " ".repeat(1024 * 1024)
        );
        for n in 0..8 {
            let text = format!("{long}#{n}");
            cache.insert(text.clone(), &parse(&text));
            let total = cache.parsed.lock().expect("unpoisoned").1;
            assert!(total <= DocumentCache::MAX_CHARS, "{total} chars kept");
        }
        assert!(
            cache.get(query).is_none(),
            "the first text went when the cache filled"
        );
    }
}
