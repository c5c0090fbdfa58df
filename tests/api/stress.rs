//! Refused documents cost the server little: a stream of the largest refused documents, sent
//! to the real binary, neither grows its memory nor costs much CPU (printed, not asserted).

use crate::helpers::ServerProcess;
use serde_json::{Value, json};

/// A distinct document of nearly the maximum size whose selected operation is trivial and
/// whose other operation spreads a 1,246-field fragment 1,067 times.
fn refused_document(n: usize) -> String {
    let document = format!(
        "query Trivial {{ apiVersion }} query Bomb{n} {{ countries {{ nodes {{ {} }} }} }} \
         fragment F on Country {{ {} }}",
        "...F ".repeat(1_067),
        "code ".repeat(1_246)
    );
    let padding = 15_000usize.saturating_sub(document.len() + 1);
    format!("{document}#{}", "x".repeat(padding))
}

#[tokio::test]
async fn refused_documents_neither_grow_memory_nor_cost_much_cpu() {
    let server = ServerProcess::start("stress", &["--rate-limit-points", "0"]);
    let client = reqwest::Client::new();
    let url = format!("http://{}/graphql", server.address);
    let warm: Value = client
        .post(&url)
        .json(&json!({ "query": "{ countries { totalCount } }" }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");
    assert_eq!(warm["data"]["countries"]["totalCount"], 2);
    let rss_before = server.status_kib("VmRSS:");
    let cpu_before = server.cpu_ticks();

    const DOCUMENTS: usize = 200;
    let mut senders = Vec::new();
    for lane in 0..4 {
        let client = client.clone();
        let url = url.clone();
        senders.push(tokio::spawn(async move {
            for n in (lane..DOCUMENTS).step_by(4) {
                let document = refused_document(n);
                assert!(document.chars().count() <= 15_000);
                let response = client
                    .post(&url)
                    .header("accept", "application/graphql-response+json")
                    .json(&json!({ "query": document, "operationName": "Trivial" }))
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(response.status(), 400);
                let body: Value = response.json().await.expect("JSON");
                assert_eq!(body["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX");
            }
        }));
    }
    for sender in senders {
        sender.await.expect("the sender finished");
    }

    let cpu_ms_per_document = (server.cpu_ticks() - cpu_before) as f64 * 10.0 / DOCUMENTS as f64;
    let rss_after = server.status_kib("VmRSS:");
    eprintln!(
        "{DOCUMENTS} refused 15,000-character documents: RSS {} → {} MiB (peak {} MiB), \
         {cpu_ms_per_document:.2} ms of server CPU each",
        rss_before / 1024,
        rss_after / 1024,
        server.status_kib("VmHWM:") / 1024
    );
    assert!(
        rss_after < rss_before + 100 * 1024,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
    let healthy = client
        .get(format!("http://{}/healthz", server.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(healthy.status(), 200);
}
