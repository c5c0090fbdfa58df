//! The data layer: plain async functions over a database connection. SQL is built here and
//! nowhere else.

pub mod filters;
pub mod list_lengths;
pub mod lookups;
pub mod paging;
