//! The mutations of the links between rows: a company's part in a project, a policy's
//! concern with a company, and a policy's with a city. A link is named by the global IDs
//! of the two rows it joins; the audit log and the change feed name it by both, joined by
//! `/`.

use super::UserError;
use super::curated::{Outcome, Table, Target, create, link, retract, update};
use crate::dataset::{PolicyCityRecord, PolicyCompanyRecord, ProjectCompanyRecord};
use crate::entities::{policy_city, policy_company, project_company};
use crate::graphql::ids::NodeType;
use crate::graphql::organisations::{PolicyCityLink, PolicyInvolvement, ProjectParticipation};
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

/// A company's new part in a project.
#[derive(InputObject, Clone, Debug)]
pub struct CreateProjectParticipationInput {
    /// The project's global ID.
    pub project: ID,
    /// The company's global ID.
    pub company: ID,
    /// The company's role, e.g. "technology provider".
    pub role: String,
}

/// A policy's new concern with a company.
#[derive(InputObject, Clone, Debug)]
pub struct CreatePolicyInvolvementInput {
    /// The policy's global ID.
    pub policy: ID,
    /// The company's global ID.
    pub company: ID,
    /// How the policy concerns the company, e.g. `partner` or `target`.
    pub relation: String,
}

/// A policy's new concern with a city.
#[derive(InputObject, Clone, Debug)]
pub struct CreatePolicyCityLinkInput {
    /// The policy's global ID.
    pub policy: ID,
    /// The city's global ID.
    pub city: ID,
}

payloads!(
    ProjectParticipation,
    project_participation,
    CreateProjectParticipationPayload,
    UpdateProjectParticipationPayload,
    RetractProjectParticipationPayload,
    retracted_project_participation_id
);
payloads!(
    PolicyInvolvement,
    policy_involvement,
    CreatePolicyInvolvementPayload,
    UpdatePolicyInvolvementPayload,
    RetractPolicyInvolvementPayload,
    retracted_policy_involvement_id
);

// A link to a city is made and retracted, never changed: no update payload.
payloads!(
    @one "create",
    CreatePolicyCityLinkPayload,
    PolicyCityLink,
    policy_city_link,
    "The new link; `null` when nothing was written."
);
payloads!(
    @one "retract",
    RetractPolicyCityLinkPayload,
    PolicyCityLink,
    policy_city_link,
    "The link's last state, now retracted (its revisions keep it); or, when nothing was\n\
     written, the link as it stands.",
    retracted_policy_city_link_id: "The ID of the retracted link: the policy's and the \
                                    city's, joined by `/`."
);

fn participation(project: ID, company: ID) -> Result<Target, UserError> {
    link(
        ("project", project, NodeType::Project),
        ("company", company, NodeType::Company),
    )
}

fn involvement(policy: ID, company: ID) -> Result<Target, UserError> {
    link(
        ("policy", policy, NodeType::Policy),
        ("company", company, NodeType::Company),
    )
}

fn policy_city(policy: ID, city: ID) -> Result<Target, UserError> {
    link(
        ("policy", policy, NodeType::Policy),
        ("city", city, NodeType::City),
    )
}

/// Creates the link `target` names, its record made from the slugs its key holds (in its
/// order). An ID of the wrong type is reported before the token is checked, as for every
/// other write that names rows by ID.
async fn create_link<M: Table>(
    ctx: &Context<'_>,
    target: Result<Target, UserError>,
    record: impl FnOnce(String, String) -> M::Record,
    reason: String,
) -> Result<Outcome<M>> {
    let target = match target {
        Ok(target) => target,
        Err(error) => return Ok(Outcome::refused(error)),
    };
    let (first, second) = target.key.split_once('/').unwrap_or((&target.key, ""));
    let record = record(first.to_owned(), second.to_owned());
    create::<M>(ctx, target.id, record, reason).await
}

#[derive(Default)]
pub struct LinkMutation;

#[Object]
impl LinkMutation {
    /// Records a company's part in a project. Takes an editor's token.
    async fn create_project_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project, the company and the role.")]
        input: CreateProjectParticipationInput,
        #[graphql(desc = "Why it is added; the audit log keeps it.")] reason: String,
    ) -> Result<CreateProjectParticipationPayload> {
        let target = participation(input.project, input.company);
        let record = |project, company| ProjectCompanyRecord {
            project,
            company,
            role: input.role,
        };
        let done = create_link::<project_company::Model>(ctx, target, record, reason).await?;
        Ok(CreateProjectParticipationPayload {
            project_participation: done.row.map(ProjectParticipation),
            user_errors: done.user_errors,
        })
    }

    /// Corrects a company's role in a project at the revision the client read. Takes an
    /// editor's token.
    async fn update_project_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project: ID,
        #[graphql(desc = "The company's global ID.")] company: ID,
        #[graphql(desc = "The participation's `revision` when it was read.")]
        expected_revision: i32,
        #[graphql(desc = "The company's role in the project.")] role: String,
        #[graphql(desc = "Why it changes; the audit log keeps it.")] reason: String,
    ) -> Result<UpdateProjectParticipationPayload> {
        let target = participation(project, company);
        let patch = |record: &mut ProjectCompanyRecord| record.role = role;
        let done =
            update::<project_company::Model>(ctx, target, expected_revision, patch, reason).await?;
        Ok(UpdateProjectParticipationPayload {
            project_participation: done.row.map(ProjectParticipation),
            user_errors: done.user_errors,
        })
    }

    /// Retracts a company's part in a project. Takes an editor's token.
    async fn retract_project_participation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global ID.")] project: ID,
        #[graphql(desc = "The company's global ID.")] company: ID,
        #[graphql(desc = "The participation's `revision` when it was read.")]
        expected_revision: i32,
        #[graphql(desc = "Why it is retracted; the audit log keeps it.")] reason: String,
    ) -> Result<RetractProjectParticipationPayload> {
        let target = participation(project, company);
        let done =
            retract::<project_company::Model>(ctx, target, expected_revision, reason).await?;
        Ok(RetractProjectParticipationPayload {
            project_participation: done.row.map(ProjectParticipation),
            retracted_project_participation_id: done.retracted,
            user_errors: done.user_errors,
        })
    }

    /// Records how a policy concerns a company. Takes an editor's token.
    async fn create_policy_involvement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy, the company and the relation.")]
        input: CreatePolicyInvolvementInput,
        #[graphql(desc = "Why it is added; the audit log keeps it.")] reason: String,
    ) -> Result<CreatePolicyInvolvementPayload> {
        let target = involvement(input.policy, input.company);
        let record = |policy, company| PolicyCompanyRecord {
            policy,
            company,
            relation: input.relation,
        };
        let done = create_link::<policy_company::Model>(ctx, target, record, reason).await?;
        Ok(CreatePolicyInvolvementPayload {
            policy_involvement: done.row.map(PolicyInvolvement),
            user_errors: done.user_errors,
        })
    }

    /// Corrects how a policy concerns a company at the revision the client read. Takes an
    /// editor's token.
    async fn update_policy_involvement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy's global ID.")] policy: ID,
        #[graphql(desc = "The company's global ID.")] company: ID,
        #[graphql(desc = "The involvement's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "How the policy concerns the company.")] relation: String,
        #[graphql(desc = "Why it changes; the audit log keeps it.")] reason: String,
    ) -> Result<UpdatePolicyInvolvementPayload> {
        let target = involvement(policy, company);
        let patch = |record: &mut PolicyCompanyRecord| record.relation = relation;
        let done =
            update::<policy_company::Model>(ctx, target, expected_revision, patch, reason).await?;
        Ok(UpdatePolicyInvolvementPayload {
            policy_involvement: done.row.map(PolicyInvolvement),
            user_errors: done.user_errors,
        })
    }

    /// Retracts how a policy concerns a company. Takes an editor's token.
    async fn retract_policy_involvement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy's global ID.")] policy: ID,
        #[graphql(desc = "The company's global ID.")] company: ID,
        #[graphql(desc = "The involvement's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "Why it is retracted; the audit log keeps it.")] reason: String,
    ) -> Result<RetractPolicyInvolvementPayload> {
        let target = involvement(policy, company);
        let done = retract::<policy_company::Model>(ctx, target, expected_revision, reason).await?;
        Ok(RetractPolicyInvolvementPayload {
            policy_involvement: done.row.map(PolicyInvolvement),
            retracted_policy_involvement_id: done.retracted,
            user_errors: done.user_errors,
        })
    }

    /// Records that a policy concerns a city. Takes an editor's token.
    async fn create_policy_city_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy and the city.")] input: CreatePolicyCityLinkInput,
        #[graphql(desc = "Why it is added; the audit log keeps it.")] reason: String,
    ) -> Result<CreatePolicyCityLinkPayload> {
        let target = policy_city(input.policy, input.city);
        let record = |policy, city| PolicyCityRecord { policy, city };
        let done = create_link::<policy_city::Model>(ctx, target, record, reason).await?;
        Ok(CreatePolicyCityLinkPayload {
            policy_city_link: done.row.map(PolicyCityLink),
            user_errors: done.user_errors,
        })
    }

    /// Retracts that a policy concerns a city. Takes an editor's token.
    async fn retract_policy_city_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The policy's global ID.")] policy: ID,
        #[graphql(desc = "The city's global ID.")] city: ID,
        #[graphql(desc = "The link's `revision` when it was read.")] expected_revision: i32,
        #[graphql(desc = "Why it is retracted; the audit log keeps it.")] reason: String,
    ) -> Result<RetractPolicyCityLinkPayload> {
        let target = policy_city(policy, city);
        let done = retract::<policy_city::Model>(ctx, target, expected_revision, reason).await?;
        Ok(RetractPolicyCityLinkPayload {
            policy_city_link: done.row.map(PolicyCityLink),
            retracted_policy_city_link_id: done.retracted,
            user_errors: done.user_errors,
        })
    }
}
