//! What the completion tests share: a small schema, errors at a path, and a response
//! completed as `GraphqlService::execute` completes it.

use super::complete;
use crate::graphql::sdl_index::SdlIndex;
use async_graphql::{PathSegment, Response, ServerError, Value};

pub const SDL: &str = r#"
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

pub fn error(message: &str, path: serde_json::Value) -> ServerError {
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
pub fn shape(
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
