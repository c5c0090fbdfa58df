//! Completion of executed values against their types: keys in selection order, `null` for
//! a failed field, and nulls propagated out of non-null positions.

use super::collect::{Collector, Entry};
use super::errors::{ErrorNode, Placement};
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{BaseType, Type};
use async_graphql::{Name, Value};

/// The walk that completes executed values against their types.
pub(super) struct Shaper<'a> {
    pub(super) collector: Collector<'a>,
    pub(super) placed: Placement,
}

impl<'a> Shaper<'a> {
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
            self.placed.mark_all(Some(node));
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
                self.placed.mark_all(errors);
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
                self.placed.mark_all(errors);
                value
            }
        }
    }

    /// An object's keys in selection order; `Value::Null` when a non-null field is null.
    pub(super) fn object(
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
                    self.placed.mark_all(errors);
                    (entry.key.clone(), Value::Null)
                }
                (Some((key, value)), Some(ty)) => (key, self.value(value, ty, entry, errors)),
                // `__typename`, introspection: as executed.
                (Some((key, value)), None) => {
                    self.placed.mark_all(errors);
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
    use super::super::test_support::{error, shape};
    use serde_json::json;

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
}
