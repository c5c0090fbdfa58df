//! The organisations figures are about, companies and projects: subjects like the places
//! (see `subjects`), with links to projects, policies and sanctions that a retraction
//! must not take with it.

use super::subjects::subject_for;
use super::{CITY, COMPANY, COUNTRY, SOURCE, blank, problem, rows};
use crate::dataset::{CompanyRecord, ProblemKind, ProjectRecord};
use crate::entities::subject::SubjectKind;
use crate::entities::{
    company, company_sanction, observation, policy_company, project, project_company,
};
use crate::error::Error;
use crate::seed::{CompanyIds, ProjectIds, company_document, project_document};
use crate::store::curation::Problem;
use sea_orm::ConnectionTrait;

curated! {
    company: CompanyRecord as "Company", keyed by slug in Slug,
    a subject;

    async fn build(
        db: &impl ConnectionTrait,
        record: CompanyRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("name", &record.name),
                ("sector", &record.sector),
                ("description", &record.description),
                ("citedIn", &record.cited_in),
            ],
        );
        if record.parent.as_deref() == Some(record.slug.as_str()) {
            problems.push(problem(
                "parent",
                ProblemKind::UnknownReference,
                "a company cannot be its own parent",
            ));
        }
        let country = COUNTRY.id(db, "country", &record.country, problems).await?;
        let hq_city = CITY
            .optional_id(db, "hqCity", record.hq_city.as_deref(), problems)
            .await?;
        let parent = COMPANY
            .optional_id(db, "parent", record.parent.as_deref(), problems)
            .await?;
        let (Some(country), true) = (country, problems.len() == before) else {
            return Ok(None);
        };
        let ids = CompanyIds {
            subject: subject_for(db, SubjectKind::Company, &record.slug).await?,
            country,
            hq_city,
            parent,
        };
        let document = company_document(&record);
        Ok(Some(rows().company(record, ids, document)))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<CompanyRecord, Error> {
        Ok(CompanyRecord {
            slug: self.slug.clone(),
            name: self.name.clone(),
            country: COUNTRY.key(db, self.country_id).await?,
            hq_city: CITY.optional_key(db, self.hq_city_id).await?,
            parent: COMPANY.optional_key(db, self.parent_company_id).await?,
            sector: self.sector.clone(),
            leading_enterprise: self.leading_enterprise,
            description: self.description.clone(),
            cited_in: self.cited_in.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        Ok(referring! {
            db;
            company::Column::ParentCompanyId => row.id, "subsidiaries";
            project_company::Column::CompanyId => row.id, "project participations";
            policy_company::Column::CompanyId => row.id, "policy involvements";
            company_sanction::Column::CompanyId => row.id, "sanctions";
            observation::Column::SubjectId => row.subject_id, "observations";
        })
    }
}

curated! {
    project: ProjectRecord as "Project", keyed by slug in Slug,
    a subject;

    async fn build(
        db: &impl ConnectionTrait,
        record: ProjectRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("name", &record.name),
                ("kind", &record.kind),
                ("description", &record.description),
                ("citedIn", &record.cited_in),
            ],
        );
        let country = COUNTRY.id(db, "country", &record.country, problems).await?;
        let city = CITY
            .optional_id(db, "city", record.city.as_deref(), problems)
            .await?;
        let source = SOURCE.id(db, "source", &record.source, problems).await?;
        let (Some(country), Some(source), true) = (country, source, problems.len() == before)
        else {
            return Ok(None);
        };
        let ids = ProjectIds {
            subject: subject_for(db, SubjectKind::Project, &record.slug).await?,
            city,
            country,
            source,
        };
        let document = project_document(&record);
        Ok(Some(rows().project(record, ids, document)))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<ProjectRecord, Error> {
        Ok(ProjectRecord {
            slug: self.slug.clone(),
            name: self.name.clone(),
            city: CITY.optional_key(db, self.city_id).await?,
            country: COUNTRY.key(db, self.country_id).await?,
            kind: self.kind.clone(),
            start_year: self.start_year,
            description: self.description.clone(),
            source: SOURCE.key(db, self.source_id).await?,
            cited_in: self.cited_in.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        Ok(referring! {
            db;
            project_company::Column::ProjectId => row.id, "company participations";
            observation::Column::SubjectId => row.subject_id, "observations";
        })
    }
}
