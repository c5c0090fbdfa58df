//! The checks over a parsed document that do not price it: aliases, directives per
//! selection, NUL characters, Ints beyond 32 bits, root fields with fragments expanded, and
//! how deeply fields nest; and whether the request only reads.

use super::{Violation, at_most};
use crate::configuration::LimitSettings;
use crate::graphql::sdl_index::SdlIndex;
use async_graphql::Variables;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    BaseType, Directive, DocumentOperations, ExecutableDocument, OperationDefinition,
    OperationType, Selection, SelectionSet, Type,
};
use async_graphql_value::{ConstValue, Value};
use std::collections::HashMap;

/// The checks that come before pricing: aliases, directives, NUL characters, and the Ints
/// among the variables of the operation that runs.
pub(super) fn check(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    types: &SdlIndex,
    limits: &LimitSettings,
) -> Result<(), Violation> {
    let aliases = count_aliases(document);
    at_most("TOO_MANY_ALIASES", aliases, limits.max_aliases, || {
        format!("the document uses {aliases} aliases")
    })?;
    check_directives(document, limits.max_directives_per_field)?;
    check_no_nul(document, variables)?;
    // Variables belong to the operation that runs; an unknown or ambiguous operation is
    // left for validation to report.
    if let Some(operation) = select_operation(document, operation_name) {
        for definition in &operation.variable_definitions {
            if let Some(value) = variables.get(&definition.node.name.node) {
                check_ints(
                    types,
                    &value.clone().into_value(),
                    &definition.node.var_type.node,
                )?;
            }
        }
    }
    Ok(())
}

pub(super) fn check_root_fields(
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    limits: &LimitSettings,
) -> Result<(), Violation> {
    let root_fields = root_fields(document, &operation.selection_set.node, &mut HashMap::new());
    at_most(
        "TOO_MANY_ROOT_FIELDS",
        root_fields,
        limits.max_root_fields as u64,
        || format!("an operation selects {root_fields} root fields"),
    )
}

/// `depth` is the deepest nesting of fields, which pricing measures as it walks.
pub(super) fn check_depth(depth: u64, limits: &LimitSettings) -> Result<(), Violation> {
    at_most("QUERY_TOO_DEEP", depth, limits.max_depth as u64, || {
        format!("the query nests fields {depth} deep")
    })
}

/// Whether running the request can only read: the operation it names is a query (an
/// unknown name is left for validation), or, where it names none, every operation is.
pub fn reads_only(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let is_query = |operation: &OperationDefinition| operation.ty == OperationType::Query;
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => is_query(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .get(name)
            .is_none_or(|operation| is_query(&operation.node)),
        (DocumentOperations::Multiple(operations), None) => operations
            .values()
            .all(|operation| is_query(&operation.node)),
    }
}

pub(crate) fn select_operation<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Every alias in the document, fragments included, as written.
fn count_aliases(document: &ExecutableDocument) -> usize {
    fn in_set(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + in_set(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => in_set(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    document
        .operations
        .iter()
        .map(|(_, operation)| in_set(&operation.node.selection_set.node))
        .chain(
            document
                .fragments
                .values()
                .map(|fragment| in_set(&fragment.node.selection_set.node)),
        )
        .sum()
}

fn check_directives(document: &ExecutableDocument, max: usize) -> Result<(), Violation> {
    fn check(count: usize, max: usize) -> Result<(), Violation> {
        at_most("TOO_MANY_DIRECTIVES", count, max, || {
            format!("a selection carries {count} directives")
        })
    }
    fn in_set(set: &SelectionSet, max: usize) -> Result<(), Violation> {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    check(field.node.directives.len(), max)?;
                    in_set(&field.node.selection_set.node, max)?;
                }
                Selection::InlineFragment(fragment) => {
                    check(fragment.node.directives.len(), max)?;
                    in_set(&fragment.node.selection_set.node, max)?;
                }
                Selection::FragmentSpread(spread) => check(spread.node.directives.len(), max)?,
            }
        }
        Ok(())
    }
    for (_, operation) in document.operations.iter() {
        check(operation.node.directives.len(), max)?;
        in_set(&operation.node.selection_set.node, max)?;
    }
    for fragment in document.fragments.values() {
        check(fragment.node.directives.len(), max)?;
        in_set(&fragment.node.selection_set.node, max)?;
    }
    Ok(())
}

/// PostgreSQL refuses U+0000 in text parameters and no stored value contains one, so a NUL
/// anywhere in the request's strings is refused up front, the same on both backends.
fn check_no_nul(document: &ExecutableDocument, variables: &Variables) -> Result<(), Violation> {
    fn in_value(value: &Value) -> bool {
        match value {
            Value::String(text) => text.contains('\0'),
            Value::List(items) => items.iter().any(in_value),
            Value::Object(fields) => fields.values().any(in_value),
            _ => false,
        }
    }
    fn in_const(value: &ConstValue) -> bool {
        match value {
            ConstValue::String(text) => text.contains('\0'),
            ConstValue::List(items) => items.iter().any(in_const),
            ConstValue::Object(fields) => fields.values().any(in_const),
            _ => false,
        }
    }
    fn in_directives(directives: &[Positioned<Directive>]) -> bool {
        directives.iter().any(|directive| {
            directive
                .node
                .arguments
                .iter()
                .any(|(_, value)| in_value(&value.node))
        })
    }
    fn in_set(set: &SelectionSet) -> bool {
        set.items.iter().any(|selection| match &selection.node {
            Selection::Field(field) => {
                field
                    .node
                    .arguments
                    .iter()
                    .any(|(_, value)| in_value(&value.node))
                    || in_directives(&field.node.directives)
                    || in_set(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => {
                in_directives(&fragment.node.directives)
                    || in_set(&fragment.node.selection_set.node)
            }
            Selection::FragmentSpread(spread) => in_directives(&spread.node.directives),
        })
    }
    let in_operations = document.operations.iter().any(|(_, operation)| {
        in_set(&operation.node.selection_set.node)
            || in_directives(&operation.node.directives)
            || operation
                .node
                .variable_definitions
                .iter()
                .any(|definition| {
                    definition
                        .node
                        .default_value
                        .as_ref()
                        .is_some_and(|value| in_const(&value.node))
                })
    });
    let in_fragments = document
        .fragments
        .values()
        .any(|fragment| in_set(&fragment.node.selection_set.node));
    if in_operations || in_fragments || variables.values().any(in_const) {
        return Err(Violation::new(
            "BAD_USER_INPUT",
            "text in the request must not contain NUL (U+0000) characters".to_owned(),
        ));
    }
    Ok(())
}

/// async-graphql accepts any 64-bit integer for `Int` until a resolver reads it, so a
/// field that never runs would let `first: 99999999999` through; the specification
/// makes `Int` 32-bit, so such a document is invalid wherever the literal stands.
pub(super) fn check_ints(types: &SdlIndex, value: &Value, ty: &Type) -> Result<(), Violation> {
    match (&ty.base, value) {
        (BaseType::List(inner), Value::List(items)) => items
            .iter()
            .try_for_each(|item| check_ints(types, item, inner)),
        (BaseType::List(inner), single) => check_ints(types, single, inner),
        (BaseType::Named(name), Value::Number(number)) if name == "Int" => {
            let fits = number
                .as_i64()
                .is_some_and(|integer| i32::try_from(integer).is_ok());
            if fits || number.is_f64() {
                Ok(())
            } else {
                Err(Violation::new(
                    "GRAPHQL_VALIDATION_FAILED",
                    format!(
                        "{number} is not an Int: GraphQL integers run from {} to {}",
                        i32::MIN,
                        i32::MAX
                    ),
                ))
            }
        }
        (BaseType::Named(name), Value::Object(object)) => {
            object.iter().try_for_each(|(field, value)| {
                types
                    .input_field(name, field)
                    .map_or(Ok(()), |ty| check_ints(types, value, ty))
            })
        }
        _ => Ok(()),
    }
}

/// Root fields with fragments expanded (`{ ...F }` counts F's fields), each fragment
/// counted once and a cycle counted as nothing: costing reports it.
fn root_fields<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    counted: &mut HashMap<&'a str, u64>,
) -> u64 {
    let mut count = 0u64;
    for selection in &set.items {
        let fields = match &selection.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(fragment) => {
                root_fields(document, &fragment.node.selection_set.node, counted)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if let Some(fields) = counted.get(name) {
                    *fields
                } else if let Some(fragment) = document.fragments.get(name) {
                    counted.insert(name, 0);
                    let fields = root_fields(document, &fragment.node.selection_set.node, counted);
                    counted.insert(name, fields);
                    fields
                } else {
                    0
                }
            }
        };
        count = count.saturating_add(fields);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{check, check_with, code};
    use async_graphql::{Name, Variables};
    use async_graphql_value::ConstValue;

    /// The introspection query GraphiQL 4 sends: `TypeRef` follows `ofType` nine levels.
    fn introspection_query(of_type_levels: usize) -> String {
        let type_ref = format!(
            "kind name {}{}",
            "ofType { kind name ".repeat(of_type_levels),
            "}".repeat(of_type_levels)
        );
        format!(
            "query IntrospectionQuery {{ __schema {{ queryType {{ name }} types {{ ...FullType }} \
             directives {{ name description locations args {{ ...InputValue }} }} }} }} \
             fragment FullType on __Type {{ kind name description \
             fields(includeDeprecated: true) {{ name description args {{ ...InputValue }} \
             type {{ ...TypeRef }} isDeprecated deprecationReason }} \
             inputFields {{ ...InputValue }} interfaces {{ ...TypeRef }} \
             enumValues(includeDeprecated: true) {{ name description isDeprecated deprecationReason }} \
             possibleTypes {{ ...TypeRef }} }} \
             fragment InputValue on __InputValue {{ name description type {{ ...TypeRef }} defaultValue }} \
             fragment TypeRef on __Type {{ {type_ref} }}"
        )
    }

    #[test]
    fn graphiqls_introspection_fits_the_depth_limit_and_one_level_more_does_not() {
        let cost = check(&introspection_query(9)).expect("GraphiQL's introspection runs");
        assert_eq!(cost.depth, 15);
        assert_eq!(code(check(&introspection_query(10))), "QUERY_TOO_DEEP");
    }

    #[test]
    fn aliases_root_fields_and_directives_are_counted() {
        let aliases: String = (0..31).map(|i| format!("a{i}: apiVersion ")).collect();
        assert_eq!(code(check(&format!("{{ {aliases} }}"))), "TOO_MANY_ALIASES");
        let roots = "apiVersion ".repeat(21);
        assert_eq!(
            code(check(&format!("{{ {roots} }}"))),
            "TOO_MANY_ROOT_FIELDS"
        );
        let through_fragment = format!("{{ ...F }} fragment F on Query {{ {roots} }}");
        assert_eq!(code(check(&through_fragment)), "TOO_MANY_ROOT_FIELDS");
        let directives = "@include(if: true) ".repeat(6);
        assert_eq!(
            code(check(&format!("{{ apiVersion {directives} }}"))),
            "TOO_MANY_DIRECTIVES"
        );
    }

    #[test]
    fn ints_beyond_32_bits_are_invalid_even_where_no_resolver_reads_them() {
        let unread = "{ search(text: \"zzz\") { ... on Indicator { series(from: -12184959823) { category } } } }";
        assert_eq!(code(check(unread)), "GRAPHQL_VALIDATION_FAILED");
        let in_filter = "{ observations(filter: { fromYear: 2147483648 }) { totalCount } }";
        assert_eq!(code(check(in_filter)), "GRAPHQL_VALIDATION_FAILED");
        let mut variables = Variables::default();
        variables.insert(Name::new("n"), ConstValue::from(1_i64 << 40));
        assert_eq!(
            code(check_with(
                "query($n: Int) { countries(first: $n) { totalCount } }",
                variables
            )),
            "GRAPHQL_VALIDATION_FAILED"
        );
        check("{ countries(first: 2147483647) { totalCount } }").expect("the largest Int is valid");
    }

    #[test]
    fn nul_characters_are_refused_wherever_they_stand() {
        for query in [
            r#"{ country(code: "\u0000") { code } }"#,
            r#"{ cities(filter: { text: "a\u0000" }) { totalCount } }"#,
            r#"{ ...F } fragment F on Query { city(slug: "\u0000") { slug } }"#,
            r#"query($s: String = "\u0000") { city(slug: $s) { slug } }"#,
        ] {
            assert_eq!(code(check(query)), "BAD_USER_INPUT", "{query}");
        }
        let mut variables = Variables::default();
        variables.insert(Name::new("s"), ConstValue::from("shen\0zhen"));
        assert_eq!(
            code(check_with(
                "query($s: String!) { city(slug: $s) { slug } }",
                variables
            )),
            "BAD_USER_INPUT"
        );
    }
}
