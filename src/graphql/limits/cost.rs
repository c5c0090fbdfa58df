//! The cost model: how each field is priced, the walk that prices a document with each
//! fragment costed once, and the longest lists in the data ([`ListLengths`], with the
//! relation behind each list field) that price nested lists.

use super::Violation;
use super::document::check_ints;
use crate::configuration::LimitSettings;
use crate::graphql::sdl_index::{FieldInfo, SdlIndex, named_type};
use crate::store::list_lengths::{self, Relation};
use crate::store::paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, Field, FieldDefinition, OperationDefinition, OperationType,
    Selection, SelectionSet,
};
use async_graphql::{Name, Variables};
use async_graphql_value::{ConstValue, Value};
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::HashMap;

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

/// What a document costs, as the rate limiter charges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub complexity: u64,
    pub depth: u64,
}

/// The figures of one selection set, or of one fragment wherever it is spread.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tally {
    complexity: u64,
    /// The cost of one item of the connection this selection set belongs to: its `nodes`
    /// and `edges`, which the connection multiplies by its page size.
    per_item: u64,
    pub(super) depth: u64,
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

    /// The document's cost, unless its price or its fields with fragments expanded are
    /// over the limit.
    pub(super) fn priced(self, limits: &LimitSettings) -> Result<Cost, Violation> {
        let max_complexity = limits.max_complexity as u64;
        if self.complexity > max_complexity || self.fields > max_complexity {
            return Err(Violation::new(
                "QUERY_TOO_COMPLEX",
                format!(
                    "the document costs {} points and selects {} fields with its fragments \
                     expanded; the limit is {max_complexity} of each. An object costs 1 and a \
                     scalar 0; a connection costs 2 + first × one node, a nested list its \
                     longest length in the data × one item, `nodes` one item per ID; unused \
                     operations and fragments count too",
                    self.complexity, self.fields
                ),
            ));
        }
        Ok(Cost {
            complexity: self.complexity,
            depth: self.depth,
        })
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
        ("FigureCheck", "observations") => Fixed(1),
        ("Observation", "revisions") => Data(RevisionsOfObservation),
        ("Source", "revisions") => Data(RevisionsOfSource),
        ("Indicator", "revisions") => Data(RevisionsOfIndicator),
        ("Policy", "revisions") => Data(RevisionsOfPolicy),
        ("Sanction", "revisions") => Data(RevisionsOfSanction),
        ("Region", "revisions") => Data(RevisionsOfRegion),
        ("Country", "revisions") => Data(RevisionsOfCountry),
        ("City", "revisions") => Data(RevisionsOfCity),
        ("Company", "revisions") => Data(RevisionsOfCompany),
        ("Project", "revisions") => Data(RevisionsOfProject),
        ("StrategicDimension", "revisions") => Data(RevisionsOfDimension),
        ("ProjectParticipation", "revisions") => Data(RevisionsOfParticipation),
        ("PolicyInvolvement", "revisions") => Data(RevisionsOfInvolvement),
        ("PolicyCityLink", "revisions") => Data(RevisionsOfPolicyCity),
        // One per check a write makes, at most.
        (payload, "userErrors") if payload.ends_with("Payload") => Fixed(16),
        ("Query", "releases") => Data(Releases),
        _ => return None,
    })
}

/// The walk that prices a document, each fragment once.
pub(super) struct Analysis<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    /// The operation being priced, for the defaults of its variables.
    operation: Option<&'a OperationDefinition>,
    types: &'a SdlIndex,
    lengths: &'a ListLengths,
    /// `None` while a fragment is being costed, so a cycle is caught instead of recursing.
    fragments: HashMap<&'a str, Option<Tally>>,
    total: Tally,
}

impl<'a> Analysis<'a> {
    pub(super) fn new(
        document: &'a ExecutableDocument,
        variables: &'a Variables,
        types: &'a SdlIndex,
        lengths: &'a ListLengths,
    ) -> Self {
        Self {
            document,
            variables,
            operation: None,
            types,
            lengths,
            fragments: HashMap::new(),
            total: Tally::default(),
        }
    }

    /// Adds one operation's price. A fragment is priced once, where it is first spread,
    /// with the variable defaults of the operation that spreads it.
    pub(super) fn operation(
        &mut self,
        operation: &'a OperationDefinition,
    ) -> Result<(), Violation> {
        self.operation = Some(operation);
        let root_type = match operation.ty {
            OperationType::Query => self.types.query_type(),
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => "Subscription",
        };
        let tally = self.selection_set(&operation.selection_set.node, Some(root_type))?;
        self.total.add(tally);
        Ok(())
    }

    /// Adds the fragments that no operation spreads, and gives the figures of the whole
    /// document.
    pub(super) fn finish(mut self) -> Result<Tally, Violation> {
        self.operation = None;
        let document = self.document;
        for name in document.fragments.keys() {
            if !self.fragments.contains_key(name.as_str()) {
                let tally = self.fragment(name)?;
                self.total.add(tally);
            }
        }
        Ok(self.total)
    }

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
}

#[cfg(test)]
mod tests;
