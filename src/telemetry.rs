//! Logging and tracing setup: one subscriber for the process, logging as text or JSON, and,
//! with `--otlp-endpoint`, exporting spans over OTLP/HTTP: each request's (tracing-actix-web's
//! root span, whose `trace_id` every log line inside it carries), its GraphQL phases and
//! SeaORM's statements. Without an endpoint no OpenTelemetry layer is installed, so nothing
//! is recorded or exported.

use crate::configuration::{LogFormat, LogSettings};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::io::IsTerminal;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// What the exported spans include: requests (info), the GraphQL phases (debug) and each SQL
/// statement, which SeaORM instruments at the trace level.
const TRACE_FILTER: &str = "info,cityatlas=debug,sea_orm::driver=trace";

/// Keeps the exporter alive; dropping it sends the spans still queued.
#[must_use = "dropping the telemetry guard stops exporting spans"]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(error) = provider.shutdown()
        {
            eprintln!("traces not all exported at shutdown: {error}");
        }
    }
}

/// Installs the global subscriber. Calling it twice (as tests do) keeps the first one.
pub fn init(settings: &LogSettings) -> Telemetry {
    let filter = EnvFilter::try_new(&settings.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a terminal: in a file or a log collector they are noise.
    let ansi = std::io::stderr().is_terminal();
    let logs = match settings.format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(ansi)
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_writer(std::io::stderr)
            .with_filter(filter)
            .boxed(),
    };
    let provider = settings.otlp_endpoint.as_deref().and_then(provider);
    let traces = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("cityatlas"))
            .with_filter(EnvFilter::new(TRACE_FILTER))
    });
    let _ = tracing_subscriber::registry()
        .with(logs)
        .with(traces)
        .try_init();
    Telemetry { provider }
}

/// A batch exporter to the collector at `endpoint` (its base URL, as
/// `OTEL_EXPORTER_OTLP_ENDPOINT` takes it: spans go to `/v1/traces` below it).
fn provider(endpoint: &str) -> Option<SdkTracerProvider> {
    let traces = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(traces)
        .build();
    match exporter {
        Ok(exporter) => Some(
            SdkTracerProvider::builder()
                .with_batch_exporter(exporter)
                .with_resource(Resource::builder().with_service_name("cityatlas").build())
                .build(),
        ),
        Err(error) => {
            eprintln!("traces are off: the OTLP exporter could not be built: {error}");
            None
        }
    }
}
