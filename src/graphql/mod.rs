//! The GraphQL schema: the public contract, kept apart from the storage entities.

mod audit;
mod budget;
mod comparison;
mod derived_values;
mod documents;
mod dry_run;
pub mod examples;
mod fact_check;
pub mod ids;
mod indicators;
mod inputs;
mod interfaces;
mod limits;
mod loaders;
mod mutations;
mod objects;
mod observations;
mod organisations;
pub mod paging;
mod pinning;
mod places;
mod query;
mod releases;
mod revisions;
mod sdl_index;
mod series;
mod shape;
mod sources;
mod subscription;

use crate::auth::Principal;
use crate::configuration::LimitSettings;
use crate::error::Error;
use crate::metrics::Metrics;
use crate::replicas::{ReadFrom, ReadReplicas};
use crate::store::notices::ChangeBell;
use crate::store::releases as stored_releases;
use crate::store::view::Reader;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection};
use async_graphql::{Context, Schema, ServerError};
use documents::DocumentCache;
use limits::ListLengths;
use mutations::Mutation;
use sea_orm::DatabaseConnection;
use std::sync::{Arc, PoisonError, RwLock};

pub use limits::{Cost, Violation};
pub use query::Query;
pub use subscription::{SlotCounter, Subscription};

pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// Where permalinks point unless `--public-url` says otherwise: the default bind address.
pub const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

fn schema_builder() -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .register_output_type::<interfaces::Node>()
        .register_output_type::<interfaces::Subject>()
}

/// The schema, and the limits every request is checked against before it runs.
pub struct GraphqlService {
    schema: AppSchema,
    /// The served schema's types, which price documents and complete their responses.
    types: sdl_index::SdlIndex,
    limits: LimitSettings,
    documents: DocumentCache,
    /// The longest list behind each nested list, which prices it; read again whenever the
    /// data changes.
    list_lengths: RwLock<Arc<ListLengths>>,
    /// Where the API is published, for the permalinks of releases.
    public_url: releases::PublicUrl,
    /// Rung after every committed change, which wakes the subscriptions.
    bell: ChangeBell,
    metrics: Metrics,
    /// The primary, which writes go to, and the read replicas queries read from.
    replicas: Arc<ReadReplicas>,
}

/// A request that passed every limit, with what it costs.
pub struct Prepared {
    request: async_graphql::Request,
    pub cost: Cost,
    /// `rateLimit(dryRun: true)` was asked: the document is priced, not run.
    dry_run: bool,
    /// The document that runs, which completion walks after execution has consumed the
    /// request's copy.
    document: Arc<ExecutableDocument>,
    reads_only: bool,
    /// The point in the data's history the operation reads; `None` for the live data.
    pin: Option<pinning::Pin>,
    lone_root_field: bool,
}

/// Request data present when the operation selects one root field and nothing else, so a
/// root lookup knows no other lookup will join its batch.
struct LoneRootField;

impl Prepared {
    /// Whether the request only reads (no mutation or subscription runs), as GET requires.
    pub fn reads_only(&self) -> bool {
        self.reads_only
    }

    /// The name of the operation that runs; `None` for an anonymous one.
    pub fn operation_name(&self) -> Option<&str> {
        operation_name(&self.document, self.request.operation_name.as_deref())
    }

    /// The points to take from the client's bucket: the price, or 1 for a dry run, which
    /// only prices the document.
    pub fn points(&self) -> u64 {
        if self.dry_run {
            1
        } else {
            self.cost.complexity
        }
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
        let bell = ChangeBell::default();
        let mut builder = schema_builder().data(db.clone()).data(bell.clone());
        if !limits.suggestions {
            builder = builder.disable_suggestions();
        }
        let schema = builder.finish();
        let types = sdl_index::SdlIndex::from_sdl(&schema.sdl());
        Self {
            schema,
            types,
            limits,
            documents: DocumentCache::new(DocumentCache::DEFAULT_MAX_BYTES),
            list_lengths: RwLock::default(),
            public_url: releases::PublicUrl(DEFAULT_PUBLIC_URL.to_owned()),
            bell,
            metrics: Metrics::off(),
            replicas: Arc::new(ReadReplicas::none(db)),
        }
    }

    /// Sends queries to `replicas`' read replicas; mutations stay on the primary, which
    /// must be the database the service was made with.
    pub fn with_read_replicas(mut self, replicas: Arc<ReadReplicas>) -> Self {
        self.replicas = replicas;
        self
    }

    /// Records its parsed-document cache's lookups in `metrics`.
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The estimated memory the parsed documents kept take.
    pub fn document_cache_bytes(&self) -> usize {
        self.documents.estimated_bytes()
    }

    /// The name of the operation a request runs, when its document was parsed before: the
    /// one it asks for, or the document's only one.
    pub fn operation_name(&self, request: &async_graphql::Request) -> Option<String> {
        if request.operation_name.is_some() {
            return request.operation_name.clone();
        }
        let document = self.documents.get(&request.query)?;
        operation_name(&document, None).map(str::to_owned)
    }

    /// What wakes the subscriptions: ring it once a change has committed.
    pub fn bell(&self) -> &ChangeBell {
        &self.bell
    }

    /// Runs a subscription sent over a WebSocket, within the same document limits as any
    /// request. Queries and mutations are refused there: over HTTP they are priced and
    /// charged to the client's rate limit, which a socket would bypass.
    pub fn subscribe(
        &self,
        request: async_graphql::Request,
        session: Arc<async_graphql::Data>,
    ) -> async_graphql::futures_util::stream::BoxStream<'static, async_graphql::Response> {
        use async_graphql::futures_util::stream::{self, StreamExt};
        use async_graphql::parser::types::OperationType;
        let prepared = match self.prepare(request) {
            Ok(prepared) => prepared,
            Err(refusal) => return stream::once(async move { *refusal }).boxed(),
        };
        let is_subscription = limits::select_operation(
            &prepared.document,
            prepared.request.operation_name.as_deref(),
        )
        .is_some_and(|operation| operation.ty == OperationType::Subscription);
        if !is_subscription {
            let refusal = async_graphql::Response::from_errors(vec![with_code(
                ServerError::new(
                    "a WebSocket carries subscriptions only: send queries and mutations to \
                     /graphql over HTTP"
                        .to_owned(),
                    None,
                ),
                "BAD_REQUEST",
            )]);
            return stream::once(async move { refusal }).boxed();
        }
        self.schema
            .execute_stream_with_session_data(prepared.request, session)
    }

    /// Publishes permalinks under `url` (the address clients reach the API at).
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = releases::PublicUrl(url.trim_end_matches('/').to_owned());
        self
    }

    /// Reads the longest list behind every nested list from the database. Until it has
    /// run, every nested list is priced at the largest page (100 items).
    pub async fn refresh_list_lengths(&self) -> Result<(), Error> {
        let lengths = ListLengths::read(self.replicas.primary(), &self.types).await?;
        *self
            .list_lengths
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(lengths);
        Ok(())
    }

    /// The principal behind a presented API token; `None` for one that does not check out.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>, Error> {
        crate::store::tokens::authenticate(self.replicas.primary(), token).await
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
    // At debug level, so that with traces off (the log filter at info) the span costs a
    // disabled callsite's check; the OTLP exporter's filter enables it.
    #[tracing::instrument(name = "graphql.prepare", level = "debug", skip_all)]
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
        let cached = self
            .metrics
            .document_cache(self.documents.get(&request.query));
        let is_cached = cached.is_some();
        let document = match cached {
            Some(document) => document,
            None => match async_graphql::parser::parse_query(&request.query) {
                Ok(document) => Arc::new(document),
                Err(error) => {
                    return Err(Box::new(async_graphql::Response::from_errors(vec![
                        with_code(error.into(), "GRAPHQL_PARSE_FAILED"),
                    ])));
                }
            },
        };
        let lengths = Arc::clone(
            &self
                .list_lengths
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let cost = limits::analyze(
            &document,
            operation_name.as_deref(),
            &variables,
            &self.types,
            &lengths,
            &self.limits,
        )
        .map_err(|violation| refuse(violation.code, violation.message))?;
        // Only documents within the limits are kept: a refused one would be refused again.
        if !is_cached {
            self.documents
                .insert(request.query.clone(), Arc::clone(&document));
        }
        let reads_only = limits::reads_only(&document, operation_name.as_deref());
        let lone_root_field = limits::select_operation(&document, operation_name.as_deref())
            .is_some_and(|operation| {
                matches!(
                    operation.selection_set.node.items.as_slice(),
                    [only] if matches!(only.node, Selection::Field(_))
                )
            });
        let pin = pinning::requested(&document, operation_name.as_deref(), &variables)
            .map_err(|violation| refuse(violation.code, violation.message))?;
        let (document, dry_run) =
            match dry_run::trimmed(&document, operation_name.as_deref(), &variables) {
                Some(trimmed) => (Arc::new(trimmed), true),
                None => (document, false),
            };
        // async-graphql takes the document by value; the shared one stays for completion.
        request.set_parsed_query(ExecutableDocument::clone(&document));
        Ok(Prepared {
            request,
            cost,
            dry_run,
            document,
            reads_only,
            pin,
            lone_root_field,
        })
    }

    /// The reader a request reads through, on `db`: live, or pinned to the last audit
    /// event at its `asOf` instant or in its release.
    async fn reader_for(
        &self,
        db: DatabaseConnection,
        pin: Option<&pinning::Pin>,
    ) -> Result<Reader, Error> {
        let event = match pin {
            None => return Ok(Reader::live(db)),
            Some(pinning::Pin::AsOf(instant)) => {
                stored_releases::event_at(self.replicas.primary(), *instant).await?
            }
            Some(pinning::Pin::Release(tag)) => {
                match stored_releases::by_tag(self.replicas.primary(), tag).await? {
                    Some(release) => release.event_id,
                    None => return Err(Error::NotFound(format!("release {tag:?}"))),
                }
            }
        };
        Ok(Reader::as_of(db, event))
    }

    /// Runs a prepared request with its own DataLoaders, so their cache lives as long as
    /// the request, and within the deadline: a query on a read replica (or, should the
    /// replica fail it, the primary), anything else on the primary. Every error leaves with
    /// a code: resolvers set their own, and the rest failed validation. The response is
    /// then completed as the specification executes: see `shape`.
    #[tracing::instrument(name = "graphql.execute", level = "debug", skip_all)]
    pub async fn execute(
        &self,
        prepared: Prepared,
        request_id: Option<&str>,
        budget: Option<Budget>,
        principal: Option<Principal>,
    ) -> async_graphql::Response {
        let (db, read_from) = if prepared.reads_only {
            self.replicas.for_reads()
        } else {
            (self.replicas.primary().clone(), ReadFrom::Primary)
        };
        // A replica can fail between two of the watcher's checks: the read then runs again
        // on the primary, from a copy taken before the first run consumes the request.
        let again = matches!(read_from, ReadFrom::Replica(_))
            .then(|| copy_of(&prepared.request, &prepared.document));
        let operation_name = prepared.request.operation_name.clone();
        let run = Run {
            pin: prepared.pin.as_ref(),
            cost: prepared.cost,
            lone_root_field: prepared.lone_root_field,
            request_id,
            budget,
            principal: principal.as_ref(),
            deadline: tokio::time::Instant::now() + self.limits.request_timeout,
        };
        let mut outcome = self.run(prepared.request, db, &run).await;
        let mut read_from = read_from;
        if let (ReadFrom::Replica(index), Some(again)) = (read_from, again)
            && lacked_the_database(&outcome)
        {
            tracing::warn!("a read replica failed a read; it is read again from the primary");
            self.replicas.failed(index);
            read_from = ReadFrom::Primary;
            outcome = self.run(again, self.replicas.primary().clone(), &run).await;
        }
        self.metrics.read_from(read_from);
        let mut response = match outcome {
            Ok(response) => response,
            Err(refused) => return refused,
        };
        let document = prepared.document;
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
        shape::complete(
            &self.types,
            &mut response,
            &document,
            operation_name.as_deref(),
        );
        response
    }
}

/// What every run of one request shares: the pin, the price, who asks, and the deadline.
struct Run<'a> {
    pin: Option<&'a pinning::Pin>,
    cost: Cost,
    lone_root_field: bool,
    request_id: Option<&'a str>,
    budget: Option<Budget>,
    principal: Option<&'a Principal>,
    deadline: tokio::time::Instant,
}

impl GraphqlService {
    /// Executes `request` reading through `db`. `Err` is a response to send as it is: the
    /// reader could not be made (an unknown release, say) or the deadline passed.
    async fn run(
        &self,
        request: async_graphql::Request,
        db: DatabaseConnection,
        run: &Run<'_>,
    ) -> Result<async_graphql::Response, async_graphql::Response> {
        let reader = match self.reader_for(db, run.pin).await {
            Ok(reader) => reader,
            Err(error) => {
                if error.is_server_side() {
                    tracing::error!(code = error.code(), detail = %error.detail(), "request failed");
                }
                return Err(async_graphql::Response::from_errors(vec![with_code(
                    ServerError::new(error.to_string(), None),
                    error.code(),
                )]));
            }
        };
        let mut request = request
            .data(loaders::for_request(reader.clone()))
            .data(reader)
            .data(self.public_url.clone())
            .data(run.cost);
        if run.lone_root_field {
            request = request.data(LoneRootField);
        }
        if let Some(budget) = run.budget {
            request = request.data(budget);
        }
        if let Some(principal) = run.principal {
            request = request.data(principal.clone());
        }
        if let Some(id) = run.request_id {
            request = request.data(mutations::RequestId(id.to_owned()));
        }
        match tokio::time::timeout_at(run.deadline, self.schema.execute(request)).await {
            Ok(response) => Ok(response),
            Err(_) => {
                let timeout = self.limits.request_timeout;
                tracing::warn!(
                    timeout_secs = timeout.as_secs(),
                    "request deadline exceeded"
                );
                Err(async_graphql::Response::from_errors(vec![with_code(
                    ServerError::new(
                        format!(
                            "the request did not finish within {} s; ask for less",
                            timeout.as_secs()
                        ),
                        None,
                    ),
                    "TIMEOUT",
                )]))
            }
        }
    }
}

/// A prepared request as it was before it ran, to run it again.
fn copy_of(
    request: &async_graphql::Request,
    document: &ExecutableDocument,
) -> async_graphql::Request {
    let mut copy =
        async_graphql::Request::new(request.query.clone()).variables(request.variables.clone());
    copy.operation_name = request.operation_name.clone();
    copy.extensions = request.extensions.clone();
    copy.introspection_mode = request.introspection_mode;
    copy.set_parsed_query(document.clone());
    copy
}

/// Whether a run failed for want of its database (a replica that went away), as opposed
/// to the client's mistake or a limit.
fn lacked_the_database(outcome: &Result<async_graphql::Response, async_graphql::Response>) -> bool {
    let (Ok(response) | Err(response)) = outcome;
    response.errors.iter().any(|error| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .is_some_and(|code| *code == async_graphql::Value::from("SERVICE_UNAVAILABLE"))
    })
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

/// The name of the operation `asked` selects in `document`, or of its only operation.
fn operation_name<'a>(document: &'a ExecutableDocument, asked: Option<&'a str>) -> Option<&'a str> {
    match &document.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(_) if asked.is_some() => asked,
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            operations.keys().next().map(|name| name.as_str())
        }
        DocumentOperations::Multiple(_) => None,
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

/// The reader this request reads through: live, or pinned by `asOf` or `release`.
fn database<'a>(ctx: &Context<'a>) -> Result<&'a Reader, Error> {
    ctx.data::<Reader>().map_err(|_| Error::Internal {
        detail: "the request was executed without a reader".to_owned(),
    })
}

/// The database itself, which writes go to: always the live data.
fn writer<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection, Error> {
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

/// The row a foreign key points at, through its batch loader.
async fn referenced<K, M>(ctx: &Context<'_>, key: K, what: &str) -> Result<M, Error>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    loaders::AtlasLoader: async_graphql::dataloader::Loader<K, Value = M, Error = Error>,
{
    required(loaders(ctx)?.load_one(key).await?, what)
}

/// The row a nullable foreign key points at, if it points at one.
async fn optional<K, M>(ctx: &Context<'_>, key: Option<K>) -> Result<Option<M>, Error>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    loaders::AtlasLoader: async_graphql::dataloader::Loader<K, Value = M, Error = Error>,
{
    match key {
        Some(key) => Ok(loaders(ctx)?.load_one(key).await?),
        None => Ok(None),
    }
}

/// A row that a foreign key guarantees; its absence is a broken database, not a client error.
fn required<T>(row: Option<T>, what: &str) -> Result<T, Error> {
    row.ok_or_else(|| Error::Internal {
        detail: format!("dangling reference: {what} is missing"),
    })
}

#[cfg(test)]
mod tests {
    use super::GraphqlService;

    #[tokio::test]
    async fn only_documents_within_the_limits_are_kept_parsed() {
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("connects");
        let service = GraphqlService::new(db, Default::default());
        let accepted = "{ countries(first: 5) { nodes { code } } }";
        let refused = "{ observations(first: 100) { nodes { subject { observations(first: 100) { nodes { value } } } } } }";
        assert!(
            service
                .prepare(async_graphql::Request::new(accepted))
                .is_ok()
        );
        assert!(
            service
                .prepare(async_graphql::Request::new(refused))
                .is_err()
        );
        assert!(service.documents.get(accepted).is_some());
        assert!(
            service.documents.get(refused).is_none(),
            "a refused document would only be refused again"
        );
    }
}
