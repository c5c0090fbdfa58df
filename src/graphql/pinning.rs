//! The point in time a request reads: the `asOf` or `release` argument of its root fields.
//! Every object a root field reaches is read at that point, so an operation reads one point
//! in time: its root fields that take the arguments must agree on them. They are read from
//! the document before it runs, so that the request's loaders and reader can be pinned.

use super::limits::{Violation, select_operation};
use async_graphql::Variables;
use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql_value::{ConstValue, Value};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// Where in the data's history a request reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pin {
    /// As the data stood at an instant.
    AsOf(DateTime<Utc>),
    /// As a release froze it.
    Release(String),
}

/// The pin the operation's root fields ask for; `None` for the live data. Two root fields
/// that ask for different points in time, or one that asks for both, are refused.
pub fn requested(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<Option<Pin>, Violation> {
    let Some(operation) = select_operation(document, operation_name) else {
        return Ok(None);
    };
    let mut pins = HashSet::new();
    let mut unpinned = false;
    collect(
        document,
        operation,
        variables,
        &operation.selection_set.node,
        &mut HashSet::new(),
        &mut pins,
        &mut unpinned,
    )?;
    if pins.len() > 1 || (!pins.is_empty() && unpinned) {
        return Err(Violation::new(
            "BAD_USER_INPUT",
            "an operation reads one point in time: give every root field that takes `asOf` \
             or `release` the same one, or send the fields in separate requests"
                .to_owned(),
        ));
    }
    Ok(pins.into_iter().next().flatten())
}

/// Walks the root selections (through fragments) and records what each root field asks
/// for: a pin, or, for a field that takes one but was given none, the live data.
#[allow(
    clippy::too_many_arguments,
    reason = "a recursive walk that carries the document, the variables and what it found"
)]
fn collect<'a>(
    document: &'a ExecutableDocument,
    operation: &OperationDefinition,
    variables: &Variables,
    set: &'a SelectionSet,
    visited: &mut HashSet<&'a str>,
    pins: &mut HashSet<Option<Pin>>,
    unpinned: &mut bool,
) -> Result<(), Violation> {
    for selection in &set.items {
        let nested = match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                let argument = |name: &str| {
                    field
                        .arguments
                        .iter()
                        .find(|(argument, _)| argument.node == name)
                        .map(|(_, value)| resolve(&value.node, operation, variables))
                        .filter(|value| *value != ConstValue::Null)
                };
                let pin = match (argument("asOf"), argument("release")) {
                    (Some(_), Some(_)) => {
                        return Err(Violation::new(
                            "BAD_USER_INPUT",
                            "give `asOf` or `release`, not both".to_owned(),
                        ));
                    }
                    (Some(ConstValue::String(instant)), None) => {
                        let instant = DateTime::parse_from_rfc3339(&instant).map_err(|_| {
                            Violation::new(
                                "BAD_USER_INPUT",
                                format!(
                                    "`asOf` must be an RFC 3339 instant such as \
                                     2026-03-01T00:00:00Z, not {instant:?}"
                                ),
                            )
                        })?;
                        Some(Pin::AsOf(instant.with_timezone(&Utc)))
                    }
                    (None, Some(ConstValue::String(tag))) => Some(Pin::Release(tag)),
                    // A value of the wrong type is validation's to report.
                    (Some(_), None) | (None, Some(_)) => None,
                    (None, None) => {
                        if PINNABLE_ROOT_FIELDS.contains(&field.name.node.as_str()) {
                            *unpinned = true;
                        }
                        continue;
                    }
                };
                pins.insert(pin);
                continue;
            }
            Selection::InlineFragment(fragment) => &fragment.node.selection_set.node,
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if visited.insert(name)
                    && let Some(fragment) = document.fragments.get(name)
                {
                    &fragment.node.selection_set.node
                } else {
                    continue;
                }
            }
        };
        // A fragment's root fields are the operation's: walk them too (a named fragment once).
        collect(
            document, operation, variables, nested, visited, pins, unpinned,
        )?;
    }
    Ok(())
}

/// The root fields that read curated data and so take `asOf` and `release`; a test checks
/// this list against the schema.
pub const PINNABLE_ROOT_FIELDS: &[&str] = &[
    "node",
    "nodes",
    "country",
    "region",
    "city",
    "company",
    "project",
    "policy",
    "indicator",
    "source",
    "countries",
    "regions",
    "cities",
    "companies",
    "projects",
    "policies",
    "indicators",
    "observations",
    "sources",
    "search",
    "strategicComparison",
    "ratio",
    "share",
    "checkFigure",
];

/// An argument's value with its variables substituted, or their defaults; a variable that
/// is neither given nor defaulted is `null`.
fn resolve(value: &Value, operation: &OperationDefinition, variables: &Variables) -> ConstValue {
    value
        .clone()
        .into_const_with(|name| {
            let given = variables.get(&name).cloned();
            let default = || {
                operation
                    .variable_definitions
                    .iter()
                    .find(|definition| definition.node.name.node == name)
                    .and_then(|definition| definition.node.default_value.as_ref())
                    .map(|value| value.node.clone())
            };
            Ok::<_, std::convert::Infallible>(given.or_else(default).unwrap_or(ConstValue::Null))
        })
        .unwrap_or(ConstValue::Null)
}

#[cfg(test)]
mod tests {
    use super::PINNABLE_ROOT_FIELDS;
    use std::collections::BTreeSet;

    /// The root fields of the served schema that declare `asOf`, read off its SDL.
    fn root_fields_taking_as_of() -> BTreeSet<String> {
        let sdl = crate::graphql::sdl();
        let query = sdl
            .split("\ntype Query {")
            .nth(1)
            .and_then(|rest| rest.split("\n}").next())
            .expect("the schema has a Query type")
            .to_owned();
        let mut pinnable = BTreeSet::new();
        let mut field = None;
        for line in query.lines() {
            if let Some(name) = line.strip_prefix('\t').filter(|l| !l.starts_with('\t')) {
                field = Some(name.split(['(', ':']).next().unwrap_or_default().to_owned());
            } else if line.trim_start().starts_with("asOf:")
                && let Some(name) = &field
            {
                pinnable.insert(name.clone());
            }
        }
        pinnable
    }

    #[test]
    fn the_pinnable_root_fields_are_exactly_those_that_take_as_of() {
        let listed: BTreeSet<String> = PINNABLE_ROOT_FIELDS
            .iter()
            .map(|f| (*f).to_owned())
            .collect();
        assert_eq!(listed, root_fields_taking_as_of());
    }
}
