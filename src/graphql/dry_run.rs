//! `rateLimit(dryRun: true)`, as GitHub has it: the document is priced and not run. Only the
//! operation's `rateLimit` (and `__typename`) root fields execute, in a copy of the
//! document trimmed so that it still validates.

use async_graphql::Variables;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql_value::{ConstValue, Name, Value};
use std::collections::HashSet;

const RATE_LIMIT: &str = "rateLimit";

/// The document to run instead, if the selected operation asks for a dry run in one of its
/// root `rateLimit` fields; `None` for an ordinary request.
pub fn trimmed(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Option<ExecutableDocument> {
    let (name, operation) = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => (None, operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .get_key_value(name)
            .map(|(name, op)| (Some(name), op))?,
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations
            .iter()
            .next()
            .map(|(name, op)| (Some(name), op))?,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    let asks_for_dry_run = operation.node.selection_set.node.items.iter().any(|item| {
        matches!(&item.node, Selection::Field(field)
        if field.node.name.node == RATE_LIMIT
            && field.node.get_argument("dryRun").is_some_and(|value| {
                is_true(&value.node, operation, variables)
            }))
    });
    if !asks_for_dry_run {
        return None;
    }

    let mut kept = operation.clone();
    kept.node.selection_set.node.items.retain(|item| {
        matches!(&item.node, Selection::Field(field)
            if field.node.name.node == RATE_LIMIT || field.node.name.node == "__typename")
    });
    let mut used = Used::default();
    used.in_directives(&kept.node.directives);
    used.in_set(&kept.node.selection_set.node, document);
    kept.node
        .variable_definitions
        .retain(|definition| used.variables.contains(&definition.node.name.node));
    let operations = match name {
        None => DocumentOperations::Single(kept),
        Some(name) => DocumentOperations::Multiple([(name.clone(), kept)].into_iter().collect()),
    };
    Some(ExecutableDocument {
        operations,
        fragments: document
            .fragments
            .iter()
            .filter(|(name, _)| used.fragments.contains(*name))
            .map(|(name, fragment)| (name.clone(), fragment.clone()))
            .collect(),
    })
}

fn is_true(
    value: &Value,
    operation: &Positioned<OperationDefinition>,
    variables: &Variables,
) -> bool {
    match value {
        Value::Boolean(flag) => *flag,
        Value::Variable(name) => {
            let given = variables.get(name).cloned().or_else(|| {
                operation
                    .node
                    .variable_definitions
                    .iter()
                    .find(|definition| definition.node.name.node == *name)
                    .and_then(|definition| definition.node.default_value.as_ref())
                    .map(|value| value.node.clone())
            });
            matches!(given, Some(ConstValue::Boolean(true)))
        }
        _ => false,
    }
}

/// The variables and fragments the kept selections still refer to: validation refuses
/// unused ones.
#[derive(Default)]
struct Used {
    variables: HashSet<Name>,
    fragments: HashSet<Name>,
}

impl Used {
    fn in_set(&mut self, set: &SelectionSet, document: &ExecutableDocument) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    for (_, value) in &field.node.arguments {
                        self.in_value(&value.node);
                    }
                    self.in_directives(&field.node.directives);
                    self.in_set(&field.node.selection_set.node, document);
                }
                Selection::InlineFragment(fragment) => {
                    self.in_directives(&fragment.node.directives);
                    self.in_set(&fragment.node.selection_set.node, document);
                }
                Selection::FragmentSpread(spread) => {
                    self.in_directives(&spread.node.directives);
                    let name = &spread.node.fragment_name.node;
                    if self.fragments.insert(name.clone())
                        && let Some(fragment) = document.fragments.get(name)
                    {
                        self.in_directives(&fragment.node.directives);
                        self.in_set(&fragment.node.selection_set.node, document);
                    }
                }
            }
        }
    }

    fn in_directives(&mut self, directives: &[Positioned<Directive>]) {
        for directive in directives {
            for (_, value) in &directive.node.arguments {
                self.in_value(&value.node);
            }
        }
    }

    fn in_value(&mut self, value: &Value) {
        match value {
            Value::Variable(name) => {
                self.variables.insert(name.clone());
            }
            Value::List(items) => items.iter().for_each(|item| self.in_value(item)),
            Value::Object(fields) => fields.values().for_each(|value| self.in_value(value)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trim(query: &str, variables: Variables) -> Option<ExecutableDocument> {
        let document = async_graphql::parser::parse_query(query).expect("parses");
        trimmed(&document, None, &variables)
    }

    #[test]
    fn only_a_dry_run_is_trimmed() {
        assert!(
            trim(
                "{ rateLimit { cost } countries { totalCount } }",
                Variables::default()
            )
            .is_none()
        );
        assert!(
            trim(
                "{ rateLimit(dryRun: false) { cost } }",
                Variables::default()
            )
            .is_none()
        );
        let trimmed = trim(
            "query($n: Int, $d: Boolean!) { rateLimit(dryRun: $d) { ...Cost } countries(first: $n) { totalCount } } \
             fragment Cost on RateLimit { cost } fragment Unused on Country { code }",
            Variables::from_json(serde_json::json!({ "d": true, "n": 5 })),
        )
        .expect("a dry run");
        let (_, operation) = trimmed.operations.iter().next().expect("one operation");
        assert_eq!(operation.node.selection_set.node.items.len(), 1);
        let variables: Vec<_> = operation
            .node
            .variable_definitions
            .iter()
            .map(|definition| definition.node.name.node.to_string())
            .collect();
        assert_eq!(variables, ["d"]);
        let fragments: Vec<_> = trimmed
            .fragments
            .keys()
            .map(|name| name.to_string())
            .collect();
        assert_eq!(fragments, ["Cost"]);
    }
}
