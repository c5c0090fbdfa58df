//! Global IDs as GraphQL `ID`s; `crate::ids` holds their encoding.

pub use crate::ids::{KEY_SEPARATOR, NodeType, decode};

pub fn encode(node_type: NodeType, key: &str) -> async_graphql::ID {
    async_graphql::ID(crate::ids::encode(node_type, key))
}
