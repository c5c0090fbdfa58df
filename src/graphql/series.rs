//! Indicators' aligned time series, and the growth rates derived from them.

use super::derived_values::{DerivedValue, input};
use super::interfaces::Subject;
use super::loaders::{SubjectById, SubjectRow, subject_rows};
use super::observations::Observation;
use super::{database, loaders};
use crate::derived;
use crate::entities::{indicator, observation};
use crate::error::Error;
use crate::store::series::{self as store, Point, SeriesQuery};
use async_graphql::{Context, Object, Result};

/// One subject's values of one indicator over time.
pub struct Series {
    subject: SubjectRow,
    category: Option<String>,
    indicator: indicator::Model,
    points: Vec<Point>,
}

/// One subject's values of an indicator, aligned with the other series of the same request.
#[Object]
impl Series {
    /// The subject of the series.
    async fn subject(&self) -> Subject {
        self.subject.clone().into()
    }

    /// The category of the series, for broken-down indicators such as unicorn shares by
    /// industry.
    async fn category(&self) -> Option<&str> {
        self.category.as_deref()
    }

    /// The unit of every value, e.g. `USD`.
    async fn unit(&self) -> &str {
        &self.indicator.unit
    }

    /// The scale of every value, e.g. `billion`.
    async fn scale(&self) -> &str {
        &self.indicator.scale
    }

    /// One point per period of the request, oldest first; `value` is `null` where the paper
    /// gives no figure for this subject.
    async fn points(&self) -> Vec<SeriesPoint> {
        self.points.iter().cloned().map(SeriesPoint).collect()
    }

    /// The change from each published year to the next published one, in percent. Where
    /// years are missing in between, the change is annualized over the gap and says so.
    /// Where only one year is published, one value whose `value` is `null`, with a warning
    /// that says so; empty where no year is.
    async fn year_over_year(&self, ctx: &Context<'_>) -> Result<Vec<DerivedValue>> {
        let published: Vec<&observation::Model> = self
            .points
            .iter()
            .filter_map(|point| point.observation.as_ref())
            .collect();
        let mut changes = Vec::new();
        for pair in published.windows(2) {
            let (previous, current) = (pair[0], pair[1]);
            let years = current.year - previous.year;
            if years < 1 {
                continue;
            }
            let derived = derived::year_over_year(
                &input(ctx, &self.indicator, previous).await?,
                &input(ctx, &self.indicator, current).await?,
                years,
            );
            changes.push(DerivedValue::new(
                derived,
                vec![previous.clone(), current.clone()],
            ));
        }
        if changes.is_empty()
            && let Some(only) = published.last()
        {
            changes.push(DerivedValue::new(
                derived::single_year(derived::Kind::YearOverYear, only.year),
                vec![(*only).clone()],
            ));
        }
        Ok(changes)
    }

    /// The compound annual growth rate between two years, in percent: by default from the
    /// first published year to the last. `null` if either year has no figure. Where both
    /// come to the same year (one published year, or a default that falls on the year
    /// given), `value` is `null` and `warnings` says why. When both are given, `to` must
    /// be after `from`.
    async fn cagr(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The start year; the first published year by default.")] from: Option<i32>,
        #[graphql(desc = "The end year; the last published year by default.")] to: Option<i32>,
    ) -> Result<Option<DerivedValue>> {
        if let (Some(from), Some(to)) = (from, to)
            && to <= from
        {
            return Err(
                Error::BadUserInput(format!("`to` ({to}) must be after `from` ({from})")).into(),
            );
        }
        let published: Vec<&observation::Model> = self
            .points
            .iter()
            .filter_map(|point| point.observation.as_ref())
            .collect();
        let find = |year: i32| published.iter().find(|o| o.year == year).copied();
        let start = from.map_or_else(|| published.first().copied(), find);
        let end = to.map_or_else(|| published.last().copied(), find);
        let (Some(start), Some(end)) = (start, end) else {
            return Ok(None);
        };
        // Only a default can bring the two years together: an explicit pair was checked
        // above, and a default is the first or last published year, never beyond the other.
        if end.year <= start.year {
            return Ok(Some(DerivedValue::new(
                derived::single_year(derived::Kind::Cagr, end.year),
                vec![end.clone()],
            )));
        }
        let derived = derived::cagr(
            &input(ctx, &self.indicator, start).await?,
            &input(ctx, &self.indicator, end).await?,
            end.year - start.year,
        );
        Ok(Some(DerivedValue::new(
            derived,
            vec![start.clone(), end.clone()],
        )))
    }
}

pub struct SeriesPoint(Point);

/// One period of a series: the published value, or `null` where there is none.
#[Object]
impl SeriesPoint {
    /// The calendar year of the period.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The period, e.g. `2024` or `2024-Q3`.
    async fn period(&self) -> &str {
        &self.0.period
    }

    /// The published value; `null` where the paper gives none for this subject and period.
    async fn value(&self) -> Option<f64> {
        self.0.observation.as_ref().map(|o| o.value)
    }

    /// The observation behind the value, with its source and caveats.
    async fn observation(&self) -> Option<Observation> {
        self.0.observation.clone().map(Observation)
    }
}

/// The series of one indicator that the query asks for, with their subjects.
pub async fn of_indicator(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    query: &SeriesQuery,
) -> Result<Vec<Series>, Error> {
    let db = database(ctx)?;
    let set = store::series(db, indicator.id, query).await?;
    // Subjects asked for by key are already known, kinds and all: one statement per kind
    // reads their rows, where the loader would first read them again.
    let subject_rows = match &set.requested {
        Some(found) => subject_rows(db, found).await?,
        None => {
            loaders(ctx)?
                .load_many(
                    set.series
                        .iter()
                        .map(|series| SubjectById(series.subject_id)),
                )
                .await?
        }
    };
    Ok(set
        .series
        .into_iter()
        .filter_map(|series| {
            Some(Series {
                subject: subject_rows.get(&SubjectById(series.subject_id))?.clone(),
                category: series.category,
                indicator: indicator.clone(),
                points: series.points,
            })
        })
        .collect())
}
