//! Spawns the application against a fresh database and cleans up afterwards.

use cityatlas::configuration::{
    CorsPolicy, DatabaseSettings, DatabaseUrl, LimitSettings, LogFormat, LogSettings,
    MetricsSettings, RateLimitSettings, ResponseCacheSettings, ServerSettings, Settings,
};
use cityatlas::startup::Application;
use futures_util::{SinkExt, StreamExt};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL when `TEST_DATABASE_URL` is set. With `REQUIRE_POSTGRES=1`
/// a missing or unreachable PostgreSQL fails the test instead of skipping it.
pub async fn backends() -> Vec<Backend> {
    let required = std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    let Ok(url) = std::env::var("TEST_DATABASE_URL") else {
        assert!(
            !required,
            "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set"
        );
        return vec![Backend::Sqlite];
    };
    match Database::connect(url.as_str()).await {
        Ok(db) => {
            let _ = db.close().await;
            vec![Backend::Sqlite, Backend::Postgres]
        }
        Err(error) => {
            assert!(
                !required,
                "REQUIRE_POSTGRES=1 but PostgreSQL is unreachable: {error}"
            );
            eprintln!("skipping PostgreSQL: {error}");
            vec![Backend::Sqlite]
        }
    }
}

fn unique_name() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "cityatlas_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A database that exists for one test and is removed when dropped, even on panic.
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    name: String,
    maintenance_url: Option<String>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        let name = unique_name();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                Self {
                    backend,
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    name: path.display().to_string(),
                    maintenance_url: None,
                }
            }
            Backend::Postgres => {
                let maintenance_url =
                    std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL is set");
                let admin = Database::connect(maintenance_url.as_str())
                    .await
                    .expect("connect to the maintenance database");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .expect("create the test database");
                let _ = admin.close().await;
                let mut url =
                    url::Url::parse(&maintenance_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&name);
                Self {
                    backend,
                    url: url.to_string(),
                    name,
                    maintenance_url: Some(maintenance_url),
                }
            }
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        Database::connect(self.url.as_str())
            .await
            .expect("connect to the test database")
    }

    /// Removes a PostgreSQL database at once, closing every connection to it.
    pub async fn drop_now(&self) {
        if let Some(maintenance_url) = &self.maintenance_url {
            let admin = Database::connect(maintenance_url.as_str())
                .await
                .expect("connect to the maintenance database");
            admin
                .execute_unprepared(&format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    self.name
                ))
                .await
                .expect("drop the test database");
            let _ = admin.close().await;
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match self.backend {
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", self.name));
                }
            }
            Backend::Postgres => {
                // Drop cannot await, and may run inside a runtime: use a thread of its own.
                let (maintenance_url, name) = (self.maintenance_url.clone(), self.name.clone());
                let _ = std::thread::spawn(move || {
                    let Some(maintenance_url) = maintenance_url else {
                        return;
                    };
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(maintenance_url.as_str()).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// China's AI market size in 2024 (USD 39.32 billion, Statista, in the paper), with what a
/// correction of it needs: the figure the coherence and replica tests write and read back.
pub const CHINA_2024: &str = r#"{ observations(filter: { indicator: ["ai_market_size"], country: ["CN"], period: ["2024"] }) {
  nodes { id value revision } } }"#;

pub struct TestApp {
    pub address: String,
    /// The metrics listener's address, when the test turned metrics on.
    pub metrics_address: Option<String>,
    pub db: DatabaseConnection,
    pub database: TestDatabase,
    pub client: reqwest::Client,
}

pub fn test_settings(database_url: &str) -> Settings {
    Settings {
        database: DatabaseSettings {
            url: DatabaseUrl::new(database_url),
            read_urls: Vec::new(),
            max_replica_lag: cityatlas::configuration::DEFAULT_MAX_REPLICA_LAG,
            pool_size: 4,
            statement_timeout: Duration::from_secs(10),
        },
        server: ServerSettings {
            bind: "127.0.0.1:0".parse().expect("valid address"),
            seed_on_start: true,
            cors: CorsPolicy::AnyOrigin,
            public_url: "https://atlas.example".to_owned(),
        },
        limits: LimitSettings::default(),
        // Tests send many queries from one address; the rate-limit tests turn it on.
        rate_limit: RateLimitSettings {
            points_per_window: 0,
            ..RateLimitSettings::default()
        },
        // Tests change the database under a running app and expect to see it; the cache's
        // own tests turn it on.
        response_cache: ResponseCacheSettings {
            ttl: std::time::Duration::ZERO,
            ..ResponseCacheSettings::default()
        },
        log: LogSettings {
            filter: "warn".into(),
            format: LogFormat::Text,
            otlp_endpoint: None,
        },
        metrics: MetricsSettings::default(),
    }
}

/// The real application, migrated and seeded, on a random port.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Like [`spawn_app`], with settings the test adjusts first.
pub async fn spawn_app_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(TestDatabase::create(backend).await, adjust).await
}

/// Like [`spawn_app_with`], on a database the test has already filled.
pub async fn spawn_app_on(database: TestDatabase, adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = test_settings(&database.url);
    adjust(&mut settings);
    let app = Application::build(settings)
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        metrics_address,
        db: database.connect().await,
        database,
        client: reqwest::Client::new(),
    }
}

/// The application on a connection that counts every SQL statement it runs.
pub async fn spawn_app_counting_statements(backend: Backend) -> (TestApp, Arc<AtomicUsize>) {
    let database = TestDatabase::create(backend).await;
    let mut settings = test_settings(&database.url);
    // Deep queries over every row cost more than a public client may spend at once.
    settings.limits.max_complexity = 100_000_000;
    let statements = Arc::new(AtomicUsize::new(0));
    let counter = statements.clone();
    let observer = Box::new(move |_: &sea_orm::metric::Info<'_>| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let app = Application::build_observing(settings, Some(observer))
        .await
        .expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app
        .metrics_port()
        .map(|port| format!("http://127.0.0.1:{port}"));
    tokio::spawn(app.run_until_stopped());
    let app = TestApp {
        address,
        metrics_address,
        db: database.connect().await,
        database,
        client: reqwest::Client::new(),
    };
    (app, statements)
}

impl TestApp {
    /// Runs a query with variables; asserts the response has no errors and returns `data`.
    pub async fn data_with(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        assert_eq!(response.status(), 200, "GraphQL over HTTP status");
        let body: Value = response.json().await.expect("a JSON body");
        assert!(body.get("errors").is_none(), "unexpected errors: {body}");
        body["data"].clone()
    }

    /// Runs a query; asserts the response has no errors and returns `data`.
    pub async fn data(&self, query: &str) -> Value {
        self.data_with(query, json!({})).await
    }

    /// Runs a query that must fail; returns the first error's code and message.
    pub async fn error(&self, query: &str) -> (String, String) {
        let body = self.graphql(query).await;
        let error = &body["errors"][0];
        assert!(error.is_object(), "expected an error: {body}");
        (
            error["extensions"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            error["message"].as_str().unwrap_or_default().to_owned(),
        )
    }

    pub async fn post_graphql(&self, query: &str) -> reqwest::Response {
        self.client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("request sent")
    }

    /// Runs a query and returns the whole response body.
    pub async fn graphql(&self, query: &str) -> Value {
        let response = self.post_graphql(query).await;
        assert_eq!(response.status(), 200, "GraphQL over HTTP status");
        response.json().await.expect("a JSON body")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request sent")
    }
}

/// The `cityatlas` binary itself, for what only a whole process shows: signals, its log, its
/// memory and CPU; on a fresh SQLite file of its own, or on the database its arguments name.
pub struct ServerProcess {
    child: std::process::Child,
    /// `host:port`.
    pub address: String,
    /// The metrics listener's `host:port`, when it was started with `--metrics-bind`.
    pub metrics_address: Option<String>,
    pub database_url: String,
    /// The SQLite file it was given, removed with it.
    database: Option<std::path::PathBuf>,
    log: Arc<std::sync::Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl ServerProcess {
    /// Starts `cityatlas` on a fresh SQLite file with JSON logs and these extra arguments,
    /// and waits until it logs the address it listens on.
    pub fn start(name: &str, extra_args: &[&str]) -> Self {
        let database =
            std::env::temp_dir().join(format!("cityatlas_{name}_{}.db", std::process::id()));
        let _ = std::fs::remove_file(&database);
        let database_url = format!("sqlite://{}?mode=rwc", database.display());
        let mut args = vec!["--database-url", &database_url, "--bind", "127.0.0.1:0"];
        args.extend_from_slice(extra_args);
        let mut server = Self::spawn(&args);
        server.database = Some(database);
        server
    }

    /// Starts `cityatlas` with JSON logs and exactly these arguments, and waits until it
    /// logs the addresses it listens on (the metrics listener's too, given
    /// `--metrics-bind`). Its database is the caller's.
    pub fn spawn(args: &[&str]) -> Self {
        use std::io::{BufRead, BufReader};
        let database_url = args
            .iter()
            .position(|arg| *arg == "--database-url")
            .and_then(|at| args.get(at + 1))
            .map(|url| (*url).to_owned())
            .unwrap_or_default();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cityatlas"))
            .args(args)
            .args(["--log-format", "json"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start cityatlas");
        let stderr = child.stderr.take().expect("stderr is piped");
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let (address_tx, address_rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        // Keep draining stderr after the address shows up: a closed pipe would break logging.
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(start) = line.find("http://").map(|i| i + "http://".len()) {
                    for (listener, path) in [("graphql", "/graphql"), ("metrics", "/metrics")] {
                        if let Some(end) = line[start..].find(path).map(|i| start + i) {
                            let _ = address_tx.send((listener, line[start..end].to_owned()));
                        }
                    }
                }
                lines
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(line);
            }
        });
        let (mut address, mut metrics_address) = (None, None);
        let wants_metrics = args.contains(&"--metrics-bind");
        while address.is_none() || (wants_metrics && metrics_address.is_none()) {
            let (listener, logged) = address_rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the listening addresses are logged");
            match listener {
                "graphql" => address = Some(logged),
                _ => metrics_address = Some(logged),
            }
        }
        Self {
            child,
            address: address.expect("the address is logged"),
            metrics_address,
            database_url,
            database: None,
            log,
            reader: Some(reader),
        }
    }

    /// Kills the process outright (SIGKILL), as a crash or the OOM killer would.
    pub fn kill(&mut self) {
        self.child.kill().expect("the process is killed");
        let _ = self.child.wait();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }

    /// Sends SIGTERM and waits up to 15 s for the exit; returns its status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("send SIGTERM");
        assert!(killed.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "no exit within 15 s of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        status
    }

    /// Every line the server has logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// A `kB` field of `/proc/PID/status`, such as `VmRSS:` or `VmHWM:`, in KiB.
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the process is alive");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .expect("a field of /proc/PID/status")
    }

    /// User and system CPU time, in clock ticks (100 per second on Linux).
    pub fn cpu_ticks(&self) -> u64 {
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
        if let Some(database) = &self.database {
            let _ = std::fs::remove_file(database);
        }
    }
}

/// Makes an API token of `role` straight in the database; its secret.
pub async fn token(app: &TestApp, name: &str, role: cityatlas::auth::Role) -> String {
    let (_, secret) = cityatlas::store::tokens::create(&app.db, name, role, None)
        .await
        .expect("a token");
    secret.expose().to_owned()
}

/// POSTs a document with a bearer token (or none); the status and the body.
pub async fn send(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (u16, Value) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.header(reqwest::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

/// What a first start wrote to the audit log, read before any other write: the paper's
/// import as release liu-2025 (an event per row, and one for the import), then the four
/// corrections (the same).
pub struct FirstStart {
    pub imported: i64,
    pub corrections: i64,
}

pub async fn first_start(app: &TestApp) -> FirstStart {
    let data = app
        .data(r#"{ release(tag: "liu-2025") { changeCount } auditEvents { totalCount } }"#)
        .await;
    let imported = data["release"]["changeCount"].as_i64().expect("a count");
    let total = data["auditEvents"]["totalCount"].as_i64().expect("a count");
    FirstStart {
        imported,
        corrections: total - imported,
    }
}

/// The rows of the paper's dataset that are entities of their own: every table but the
/// subjects and Table 1's positions, which their owners' rows hold.
pub fn paper_rows() -> i64 {
    let paper = cityatlas::dataset::Dataset::paper().expect("the built-in dataset");
    let rows = paper.sources.len()
        + paper.regions.len()
        + paper.countries.len()
        + paper.cities.len()
        + paper.companies.len()
        + paper.projects.len()
        + paper.project_companies.len()
        + paper.policies.len()
        + paper.policy_cities.len()
        + paper.policy_companies.len()
        + paper.company_sanctions.len()
        + paper.indicators.len()
        + paper.observations.len()
        + paper.strategic_comparison.len();
    i64::try_from(rows).expect("a small dataset")
}

/// Another replica of `app`'s database, as a second process would be: the same database,
/// its own cache, limiter and change listener, with settings the test adjusts.
pub async fn spawn_replica(app: &TestApp, adjust: impl FnOnce(&mut Settings)) -> String {
    let mut settings = test_settings(&app.database.url);
    settings.server.seed_on_start = false;
    adjust(&mut settings);
    let replica = Application::build(settings)
        .await
        .expect("the replica builds");
    let address = format!("http://127.0.0.1:{}", replica.port());
    tokio::spawn(replica.run_until_stopped());
    address
}

/// A curator's correction of a figure's value, whose payload says the figure's revision
/// either way: the new one, or the one to expect when nothing was written.
pub const CORRECTION: &str = r#"mutation($id: ID!, $rev: Int!, $input: UpdateObservationInput!, $reason: String!) {
  updateObservation(id: $id, expectedRevision: $rev, input: $input, reason: $reason) {
    userErrors { code message } observation { revision } } }"#;

/// [`CORRECTION`]'s variables: `figure` (its `id` and the `revision` read) corrected to
/// `value`.
pub fn correction_of(figure: &Value, value: f64) -> Value {
    json!({ "id": figure["id"], "rev": figure["revision"], "reason": "a later edition",
            "input": { "value": value, "valueText": value.to_string() } })
}

/// An editor's correction of `figure` (its `id` and current `revision`) to `value`, which
/// must be accepted.
pub async fn correct_figure(app: &TestApp, editor: &str, figure: &Value, value: f64) {
    let (_, body) = send(app, Some(editor), CORRECTION, correction_of(figure, value)).await;
    assert_eq!(
        body["data"]["updateObservation"]["userErrors"],
        json!([]),
        "{body}"
    );
}

/// How long a socket waits for a message: far longer than a change takes to arrive, so that a
/// broken feed fails the test instead of hanging it.
const SOCKET_PATIENCE: Duration = Duration::from_secs(20);

/// Every observation's changes after `$after`, as the change feed pushes them.
pub const CHANGES: &str = r#"subscription($after: Int) {
  changes(filter: { entityType: ["Observation"] }, afterSequence: $after) {
    sequence entityType entityId kind revision } }"#;

/// A graphql-transport-ws client of `GET /graphql`.
pub struct Socket(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Socket {
    /// Opens a graphql-transport-ws socket and sends `connection_init` with `payload`.
    pub async fn open(address: &str, payload: Value) -> Self {
        let url = format!("{}/graphql", address.replacen("http", "ws", 1));
        let mut request = url.into_client_request().expect("a request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().expect("a header"),
        );
        let (stream, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the socket opens");
        assert_eq!(
            response.headers()["sec-websocket-protocol"],
            "graphql-transport-ws"
        );
        let mut socket = Self(stream);
        socket
            .send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        socket
    }

    pub async fn send(&mut self, message: Value) {
        self.0
            .send(Message::text(message.to_string()))
            .await
            .expect("sent");
    }

    /// The next protocol message, answering pings; `None` once the server closed the
    /// socket, with its close frame's reason in `Err`.
    pub async fn next(&mut self) -> Result<Value, String> {
        loop {
            let message = tokio::time::timeout(SOCKET_PATIENCE, self.0.next())
                .await
                .expect("a message in time");
            match message {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(text.as_str()).expect("JSON");
                    if message["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Ok(message);
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame
                        .map(|frame| frame.reason.to_string())
                        .unwrap_or_default());
                }
                Some(Ok(_)) => continue,
                Some(Err(error)) => return Err(error.to_string()),
                None => return Err(String::new()),
            }
        }
    }

    pub async fn acknowledged(address: &str, payload: Value) -> Self {
        let mut socket = Self::open(address, payload).await;
        assert_eq!(
            socket.next().await.expect("an answer")["type"],
            "connection_ack"
        );
        socket
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({ "id": id, "type": "subscribe",
                          "payload": { "query": query, "variables": variables } }))
            .await;
    }
}
