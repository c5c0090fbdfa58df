//! Builds the application: database, seed data, schema and HTTP server.

use crate::configuration::{CorsPolicy, Settings};
use crate::error::Error;
use crate::graphql::GraphqlService;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use crate::replicas::ReadReplicas;
use crate::response_cache::ResponseCache;
use crate::routes::{
    export, graphiql, graphql as graphql_routes, health, metrics as metrics_route, releases,
    request_metrics,
};
use crate::{coherence, database, seed};
use actix_cors::Cors;
use actix_web::dev::{Server, Service};
use actix_web::http::header;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{Compress, Condition, DefaultHeaders, from_fn};
use actix_web::{App, HttpMessage, HttpServer, guard, web};
use sea_orm::DatabaseConnection;
use std::future::Future;
use std::net::TcpListener;
use std::pin::Pin;
use tracing_actix_web::{RequestId, TracingLogger};

pub struct Application {
    port: u16,
    server: Server,
    /// On PostgreSQL, what keeps the caches true to other replicas' writes and watches the
    /// read replicas; it runs as long as the server does.
    background: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    /// The metrics listener's port and server, when `--metrics-bind` is set.
    metrics: Option<(u16, Server)>,
}

/// Called with every SQL statement the application runs.
pub type StatementObserver = Box<dyn Fn(&sea_orm::metric::Info<'_>) + Send + Sync>;

impl Application {
    /// Connects, migrates, seeds (unless disabled) and binds; the server starts on
    /// [`Application::run_until_stopped`].
    pub async fn build(settings: Settings) -> Result<Self, Error> {
        Self::build_observing(settings, None).await
    }

    /// Like [`Application::build`], with `observer` called on every SQL statement as well
    /// as the metrics' own histogram (SeaORM keeps one callback per connection, so the two
    /// are composed here); the tests count statements with it.
    pub async fn build_observing(
        settings: Settings,
        observer: Option<StatementObserver>,
    ) -> Result<Self, Error> {
        let metrics = match settings.metrics.bind {
            Some(_) => Metrics::on(),
            None => Metrics::off(),
        };
        let mut db = database::connect(&settings.database).await?;
        observe_statements(&mut db, &metrics, observer);
        database::migrate(&db).await?;
        if settings.server.seed_on_start {
            match seed::load_on_start(&db).await? {
                seed::OnStart::Imported(report) => {
                    tracing::info!(%report, "the paper's dataset imported as release liu-2025");
                }
                seed::OnStart::Kept { differing } if differing.changed_rows() > 0 => {
                    tracing::warn!(
                        differing_rows = differing.changed_rows(),
                        %differing,
                        "the database differs from the dataset built into this binary (curated \
                         edits, or a newer binary's data) and is left as it is; `cityatlas seed` \
                         would bring it in line, recording every change"
                    );
                }
                seed::OnStart::Kept { .. } => {}
            }
        }
        let replicas = ReadReplicas::connect(db.clone(), &settings.database).await?;
        if !replicas.is_empty() {
            // Reads start on the replicas that answer, not on the primary until the first
            // scheduled check.
            replicas.check_all().await;
        }
        let replicas = web::Data::new(replicas);
        let service = GraphqlService::new(db.clone(), settings.limits.clone())
            .with_public_url(&settings.server.public_url)
            .with_metrics(metrics.clone())
            .with_read_replicas(replicas.clone().into_inner());
        service.refresh_list_lengths().await?;
        let rate_limiter = RateLimiter::new(settings.rate_limit.clone())?;
        let listener = TcpListener::bind(settings.server.bind)?;
        let address = listener.local_addr()?;
        tracing::info!(
            database = %settings.database.url,
            "City Atlas serves GraphQL at http://{address}/graphql"
        );
        let metrics_listener = match settings.metrics.bind {
            Some(bind) => {
                let listener = TcpListener::bind(bind)?;
                tracing::info!(
                    "City Atlas serves Prometheus metrics at http://{}/metrics",
                    listener.local_addr()?
                );
                Some(listener)
            }
            None => None,
        };
        let service = web::Data::new(service);
        let response_cache = web::Data::new(ResponseCache::new(&settings.response_cache));
        let background = if settings.database.url.is_sqlite() {
            None
        } else {
            let last_event = crate::store::history::last_sequence(&db).await?;
            let coherence = coherence::keep_caches_coherent(
                settings.database.url.clone(),
                i64::from(last_event),
                response_cache.clone(),
                service.clone(),
                replicas.clone(),
                metrics.clone(),
            );
            let replicas = replicas.clone();
            Some(Box::pin(async move {
                tokio::join!(coherence, replicas.watch());
            }) as Pin<Box<dyn Future<Output = ()> + Send>>)
        };
        let (server, metrics) = run(
            Listeners {
                public: listener,
                metrics: metrics_listener,
            },
            Services {
                replicas,
                graphql: service,
                response_cache,
                rate_limiter: web::Data::new(rate_limiter),
            },
            metrics,
            settings,
        )?;
        Ok(Self {
            port: address.port(),
            server,
            background,
            metrics,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The metrics listener's port, when metrics are on.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(port, _)| *port)
    }

    /// Serves until SIGTERM or Ctrl-C, then drains in-flight requests; the metrics listener
    /// stops when the public one has.
    pub async fn run_until_stopped(self) -> Result<(), std::io::Error> {
        let serving = async {
            let Some((_, metrics)) = self.metrics else {
                return self.server.await;
            };
            let stop_metrics = metrics.handle();
            let public = async {
                let served = self.server.await;
                stop_metrics.stop(true).await;
                served
            };
            let (served, metrics_served) = tokio::join!(public, metrics);
            served.and(metrics_served)
        };
        match self.background {
            Some(background) => {
                tokio::select! {
                    stopped = serving => stopped,
                    () = background => Ok(()),
                }
            }
            None => serving.await,
        }
    }
}

/// Times every statement into the metrics and hands it to `observer`; with neither, no
/// callback is set, and SeaORM then reads no clock per statement.
fn observe_statements(
    db: &mut DatabaseConnection,
    metrics: &Metrics,
    observer: Option<StatementObserver>,
) {
    let metrics = metrics.is_enabled().then(|| metrics.clone());
    if metrics.is_none() && observer.is_none() {
        return;
    }
    db.set_metric_callback(move |info| {
        if let Some(metrics) = &metrics {
            metrics.statement(info.elapsed, info.failed);
        }
        if let Some(observer) = &observer {
            observer(info);
        }
    });
}

/// Browsers may read the API cross-origin; it takes no cookies, so no credentials are allowed.
fn cors(policy: &CorsPolicy) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allow_any_header()
        .expose_headers(["x-request-id"])
        .max_age(86_400);
    match policy {
        CorsPolicy::AnyOrigin => cors.allow_any_origin().send_wildcard(),
        CorsPolicy::Origins(origins) => origins
            .iter()
            .fold(cors, |cors, origin| cors.allowed_origin(origin)),
    }
}

/// The public listener, and the metrics listener when `--metrics-bind` is set.
struct Listeners {
    public: TcpListener,
    metrics: Option<TcpListener>,
}

/// What the handlers are given, built once and shared by every worker.
struct Services {
    replicas: web::Data<ReadReplicas>,
    graphql: web::Data<GraphqlService>,
    response_cache: web::Data<ResponseCache>,
    rate_limiter: web::Data<RateLimiter>,
}

fn run(
    listeners: Listeners,
    services: Services,
    metrics: Metrics,
    settings: Settings,
) -> Result<(Server, Option<(u16, Server)>), Error> {
    let metrics = web::Data::new(metrics);
    let subscription_slots = web::Data::new(graphql_routes::ClientSlots::default());
    let cors_policy = settings.server.cors;
    let Services {
        replicas,
        graphql: service,
        response_cache,
        rate_limiter,
    } = services;
    let db = web::Data::new(replicas.primary().clone());
    let metrics_server = match listeners.metrics {
        Some(listener) => Some((
            listener.local_addr()?.port(),
            metrics_server(
                listener,
                &metrics,
                web::Data::new(metrics_route::Sources {
                    replicas: replicas.clone(),
                    cache: response_cache.clone(),
                    service: service.clone(),
                    rate_limiter: rate_limiter.clone(),
                }),
            )?,
        )),
        None => None,
    };
    let record_requests = metrics.is_enabled();
    let server = HttpServer::new(move || {
        App::new()
            // Registered before the logger, so it runs inside the request span and can
            // echo the span's request ID back to the client.
            .wrap_fn(|request, service| {
                let request_id = request.extensions().get::<RequestId>().copied();
                let response = service.call(request);
                async move {
                    let mut response = response.await?;
                    if let Some(id) = request_id
                        && let Ok(value) = HeaderValue::from_str(&id.to_string())
                    {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static("x-request-id"), value);
                    }
                    Ok(response)
                }
            })
            .wrap(cors(&cors_policy))
            // No response of ours may be sniffed into another type (JSON run as script).
            .wrap(DefaultHeaders::new().add((header::X_CONTENT_TYPE_OPTIONS, "nosniff")))
            // Only when the client asks (`Accept-Encoding`): a long series or a deep tree
            // shrinks several-fold.
            .wrap(Compress::default())
            .wrap(TracingLogger::default())
            // Outermost, so it times and counts what the client gets.
            .wrap(Condition::new(
                record_requests,
                from_fn(request_metrics::record),
            ))
            .app_data(metrics.clone())
            .app_data(service.clone())
            .app_data(rate_limiter.clone())
            .app_data(response_cache.clone())
            .app_data(subscription_slots.clone())
            .app_data(db.clone())
            .app_data(replicas.clone())
            .route("/healthz", web::get().to(health::healthz))
            .route("/readyz", web::get().to(health::readyz))
            .service(
                web::resource("/graphql")
                    .route(
                        web::get()
                            .guard(guard::Header("upgrade", "websocket"))
                            .to(graphql_routes::socket),
                    )
                    .route(web::get().to(graphql_routes::get))
                    .route(web::post().to(graphql_routes::post))
                    .default_service(web::to(graphql_routes::unsupported_method)),
            )
            .route("/", web::get().to(graphiql::redirect_to_graphiql))
            .route("/graphiql", web::get().to(graphiql::page))
            .route("/releases/{tag}", web::get().to(releases::release))
            .configure(export::routes)
            .route("/graphiql/assets/{name}", web::get().to(graphiql::asset))
    })
    .shutdown_timeout(10)
    .listen(listeners.public)?
    .run();
    Ok((server, metrics_server))
}

/// The metrics listener: `/metrics` alone, on one worker, stopped by the public server's
/// shutdown rather than by signals of its own.
fn metrics_server(
    listener: TcpListener,
    metrics: &web::Data<Metrics>,
    sources: web::Data<metrics_route::Sources>,
) -> Result<Server, Error> {
    let metrics = metrics.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(metrics.clone())
            .app_data(sources.clone())
            .route("/metrics", web::get().to(metrics_route::metrics))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run();
    Ok(server)
}
