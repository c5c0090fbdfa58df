//! The root query type.

use super::types::Indicator;
use crate::entities::indicator;
use crate::error::GraphqlResultExt;
use async_graphql::{Context, Object, Result};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

pub struct Query;

/// City Atlas: figures on AI-driven smart cities in China and the USA, each with its source.
#[Object]
impl Query {
    /// The version of the City Atlas service answering this request.
    async fn api_version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }

    /// An indicator by its stable code, such as `ai_market_size`; `null` if there is none.
    async fn indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's stable code, e.g. `ai_enterprises`.")] code: String,
    ) -> Result<Option<Indicator>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let found = indicator::Entity::find()
            .filter(indicator::Column::Code.eq(code))
            .one(db)
            .await
            .into_graphql()?;
        Ok(found.map(Indicator::from))
    }
}
