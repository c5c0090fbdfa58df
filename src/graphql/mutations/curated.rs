//! The mutations of the curated tables beside the observations: sources and indicators,
//! each created, updated and retracted with a reason and an expected revision, through
//! `store::curated`.

use super::{UserError, UserErrorCode, problems, require};
use crate::auth::Role;
use crate::dataset::{IndicatorRecord, SourceRecord};
use crate::error::GraphqlResultExt;
use crate::graphql::ids::{self, NodeType};
use crate::graphql::indicators::Indicator;
use crate::graphql::sources::Source;
use crate::store::curated::{self, Curated};
use crate::store::curation::Written;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use sea_orm::EntityTrait;

/// What a write gave back: the row (new, changed, retracted, or as it stands when
/// refused), the retracted row's ID, and why nothing was written.
pub(super) struct Outcome<M> {
    pub(super) row: Option<M>,
    pub(super) retracted: Option<ID>,
    pub(super) user_errors: Vec<UserError>,
}

impl<M> Outcome<M> {
    fn refused(error: UserError) -> Self {
        Self {
            row: None,
            retracted: None,
            user_errors: vec![error],
        }
    }

    fn from_written(written: Written<M>, id: &ID, node: NodeType) -> Self {
        match written {
            Written::Done(row) => Self {
                row: Some(row),
                retracted: None,
                user_errors: Vec::new(),
            },
            Written::Refused {
                problems: found,
                current,
            } => Self {
                row: current,
                retracted: None,
                user_errors: problems(found),
            },
            Written::NotFound => Self::refused(UserError::new(
                &["id"],
                UserErrorCode::NotFound,
                format!(
                    "no live {node:?} has the ID {:?}; it may have been retracted",
                    id.as_str()
                ),
            )),
        }
    }
}

/// The natural key inside a global ID of `node`'s type, or the user error to report.
fn key_of(id: &ID, node: NodeType) -> Result<String, UserError> {
    match ids::decode(id) {
        Ok((found, key)) if found == node => Ok(key),
        _ => Err(UserError::new(
            &["id"],
            UserErrorCode::InvalidId,
            format!("{:?} is not the ID of a {node:?}", id.as_str()),
        )),
    }
}

pub(super) async fn create<M>(
    ctx: &Context<'_>,
    node: NodeType,
    record: M::Record,
    reason: String,
) -> Result<Outcome<M>>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let author = require(ctx, Role::Editor, reason)?;
    let id = ids::encode(node, M::key_of(&record));
    let written = curated::create::<M>(super::database(ctx)?, record, &author, id.to_string())
        .await
        .into_graphql()?;
    Ok(Outcome::from_written(written, &id, node))
}

pub(super) async fn update<M>(
    ctx: &Context<'_>,
    node: NodeType,
    id: ID,
    expected_revision: i32,
    patch: impl FnOnce(&mut M::Record) + Send,
    reason: String,
) -> Result<Outcome<M>>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let author = require(ctx, Role::Editor, reason)?;
    let key = match key_of(&id, node) {
        Ok(key) => key,
        Err(error) => return Ok(Outcome::refused(error)),
    };
    let written = curated::update::<M>(
        super::database(ctx)?,
        &key,
        expected_revision,
        patch,
        &author,
        id.to_string(),
    )
    .await
    .into_graphql()?;
    Ok(Outcome::from_written(written, &id, node))
}

pub(super) async fn retract<M>(
    ctx: &Context<'_>,
    node: NodeType,
    id: ID,
    expected_revision: i32,
    reason: String,
) -> Result<Outcome<M>>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let author = require(ctx, Role::Editor, reason)?;
    let key = match key_of(&id, node) {
        Ok(key) => key,
        Err(error) => return Ok(Outcome::refused(error)),
    };
    let written = curated::retract::<M>(
        super::database(ctx)?,
        &key,
        expected_revision,
        &author,
        id.to_string(),
    )
    .await
    .into_graphql()?;
    let done = matches!(written, Written::Done(_));
    let mut outcome = Outcome::from_written(written, &id, node);
    if done {
        outcome.retracted = Some(id);
    }
    Ok(outcome)
}

/// Sets an optional field the way GraphQL clients expect: omitted keeps it, `null`
/// clears it.
pub(super) fn set_optional(field: &mut Option<String>, given: MaybeUndefined<String>) {
    match given {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *field = None,
        MaybeUndefined::Value(value) => *field = Some(value),
    }
}

pub(super) fn set(field: &mut String, given: Option<String>) {
    if let Some(value) = given {
        *field = value;
    }
}

/// A new source: a study, statistic or report a figure comes from.
#[derive(InputObject, Clone, Debug)]
pub struct CreateSourceInput {
    /// The slug figures cite it by, e.g. `caict-2026`; it never changes.
    pub slug: String,
    /// What it is, e.g. `journal_article`, `statistic`, `forecast`, `report`.
    pub kind: String,
    /// Who published it.
    pub publisher: String,
    /// Its authors, as printed.
    pub authors: Option<String>,
    /// Its title.
    pub title: String,
    /// The journal, book or site it appeared in.
    pub container: Option<String>,
    /// When it was published: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub published_on: Option<String>,
    /// When it was last read, for online sources.
    pub accessed_on: Option<String>,
    /// Where it can be read.
    pub url: Option<String>,
    /// Its DOI, without `https://doi.org/`.
    pub doi: Option<String>,
    /// Where the paper cites it, e.g. "section Introduction, footnote 1"; `none` if it
    /// does not.
    pub paper_reference: String,
    /// Anything a reader should know about the source.
    pub note: Option<String>,
}

impl From<CreateSourceInput> for SourceRecord {
    fn from(input: CreateSourceInput) -> Self {
        SourceRecord {
            slug: input.slug,
            kind: input.kind,
            publisher: input.publisher,
            authors: input.authors,
            title: input.title,
            container: input.container,
            published_on: input.published_on,
            accessed_on: input.accessed_on,
            url: input.url,
            doi: input.doi,
            paper_reference: input.paper_reference,
            note: input.note,
        }
    }
}

/// A correction to a source: only the fields given change; `null` clears an optional one.
/// The slug cannot change: figures cite the source by it.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateSourceInput {
    /// What it is.
    pub kind: Option<String>,
    /// Who published it.
    pub publisher: Option<String>,
    /// Its authors, as printed.
    pub authors: MaybeUndefined<String>,
    /// Its title.
    pub title: Option<String>,
    /// The journal, book or site it appeared in.
    pub container: MaybeUndefined<String>,
    /// When it was published.
    pub published_on: MaybeUndefined<String>,
    /// When it was last read.
    pub accessed_on: MaybeUndefined<String>,
    /// Where it can be read.
    pub url: MaybeUndefined<String>,
    /// Its DOI.
    pub doi: MaybeUndefined<String>,
    /// Where the paper cites it.
    pub paper_reference: Option<String>,
    /// Anything a reader should know about the source.
    pub note: MaybeUndefined<String>,
}

impl UpdateSourceInput {
    fn apply(self, record: &mut SourceRecord) {
        set(&mut record.kind, self.kind);
        set(&mut record.publisher, self.publisher);
        set_optional(&mut record.authors, self.authors);
        set(&mut record.title, self.title);
        set_optional(&mut record.container, self.container);
        set_optional(&mut record.published_on, self.published_on);
        set_optional(&mut record.accessed_on, self.accessed_on);
        set_optional(&mut record.url, self.url);
        set_optional(&mut record.doi, self.doi);
        set(&mut record.paper_reference, self.paper_reference);
        set_optional(&mut record.note, self.note);
    }
}

/// A new indicator: a measured quantity, in one unit and scale.
#[derive(InputObject, Clone, Debug)]
pub struct CreateIndicatorInput {
    /// The stable code figures name it by, e.g. `ai_market_revenue`; it never changes.
    pub code: String,
    /// Its name, e.g. "AI market revenue".
    pub name: String,
    /// What it measures, and per whom.
    pub description: String,
    /// The unit every figure of it is in, e.g. `USD`, `percent`, `enterprises`.
    pub unit: String,
    /// The scale of the unit, e.g. `billion`, `trillion`, `one`.
    pub scale: String,
    /// The kind of measure, e.g. `market size`, `share`.
    pub measure: String,
    /// The topic it belongs to, e.g. `ai_market`.
    pub topic: String,
    /// What applies to all of its figures, e.g. why they are not comparable.
    pub caveat: Option<String>,
}

impl From<CreateIndicatorInput> for IndicatorRecord {
    fn from(input: CreateIndicatorInput) -> Self {
        IndicatorRecord {
            code: input.code,
            name: input.name,
            description: input.description,
            unit: input.unit,
            scale: input.scale,
            measure: input.measure,
            topic: input.topic,
            caveat: input.caveat,
        }
    }
}

/// A correction to an indicator: only the fields given change; `null` clears the caveat.
/// The code cannot change, and the unit and scale only while it has no figures.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateIndicatorInput {
    /// Its name.
    pub name: Option<String>,
    /// What it measures.
    pub description: Option<String>,
    /// The unit, while the indicator has no figures.
    pub unit: Option<String>,
    /// The scale, while the indicator has no figures.
    pub scale: Option<String>,
    /// The kind of measure.
    pub measure: Option<String>,
    /// The topic.
    pub topic: Option<String>,
    /// What applies to all of its figures.
    pub caveat: MaybeUndefined<String>,
}

impl UpdateIndicatorInput {
    fn apply(self, record: &mut IndicatorRecord) {
        set(&mut record.name, self.name);
        set(&mut record.description, self.description);
        set(&mut record.unit, self.unit);
        set(&mut record.scale, self.scale);
        set(&mut record.measure, self.measure);
        set(&mut record.topic, self.topic);
        set_optional(&mut record.caveat, self.caveat);
    }
}

payloads!(
    Source,
    source,
    CreateSourcePayload,
    UpdateSourcePayload,
    RetractSourcePayload,
    retracted_source_id
);
payloads!(
    Indicator,
    indicator,
    CreateIndicatorPayload,
    UpdateIndicatorPayload,
    RetractIndicatorPayload,
    retracted_indicator_id
);

#[derive(Default)]
pub struct CuratedMutation;

#[Object]
impl CuratedMutation {
    /// Adds a source that figures can then cite. Takes an editor's token.
    async fn create_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The source.")] input: CreateSourceInput,
        #[graphql(desc = "Why it is added; the audit log keeps it.")] reason: String,
    ) -> Result<CreateSourcePayload> {
        let done = create(ctx, NodeType::Source, SourceRecord::from(input), reason).await?;
        Ok(CreateSourcePayload {
            source: done.row.map(Source),
            user_errors: done.user_errors,
        })
    }

    /// Corrects a source at the revision the client read. Takes an editor's token.
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The source's global ID.")] id: ID,
        #[graphql(desc = "The source's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "The fields to change; the others stay.")] input: UpdateSourceInput,
        #[graphql(desc = "Why it changes; the audit log keeps it.")] reason: String,
    ) -> Result<UpdateSourcePayload> {
        let patch = |record: &mut SourceRecord| input.apply(record);
        let done = update(ctx, NodeType::Source, id, expected_revision, patch, reason).await?;
        Ok(UpdateSourcePayload {
            source: done.row.map(Source),
            user_errors: done.user_errors,
        })
    }

    /// Retracts a source that no figure, project, policy or sanction cites any more.
    /// Takes an editor's token.
    async fn retract_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The source's global ID.")] id: ID,
        #[graphql(desc = "The source's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "Why it is retracted; the audit log keeps it.")] reason: String,
    ) -> Result<RetractSourcePayload> {
        let done = retract(ctx, NodeType::Source, id, expected_revision, reason).await?;
        Ok(RetractSourcePayload {
            source: done.row.map(Source),
            retracted_source_id: done.retracted,
            user_errors: done.user_errors,
        })
    }

    /// Adds an indicator that figures can then be recorded for. Takes an editor's token.
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator.")] input: CreateIndicatorInput,
        #[graphql(desc = "Why it is added; the audit log keeps it.")] reason: String,
    ) -> Result<CreateIndicatorPayload> {
        let done = create(
            ctx,
            NodeType::Indicator,
            IndicatorRecord::from(input),
            reason,
        )
        .await?;
        Ok(CreateIndicatorPayload {
            indicator: done.row.map(Indicator),
            user_errors: done.user_errors,
        })
    }

    /// Corrects an indicator at the revision the client read. Takes an editor's token.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's global ID.")] id: ID,
        #[graphql(desc = "The indicator's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "The fields to change; the others stay.")] input: UpdateIndicatorInput,
        #[graphql(desc = "Why it changes; the audit log keeps it.")] reason: String,
    ) -> Result<UpdateIndicatorPayload> {
        let patch = |record: &mut IndicatorRecord| input.apply(record);
        let done = update(
            ctx,
            NodeType::Indicator,
            id,
            expected_revision,
            patch,
            reason,
        )
        .await?;
        Ok(UpdateIndicatorPayload {
            indicator: done.row.map(Indicator),
            user_errors: done.user_errors,
        })
    }

    /// Retracts an indicator that has no figures any more. Takes an editor's token.
    async fn retract_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indicator's global ID.")] id: ID,
        #[graphql(desc = "The indicator's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "Why it is retracted; the audit log keeps it.")] reason: String,
    ) -> Result<RetractIndicatorPayload> {
        let done = retract(ctx, NodeType::Indicator, id, expected_revision, reason).await?;
        Ok(RetractIndicatorPayload {
            indicator: done.row.map(Indicator),
            retracted_indicator_id: done.retracted,
            user_errors: done.user_errors,
        })
    }
}
