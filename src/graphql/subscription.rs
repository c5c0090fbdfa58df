//! `subscription { changes }`: the change feed pushed as it commits, on whichever replica
//! the write was made. A subscriber is woken by the [`ChangeBell`] and reads what is new
//! from the audit log itself, from the last change it was sent: a wake-up that comes late,
//! twice, or for another replica's write loses and repeats nothing.

use super::audit::{AuditEventFilter, Change};
use super::writer;
use crate::error::Error;
use crate::store::history::{self, AuditQuery};
use crate::store::notices::ChangeBell;
use async_graphql::futures_util::stream::{self, Stream};
use async_graphql::{Context, Subscription};
use sea_orm::DatabaseConnection;
use std::collections::VecDeque;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// How many changes one read of the audit log sends at most; a subscriber behind by more
/// reads again at once.
const BATCH: u64 = 100;

/// The subscriptions a client holds open: each is a slot, freed when it ends. The cap
/// keeps one client's subscriptions from holding the others' connections and reads.
pub struct SubscriptionSlot(Arc<SlotCounter>);

/// The number of subscriptions open on one connection, and the cap.
pub struct SlotCounter {
    open: std::sync::atomic::AtomicUsize,
    cap: usize,
}

impl SlotCounter {
    pub fn new(cap: usize) -> Arc<Self> {
        Arc::new(Self {
            open: std::sync::atomic::AtomicUsize::new(0),
            cap,
        })
    }

    fn take(self: &Arc<Self>) -> Result<SubscriptionSlot, Error> {
        use std::sync::atomic::Ordering;
        let taken = self
            .open
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |open| {
                (open < self.cap).then_some(open + 1)
            });
        match taken {
            Ok(_) => Ok(SubscriptionSlot(self.clone())),
            Err(_) => Err(Error::RateLimited(format!(
                "a connection holds at most {} subscriptions; complete one first",
                self.cap
            ))),
        }
    }
}

impl Drop for SubscriptionSlot {
    fn drop(&mut self) {
        self.0
            .open
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

#[derive(Default)]
pub struct Subscription;

/// What a client can be told as it happens, over a WebSocket at `/graphql`
/// (graphql-transport-ws).
#[Subscription]
impl Subscription {
    /// The change feed as it commits, on any replica: each change once, in commit order,
    /// from now on, or from just after `afterSequence` (a change's `sequence`), so that a
    /// client that reconnects resumes without a gap. Takes the audit log's filter.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the feed, as it narrows the audit log.")] filter: Option<
            AuditEventFilter,
        >,
        #[graphql(desc = "Resume after this change's `sequence`; omitted, from now.")]
        after_sequence: Option<i32>,
    ) -> async_graphql::Result<impl Stream<Item = Change> + use<>> {
        let slot = ctx
            .data::<Arc<SlotCounter>>()
            .map_err(|_| Error::Internal {
                detail: "a subscription ran without its slots".to_owned(),
            })?
            .take()?;
        let bell = ctx.data::<ChangeBell>().map_err(|_| Error::Internal {
            detail: "a subscription ran without the change bell".to_owned(),
        })?;
        let db = writer(ctx)?.clone();
        // Listening before reading where the feed stands: a change committed in between
        // rings a bell that is already heard.
        let wake = bell.subscribe();
        let sequence = match after_sequence {
            Some(sequence) => sequence,
            None => history::last_sequence(&db).await?,
        };
        let feed = Feed {
            db,
            filter: filter.unwrap_or_default().into(),
            sequence,
            unsent: VecDeque::new(),
            wake,
            _slot: slot,
        };
        Ok(stream::unfold(feed, Feed::next))
    }
}

struct Feed {
    db: DatabaseConnection,
    filter: AuditQuery,
    /// The last change read: the next read starts after it.
    sequence: i32,
    unsent: VecDeque<crate::entities::audit_event::Model>,
    wake: tokio::sync::broadcast::Receiver<()>,
    _slot: SubscriptionSlot,
}

impl Feed {
    /// The next change to send, waiting for one as long as it takes; the stream ends only
    /// if the server stops ringing (it is shutting down) or the database fails.
    async fn next(mut self) -> Option<(Change, Self)> {
        loop {
            if let Some(event) = self.unsent.pop_front() {
                return Some((Change(event), self));
            }
            let read = history::events_after(&self.db, &self.filter, self.sequence, BATCH).await;
            match read {
                Ok(events) if !events.is_empty() => {
                    self.sequence = events.last().map_or(self.sequence, |event| event.id);
                    self.unsent.extend(events);
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(detail = %error.detail(), "a subscription could not read the change feed");
                    return None;
                }
            }
            match self.wake.recv().await {
                // Rings missed while reading: the next read finds their changes anyway.
                Ok(()) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
    }
}
