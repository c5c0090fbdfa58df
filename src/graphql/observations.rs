//! Observations: each published figure with its unit, status, source and place in the paper.

use super::indicators::Indicator;
use super::inputs::{ObservationFilter, ObservationOrder};
use super::interfaces::Subject;
use super::loaders::{
    AllReleases, IndicatorById, ObservationsOfSubject, RevisionsOfObservation, SourceById,
    SubjectById, SubjectRow,
};
use super::paging::{self, PageArgs, connection};
use super::sources::CitationStyle;
use super::sources::Source;
use super::{loaders, referenced};
use crate::citation;
use crate::entities::{indicator, observation, source, subject};
use crate::error::Error;
use crate::formatting;
use crate::store::history::Revision;
use crate::store::lookups::ObservationKey;
use crate::store::observations::{ObservationQuery, Scope};
use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{DateTime, Utc};

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
        Ok(global_id(&ObservationKey {
            indicator_code: indicator.code,
            subject_kind: subject.kind(),
            subject_key: subject.key().to_owned(),
            period: self.0.period.clone(),
            category: self.0.category.clone(),
            source_slug: source.slug,
        }))
    }

    /// How many states this figure has had: 1 as first recorded, one more for each
    /// correction. Pass it as `expectedRevision` when correcting or retracting it.
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    /// When the figure was first recorded here.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the figure last changed here.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Every state the figure has had, oldest first, each with who changed it, when and
    /// why: a quoted number stays checkable after it is corrected.
    async fn revisions(&self, ctx: &Context<'_>) -> Result<Vec<ObservationRevision>> {
        let revisions = loaders(ctx)?
            .load_one(RevisionsOfObservation(self.0.id))
            .await?
            .unwrap_or_default();
        Ok(revisions.into_iter().map(ObservationRevision).collect())
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

    /// The figure ready to cite: the figure, its original source in `style`, and the City
    /// Atlas release it was read from: the one the request reads (`release:`), else the
    /// newest release that holds this revision of the figure; a revision newer than every
    /// release is cited as the live data of today.
    async fn citation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The citation style of the source and the release.")] style: CitationStyle,
    ) -> Result<String> {
        let source: source::Model =
            referenced(ctx, SourceById(self.0.source_id), "observation's source").await?;
        let figure =
            formatting::figure(self.0.value, &self.0.unit, &self.0.scale, self.0.qualifier);
        let source = citation::cite(&source, style.into());
        let loaders = loaders(ctx)?;
        let releases = loaders.load_one(AllReleases).await?.unwrap_or_default();
        let pinned_at = super::database(ctx)?.event();
        let revision_event = loaders
            .load_one(RevisionsOfObservation(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .rfind(|revision| revision.state.revision == self.0.revision)
            .map(|revision| revision.event.id);
        let release = releases.iter().rev().find(|release| match pinned_at {
            Some(event) => release.event_id <= event,
            None => revision_event.is_some_and(|made| release.event_id >= made),
        });
        let read_from = match release {
            Some(release) => format!(
                "Read from City Atlas, release {} ({}), {}.",
                release.tag,
                release.created_at.format("%Y-%m-%d"),
                super::releases::permalink(ctx, &release.tag)?
            ),
            None => format!(
                "Read from City Atlas's live data on {} (revision {}, not yet in a release).",
                Utc::now().format("%Y-%m-%d"),
                self.0.revision
            ),
        };
        Ok(format!(
            "{figure}, {}. Source: {source} {read_from}",
            self.0.period
        ))
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

/// The global ID of the observation with this natural key.
pub fn global_id(key: &ObservationKey) -> ID {
    ID(key.global_id())
}

/// One state an observation has had.
pub struct ObservationRevision(Revision<observation::Model>);

/// One state of an observation: its values as they stood from one change to the next,
/// with the change that made them.
#[Object]
impl ObservationRevision {
    /// The revision number: 1 as first recorded, one more for each change.
    async fn revision(&self) -> i32 {
        self.0.state.revision
    }

    /// Whether this change retracted the figure: it left the live data here.
    async fn retracted(&self) -> bool {
        self.0.retracted
    }

    /// What the change did: `created`, `updated` or `retracted` (by a curator, or by an
    /// import, whose every row has its own event), or `imported` for synthetic benchmark
    /// data, loaded at once.
    async fn action(&self) -> &str {
        &self.0.event.action
    }

    /// When the change was committed.
    async fn changed_at(&self) -> DateTime<Utc> {
        self.0.event.at
    }

    /// Who made the change: a token's name, or `importer`.
    async fn changed_by(&self) -> &str {
        &self.0.event.actor
    }

    /// Why, in the curator's words.
    async fn reason(&self) -> &str {
        &self.0.event.reason
    }

    /// The audit event of the change, whose `sequence` is its place in `changes`.
    async fn sequence(&self) -> i32 {
        self.0.event.id
    }

    /// The value as it stood, in `unit` × `scale`.
    async fn value(&self) -> f64 {
        self.0.state.value
    }

    /// The value as printed.
    async fn value_text(&self) -> &str {
        &self.0.state.value_text
    }

    /// The unit, as it stood.
    async fn unit(&self) -> &str {
        &self.0.state.unit
    }

    /// The scale, as it stood.
    async fn scale(&self) -> &str {
        &self.0.state.scale
    }

    /// Whether the figure was given exactly or as a bound, as it stood.
    async fn qualifier(&self) -> Qualifier {
        self.0.state.qualifier.into()
    }

    /// Whether the figure was reported, an estimate, a forecast or a target, as it stood.
    async fn status(&self) -> ObservationStatus {
        self.0.state.status.into()
    }

    /// The figure ready to quote, as it stood.
    async fn formatted(&self) -> String {
        let state = &self.0.state;
        formatting::figure(state.value, &state.unit, &state.scale, state.qualifier)
    }

    /// Where the figure stood in the paper or its source.
    async fn cited_in(&self) -> &str {
        &self.0.state.cited_in
    }

    /// The figure's own caveat, as it stood.
    async fn caveat(&self) -> Option<&str> {
        self.0.state.caveat.as_deref()
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
