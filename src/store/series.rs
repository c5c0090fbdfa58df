//! Reads behind the indicators' series and derived values: aligned series, the pair of
//! figures a share or ratio divides, and one figure by indicator, subject and period.

use super::filters;
use crate::entities::{indicator, observation, subject};
use crate::error::Error;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::HashMap;

/// Most observations one series request reads; narrow by subject or year beyond that.
const MAX_SERIES_OBSERVATIONS: u64 = 10_000;

/// What a series request asks for.
#[derive(Debug, Default)]
pub struct SeriesQuery {
    /// Subject keys; all subjects with data by default.
    pub subjects: Option<Vec<String>>,
    pub from: Option<i32>,
    pub to: Option<i32>,
    pub category: Option<Vec<String>>,
}

/// One subject's (and category's) values, one point per period of the whole request.
pub struct Series {
    pub subject_id: i32,
    pub category: Option<String>,
    pub points: Vec<Point>,
}

/// One period of a series; `observation` is `None` where the subject has no figure.
#[derive(Clone)]
pub struct Point {
    pub year: i32,
    pub period: String,
    pub observation: Option<observation::Model>,
}

/// The series of one indicator, and the subjects the request named (their kinds known, so
/// the caller can read their rows without reading the subjects again).
pub struct SeriesSet {
    pub requested: Option<Vec<subject::Model>>,
    pub series: Vec<Series>,
}

/// One series per (subject, category) with data, aligned on the same periods; a requested
/// subject without data still gets its all-empty series, so the answer has one series per
/// subject asked for. Never interpolates.
pub async fn series(
    db: &impl ConnectionTrait,
    indicator_id: i32,
    query: &SeriesQuery,
) -> Result<SeriesSet, Error> {
    filters::year_range(query.from, query.to)?;
    let mut select = observation::Entity::find()
        .filter(observation::Column::IndicatorId.eq(indicator_id))
        .filter(filters::within_years(
            Expr::col((observation::Entity, observation::Column::Year)),
            query.from,
            query.to,
        ));
    let mut requested = None;
    if let Some(keys) = &query.subjects {
        let found = subjects_by_keys(db, filters::values("subjects", keys)?).await?;
        let ids: Vec<i32> = found.iter().map(|subject| subject.id).collect();
        select = select.filter(observation::Column::SubjectId.is_in(ids));
        requested = Some(found);
    }
    select = filters::one_of(
        select,
        "category",
        observation::Column::Category,
        &query.category,
    )?;
    let rows = select
        .order_by_asc(observation::Column::Year)
        .order_by_asc(observation::Column::Period)
        .order_by_asc(observation::Column::Id)
        .limit(MAX_SERIES_OBSERVATIONS + 1)
        .all(db)
        .await?;
    if rows.len() as u64 > MAX_SERIES_OBSERVATIONS {
        return Err(Error::BadUserInput(format!(
            "the series would read more than {MAX_SERIES_OBSERVATIONS} observations; narrow \
             it with `subjects`, `from` and `to`"
        )));
    }
    let requested_ids: Option<Vec<i32>> = requested
        .as_ref()
        .map(|found: &Vec<subject::Model>| found.iter().map(|s| s.id).collect());
    Ok(SeriesSet {
        series: align(rows, requested_ids.as_deref()),
        requested,
    })
}

/// Groups rows (ordered by year, period, id) into series on one axis of periods.
fn align(rows: Vec<observation::Model>, requested: Option<&[i32]>) -> Vec<Series> {
    let mut axis: Vec<(i32, String)> = rows.iter().map(|o| (o.year, o.period.clone())).collect();
    axis.sort();
    axis.dedup();

    let mut data_keys: Vec<(i32, Option<String>)> = Vec::new();
    for row in &rows {
        let key = (row.subject_id, row.category.clone());
        if !data_keys.contains(&key) {
            data_keys.push(key);
        }
    }
    let keys: Vec<(i32, Option<String>)> = match requested {
        None => data_keys,
        Some(requested) => requested
            .iter()
            .flat_map(|&id| {
                let of_subject: Vec<_> = data_keys.iter().filter(|k| k.0 == id).cloned().collect();
                if of_subject.is_empty() {
                    vec![(id, None)]
                } else {
                    of_subject
                }
            })
            .collect(),
    };
    let mut by_key: HashMap<(i32, Option<String>), Vec<observation::Model>> = HashMap::new();
    for row in rows {
        by_key
            .entry((row.subject_id, row.category.clone()))
            .or_default()
            .push(row);
    }
    keys.into_iter()
        .map(|(subject_id, category)| {
            let observations = by_key
                .get(&(subject_id, category.clone()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let points = axis
                .iter()
                .map(|(year, period)| Point {
                    year: *year,
                    period: period.clone(),
                    observation: observations
                        .iter()
                        .find(|o| o.year == *year && &o.period == period)
                        .cloned(),
                })
                .collect();
            Series {
                subject_id,
                category,
                points,
            }
        })
        .collect()
}

/// The subject ids behind a key; keys are unique within a kind, so one key may name a
/// country and a company alike.
async fn subject_ids(db: &impl ConnectionTrait, key: &str) -> Result<Vec<i32>, Error> {
    let ids: Vec<i32> = subject::Entity::find()
        .select_only()
        .column(subject::Column::Id)
        .filter(subject::Column::Key.eq(key))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Err(Error::BadUserInput(format!("there is no subject {key:?}")));
    }
    Ok(ids)
}

/// The subjects behind several keys, in the keys' order, in one statement.
async fn subjects_by_keys(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<subject::Model>, Error> {
    let rows = subject::Entity::find()
        .filter(subject::Column::Key.is_in(keys.iter().cloned()))
        .order_by_asc(subject::Column::Id)
        .all(db)
        .await?;
    let mut ordered = Vec::with_capacity(rows.len());
    for key in keys {
        let before = ordered.len();
        ordered.extend(rows.iter().filter(|row| &row.key == key).cloned());
        if ordered.len() == before {
            return Err(Error::BadUserInput(format!("there is no subject {key:?}")));
        }
    }
    Ok(ordered)
}

/// One indicator's observations of some subjects in one category (`None`: the totals),
/// in one period or all, latest first.
fn figures_of(
    indicator_id: i32,
    subject_ids: Vec<i32>,
    period: Option<&str>,
    category: Option<&str>,
) -> Select<observation::Entity> {
    use observation::Column as C;
    let mut select = observation::Entity::find()
        .filter(C::IndicatorId.eq(indicator_id))
        .filter(C::SubjectId.is_in(subject_ids));
    select = match category {
        Some(category) => select.filter(C::Category.eq(category)),
        None => select.filter(C::Category.is_null()),
    };
    if let Some(period) = period {
        select = select.filter(C::Period.eq(period));
    }
    select
        .order_by_desc(C::Year)
        .order_by_desc(C::Period)
        .order_by_asc(C::Id)
}

/// The observations of one indicator for two subjects in the same period: the given one,
/// or else the latest period both have.
pub async fn pair(
    db: &impl ConnectionTrait,
    indicator_id: i32,
    subjects: (&str, &str),
    period: Option<&str>,
    category: Option<&str>,
) -> Result<Option<(observation::Model, observation::Model)>, Error> {
    let of = |key| async move {
        let ids = subject_ids(db, key).await?;
        Ok::<_, Error>(
            figures_of(indicator_id, ids, period, category)
                .all(db)
                .await?,
        )
    };
    let firsts = of(subjects.0).await?;
    let seconds = of(subjects.1).await?;
    Ok(firsts.into_iter().find_map(|a| {
        seconds
            .iter()
            .find(|b| b.period == a.period)
            .map(|b| (a.clone(), b.clone()))
    }))
}

/// A published figure named by indicator code, subject key and period.
#[derive(Debug)]
pub struct FigureQuery<'a> {
    pub indicator: &'a str,
    pub subject: &'a str,
    /// The latest published period by default.
    pub period: Option<&'a str>,
    pub category: Option<&'a str>,
}

/// The latest (or the given period's) observation of a figure, with its indicator.
pub async fn figure(
    db: &impl ConnectionTrait,
    figure: &FigureQuery<'_>,
) -> Result<Option<(indicator::Model, observation::Model)>, Error> {
    let Some(indicator) = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(figure.indicator))
        .one(db)
        .await?
    else {
        return Err(Error::BadUserInput(format!(
            "there is no indicator {:?}",
            figure.indicator
        )));
    };
    let subjects = subject_ids(db, figure.subject).await?;
    let observation = figures_of(indicator.id, subjects, figure.period, figure.category)
        .one(db)
        .await?;
    Ok(observation.map(|o| (indicator, o)))
}
