//! Document limits and the cost model, enforced before async-graphql validates a document:
//! size and bracket nesting on the raw text (its parser recurses on nested values and can
//! overflow the stack), then depth, cost, fields, aliases, root fields and directives over
//! the whole parsed document, every operation and fragment included, with fragments costed
//! once each so that a fragment bomb cannot make the analysis itself expensive.

use super::sdl_index::{FieldInfo, SdlIndex, named_type};
use crate::configuration::LimitSettings;
use crate::store::list_lengths::{self, Relation};
use crate::store::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    BaseType, Directive, DocumentOperations, ExecutableDocument, Field, FieldDefinition,
    OperationDefinition, OperationType, Selection, SelectionSet, Type,
};
use async_graphql::{Name, Variables};
use async_graphql_value::{ConstValue, Value};
use sea_orm::{ConnectionTrait, DbErr};
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

/// How a field is priced, following GitHub's and Shopify's models: objects cost, leaves do
/// not, and lists cost as many items as they can return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pricing {
    /// Scalars and enums, and lists of them: free, as `__typename` is.
    Leaf,
    /// One object: 1 + its selection.
    Object,
    /// A connection: 2 + `first` (or `last`, or this default) × the cost of one node;
    /// `totalCount` and `pageInfo` are not multiplied.
    Connection { default_page: u64 },
    /// A connection's `nodes` or `edges`: one item, multiplied by the connection. An edge is
    /// its node's envelope and costs nothing itself.
    ConnectionItems { edges: bool },
    /// A root list paged by `first`: `first` (or this default) × one item (`search`).
    Page { default_page: u64 },
    /// A list with one item per ID asked for (`nodes(ids:)`).
    PerId,
    /// A list the data bounds: `min(first, the longest such list in the data)` × one item.
    BoundedList,
}

impl Pricing {
    /// How `parent.field` is priced; `composite` says whether its type has fields.
    pub fn of(parent: &str, field: &FieldDefinition, composite: bool) -> Self {
        let name = field.name.node.as_str();
        let default_first = field
            .arguments
            .iter()
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
        if !composite {
            Pricing::Leaf
        } else if parent.ends_with("Connection") && (name == "nodes" || name == "edges") {
            Pricing::ConnectionItems {
                edges: name == "edges",
            }
        } else if !matches!(field.ty.node.base, BaseType::List(_)) {
            match default_first {
                Some(default_page) if named_type(&field.ty.node).ends_with("Connection") => {
                    Pricing::Connection { default_page }
                }
                _ => Pricing::Object,
            }
        } else if parent == "Query" && name == "nodes" {
            Pricing::PerId
        } else if parent == "Query" && default_first.is_some() {
            Pricing::Page {
                default_page: default_first.unwrap_or(DEFAULT_PAGE_SIZE as u64),
            }
        } else {
            Pricing::BoundedList
        }
    }
}

/// async-graphql accepts any 64-bit integer for `Int` until a resolver reads it, so a
/// field that never runs would let `first: 99999999999` through; the specification
/// makes `Int` 32-bit, so such a document is invalid wherever the literal stands.
fn check_ints(types: &SdlIndex, value: &Value, ty: &Type) -> Result<(), Violation> {
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

/// What a document costs, as the rate limiter charges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub complexity: u64,
    pub depth: u64,
}

/// The figures of one selection set, or of one fragment wherever it is spread.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    complexity: u64,
    /// The cost of one item of the connection this selection set belongs to: its `nodes`
    /// and `edges`, which the connection multiplies by its page size.
    per_item: u64,
    depth: u64,
    /// Field selections with fragments expanded: bounds validation work, which is
    /// quadratic in the fields of a selection set and which free scalars would hide.
    fields: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.complexity = self.complexity.saturating_add(other.complexity);
        self.per_item = self.per_item.saturating_add(other.per_item);
        self.depth = self.depth.max(other.depth);
        self.fields = self.fields.saturating_add(other.fields);
    }
}

/// The longest list in the data behind each list field that the data bounds, keyed by
/// `(type, field)`. A field without a known length is priced at the largest page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListLengths(HashMap<(String, String), u64>);

impl ListLengths {
    fn longest(&self, parent: &str, field: &str) -> u64 {
        self.0
            .get(&(parent.to_owned(), field.to_owned()))
            .copied()
            .unwrap_or(MAX_PAGE_SIZE as u64)
    }

    /// Reads, in one statement per relation, the longest list behind every field of
    /// `types` that the data bounds.
    pub async fn read(db: &impl ConnectionTrait, types: &SdlIndex) -> Result<Self, DbErr> {
        let mut by_relation: HashMap<Relation, u64> = HashMap::new();
        let mut lengths = HashMap::new();
        for (parent, field) in types.bounded_lists() {
            let longest = match list_source(parent, field) {
                Some(ListSource::Fixed(length)) => length,
                Some(ListSource::Data(relation)) => match by_relation.get(&relation) {
                    Some(longest) => *longest,
                    None => {
                        let longest = list_lengths::longest(db, relation).await?;
                        by_relation.insert(relation, longest);
                        longest
                    }
                },
                None => continue,
            };
            lengths.insert((parent.to_owned(), field.to_owned()), longest);
        }
        Ok(Self(lengths))
    }
}

/// What bounds a list field's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListSource {
    /// The schema itself: a derived value has two inputs.
    Fixed(u64),
    Data(Relation),
}

/// The relation behind each list field that the data bounds. A test checks that every
/// such field of the schema is here, so a new list cannot go unpriced.
fn list_source(parent: &str, field: &str) -> Option<ListSource> {
    use ListSource::{Data, Fixed};
    use Relation::*;
    Some(match (parent, field) {
        ("Query", "strategicComparison") => Data(Dimensions),
        ("Region", "countries") => Data(CountriesOfRegion),
        ("Country", "cities") => Data(CitiesOfCountry),
        ("Country", "companies") => Data(CompaniesOfCountry),
        ("Country", "projects") => Data(ProjectsOfCountry),
        ("Country", "policies") => Data(PoliciesOfCountry),
        ("Country", "strategicPositions") => Data(PositionsOfCountry),
        ("City", "companies") => Data(CompaniesInCity),
        ("City", "projects") => Data(ProjectsInCity),
        ("City", "policies") => Data(PoliciesOfCity),
        ("City", "rankings") => Data(ObservationsOfSubject),
        ("Company", "subsidiaries") => Data(SubsidiariesOfCompany),
        ("Company", "projects") => Data(ProjectsOfCompany),
        ("Company", "policies") => Data(PoliciesOfCompany),
        ("Company", "sanctions") => Data(SanctionsOfCompany),
        ("Project", "companies") => Data(CompaniesOfProject),
        ("Policy", "cities") => Data(CitiesOfPolicy),
        ("Policy", "companies") => Data(CompaniesOfPolicy),
        ("StrategicDimension", "positions") => Data(PositionsOfDimension),
        // One series per subject (or per subject asked for), aligned on every period that
        // any of the indicator's subjects has.
        ("Indicator", "series") => Data(SubjectsOfIndicator),
        ("Series", "points") => Data(PeriodsOfIndicator),
        ("Series", "yearOverYear") => Data(ObservationsOfSeries),
        ("DerivedValue", "inputs") => Fixed(2),
        _ => return None,
    })
}

/// Checks the whole document against the limits and returns its cost. Every operation and
/// every fragment counts, whether the request selects it or not: async-graphql validates
/// them all, so an unused one costs as much work as a used one.
pub fn analyze(
    document: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
    types: &SdlIndex,
    lengths: &ListLengths,
    limits: &LimitSettings,
) -> Result<Cost, Violation> {
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

    let mut analysis = Analysis {
        document,
        variables,
        operation: None,
        types,
        lengths,
        fragments: HashMap::new(),
    };
    let mut total = Tally::default();
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        let root_fields = analysis.root_fields(&operation.selection_set.node, &mut HashMap::new());
        if root_fields > limits.max_root_fields as u64 {
            return Err(Violation::new(
                "TOO_MANY_ROOT_FIELDS",
                format!(
                    "an operation selects {root_fields} root fields; the limit is {}",
                    limits.max_root_fields
                ),
            ));
        }
        analysis.operation = Some(operation);
        let root_type = match operation.ty {
            OperationType::Query => types.query_type(),
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        total.add(analysis.selection_set(&operation.selection_set.node, Some(root_type))?);
    }
    analysis.operation = None;
    for name in document.fragments.keys() {
        if !analysis.fragments.contains_key(name.as_str()) {
            total.add(analysis.fragment(name)?);
        }
    }

    if total.depth > limits.max_depth as u64 {
        return Err(Violation::new(
            "QUERY_TOO_DEEP",
            format!(
                "the query nests fields {} deep; the limit is {}",
                total.depth, limits.max_depth
            ),
        ));
    }
    let max_complexity = limits.max_complexity as u64;
    if total.complexity > max_complexity || total.fields > max_complexity {
        return Err(Violation::new(
            "QUERY_TOO_COMPLEX",
            format!(
                "the document costs {} points and selects {} fields with its fragments \
                 expanded; the limit is {max_complexity} of each. An object costs 1 and a \
                 scalar 0; a connection costs 2 + first × one node, a nested list its \
                 longest length in the data × one item, `nodes` one item per ID; unused \
                 operations and fragments count too",
                total.complexity, total.fields
            ),
        ));
    }
    Ok(Cost {
        complexity: total.complexity,
        depth: total.depth,
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
    /// The operation being priced, for the defaults of its variables.
    operation: Option<&'a OperationDefinition>,
    types: &'a SdlIndex,
    lengths: &'a ListLengths,
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
                Selection::Field(field) => self.field(&field.node, parent)?,
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

    fn field(&mut self, field: &'a Field, parent: Option<&str>) -> Result<Tally, Violation> {
        let info = parent.and_then(|parent| self.types.field(parent, &field.name.node));
        if let Some(info) = info {
            for (name, value) in &field.arguments {
                if let Some(ty) = info.arguments.get(name.node.as_str()) {
                    check_ints(self.types, &value.node, ty)?;
                }
            }
        }
        let children =
            self.selection_set(&field.selection_set.node, info.map(FieldInfo::named_type))?;
        let one_item = 1u64.saturating_add(children.complexity);
        let (complexity, per_item) = match info.map(|info| info.pricing) {
            // `__typename`, and introspection's own leaves.
            None if field.selection_set.node.items.is_empty() => (0, 0),
            // Introspection objects, which the SDL does not describe: priced as objects, so
            // that GraphiQL's introspection stays cheap.
            None | Some(Pricing::Object) => (one_item, 0),
            Some(Pricing::Leaf) => (0, 0),
            Some(Pricing::Connection { default_page }) => {
                let page = self.page_size(&field.arguments).unwrap_or(default_page);
                let complexity = 2u64
                    .saturating_add(children.complexity)
                    .saturating_add(page.saturating_mul(children.per_item));
                (complexity, 0)
            }
            Some(Pricing::ConnectionItems { edges }) => {
                (0, if edges { children.complexity } else { one_item })
            }
            Some(Pricing::Page { default_page }) => {
                let page = self.page_size(&field.arguments).unwrap_or(default_page);
                (page.saturating_mul(one_item), 0)
            }
            Some(Pricing::PerId) => {
                let ids = self.list_length(&field.arguments, "ids").unwrap_or(0);
                (ids.saturating_mul(one_item), 0)
            }
            Some(Pricing::BoundedList) => {
                let longest = parent.map_or(MAX_PAGE_SIZE as u64, |parent| {
                    self.lengths.longest(parent, &field.name.node)
                });
                // `first` narrows a list, and so does the number of subjects a series asks for.
                let asked = self
                    .page_size(&field.arguments)
                    .or_else(|| self.list_length(&field.arguments, "subjects"));
                let items = asked.map_or(longest, |asked| asked.min(longest));
                (items.saturating_mul(one_item), 0)
            }
        };
        Ok(Tally {
            complexity,
            per_item,
            depth: children.depth.saturating_add(1),
            fields: children.fields.saturating_add(1),
        })
    }

    /// The page size a field asks for with `first` or `last`, from a literal or a variable,
    /// clamped to what the server would return.
    fn page_size(&self, arguments: &[(Positioned<Name>, Positioned<Value>)]) -> Option<u64> {
        arguments
            .iter()
            .filter(|(name, _)| name.node == "first" || name.node == "last")
            .filter_map(|(_, value)| match self.resolve(&value.node) {
                Some(ConstValue::Number(number)) => number.as_i64(),
                _ => None,
            })
            .max()
            .map(|size| size.clamp(0, MAX_PAGE_SIZE as i64) as u64)
    }

    /// How many values a list argument holds; a single value is a list of one, as input
    /// coercion makes it. `None` when it is absent or null.
    fn list_length(
        &self,
        arguments: &[(Positioned<Name>, Positioned<Value>)],
        name: &str,
    ) -> Option<u64> {
        let (_, value) = arguments
            .iter()
            .find(|(argument, _)| argument.node == name)?;
        match &value.node {
            Value::List(items) => Some(items.len() as u64),
            other => match self.resolve(other)? {
                ConstValue::List(items) => Some(items.len() as u64),
                ConstValue::Null => None,
                _ => Some(1),
            },
        }
    }

    /// A literal, or a variable's value: the one given, else its default.
    fn resolve(&self, value: &Value) -> Option<ConstValue> {
        match value {
            Value::Variable(name) => self.variables.get(name).cloned().or_else(|| {
                self.operation?
                    .variable_definitions
                    .iter()
                    .find(|definition| definition.node.name.node == *name)
                    .and_then(|definition| definition.node.default_value.as_ref())
                    .map(|value| value.node.clone())
            }),
            literal => literal.clone().into_const(),
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
        check_lengths(query, variables, &ListLengths::default())
    }

    fn check_lengths(
        query: &str,
        variables: Variables,
        lengths: &ListLengths,
    ) -> Result<Cost, Violation> {
        let limits = LimitSettings::default();
        check_text(query, &limits)?;
        let document = async_graphql::parser::parse_query(query).expect("parses");
        let types = SdlIndex::from_sdl(&super::super::sdl());
        analyze(&document, None, &variables, &types, lengths, &limits)
    }

    fn cost(query: &str) -> u64 {
        check(query)
            .unwrap_or_else(|violation| panic!("{query}: {violation:?}"))
            .complexity
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
        let types = SdlIndex::from_sdl(&super::super::sdl());
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
    fn every_list_the_data_bounds_has_a_known_length() {
        let types = SdlIndex::from_sdl(&super::super::sdl());
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
            let types = SdlIndex::from_sdl(&super::super::sdl());
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
}
