//! Operation limits, enforced before async-graphql sees a document: size and bracket nesting
//! on the raw text (its parser recurses on nested values and can overflow the stack), then
//! depth, cost, aliases, root fields and directives on the parsed document, with fragments
//! costed once each so that a fragment bomb cannot make the analysis itself expensive.

use super::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::configuration::LimitSettings;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    BaseType, Directive, DocumentOperations, ExecutableDocument, OperationDefinition, Selection,
    SelectionSet, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::HashMap;

/// A limit the request broke, as a code and a message for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: &'static str,
    pub message: String,
}

impl Violation {
    fn new(code: &'static str, message: String) -> Self {
        Self { code, message }
    }
}

/// Checks the raw document: its length, and how deeply `{`, `[` and `(` nest outside
/// strings and comments. Runs in one pass without recursion, so any input is safe.
pub fn check_text(query: &str, limits: &LimitSettings) -> Result<(), Violation> {
    let length = query.chars().count();
    if length > limits.max_query_chars {
        return Err(Violation::new(
            "QUERY_TOO_LARGE",
            format!(
                "the query is {length} characters long; the limit is {}",
                limits.max_query_chars
            ),
        ));
    }
    let deepest = bracket_nesting(query);
    if deepest > limits.max_nesting {
        return Err(Violation::new(
            "QUERY_TOO_DEEP",
            format!(
                "brackets in the query nest {deepest} deep; the limit is {}",
                limits.max_nesting
            ),
        ));
    }
    Ok(())
}

/// The deepest nesting of brackets in GraphQL source, skipping strings, block strings and
/// comments, where brackets mean nothing.
fn bracket_nesting(source: &str) -> usize {
    #[derive(PartialEq)]
    enum State {
        Code,
        Comment,
        String,
        BlockString,
    }
    let bytes = source.as_bytes();
    let (mut state, mut depth, mut deepest, mut i) = (State::Code, 0usize, 0usize, 0usize);
    while i < bytes.len() {
        let byte = bytes[i];
        match state {
            State::Code => match byte {
                b'#' => state = State::Comment,
                b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                    state = State::BlockString;
                    i += 2;
                }
                b'"' => state = State::String,
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                b'}' | b']' | b')' => depth = depth.saturating_sub(1),
                _ => {}
            },
            State::Comment => {
                if byte == b'\n' || byte == b'\r' {
                    state = State::Code;
                }
            }
            State::String => match byte {
                b'\\' => i += 1,
                b'"' | b'\n' | b'\r' => state = State::Code,
                _ => {}
            },
            State::BlockString => {
                if bytes[i..].starts_with(b"\\\"\"\"") {
                    i += 3;
                } else if bytes[i..].starts_with(b"\"\"\"") {
                    state = State::Code;
                    i += 2;
                }
            }
        }
        i += 1;
    }
    deepest
}

/// What the schema says about each field: its type's name, and whether it is paged.
pub struct TypeInfo {
    fields: HashMap<(String, String), FieldInfo>,
    /// Each input object's fields and their types.
    input_fields: HashMap<String, HashMap<String, Type>>,
    query_type: String,
}

struct FieldInfo {
    type_name: String,
    /// Paged by `first`/`last` (a connection, or a list such as `search`), with this default.
    page: Option<u64>,
    arguments: HashMap<String, Type>,
}

impl TypeInfo {
    /// Reads the served schema's SDL; introspection types are not in it, and their fields
    /// are costed as plain fields.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut fields = HashMap::new();
        let mut input_fields = HashMap::new();
        if let Ok(document) = async_graphql::parser::parse_schema(sdl) {
            for definition in document.definitions {
                let TypeSystemDefinition::Type(definition) = definition else {
                    continue;
                };
                let type_name = definition.node.name.node.to_string();
                let type_fields = match definition.node.kind {
                    TypeKind::Object(object) => object.fields,
                    TypeKind::Interface(interface) => interface.fields,
                    TypeKind::InputObject(input) => {
                        let fields = input
                            .fields
                            .into_iter()
                            .map(|field| (field.node.name.node.to_string(), field.node.ty.node))
                            .collect();
                        input_fields.insert(type_name, fields);
                        continue;
                    }
                    _ => continue,
                };
                for field in type_fields {
                    let field = field.node;
                    let mut base = &field.ty.node.base;
                    let is_list = matches!(base, BaseType::List(_));
                    while let BaseType::List(inner) = base {
                        base = &inner.base;
                    }
                    let BaseType::Named(field_type) = base else {
                        continue;
                    };
                    // A nested list's `first` only narrows it: the dataset bounds those
                    // lists, which cost 1 + their selection, as they did before they took
                    // `first`.
                    let nested_list = is_list && type_name != "Query";
                    let page = field
                        .arguments
                        .iter()
                        .filter(|_| !nested_list)
                        .find(|argument| argument.node.name.node == "first")
                        .map(|argument| {
                            argument
                                .node
                                .default_value
                                .as_ref()
                                .and_then(|value| match &value.node {
                                    ConstValue::Number(n) => n.as_u64(),
                                    _ => None,
                                })
                                .unwrap_or(DEFAULT_PAGE_SIZE as u64)
                        });
                    let arguments = field
                        .arguments
                        .iter()
                        .map(|argument| {
                            (
                                argument.node.name.node.to_string(),
                                argument.node.ty.node.clone(),
                            )
                        })
                        .collect();
                    fields.insert(
                        (type_name.clone(), field.name.node.to_string()),
                        FieldInfo {
                            type_name: field_type.to_string(),
                            page,
                            arguments,
                        },
                    );
                }
            }
        }
        Self {
            fields,
            input_fields,
            query_type: "Query".to_owned(),
        }
    }

    /// async-graphql accepts any 64-bit integer for `Int` until a resolver reads it, so a
    /// field that never runs would let `first: 99999999999` through; the specification
    /// makes `Int` 32-bit, so such a document is invalid wherever the literal stands.
    fn check_ints(&self, value: &Value, ty: &Type) -> Result<(), Violation> {
        match (&ty.base, value) {
            (BaseType::List(inner), Value::List(items)) => items
                .iter()
                .try_for_each(|item| self.check_ints(item, inner)),
            (BaseType::List(inner), single) => self.check_ints(single, inner),
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
                let Some(fields) = self.input_fields.get(name.as_str()) else {
                    return Ok(());
                };
                object.iter().try_for_each(|(field, value)| {
                    fields
                        .get(field.as_str())
                        .map_or(Ok(()), |ty| self.check_ints(value, ty))
                })
            }
            _ => Ok(()),
        }
    }
}

/// What an operation costs, as the rate limiter charges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub complexity: u64,
    pub depth: u64,
}

/// The figures of one selection set, or of one fragment wherever it is spread.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    complexity: u64,
    depth: u64,
    /// Field selections with fragments expanded: bounds validation work that a page size
    /// of 0 would hide from the complexity.
    fields: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.complexity = self.complexity.saturating_add(other.complexity);
        self.depth = self.depth.max(other.depth);
        self.fields = self.fields.saturating_add(other.fields);
    }
}

/// Checks the operation the request selects against the limits, and returns its cost.
pub fn analyze(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    types: &TypeInfo,
    limits: &LimitSettings,
) -> Result<Cost, Violation> {
    // An unknown or ambiguous operation is left for validation to report.
    let Some(operation) = select_operation(document, operation_name) else {
        return Ok(Cost {
            complexity: 0,
            depth: 0,
        });
    };

    let aliases = count_aliases(document);
    if aliases > limits.max_aliases {
        return Err(Violation::new(
            "TOO_MANY_ALIASES",
            format!(
                "the document uses {aliases} aliases; the limit is {}",
                limits.max_aliases
            ),
        ));
    }
    check_directives(document, limits.max_directives_per_field)?;
    check_no_nul(document, variables)?;
    for definition in &operation.variable_definitions {
        if let Some(value) = variables.get(&definition.node.name.node) {
            types.check_ints(&value.clone().into_value(), &definition.node.var_type.node)?;
        }
    }

    let mut analysis = Analysis {
        document,
        variables,
        operation,
        types,
        fragments: HashMap::new(),
    };
    let root_fields = analysis.root_fields(&operation.selection_set.node, &mut HashMap::new());
    if root_fields > limits.max_root_fields as u64 {
        return Err(Violation::new(
            "TOO_MANY_ROOT_FIELDS",
            format!(
                "the operation selects {root_fields} root fields; the limit is {}",
                limits.max_root_fields
            ),
        ));
    }
    let tally = analysis.selection_set(&operation.selection_set.node, Some(&types.query_type))?;
    if tally.depth > limits.max_depth as u64 {
        return Err(Violation::new(
            "QUERY_TOO_DEEP",
            format!(
                "the query nests fields {} deep; the limit is {}",
                tally.depth, limits.max_depth
            ),
        ));
    }
    let max_complexity = limits.max_complexity as u64;
    if tally.complexity > max_complexity || tally.fields > max_complexity {
        return Err(Violation::new(
            "QUERY_TOO_COMPLEX",
            format!(
                "the query costs {} points and selects {} fields; the limit is {max_complexity} \
                 of each (a connection costs 2 + first × the cost of its selection)",
                tally.complexity, tally.fields
            ),
        ));
    }
    Ok(Cost {
        complexity: tally.complexity,
        depth: tally.depth,
    })
}

fn select_operation<'a>(
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
        if count > max {
            return Err(Violation::new(
                "TOO_MANY_DIRECTIVES",
                format!("a selection carries {count} directives; the limit is {max}"),
            ));
        }
        Ok(())
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

struct Analysis<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    operation: &'a OperationDefinition,
    types: &'a TypeInfo,
    /// `None` while a fragment is being costed, so a cycle is caught instead of recursing.
    fragments: HashMap<&'a str, Option<Tally>>,
}

impl<'a> Analysis<'a> {
    fn fragment(&mut self, name: &'a Name) -> Result<Tally, Violation> {
        match self.fragments.get(name.as_str()) {
            Some(Some(tally)) => return Ok(*tally),
            Some(None) => {
                return Err(Violation::new(
                    "GRAPHQL_VALIDATION_FAILED",
                    format!("fragment `{name}` spreads itself"),
                ));
            }
            None => {}
        }
        // An unknown fragment costs nothing here; validation reports it.
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(Tally::default());
        };
        self.fragments.insert(name.as_str(), None);
        let parent = fragment.node.type_condition.node.on.node.as_str();
        let tally = self.selection_set(&fragment.node.selection_set.node, Some(parent))?;
        self.fragments.insert(name.as_str(), Some(tally));
        Ok(tally)
    }

    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        parent: Option<&str>,
    ) -> Result<Tally, Violation> {
        let mut total = Tally::default();
        for selection in &set.items {
            let tally = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let info = parent.and_then(|parent| {
                        self.types
                            .fields
                            .get(&(parent.to_owned(), field.name.node.to_string()))
                    });
                    if let Some(info) = info {
                        for (name, value) in &field.arguments {
                            if let Some(ty) = info.arguments.get(name.node.as_str()) {
                                self.types.check_ints(&value.node, ty)?;
                            }
                        }
                    }
                    let child_type = info.map(|info| info.type_name.clone());
                    let page = info.and_then(|info| info.page);
                    let children =
                        self.selection_set(&field.selection_set.node, child_type.as_deref())?;
                    let complexity = match page {
                        Some(default) => {
                            let size = self.page_size(&field.arguments).unwrap_or(default);
                            2u64.saturating_add(size.saturating_mul(children.complexity))
                        }
                        None => 1u64.saturating_add(children.complexity),
                    };
                    Tally {
                        complexity,
                        depth: children.depth.saturating_add(1),
                        fields: children.fields.saturating_add(1),
                    }
                }
                Selection::InlineFragment(fragment) => {
                    let condition = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|condition| condition.node.on.node.as_str())
                        .or(parent);
                    self.selection_set(&fragment.node.selection_set.node, condition)?
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(&spread.node.fragment_name.node)?
                }
            };
            total.add(tally);
        }
        Ok(total)
    }

    /// The page size a field asks for with `first` or `last`, from a literal or a variable,
    /// clamped to what the server would return.
    fn page_size(&self, arguments: &[(Positioned<Name>, Positioned<Value>)]) -> Option<u64> {
        arguments
            .iter()
            .filter(|(name, _)| name.node == "first" || name.node == "last")
            .filter_map(|(_, value)| self.integer(&value.node))
            .max()
            .map(|size| size.clamp(0, MAX_PAGE_SIZE as i64) as u64)
    }

    fn integer(&self, value: &Value) -> Option<i64> {
        match value {
            Value::Number(number) => number.as_i64(),
            Value::Variable(name) => {
                let given = self.variables.get(name).cloned();
                let default = || {
                    self.operation
                        .variable_definitions
                        .iter()
                        .find(|definition| definition.node.name.node == *name)
                        .and_then(|definition| definition.node.default_value.as_ref())
                        .map(|value| value.node.clone())
                };
                match given.or_else(default) {
                    Some(ConstValue::Number(number)) => number.as_i64(),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Root fields with fragments expanded (`{ ...F }` counts F's fields), each fragment
    /// counted once and a cycle counted as nothing: costing reports it.
    fn root_fields(&self, set: &'a SelectionSet, counted: &mut HashMap<&'a str, u64>) -> u64 {
        let mut count = 0u64;
        for selection in &set.items {
            let fields = match &selection.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(fragment) => {
                    self.root_fields(&fragment.node.selection_set.node, counted)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if let Some(fields) = counted.get(name) {
                        *fields
                    } else if let Some(fragment) = self.document.fragments.get(name) {
                        counted.insert(name, 0);
                        let fields = self.root_fields(&fragment.node.selection_set.node, counted);
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str) -> Result<Cost, Violation> {
        check_with(query, Variables::default())
    }

    fn check_with(query: &str, variables: Variables) -> Result<Cost, Violation> {
        let limits = LimitSettings::default();
        check_text(query, &limits)?;
        let document = async_graphql::parser::parse_query(query).expect("parses");
        let types = TypeInfo::from_sdl(&super::super::sdl());
        analyze(&document, None, &variables, &types, &limits)
    }

    fn code(result: Result<Cost, Violation>) -> &'static str {
        result.expect_err("refused").code
    }

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
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(bracket_nesting(r#"{ a(x: "{{{[[[") }"#), 2);
        assert_eq!(bracket_nesting("{ a # {{{{{{\n b }"), 1);
        assert_eq!(bracket_nesting(r#"{ a(x: """ {{{ \""" [[[ """) }"#), 2);
        assert_eq!(bracket_nesting(r#"{ a(x: "\"{") { b } }"#), 2);
    }

    #[test]
    fn deeply_nested_values_are_refused_before_parsing() {
        let nested = format!(
            "{{ countries(filter: {}1{}) {{ totalCount }} }}",
            "[".repeat(2_000),
            "]".repeat(2_000)
        );
        assert_eq!(code(check(&nested)), "QUERY_TOO_DEEP");
        assert_eq!(code(check(&"x".repeat(15_001))), "QUERY_TOO_LARGE");
    }

    #[test]
    fn graphiqls_introspection_fits_the_depth_limit_and_one_level_more_does_not() {
        let cost = check(&introspection_query(9)).expect("GraphiQL's introspection runs");
        assert_eq!(cost.depth, 15);
        assert_eq!(code(check(&introspection_query(10))), "QUERY_TOO_DEEP");
    }

    #[test]
    fn first_on_a_nested_list_narrows_it_without_changing_its_cost() {
        let all = check("{ countries(first: 10) { nodes { cities { slug } } } }").expect("runs");
        let narrowed = check("{ countries(first: 10) { nodes { cities(first: 5) { slug } } } }")
            .expect("runs");
        assert_eq!(all.complexity, 2 + 10 * (1 + (1 + 1)));
        assert_eq!(narrowed.complexity, all.complexity);
        let search = check(r#"{ search(text: "a", first: 50) { __typename } }"#).expect("runs");
        assert_eq!(search.complexity, 2 + 50, "a root list still pages");
    }

    #[test]
    fn a_connection_costs_two_plus_first_times_its_selection() {
        let cost = check("{ countries(first: 100) { nodes { code name } } }").expect("runs");
        assert_eq!(cost.complexity, 2 + 100 * (1 + 2));
        let by_default = check("{ countries { totalCount } }").expect("runs");
        assert_eq!(by_default.complexity, 2 + 20);
        let mut variables = Variables::default();
        variables.insert(Name::new("n"), ConstValue::from(5));
        let from_variable = check_with(
            "query($n: Int) { countries(last: $n) { totalCount } }",
            variables,
        )
        .expect("runs");
        assert_eq!(from_variable.complexity, 2 + 5);
        // Through the Subject interface, which async-graphql would cost as a plain field.
        let nested = check(
            "{ observations(first: 5) { nodes { subject { observations(first: 100) { totalCount } } } } }",
        )
        .expect("runs");
        assert_eq!(nested.complexity, 2 + 5 * (1 + (1 + (2 + 100))));
        assert_eq!(
            code(check(
                "{ observations(first: 100) { nodes { subject { observations(first: 100) { totalCount } } } } }"
            )),
            "QUERY_TOO_COMPLEX"
        );
    }

    #[test]
    fn nested_connections_multiply_their_page_sizes() {
        let hop = "observations(first: 100) { nodes { subject { ";
        let query = format!("{{ {} key {} }}", hop.repeat(4), "} } }".repeat(4));
        assert_eq!(code(check(&query)), "QUERY_TOO_COMPLEX");
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
    fn every_example_query_fits_the_limits() {
        for example in crate::graphql::examples::EXAMPLES {
            let cost = check(example.query)
                .unwrap_or_else(|violation| panic!("{}: {violation:?}", example.name));
            assert!(cost.complexity <= 1_000, "{}: {cost:?}", example.name);
        }
    }
}
