//! The mutations: curated writes, each with a reason, an expected revision where it changes
//! a row, and a payload of the row and the user errors, in the manner of GitHub's and
//! Shopify's APIs. The writes themselves are `store::curation`'s.

/// The payload of a write to one curated type: the entity under its own name, the
/// retracted one's ID for a retraction, and the user errors.
macro_rules! payloads {
    ($ty:ident, $field:ident, $create:ident, $update:ident, $retract:ident, $retracted:ident) => {
        #[doc = concat!("The result of `create", stringify!($ty), "`.")]
        #[derive(SimpleObject)]
        pub struct $create {
            /// The new row; `null` when nothing was written.
            pub $field: Option<$ty>,
            /// Why nothing was written; empty on success.
            pub user_errors: Vec<UserError>,
        }

        #[doc = concat!("The result of `update", stringify!($ty), "`.")]
        #[derive(SimpleObject)]
        pub struct $update {
            /// The row as it now stands: changed, or, when nothing was written, as it was
            /// (its `revision` is the one to expect).
            pub $field: Option<$ty>,
            /// Why nothing was written; empty on success.
            pub user_errors: Vec<UserError>,
        }

        #[doc = concat!("The result of `retract", stringify!($ty), "`.")]
        #[derive(SimpleObject)]
        pub struct $retract {
            /// The row's last state, now retracted (its revisions keep it); or, when
            /// nothing was written, the row as it stands.
            pub $field: Option<$ty>,
            /// The ID of the retracted row.
            pub $retracted: Option<ID>,
            /// Why nothing was written; empty on success.
            pub user_errors: Vec<UserError>,
        }
    };
}

/// The create, update and retract mutations of one curated node type, with their
/// payloads, in an object of their own for `Mutation` to merge. The type's file gives its
/// inputs (the create input converts into the table's record; the update input has
/// `apply`, which edits it) and the words of its documentation.
macro_rules! node_mutations {
    (
        $mutation:ident: $ty:ident over $model:ty as $node:ident, record $record:ty,
        field $field:ident, retracted $retracted:ident,
        create $create:ident($create_input:ty) -> $create_payload:ident: $create_doc:literal,
        update $update:ident($update_input:ty) -> $update_payload:ident: $update_doc:literal,
        retract $retract:ident -> $retract_payload:ident: $retract_doc:literal,
        described $input_doc:literal, $id_doc:literal, $revision_doc:literal $(,)?
    ) => {
        payloads!(
            $ty,
            $field,
            $create_payload,
            $update_payload,
            $retract_payload,
            $retracted
        );

        #[derive(Default)]
        pub struct $mutation;

        #[async_graphql::Object]
        impl $mutation {
            #[doc = $create_doc]
            async fn $create(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $input_doc)] input: $create_input,
                #[graphql(desc = "Why it is added; the audit log keeps it.")] reason: String,
            ) -> async_graphql::Result<$create_payload> {
                let record = <$record>::from(input);
                let done = super::curated::create::<$model>(
                    ctx,
                    crate::graphql::ids::NodeType::$node,
                    record,
                    reason,
                )
                .await?;
                Ok($create_payload {
                    $field: done.row.map($ty),
                    user_errors: done.user_errors,
                })
            }

            #[doc = $update_doc]
            async fn $update(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $id_doc)] id: async_graphql::ID,
                #[graphql(desc = $revision_doc)] expected_revision: i32,
                #[graphql(desc = "The fields to change; the others stay.")] input: $update_input,
                #[graphql(desc = "Why it changes; the audit log keeps it.")] reason: String,
            ) -> async_graphql::Result<$update_payload> {
                let target = super::curated::node(id, crate::graphql::ids::NodeType::$node);
                let patch = |record: &mut $record| input.apply(record);
                let done =
                    super::curated::update::<$model>(ctx, target, expected_revision, patch, reason)
                        .await?;
                Ok($update_payload {
                    $field: done.row.map($ty),
                    user_errors: done.user_errors,
                })
            }

            #[doc = $retract_doc]
            async fn $retract(
                &self,
                ctx: &async_graphql::Context<'_>,
                #[graphql(desc = $id_doc)] id: async_graphql::ID,
                #[graphql(desc = $revision_doc)] expected_revision: i32,
                #[graphql(desc = "Why it is retracted; the audit log keeps it.")] reason: String,
            ) -> async_graphql::Result<$retract_payload> {
                let target = super::curated::node(id, crate::graphql::ids::NodeType::$node);
                let done =
                    super::curated::retract::<$model>(ctx, target, expected_revision, reason)
                        .await?;
                Ok($retract_payload {
                    $field: done.row.map($ty),
                    $retracted: done.retracted,
                    user_errors: done.user_errors,
                })
            }
        }
    };
}

mod comparison;
mod curated;
mod links;
mod places;
mod policies;
mod tokens;

use super::ids::{self, NodeType};
use super::interfaces::observation_key;
use super::observations::{self, Observation, ObservationStatus, Qualifier, SubjectKind};
use super::releases::Release;
use crate::auth::{Principal, Role};
use crate::dataset::ObservationRecord;
use crate::entities::subject;
use crate::error::{Error, GraphqlResultExt};
use crate::store::curation::{
    self, NewObservation, ObservationPatch, Problem, ProblemKind, Written,
};
use crate::store::history::Author;
use crate::store::lookups::ObservationKey;
use crate::store::releases::{self, NewRelease};
use async_graphql::{
    Context, Enum, ID, InputObject, MaybeUndefined, MergedObject, Object, Result, SimpleObject,
};
use sea_orm::{ActiveEnum, DatabaseConnection};

/// Why a mutation wrote nothing.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum UserErrorCode {
    /// A code, key or slug that names nothing: an indicator, subject or source.
    UnknownReference,
    /// A row with this natural key exists already.
    Duplicate,
    /// Text that must not be empty is: a reason, the printed value, the place in the paper.
    Blank,
    /// A period that is neither a year (`2024`) nor a quarter (`2024-Q3`).
    InvalidPeriod,
    /// A value that is not a finite number.
    NotFinite,
    /// The printed text reads as another number than the value.
    ValueMismatch,
    /// A unit or scale other than the indicator's.
    WrongUnit,
    /// The row changed since it was read: `expectedRevision` is not its revision.
    StaleRevision,
    /// No live row has this ID (it may have been retracted).
    NotFound,
    /// The ID is not one of this type's.
    InvalidId,
    /// Other rows still refer to the row to retract: retract or change them first.
    InUse,
    /// A code of the wrong form, e.g. a country code that is not ISO 3166-1 alpha-2.
    InvalidCode,
}

impl From<ProblemKind> for UserErrorCode {
    fn from(kind: ProblemKind) -> Self {
        match kind {
            ProblemKind::UnknownReference => UserErrorCode::UnknownReference,
            ProblemKind::Duplicate => UserErrorCode::Duplicate,
            ProblemKind::Blank => UserErrorCode::Blank,
            ProblemKind::InvalidPeriod => UserErrorCode::InvalidPeriod,
            ProblemKind::NotFinite => UserErrorCode::NotFinite,
            ProblemKind::ValueMismatch => UserErrorCode::ValueMismatch,
            ProblemKind::WrongUnit => UserErrorCode::WrongUnit,
            ProblemKind::StaleRevision => UserErrorCode::StaleRevision,
            ProblemKind::InUse => UserErrorCode::InUse,
            ProblemKind::InvalidCode => UserErrorCode::InvalidCode,
        }
    }
}

/// A problem with a mutation's input, which the client can fix: nothing was written.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// The path to the input field at fault, e.g. `["input", "unit"]`.
    pub field: Vec<String>,
    /// What is wrong, in words to show a curator.
    pub message: String,
    /// What kind of problem it is, for clients to act on.
    pub code: UserErrorCode,
}

impl From<Problem> for UserError {
    fn from(problem: Problem) -> Self {
        Self {
            field: problem.field,
            message: problem.message,
            code: problem.kind.into(),
        }
    }
}

impl UserError {
    fn new(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.iter().map(|part| (*part).to_owned()).collect(),
            message: message.into(),
            code,
        }
    }
}

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

/// The result of `createObservation`.
#[derive(SimpleObject)]
pub struct CreateObservationPayload {
    /// The new figure; `null` when nothing was written.
    pub observation: Option<Observation>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `updateObservation`.
#[derive(SimpleObject)]
pub struct UpdateObservationPayload {
    /// The figure as it now stands: corrected, or, when nothing was written, as it was
    /// (its `revision` is the one to expect).
    pub observation: Option<Observation>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

/// The result of `retractObservation`.
#[derive(SimpleObject)]
pub struct RetractObservationPayload {
    /// The figure's last state, now retracted (its revisions keep it); or, when nothing was
    /// written, the figure as it stands.
    pub observation: Option<Observation>,
    /// The ID of the retracted figure.
    pub retracted_observation_id: Option<ID>,
    /// Why nothing was written; empty on success.
    pub user_errors: Vec<UserError>,
}

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

/// Every mutation: the observations' (below), the tokens' and the other curated tables'.
#[derive(MergedObject, Default)]
pub struct Mutation(
    ObservationMutation,
    curated::SourceMutation,
    curated::IndicatorMutation,
    places::RegionMutation,
    places::CountryMutation,
    places::CityMutation,
    places::CompanyMutation,
    places::ProjectMutation,
    links::LinkMutation,
    policies::PolicyMutation,
    policies::SanctionMutation,
    comparison::StrategicDimensionMutation,
    tokens::TokenMutation,
);

#[derive(Default)]
pub struct ObservationMutation;

/// The principal, who must hold at least `role`.
fn require(ctx: &Context<'_>, role: Role, reason: String) -> Result<Author, Error> {
    let principal = ctx.data_opt::<Principal>().ok_or_else(|| {
        Error::Unauthenticated(
            "changing data takes an API token: send `Authorization: Bearer <token>`".to_owned(),
        )
    })?;
    if principal.role < role {
        return Err(Error::Forbidden(format!(
            "the token {:?} has the role {}; this takes {}",
            principal.name, principal.role, role
        )));
    }
    Ok(Author {
        actor: principal.name.clone(),
        reason: reason.trim().to_owned(),
        request_id: ctx.data_opt::<RequestId>().map(|id| id.0.clone()),
    })
}

/// The request's ID, which the audit log keeps beside each change it made.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

fn database<'a>(ctx: &Context<'a>) -> Result<&'a DatabaseConnection, Error> {
    super::writer(ctx)
}

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

fn not_found(id: &ID) -> UserError {
    UserError::new(
        &["id"],
        UserErrorCode::NotFound,
        format!(
            "no live observation has the ID {:?}; it may have been retracted",
            id.as_str()
        ),
    )
}

fn problems(problems: Vec<Problem>) -> Vec<UserError> {
    problems.into_iter().map(UserError::from).collect()
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
        let record = ObservationRecord {
            indicator: input.indicator,
            subject_kind: subject::SubjectKind::from(input.subject_kind).to_value(),
            subject: input.subject,
            period: input.period,
            category: input.category.filter(|category| !category.is_empty()),
            value: input.value,
            value_text: input.value_text,
            unit: input.unit,
            scale: input.scale,
            qualifier: crate::entities::observation::Qualifier::from(input.qualifier).to_value(),
            status: crate::entities::observation::Status::from(input.status).to_value(),
            source: input.source,
            cited_in: input.cited_in,
            caveat: input.caveat,
        };
        let written = curation::create_observation(
            database(ctx)?,
            NewObservation { record },
            &author,
            |key| observations::global_id(key).to_string(),
        )
        .await
        .into_graphql()?;
        Ok(match written {
            Written::Done((_, row)) => CreateObservationPayload {
                observation: Some(Observation(row)),
                user_errors: Vec::new(),
            },
            Written::Refused {
                problems: found, ..
            } => CreateObservationPayload {
                observation: None,
                user_errors: problems(found),
            },
            Written::NotFound => CreateObservationPayload {
                observation: None,
                user_errors: Vec::new(),
            },
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
        let author = require(ctx, Role::Editor, reason)?;
        let key = match observation_id(&id) {
            Ok(key) => key,
            Err(error) => {
                return Ok(UpdateObservationPayload {
                    observation: None,
                    user_errors: vec![error],
                });
            }
        };
        let patch = ObservationPatch {
            value: input.value,
            value_text: input.value_text,
            unit: input.unit,
            scale: input.scale,
            qualifier: input.qualifier.map(|qualifier| {
                crate::entities::observation::Qualifier::from(qualifier).to_value()
            }),
            status: input
                .status
                .map(|status| crate::entities::observation::Status::from(status).to_value()),
            cited_in: input.cited_in,
            caveat: match input.caveat {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(caveat) => Some(Some(caveat)),
            },
        };
        let written = curation::update_observation(
            database(ctx)?,
            &key,
            expected_revision,
            patch,
            &author,
            id.to_string(),
        )
        .await
        .into_graphql()?;
        Ok(match written {
            Written::Done(row) => UpdateObservationPayload {
                observation: Some(Observation(row)),
                user_errors: Vec::new(),
            },
            Written::Refused {
                problems: found,
                current,
            } => UpdateObservationPayload {
                observation: current.map(Observation),
                user_errors: problems(found),
            },
            Written::NotFound => UpdateObservationPayload {
                observation: None,
                user_errors: vec![not_found(&id)],
            },
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
        let cut = releases::cut(
            database(ctx)?,
            NewRelease {
                tag: &input.tag,
                title: &input.title,
                notes: &input.notes,
                created_by: &author.actor,
            },
        )
        .await;
        Ok(match cut {
            Ok(row) => CreateReleasePayload {
                release: Some(Release { row, changes: 0 }),
                user_errors: Vec::new(),
            },
            Err(Error::BadUserInput(message)) => CreateReleasePayload {
                release: None,
                user_errors: vec![UserError::new(
                    &["input", "tag"],
                    if message.contains("exists already") {
                        UserErrorCode::Duplicate
                    } else {
                        UserErrorCode::Blank
                    },
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
        let author = require(ctx, Role::Editor, reason)?;
        let key = match observation_id(&id) {
            Ok(key) => key,
            Err(error) => {
                return Ok(RetractObservationPayload {
                    observation: None,
                    retracted_observation_id: None,
                    user_errors: vec![error],
                });
            }
        };
        let written = curation::retract_observation(
            database(ctx)?,
            &key,
            expected_revision,
            &author,
            id.to_string(),
        )
        .await
        .into_graphql()?;
        Ok(match written {
            Written::Done(row) => RetractObservationPayload {
                observation: Some(Observation(row)),
                retracted_observation_id: Some(id),
                user_errors: Vec::new(),
            },
            Written::Refused {
                problems: found,
                current,
            } => RetractObservationPayload {
                observation: current.map(Observation),
                retracted_observation_id: None,
                user_errors: problems(found),
            },
            Written::NotFound => RetractObservationPayload {
                observation: None,
                retracted_observation_id: None,
                user_errors: vec![not_found(&id)],
            },
        })
    }
}
