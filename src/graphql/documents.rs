//! Parsed documents kept by their text: clients send the same few documents over and over,
//! and parsing is the costliest step before execution. Bounded by an estimate of the memory
//! the parsed documents take (about a hundred times their text), and holding only documents
//! that passed the limits, so refused documents cannot fill it.

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, Field, FragmentDefinition, OperationDefinition, Selection,
    SelectionSet, VariableDefinition,
};
use async_graphql_value::{ConstValue, Value};
use std::collections::HashMap;
use std::mem::size_of;
use std::sync::{Arc, Mutex, PoisonError};

pub struct DocumentCache {
    max_bytes: usize,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    documents: HashMap<String, Arc<ExecutableDocument>>,
    bytes: usize,
}

impl DocumentCache {
    /// Room for about 200 of the largest documents the limits accept.
    pub const DEFAULT_MAX_BYTES: usize = 32 * 1024 * 1024;

    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            kept: Mutex::default(),
        }
    }

    pub fn get(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.documents.get(query).cloned()
    }

    /// Keeps a document that passed the limits; when the estimate would exceed the bound,
    /// the cache starts over, which costs one parse per document still in use.
    pub fn insert(&self, query: String, document: Arc<ExecutableDocument>) {
        let size = query.len() + estimated_size(&document);
        if size > self.max_bytes {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.documents.contains_key(&query) {
            return;
        }
        if kept.bytes + size > self.max_bytes {
            kept.documents.clear();
            kept.bytes = 0;
        }
        kept.documents.insert(query, document);
        kept.bytes += size;
    }

    /// The estimated memory the kept documents take.
    pub fn estimated_bytes(&self) -> usize {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .bytes
    }
}

/// The heap a parsed document holds: its nodes, their vectors and maps, and their strings.
/// Names are shared `Arc<str>`s and counted at their length; allocator overhead is not
/// counted, so this underestimates by a constant factor, which the bound allows for.
pub fn estimated_size(document: &ExecutableDocument) -> usize {
    let operations: usize = document
        .operations
        .iter()
        .map(|(name, operation)| {
            name.map_or(0, |name| name.len()) + operation_size(&operation.node)
        })
        .sum();
    let fragments: usize = document
        .fragments
        .iter()
        .map(|(name, fragment)| name.len() + fragment_size(&fragment.node))
        .sum();
    size_of::<ExecutableDocument>() + operations + fragments
}

fn operation_size(operation: &OperationDefinition) -> usize {
    size_of::<Positioned<OperationDefinition>>()
        + operation
            .variable_definitions
            .iter()
            .map(|definition| variable_size(&definition.node))
            .sum::<usize>()
        + directives_size(&operation.directives)
        + set_size(&operation.selection_set.node)
}

fn fragment_size(fragment: &FragmentDefinition) -> usize {
    size_of::<Positioned<FragmentDefinition>>()
        + directives_size(&fragment.directives)
        + set_size(&fragment.selection_set.node)
}

fn variable_size(definition: &VariableDefinition) -> usize {
    size_of::<Positioned<VariableDefinition>>()
        + definition.name.node.len()
        + directives_size(&definition.directives)
        + definition
            .default_value
            .as_ref()
            .map_or(0, |value| const_size(&value.node))
}

fn set_size(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|selection| {
            size_of::<Positioned<Selection>>()
                + match &selection.node {
                    Selection::Field(field) => field_size(&field.node),
                    Selection::FragmentSpread(spread) => {
                        spread.node.fragment_name.node.len()
                            + directives_size(&spread.node.directives)
                    }
                    Selection::InlineFragment(fragment) => {
                        directives_size(&fragment.node.directives)
                            + set_size(&fragment.node.selection_set.node)
                    }
                }
        })
        .sum()
}

fn field_size(field: &Field) -> usize {
    size_of::<Positioned<Field>>()
        + field.alias.as_ref().map_or(0, |alias| alias.node.len())
        + field.name.node.len()
        + field
            .arguments
            .iter()
            .map(|(name, value)| name.node.len() + value_size(&value.node))
            .sum::<usize>()
        + directives_size(&field.directives)
        + set_size(&field.selection_set.node)
}

fn directives_size(directives: &[Positioned<Directive>]) -> usize {
    directives
        .iter()
        .map(|directive| {
            size_of::<Positioned<Directive>>()
                + directive.node.name.node.len()
                + directive
                    .node
                    .arguments
                    .iter()
                    .map(|(name, value)| name.node.len() + value_size(&value.node))
                    .sum::<usize>()
        })
        .sum()
}

fn value_size(value: &Value) -> usize {
    size_of::<(Positioned<async_graphql::Name>, Positioned<Value>)>()
        + match value {
            Value::String(text) => text.len(),
            Value::Variable(name) | Value::Enum(name) => name.len(),
            Value::List(items) => items.iter().map(value_size).sum(),
            Value::Object(fields) => fields
                .iter()
                .map(|(name, value)| name.len() + value_size(value))
                .sum(),
            _ => 0,
        }
}

fn const_size(value: &ConstValue) -> usize {
    value_size(&value.clone().into_value())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).expect("parses")
    }

    #[test]
    fn a_parsed_document_is_kept_by_its_text_within_a_bound() {
        let cache = DocumentCache::new(64 * 1024);
        let query = "{ countries { totalCount } }";
        assert!(cache.get(query).is_none());
        cache.insert(query.to_owned(), Arc::new(parse(query)));
        let kept = cache.get(query).expect("kept");
        assert_eq!(format!("{kept:?}"), format!("{:?}", parse(query)));
        assert!(cache.get("{ regions { totalCount } }").is_none());

        for n in 0..200 {
            let text = format!("{{ countries {{ totalCount }} a{n}: regions {{ totalCount }} }}");
            cache.insert(text.clone(), Arc::new(parse(&text)));
            assert!(cache.estimated_bytes() <= 64 * 1024);
        }
        assert!(
            cache.get(query).is_none(),
            "the first text went when the cache filled"
        );
    }

    #[test]
    fn the_estimate_grows_with_the_parsed_tree_not_the_text() {
        let fields = "code ".repeat(1_000);
        let wide = parse(&format!("{{ countries {{ nodes {{ {fields} }} }} }}"));
        let padded = parse(&format!(
            "{{ countries {{ nodes {{ code }} }} }} #{}",
            "x".repeat(5_000)
        ));
        assert!(
            estimated_size(&wide) > 100 * 1_000,
            "1,000 fields take over 100 bytes each: {}",
            estimated_size(&wide)
        );
        assert!(estimated_size(&padded) < 5_000, "a comment takes no memory");
    }
}
