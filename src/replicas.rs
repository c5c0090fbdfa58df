//! Read replicas: which database a read goes to, and how each replica is doing.
//!
//! Queries read from PostgreSQL hot standbys (`--database-read-url`), in turn; writes, the
//! payloads of mutations, subscriptions and token checks stay on the primary. A watcher
//! asks every replica where it stands a few times a second: one that does not answer, or
//! lags further behind than `--max-replica-lag-secs`, is passed over until it is well
//! again, and with none usable the primary serves the reads. A replica's failure between
//! two checks costs the read that met it a second try on the primary (see
//! `GraphqlService::execute`), not an error.
//!
//! A standby replays a commit a little after the primary made it, and the change's notice
//! (`coherence`) arrives from the primary: a read in between would cache the old answer.
//! [`ReadReplicas::caught_up`] waits until every usable replica holds the change's audit
//! event, after which the cache is cleared again.

use crate::configuration::DatabaseSettings;
use crate::database;
use crate::error::Error;
use crate::store::{history, replication};
use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How often the watcher asks each replica where it stands.
const CHECK_INTERVAL: Duration = Duration::from_millis(250);
/// A replica slower than this to say where it stands is taken for down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(1);
/// How often a replica is asked whether it has replayed a change yet.
const REPLAY_POLL: Duration = Duration::from_millis(10);

/// The primary and the replicas that reads may go to.
pub struct ReadReplicas {
    primary: DatabaseConnection,
    replicas: Vec<Replica>,
    /// Round robin over the replicas.
    next: AtomicUsize,
    max_lag: Duration,
}

struct Replica {
    label: String,
    db: DatabaseConnection,
    status: Mutex<ReplicaStatus>,
}

/// Where a read was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFrom {
    Primary,
    /// The replica at this index of `--database-read-url`.
    Replica(usize),
}

/// What the watcher last saw of a replica.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaStatus {
    /// `host:port/database`.
    pub label: String,
    pub health: Health,
    /// Seconds since the last commit it has not replayed yet; 0 when it is up to date.
    pub lag_seconds: Option<f64>,
    /// Bytes of the primary's log it has not replayed yet.
    pub lag_bytes: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Answers, and is close enough behind the primary to read from.
    Up,
    /// Answers, but further behind than the allowed lag: passed over.
    Lagging,
    /// Did not answer the last check: passed over.
    Down,
}

impl Health {
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Up => "up",
            Health::Lagging => "lagging",
            Health::Down => "down",
        }
    }
}

impl ReadReplicas {
    /// Reads and writes alike go to `primary`.
    pub fn none(primary: DatabaseConnection) -> Self {
        Self {
            primary,
            replicas: Vec::new(),
            next: AtomicUsize::new(0),
            max_lag: crate::configuration::DEFAULT_MAX_REPLICA_LAG,
        }
    }

    /// Opens a pool for every read replica of `settings`, lazily, so that the server starts
    /// while a replica is down. Replicas are PostgreSQL standbys: an SQLite database has
    /// none, and a URL that is not PostgreSQL's is refused.
    pub async fn connect(
        primary: DatabaseConnection,
        settings: &DatabaseSettings,
    ) -> Result<Self, Error> {
        let mut replicas = Vec::with_capacity(settings.read_urls.len());
        for url in &settings.read_urls {
            if settings.url.is_sqlite() || url.is_sqlite() {
                return Err(Error::Internal {
                    detail: format!(
                        "read replicas are PostgreSQL standbys of a PostgreSQL primary; {url} \
                         cannot be one of {}",
                        settings.url
                    ),
                });
            }
            let label = url.label();
            replicas.push(Replica {
                db: database::connect_replica(url, settings).await?,
                status: Mutex::new(ReplicaStatus {
                    label: label.clone(),
                    // Unknown until the first check, which runs at once: until then the
                    // primary serves.
                    health: Health::Down,
                    lag_seconds: None,
                    lag_bytes: None,
                }),
                label,
            });
        }
        Ok(Self {
            primary,
            replicas,
            next: AtomicUsize::new(0),
            max_lag: settings.max_replica_lag,
        })
    }

    pub fn primary(&self) -> &DatabaseConnection {
        &self.primary
    }

    pub fn is_empty(&self) -> bool {
        self.replicas.is_empty()
    }

    /// The connection the next read goes through: the next usable replica in turn, or the
    /// primary when none is usable (or there are none).
    pub fn for_reads(&self) -> (DatabaseConnection, ReadFrom) {
        let count = self.replicas.len();
        if count > 0 {
            let start = self.next.fetch_add(1, Ordering::Relaxed);
            for offset in 0..count {
                let index = (start + offset) % count;
                let replica = &self.replicas[index];
                if replica.status().health == Health::Up {
                    return (replica.db.clone(), ReadFrom::Replica(index));
                }
            }
        }
        (self.primary.clone(), ReadFrom::Primary)
    }

    /// A read on replica `index` failed for want of the database: pass it over until the
    /// watcher finds it well again.
    pub fn failed(&self, index: usize) {
        if let Some(replica) = self.replicas.get(index) {
            replica.set(Health::Down, None, None);
        }
    }

    /// What the watcher last saw of each replica, in the order they were given.
    pub fn statuses(&self) -> Vec<ReplicaStatus> {
        self.replicas.iter().map(Replica::status).collect()
    }

    /// Runs for as long as it is polled: checks every replica each [`CHECK_INTERVAL`].
    pub async fn watch(&self) {
        if self.replicas.is_empty() {
            return std::future::pending().await;
        }
        let mut interval = tokio::time::interval(CHECK_INTERVAL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            self.check_all().await;
        }
    }

    /// Asks the primary where its log stands and every replica how far it has replayed,
    /// at once, and records what each answered.
    pub async fn check_all(&self) -> Vec<ReplicaStatus> {
        let written = tokio::time::timeout(CHECK_TIMEOUT, replication::written(&self.primary))
            .await
            .ok()
            .and_then(Result::ok);
        let checks = self.replicas.iter().map(|replica| async move {
            let replayed =
                tokio::time::timeout(CHECK_TIMEOUT, replication::replayed(&replica.db)).await;
            match replayed {
                Ok(Ok(replayed)) => {
                    let lag_bytes = written
                        .zip(replayed.position)
                        .map(|(written, replayed)| (written - replayed).max(0));
                    let health = if replayed.position.is_none() {
                        // Answers, but is not a standby: reading from it could read data
                        // the primary never had.
                        Health::Down
                    } else if replayed.lag_seconds > self.max_lag.as_secs_f64() {
                        Health::Lagging
                    } else {
                        Health::Up
                    };
                    replica.set(health, Some(replayed.lag_seconds), lag_bytes);
                }
                Ok(Err(error)) => {
                    replica.note_failure(&error.detail());
                }
                Err(_) => replica.note_failure("no answer within the check's timeout"),
            }
            replica.status()
        });
        futures_util::future::join_all(checks).await
    }

    /// Waits until every usable replica holds the audit event `event` (the change a notice
    /// announced, or a later one): at once when there are no replicas. A replica that has
    /// not replayed it within the allowed lag is passed over by the watcher by then, so the
    /// wait ends there.
    pub async fn caught_up(&self, event: i64) {
        let deadline = Instant::now() + self.max_lag + CHECK_INTERVAL;
        for replica in &self.replicas {
            while replica.status().health == Health::Up && Instant::now() < deadline {
                match history::last_sequence(&replica.db).await {
                    Ok(replayed) if i64::from(replayed) >= event => break,
                    Ok(_) => tokio::time::sleep(REPLAY_POLL).await,
                    Err(_) => break,
                }
            }
        }
    }
}

impl Replica {
    fn status(&self) -> ReplicaStatus {
        self.status
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set(&self, health: Health, lag_seconds: Option<f64>, lag_bytes: Option<i64>) {
        let mut status = self.status.lock().unwrap_or_else(PoisonError::into_inner);
        if status.health != health {
            match health {
                Health::Up => {
                    tracing::info!(replica = %self.label, "the read replica serves reads")
                }
                Health::Lagging => tracing::warn!(
                    replica = %self.label,
                    lag_seconds,
                    "the read replica lags too far behind: reads pass it over"
                ),
                Health::Down => tracing::warn!(
                    replica = %self.label,
                    "the read replica does not answer: reads pass it over"
                ),
            }
        }
        status.health = health;
        status.lag_seconds = lag_seconds;
        status.lag_bytes = lag_bytes;
    }

    fn note_failure(&self, detail: &str) {
        tracing::debug!(replica = %self.label, %detail, "a read replica's check failed");
        self.set(Health::Down, None, None);
    }
}
