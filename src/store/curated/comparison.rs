//! Table 1's rows: a dimension of the strategic comparison with the position of each
//! country in it. A row is written as printed, one column per country; its positions are
//! the rows it owns, written, revised and retracted with it under its audit event.

use super::{SOURCE, blank, delete, problem, rows};
use crate::dataset::{ProblemKind, StrategicComparisonRecord};
use crate::entities::{country, strategic_dimension, strategic_position};
use crate::error::Error;
use crate::seed::Seeded;
use crate::store::curation::Problem;
use crate::store::history;
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait,
    IdenStatic, IntoActiveModel, QueryFilter,
};

/// The countries Table 1 compares, by code, with the record's column for each.
fn columns(record: &StrategicComparisonRecord) -> [(&'static str, &str); 2] {
    [("CN", &record.china), ("US", &record.united_states)]
}

async fn country_id(db: &impl ConnectionTrait, code: &str) -> Result<i32, Error> {
    let found = country::Entity::find()
        .filter(country::Column::Code.eq(code))
        .one(db)
        .await?;
    found.map(|c| c.id).ok_or_else(|| Error::Internal {
        detail: format!("Table 1 compares the country {code}, which is not in the database"),
    })
}

async fn position(
    db: &impl ConnectionTrait,
    dimension_id: i32,
    country_id: i32,
) -> Result<Option<strategic_position::Model>, Error> {
    Ok(strategic_position::Entity::find()
        .filter(strategic_position::Column::DimensionId.eq(dimension_id))
        .filter(strategic_position::Column::CountryId.eq(country_id))
        .one(db)
        .await?)
}

/// A row's live positions.
async fn positions_of(
    db: &impl ConnectionTrait,
    dimension_id: i32,
) -> Result<Vec<strategic_position::Model>, Error> {
    Ok(strategic_position::Entity::find()
        .filter(strategic_position::Column::DimensionId.eq(dimension_id))
        .all(db)
        .await?)
}

/// Records a position's state as the revision its row's audit `event` made.
async fn record_position(
    txn: &DatabaseTransaction,
    position: &strategic_position::Model,
    event: i32,
    retracted: bool,
) -> Result<(), Error> {
    let key = position.primary_key();
    history::record::<strategic_position::Entity>(txn, &key, event, retracted).await
}

impl strategic_dimension::Model {
    /// The row as printed, with these positions in its country columns.
    async fn record_with(
        &self,
        db: &impl ConnectionTrait,
        positions: Vec<strategic_position::Model>,
    ) -> Result<StrategicComparisonRecord, Error> {
        let mut texts = [String::new(), String::new()];
        for (text, code) in texts.iter_mut().zip(["CN", "US"]) {
            let country = country_id(db, code).await?;
            if let Some(found) = positions.iter().find(|p| p.country_id == country) {
                text.clone_from(&found.text);
            }
        }
        let [china, united_states] = texts;
        Ok(StrategicComparisonRecord {
            slug: self.slug.clone(),
            ordinal: self.ordinal,
            dimension: self.dimension.clone(),
            china,
            united_states,
            key_difference: self.key_difference.clone(),
            source: SOURCE.key(db, self.source_id).await?,
            cited_in: self.cited_in.clone(),
        })
    }
}

curated! {
    strategic_dimension: StrategicComparisonRecord as "StrategicDimension", keyed by slug in Slug;

    async fn build(
        db: &impl ConnectionTrait,
        record: StrategicComparisonRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("dimension", &record.dimension),
                ("china", &record.china),
                ("unitedStates", &record.united_states),
                ("keyDifference", &record.key_difference),
                ("citedIn", &record.cited_in),
            ],
        );
        let taken = strategic_dimension::Entity::find()
            .filter(strategic_dimension::Column::Ordinal.eq(record.ordinal))
            .filter(strategic_dimension::Column::Slug.ne(record.slug.as_str()))
            .one(db)
            .await?;
        if let Some(taken) = taken {
            problems.push(problem(
                "ordinal",
                ProblemKind::Duplicate,
                format!(
                    "row {} of Table 1 is {:?} already; give another ordinal, or move that \
                     row first",
                    record.ordinal, taken.slug
                ),
            ));
        }
        let source = SOURCE.id(db, "source", &record.source, problems).await?;
        let (Some(source), true) = (source, problems.len() == before) else {
            return Ok(None);
        };
        Ok(Some(rows().strategic_dimension(record, source)))
    }

    async fn record_of(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<StrategicComparisonRecord, Error> {
        let positions = positions_of(db, self.id).await?;
        self.record_with(db, positions).await
    }

    async fn record_at(
        &self,
        db: &impl ConnectionTrait,
        event: i32,
    ) -> Result<StrategicComparisonRecord, Error> {
        let mine =
            Expr::col(Alias::new(strategic_position::Column::DimensionId.as_str())).eq(self.id);
        let positions = history::states_at::<strategic_position::Entity>(db, mine, event).await?;
        self.record_with(db, positions).await
    }

    /// Each country's position follows its column: inserted for a new row, revised where
    /// its text changed, left alone where it did not.
    async fn write_owned(
        txn: &DatabaseTransaction,
        row: &Self,
        record: &StrategicComparisonRecord,
        event: i32,
        _created: bool,
    ) -> Result<(), Error> {
        for (code, text) in columns(record) {
            let country = country_id(txn, code).await?;
            let written = match position(txn, row.id, country).await? {
                None => {
                    let new = rows().strategic_position(row.id, country, text.to_owned());
                    strategic_position::Entity::insert(new.into_insert())
                        .exec_without_returning(txn)
                        .await?;
                    position(txn, row.id, country).await?
                }
                Some(stored) if stored.text != text => {
                    let mut changed = stored.clone();
                    changed.text = text.to_owned();
                    changed.mark_changed(history::now());
                    Some(changed.into_active_model().reset_all().update(txn).await?)
                }
                Some(_) => None,
            };
            if let Some(written) = written {
                record_position(txn, &written, event, false).await?;
            }
        }
        Ok(())
    }

    async fn remove(
        txn: &DatabaseTransaction,
        row: &Self,
        event: i32,
    ) -> Result<Result<(), DbErr>, Error> {
        for position in positions_of(txn, row.id).await? {
            record_position(txn, &position, event, true).await?;
            if let Err(error) = position.into_active_model().delete(txn).await {
                return Ok(Err(error));
            }
        }
        Ok(delete(txn, row).await)
    }
}
