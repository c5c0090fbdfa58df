//! Keeps a replica's response cache, list prices and subscriptions true to a database that
//! other replicas, or `cityatlas import`, write to. On PostgreSQL every commit is heard
//! ([`store::notices`]) and drops every cached answer: a notice names one row, but an
//! answer's dependence on rows is not tracked, and a replica's cache refills in a request.
//! When the listener had to connect again and finds that changes were committed meanwhile,
//! it drops them all then too. An SQLite database belongs to one process, whose writes clear the cache
//! where they are made.

use crate::configuration::DatabaseUrl;
use crate::graphql::GraphqlService;
use crate::response_cache::ResponseCache;
use crate::store::notices::{self, Heard};
use actix_web::web;
use tokio::sync::Notify;

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
) {
    let stale_prices = Notify::new();
    let mut last_seen = last_event;
    let listen = notices::listen(database_url.expose(), |heard| {
        let changed = match heard {
            Heard::Change(notice) => {
                tracing::debug!(event = notice.event, entity = %notice.entity_type, "a change was committed");
                last_seen = last_seen.max(notice.event);
                true
            }
            Heard::Listening {
                last_event: Some(last),
            } => std::mem::replace(&mut last_seen, last) != last,
            Heard::Listening { last_event: None } | Heard::Unknown => true,
        };
        if changed {
            cache.invalidate();
            service.bell().ring();
            stale_prices.notify_one();
        }
    });
    let reprice = async {
        loop {
            stale_prices.notified().await;
            if let Err(error) = service.refresh_list_lengths().await {
                tracing::warn!(detail = %error.detail(), "list lengths not refreshed after a change");
            }
        }
    };
    tokio::join!(listen, reprice);
}
