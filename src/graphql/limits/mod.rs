//! Request limits and the cost model, enforced before async-graphql validates a document:
//! size and bracket nesting on the raw text ([`text`]: its parser recurses on nested values
//! and can overflow the stack), then aliases, directives, root fields and depth
//! ([`document`]) and the price and the fields with fragments expanded ([`cost`]) over the
//! whole parsed document, every operation and fragment included, with fragments costed once
//! each so that a fragment bomb cannot make the analysis itself expensive.

mod cost;
mod document;
#[cfg(test)]
mod test_support;
mod text;

pub use cost::{Cost, ListLengths, Pricing};
pub use document::reads_only;
pub(crate) use document::select_operation;
pub use text::check_text;

use super::sdl_index::SdlIndex;
use crate::configuration::LimitSettings;
use async_graphql::Variables;
use async_graphql::parser::types::ExecutableDocument;
use std::fmt::Display;

/// A limit the request broke, as a code and a message for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: &'static str,
    pub message: String,
}

impl Violation {
    pub(crate) fn new(code: &'static str, message: String) -> Self {
        Self { code, message }
    }
}

/// Refuses `figure` when it is over `limit`; `what` says what the request did, and the
/// message adds the limit. The message is only written for a refusal.
fn at_most<T: PartialOrd + Display>(
    code: &'static str,
    figure: T,
    limit: T,
    what: impl FnOnce() -> String,
) -> Result<(), Violation> {
    if figure > limit {
        return Err(Violation::new(
            code,
            format!("{}; the limit is {limit}", what()),
        ));
    }
    Ok(())
}

/// Checks the whole document against the limits and returns its cost. Every operation and
/// every fragment counts, whether the request selects it or not: async-graphql validates
/// them all, so an unused one costs as much work as a used one.
pub fn analyze(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    types: &SdlIndex,
    lengths: &ListLengths,
    limits: &LimitSettings,
) -> Result<Cost, Violation> {
    document::check(document, operation_name, variables, types, limits)?;
    let mut analysis = cost::Analysis::new(document, variables, types, lengths);
    // Operation by operation, so that the first operation's refusal is the one reported.
    for (_, operation) in document.operations.iter() {
        document::check_root_fields(document, &operation.node, limits)?;
        analysis.operation(&operation.node)?;
    }
    let total = analysis.finish()?;
    document::check_depth(total.depth, limits)?;
    total.priced(limits)
}
