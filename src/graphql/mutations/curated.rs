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
use async_graphql::{Context, ID, MaybeUndefined, Result, SimpleObject};
use sea_orm::EntityTrait;

/// What a write gave back: the row (new, changed, retracted, or as it stands when
/// refused), the retracted row's ID, and why nothing was written.
pub(super) struct Outcome<M> {
    pub(super) row: Option<M>,
    pub(super) retracted: Option<ID>,
    pub(super) user_errors: Vec<UserError>,
}

impl<M> Outcome<M> {
    pub(super) fn refused(error: UserError) -> Self {
        Self {
            row: None,
            retracted: None,
            user_errors: vec![error],
        }
    }

    /// The outcome of a write to the `what` (a type's name in words) that `id` names.
    pub(super) fn from_written(written: Written<M>, what: &str, id: &ID) -> Self {
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
                    "no live {what} has the ID {:?}; it may have been retracted",
                    id.as_str()
                ),
            )),
        }
    }
}

/// A curated table whose rows are its entity's models, as every write here needs: the
/// bound, named once.
pub(super) trait Table: Curated<Entity: EntityTrait<Model = Self>> {}

impl<M: Curated<Entity: EntityTrait<Model = M>>> Table for M {}

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

/// Creates a row that will answer to `id`.
pub(super) async fn create<M: Table>(
    ctx: &Context<'_>,
    id: ID,
    record: M::Record,
    reason: String,
) -> Result<Outcome<M>> {
    let author = require(ctx, Role::Editor, reason)?;
    let written = curated::create::<M>(super::database(ctx)?, record, &author, id.to_string())
        .await
        .into_graphql()?;
    Ok(Outcome::from_written(written, M::TYPE, &id))
}

/// What a write to an existing row does: edit its record, or retract it.
enum Change<F> {
    Update(F),
    Retract,
}

/// Edits the row `target` names at the revision the client read.
pub(super) async fn update<M: Table>(
    ctx: &Context<'_>,
    target: Result<Target, UserError>,
    expected_revision: i32,
    patch: impl FnOnce(&mut M::Record) + Send,
    reason: String,
) -> Result<Outcome<M>> {
    change(
        ctx,
        target,
        expected_revision,
        Change::Update(patch),
        reason,
    )
    .await
}

/// Retracts the row `target` names at the revision the client read.
pub(super) async fn retract<M: Table>(
    ctx: &Context<'_>,
    target: Result<Target, UserError>,
    expected_revision: i32,
    reason: String,
) -> Result<Outcome<M>> {
    let retraction = Change::<fn(&mut M::Record)>::Retract;
    change(ctx, target, expected_revision, retraction, reason).await
}

/// The steps an update and a retraction share: the editor's token, the target (or the user
/// error that names it wrongly), the store's write, and its outcome; a retraction that is
/// done also gives the retracted row's ID.
async fn change<M: Table>(
    ctx: &Context<'_>,
    target: Result<Target, UserError>,
    expected_revision: i32,
    change: Change<impl FnOnce(&mut M::Record) + Send>,
    reason: String,
) -> Result<Outcome<M>> {
    let author = require(ctx, Role::Editor, reason)?;
    let target = match target {
        Ok(target) => target,
        Err(error) => return Ok(Outcome::refused(error)),
    };
    let (db, key, entity_id) = (super::database(ctx)?, &target.key, target.id.to_string());
    let retracting = matches!(change, Change::Retract);
    let written = match change {
        Change::Update(patch) => {
            curated::update::<M>(db, key, expected_revision, patch, &author, entity_id).await
        }
        Change::Retract => {
            curated::retract::<M>(db, key, expected_revision, &author, entity_id).await
        }
    }
    .into_graphql()?;
    let done = matches!(written, Written::Done(_));
    let mut outcome = Outcome::from_written(written, M::TYPE, &target.id);
    if retracting && done {
        outcome.retracted = Some(target.id);
    }
    Ok(outcome)
}

/// How an update input's field edits the record's: an `Option` sets the field when given;
/// a `MaybeUndefined` sets an optional field, clears it on `null` and keeps it when omitted,
/// the way GraphQL clients expect. `update_input!` applies every field through it.
pub(super) trait Edit<T> {
    fn edit(self, field: &mut T);
}

impl<T> Edit<T> for Option<T> {
    fn edit(self, field: &mut T) {
        if let Some(value) = self {
            *field = value;
        }
    }
}

impl<T> Edit<Option<T>> for MaybeUndefined<T> {
    fn edit(self, field: &mut Option<T>) {
        match self {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => *field = None,
            MaybeUndefined::Value(value) => *field = Some(value),
        }
    }
}

create_input! {
    /// A new source: a study, statistic or report a figure comes from.
    CreateSourceInput => SourceRecord {
        /// The slug figures cite it by, e.g. `caict-2026`; it never changes.
        slug: String,
        /// What it is, e.g. `journal_article`, `statistic`, `forecast`, `report`.
        kind: String,
        /// Who published it.
        publisher: String,
        /// Its authors, as printed.
        authors: Option<String>,
        /// Its title.
        title: String,
        /// The journal, book or site it appeared in.
        container: Option<String>,
        /// When it was published: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
        published_on: Option<String>,
        /// When it was last read, for online sources.
        accessed_on: Option<String>,
        /// Where it can be read.
        url: Option<String>,
        /// Its DOI, without `https://doi.org/`.
        doi: Option<String>,
        /// Where the paper cites it, e.g. "section Introduction, footnote 1"; `none` if it
        /// does not.
        paper_reference: String,
        /// Anything a reader should know about the source.
        note: Option<String>,
    }
}

update_input! {
    /// A correction to a source: only the fields given change; `null` clears an optional one.
    /// The slug cannot change: figures cite the source by it.
    UpdateSourceInput => SourceRecord {
        /// What it is.
        kind: Option<String>,
        /// Who published it.
        publisher: Option<String>,
        /// Its authors, as printed.
        authors: MaybeUndefined<String>,
        /// Its title.
        title: Option<String>,
        /// The journal, book or site it appeared in.
        container: MaybeUndefined<String>,
        /// When it was published.
        published_on: MaybeUndefined<String>,
        /// When it was last read.
        accessed_on: MaybeUndefined<String>,
        /// Where it can be read.
        url: MaybeUndefined<String>,
        /// Its DOI.
        doi: MaybeUndefined<String>,
        /// Where the paper cites it.
        paper_reference: Option<String>,
        /// Anything a reader should know about the source.
        note: MaybeUndefined<String>,
    }
}

create_input! {
    /// A new indicator: a measured quantity, in one unit and scale.
    CreateIndicatorInput => IndicatorRecord {
        /// The stable code figures name it by, e.g. `ai_market_revenue`; it never changes.
        code: String,
        /// Its name, e.g. "AI market revenue".
        name: String,
        /// What it measures, and per whom.
        description: String,
        /// The unit every figure of it is in, e.g. `USD`, `percent`, `enterprises`.
        unit: String,
        /// The scale of the unit, e.g. `billion`, `trillion`, `one`.
        scale: String,
        /// The kind of measure, e.g. `market size`, `share`.
        measure: String,
        /// The topic it belongs to, e.g. `ai_market`.
        topic: String,
        /// What applies to all of its figures, e.g. why they are not comparable.
        caveat: Option<String>,
    }
}

update_input! {
    /// A correction to an indicator: only the fields given change; `null` clears the caveat.
    /// The code cannot change, and the unit and scale only while it has no figures.
    UpdateIndicatorInput => IndicatorRecord {
        /// Its name.
        name: Option<String>,
        /// What it measures.
        description: Option<String>,
        /// The unit, while the indicator has no figures.
        unit: Option<String>,
        /// The scale, while the indicator has no figures.
        scale: Option<String>,
        /// The kind of measure.
        measure: Option<String>,
        /// The topic.
        topic: Option<String>,
        /// What applies to all of its figures.
        caveat: MaybeUndefined<String>,
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
