//! The errors of a completed response: indexed by path for the walk, placed in the order
//! it meets them with duplicates dropped, and capped in number.

use async_graphql::{PathSegment, ServerError};
use std::collections::HashMap;

/// The most errors one response carries; the last place goes to a note of how many more
/// there were, so that a query failing on every item cannot make the error list the
/// largest part of the answer.
pub const MAX_ERRORS: usize = 100;

/// Keeps the first `MAX_ERRORS - 1` errors and says how many more there were.
pub(super) fn cap(errors: &mut Vec<ServerError>) {
    if errors.len() <= MAX_ERRORS {
        return;
    }
    let left_out = errors.len() - (MAX_ERRORS - 1);
    errors.truncate(MAX_ERRORS - 1);
    let mut note = ServerError::new(
        format!("{left_out} more errors were left out: a response carries at most {MAX_ERRORS}"),
        None,
    );
    let extensions = note.extensions.get_or_insert_with(Default::default);
    extensions.set("code", "TOO_MANY_ERRORS");
    extensions.set("leftOut", left_out as u64);
    errors.push(note);
}

/// Errors by path, so that the walk learns in one step whether anything failed at or below
/// the value it is completing: a node exists only where some error's path passes.
#[derive(Default)]
pub(super) struct ErrorNode {
    /// Errors whose path ends here, by their index in the response.
    pub(super) here: Vec<usize>,
    pub(super) fields: HashMap<String, ErrorNode>,
    pub(super) items: HashMap<usize, ErrorNode>,
}

pub(super) struct ErrorTree {
    pub(super) root: ErrorNode,
    pub(super) pathless: Vec<usize>,
    /// The same message at the same path as an earlier error: async-graphql resolves a
    /// field once per occurrence of its response key, and reports each failure.
    duplicate: Vec<bool>,
}

impl ErrorTree {
    pub(super) fn new(errors: &[ServerError]) -> Self {
        let mut tree = Self {
            root: ErrorNode::default(),
            pathless: Vec::new(),
            duplicate: vec![false; errors.len()],
        };
        for (index, error) in errors.iter().enumerate() {
            if error.path.is_empty() {
                tree.pathless.push(index);
                continue;
            }
            let mut node = &mut tree.root;
            for segment in &error.path {
                node = match segment {
                    PathSegment::Field(name) => node.fields.entry(name.clone()).or_default(),
                    PathSegment::Index(i) => node.items.entry(*i).or_default(),
                };
            }
            if node
                .here
                .iter()
                .any(|&earlier| errors[earlier].message == error.message)
            {
                tree.duplicate[index] = true;
            } else {
                node.here.push(index);
            }
        }
        tree
    }
}

/// The order errors leave in: as the walk meets them, each once.
pub(super) struct Placement {
    /// Error indices in the order the walk meets them.
    order: Vec<usize>,
    seen: Vec<bool>,
}

impl Placement {
    pub(super) fn new(errors: usize) -> Self {
        Self {
            order: Vec::with_capacity(errors),
            seen: vec![false; errors],
        }
    }

    pub(super) fn mark(&mut self, indices: &[usize]) {
        for &index in indices {
            if !self.seen[index] {
                self.seen[index] = true;
                self.order.push(index);
            }
        }
    }

    /// Places every error at or below a value that will not be walked further.
    pub(super) fn mark_all(&mut self, node: Option<&ErrorNode>) {
        let Some(node) = node else { return };
        self.mark(&node.here);
        // Sorted, so that the order of errors does not depend on a hash.
        let mut fields: Vec<_> = node.fields.iter().collect();
        fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (_, child) in fields {
            self.mark_all(Some(child));
        }
        let mut items: Vec<_> = node.items.iter().collect();
        items.sort_unstable_by_key(|(index, _)| **index);
        for (_, child) in items {
            self.mark_all(Some(child));
        }
    }

    /// The errors in the order they were placed; those whose path the walk never reached
    /// keep their place after the rest, and duplicates go.
    pub(super) fn into_errors(
        self,
        errors: Vec<ServerError>,
        tree: &ErrorTree,
    ) -> Vec<ServerError> {
        let Self { mut order, seen } = self;
        order.extend((0..errors.len()).filter(|&i| !seen[i] && !tree.duplicate[i]));
        let mut slots: Vec<Option<ServerError>> = errors.into_iter().map(Some).collect();
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{error, shape};
    use super::MAX_ERRORS;
    use async_graphql::ServerError;
    use serde_json::json;

    #[test]
    fn duplicate_errors_go_and_errors_follow_the_response_order() {
        let (_, errors) = shape(
            r#"{ a: node(id: "x") { id } b: node(id: "y") { id } a: node(id: "x") { id } }"#,
            json!({}),
            vec![
                error("no b", json!(["b"])),
                error("no a", json!(["a"])),
                error("no a", json!(["a"])),
            ],
        );
        assert_eq!(
            errors,
            vec![
                ("no a".to_owned(), json!(["a"])),
                ("no b".to_owned(), json!(["b"])),
            ]
        );
    }

    #[test]
    fn errors_past_a_propagated_null_keep_their_order_and_unplaceable_ones_are_kept() {
        let (data, errors) = shape(
            r#"{ country(code: "CN") { regions { name } capital { name } } }"#,
            json!({"country": {}}),
            vec![
                error("elsewhere", json!(["nowhere", 3])),
                error("capital", json!(["country", "capital"])),
                error("regions", json!(["country", "regions"])),
            ],
        );
        assert_eq!(data, r#"{"country":null}"#);
        let messages: Vec<&str> = errors.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(messages, ["regions", "capital", "elsewhere"]);
    }

    #[test]
    fn request_errors_are_left_alone() {
        let (data, errors) = shape(
            "{ version }",
            json!(null),
            vec![ServerError::new("invalid", None)],
        );
        assert_eq!(data, "null");
        assert_eq!(errors, vec![("invalid".to_owned(), json!([]))]);
    }

    #[test]
    fn errors_are_capped_with_a_note_of_how_many_went() {
        let count = MAX_ERRORS + 20;
        let query = format!(
            "{{ {} }}",
            (0..count)
                .map(|i| format!("n{i}: node(id: \"{i}\") {{ id }}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let errors = (0..count)
            .rev()
            .map(|i| error("missing", json!([format!("n{i}")])))
            .collect();
        let (data, errors) = shape(&query, json!({}), errors);
        assert!(data.starts_with(r#"{"n0":null,"n1":null"#), "{data}");
        assert_eq!(errors.len(), MAX_ERRORS);
        assert_eq!(errors[0].1, json!(["n0"]));
        assert_eq!(
            errors[MAX_ERRORS - 2].1,
            json!([format!("n{}", MAX_ERRORS - 2)])
        );
        assert_eq!(
            errors[MAX_ERRORS - 1].0,
            "21 more errors were left out: a response carries at most 100"
        );
    }
}
