//! The links between rows (a company in a project, a policy concerning a city or a
//! company): keyed by the two rows they join, whose slugs joined by `/` are the link's
//! natural key, as in `city-brain/alibaba-cloud`.

use super::{CITY, COMPANY, POLICY, PROJECT, Referred, blank, rows};
use crate::dataset::{PolicyCityRecord, PolicyCompanyRecord, ProjectCompanyRecord};
use crate::entities::{policy_city, policy_company, project_company};
use crate::error::Error;
use crate::store::curation::Problem;
use sea_orm::{ConnectionTrait, EntityTrait};

/// A link's natural key: the slugs of the rows it joins.
pub(crate) fn link_key(first: &str, second: &str) -> String {
    format!("{first}/{second}")
}

/// The ids of the two rows a link's key names, if both are live.
async fn ends<A: EntityTrait, B: EntityTrait>(
    db: &impl ConnectionTrait,
    key: &str,
    first: &Referred<A>,
    second: &Referred<B>,
) -> Result<Option<(i32, i32)>, Error> {
    let Some((first_key, second_key)) = key.split_once('/') else {
        return Ok(None);
    };
    let Some(first_id) = first.live_id(db, first_key).await? else {
        return Ok(None);
    };
    let second_id = second.live_id(db, second_key).await?;
    Ok(second_id.map(|second_id| (first_id, second_id)))
}

curated! {
    project_company: ProjectCompanyRecord as "ProjectParticipation",
    linking project in PROJECT / company in COMPANY;

    async fn build(
        db: &impl ConnectionTrait,
        record: ProjectCompanyRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(problems, &[("role", &record.role)]);
        let first = PROJECT.id(db, "project", &record.project, problems).await?;
        let second = COMPANY.id(db, "company", &record.company, problems).await?;
        let ends = first.zip(second);
        let (Some((project, company)), true) = (ends, problems.len() == before) else {
            return Ok(None);
        };
        Ok(Some(rows().project_company(project, company, record.role)))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<ProjectCompanyRecord, Error> {
        Ok(ProjectCompanyRecord {
            project: PROJECT.key(db, self.project_id).await?,
            company: COMPANY.key(db, self.company_id).await?,
            role: self.role.clone(),
        })
    }
}

curated! {
    policy_city: PolicyCityRecord as "PolicyCity",
    linking policy in POLICY / city in CITY;

    async fn build(
        db: &impl ConnectionTrait,
        record: PolicyCityRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let first = POLICY.id(db, "policy", &record.policy, problems).await?;
        let second = CITY.id(db, "city", &record.city, problems).await?;
        let ends = first.zip(second);
        Ok(ends.map(|(policy, city)| rows().policy_city(policy, city)))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<PolicyCityRecord, Error> {
        Ok(PolicyCityRecord {
            policy: POLICY.key(db, self.policy_id).await?,
            city: CITY.key(db, self.city_id).await?,
        })
    }
}

curated! {
    policy_company: PolicyCompanyRecord as "PolicyInvolvement",
    linking policy in POLICY / company in COMPANY;

    async fn build(
        db: &impl ConnectionTrait,
        record: PolicyCompanyRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(problems, &[("relation", &record.relation)]);
        let first = POLICY.id(db, "policy", &record.policy, problems).await?;
        let second = COMPANY.id(db, "company", &record.company, problems).await?;
        let ends = first.zip(second);
        let (Some((policy, company)), true) = (ends, problems.len() == before) else {
            return Ok(None);
        };
        Ok(Some(rows().policy_company(
            policy,
            company,
            record.relation,
        )))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<PolicyCompanyRecord, Error> {
        Ok(PolicyCompanyRecord {
            policy: POLICY.key(db, self.policy_id).await?,
            company: COMPANY.key(db, self.company_id).await?,
            relation: self.relation.clone(),
        })
    }
}
