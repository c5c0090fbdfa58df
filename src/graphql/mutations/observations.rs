//! The observations' mutations (create, correct, retract) and cutting a release, in one
//! object because the schema lists `createRelease` between them. The writes are
//! `store::curation`'s; what they give back becomes an `Outcome` as every curated write's
//! does.

use super::curated::Outcome;
use super::{UserError, UserErrorCode, database, problems, require};
use crate::auth::Role;
use crate::dataset::ObservationRecord;
use crate::entities::{observation, subject};
use crate::error::{Error, GraphqlResultExt};
use crate::graphql::ids::{self, NodeType};
use crate::graphql::interfaces::observation_key;
use crate::graphql::observations::{self, Observation, ObservationStatus, Qualifier, SubjectKind};
use crate::graphql::releases::Release;
use crate::store::curation::{self, NewObservation, ObservationPatch, Written};
use crate::store::lookups::ObservationKey;
use crate::store::releases::{self, NewRelease};
use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use sea_orm::ActiveEnum;

/// A new figure, exactly as published.
#[derive(InputObject, Clone, Debug)]
pub struct CreateObservationInput {
    /// The indicator's code, e.g. `ai_market_revenue`.
    pub indicator: String,
    /// What kind of thing the subject is.
    pub subject_kind: SubjectKind,
    /// The subject's code (countries, regions) or slug (cities, companies, projects).
    pub subject: String,
    /// A year (`2024`) or a quarter (`2024-Q3`).
    pub period: String,
    /// The breakdown the value belongs to, e.g. an industry; omit for a total.
    pub category: Option<String>,
    /// The value as a number, in the indicator's unit and scale.
    pub value: f64,
    /// The value as printed, e.g. "39,32".
    pub value_text: String,
    /// Must be the indicator's unit.
    pub unit: String,
    /// Must be the indicator's scale.
    pub scale: String,
    /// Whether the figure is given exactly or as a bound; `EXACT` by default.
    #[graphql(default_with = "Qualifier::Exact")]
    pub qualifier: Qualifier,
    /// Whether it is reported, an estimate, a forecast or a target; `REPORTED` by default.
    #[graphql(default_with = "ObservationStatus::Reported")]
    pub status: ObservationStatus,
    /// The source's slug.
    pub source: String,
    /// Where the figure stands in the paper or in its source, e.g. "Fig. 2".
    pub cited_in: String,
    /// A warning for anyone comparing or quoting the figure.
    pub caveat: Option<String>,
}

/// A correction: only the fields given change. The figure's identity (indicator, subject,
/// period, category and source) cannot: retract it and create another.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateObservationInput {
    /// The corrected value, in the indicator's unit and scale.
    pub value: Option<f64>,
    /// The value as printed; it must read as `value`.
    pub value_text: Option<String>,
    /// Must stay the indicator's unit.
    pub unit: Option<String>,
    /// Must stay the indicator's scale.
    pub scale: Option<String>,
    /// Whether the figure is given exactly or as a bound.
    pub qualifier: Option<Qualifier>,
    /// Whether it is reported, an estimate, a forecast or a target.
    pub status: Option<ObservationStatus>,
    /// Where the figure stands in the paper or in its source.
    pub cited_in: Option<String>,
    /// `null` clears the caveat; omitted, it stays.
    pub caveat: MaybeUndefined<String>,
}

payloads!(
    Observation,
    observation,
    CreateObservationPayload,
    UpdateObservationPayload,
    RetractObservationPayload,
    retracted_observation_id,
    described "The new figure; `null` when nothing was written.",
    "The figure as it now stands: corrected, or, when nothing was written, as it was\n\
     (its `revision` is the one to expect).",
    "The figure's last state, now retracted (its revisions keep it); or, when nothing was\n\
     written, the figure as it stands.",
    "The ID of the retracted figure."
);

/// A release to cut.
#[derive(InputObject, Clone, Debug)]
pub struct CreateReleaseInput {
    /// The version tag, e.g. `2027-01`: lowercase letters, digits, `.` and `-`.
    pub tag: String,
    /// The release's title.
    pub title: String,
    /// What changed since the release before.
    #[graphql(default)]
    pub notes: String,
}

/// The result of `createRelease`.
#[derive(SimpleObject)]
pub struct CreateReleasePayload {
    /// The new release; `null` when none was cut.
    pub release: Option<Release>,
    /// Why none was cut; empty on success.
    pub user_errors: Vec<UserError>,
}

impl From<CreateObservationInput> for ObservationRecord {
    fn from(input: CreateObservationInput) -> Self {
        ObservationRecord {
            indicator: input.indicator,
            subject_kind: subject::SubjectKind::from(input.subject_kind).to_value(),
            subject: input.subject,
            period: input.period,
            category: input.category.filter(|category| !category.is_empty()),
            value: input.value,
            value_text: input.value_text,
            unit: input.unit,
            scale: input.scale,
            qualifier: observation::Qualifier::from(input.qualifier).to_value(),
            status: observation::Status::from(input.status).to_value(),
            source: input.source,
            cited_in: input.cited_in,
            caveat: input.caveat,
        }
    }
}

impl From<UpdateObservationInput> for ObservationPatch {
    fn from(input: UpdateObservationInput) -> Self {
        ObservationPatch {
            value: input.value,
            value_text: input.value_text,
            unit: input.unit,
            scale: input.scale,
            qualifier: input
                .qualifier
                .map(|qualifier| observation::Qualifier::from(qualifier).to_value()),
            status: input
                .status
                .map(|status| observation::Status::from(status).to_value()),
            cited_in: input.cited_in,
            caveat: match input.caveat {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(caveat) => Some(Some(caveat)),
            },
        }
    }
}

#[derive(Default)]
pub struct ObservationMutation;

/// An observation's natural key from its global ID, or the user error to report.
fn observation_id(id: &ID) -> Result<ObservationKey, UserError> {
    let invalid = || {
        UserError::new(
            &["id"],
            UserErrorCode::InvalidId,
            format!("{:?} is not an observation's ID", id.as_str()),
        )
    };
    match ids::decode(id) {
        Ok((NodeType::Observation, key)) => observation_key(id, &key).map_err(|_| invalid()),
        _ => Err(invalid()),
    }
}

/// What a write to an existing figure does: correct it, or retract it.
enum Change {
    Update(ObservationPatch),
    Retract,
}

/// The steps a correction and a retraction share, as `curated::change` takes them for the
/// other tables: the editor's token, the figure's key from its ID, the store's write and
/// its outcome; a retraction that is done also gives the figure's ID.
async fn change(
    ctx: &Context<'_>,
    id: ID,
    expected_revision: i32,
    change: Change,
    reason: String,
) -> Result<Outcome<observation::Model>> {
    let author = require(ctx, Role::Editor, reason)?;
    let key = match observation_id(&id) {
        Ok(key) => key,
        Err(error) => return Ok(Outcome::refused(error)),
    };
    let (db, entity_id) = (database(ctx)?, id.to_string());
    let retracting = matches!(change, Change::Retract);
    let written = match change {
        Change::Update(patch) => {
            curation::update_observation(db, &key, expected_revision, patch, &author, entity_id)
                .await
        }
        Change::Retract => {
            curation::retract_observation(db, &key, expected_revision, &author, entity_id).await
        }
    }
    .into_graphql()?;
    let done = matches!(written, Written::Done(_));
    let mut outcome = Outcome::from_written(written, "observation", &id);
    if retracting && done {
        outcome.retracted = Some(id);
    }
    Ok(outcome)
}

/// The writes: curated changes to the data, each with a reason, kept as revisions and in
/// the audit log. Every mutation takes an API token (`Authorization: Bearer …`).
#[Object]
impl ObservationMutation {
    /// Records a figure, exactly as published, with its source and its place in the paper
    /// or in its source. Takes an editor's token. Input that fails a check writes nothing
    /// and is reported in `userErrors`.
    async fn create_observation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The figure, as published.")] input: CreateObservationInput,
        #[graphql(desc = "Why the figure is added; the audit log keeps it.")] reason: String,
    ) -> Result<CreateObservationPayload> {
        let author = require(ctx, Role::Editor, reason)?;
        let new = NewObservation {
            record: input.into(),
        };
        let written = curation::create_observation(database(ctx)?, new, &author, |key| {
            observations::global_id(key).to_string()
        })
        .await
        .into_graphql()?;
        // A refused figure is not shown, and a create finds no row missing.
        let (row, user_errors) = match written {
            Written::Done((_, row)) => (Some(row), Vec::new()),
            Written::Refused {
                problems: found, ..
            } => (None, problems(found)),
            Written::NotFound => (None, Vec::new()),
        };
        Ok(CreateObservationPayload {
            observation: row.map(Observation),
            user_errors,
        })
    }

    /// Corrects a figure at the revision the client read: a stale `expectedRevision` is
    /// refused with the figure as it now stands, so two editors never overwrite each other
    /// silently. The change becomes a new revision; the old value stays in `revisions`.
    async fn update_observation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The observation's global ID.")] id: ID,
        #[graphql(desc = "The figure's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "The fields to change; the others stay.")] input: UpdateObservationInput,
        #[graphql(desc = "Why the figure changes; the audit log keeps it.")] reason: String,
    ) -> Result<UpdateObservationPayload> {
        let update = Change::Update(input.into());
        let done = change(ctx, id, expected_revision, update, reason).await?;
        Ok(UpdateObservationPayload {
            observation: done.row.map(Observation),
            user_errors: done.user_errors,
        })
    }

    /// Freezes the data as it stands now as a release, which `release:` then reads and
    /// `citation` cites. Takes an admin's token.
    async fn create_release(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The release's tag, title and notes.")] input: CreateReleaseInput,
    ) -> Result<CreateReleasePayload> {
        let author = require(ctx, Role::Admin, String::new())?;
        let release = NewRelease {
            tag: &input.tag,
            title: &input.title,
            notes: &input.notes,
            created_by: &author.actor,
        };
        Ok(match releases::cut(database(ctx)?, release).await {
            Ok(row) => CreateReleasePayload {
                release: Some(Release { row, changes: 0 }),
                user_errors: Vec::new(),
            },
            Err(Error::BadUserInput(message)) => CreateReleasePayload {
                release: None,
                user_errors: vec![UserError::refused(
                    &["input", "tag"],
                    "exists already",
                    message,
                )],
            },
            Err(error) => return Err(error.into()),
        })
    }

    /// Retracts a figure at the revision the client read: it leaves the live data, and its
    /// revisions keep every state it had, the last marked retracted. Nothing is deleted.
    async fn retract_observation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The observation's global ID.")] id: ID,
        #[graphql(desc = "The figure's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "Why the figure is retracted; the audit log keeps it.")] reason: String,
    ) -> Result<RetractObservationPayload> {
        let done = change(ctx, id, expected_revision, Change::Retract, reason).await?;
        Ok(RetractObservationPayload {
            observation: done.row.map(Observation),
            retracted_observation_id: done.retracted,
            user_errors: done.user_errors,
        })
    }
}
