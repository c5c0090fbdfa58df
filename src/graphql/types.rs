//! Public GraphQL object types, converted from the storage entities.

use crate::entities::indicator;
use async_graphql::SimpleObject;

/// A measured quantity, such as the AI market size, with its unit and scale.
#[derive(SimpleObject)]
pub struct Indicator {
    /// Stable code, part of the public contract (e.g. `ai_market_size`).
    pub code: String,
    /// Human-readable name.
    pub name: String,
    /// What the indicator measures and according to whom.
    pub description: String,
    /// Unit of every value, e.g. `USD`, `CNY`, `percent` or `enterprises`.
    pub unit: String,
    /// Scale of every value, e.g. `billion`, `trillion` or `one`.
    pub scale: String,
    /// Comparability warning that applies to all of the indicator's values, if any.
    pub caveat: Option<String>,
}

impl From<indicator::Model> for Indicator {
    fn from(model: indicator::Model) -> Self {
        Self {
            code: model.code,
            name: model.name,
            description: model.description,
            unit: model.unit,
            scale: model.scale,
            caveat: model.caveat,
        }
    }
}
