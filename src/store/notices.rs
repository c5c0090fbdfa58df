//! Word that the data changed. From PostgreSQL: the notification each audit event sends on
//! commit (the migration `change_notifications` installs the trigger), heard on a
//! connection of its own so that listening never takes one from the pool. Within the
//! process: a [`ChangeBell`] that writes and the listener ring, for subscribers to wake on.

use migration::CHANGES_CHANNEL;
use sea_orm::sqlx::postgres::PgListener;
use serde::Deserialize;
use std::time::Duration;
use tokio::sync::broadcast;

/// Rung after a change commits, here or (heard through [`listen`]) on another replica.
/// A ring carries no news: a subscriber reads what is new from the database, so a ring it
/// missed while busy (it lagged) loses nothing.
#[derive(Clone, Debug)]
pub struct ChangeBell(broadcast::Sender<()>);

impl Default for ChangeBell {
    fn default() -> Self {
        Self(broadcast::channel(16).0)
    }
}

impl ChangeBell {
    pub fn ring(&self) {
        // No subscriber is listening: nobody to wake.
        let _ = self.0.send(());
    }

    pub fn subscribe(&self) -> broadcast::Receiver<()> {
        self.0.subscribe()
    }
}

/// One committed change, as the trigger announces it: ids and a revision, no values.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ChangeNotice {
    /// The audit event's id: the commit order.
    pub event: i64,
    pub entity_type: String,
    pub entity_id: String,
    pub revision: i32,
}

/// What the listener heard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    Change(ChangeNotice),
    /// The listening connection was just made, or made again after it dropped, and the last
    /// committed audit event then was this one (`None` if it could not be read): a listener
    /// that knew an earlier one missed changes while it was away.
    Listening {
        last_event: Option<i64>,
    },
    /// A notification that is not the trigger's: something changed, but what is unknown.
    Unknown,
}

/// The longest wait between attempts to reach a database that is down.
const MAX_RETRY: Duration = Duration::from_secs(5);

/// Listens for as long as it is polled, calling `on` with each change and each time the
/// connection is (re)made; a database that is down is retried with a growing pause.
pub async fn listen(database_url: &str, mut on: impl FnMut(Heard)) {
    let mut retry = Duration::from_millis(100);
    loop {
        let mut listener = match connect(database_url).await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, retry_in = ?retry, "cannot listen for changes");
                tokio::time::sleep(retry).await;
                retry = (retry * 2).min(MAX_RETRY);
                continue;
            }
        };
        retry = Duration::from_millis(100);
        tracing::info!(channel = CHANGES_CHANNEL, "listening for changes");
        on(Heard::Listening {
            last_event: last_event(&mut listener).await,
        });
        loop {
            match listener.try_recv().await {
                Ok(Some(notification)) => {
                    match serde_json::from_str::<ChangeNotice>(notification.payload()) {
                        Ok(notice) => on(Heard::Change(notice)),
                        Err(_) => on(Heard::Unknown),
                    }
                }
                // The connection dropped and sqlx made it again, listening as before.
                Ok(None) => {
                    tracing::warn!("the change listener's connection dropped and was remade");
                    on(Heard::Listening {
                        last_event: last_event(&mut listener).await,
                    });
                }
                Err(error) => {
                    tracing::warn!(%error, "the change listener lost its connection");
                    break;
                }
            }
        }
    }
}

/// The last committed audit event, read on the listening connection itself (already
/// listening, so a change committed after the read is heard) rather than the pool's.
async fn last_event(listener: &mut PgListener) -> Option<i64> {
    sea_orm::sqlx::query_scalar::<_, Option<i32>>("SELECT MAX(id) FROM audit_events")
        .fetch_one(listener)
        .await
        .ok()
        .map(|last| i64::from(last.unwrap_or(0)))
}

async fn connect(database_url: &str) -> Result<PgListener, sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect(database_url).await?;
    listener.listen(CHANGES_CHANNEL).await?;
    Ok(listener)
}
