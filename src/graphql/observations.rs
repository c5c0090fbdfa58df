//! Observations: each published figure with its unit, status, source and place in the paper.

use super::ids::{self, KEY_SEPARATOR, NodeType};
use super::indicators::Indicator;
use super::inputs::{ObservationFilter, ObservationOrder};
use super::interfaces::Subject;
use super::loaders::{IndicatorById, ObservationsOfSubject, SourceById, SubjectById, SubjectRow};
use super::paging::{self, PageArgs, connection};
use super::sources::Source;
use super::{loaders, referenced};
use crate::entities::{indicator, observation, source, subject};
use crate::error::Error;
use crate::formatting;
use crate::store::observations::{ObservationQuery, Scope};
use async_graphql::{Context, Enum, ID, Object, Result};

/// How far a figure is from a measured fact.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "observation::Status")]
pub enum ObservationStatus {
    /// Reported as measured by its source.
    Reported,
    /// An estimate by its source, e.g. a year not yet closed.
    Estimate,
    /// A forecast of a future value.
    Forecast,
    /// A goal that a policy or company has set.
    Target,
}

/// How the paper bounds a figure.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "observation::Qualifier")]
pub enum Qualifier {
    /// The figure as stated.
    Exact,
    /// "About" the figure.
    Approximately,
    /// "More than" the figure.
    MoreThan,
    /// "At least" the figure.
    AtLeast,
}

/// What kind of thing a subject is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "subject::SubjectKind")]
pub enum SubjectKind {
    /// A country, keyed by ISO code.
    Country,
    /// A region or aggregate such as `WORLD`, keyed by code.
    Region,
    /// A city, keyed by slug.
    City,
    /// A company, keyed by slug.
    Company,
    /// A smart-city project, keyed by slug.
    Project,
}

#[derive(Clone)]
pub struct Observation(pub observation::Model);

/// One published figure: an indicator's value for a subject and period, exactly as the paper
/// gives it, with its source and its place in the paper.
#[Object]
impl Observation {
    /// The global, opaque ID of this observation, built from its natural key (indicator,
    /// subject, period, category and source), so it survives reloads of the data.
    pub async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        let indicator: indicator::Model = referenced(
            ctx,
            IndicatorById(self.0.indicator_id),
            "observation's indicator",
        )
        .await?;
        let subject: SubjectRow =
            referenced(ctx, SubjectById(self.0.subject_id), "observation's subject").await?;
        let source: source::Model =
            referenced(ctx, SourceById(self.0.source_id), "observation's source").await?;
        let key = [
            indicator.code.as_str(),
            subject.kind_name(),
            subject.key(),
            &self.0.period,
            self.0.category.as_deref().unwrap_or_default(),
            &source.slug,
        ]
        .join(&KEY_SEPARATOR.to_string());
        Ok(ids::encode(NodeType::Observation, &key))
    }

    /// The value as a number, exactly as published (39.32 stays 39.32), in `unit` × `scale`.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// The value as the paper prints it, e.g. "39,32" with a decimal comma.
    async fn value_text(&self) -> &str {
        &self.0.value_text
    }

    /// The unit, e.g. `USD`, `CNY`, `percent` or `enterprises`.
    async fn unit(&self) -> &str {
        &self.0.unit
    }

    /// The scale of the value, e.g. `billion`, `trillion` or `one`.
    async fn scale(&self) -> &str {
        &self.0.scale
    }

    /// Whether the paper gives the figure exactly or as a bound ("more than 160").
    async fn qualifier(&self) -> Qualifier {
        self.0.qualifier.into()
    }

    /// The figure ready to quote, e.g. "USD 39.32 billion" or "more than 160 cities".
    async fn formatted(&self) -> String {
        formatting::figure(self.0.value, &self.0.unit, &self.0.scale, self.0.qualifier)
    }

    /// The period: a year such as `2024`, or a quarter such as `2024-Q3`.
    async fn period(&self) -> &str {
        &self.0.period
    }

    /// The calendar year of the period.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The breakdown the value belongs to, e.g. the industry in Fig. 3; `null` for a total.
    async fn category(&self) -> Option<&str> {
        self.0.category.as_deref()
    }

    /// Whether the figure is reported, an estimate, a forecast or a target.
    async fn status(&self) -> ObservationStatus {
        self.0.status.into()
    }

    /// What the figure is about: a country, a region such as `WORLD`, a city, a company or a
    /// project.
    async fn subject(&self, ctx: &Context<'_>) -> Result<Subject> {
        let row: SubjectRow =
            referenced(ctx, SubjectById(self.0.subject_id), "observation's subject").await?;
        Ok(row.into())
    }

    /// What the figure measures.
    async fn indicator(&self, ctx: &Context<'_>) -> Result<Indicator> {
        Ok(Indicator(
            referenced(
                ctx,
                IndicatorById(self.0.indicator_id),
                "observation's indicator",
            )
            .await?,
        ))
    }

    /// The publication the figure comes from, as the paper cites it.
    async fn source(&self, ctx: &Context<'_>) -> Result<Source> {
        Ok(Source(
            referenced(ctx, SourceById(self.0.source_id), "observation's source").await?,
        ))
    }

    /// Where the figure stands in the paper, e.g. "Table 2" or "Fig. 2 (text)".
    async fn cited_in(&self) -> &str {
        &self.0.cited_in
    }

    /// Warnings for anyone comparing or quoting the figure: this figure's own, then its
    /// indicator's. Empty when there are none.
    async fn caveats(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        let indicator = loaders(ctx)?
            .load_one(IndicatorById(self.0.indicator_id))
            .await?;
        Ok(self
            .0
            .caveat
            .iter()
            .chain(indicator.as_ref().and_then(|i| i.caveat.as_ref()))
            .cloned()
            .collect())
    }
}

connection!(
    ObservationConnection,
    ObservationEdge,
    Observation,
    "observations",
    "A page of observations, with the cursors to page on and the total count."
);

/// One page of the observations in `scope` that the client's filter admits.
pub async fn list(
    ctx: &Context<'_>,
    scope: Scope,
    filter: Option<ObservationFilter>,
    order_by: Option<ObservationOrder>,
    page: PageArgs,
) -> Result<ObservationConnection, Error> {
    let query = ObservationQuery {
        scope,
        ..filter.unwrap_or_default().into()
    };
    paging::page_of(ctx, &query, order_by, page, Observation).await
}

/// A subject's places in rankings: its observations whose indicator is a rank.
pub async fn rankings(ctx: &Context<'_>, subject_id: i32) -> Result<Vec<Observation>, Error> {
    let loaders = loaders(ctx)?;
    let rows = loaders
        .load_one(ObservationsOfSubject(subject_id, None))
        .await?
        .unwrap_or_default();
    let indicators = loaders
        .load_many(rows.iter().map(|row| IndicatorById(row.indicator_id)))
        .await?;
    Ok(rows
        .into_iter()
        .filter(|row| {
            indicators
                .get(&IndicatorById(row.indicator_id))
                .is_some_and(|indicator| indicator.unit == "rank")
        })
        .map(Observation)
        .collect())
}
