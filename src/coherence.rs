//! Keeps a replica's response cache, list prices and subscriptions true to a database that
//! other replicas, or `cityatlas import`, write to. On PostgreSQL every commit is heard
//! ([`store::notices`]) and drops every cached answer: a notice names one row, but an
//! answer's dependence on rows is not tracked, and a replica's cache refills in a request.
//! When the listener had to connect again and finds that changes were committed meanwhile,
//! it drops them all then too. With read replicas, the notice comes from the primary before
//! a replica may have replayed the change, and a read in between would cache the old
//! answer: the cache is cleared once more when every replica has caught up. An SQLite
//! database belongs to one process, whose writes clear the cache where they are made.

use crate::configuration::DatabaseUrl;
use crate::graphql::GraphqlService;
use crate::metrics::{Metrics, Notification};
use crate::replicas::ReadReplicas;
use crate::response_cache::ResponseCache;
use crate::store::notices::{self, Heard};
use actix_web::web;
use tokio::sync::{Notify, watch};

/// Runs for as long as it is polled: listens, and on every change (or a reconnection that
/// finds changes it did not hear of, since `last_event`, the last committed when the server
/// started) clears the cache and wakes the subscriptions at once, and re-reads the lengths
/// of nested lists (the cost model's prices) once for each burst of changes, since an
/// import sends one notice per row.
pub async fn keep_caches_coherent(
    database_url: DatabaseUrl,
    last_event: i64,
    cache: web::Data<ResponseCache>,
    service: web::Data<GraphqlService>,
    replicas: web::Data<ReadReplicas>,
    metrics: Metrics,
) {
    let stale_prices = Notify::new();
    // The last change heard of, for the replicas to replay before the cache is cleared again.
    let (heard_up_to, mut to_replay) = watch::channel(last_event);
    let mut last_seen = last_event;
    let listen = notices::listen(database_url.expose(), |heard| {
        let changed = match heard {
            Heard::Change(notice) => {
                tracing::debug!(event = notice.event, entity = %notice.entity_type, "a change was committed");
                metrics.notification(Notification::Change);
                last_seen = last_seen.max(notice.event);
                true
            }
            Heard::Listening {
                last_event: Some(last),
            } => {
                metrics.notification(Notification::Listening);
                std::mem::replace(&mut last_seen, last) != last
            }
            Heard::Listening { last_event: None } => {
                metrics.notification(Notification::Listening);
                true
            }
            Heard::Unknown => {
                metrics.notification(Notification::Change);
                true
            }
        };
        if changed {
            cache.invalidate();
            service.bell().ring();
            stale_prices.notify_one();
            heard_up_to.send_replace(last_seen);
        }
    });
    let replayed = async {
        if replicas.is_empty() {
            return;
        }
        while to_replay.changed().await.is_ok() {
            let event = *to_replay.borrow_and_update();
            replicas.caught_up(event).await;
            cache.invalidate();
        }
    };
    let reprice = async {
        loop {
            stale_prices.notified().await;
            if let Err(error) = service.refresh_list_lengths().await {
                tracing::warn!(detail = %error.detail(), "list lengths not refreshed after a change");
            }
        }
    };
    tokio::join!(listen, reprice, replayed);
}
