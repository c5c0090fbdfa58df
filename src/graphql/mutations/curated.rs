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
use crate::store::curated::{self, Curated, link_key};
use crate::store::curation::Written;
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Result, SimpleObject};
use sea_orm::EntityTrait;

/// What a write gave back: the row (new, changed, retracted, or as it stands when
/// refused), the retracted row's ID, and why nothing was written.
pub(super) struct Outcome<M> {
    pub(super) row: Option<M>,
    pub(super) retracted: Option<ID>,
    pub(super) user_errors: Vec<UserError>,
}

impl<M: Curated> Outcome<M>
where
    M::Entity: EntityTrait<Model = M>,
{
    fn refused(error: UserError) -> Self {
        Self {
            row: None,
            retracted: None,
            user_errors: vec![error],
        }
    }

    fn from_written(written: Written<M>, id: &ID) -> Self {
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
                    "no live {} has the ID {:?}; it may have been retracted",
                    M::TYPE,
                    id.as_str()
                ),
            )),
        }
    }
}

/// The row a mutation names: its natural key, and the ID the audit log and the change
/// feed name it by.
pub(super) struct Target {
    pub(super) key: String,
    pub(super) id: ID,
}

/// The row a global ID of `node`'s type names.
pub(super) fn node(id: ID, node: NodeType) -> Result<Target, UserError> {
    match ids::decode(&id) {
        Ok((found, key)) if found == node => Ok(Target { key, id }),
        _ => Err(UserError::new(
            &["id"],
            UserErrorCode::InvalidId,
            format!("{:?} is not the ID of a {node:?}", id.as_str()),
        )),
    }
}

/// The link between the rows two global IDs name, as `(argument, ID, type)`: its key is
/// their two keys joined by `/`, and its ID their two IDs (which never hold a `/`).
pub(super) fn link(
    first: (&str, ID, NodeType),
    second: (&str, ID, NodeType),
) -> Result<Target, UserError> {
    let end = |(argument, id, node): (&str, ID, NodeType)| match ids::decode(&id) {
        Ok((found, key)) if found == node => Ok((node, key)),
        _ => Err(UserError::new(
            &[argument],
            UserErrorCode::InvalidId,
            format!("{:?} is not the ID of a {node:?}", id.as_str()),
        )),
    };
    let (first_node, first_key) = end(first)?;
    let (second_node, second_key) = end(second)?;
    Ok(Target {
        key: link_key(&first_key, &second_key),
        id: ID(crate::ids::link(
            (first_node, &first_key),
            (second_node, &second_key),
        )),
    })
}

/// Creates a node of `node`'s type.
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
    let id = ids::encode(node, &M::key_of(&record));
    create_at(ctx, id, record, reason).await
}

/// Creates a row that will answer to `id`.
pub(super) async fn create_at<M>(
    ctx: &Context<'_>,
    id: ID,
    record: M::Record,
    reason: String,
) -> Result<Outcome<M>>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let author = require(ctx, Role::Editor, reason)?;
    let written = curated::create::<M>(super::database(ctx)?, record, &author, id.to_string())
        .await
        .into_graphql()?;
    Ok(Outcome::from_written(written, &id))
}

pub(super) async fn update<M>(
    ctx: &Context<'_>,
    target: Result<Target, UserError>,
    expected_revision: i32,
    patch: impl FnOnce(&mut M::Record) + Send,
    reason: String,
) -> Result<Outcome<M>>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let author = require(ctx, Role::Editor, reason)?;
    let target = match target {
        Ok(target) => target,
        Err(error) => return Ok(Outcome::refused(error)),
    };
    let written = curated::update::<M>(
        super::database(ctx)?,
        &target.key,
        expected_revision,
        patch,
        &author,
        target.id.to_string(),
    )
    .await
    .into_graphql()?;
    Ok(Outcome::from_written(written, &target.id))
}

pub(super) async fn retract<M>(
    ctx: &Context<'_>,
    target: Result<Target, UserError>,
    expected_revision: i32,
    reason: String,
) -> Result<Outcome<M>>
where
    M: Curated,
    M::Entity: EntityTrait<Model = M>,
{
    let author = require(ctx, Role::Editor, reason)?;
    let target = match target {
        Ok(target) => target,
        Err(error) => return Ok(Outcome::refused(error)),
    };
    let written = curated::retract::<M>(
        super::database(ctx)?,
        &target.key,
        expected_revision,
        &author,
        target.id.to_string(),
    )
    .await
    .into_graphql()?;
    let done = matches!(written, Written::Done(_));
    let mut outcome = Outcome::from_written(written, &target.id);
    if done {
        outcome.retracted = Some(target.id);
    }
    Ok(outcome)
}

/// Sets an optional field the way GraphQL clients expect: omitted keeps it, `null`
/// clears it.
pub(super) fn set_optional<T>(field: &mut Option<T>, given: MaybeUndefined<T>) {
    match given {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *field = None,
        MaybeUndefined::Value(value) => *field = Some(value),
    }
}

pub(super) fn set<T>(field: &mut T, given: Option<T>) {
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

node_mutations!(
    SourceMutation: Source over crate::entities::source::Model as Source,
    record SourceRecord,
    field source, retracted retracted_source_id,
    create create_source(CreateSourceInput) -> CreateSourcePayload:
        "Adds a source that figures can then cite. Takes an editor's token.",
    update update_source(UpdateSourceInput) -> UpdateSourcePayload:
        "Corrects a source at the revision the client read. Takes an editor's token.",
    retract retract_source -> RetractSourcePayload:
        "Retracts a source that no figure, project, policy or sanction cites any more. \
         Takes an editor's token.",
    described "The source.", "The source's global ID.",
        "The source's `revision` when it was read.",
);

node_mutations!(
    IndicatorMutation: Indicator over crate::entities::indicator::Model as Indicator,
    record IndicatorRecord,
    field indicator, retracted retracted_indicator_id,
    create create_indicator(CreateIndicatorInput) -> CreateIndicatorPayload:
        "Adds an indicator that figures can then be recorded for. Takes an editor's token.",
    update update_indicator(UpdateIndicatorInput) -> UpdateIndicatorPayload:
        "Corrects an indicator at the revision the client read. Takes an editor's token.",
    retract retract_indicator -> RetractIndicatorPayload:
        "Retracts an indicator that has no figures any more. Takes an editor's token.",
    described "The indicator.", "The indicator's global ID.",
        "The indicator's `revision` when it was read.",
);
