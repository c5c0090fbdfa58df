//! The mutations of policies and of companies' sanctions: created, updated and retracted
//! like every curated row (see `curated`), their references given by slug or code.

use super::UserError;
use crate::dataset::{CompanySanctionRecord, PolicyRecord};
use crate::graphql::organisations::{Policy, Sanction};
use async_graphql::{ID, MaybeUndefined, SimpleObject};

create_input! {
    /// A new policy, plan, law or initiative.
    CreatePolicyInput => PolicyRecord {
        /// The slug it is known by, e.g. `eu-ai-act`; it never changes.
        slug: String,
        /// Its title, as the source gives it.
        title: String,
        /// The code of the country that issued it, e.g. `CN`.
        country: String,
        /// What it is, e.g. `national_plan`, `international_initiative`, `city_policy`.
        kind: String,
        /// Who issued it, where the source says.
        issuer: Option<String>,
        /// The year it was issued.
        year: Option<i32>,
        /// The first year it covers.
        start_year: Option<i32>,
        /// The last year it covers.
        end_year: Option<i32>,
        /// The year it aims at.
        target_year: Option<i32>,
        /// What it does, in a sentence or two.
        summary: String,
        /// The slug of the source that describes it.
        source: String,
        /// Where it stands in the paper or in its source.
        cited_in: String,
    }
}

update_input! {
    /// A correction to a policy: only the fields given change; `null` clears an optional one.
    UpdatePolicyInput => PolicyRecord {
        /// Its title.
        title: Option<String>,
        /// The code of the country that issued it.
        country: Option<String>,
        /// What it is.
        kind: Option<String>,
        /// Who issued it.
        issuer: MaybeUndefined<String>,
        /// The year it was issued.
        year: MaybeUndefined<i32>,
        /// The first year it covers.
        start_year: MaybeUndefined<i32>,
        /// The last year it covers.
        end_year: MaybeUndefined<i32>,
        /// The year it aims at.
        target_year: MaybeUndefined<i32>,
        /// What it does.
        summary: Option<String>,
        /// The slug of the source that describes it.
        source: Option<String>,
        /// Where it stands in the paper or in its source.
        cited_in: Option<String>,
    }
}

create_input! {
    /// A new sanction or entity listing of a company.
    CreateSanctionInput => CompanySanctionRecord {
        /// The slug it is known by, e.g. `huawei-entity-list-2019`; it never changes.
        slug: String,
        /// The slug of the company sanctioned.
        company: String,
        /// Who imposed it, e.g. "US Department of Commerce".
        authority: String,
        /// The list it put the company on, e.g. "Entity List".
        list_name: String,
        /// What was done, e.g. `added`.
        action: String,
        /// The year, where the source gives one.
        year: Option<i32>,
        /// What happened, in a sentence or two.
        description: String,
        /// The slug of the source that reports it.
        source: String,
        /// Where it stands in the paper or in its source.
        cited_in: String,
    }
}

update_input! {
    /// A correction to a sanction: only the fields given change; `null` clears the year.
    UpdateSanctionInput => CompanySanctionRecord {
        /// The slug of the company sanctioned.
        company: Option<String>,
        /// Who imposed it.
        authority: Option<String>,
        /// The list it put the company on.
        list_name: Option<String>,
        /// What was done.
        action: Option<String>,
        /// The year.
        year: MaybeUndefined<i32>,
        /// What happened.
        description: Option<String>,
        /// The slug of the source that reports it.
        source: Option<String>,
        /// Where it stands in the paper or in its source.
        cited_in: Option<String>,
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
