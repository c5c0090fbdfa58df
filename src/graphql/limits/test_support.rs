//! What the limits' unit tests share: a document checked as `GraphqlService::prepare`
//! checks it, against the served schema and the default limits.

use super::{Cost, ListLengths, Violation, analyze, check_text};
use crate::configuration::LimitSettings;
use crate::graphql::sdl_index::SdlIndex;
use async_graphql::Variables;

pub fn served_types() -> SdlIndex {
    SdlIndex::from_sdl(&crate::graphql::sdl())
}

pub fn check(query: &str) -> Result<Cost, Violation> {
    check_with(query, Variables::default())
}

pub fn check_with(query: &str, variables: Variables) -> Result<Cost, Violation> {
    check_lengths(query, variables, &ListLengths::default())
}

pub fn check_lengths(
    query: &str,
    variables: Variables,
    lengths: &ListLengths,
) -> Result<Cost, Violation> {
    let limits = LimitSettings::default();
    check_text(query, &limits)?;
    let document = async_graphql::parser::parse_query(query).expect("parses");
    analyze(
        &document,
        None,
        &variables,
        &served_types(),
        lengths,
        &limits,
    )
}

pub fn code(result: Result<Cost, Violation>) -> &'static str {
    result.expect_err("refused").code
}
