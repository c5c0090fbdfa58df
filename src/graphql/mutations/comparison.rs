//! The mutations of Table 1's rows: a dimension of the strategic comparison with the
//! position of China and of the United States in it, written together as printed.

use super::UserError;
use crate::dataset::StrategicComparisonRecord;
use crate::graphql::comparison::StrategicDimension;
use async_graphql::{ID, SimpleObject};

create_input! {
    /// A new row of Table 1.
    CreateStrategicDimensionInput => StrategicComparisonRecord {
        /// The slug it is known by, e.g. `drive-model`; it never changes.
        slug: String,
        /// Its place in the table, from 1; no two rows share one.
        ordinal: i32,
        /// The dimension compared, e.g. "Drive model".
        dimension: String,
        /// China's position, as printed.
        china: String,
        /// The United States' position, as printed.
        united_states: String,
        /// The key difference, as printed.
        key_difference: String,
        /// The slug of the source of the row.
        source: String,
        /// Where it stands in the paper or in its source.
        cited_in: String,
    }
}

update_input! {
    /// A correction to a row of Table 1: only the fields given change. A changed position
    /// becomes a new revision of that position, under the same audit event.
    UpdateStrategicDimensionInput => StrategicComparisonRecord {
        /// Its place in the table.
        ordinal: Option<i32>,
        /// The dimension compared.
        dimension: Option<String>,
        /// China's position.
        china: Option<String>,
        /// The United States' position.
        united_states: Option<String>,
        /// The key difference.
        key_difference: Option<String>,
        /// The slug of the source of the row.
        source: Option<String>,
        /// Where it stands in the paper or in its source.
        cited_in: Option<String>,
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
