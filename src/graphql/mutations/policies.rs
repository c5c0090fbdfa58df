//! The mutations of policies and of companies' sanctions: created, updated and retracted
//! like every curated row (see `curated`), their references given by slug or code.

use super::UserError;
use super::curated::{set, set_optional};
use crate::dataset::{CompanySanctionRecord, PolicyRecord};
use crate::graphql::organisations::{Policy, Sanction};
use async_graphql::{ID, InputObject, MaybeUndefined, SimpleObject};

/// A new policy, plan, law or initiative.
#[derive(InputObject, Clone, Debug)]
pub struct CreatePolicyInput {
    /// The slug it is known by, e.g. `eu-ai-act`; it never changes.
    pub slug: String,
    /// Its title, as the source gives it.
    pub title: String,
    /// The code of the country that issued it, e.g. `CN`.
    pub country: String,
    /// What it is, e.g. `national_plan`, `international_initiative`, `city_policy`.
    pub kind: String,
    /// Who issued it, where the source says.
    pub issuer: Option<String>,
    /// The year it was issued.
    pub year: Option<i32>,
    /// The first year it covers.
    pub start_year: Option<i32>,
    /// The last year it covers.
    pub end_year: Option<i32>,
    /// The year it aims at.
    pub target_year: Option<i32>,
    /// What it does, in a sentence or two.
    pub summary: String,
    /// The slug of the source that describes it.
    pub source: String,
    /// Where it stands in the paper or in its source.
    pub cited_in: String,
}

impl From<CreatePolicyInput> for PolicyRecord {
    fn from(input: CreatePolicyInput) -> Self {
        PolicyRecord {
            slug: input.slug,
            title: input.title,
            country: input.country,
            kind: input.kind,
            issuer: input.issuer,
            year: input.year,
            start_year: input.start_year,
            end_year: input.end_year,
            target_year: input.target_year,
            summary: input.summary,
            source: input.source,
            cited_in: input.cited_in,
        }
    }
}

/// A correction to a policy: only the fields given change; `null` clears an optional one.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdatePolicyInput {
    /// Its title.
    pub title: Option<String>,
    /// The code of the country that issued it.
    pub country: Option<String>,
    /// What it is.
    pub kind: Option<String>,
    /// Who issued it.
    pub issuer: MaybeUndefined<String>,
    /// The year it was issued.
    pub year: MaybeUndefined<i32>,
    /// The first year it covers.
    pub start_year: MaybeUndefined<i32>,
    /// The last year it covers.
    pub end_year: MaybeUndefined<i32>,
    /// The year it aims at.
    pub target_year: MaybeUndefined<i32>,
    /// What it does.
    pub summary: Option<String>,
    /// The slug of the source that describes it.
    pub source: Option<String>,
    /// Where it stands in the paper or in its source.
    pub cited_in: Option<String>,
}

impl UpdatePolicyInput {
    fn apply(self, record: &mut PolicyRecord) {
        set(&mut record.title, self.title);
        set(&mut record.country, self.country);
        set(&mut record.kind, self.kind);
        set_optional(&mut record.issuer, self.issuer);
        set_optional(&mut record.year, self.year);
        set_optional(&mut record.start_year, self.start_year);
        set_optional(&mut record.end_year, self.end_year);
        set_optional(&mut record.target_year, self.target_year);
        set(&mut record.summary, self.summary);
        set(&mut record.source, self.source);
        set(&mut record.cited_in, self.cited_in);
    }
}

/// A new sanction or entity listing of a company.
#[derive(InputObject, Clone, Debug)]
pub struct CreateSanctionInput {
    /// The slug it is known by, e.g. `huawei-entity-list-2019`; it never changes.
    pub slug: String,
    /// The slug of the company sanctioned.
    pub company: String,
    /// Who imposed it, e.g. "US Department of Commerce".
    pub authority: String,
    /// The list it put the company on, e.g. "Entity List".
    pub list_name: String,
    /// What was done, e.g. `added`.
    pub action: String,
    /// The year, where the source gives one.
    pub year: Option<i32>,
    /// What happened, in a sentence or two.
    pub description: String,
    /// The slug of the source that reports it.
    pub source: String,
    /// Where it stands in the paper or in its source.
    pub cited_in: String,
}

impl From<CreateSanctionInput> for CompanySanctionRecord {
    fn from(input: CreateSanctionInput) -> Self {
        CompanySanctionRecord {
            slug: input.slug,
            company: input.company,
            authority: input.authority,
            list_name: input.list_name,
            action: input.action,
            year: input.year,
            description: input.description,
            source: input.source,
            cited_in: input.cited_in,
        }
    }
}

/// A correction to a sanction: only the fields given change; `null` clears the year.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateSanctionInput {
    /// The slug of the company sanctioned.
    pub company: Option<String>,
    /// Who imposed it.
    pub authority: Option<String>,
    /// The list it put the company on.
    pub list_name: Option<String>,
    /// What was done.
    pub action: Option<String>,
    /// The year.
    pub year: MaybeUndefined<i32>,
    /// What happened.
    pub description: Option<String>,
    /// The slug of the source that reports it.
    pub source: Option<String>,
    /// Where it stands in the paper or in its source.
    pub cited_in: Option<String>,
}

impl UpdateSanctionInput {
    fn apply(self, record: &mut CompanySanctionRecord) {
        set(&mut record.company, self.company);
        set(&mut record.authority, self.authority);
        set(&mut record.list_name, self.list_name);
        set(&mut record.action, self.action);
        set_optional(&mut record.year, self.year);
        set(&mut record.description, self.description);
        set(&mut record.source, self.source);
        set(&mut record.cited_in, self.cited_in);
    }
}

node_mutations!(
    PolicyMutation: Policy over crate::entities::policy::Model as Policy,
    record PolicyRecord,
    field policy, retracted retracted_policy_id,
    create create_policy(CreatePolicyInput) -> CreatePolicyPayload:
        "Adds a policy. Takes an editor's token.",
    update update_policy(UpdatePolicyInput) -> UpdatePolicyPayload:
        "Corrects a policy at the revision the client read. Takes an editor's token.",
    retract retract_policy -> RetractPolicyPayload:
        "Retracts a policy that no city or company is linked to any more. Takes an \
         editor's token.",
    described "The policy.", "The policy's global ID.",
        "The policy's `revision` when it was read.",
);

node_mutations!(
    SanctionMutation: Sanction over crate::entities::company_sanction::Model as Sanction,
    record CompanySanctionRecord,
    field sanction, retracted retracted_sanction_id,
    create create_sanction(CreateSanctionInput) -> CreateSanctionPayload:
        "Adds a sanction of a company. Takes an editor's token.",
    update update_sanction(UpdateSanctionInput) -> UpdateSanctionPayload:
        "Corrects a sanction at the revision the client read. Takes an editor's token.",
    retract retract_sanction -> RetractSanctionPayload:
        "Retracts a sanction. Takes an editor's token.",
    described "The sanction.", "The sanction's global ID.",
        "The sanction's `revision` when it was read.",
);
