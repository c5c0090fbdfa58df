//! The data layer: plain async functions over a database connection. SQL is built here and
//! nowhere else; nothing here knows of GraphQL or HTTP.

pub mod curated;
pub mod curation;
pub mod export;
pub mod filters;
pub mod history;
mod keys;
pub mod list;
pub mod list_lengths;
pub mod lists;
pub mod lookups;
pub mod notices;
pub mod observations;
pub mod paging;
pub mod releases;
pub mod replication;
pub mod search;
pub mod series;
pub mod tokens;
pub mod view;
