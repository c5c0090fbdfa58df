//! The data layer: plain async functions over a database connection. SQL is built here and
//! nowhere else; nothing here knows of GraphQL or HTTP.

pub mod filters;
pub mod indicators;
mod keys;
pub mod list;
pub mod list_lengths;
pub mod observations;
pub mod organisations;
pub mod paging;
pub mod places;
pub mod search;
pub mod series;
pub mod sources;
