//! Opaque global IDs: what Relay's `node` field takes, and what the audit log and the
//! change feed name rows by.
//!
//! An ID encodes the type name and the object's natural key (a code or slug, never a
//! database id), so it is the same on every database and after every reseed. The encoding
//! is base64url of `Type:key`; clients must treat it as opaque.

use crate::error::Error;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Separates the fields of a composite key (an observation's); never part of a code or slug.
pub const KEY_SEPARATOR: char = '\u{1f}';

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeType {
    Country,
    Region,
    City,
    Company,
    Project,
    Policy,
    Indicator,
    Observation,
    Source,
    StrategicDimension,
    Sanction,
}

impl NodeType {
    const ALL: [NodeType; 11] = [
        NodeType::Country,
        NodeType::Region,
        NodeType::City,
        NodeType::Company,
        NodeType::Project,
        NodeType::Policy,
        NodeType::Indicator,
        NodeType::Observation,
        NodeType::Source,
        NodeType::StrategicDimension,
        NodeType::Sanction,
    ];

    fn name(self) -> &'static str {
        match self {
            NodeType::Country => "Country",
            NodeType::Region => "Region",
            NodeType::City => "City",
            NodeType::Company => "Company",
            NodeType::Project => "Project",
            NodeType::Policy => "Policy",
            NodeType::Indicator => "Indicator",
            NodeType::Observation => "Observation",
            NodeType::Source => "Source",
            NodeType::StrategicDimension => "StrategicDimension",
            NodeType::Sanction => "Sanction",
        }
    }
}

pub fn encode(node_type: NodeType, key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{key}", node_type.name()))
}

/// The ID of a link between two nodes: their two IDs, which never hold a `/`, joined by
/// one.
pub fn link(first: (NodeType, &str), second: (NodeType, &str)) -> String {
    format!(
        "{}/{}",
        encode(first.0, first.1),
        encode(second.0, second.1)
    )
}

/// The type and natural key inside an ID; a malformed ID is the client's error.
pub fn decode(id: &str) -> Result<(NodeType, String), Error> {
    let invalid = || Error::BadUserInput(format!("{id:?} is not a City Atlas node ID"));
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    // No key holds a NUL, and PostgreSQL refuses one in a text parameter.
    if text.contains('\0') {
        return Err(invalid());
    }
    let (name, key) = text.split_once(':').ok_or_else(invalid)?;
    let node_type = NodeType::ALL
        .into_iter()
        .find(|t| t.name() == name)
        .ok_or_else(invalid)?;
    Ok((node_type, key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_do_not_show_the_key_in_clear() {
        let id = encode(NodeType::Country, "CN");
        assert_eq!(id.as_str(), "Q291bnRyeTpDTg");
        assert_eq!(
            decode(&id).expect("valid"),
            (NodeType::Country, "CN".to_owned())
        );
    }

    #[test]
    fn malformed_ids_are_user_errors() {
        for bad in [
            "",
            "!!!",
            "Q291bnRyeQ",
            &URL_SAFE_NO_PAD.encode("Planet:Mars"),
        ] {
            let error = decode(bad).expect_err("must be rejected");
            assert_eq!(error.code(), "BAD_USER_INPUT", "{bad}");
        }
    }
}
