//! The organisations figures are about, companies and projects: subjects like the places
//! (see `subjects`), with links to projects, policies and sanctions that a retraction
//! must not take with it.

use super::subjects::{
    figures_about, optional_key, optional_reference, record_new_subject, remove_with_subject,
    subject_for,
};
use super::{
    CITY, COMPANY, COUNTRY, Curated, SOURCE, blank, count_of, key_by_id, one_by, problem,
    reference, rows,
};
use crate::dataset::{CompanyRecord, ProblemKind, ProjectRecord};
use crate::entities::subject::SubjectKind;
use crate::entities::{
    city, company, company_sanction, country, policy_company, project, project_company, source,
};
use crate::error::Error;
use crate::seed::{CompanyIds, ProjectIds, company_document, project_document};
use crate::store::curation::Problem;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr};

#[async_trait::async_trait]
impl Curated for company::Model {
    type Record = CompanyRecord;
    const TYPE: &'static str = "Company";

    fn key_of(record: &CompanyRecord) -> String {
        record.slug.clone()
    }

    async fn find(db: &impl ConnectionTrait, key: &str) -> Result<Option<Self>, Error> {
        one_by::<company::Entity>(db, company::Column::Slug, key).await
    }

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
        let country = reference::<country::Entity>(
            db,
            COUNTRY,
            ("country", "country", &record.country),
            problems,
        )
        .await?;
        let hq_city = optional_reference::<city::Entity>(
            db,
            CITY,
            ("hqCity", "city", record.hq_city.as_deref()),
            problems,
        )
        .await?;
        let parent = optional_reference::<company::Entity>(
            db,
            COMPANY,
            ("parent", "company", record.parent.as_deref()),
            problems,
        )
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
            country: key_by_id::<country::Entity>(db, COUNTRY, self.country_id).await?,
            hq_city: optional_key::<city::Entity>(db, CITY, self.hq_city_id).await?,
            parent: optional_key::<company::Entity>(db, COMPANY, self.parent_company_id).await?,
            sector: self.sector.clone(),
            leading_enterprise: self.leading_enterprise,
            description: self.description.clone(),
            cited_in: self.cited_in.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        let subsidiaries = count_of::<company::Entity>(
            db,
            company::Column::ParentCompanyId,
            row.id,
            "subsidiaries",
        )
        .await?;
        let projects = count_of::<project_company::Entity>(
            db,
            project_company::Column::CompanyId,
            row.id,
            "project participations",
        )
        .await?;
        let policies = count_of::<policy_company::Entity>(
            db,
            policy_company::Column::CompanyId,
            row.id,
            "policy involvements",
        )
        .await?;
        let sanctions = count_of::<company_sanction::Entity>(
            db,
            company_sanction::Column::CompanyId,
            row.id,
            "sanctions",
        )
        .await?;
        let figures = figures_about(db, row.subject_id).await?;
        Ok([subsidiaries, projects, policies, sanctions, figures]
            .into_iter()
            .flatten()
            .collect())
    }

    async fn write_owned(
        txn: &DatabaseTransaction,
        row: &Self,
        _record: &CompanyRecord,
        event: i32,
        created: bool,
    ) -> Result<(), Error> {
        record_new_subject(txn, row.subject_id, event, created).await
    }

    async fn remove(
        txn: &DatabaseTransaction,
        row: &Self,
        event: i32,
    ) -> Result<Result<(), DbErr>, Error> {
        remove_with_subject(txn, row, row.subject_id, event).await
    }
}

#[async_trait::async_trait]
impl Curated for project::Model {
    type Record = ProjectRecord;
    const TYPE: &'static str = "Project";

    fn key_of(record: &ProjectRecord) -> String {
        record.slug.clone()
    }

    async fn find(db: &impl ConnectionTrait, key: &str) -> Result<Option<Self>, Error> {
        one_by::<project::Entity>(db, project::Column::Slug, key).await
    }

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
        let country = reference::<country::Entity>(
            db,
            COUNTRY,
            ("country", "country", &record.country),
            problems,
        )
        .await?;
        let city = optional_reference::<city::Entity>(
            db,
            CITY,
            ("city", "city", record.city.as_deref()),
            problems,
        )
        .await?;
        let source =
            reference::<source::Entity>(db, SOURCE, ("source", "source", &record.source), problems)
                .await?;
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
            city: optional_key::<city::Entity>(db, CITY, self.city_id).await?,
            country: key_by_id::<country::Entity>(db, COUNTRY, self.country_id).await?,
            kind: self.kind.clone(),
            start_year: self.start_year,
            description: self.description.clone(),
            source: key_by_id::<source::Entity>(db, SOURCE, self.source_id).await?,
            cited_in: self.cited_in.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        let companies = count_of::<project_company::Entity>(
            db,
            project_company::Column::ProjectId,
            row.id,
            "company participations",
        )
        .await?;
        let figures = figures_about(db, row.subject_id).await?;
        Ok(companies.into_iter().chain(figures).collect())
    }

    async fn write_owned(
        txn: &DatabaseTransaction,
        row: &Self,
        _record: &ProjectRecord,
        event: i32,
        created: bool,
    ) -> Result<(), Error> {
        record_new_subject(txn, row.subject_id, event, created).await
    }

    async fn remove(
        txn: &DatabaseTransaction,
        row: &Self,
        event: i32,
    ) -> Result<Result<(), DbErr>, Error> {
        remove_with_subject(txn, row, row.subject_id, event).await
    }
}
