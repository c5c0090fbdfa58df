//! Servers of a test's own, for faults that cannot be done to a shared one: PostgreSQL
//! clusters (initdb and pg_ctl as the `postgres` user, each on a free port; a streaming
//! standby of one by pg_basebackup) and `redis-server`. The machine's PostgreSQL on 5432
//! and Redis on 6379 are left alone.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    pub port: u16,
}

/// Whether a machine that cannot run PostgreSQL fails the tests that need it
/// (`REQUIRE_POSTGRES=1`, as in CI) instead of skipping them.
pub fn postgres_required() -> bool {
    std::env::var("REQUIRE_POSTGRES").is_ok_and(|value| value == "1")
}

impl Cluster {
    /// A new cluster, not started; `None` (said on stderr) where the machine cannot run one
    /// of our own (no PostgreSQL server binaries, or not root to act as `postgres`), which
    /// fails the test under `REQUIRE_POSTGRES=1`.
    pub fn create() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .filter_map(Result::ok)
                    .map(|entry| entry.path().join("bin"))
                    .find(|bin| bin.join("initdb").exists())
            });
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| out.stdout == b"0\n");
        let Some(bin) = bin.filter(|_| root) else {
            assert!(
                !postgres_required(),
                "REQUIRE_POSTGRES=1 but this machine cannot run a PostgreSQL cluster of its own"
            );
            eprintln!("skipping: no PostgreSQL server binaries or not root");
            return None;
        };
        let cluster = Self::empty(bin);
        // Trust also lets replication connections in, over the socket and from 127.0.0.1,
        // which is what `standby` connects as.
        cluster.as_postgres(
            "initdb",
            &[
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "root",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        Some(cluster)
    }

    /// A directory of its own, owned by `postgres`, and a port; no data yet. Tests run in
    /// one process, so the process id alone does not tell their clusters apart.
    fn empty(bin: PathBuf) -> Self {
        static CLUSTERS: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cityatlas-cluster-{}-{}",
            std::process::id(),
            CLUSTERS.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a directory for the cluster");
        run(Command::new("chown").arg("postgres:postgres").arg(&dir));
        Self {
            bin,
            dir,
            port: free_port(),
        }
    }

    /// A streaming standby of this running cluster, not started: a base backup whose
    /// `standby.signal` and `primary_conninfo` (`-R`) make it replay what this one writes.
    pub fn standby(&self) -> Self {
        let standby = Self::empty(self.bin.clone());
        self.as_postgres(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "root",
                "-D",
                &standby.data(),
                "-R",
                "-X",
                "stream",
            ],
        );
        standby
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn as_postgres(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        run(Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(program)
            .args(args));
    }

    pub fn start(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("postgres.log").display().to_string();
        self.as_postgres(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
    }

    /// Immediate mode: the server dies at once, dropping every connection mid-query.
    pub fn stop(&self) {
        self.as_postgres(
            "pg_ctl",
            &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
        );
    }

    pub fn url(&self) -> String {
        format!("postgres://root@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(command: &mut Command) {
    let output = command.output().expect("the command starts");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A port on 127.0.0.1 that nothing listens on, and that no other test of this run is
/// given: one test's closed port must not become another's server.
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    let mut given = GIVEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("an address").port();
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

/// Whether a Redis the tests cannot reach fails them (`REQUIRE_REDIS=1`) instead of
/// skipping them.
pub fn redis_required() -> bool {
    std::env::var("REQUIRE_REDIS").is_ok_and(|value| value == "1")
}

pub async fn ping(url: &str) -> Result<(), String> {
    let client = redis::Client::open(url).map_err(|error| error.to_string())?;
    let answer = tokio::time::timeout(Duration::from_secs(2), async {
        let mut connection = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
    })
    .await;
    match answer {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("no answer within 2 s".to_owned()),
    }
}

/// A `redis-server` of the test's own, stopped when dropped.
pub struct RedisServer {
    child: std::process::Child,
}

impl RedisServer {
    /// `None` when `redis-server` is not installed (and `REQUIRE_REDIS` is not set).
    pub async fn start(port: u16) -> Option<Self> {
        let started = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .spawn();
        let child = match started {
            Ok(child) => child,
            Err(error) => {
                assert!(
                    !redis_required(),
                    "REQUIRE_REDIS=1 but redis-server does not start: {error}"
                );
                eprintln!("skipping: redis-server does not start: {error}");
                return None;
            }
        };
        let server = Self { child };
        let url = format!("redis://127.0.0.1:{port}");
        for _ in 0..100 {
            if ping(&url).await.is_ok() {
                return Some(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server on port {port} did not answer within 5 s");
    }

    /// Sends the process a signal by name (`STOP`, `CONT`).
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIG{name} sent");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
