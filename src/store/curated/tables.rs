//! Each curated table's part: its natural key, how its record is checked and built into
//! a row (references resolved by slug or code), and how a row reads back as its record.

use super::{COMPANY, COUNTRY, SOURCE, blank, problem, rows};
use crate::dataset::{
    CompanySanctionRecord, IndicatorRecord, PolicyRecord, ProblemKind, SourceRecord,
};
use crate::entities::{
    company_sanction, indicator, observation, policy, policy_city, policy_company, source,
};
use crate::error::Error;
use crate::seed::{indicator_document, policy_document, source_document};
use crate::store::curation::Problem;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

curated! {
    source: SourceRecord as "Source", keyed by slug in Slug;

    async fn build(
        _db: &(impl ConnectionTrait),
        record: SourceRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("kind", &record.kind),
                ("publisher", &record.publisher),
                ("title", &record.title),
                ("paperReference", &record.paper_reference),
            ],
        );
        let document = source_document(&record);
        Ok((problems.len() == before).then(|| rows().source(record, document)))
    }

    async fn record_of(&self, _db: &impl ConnectionTrait) -> Result<SourceRecord, Error> {
        Ok(SourceRecord {
            slug: self.slug.clone(),
            kind: self.kind.clone(),
            publisher: self.publisher.clone(),
            authors: self.authors.clone(),
            title: self.title.clone(),
            container: self.container.clone(),
            published_on: self.published_on.clone(),
            accessed_on: self.accessed_on.clone(),
            url: self.url.clone(),
            doi: self.doi.clone(),
            paper_reference: self.paper_reference.clone(),
            note: self.note.clone(),
        })
    }
}

curated! {
    indicator: IndicatorRecord as "Indicator", keyed by code in Code;

    async fn build(
        _db: &(impl ConnectionTrait),
        record: IndicatorRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("code", &record.code),
                ("name", &record.name),
                ("description", &record.description),
                ("unit", &record.unit),
                ("scale", &record.scale),
                ("measure", &record.measure),
                ("topic", &record.topic),
            ],
        );
        let document = indicator_document(&record);
        Ok((problems.len() == before).then(|| rows().indicator(record, document)))
    }

    async fn record_of(&self, _db: &impl ConnectionTrait) -> Result<IndicatorRecord, Error> {
        Ok(IndicatorRecord {
            code: self.code.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            unit: self.unit.clone(),
            scale: self.scale.clone(),
            measure: self.measure.clone(),
            topic: self.topic.clone(),
            caveat: self.caveat.clone(),
        })
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        Ok(referring! {
            db;
            observation::Column::IndicatorId => row.id, "observations";
        })
    }

    /// An indicator's figures are in its unit and scale: those change only while it has
    /// none.
    async fn check_update(
        db: &(impl ConnectionTrait),
        before: &Self,
        after: &Self,
        problems: &mut Vec<Problem>,
    ) -> Result<(), Error> {
        if before.unit == after.unit && before.scale == after.scale {
            return Ok(());
        }
        let figures = observation::Entity::find()
            .filter(observation::Column::IndicatorId.eq(before.id))
            .count(db)
            .await?;
        if figures > 0 {
            problems.push(problem(
                "unit",
                ProblemKind::WrongUnit,
                format!(
                    "{figures} observation(s) of {} are in {} ({}): correct or retract them \
                     before the indicator's unit or scale changes",
                    before.code, before.unit, before.scale
                ),
            ));
        }
        Ok(())
    }
}

curated! {
    policy: PolicyRecord as "Policy", keyed by slug in Slug;

    async fn build(
        db: &impl ConnectionTrait,
        record: PolicyRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("title", &record.title),
                ("kind", &record.kind),
                ("summary", &record.summary),
                ("citedIn", &record.cited_in),
            ],
        );
        let country = COUNTRY.id(db, "country", &record.country, problems).await?;
        let source = SOURCE.id(db, "source", &record.source, problems).await?;
        let (Some(country), Some(source), true) = (country, source, problems.len() == before)
        else {
            return Ok(None);
        };
        let document = policy_document(&record);
        Ok(Some(rows().policy(record, country, source, document)))
    }

    async fn dependents(db: &impl ConnectionTrait, row: &Self) -> Result<Vec<String>, Error> {
        Ok(referring! {
            db;
            policy_city::Column::PolicyId => row.id, "links to cities";
            policy_company::Column::PolicyId => row.id, "links to companies";
        })
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<PolicyRecord, Error> {
        Ok(PolicyRecord {
            slug: self.slug.clone(),
            title: self.title.clone(),
            country: COUNTRY.key(db, self.country_id).await?,
            kind: self.kind.clone(),
            issuer: self.issuer.clone(),
            year: self.year,
            start_year: self.start_year,
            end_year: self.end_year,
            target_year: self.target_year,
            summary: self.summary.clone(),
            source: SOURCE.key(db, self.source_id).await?,
            cited_in: self.cited_in.clone(),
        })
    }
}

curated! {
    company_sanction: CompanySanctionRecord as "Sanction", keyed by slug in Slug;

    async fn build(
        db: &impl ConnectionTrait,
        record: CompanySanctionRecord,
        problems: &mut Vec<Problem>,
    ) -> Result<Option<Self>, Error> {
        let before = problems.len();
        blank(
            problems,
            &[
                ("slug", &record.slug),
                ("authority", &record.authority),
                ("listName", &record.list_name),
                ("action", &record.action),
                ("description", &record.description),
                ("citedIn", &record.cited_in),
            ],
        );
        let company = COMPANY.id(db, "company", &record.company, problems).await?;
        let source = SOURCE.id(db, "source", &record.source, problems).await?;
        let (Some(company), Some(source), true) = (company, source, problems.len() == before)
        else {
            return Ok(None);
        };
        Ok(Some(rows().company_sanction(record, company, source)))
    }

    async fn record_of(&self, db: &impl ConnectionTrait) -> Result<CompanySanctionRecord, Error> {
        Ok(CompanySanctionRecord {
            slug: self.slug.clone(),
            company: COMPANY.key(db, self.company_id).await?,
            authority: self.authority.clone(),
            list_name: self.list_name.clone(),
            action: self.action.clone(),
            year: self.year,
            description: self.description.clone(),
            source: SOURCE.key(db, self.source_id).await?,
            cited_in: self.cited_in.clone(),
        })
    }
}
