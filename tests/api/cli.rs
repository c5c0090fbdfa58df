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
    assert_eq!(
        exported,
        cityatlas::graphql::sdl(),
        "the served schema is the exported one"
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
