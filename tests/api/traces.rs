//! With `--otlp-endpoint` the binary exports its spans over OTLP/HTTP to a collector: a
//! request is one trace (its root span, its GraphQL phases, its SQL statements), and the
//! log lines written inside it carry its trace ID. The collector is this test's own.

use crate::helpers::ServerProcess;
use actix_web::{App, HttpServer, web};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use std::sync::{Arc, Mutex};

type Received = Arc<Mutex<Vec<ExportTraceServiceRequest>>>;

async fn collect(received: web::Data<Received>, body: web::Bytes) -> actix_web::HttpResponse {
    match ExportTraceServiceRequest::decode(body) {
        Ok(request) => {
            received
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(request);
            actix_web::HttpResponse::Ok()
                .content_type("application/x-protobuf")
                .finish()
        }
        Err(_) => actix_web::HttpResponse::BadRequest().finish(),
    }
}

/// A span as the collector received it: name, trace ID and parent span ID, in hex.
#[derive(Debug)]
struct ExportedSpan {
    name: String,
    trace_id: String,
    parent: String,
}

#[tokio::test]
async fn a_request_is_one_exported_trace_with_its_phases_and_statements() {
    let received = Received::default();
    let collected = received.clone();
    let collector = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(collected.clone()))
            .route("/v1/traces", web::post().to(collect))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("the collector binds");
    let port = collector.addrs()[0].port();
    tokio::spawn(collector.run());

    let endpoint = format!("http://127.0.0.1:{port}");
    let mut server = ServerProcess::start(
        "traces",
        &[
            "--otlp-endpoint",
            &endpoint,
            "--log-level",
            "info,cityatlas=debug",
        ],
    );
    let answer: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{}/graphql", server.address))
        .json(&serde_json::json!({ "query": r#"{ country(code: "CN") { name } }"# }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("a JSON body");
    assert_eq!(answer["data"]["country"]["name"], "China");
    // Stopping sends what the batch exporter still holds.
    assert!(server.terminate().success());

    let spans: Vec<ExportedSpan> = received
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .flat_map(|request| &request.resource_spans)
        .flat_map(|resource| &resource.scope_spans)
        .flat_map(|scope| &scope.spans)
        .map(|span| ExportedSpan {
            name: span.name.clone(),
            trace_id: hex::encode(&span.trace_id),
            parent: hex::encode(&span.parent_span_id),
        })
        .collect();
    let execute = spans
        .iter()
        .find(|span| span.name == "graphql.execute")
        .unwrap_or_else(|| panic!("no graphql.execute span among {spans:#?}"));
    let trace = &execute.trace_id;
    let in_trace: Vec<&ExportedSpan> = spans
        .iter()
        .filter(|span| &span.trace_id == trace)
        .collect();
    let names: Vec<&str> = in_trace.iter().map(|span| span.name.as_str()).collect();
    assert!(
        in_trace
            .iter()
            .any(|span| span.parent.is_empty() && span.name == "POST /graphql"),
        "no root request span in the trace: {names:?}"
    );
    assert!(names.contains(&"graphql.prepare"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|name| name.starts_with("query") || name.starts_with("execute")),
        "no SQL statement span in the trace: {names:?}"
    );

    let answered: Vec<String> = server
        .log()
        .into_iter()
        .filter(|line| line.contains("GraphQL request answered"))
        .collect();
    assert!(!answered.is_empty(), "the request logged nothing");
    assert!(
        answered.iter().all(|line| line.contains(trace.as_str())),
        "a log line without the trace ID {trace}: {answered:#?}"
    );
}
