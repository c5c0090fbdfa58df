//! The cost model's tests: prices of fields, lists, fragments and variables, checked
//! against the served schema.

use super::super::analyze;
use super::super::test_support::{check, check_lengths, check_with, code, served_types};
use super::*;

fn cost(query: &str) -> u64 {
    check(query)
        .unwrap_or_else(|violation| panic!("{query}: {violation:?}"))
        .complexity
}

#[test]
fn scalars_enums_and_typenames_are_free_and_objects_cost_one() {
    assert_eq!(cost("{ apiVersion __typename }"), 0);
    assert_eq!(
        cost(r#"{ country(code: "CN") { code name __typename region { code } } }"#),
        2
    );
}

#[test]
fn a_connection_costs_two_plus_first_times_one_node() {
    assert_eq!(
        cost("{ countries(first: 100) { nodes { code name } } }"),
        2 + 100
    );
    assert_eq!(
        cost(
            "{ countries(first: 100) { totalCount pageInfo { hasNextPage } edges { cursor node { code } } } }"
        ),
        2 + 1 + 100,
        "an edge is free, its node is not, and pageInfo is not multiplied"
    );
    assert_eq!(cost("{ countries { totalCount } }"), 2, "no node selected");
    assert_eq!(
        cost("{ countries { nodes { code } } }"),
        2 + 20,
        "20 by default"
    );
    let mut variables = Variables::default();
    variables.insert(Name::new("n"), ConstValue::from(5));
    let from_variable = check_with(
        "query($n: Int) { countries(last: $n) { nodes { code } } }",
        variables,
    )
    .expect("runs");
    assert_eq!(from_variable.complexity, 2 + 5);
    // Through the Subject interface, which async-graphql would cost as a plain field.
    assert_eq!(
        cost(
            "{ observations(first: 5) { nodes { subject { observations(first: 100) { totalCount } } } } }"
        ),
        2 + 5 * (1 + 1 + 2)
    );
    assert_eq!(
        code(check(
            "{ observations(first: 100) { nodes { subject { observations(first: 100) { nodes { value } } } } } }"
        )),
        "QUERY_TOO_COMPLEX"
    );
}

#[test]
fn a_nested_list_costs_its_longest_length_in_the_data() {
    let lengths = ListLengths(
        [(("Country".to_owned(), "cities".to_owned()), 3)]
            .into_iter()
            .collect(),
    );
    let with = |query: &str| {
        check_lengths(query, Variables::default(), &lengths)
            .expect("runs")
            .complexity
    };
    assert_eq!(
        with("{ countries(first: 10) { nodes { cities { slug } } } }"),
        2 + 10 * (1 + 3)
    );
    assert_eq!(
        with("{ countries(first: 10) { nodes { cities(first: 2) { slug } } } }"),
        2 + 10 * (1 + 2)
    );
    assert_eq!(
        with("{ countries(first: 10) { nodes { cities(first: 50) { slug } } } }"),
        2 + 10 * (1 + 3)
    );
    assert_eq!(
        with("{ countries(first: 5) { nodes { companies { slug } } } }"),
        2 + 5 * (1 + 100),
        "a list of unknown length is priced at the largest page"
    );
}

#[test]
fn nodes_cost_one_item_per_id_and_search_one_per_result() {
    assert_eq!(cost(r#"{ nodes(ids: ["a", "b", "c"]) { id } }"#), 3);
    assert_eq!(
        cost(r#"{ nodes(ids: "a") { id ... on Country { region { code } } } }"#),
        2
    );
    let mut variables = Variables::default();
    variables.insert(
        Name::new("ids"),
        ConstValue::List(
            (0..100)
                .map(|i| ConstValue::from(format!("id{i}")))
                .collect(),
        ),
    );
    let aliased: String = (0..13)
        .map(|i| format!("n{i}: nodes(ids: $ids) {{ id }} "))
        .collect();
    let refused = check_with(&format!("query($ids: [ID!]!) {{ {aliased} }}"), variables);
    assert_eq!(code(refused), "QUERY_TOO_COMPLEX", "13 × 100 nodes");
    assert_eq!(
        cost(r#"{ search(text: "a", first: 50) { __typename } }"#),
        50
    );
    assert_eq!(cost(r#"{ search(text: "a") { __typename } }"#), 20);
}

#[test]
fn unused_operations_and_fragments_cost_as_much_as_used_ones() {
    let big = "countries(first: 100) { nodes { code } }";
    let limits = LimitSettings::default();
    let types = served_types();
    let lengths = ListLengths::default();
    let price = |query: &str, operation: Option<&str>| {
        let document = async_graphql::parser::parse_query(query).expect("parses");
        analyze(
            &document,
            operation,
            &Variables::default(),
            &types,
            &lengths,
            &limits,
        )
        .expect("runs")
        .complexity
    };
    assert_eq!(
        price(
            &format!("query A {{ apiVersion }} query B {{ {big} }}"),
            Some("A")
        ),
        102
    );
    assert_eq!(
        price(
            &format!("{{ apiVersion }} fragment F on Query {{ {big} }}"),
            None
        ),
        102
    );
    assert_eq!(
        price(
            &format!("{{ ...F ...F }} fragment F on Query {{ {big} }}"),
            None
        ),
        204,
        "a used fragment costs wherever it is spread"
    );
}

#[test]
fn nested_connections_multiply_their_page_sizes() {
    let hop = "observations(first: 100) { nodes { subject { ";
    let query = format!("{{ {} key {} }}", hop.repeat(4), "} } }".repeat(4));
    assert_eq!(code(check(&query)), "QUERY_TOO_COMPLEX");
}

#[test]
fn fields_hidden_behind_a_zero_page_still_count() {
    let fields = "code ".repeat(1_001);
    let query = format!("{{ countries(first: 0) {{ nodes {{ {fields} }} }} }}");
    assert_eq!(code(check(&query)), "QUERY_TOO_COMPLEX");
}

#[test]
fn fragment_bombs_are_costed_once_per_fragment_and_cycles_refused() {
    let mut bomb = String::from("{ countries(first: 1) { nodes { ...F0 } } }");
    for level in 0..40 {
        bomb.push_str(&format!(
            " fragment F{level} on Country {{ ...F{next} ...F{next} }}",
            next = level + 1
        ));
    }
    bomb.push_str(" fragment F40 on Country { code }");
    assert_eq!(code(check(&bomb)), "QUERY_TOO_COMPLEX");
    let cycle = "{ countries { nodes { ...A } } } fragment A on Country { ...B } \
                 fragment B on Country { ...A }";
    assert_eq!(code(check(cycle)), "GRAPHQL_VALIDATION_FAILED");
}

#[test]
fn every_list_the_data_bounds_has_a_known_length() {
    let types = served_types();
    let unknown: Vec<_> = types
        .bounded_lists()
        .filter(|(parent, field)| list_source(parent, field).is_none())
        .collect();
    assert!(unknown.is_empty(), "lists without a length: {unknown:?}");
    assert!(types.bounded_lists().count() >= 20);
}

#[test]
fn a_fragment_bomb_is_refused_by_its_expanded_fields_whichever_operation_runs() {
    let fragment = format!("fragment F on Country {{ {} }}", "code ".repeat(1_246));
    let spreads = "...F ".repeat(1_067);
    for (query, operation) in [
        (
            format!(
                "query Trivial {{ apiVersion }} query Bomb {{ countries {{ nodes {{ {spreads} }} }} }} {fragment}"
            ),
            Some("Trivial"),
        ),
        (
            format!(
                "{{ apiVersion }} fragment G on Query {{ countries {{ nodes {{ {spreads} }} }} }} {fragment}"
            ),
            None,
        ),
    ] {
        let document = async_graphql::parser::parse_query(&query).expect("parses");
        let types = served_types();
        let refused = analyze(
            &document,
            operation,
            &Variables::default(),
            &types,
            &ListLengths::default(),
            &LimitSettings::default(),
        );
        assert_eq!(code(refused), "QUERY_TOO_COMPLEX");
    }
}
