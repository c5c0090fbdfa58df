//! Integration tests: the real application on port 0, against a fresh database per test,
//! on SQLite always and on PostgreSQL when `TEST_DATABASE_URL` is set.

mod bad_input;
mod caching;
mod charts;
mod cli;
mod coherence;
mod contract;
mod cost;
mod curated;
mod curated_places;
mod curation;
mod dataloaders;
mod derived;
mod errors;
mod export;
mod fact_check;
mod filters;
mod fuzz;
mod graphql;
mod health;
mod helpers;
mod http;
mod import;
mod metrics;
mod migrations;
mod outage;
mod pages;
mod paging;
mod rate_limit;
mod roles;
mod seed;
mod shared_rate_limit;
mod stress;
mod subscriptions;
mod synthetic;
mod traces;
