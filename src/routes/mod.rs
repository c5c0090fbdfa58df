//! HTTP handlers.

pub mod export;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod releases;
pub mod request_metrics;
