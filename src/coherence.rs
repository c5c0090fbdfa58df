//! Keeps a replica's response cache, list prices and subscriptions true to a database that
//! other replicas, or `cityatlas import`, write to. On PostgreSQL every commit is heard
//! ([`store::notices`]) and drops every cached answer: a notice names one row, but an
//! answer's dependence on rows is not tracked, and a replica's cache refills in a request.
//! When the listener had to connect again it may have missed notices, so it drops them
//! all then too. An SQLite database belongs to one process, whose writes clear the cache
//! where they are made.

use crate::configuration::DatabaseUrl;
use crate::graphql::GraphqlService;
use crate::response_cache::ResponseCache;
use crate::store::notices::{self, Heard};
use actix_web::web;
use tokio::sync::Notify;

/// Runs for as long as it is polled: listens, clears the cache and wakes the subscriptions
/// at once on every notice,
/// and re-reads the lengths of nested lists (the cost model's prices) once for each burst
/// of notices, since an import sends one per row.
pub async fn keep_caches_coherent(
    database_url: DatabaseUrl,
    cache: web::Data<ResponseCache>,
    service: web::Data<GraphqlService>,
) {
    let stale_prices = Notify::new();
    let listen = notices::listen(database_url.expose(), |heard| {
        if let Heard::Change(notice) = &heard {
            tracing::debug!(event = notice.event, entity = %notice.entity_type, "a change was committed");
        }
        cache.invalidate();
        service.bell().ring();
        stale_prices.notify_one();
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
