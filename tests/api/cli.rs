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
    for expected in ["+44", "+0"] {
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
            logs.contains(&format!("observations 44 ({expected} ~0 -0)")),
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
    use std::io::{Read, Write};
    use std::net::TcpStream;

    let mut server = crate::helpers::ServerProcess::start("cli_serve", &[]);
    let mut stream = TcpStream::connect(&server.address).expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let status = server.terminate();
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

/// A server-side failure reaches the client as INTERNAL_SERVER_ERROR with the request ID, and
/// its cause is logged once under that ID, however many fields it broke.
#[test]
fn a_server_side_cause_is_logged_once_under_the_request_id() {
    let mut server = crate::helpers::ServerProcess::start("cli_log", &[]);
    let (address, url) = (server.address.clone(), server.database_url.clone());

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

    server.terminate();
    let causes: Vec<String> = server
        .log()
        .into_iter()
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
}
