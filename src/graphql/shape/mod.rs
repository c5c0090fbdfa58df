//! The response shape the GraphQL specification promises, restored after async-graphql has
//! executed a document: keys in selection order, `null` where a field failed, nulls
//! propagated out of non-null positions, and at most one error per failed field.
//!
//! async-graphql 7 leaves a failed field out of its object instead of setting it to `null`,
//! turns an object whose fields all failed into `null` whatever its type says, and emits
//! keys in the order their resolvers finished. Rather than patch the executor, the executed
//! data is completed once more against the document and the schema's output types, moving
//! values rather than copying them: this runs on every response, some of 11,000 objects.

mod collect;
mod errors;
#[cfg(test)]
mod test_support;
mod values;

use super::sdl_index::SdlIndex;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{Response, Value};
use collect::Collector;
use errors::{ErrorTree, Placement, cap};
use values::Shaper;

/// Completes an executed response against the document it executed. Request errors
/// (no path, no data) are left as they are, save for the cap on their number.
pub fn complete(
    types: &SdlIndex,
    response: &mut Response,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) {
    let request_failed =
        response.data == Value::Null && response.errors.iter().all(|e| e.path.is_empty());
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => Some(operation),
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations.get(name),
            None if operations.len() == 1 => operations.values().next(),
            None => None,
        },
    };
    let (false, Some(operation), false) = (request_failed, operation, types.is_empty()) else {
        cap(&mut response.errors);
        return;
    };

    let errors = std::mem::take(&mut response.errors);
    let tree = ErrorTree::new(&errors);
    let collector = Collector {
        types,
        fragments: &document.fragments,
    };
    let mut shaper = Shaper {
        collector,
        placed: Placement::new(errors.len()),
    };
    // Errors without a path first, then the others in the order of the response.
    shaper.placed.mark(&tree.pathless);
    let root = match std::mem::take(&mut response.data) {
        Value::Object(map) => map,
        _ => IndexMap::new(),
    };
    let collected = collector.collect(
        std::iter::once(&operation.node.selection_set.node),
        types.query_type(),
        Some(types.query_type()),
    );
    response.data = shaper.object(root, types.query_type(), &collected, Some(&tree.root));
    response.errors = shaper.placed.into_errors(errors, &tree);
    cap(&mut response.errors);
}
