//! The whole dataset as a folder in the `data/` format holds it, read through a `Reader`:
//! live, or as a release froze it. `cityatlas import` of what this gives back loads the
//! same dataset.

use super::curated::Curated;
use super::view::Reader;
use crate::dataset::{Dataset, ObservationRecord};
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension, subject,
};
use crate::error::Error;
use sea_orm::{ActiveEnum, EntityTrait, QueryOrder};
use std::collections::HashMap;

/// Every row of a curated table as its records: in the order they were stored, for the
/// tables with a surrogate id; a link table's rows come as the database lists them.
async fn records<M>(reader: &Reader) -> Result<Vec<M::Record>, Error>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let mut rows = M::Entity::find().all(reader).await?;
    rows.sort_by_key(|row| row.surrogate_id());
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        records.push(row.record_of(reader).await?);
    }
    Ok(records)
}

/// The dataset as the reader sees it.
pub async fn dataset(reader: &Reader) -> Result<Dataset, Error> {
    Ok(Dataset {
        sources: records::<source::Model>(reader).await?,
        regions: records::<region::Model>(reader).await?,
        countries: records::<country::Model>(reader).await?,
        cities: records::<city::Model>(reader).await?,
        companies: records::<company::Model>(reader).await?,
        projects: records::<project::Model>(reader).await?,
        project_companies: records::<project_company::Model>(reader).await?,
        policies: records::<policy::Model>(reader).await?,
        policy_cities: records::<policy_city::Model>(reader).await?,
        policy_companies: records::<policy_company::Model>(reader).await?,
        company_sanctions: records::<company_sanction::Model>(reader).await?,
        indicators: records::<indicator::Model>(reader).await?,
        observations: observations(reader).await?,
        strategic_comparison: records::<strategic_dimension::Model>(reader).await?,
    })
}

/// The figures, their references named from three lookups rather than one per figure.
async fn observations(reader: &Reader) -> Result<Vec<ObservationRecord>, Error> {
    let indicators: HashMap<i32, String> = indicator::Entity::find()
        .all(reader)
        .await?
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect();
    let subjects: HashMap<i32, subject::Model> = subject::Entity::find()
        .all(reader)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let sources: HashMap<i32, String> = source::Entity::find()
        .all(reader)
        .await?
        .into_iter()
        .map(|s| (s.id, s.slug))
        .collect();
    let named = |found: Option<&String>, what: &str, id: i32| {
        found.cloned().ok_or_else(|| Error::Internal {
            detail: format!("an observation refers to {what} {id}, which is not there"),
        })
    };
    let rows = observation::Entity::find()
        .order_by_asc(observation::Column::Id)
        .all(reader)
        .await?;
    let mut records = Vec::with_capacity(rows.len());
    for row in rows {
        let subject = subjects
            .get(&row.subject_id)
            .ok_or_else(|| Error::Internal {
                detail: format!(
                    "an observation refers to subject {}, which is not there",
                    row.subject_id
                ),
            })?;
        records.push(ObservationRecord {
            indicator: named(
                indicators.get(&row.indicator_id),
                "indicator",
                row.indicator_id,
            )?,
            subject_kind: subject.kind.to_value(),
            subject: subject.key.clone(),
            period: row.period,
            category: row.category,
            value: row.value,
            value_text: row.value_text,
            unit: row.unit,
            scale: row.scale,
            qualifier: row.qualifier.to_value(),
            status: row.status.to_value(),
            source: named(sources.get(&row.source_id), "source", row.source_id)?,
            cited_in: row.cited_in,
            caveat: row.caveat,
        });
    }
    Ok(records)
}
