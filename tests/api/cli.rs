use std::process::Command;

/// `schema.graphql` is the committed contract: it must be exactly what the binary serves.
#[test]
fn committed_schema_matches_export_schema() {
    let output = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .arg("export-schema")
        .output()
        .expect("run cityatlas export-schema");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let exported = String::from_utf8(output.stdout).expect("UTF-8 SDL");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
        .expect("schema.graphql is committed");
    assert!(
        exported == committed,
        "schema.graphql is stale: run `cargo run -- export-schema > schema.graphql`"
    );
    // The schema the server executes, built as `serve` builds it, not by export-schema's path.
    let served = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            let db = sea_orm::Database::connect("sqlite::memory:")
                .await
                .expect("connects");
            cityatlas::graphql::GraphqlService::new(db, Default::default()).sdl()
        });
    assert!(
        served == committed,
        "the served schema differs from schema.graphql"
    );
}

#[test]
fn seed_subcommand_loads_the_dataset_and_is_idempotent() {
    let path = std::env::temp_dir().join(format!("cityatlas_cli_seed_{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    for expected in ["+42", "+0"] {
        let output = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
            .args(["seed", "--database-url", &url, "--log-format", "json"])
            .output()
            .expect("run cityatlas seed");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let logs = String::from_utf8_lossy(&output.stderr);
        assert!(
            logs.contains(&format!("observations 42 ({expected} ~0 -0)")),
            "expected observations {expected}: {logs}"
        );
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_bad_database_url_fails_with_the_password_redacted() {
    let output = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .args([
            "migrate",
            "--database-url",
            "postgres://atlas:hunter2-secret@127.0.0.1:1/atlas",
        ])
        .output()
        .expect("run cityatlas migrate");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("hunter2-secret"),
        "password leaked: {stderr}"
    );
    assert!(
        stderr.contains("atlas:***@127.0.0.1"),
        "the redacted URL is logged: {stderr}"
    );
}

/// `serve` logs where it listens, serves, and exits cleanly on SIGTERM.
#[test]
fn serve_shuts_down_gracefully_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    let path = std::env::temp_dir().join(format!("cityatlas_cli_serve_{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .args([
            "--database-url",
            &url,
            "--bind",
            "127.0.0.1:0",
            "--log-format",
            "json",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start cityatlas");
    let stderr = child.stderr.take().expect("stderr is piped");
    // Keep draining stderr after the address shows up: a closed pipe would break logging.
    let (address_tx, address_rx) = std::sync::mpsc::channel();
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

    let mut stream = TcpStream::connect(&address).expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit within 15 s of SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let _ = std::fs::remove_file(&path);
}

/// A server-side failure reaches the client as INTERNAL_SERVER_ERROR with the request ID, and
/// its cause is logged once under that ID, however many fields it broke.
#[test]
fn a_server_side_cause_is_logged_once_under_the_request_id() {
    use std::io::{BufRead, BufReader};
    use std::time::Duration;

    let path = std::env::temp_dir().join(format!("cityatlas_cli_log_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .args([
            "--database-url",
            &url,
            "--bind",
            "127.0.0.1:0",
            "--log-format",
            "json",
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start cityatlas");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (line_tx, line_rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = line_tx.send(line);
        }
    });
    let address = loop {
        let line = line_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the listening address is logged");
        if let Some(start) = line.find("http://").map(|i| i + "http://".len())
            && let Some(end) = line[start..].find("/graphql").map(|i| start + i)
        {
            break line[start..end].to_owned();
        }
    };

    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let (request_id, body) = runtime.block_on(async {
        let db = sea_orm::Database::connect(url.as_str())
            .await
            .expect("connects");
        sea_orm::ConnectionTrait::execute_unprepared(
            &db,
            "ALTER TABLE sources RENAME COLUMN title TO title_broken",
        )
        .await
        .expect("breaks the table");
        let response = reqwest::Client::new()
            .post(format!("http://{address}/graphql"))
            .json(&serde_json::json!({
                "query": "{ observations(first: 30) { nodes { source { title } } } }"
            }))
            .send()
            .await
            .expect("sent");
        let request_id = response.headers()["x-request-id"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        let body: serde_json::Value = response.json().await.expect("JSON");
        (request_id, body)
    });
    let errors = body["errors"].as_array().expect("errors");
    assert!(
        errors.len() >= 20,
        "one error per broken field: {}",
        errors.len()
    );
    for error in errors {
        assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
        assert_eq!(error["extensions"]["requestId"], request_id.as_str());
        assert!(!error["message"].to_string().contains("title_broken"));
    }

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    let _ = child.wait();
    let _ = reader.join();
    let causes: Vec<String> = line_rx
        .try_iter()
        .filter(|line| line.contains("request failed"))
        .collect();
    assert_eq!(causes.len(), 1, "logged once: {causes:?}");
    assert!(
        causes[0].contains(&request_id),
        "under the request ID: {}",
        causes[0]
    );
    assert!(
        causes[0].contains("sources.title"),
        "with the cause: {}",
        causes[0]
    );
    let _ = std::fs::remove_file(&path);
}
