//! HTTP handlers.

pub mod graphql;
pub mod health;
