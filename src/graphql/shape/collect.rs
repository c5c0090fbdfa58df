//! CollectFields, as the specification defines it, over the executed document: the response
//! keys each selection set yields for a type, with their fields and types, planned once per
//! key and type rather than once per value.

use crate::graphql::sdl_index::SdlIndex;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::Positioned;
use async_graphql::parser::types::{Field, FragmentDefinition, Selection, SelectionSet, Type};
use async_graphql::{Name, Value};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

/// One response key of a selection set after CollectFields: every field selected under it,
/// in document order, its type, and the fields selected under its values, collected once
/// for all the values under the key (every item of a list, say).
pub(super) struct Entry<'a> {
    pub(super) key: &'a Name,
    pub(super) name: &'a str,
    pub(super) fields: Vec<&'a Positioned<Field>>,
    /// Looked up on the concrete type when known, else on the innermost type condition
    /// around the first occurrence; `None` for `__typename` and introspection.
    pub(super) ty: Option<&'a Type>,
    /// What values of an object type select.
    plan: OnceCell<Vec<Entry<'a>>>,
    /// What values of an abstract type select: over every fragment, and per object type
    /// once `__typename` tells it.
    loose: OnceCell<Vec<Entry<'a>>>,
    typed: RefCell<Vec<(&'a str, Entries<'a>)>>,
}

type Entries<'a> = Rc<Vec<Entry<'a>>>;

/// The fields selected under one value: borrowed from its entry, or shared per type.
pub(super) enum Plan<'p, 'a> {
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
pub(super) struct Collector<'a> {
    pub(super) types: &'a SdlIndex,
    pub(super) fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
}

impl<'a> Collector<'a> {
    /// The spec's CollectFields over the merged selection sets of one response key.
    pub(super) fn collect(
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
    pub(super) fn plan<'p>(
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
