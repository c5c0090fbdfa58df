//! The response shape the GraphQL specification promises, restored after async-graphql has
//! executed a document: keys in selection order, `null` where a field failed, nulls
//! propagated out of non-null positions, and at most one error per failed field.
//!
//! async-graphql 7 leaves a failed field out of its object instead of setting it to `null`,
//! turns an object whose fields all failed into `null` whatever its type says, and emits
//! keys in the order their resolvers finished. Rather than patch the executor, the executed
//! data is completed once more against the document and the schema's output types, moving
//! values rather than copying them: this runs on every response, some of 11,000 objects.

use super::sdl_index::SdlIndex;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, FragmentDefinition, Selection,
    SelectionSet, Type,
};
use async_graphql::{Name, PathSegment, Response, ServerError, Value};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// The most errors one response carries; the last place goes to a note of how many more
/// there were, so that a query failing on every item cannot make the error list the
/// largest part of the answer.
pub const MAX_ERRORS: usize = 100;

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
        order: Vec::with_capacity(errors.len()),
        seen: vec![false; errors.len()],
    };
    // Errors without a path first, then the others in the order of the response.
    shaper.mark(&tree.pathless);
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

    // Errors whose path the walk never reached keep their place after the rest.
    let Shaper {
        mut order, seen, ..
    } = shaper;
    order.extend((0..errors.len()).filter(|&i| !seen[i] && !tree.duplicate[i]));
    let mut slots: Vec<Option<ServerError>> = errors.into_iter().map(Some).collect();
    response.errors = order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect();
    cap(&mut response.errors);
}

/// Keeps the first `MAX_ERRORS - 1` errors and says how many more there were.
fn cap(errors: &mut Vec<ServerError>) {
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
struct ErrorNode {
    /// Errors whose path ends here, by their index in the response.
    here: Vec<usize>,
    fields: HashMap<String, ErrorNode>,
    items: HashMap<usize, ErrorNode>,
}

struct ErrorTree {
    root: ErrorNode,
    pathless: Vec<usize>,
    /// The same message at the same path as an earlier error: async-graphql resolves a
    /// field once per occurrence of its response key, and reports each failure.
    duplicate: Vec<bool>,
}

impl ErrorTree {
    fn new(errors: &[ServerError]) -> Self {
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

/// One response key of a selection set after CollectFields: every field selected under it,
/// in document order, its type, and the fields selected under its values, collected once
/// for all the values under the key (every item of a list, say).
struct Entry<'a> {
    key: &'a Name,
    name: &'a str,
    fields: Vec<&'a Positioned<Field>>,
    /// Looked up on the concrete type when known, else on the innermost type condition
    /// around the first occurrence; `None` for `__typename` and introspection.
    ty: Option<&'a Type>,
    /// What values of an object type select.
    plan: OnceCell<Vec<Entry<'a>>>,
    /// What values of an abstract type select: over every fragment, and per object type
    /// once `__typename` tells it.
    loose: OnceCell<Vec<Entry<'a>>>,
    typed: RefCell<Vec<(&'a str, Entries<'a>)>>,
}

type Entries<'a> = Rc<Vec<Entry<'a>>>;

/// The fields selected under one value: borrowed from its entry, or shared per type.
enum Plan<'p, 'a> {
    Shared(&'p [Entry<'a>]),
    Typed(Entries<'a>),
}

impl<'a> std::ops::Deref for Plan<'_, 'a> {
    type Target = [Entry<'a>];

    fn deref(&self) -> &Self::Target {
        match self {
            Plan::Shared(entries) => entries,
            Plan::Typed(entries) => entries,
        }
    }
}

/// CollectFields over the document, for the schema's types.
#[derive(Clone, Copy)]
struct Collector<'a> {
    types: &'a SdlIndex,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
}

impl<'a> Collector<'a> {
    /// The spec's CollectFields over the merged selection sets of one response key.
    fn collect(
        self,
        sets: impl Iterator<Item = &'a SelectionSet>,
        parent: &'a str,
        concrete: Option<&'a str>,
    ) -> Vec<Entry<'a>> {
        let mut entries = Vec::new();
        let mut visited = Vec::new();
        for set in sets {
            self.collect_set(
                set,
                parent,
                concrete.unwrap_or(parent),
                concrete,
                &mut entries,
                &mut visited,
            );
        }
        entries
    }

    fn collect_set(
        self,
        set: &'a SelectionSet,
        parent: &'a str,
        scope: &'a str,
        concrete: Option<&'a str>,
        entries: &mut Vec<Entry<'a>>,
        visited: &mut Vec<&'a str>,
    ) {
        for selection in &set.items {
            let (condition, set) = match &selection.node {
                Selection::Field(field) => {
                    let key = &field.node.response_key().node;
                    match entries.iter_mut().find(|entry| entry.key == key) {
                        Some(entry) => entry.fields.push(field),
                        None => {
                            let name = field.node.name.node.as_str();
                            entries.push(Entry {
                                key,
                                name,
                                fields: vec![field],
                                ty: self
                                    .types
                                    .field_type(scope, name)
                                    .or_else(|| self.types.field_type(parent, name)),
                                plan: OnceCell::new(),
                                loose: OnceCell::new(),
                                typed: RefCell::new(Vec::new()),
                            });
                        }
                    }
                    continue;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if visited.contains(&name) {
                        continue;
                    }
                    visited.push(name);
                    let Some(fragment) = self.fragments.get(name) else {
                        continue;
                    };
                    (
                        Some(fragment.node.type_condition.node.on.node.as_str()),
                        &fragment.node.selection_set.node,
                    )
                }
                Selection::InlineFragment(fragment) => (
                    fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|condition| condition.node.on.node.as_str()),
                    &fragment.node.selection_set.node,
                ),
            };
            match condition {
                None => self.collect_set(set, parent, scope, concrete, entries, visited),
                Some(condition) if self.types.applies(condition, concrete) => {
                    let scope = concrete.unwrap_or(condition);
                    self.collect_set(set, parent, scope, concrete, entries, visited);
                }
                Some(_) => {}
            }
        }
    }

    /// The fields selected under a value of an object, interface or union type: the object
    /// type an abstract value resolved to is only known if `__typename` was selected.
    fn plan<'p>(
        self,
        entry: &'p Entry<'a>,
        type_name: &'a str,
        map: &IndexMap<Name, Value>,
    ) -> Plan<'p, 'a> {
        let sets = || {
            entry
                .fields
                .iter()
                .map(|field| &field.node.selection_set.node)
        };
        if !self.types.is_abstract(type_name) {
            return Plan::Shared(
                entry
                    .plan
                    .get_or_init(|| self.collect(sets(), type_name, Some(type_name))),
            );
        }
        let loose = entry
            .loose
            .get_or_init(|| self.collect(sets(), type_name, None));
        let concrete = loose
            .iter()
            .filter(|entry| entry.name == "__typename")
            .find_map(|entry| match map.get(entry.key.as_str()) {
                Some(Value::String(name)) => self.types.object_type(name),
                _ => None,
            });
        let Some(concrete) = concrete else {
            return Plan::Shared(loose);
        };
        let mut typed = entry.typed.borrow_mut();
        if let Some((_, entries)) = typed.iter().find(|(name, _)| *name == concrete) {
            return Plan::Typed(entries.clone());
        }
        let entries = Rc::new(self.collect(sets(), type_name, Some(concrete)));
        typed.push((concrete, entries.clone()));
        Plan::Typed(entries)
    }
}

struct Shaper<'a> {
    collector: Collector<'a>,
    /// Error indices in the order the walk meets them.
    order: Vec<usize>,
    seen: Vec<bool>,
}

impl<'a> Shaper<'a> {
    fn mark(&mut self, indices: &[usize]) {
        for &index in indices {
            if !self.seen[index] {
                self.seen[index] = true;
                self.order.push(index);
            }
        }
    }

    /// Places every error at or below a value that will not be walked further.
    fn mark_all(&mut self, node: Option<&ErrorNode>) {
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

    /// Completes one value of type `ty` under `entry`; `Value::Null` is a null the caller
    /// must propagate if its position is non-null.
    fn value(
        &mut self,
        value: Value,
        ty: &'a Type,
        entry: &Entry<'a>,
        errors: Option<&ErrorNode>,
    ) -> Value {
        if let Some(node) = errors
            && !node.here.is_empty()
        {
            // The field or list item itself failed.
            self.mark_all(Some(node));
            return Value::Null;
        }
        let composite = entry
            .fields
            .first()
            .is_some_and(|field| !field.node.selection_set.node.items.is_empty());
        match (&ty.base, value) {
            // async-graphql turns an object whose every field failed into null; a null
            // non-null object is one whose every field was skipped. Either is rebuilt.
            (BaseType::Named(name), Value::Null)
                if composite && (errors.is_some() || !ty.nullable) =>
            {
                let map = IndexMap::new();
                let plan = self.collector.plan(entry, name, &map);
                self.object(map, name, &plan, errors)
            }
            (_, Value::Null) => {
                self.mark_all(errors);
                Value::Null
            }
            (BaseType::List(inner), Value::List(items)) => {
                let mut completed = Vec::with_capacity(items.len());
                let mut failed = false;
                for (index, item) in items.into_iter().enumerate() {
                    let errors = errors.and_then(|node| node.items.get(&index));
                    let item = self.value(item, inner, entry, errors);
                    // Later items are still walked, so that their errors keep their order.
                    if item == Value::Null && !inner.nullable {
                        failed = true;
                    } else if !failed {
                        completed.push(item);
                    }
                }
                if failed {
                    Value::Null
                } else {
                    Value::List(completed)
                }
            }
            (BaseType::Named(name), Value::Object(map)) if composite => {
                let plan = self.collector.plan(entry, name, &map);
                self.object(map, name, &plan, errors)
            }
            (_, value) => {
                self.mark_all(errors);
                value
            }
        }
    }

    /// An object's keys in selection order; `Value::Null` when a non-null field is null.
    fn object(
        &mut self,
        mut map: IndexMap<Name, Value>,
        type_name: &'a str,
        entries: &[Entry<'a>],
        errors: Option<&ErrorNode>,
    ) -> Value {
        let mut completed = IndexMap::with_capacity(entries.len());
        let mut failed = false;
        for entry in entries {
            let errors = errors.and_then(|node| node.fields.get(entry.key.as_str()));
            let present = map.swap_remove_entry(entry.key.as_str());
            let ty = entry
                .ty
                .or_else(|| self.collector.types.field_type(type_name, entry.name));
            let (key, value) = match (present, ty) {
                // Skipped by a directive, or in a fragment that did not apply.
                (None, _) if errors.is_none() => continue,
                (None, _) => {
                    self.mark_all(errors);
                    (entry.key.clone(), Value::Null)
                }
                (Some((key, value)), Some(ty)) => (key, self.value(value, ty, entry, errors)),
                // `__typename`, introspection: as executed.
                (Some((key, value)), None) => {
                    self.mark_all(errors);
                    (key, value)
                }
            };
            if value == Value::Null && ty.is_some_and(|ty| !ty.nullable) {
                failed = true;
            } else if !failed {
                completed.insert(key, value);
            }
        }
        if failed {
            Value::Null
        } else {
            Value::Object(completed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::sdl_index::SdlIndex;
    use super::{MAX_ERRORS, complete};
    use async_graphql::{PathSegment, Response, ServerError, Value};
    use serde_json::json;

    const SDL: &str = r#"
        interface Node { id: ID! }
        type Country implements Node {
            id: ID!
            code: String!
            name: String
            regions: [Region!]!
            capital: City
            cities: [City]
        }
        type Region implements Node { id: ID! name: String! country: Country! }
        type City implements Node { id: ID! name: String! }
        union Hit = Country | City
        type Query {
            version: String!
            country(code: String!): Country
            countries: [Country!]!
            node(id: ID!): Node
            hits: [Hit!]
            strict: Country!
        }
    "#;

    fn error(message: &str, path: serde_json::Value) -> ServerError {
        let mut error = ServerError::new(message, None);
        error.path = path
            .as_array()
            .expect("a path is a list")
            .iter()
            .map(|segment| match segment {
                serde_json::Value::String(name) => PathSegment::Field(name.clone()),
                other => PathSegment::Index(other.as_u64().expect("an index") as usize),
            })
            .collect();
        error
    }

    /// Completes `data` and `errors` as executed for `query`; returns the data as JSON text,
    /// which keeps key order, and each error's message and path.
    fn shape(
        query: &str,
        data: serde_json::Value,
        errors: Vec<ServerError>,
    ) -> (String, Vec<(String, serde_json::Value)>) {
        let types = SdlIndex::from_sdl(SDL);
        let document = async_graphql::parser::parse_query(query).expect("parses");
        let mut response = Response::new(Value::from_json(data).expect("valid data"));
        response.errors = errors;
        complete(&types, &mut response, &document, None);
        let errors = response
            .errors
            .iter()
            .map(|e| {
                (
                    e.message.clone(),
                    serde_json::to_value(&e.path).expect("serializes"),
                )
            })
            .collect();
        (
            serde_json::to_string(&response.data).expect("serializes"),
            errors,
        )
    }

    #[test]
    fn keys_follow_the_selection_merged_across_fragments_with_aliases() {
        let query = r#"
            query { country(code: "CN") { ...Names id c: code ... on Country { name id } } version }
            fragment Names on Country { name code }
        "#;
        let (data, _) = shape(
            query,
            json!({"version": "1", "country": {"id": "X", "c": "CN", "code": "CN", "name": "China"}}),
            vec![],
        );
        // serde_json without `preserve_order` sorts keys: build the expectation by hand.
        assert_eq!(
            data,
            r#"{"country":{"name":"China","code":"CN","id":"X","c":"CN"},"version":"1"}"#
        );
    }

    #[test]
    fn a_failed_nullable_field_is_null_at_its_path() {
        let (data, errors) = shape(
            r#"{ version node(id: "x") { id } }"#,
            json!({"version": "1"}),
            vec![error("no such node", json!(["node"]))],
        );
        assert_eq!(data, r#"{"version":"1","node":null}"#);
        assert_eq!(errors, vec![("no such node".to_owned(), json!(["node"]))]);
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_nearest_nullable_ancestor() {
        let (data, _) = shape(
            r#"{ country(code: "CN") { code regions { name } } version }"#,
            json!({"version": "1", "country": {"code": "CN"}}),
            vec![error("too many", json!(["country", "regions"]))],
        );
        assert_eq!(data, r#"{"country":null,"version":"1"}"#);
    }

    #[test]
    fn a_null_item_of_a_non_null_list_nulls_the_list_and_onwards() {
        // `regions: [Region!]!` inside `countries: [Country!]!` under non-null roots: the
        // null climbs to `data`.
        let (data, errors) = shape(
            r#"{ countries { code regions { name country { code } } } }"#,
            json!({"countries": [{"code": "CN", "regions": [{"name": "A"}]}]}),
            vec![error(
                "broken",
                json!(["countries", 0, "regions", 0, "country"]),
            )],
        );
        assert_eq!(data, "null");
        assert_eq!(errors.len(), 1);

        // In a nullable list of nullable items only the item goes.
        let (data, _) = shape(
            r#"{ country(code: "CN") { cities { name } } }"#,
            json!({"country": {"cities": [{"name": "A"}, null]}}),
            vec![error("broken", json!(["country", "cities", 1, "name"]))],
        );
        assert_eq!(data, r#"{"country":{"cities":[{"name":"A"},null]}}"#);
    }

    #[test]
    fn an_object_whose_every_field_failed_is_rebuilt_then_propagated() {
        let (data, _) = shape(
            r#"{ country(code: "CN") { name capital { name } } }"#,
            json!({"country": null}),
            vec![
                error("a", json!(["country", "name"])),
                error("b", json!(["country", "capital"])),
            ],
        );
        assert_eq!(data, r#"{"country":{"name":null,"capital":null}}"#);
    }

    #[test]
    fn a_failed_list_is_null_whole() {
        // try_join_all drops the list when one item fails: only the list can be null.
        let (data, _) = shape(
            r#"{ country(code: "CN") { code cities { name } } }"#,
            json!({"country": {"code": "CN"}}),
            vec![error("item", json!(["country", "cities", 2]))],
        );
        assert_eq!(data, r#"{"country":{"code":"CN","cities":null}}"#);
    }

    #[test]
    fn skipped_keys_stay_out_and_a_fully_skipped_non_null_object_is_empty() {
        let (data, _) = shape(
            r#"{ country(code: "CN") { code @skip(if: true) name } strict { code @skip(if: true) } }"#,
            json!({"country": {"name": "China"}, "strict": null}),
            vec![],
        );
        assert_eq!(data, r#"{"country":{"name":"China"},"strict":{}}"#);
    }

    #[test]
    fn abstract_values_take_the_fragments_of_their_type() {
        let query = r#"{ hits { __typename ... on City { name id } ... on Country { id name } } }"#;
        let (data, _) = shape(
            query,
            json!({"hits": [
                {"id": "1", "name": "Beijing", "__typename": "City"},
                {"name": "China", "__typename": "Country", "id": "2"}
            ]}),
            vec![],
        );
        assert_eq!(
            data,
            r#"{"hits":[{"__typename":"City","name":"Beijing","id":"1"},{"__typename":"Country","id":"2","name":"China"}]}"#
        );

        // Without `__typename`, a non-null field failing in a fragment still propagates.
        let (data, _) = shape(
            r#"{ node(id: "x") { id ... on Region { country { code } } } }"#,
            json!({"node": {"id": "x"}}),
            vec![error("gone", json!(["node", "country"]))],
        );
        assert_eq!(data, r#"{"node":null}"#);
    }

    #[test]
    fn a_failed_non_null_root_nulls_data() {
        let (data, errors) = shape(
            r#"{ country(code: "CN") { code } version }"#,
            json!({"country": {"code": "CN"}}),
            vec![error("down", json!(["version"]))],
        );
        assert_eq!(data, "null");
        assert_eq!(errors, vec![("down".to_owned(), json!(["version"]))]);
    }

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
