//! Issue 14 on one machine: a PostgreSQL primary and a streaming standby of the test's own,
//! a `redis-server` of its own, and two `cityatlas` processes writing to the primary and
//! reading from the standby. A write through one process is seen through the other within
//! a second, cache included; a client's budget is spent across both; a subscription on one
//! hears a write through the other. Then, under wrk's load on loopback, Redis, the standby
//! and one process fail and come back, one after another, and each outcome is written down:
//! requests failed, time to recover, and whether any acknowledged write was lost.

use crate::clusters::{Cluster, RedisServer, free_port, postgres_required};
use crate::helpers::{CHANGES, CHINA_2024, CORRECTION, ServerProcess, Socket, correction_of};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// What wrk and the probes ask for, under an alias of their own each time: a repeated
/// document would be answered from the response cache and never reach a database.
const READ: &str = "observations(first: 5) { nodes { value source { title } } }";

/// Each request a document of its own (see [`READ`]); counts the answers that are not 200
/// or carry GraphQL errors, per thread, and prints one line that the test reads.
const WRK_SCRIPT: &str = r#"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  tag = args[1]
  sent = 0
  non200 = 0
  errors = 0
end
function request()
  sent = sent + 1
  local body = string.format('{"query":"{ w%s_%d: READ }"}', tag, sent)
  return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json" }, body)
end
function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
  elseif string.find(body, '"errors"', 1, true) then
    errors = errors + 1
  end
end
function done(summary, latency, requests)
  local non200_total, errors_total = 0, 0
  for _, thread in ipairs(threads) do
    non200_total = non200_total + thread:get("non200")
    errors_total = errors_total + thread:get("errors")
  end
  local e = summary.errors
  io.write(string.format("WRK requests=%d non200=%d errors=%d connect=%d read=%d write=%d timeout=%d p99_ms=%d\n",
    summary.requests, non200_total, errors_total, e.connect, e.read, e.write, e.timeout,
    math.floor(latency:percentile(99) / 1000)))
end
"#;

/// A token's budget, in a window of a month: no whole point of it refills while the test
/// runs, so what remains is exact.
const TOKEN_POINTS: u64 = 100_000;

/// How long each fault's load lasts; the fault comes [`FAULT_AT`] into it.
const LOAD_SECS: u64 = 8;
const FAULT_AT: Duration = Duration::from_millis(1500);

/// Generous bounds for what takes a moment (a process starting, a standby catching up), so
/// that a slow machine does not fail the test and a broken server does not hang it.
const PATIENCE: Duration = Duration::from_secs(30);

/// Where both processes find their databases and Redis, and the arguments they serve with.
struct Deployment {
    primary: String,
    standby: String,
    redis: String,
    prefix: String,
}

impl Deployment {
    fn args(&self, bind: &str, seed: bool) -> Vec<String> {
        let token_points = TOKEN_POINTS.to_string();
        let mut args: Vec<String> = [
            "serve",
            "--database-url",
            &self.primary,
            "--database-read-url",
            &self.standby,
            "--redis-url",
            &self.redis,
            "--redis-key-prefix",
            &self.prefix,
            "--bind",
            bind,
            "--metrics-bind",
            "127.0.0.1:0",
            "--response-cache-secs",
            "60",
            // All the load comes from 127.0.0.1, and must never run out: the budget test
            // spends a token's.
            "--rate-limit-points",
            "1000000000",
            "--token-rate-limit-points",
            &token_points,
            "--rate-limit-window-secs",
            "2592000",
        ]
        .map(str::to_owned)
        .to_vec();
        if !seed {
            args.push("--no-seed".to_owned());
        }
        args
    }

    /// Starts a process and waits until it is ready; blocking, so run off the runtime.
    async fn serve(&self, bind: &str, seed: bool) -> ServerProcess {
        let args = self.args(bind, seed);
        let server = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ServerProcess::spawn(&args)
        })
        .await
        .expect("the process starts");
        let client = client();
        let started = Instant::now();
        while readyz(&client, &server.address).await.0 != 200 {
            assert!(started.elapsed() < PATIENCE * 2, "never ready");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        server
    }
}

fn client() -> reqwest::Client {
    // Past the server's 10 s request deadline: an answer that late is a failure.
    reqwest::Client::builder()
        .timeout(Duration::from_secs(12))
        .build()
        .expect("a client")
}

/// `cityatlas token create`, as an operator makes one; the secret it prints.
fn token(primary: &str, name: &str, role: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_cityatlas"))
        .args(["token", "create", "--database-url", primary])
        .args(["--name", name, "--role", role])
        .output()
        .expect("cityatlas token create runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("a UTF-8 secret")
        .trim()
        .to_owned()
}

/// POSTs a document; the status, the body (`Null` if not JSON) and `RateLimit-Remaining`.
async fn post(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    body: &Value,
) -> Result<(u16, Value, Option<u64>), reqwest::Error> {
    let mut request = client.post(format!("http://{address}/graphql")).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let remaining = response
        .headers()
        .get("ratelimit-remaining")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok());
    let body = response.json().await.unwrap_or(Value::Null);
    Ok((status, body, remaining))
}

async fn china_2024(client: &reqwest::Client, address: &str) -> Value {
    let (status, body, _) = post(client, address, None, &json!({ "query": CHINA_2024 }))
        .await
        .expect("answered");
    assert_eq!(status, 200, "{body}");
    body["data"]["observations"]["nodes"][0].clone()
}

/// A document no cache has seen: every call is executed against a database.
fn fresh(selection: &str) -> String {
    static DOCUMENTS: AtomicU32 = AtomicU32::new(0);
    format!(
        "{{ t{}: {selection} }}",
        DOCUMENTS.fetch_add(1, Ordering::Relaxed)
    )
}

/// A read that is answered with data and no errors.
async fn good_read(client: &reqwest::Client, address: &str) -> bool {
    matches!(
        post(client, address, None, &json!({ "query": fresh(READ) })).await,
        Ok((200, body, _)) if body.get("errors").is_none() && body["data"].is_object()
    )
}

/// `/readyz`: its status (0 when not answered) and body.
async fn readyz(client: &reqwest::Client, address: &str) -> (u16, Value) {
    match client.get(format!("http://{address}/readyz")).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

/// The standby's state in a `/readyz` body: `up`, `down` or `lagging`.
fn replica_status(ready: &Value) -> &str {
    ready["databases"]
        .as_array()
        .and_then(|databases| {
            databases
                .iter()
                .find(|database| database["role"] == "replica")
        })
        .and_then(|replica| replica["status"].as_str())
        .unwrap_or("unreported")
}

/// One series of the metrics listener, e.g. `cityatlas_db_replica_up{replica="…"}`.
async fn metric(client: &reqwest::Client, server: &ServerProcess, series: &str) -> Option<f64> {
    let address = server.metrics_address.as_ref()?;
    let text = client
        .get(format!("http://{address}/metrics"))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    text.lines().find_map(|line| {
        line.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

/// wrk's line: the requests answered, and what failed, by kind.
#[derive(Debug, Default)]
struct Load {
    requests: u64,
    non200: u64,
    /// Answered 200 with GraphQL errors.
    errors: u64,
    /// wrk's connect, read, write and timeout errors. A connection refused after the
    /// start is a read or write error: wrk connects without blocking.
    socket: u64,
    p99_ms: u64,
}

impl Load {
    fn failed(&self) -> u64 {
        self.non200 + self.errors + self.socket
    }
}

/// wrk against one process for [`LOAD_SECS`], four connections on one thread: bounded, and
/// small beside what two debug builds on two cores can serve.
fn wrk(script: &std::path::Path, address: &str) -> tokio::task::JoinHandle<Load> {
    static RUNS: AtomicU32 = AtomicU32::new(0);
    let tag = RUNS.fetch_add(1, Ordering::Relaxed).to_string();
    let (script, url) = (script.to_owned(), format!("http://{address}/graphql"));
    tokio::task::spawn_blocking(move || {
        let output = Command::new("wrk")
            .args(["-t1", "-c4", &format!("-d{LOAD_SECS}s"), "--timeout", "12s"])
            .arg("--latency")
            .arg("-s")
            .arg(&script)
            .args([url.as_str(), "--", tag.as_str()])
            .output()
            .expect("wrk runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "wrk failed: {stdout}");
        let line = stdout
            .lines()
            .find_map(|line| line.strip_prefix("WRK "))
            .unwrap_or_else(|| panic!("wrk's script printed no counts: {stdout}"));
        let mut load = Load::default();
        for field in line.split_whitespace() {
            let (name, value) = field.split_once('=').expect("name=value");
            let value: u64 = value.parse().expect("a count");
            match name {
                "requests" => load.requests = value,
                "non200" => load.non200 = value,
                "errors" => load.errors = value,
                "p99_ms" => load.p99_ms = value,
                _ => load.socket += value,
            }
        }
        load
    })
}

/// Reads one process every 25 ms until stopped; when each read began, and whether it was
/// answered with data.
fn probe(address: String, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<Vec<(Instant, bool)>> {
    tokio::spawn(async move {
        let client = client();
        let mut reads = Vec::new();
        let deadline = Instant::now() + PATIENCE * 2;
        while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
            let began = Instant::now();
            reads.push((began, good_read(&client, &address).await));
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        reads
    })
}

/// What the probes saw: how many reads failed, and how long after `restarted` the first
/// read that began then was answered (`None` when none was).
fn recovery(reads: &[(Instant, bool)], restarted: Instant) -> (usize, Option<Duration>) {
    let failed = reads.iter().filter(|(_, good)| !good).count();
    let recovered = reads
        .iter()
        .find(|(began, good)| *good && *began >= restarted)
        .map(|(began, _)| began.duration_since(restarted));
    (failed, recovered)
}

/// A curator's corrections of one figure while a fault happens, through both processes in
/// turn: how many were sent, and the values of those acknowledged (answered with no user
/// errors), each a value no other correction of the test writes.
struct Writes {
    sent: u32,
    acknowledged: Vec<f64>,
    revision: i64,
}

fn next_value() -> f64 {
    static WRITTEN: AtomicU32 = AtomicU32::new(1);
    40.0 + f64::from(WRITTEN.fetch_add(1, Ordering::Relaxed)) / 1000.0
}

/// How many of `values` the figure's revisions hold, read through `address` until all are
/// there or the patience runs out (the standby may be a moment behind the primary).
async fn kept(client: &reqwest::Client, address: &str, id: &Value, values: &[f64]) -> usize {
    let revisions = "node(id: $id) { ... on Observation { revisions { value } } }";
    let started = Instant::now();
    loop {
        let query = json!({
            "query": format!("query($id: ID!) {}", fresh(revisions)),
            "variables": { "id": id },
        });
        let stored: Vec<f64> = match post(client, address, None, &query).await {
            Ok((200, body, _)) => body["data"]
                .as_object()
                .and_then(|data| data.values().next())
                .and_then(|node| node["revisions"].as_array())
                .map(|revisions| {
                    revisions
                        .iter()
                        .filter_map(|revision| revision["value"].as_f64())
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let found = values.iter().filter(|value| stored.contains(value)).count();
        if found == values.len() || started.elapsed() > PATIENCE {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What the faults are done under, kept from one fault to the next.
struct Traffic {
    client: reqwest::Client,
    a: String,
    b: String,
    editor: String,
    script: std::path::PathBuf,
    /// The figure the writer corrects, and its revision as last written.
    id: Value,
    revision: i64,
}

/// One fault's traffic while it runs.
struct UnderLoad {
    stop: Arc<AtomicBool>,
    loads: Vec<(&'static str, tokio::task::JoinHandle<Load>)>,
    probes: tokio::task::JoinHandle<Vec<(Instant, bool)>>,
    writes: tokio::task::JoinHandle<Writes>,
}

/// One fault's outcome.
struct Outcome {
    fault: &'static str,
    loads: Vec<(&'static str, Load)>,
    failed_probes: usize,
    /// From the fault's end (the restart) to the first read answered that began after it.
    recovered: Option<Duration>,
    sent: u32,
    acknowledged: usize,
    kept: usize,
    notes: String,
}

impl Traffic {
    /// wrk on the processes named (`A`, `B`), reads of B every 25 ms, and corrections
    /// through both; returns once they have run for [`FAULT_AT`], when the fault is due.
    async fn start(&self, targets: &[&'static str]) -> UnderLoad {
        let stop = Arc::new(AtomicBool::new(false));
        let loads = targets
            .iter()
            .map(|&target| {
                let address = if target == "A" { &self.a } else { &self.b };
                (target, wrk(&self.script, address))
            })
            .collect();
        let probes = probe(self.b.clone(), stop.clone());
        let writes = self.write(stop.clone());
        tokio::time::sleep(FAULT_AT).await;
        UnderLoad {
            stop,
            loads,
            probes,
            writes,
        }
    }

    fn write(&self, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<Writes> {
        let (addresses, editor) = ([self.a.clone(), self.b.clone()], self.editor.clone());
        let (id, mut revision) = (self.id.clone(), self.revision);
        tokio::spawn(async move {
            let client = client();
            let (mut sent, mut acknowledged) = (0, Vec::new());
            let deadline = Instant::now() + PATIENCE * 2;
            while !stop.load(Ordering::Relaxed) && Instant::now() < deadline && sent < 400 {
                let address = &addresses[sent as usize % 2];
                sent += 1;
                let value = next_value();
                let figure = json!({ "id": id, "revision": revision });
                let body =
                    json!({ "query": CORRECTION, "variables": correction_of(&figure, value) });
                // Unanswered, a write may or may not have committed: it is not counted, and
                // the next learns the revision from its refusal.
                if let Ok((200, answer, _)) = post(&client, address, Some(&editor), &body).await {
                    let payload = &answer["data"]["updateObservation"];
                    if let Some(now) = payload["observation"]["revision"].as_i64() {
                        revision = now;
                    }
                    if payload["userErrors"] == json!([]) {
                        acknowledged.push(value);
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Writes {
                sent,
                acknowledged,
                revision,
            }
        })
    }

    /// Waits for wrk, stops the rest, and checks that every acknowledged write is in the
    /// data, read through A.
    async fn finish(
        &mut self,
        fault: &'static str,
        load: UnderLoad,
        restarted: Instant,
    ) -> Outcome {
        let mut loads = Vec::new();
        for (target, run) in load.loads {
            loads.push((target, run.await.expect("wrk finished")));
        }
        load.stop.store(true, Ordering::Relaxed);
        let reads = load.probes.await.expect("the probes finished");
        let writes = load.writes.await.expect("the writer finished");
        self.revision = writes.revision;
        let (failed_probes, recovered) = recovery(&reads, restarted);
        let kept = kept(&self.client, &self.a, &self.id, &writes.acknowledged).await;
        assert_eq!(
            kept,
            writes.acknowledged.len(),
            "{fault}: acknowledged writes are missing"
        );
        Outcome {
            fault,
            loads,
            failed_probes,
            recovered,
            sent: writes.sent,
            acknowledged: writes.acknowledged.len(),
            kept,
            notes: String::new(),
        }
    }
}

/// The outcomes, one row per wrk run; a fault's own columns on its first.
fn table(outcomes: &[Outcome]) -> String {
    let mut table = format!(
        "{:<30} {:<3} {:>8} {:>6} {:>6} {:>7} {:>6} {:>6}  {:>6} {:>10}  {:<12} notes\n",
        "fault",
        "wrk",
        "requests",
        "failed",
        "socket",
        "non-200",
        "errors",
        "p99 ms",
        "probes",
        "recovery",
        "writes s/a/k"
    );
    for outcome in outcomes {
        let failed =
            outcome.failed_probes > 0 || outcome.loads.iter().any(|(_, load)| load.failed() > 0);
        let recovery = match outcome.recovered {
            _ if !failed => "no failure".to_owned(),
            Some(recovered) => format!("{recovered:.2?}"),
            None => "never".to_owned(),
        };
        let own = [
            outcome.fault.to_owned(),
            format!("{} bad", outcome.failed_probes),
            recovery,
            format!("{}/{}/{}", outcome.sent, outcome.acknowledged, outcome.kept),
            outcome.notes.clone(),
        ];
        let blank: [String; 5] = Default::default();
        for (n, (target, load)) in outcome.loads.iter().enumerate() {
            let [fault, probes, recovery, writes, notes] = if n == 0 { &own } else { &blank };
            let _ = writeln!(
                table,
                "{fault:<30} {target:<3} {:>8} {:>6} {:>6} {:>7} {:>6} {:>6}  {probes:>6} \
                 {recovery:>10}  {writes:<12} {notes}",
                load.requests,
                load.failed(),
                load.socket,
                load.non200,
                load.errors,
                load.p99_ms,
            );
        }
    }
    table
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_a_primary_and_a_standby_agree_share_a_budget_and_survive_faults() {
    if Command::new("wrk").arg("--version").output().is_err() {
        assert!(
            !postgres_required(),
            "REQUIRE_POSTGRES=1 but wrk is not on PATH (CI installs it)"
        );
        eprintln!("skipping the several-replicas test: wrk is not on PATH");
        return;
    }
    let Some(primary) = Cluster::create() else {
        return;
    };
    primary.start();
    let standby = primary.standby();
    standby.start();
    let redis_port = free_port();
    let Some(redis) = RedisServer::start(redis_port).await else {
        assert!(
            !postgres_required(),
            "REQUIRE_POSTGRES=1 but redis-server does not start"
        );
        return;
    };
    let deployment = Deployment {
        primary: primary.url(),
        standby: standby.url(),
        redis: format!("redis://127.0.0.1:{redis_port}"),
        prefix: format!("cityatlas:several-replicas:{}:", std::process::id()),
    };
    let a = deployment.serve("127.0.0.1:0", true).await;
    // The seeder is idempotent, but two first starts at once would both import.
    let mut b = deployment.serve("127.0.0.1:0", false).await;
    let client = client();
    let editor = token(&primary.url(), "several-replicas-editor", "editor");
    let reader = token(&primary.url(), "several-replicas-reader", "reader");
    let mut findings = String::new();

    // a. A correction through A is seen through B within a second, though B has the old
    // answer in its cache and reads from the standby.
    let before = china_2024(&client, &b.address).await;
    let hits = r#"cityatlas_cache_lookups_total{cache="response",result="hit"}"#;
    let hits_before = metric(&client, &b, hits).await.unwrap_or(0.0);
    assert_eq!(china_2024(&client, &b.address).await, before);
    assert_eq!(
        metric(&client, &b, hits).await,
        Some(hits_before + 1.0),
        "B answers from its cache"
    );
    let correction = json!({ "query": CORRECTION, "variables": correction_of(&before, 41.0) });
    let (status, answer, _) = post(&client, &a.address, Some(&editor), &correction)
        .await
        .expect("answered");
    let written = Instant::now();
    assert_eq!(
        (status, &answer["data"]["updateObservation"]["userErrors"]),
        (200, &json!([])),
        "{answer}"
    );
    let mut seen = china_2024(&client, &b.address).await;
    while seen["value"] != 41.0 && written.elapsed() < Duration::from_secs(1) {
        tokio::time::sleep(Duration::from_millis(50)).await;
        seen = china_2024(&client, &b.address).await;
    }
    let visible_after = written.elapsed();
    assert_eq!(
        seen["value"], 41.0,
        "B answers {seen} {visible_after:?} after the write"
    );
    assert!(
        visible_after <= Duration::from_secs(1),
        "seen after {visible_after:?}"
    );
    let _ = writeln!(
        findings,
        "a write through A seen through B after {visible_after:.2?}"
    );

    // b. The reader's token has one budget, whichever process spends it.
    let remaining = async |address: &str| {
        let read = json!({ "query": fresh("countries { nodes { code } }") });
        let (status, body, remaining) = post(&client, address, Some(&reader), &read)
            .await
            .expect("answered");
        assert_eq!(status, 200, "{body}");
        remaining.expect("a RateLimit-Remaining header")
    };
    let first = remaining(&a.address).await;
    let cost = TOKEN_POINTS - first;
    let second = remaining(&b.address).await;
    let third = remaining(&a.address).await;
    assert_eq!(
        (second, third),
        (first - cost, first - 2 * cost),
        "B spends what A left, and A what B left"
    );
    let _ = writeln!(
        findings,
        "one token's budget through A, B, A: {first}, {second}, {third} left ({cost} a read)"
    );

    // c. A subscription on B hears a correction through A: B's feed reads the primary's
    // audit log when A's commit notifies it.
    let mut socket = Socket::acknowledged(
        &format!("http://{}", b.address),
        json!({ "Authorization": format!("Bearer {reader}") }),
    )
    .await;
    let id = before["id"].clone();
    let revision = answer["data"]["updateObservation"]["observation"]["revision"]
        .as_i64()
        .expect("the corrected figure's revision");
    let last = json!({ "query": fresh("auditEvents(last: 1) { nodes { sequence } }") });
    let (_, last, _) = post(&client, &a.address, None, &last)
        .await
        .expect("answered");
    let after = last["data"]
        .as_object()
        .and_then(|data| data.values().next())
        .and_then(|events| events["nodes"][0]["sequence"].as_i64())
        .expect("a sequence");
    socket
        .subscribe("feed", CHANGES, json!({ "after": after }))
        .await;
    let figure = json!({ "id": id, "revision": revision });
    let correction = json!({ "query": CORRECTION, "variables": correction_of(&figure, 42.0) });
    let written = Instant::now();
    let (_, answer, _) = post(&client, &a.address, Some(&editor), &correction)
        .await
        .expect("answered");
    assert_eq!(
        answer["data"]["updateObservation"]["userErrors"],
        json!([]),
        "{answer}"
    );
    let mut heard = None;
    // Changes committed after `after` and before this one come first; there are few.
    for _ in 0..20 {
        let message = socket.next().await.expect("a message");
        let change = &message["payload"]["data"]["changes"];
        if message["id"] == "feed" && change["entityId"] == id {
            heard = Some(change.clone());
            break;
        }
    }
    let heard = heard.expect("the subscription on B heard the correction through A");
    assert_eq!(
        (&heard["kind"], heard["revision"].as_i64()),
        (&json!("UPDATED"), Some(revision + 1)),
        "{heard}"
    );
    drop(socket);
    let _ = writeln!(
        findings,
        "a subscription on B heard a correction through A after {:.2?}",
        written.elapsed()
    );

    let script = std::env::temp_dir().join(format!("cityatlas-wrk-{}.lua", std::process::id()));
    std::fs::write(&script, WRK_SCRIPT.replace("READ", READ)).expect("the wrk script is written");
    let mut traffic = Traffic {
        client: client.clone(),
        a: a.address.clone(),
        b: b.address.clone(),
        editor,
        script: script.clone(),
        id,
        revision: revision + 1,
    };
    let replica_reads = r#"cityatlas_db_reads_total{database="replica"}"#;
    let replica_reads_before = metric(&client, &a, replica_reads).await.unwrap_or(0.0);
    let mut outcomes = Vec::new();

    // d1. Redis killed and started again on its port: meanwhile each process limits on
    // buckets of its own, so every read is served.
    let load = traffic.start(&["B"]).await;
    drop(redis);
    let redis_up = "cityatlas_rate_limit_redis_up";
    let (killed, mut noticed) = (Instant::now(), None);
    while killed.elapsed() < Duration::from_millis(1500) {
        if noticed.is_none() && metric(&client, &b, redis_up).await == Some(0.0) {
            noticed = Some(killed.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let redis = RedisServer::start(redis_port)
        .await
        .expect("redis-server started before");
    let restarted = Instant::now();
    while metric(&client, &b, redis_up).await != Some(1.0) {
        assert!(restarted.elapsed() < PATIENCE, "B never used Redis again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shared_again = restarted.elapsed();
    let mut outcome = traffic
        .finish("Redis killed, restarted", load, restarted)
        .await;
    let noticed = noticed.expect("B reported Redis down");
    assert_eq!(outcome.loads[0].1.failed(), 0, "{:?}", outcome.loads[0].1);
    assert_eq!(
        outcome.failed_probes, 0,
        "probes failed while Redis was away"
    );
    outcome.notes =
        format!("redis_up 0 after {noticed:.2?}, 1 again {shared_again:.2?} after restart");
    outcomes.push(outcome);

    // d2. The standby stopped at once and started again: B reads from the primary once it
    // notices, and a read that meets it down is tried again on the primary; the few that
    // fail anyway are counted. `/readyz` checks the replicas itself, so the metric, which
    // only reports, tells when B noticed on its own.
    let replica = format!("127.0.0.1:{}/postgres", standby.port);
    let up = format!(r#"cityatlas_db_replica_up{{replica="{replica}"}}"#);
    let load = traffic.start(&["B"]).await;
    standby.stop();
    let stopped = Instant::now();
    while metric(&client, &b, &up).await != Some(0.0) {
        assert!(
            stopped.elapsed() < PATIENCE,
            "B never noticed the standby was down"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let noticed = stopped.elapsed();
    let (status, ready) = readyz(&client, &b.address).await;
    assert_eq!(
        (status, ready["status"].as_str(), replica_status(&ready)),
        (200, Some("degraded"), "down"),
        "{ready}"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    standby.start();
    let restarted = Instant::now();
    while metric(&client, &b, &up).await != Some(1.0) {
        assert!(
            restarted.elapsed() < PATIENCE,
            "B never used the standby again"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let back = restarted.elapsed();
    let (status, ready) = readyz(&client, &b.address).await;
    assert_eq!(
        (status, ready["status"].as_str(), replica_status(&ready)),
        (200, Some("ready"), "up"),
        "{ready}"
    );
    let mut outcome = traffic
        .finish("standby stopped, restarted", load, restarted)
        .await;
    assert!(
        outcome.recovered.is_some(),
        "no read answered after the standby came back"
    );
    outcome.notes = format!("replica_up 0 after {noticed:.2?}, 1 again {back:.2?} after restart");
    outcomes.push(outcome);

    // d3. B killed under load on both, and started again on its port: A serves on, and B's
    // clients see connection errors until it is back (a load balancer would send them to A).
    let load = traffic.start(&["A", "B"]).await;
    b.kill();
    let restarted = Instant::now();
    b = deployment.serve(&traffic.b, false).await;
    let ready_after = restarted.elapsed();
    let mut outcome = traffic
        .finish("B killed (SIGKILL), restarted", load, restarted)
        .await;
    let (load_a, load_b) = (&outcome.loads[0].1, &outcome.loads[1].1);
    assert_eq!(load_a.failed(), 0, "A's clients saw failures: {load_a:?}");
    assert!(
        load_b.socket > 0,
        "B's clients saw no connection errors: {load_b:?}"
    );
    assert!(
        outcome.recovered.is_some(),
        "no read answered after B came back"
    );
    outcome.notes = format!("B's /readyz 200 {ready_after:.2?} after restart");
    outcomes.push(outcome);

    assert!(
        metric(&client, &b, replica_reads).await > Some(0.0),
        "B, started again, reads from the standby"
    );
    let replica_reads_after = metric(&client, &a, replica_reads).await.unwrap_or(0.0);
    assert!(
        replica_reads_after > replica_reads_before,
        "A read from the standby: {replica_reads_before} -> {replica_reads_after}"
    );
    let _ = std::fs::remove_file(&script);
    drop(redis);
    eprintln!(
        "several replicas:\n{findings}\n{}\nprobes: reads of B every 25 ms that failed; recovery: \
         from the restart to the first read answered; writes: sent through A and B in turn, \
         acknowledged, kept in the figure's revisions. A's reads from the standby: \
         {replica_reads_before} -> {replica_reads_after}",
        table(&outcomes)
    );
}
