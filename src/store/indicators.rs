//! The list of indicators.

use super::filters;
use super::keys;
use super::list::{self, Listing};
use super::paging::SortKey;
use crate::entities::{indicator, observation, subject};
use crate::error::Error;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};
use serde_json::json;

/// Narrows the indicators.
#[derive(Debug, Default)]
pub struct IndicatorQuery {
    pub topic: Option<Vec<String>>,
    pub unit: Option<Vec<String>>,
    /// Only indicators with observations about subjects of these kinds.
    pub subject_kind: Option<Vec<subject::SubjectKind>>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum IndicatorSort {
    #[default]
    Code,
    Name,
    Topic,
}

impl Listing for IndicatorQuery {
    type Entity = indicator::Entity;
    type Field = IndicatorSort;
    const NAME: &'static str = "indicators";
    const ID: indicator::Column = indicator::Column::Id;

    fn id(row: &indicator::Model) -> i32 {
        row.id
    }

    fn sort_key(field: IndicatorSort) -> SortKey<indicator::Model> {
        use indicator::Column as C;
        match field {
            IndicatorSort::Code => list::text::<indicator::Entity>(C::Code, |m| json!(m.code)),
            IndicatorSort::Name => list::text::<indicator::Entity>(C::Name, |m| json!(m.name)),
            IndicatorSort::Topic => list::text::<indicator::Entity>(C::Topic, |m| json!(m.topic)),
        }
    }

    fn select(&self) -> Result<Select<indicator::Entity>, Error> {
        use indicator::Column as C;
        let mut select =
            filters::one_of(indicator::Entity::find(), "topic", C::Topic, &self.topic)?;
        select = filters::one_of(select, "unit", C::Unit, &self.unit)?;
        if let Some(kinds) = &self.subject_kind {
            select = select.filter(C::Id.in_subquery(keys::linked::<observation::Entity>(
                observation::Column::IndicatorId,
                observation::Column::SubjectId,
                keys::subject_ids_of_kinds(kinds),
            )));
        }
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}
