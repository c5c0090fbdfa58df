//! The mutations: curated writes, each with a reason, an expected revision where it changes
//! a row, and a payload of the row and the user errors, in the manner of GitHub's and
//! Shopify's APIs. The writes themselves are `store::curation`'s.

#[macro_use]
mod macros;

mod comparison;
mod curated;
mod links;
mod observations;
mod places;
mod policies;
mod tokens;

use crate::auth::{Principal, Role};
use crate::error::Error;
use crate::store::curation::{Problem, ProblemKind};
use crate::store::history::Author;
use async_graphql::{Context, Enum, MergedObject, Result, SimpleObject};
use observations::ObservationMutation;
use sea_orm::DatabaseConnection;

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

    /// The store's refusal of the input field `field` (a `BadUserInput`): a duplicate when
    /// its message says `taken` (the store's words for a name in use), else a blank.
    fn refused(field: &[&str], taken: &str, message: String) -> Self {
        let code = if message.contains(taken) {
            UserErrorCode::Duplicate
        } else {
            UserErrorCode::Blank
        };
        Self::new(field, code, message)
    }
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

fn problems(problems: Vec<Problem>) -> Vec<UserError> {
    problems.into_iter().map(UserError::from).collect()
}
