//! Refused documents cost the server little: a stream of the largest refused documents, sent
//! to the real binary, neither grows its memory nor costs much CPU (printed, not asserted).

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The server binary on a fresh SQLite file and a free port, without a rate limit.
struct ServerProcess {
    child: Child,
    address: String,
    database: std::path::PathBuf,
}

impl ServerProcess {
    fn start(name: &str) -> Self {
        let database =
            std::env::temp_dir().join(format!("cityatlas_{name}_{}.db", std::process::id()));
        let url = format!("sqlite://{}?mode=rwc", database.display());
        let mut child = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
            .args(["--database-url", &url, "--bind", "127.0.0.1:0"])
            .args(["--rate-limit-points", "0", "--log-format", "json"])
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cityatlas");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (address_tx, address_rx) = std::sync::mpsc::channel();
        // Keep draining stderr after the address shows up: a closed pipe would break logging.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(start) = line.find("http://").map(|i| i + "http://".len())
                    && let Some(end) = line[start..].find("/graphql").map(|i| start + i)
                {
                    let _ = address_tx.send(line[start..end].to_owned());
                }
            }
        });
        let address = address_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the listening address is logged");
        Self {
            child,
            address: format!("http://{address}"),
            database,
        }
    }

    fn status_field(&self, name: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process is alive");
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .expect("a field of /proc/PID/status")
    }

    fn rss_kib(&self) -> u64 {
        self.status_field("VmRSS:")
    }

    /// User and system CPU time, in clock ticks (100 per second on Linux).
    fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))
            .expect("the process is alive");
        let after_name = &stat[stat.rfind(')').expect("a command name") + 2..];
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
        fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.database);
    }
}

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
    let server = ServerProcess::start("stress");
    let client = reqwest::Client::new();
    let url = format!("{}/graphql", server.address);
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
    let rss_before = server.rss_kib();
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
    let rss_after = server.rss_kib();
    eprintln!(
        "{DOCUMENTS} refused 15,000-character documents: RSS {} → {} MiB (peak {} MiB), \
         {cpu_ms_per_document:.2} ms of server CPU each",
        rss_before / 1024,
        rss_after / 1024,
        server.status_field("VmHWM:") / 1024
    );
    assert!(
        rss_after < rss_before + 100 * 1024,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
    let healthy = client
        .get(format!("{}/healthz", server.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(healthy.status(), 200);
}
