//! The row builders, one per table: a dataset record, the ids its references resolved to and
//! its search document become the row to store. The paper's seeder and the synthetic
//! generator both build every row here, so the two cannot drift apart on what a row holds.
//!
//! The caller composes `search_text`, because synthetic rows index fewer fields than the
//! paper's (see `seed::desired` and `synthetic`). Surrogate ids are left at 0: the database
//! assigns them on insert, and the seeder adopts the stored one when it matches a row.

use crate::dataset::{
    self, CityRecord, CompanyRecord, CompanySanctionRecord, CountryRecord, IndicatorRecord,
    ObservationRecord, PolicyRecord, ProjectRecord, RegionRecord, SourceRecord,
    StrategicComparisonRecord,
};
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
    strategic_position, subject,
};
use crate::error::Error;
use chrono::Utc;

pub(crate) type Timestamp = chrono::DateTime<Utc>;

/// Builds rows stamped with one time, so that every row a run writes agrees on it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rows {
    pub now: Timestamp,
}

impl Rows {
    pub fn source(self, s: SourceRecord, search_text: String) -> source::Model {
        source::Model {
            id: 0,
            slug: s.slug,
            kind: s.kind,
            publisher: s.publisher,
            authors: s.authors,
            title: s.title,
            container: s.container,
            published_on: s.published_on,
            accessed_on: s.accessed_on,
            url: s.url,
            doi: s.doi,
            paper_reference: s.paper_reference,
            note: s.note,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn subject(self, kind: subject::SubjectKind, key: String) -> subject::Model {
        subject::Model {
            id: 0,
            kind,
            key,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn region(self, r: RegionRecord, subject_id: i32, search_text: String) -> region::Model {
        region::Model {
            id: 0,
            subject_id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            description: r.description,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn country(
        self,
        c: CountryRecord,
        subject_id: i32,
        region_id: Option<i32>,
        search_text: String,
    ) -> country::Model {
        country::Model {
            id: 0,
            subject_id,
            code: c.code,
            iso3: c.iso3,
            name: c.name,
            region_id,
            advantages: c.advantages,
            advantages_cited_in: c.advantages_cited_in,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn city(
        self,
        c: CityRecord,
        subject_id: i32,
        country_id: i32,
        search_text: String,
    ) -> city::Model {
        city::Model {
            id: 0,
            subject_id,
            slug: c.slug,
            name: c.name,
            country_id,
            description: c.description,
            cited_in: c.cited_in,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn company(self, c: CompanyRecord, ids: CompanyIds, search_text: String) -> company::Model {
        company::Model {
            id: 0,
            subject_id: ids.subject,
            slug: c.slug,
            name: c.name,
            country_id: ids.country,
            hq_city_id: ids.hq_city,
            parent_company_id: ids.parent,
            sector: c.sector,
            leading_enterprise: c.leading_enterprise,
            description: c.description,
            cited_in: c.cited_in,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn project(self, p: ProjectRecord, ids: ProjectIds, search_text: String) -> project::Model {
        project::Model {
            id: 0,
            subject_id: ids.subject,
            slug: p.slug,
            name: p.name,
            kind: p.kind,
            city_id: ids.city,
            country_id: ids.country,
            start_year: p.start_year,
            description: p.description,
            source_id: ids.source,
            cited_in: p.cited_in,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn project_company(
        self,
        project_id: i32,
        company_id: i32,
        role: String,
    ) -> project_company::Model {
        project_company::Model {
            project_id,
            company_id,
            role,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn policy(
        self,
        p: PolicyRecord,
        country_id: i32,
        source_id: i32,
        search_text: String,
    ) -> policy::Model {
        policy::Model {
            id: 0,
            slug: p.slug,
            title: p.title,
            country_id,
            kind: p.kind,
            issuer: p.issuer,
            year: p.year,
            start_year: p.start_year,
            end_year: p.end_year,
            target_year: p.target_year,
            summary: p.summary,
            source_id,
            cited_in: p.cited_in,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn policy_city(self, policy_id: i32, city_id: i32) -> policy_city::Model {
        policy_city::Model {
            policy_id,
            city_id,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn policy_company(
        self,
        policy_id: i32,
        company_id: i32,
        relation: String,
    ) -> policy_company::Model {
        policy_company::Model {
            policy_id,
            company_id,
            relation,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn company_sanction(
        self,
        s: CompanySanctionRecord,
        company_id: i32,
        source_id: i32,
    ) -> company_sanction::Model {
        company_sanction::Model {
            id: 0,
            slug: s.slug,
            company_id,
            authority: s.authority,
            list_name: s.list_name,
            action: s.action,
            year: s.year,
            description: s.description,
            source_id,
            cited_in: s.cited_in,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn indicator(self, i: IndicatorRecord, search_text: String) -> indicator::Model {
        indicator::Model {
            id: 0,
            code: i.code,
            name: i.name,
            description: i.description,
            unit: i.unit,
            scale: i.scale,
            measure: i.measure,
            topic: i.topic,
            caveat: i.caveat,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    /// Fails on a period, qualifier or status the schema does not know.
    pub fn observation(
        self,
        o: ObservationRecord,
        ids: ObservationIds,
        search_text: String,
    ) -> Result<observation::Model, Error> {
        Ok(observation::Model {
            id: 0,
            indicator_id: ids.indicator,
            subject_id: ids.subject,
            year: dataset::period_year(&o.period).ok_or_else(|| {
                Error::dataset(format_args!("period {:?} is not YYYY or YYYY-Qn", o.period))
            })?,
            period: o.period,
            category: o.category,
            value: o.value,
            value_text: o.value_text,
            unit: o.unit,
            scale: o.scale,
            qualifier: parse_enum(&o.qualifier, "qualifier")?,
            status: parse_enum(&o.status, "status")?,
            source_id: ids.source,
            cited_in: o.cited_in,
            caveat: o.caveat,
            search_text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        })
    }

    pub fn strategic_dimension(
        self,
        d: StrategicComparisonRecord,
        source_id: i32,
    ) -> strategic_dimension::Model {
        strategic_dimension::Model {
            id: 0,
            slug: d.slug,
            ordinal: d.ordinal,
            dimension: d.dimension,
            key_difference: d.key_difference,
            source_id,
            cited_in: d.cited_in,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }

    pub fn strategic_position(
        self,
        dimension_id: i32,
        country_id: i32,
        text: String,
    ) -> strategic_position::Model {
        strategic_position::Model {
            id: 0,
            dimension_id,
            country_id,
            text,
            created_at: self.now,
            updated_at: self.now,
            revision: 1,
        }
    }
}

/// What a company's references resolved to; named, as four bare ids are easy to swap.
pub(crate) struct CompanyIds {
    pub subject: i32,
    pub country: i32,
    pub hq_city: Option<i32>,
    pub parent: Option<i32>,
}

pub(crate) struct ProjectIds {
    pub subject: i32,
    pub city: Option<i32>,
    pub country: i32,
    pub source: i32,
}

pub(crate) struct ObservationIds {
    pub indicator: i32,
    pub subject: i32,
    pub source: i32,
}

pub(super) fn parse_enum<E>(value: &str, what: &str) -> Result<E, Error>
where
    E: sea_orm::ActiveEnum<Value = String> + sea_orm::Iterable,
{
    E::iter()
        .find(|variant| variant.to_value() == value)
        .ok_or_else(|| Error::dataset(format_args!("unknown {what} {value:?}")))
}
