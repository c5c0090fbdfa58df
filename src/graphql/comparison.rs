//! The strategic comparison of Table 1.

use super::ids::{self, NodeType};
use super::loaders::{CountryById, DimensionById, PositionsOfDimension, SourceById};
use super::objects::curated_object;
use super::places::Country;
use super::sources::Source;
use super::{children, referenced};
use crate::entities::{strategic_dimension, strategic_position};
use async_graphql::{Context, ID, Result};

#[derive(Clone)]
pub struct StrategicDimension(pub strategic_dimension::Model);

curated_object! {
    /// A row of Table 1: one dimension of the China–USA strategic comparison.
    StrategicDimension;
    history RevisionsOfDimension(id);
    {
        /// The global, opaque ID of this row.
        pub async fn id(&self) -> ID {
            ids::encode(NodeType::StrategicDimension, &self.0.slug)
        }

        /// The row's stable slug, e.g. `drive-model`.
        async fn slug(&self) -> &str {
            &self.0.slug
        }

        /// The row's position in Table 1, from 1.
        async fn ordinal(&self) -> i32 {
            self.0.ordinal
        }

        /// The dimension compared, e.g. "Drive model".
        async fn dimension(&self) -> &str {
            &self.0.dimension
        }

        /// Each country's cell in this row, China first as in the table.
        async fn positions(&self, ctx: &Context<'_>) -> Result<Vec<StrategicPosition>> {
            Ok(children(
                ctx,
                PositionsOfDimension(self.0.id, None),
                StrategicPosition,
            )
            .await?)
        }

        /// The table's "key difference" column, e.g. "Planned vs Incentive".
        async fn key_difference(&self) -> &str {
            &self.0.key_difference
        }

        /// The publication the row comes from: the paper itself.
        async fn source(&self, ctx: &Context<'_>) -> Result<Source> {
            Ok(Source(
                referenced(ctx, SourceById(self.0.source_id), "dimension's source").await?,
            ))
        }

        /// Where the row stands in the paper: "Table 1".
        async fn cited_in(&self) -> &str {
            &self.0.cited_in
        }
    }
}

#[derive(Clone)]
pub struct StrategicPosition(pub strategic_position::Model);

curated_object! {
    /// One country's cell in a row of Table 1.
    StrategicPosition;
    revision;
    created_at;
    updated_at;
    {
        /// The country.
        async fn country(&self, ctx: &Context<'_>) -> Result<Country> {
            Ok(Country(
                referenced(ctx, CountryById(self.0.country_id), "position's country").await?,
            ))
        }

        /// The row the cell belongs to.
        async fn dimension(&self, ctx: &Context<'_>) -> Result<StrategicDimension> {
            Ok(StrategicDimension(
                referenced(
                    ctx,
                    DimensionById(self.0.dimension_id),
                    "position's dimension",
                )
                .await?,
            ))
        }

        /// The cell's text, e.g. "Government-led".
        async fn text(&self) -> &str {
            &self.0.text
        }
    }
}
