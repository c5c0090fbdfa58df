//! One index of the served schema's SDL, read by both the cost model and response
//! completion: each object and interface type's fields with their full types, arguments and
//! pricing, each input object's fields, and the object types each abstract type may be.

use super::limits::Pricing;
use async_graphql::parser::types::{
    BaseType, FieldDefinition, Type, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use std::collections::{HashMap, HashSet};

/// The schema's types, read once from its SDL. Introspection types are not in it: cost
/// prices their fields as plain objects, and completion passes them through as executed.
pub struct SdlIndex {
    /// Object and interface types, each with its fields.
    types: HashMap<String, HashMap<String, FieldInfo>>,
    /// Each input object's fields and their types.
    input_fields: HashMap<String, HashMap<String, Type>>,
    /// Interfaces and unions, each with its possible object types.
    possible: HashMap<String, HashSet<String>>,
    query_type: String,
}

/// What the schema says about one field.
pub struct FieldInfo {
    /// With its list and non-null wrappers, which completion follows.
    pub ty: Type,
    pub arguments: HashMap<String, Type>,
    pub pricing: Pricing,
}

impl FieldInfo {
    fn new(parent: &str, field: FieldDefinition, composite: &HashSet<String>) -> Self {
        let pricing = Pricing::of(
            parent,
            &field,
            composite.contains(named_type(&field.ty.node)),
        );
        let arguments = field
            .arguments
            .into_iter()
            .map(|argument| (argument.node.name.node.to_string(), argument.node.ty.node))
            .collect();
        Self {
            ty: field.ty.node,
            arguments,
            pricing,
        }
    }

    /// The type its values have, inside any list.
    pub fn named_type(&self) -> &str {
        named_type(&self.ty)
    }
}

/// The named type inside a type's list and non-null wrappers.
pub fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}

impl SdlIndex {
    /// Reads the served schema's SDL; one that does not parse gives an empty index.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut index = Self {
            types: HashMap::new(),
            input_fields: HashMap::new(),
            possible: HashMap::new(),
            query_type: "Query".to_owned(),
        };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            return index;
        };
        // Pricing a field needs to know whether its type has fields, which may be defined
        // after it.
        let composite: HashSet<String> = document
            .definitions
            .iter()
            .filter_map(|definition| match definition {
                TypeSystemDefinition::Type(definition) => match definition.node.kind {
                    TypeKind::Object(_) | TypeKind::Interface(_) | TypeKind::Union(_) => {
                        Some(definition.node.name.node.to_string())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = schema.node.query {
                        index.query_type = query.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(definition) => index.add(definition.node, &composite),
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        index
    }

    fn add(&mut self, definition: TypeDefinition, composite: &HashSet<String>) {
        let name = definition.name.node.to_string();
        let fields = match definition.kind {
            TypeKind::Object(object) => {
                for interface in object.implements {
                    self.possible
                        .entry(interface.node.to_string())
                        .or_default()
                        .insert(name.clone());
                }
                object.fields
            }
            TypeKind::Interface(interface) => {
                self.possible.entry(name.clone()).or_default();
                interface.fields
            }
            TypeKind::Union(union) => {
                let members = self.possible.entry(name).or_default();
                members.extend(union.members.into_iter().map(|m| m.node.to_string()));
                return;
            }
            TypeKind::InputObject(input) => {
                let fields = input
                    .fields
                    .into_iter()
                    .map(|field| (field.node.name.node.to_string(), field.node.ty.node))
                    .collect();
                self.input_fields.insert(name, fields);
                return;
            }
            TypeKind::Scalar | TypeKind::Enum(_) => return,
        };
        let fields = fields
            .into_iter()
            .map(|field| {
                let field = field.node;
                let field_name = field.name.node.to_string();
                (field_name, FieldInfo::new(&name, field, composite))
            })
            .collect();
        self.types.insert(name, fields);
    }

    /// Whether the SDL gave no types, so that there is nothing to complete against.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    pub fn query_type(&self) -> &str {
        &self.query_type
    }

    pub fn field(&self, type_name: &str, field: &str) -> Option<&FieldInfo> {
        self.types.get(type_name)?.get(field)
    }

    pub fn field_type(&self, type_name: &str, field: &str) -> Option<&Type> {
        self.field(type_name, field).map(|field| &field.ty)
    }

    pub fn input_field(&self, input: &str, field: &str) -> Option<&Type> {
        self.input_fields.get(input)?.get(field)
    }

    /// The fields priced by the length of their lists in the data, as `(type, field)`.
    pub fn bounded_lists(&self) -> impl Iterator<Item = (&str, &str)> {
        self.types.iter().flat_map(|(parent, fields)| {
            fields
                .iter()
                .filter(|(_, info)| info.pricing == Pricing::BoundedList)
                .map(|(field, _)| (parent.as_str(), field.as_str()))
        })
    }

    pub fn is_abstract(&self, type_name: &str) -> bool {
        self.possible.contains_key(type_name)
    }

    /// The schema's own spelling of an object type's name, which outlives the data.
    pub fn object_type(&self, name: &str) -> Option<&str> {
        self.types
            .get_key_value(name)
            .filter(|_| !self.is_abstract(name))
            .map(|(name, _)| name.as_str())
    }

    /// Whether a fragment on `condition` applies to an object of type `concrete`; when the
    /// concrete type of an abstract value is unknown, every fragment is taken, and keys
    /// that did not apply are absent from the data without an error, so they stay out.
    pub fn applies(&self, condition: &str, concrete: Option<&str>) -> bool {
        concrete.is_none_or(|concrete| {
            condition == concrete
                || self
                    .possible
                    .get(condition)
                    .is_some_and(|types| types.contains(concrete))
        })
    }
}
