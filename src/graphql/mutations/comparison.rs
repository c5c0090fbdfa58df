//! The mutations of Table 1's rows: a dimension of the strategic comparison with the
//! position of China and of the United States in it, written together as printed.

use super::UserError;
use super::curated::set;
use crate::dataset::StrategicComparisonRecord;
use crate::graphql::comparison::StrategicDimension;
use async_graphql::{ID, InputObject, SimpleObject};

/// A new row of Table 1.
#[derive(InputObject, Clone, Debug)]
pub struct CreateStrategicDimensionInput {
    /// The slug it is known by, e.g. `drive-model`; it never changes.
    pub slug: String,
    /// Its place in the table, from 1; no two rows share one.
    pub ordinal: i32,
    /// The dimension compared, e.g. "Drive model".
    pub dimension: String,
    /// China's position, as printed.
    pub china: String,
    /// The United States' position, as printed.
    pub united_states: String,
    /// The key difference, as printed.
    pub key_difference: String,
    /// The slug of the source of the row.
    pub source: String,
    /// Where it stands in the paper or in its source.
    pub cited_in: String,
}

impl From<CreateStrategicDimensionInput> for StrategicComparisonRecord {
    fn from(input: CreateStrategicDimensionInput) -> Self {
        StrategicComparisonRecord {
            slug: input.slug,
            ordinal: input.ordinal,
            dimension: input.dimension,
            china: input.china,
            united_states: input.united_states,
            key_difference: input.key_difference,
            source: input.source,
            cited_in: input.cited_in,
        }
    }
}

/// A correction to a row of Table 1: only the fields given change. A changed position
/// becomes a new revision of that position, under the same audit event.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateStrategicDimensionInput {
    /// Its place in the table.
    pub ordinal: Option<i32>,
    /// The dimension compared.
    pub dimension: Option<String>,
    /// China's position.
    pub china: Option<String>,
    /// The United States' position.
    pub united_states: Option<String>,
    /// The key difference.
    pub key_difference: Option<String>,
    /// The slug of the source of the row.
    pub source: Option<String>,
    /// Where it stands in the paper or in its source.
    pub cited_in: Option<String>,
}

impl UpdateStrategicDimensionInput {
    fn apply(self, record: &mut StrategicComparisonRecord) {
        set(&mut record.ordinal, self.ordinal);
        set(&mut record.dimension, self.dimension);
        set(&mut record.china, self.china);
        set(&mut record.united_states, self.united_states);
        set(&mut record.key_difference, self.key_difference);
        set(&mut record.source, self.source);
        set(&mut record.cited_in, self.cited_in);
    }
}

node_mutations!(
    StrategicDimensionMutation: StrategicDimension
        over crate::entities::strategic_dimension::Model as StrategicDimension,
    record StrategicComparisonRecord,
    field strategic_dimension, retracted retracted_strategic_dimension_id,
    create create_strategic_dimension(CreateStrategicDimensionInput)
        -> CreateStrategicDimensionPayload:
        "Adds a row to Table 1, with both countries' positions. Takes an editor's token.",
    update update_strategic_dimension(UpdateStrategicDimensionInput)
        -> UpdateStrategicDimensionPayload:
        "Corrects a row of Table 1 at the revision the client read. Takes an editor's \
         token.",
    retract retract_strategic_dimension -> RetractStrategicDimensionPayload:
        "Retracts a row of Table 1 with its positions. Takes an editor's token.",
    described "The row.", "The row's global ID.",
        "The row's `revision` when it was read.",
);
