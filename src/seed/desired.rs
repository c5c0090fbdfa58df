//! The rows the paper's dataset wants in each table: its records with their references
//! resolved against the rows already synced, and the search documents of the paper's rows.

use super::rows::{CompanyIds, ObservationIds, ProjectIds, Rows, parse_enum};
use super::seeded::Seeded;
use crate::dataset::{
    CityRecord, CompanyRecord, CountryRecord, Dataset, IndicatorRecord, ObservationRecord,
    PolicyRecord, ProjectRecord, RegionRecord, SourceRecord,
};
use crate::entities::subject::SubjectKind as Kind;
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
    strategic_position, subject,
};
use crate::error::Error;
use crate::text_search::document;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;

/// A table's stored rows by natural key, as `Seeder::sync` returns them.
pub(super) type Stored<M> = HashMap<<M as Seeded>::Key, M>;

/// A table's desired rows, or the first reference that does not resolve.
type Built<M> = Result<Vec<M>, Error>;

/// The paper's dataset, read table by table into the rows it wants stored.
#[derive(Clone, Copy)]
pub(super) struct Desired<'d> {
    pub rows: Rows,
    pub data: &'d Dataset,
}

impl Desired<'_> {
    pub fn sources(self) -> Vec<source::Model> {
        self.data
            .sources
            .iter()
            .map(|s| self.rows.source(s.clone(), source_document(s)))
            .collect()
    }

    /// One subject per region, country, city, company and project.
    pub fn subjects(self) -> Vec<subject::Model> {
        let data = self.data;
        let regions = data.regions.iter().map(|r| (Kind::Region, &r.code));
        let countries = data.countries.iter().map(|c| (Kind::Country, &c.code));
        let cities = data.cities.iter().map(|c| (Kind::City, &c.slug));
        let companies = data.companies.iter().map(|c| (Kind::Company, &c.slug));
        let projects = data.projects.iter().map(|p| (Kind::Project, &p.slug));
        regions
            .chain(countries)
            .chain(cities)
            .chain(companies)
            .chain(projects)
            .map(|(kind, key)| self.rows.subject(kind, key.clone()))
            .collect()
    }

    pub fn regions(self, subjects: &Stored<subject::Model>) -> Built<region::Model> {
        each(&self.data.regions, |r| {
            let search_text = region_document(r);
            let subject = subject_id(subjects, Kind::Region, &r.code)?;
            Ok(self.rows.region(r.clone(), subject, search_text))
        })
    }

    pub fn countries(
        self,
        subjects: &Stored<subject::Model>,
        regions: &Stored<region::Model>,
    ) -> Built<country::Model> {
        each(&self.data.countries, |c| {
            let search_text = country_document(c);
            let subject = subject_id(subjects, Kind::Country, &c.code)?;
            let region = optional(regions, &c.region, "region")?.map(|r| r.id);
            Ok(self.rows.country(c.clone(), subject, region, search_text))
        })
    }

    pub fn cities(
        self,
        subjects: &Stored<subject::Model>,
        countries: &Stored<country::Model>,
    ) -> Built<city::Model> {
        each(&self.data.cities, |c| {
            let search_text = city_document(c);
            let subject = subject_id(subjects, Kind::City, &c.slug)?;
            let country = lookup(countries, &c.country, "country")?.id;
            Ok(self.rows.city(c.clone(), subject, country, search_text))
        })
    }

    /// Companies with the parents that `parent_ids` already knows; see `Seeder::sync_companies`.
    pub fn companies(
        self,
        subjects: &Stored<subject::Model>,
        countries: &Stored<country::Model>,
        cities: &Stored<city::Model>,
        parent_ids: &HashMap<String, i32>,
    ) -> Built<company::Model> {
        each(&self.data.companies, |c| {
            let search_text = company_document(c);
            let ids = CompanyIds {
                subject: subject_id(subjects, Kind::Company, &c.slug)?,
                country: lookup(countries, &c.country, "country")?.id,
                hq_city: optional(cities, &c.hq_city, "city")?.map(|city| city.id),
                parent: c.parent.as_ref().and_then(|p| parent_ids.get(p).copied()),
            };
            Ok(self.rows.company(c.clone(), ids, search_text))
        })
    }

    pub fn projects(
        self,
        subjects: &Stored<subject::Model>,
        countries: &Stored<country::Model>,
        cities: &Stored<city::Model>,
        sources: &Stored<source::Model>,
    ) -> Built<project::Model> {
        each(&self.data.projects, |p| {
            let search_text = project_document(p);
            let ids = ProjectIds {
                subject: subject_id(subjects, Kind::Project, &p.slug)?,
                city: optional(cities, &p.city, "city")?.map(|c| c.id),
                country: lookup(countries, &p.country, "country")?.id,
                source: lookup(sources, &p.source, "source")?.id,
            };
            Ok(self.rows.project(p.clone(), ids, search_text))
        })
    }

    pub fn project_companies(
        self,
        projects: &Stored<project::Model>,
        companies: &Stored<company::Model>,
    ) -> Built<project_company::Model> {
        each(&self.data.project_companies, |pc| {
            let project = lookup(projects, &pc.project, "project")?.id;
            let company = lookup(companies, &pc.company, "company")?.id;
            Ok(self.rows.project_company(project, company, pc.role.clone()))
        })
    }

    pub fn policies(
        self,
        countries: &Stored<country::Model>,
        sources: &Stored<source::Model>,
    ) -> Built<policy::Model> {
        each(&self.data.policies, |p| {
            let search_text = policy_document(p);
            let country = lookup(countries, &p.country, "country")?.id;
            let source = lookup(sources, &p.source, "source")?.id;
            Ok(self.rows.policy(p.clone(), country, source, search_text))
        })
    }

    pub fn policy_cities(
        self,
        policies: &Stored<policy::Model>,
        cities: &Stored<city::Model>,
    ) -> Built<policy_city::Model> {
        each(&self.data.policy_cities, |pc| {
            let policy = lookup(policies, &pc.policy, "policy")?.id;
            let city = lookup(cities, &pc.city, "city")?.id;
            Ok(self.rows.policy_city(policy, city))
        })
    }

    pub fn policy_companies(
        self,
        policies: &Stored<policy::Model>,
        companies: &Stored<company::Model>,
    ) -> Built<policy_company::Model> {
        each(&self.data.policy_companies, |pc| {
            let policy = lookup(policies, &pc.policy, "policy")?.id;
            let company = lookup(companies, &pc.company, "company")?.id;
            Ok(self
                .rows
                .policy_company(policy, company, pc.relation.clone()))
        })
    }

    pub fn company_sanctions(
        self,
        companies: &Stored<company::Model>,
        sources: &Stored<source::Model>,
    ) -> Built<company_sanction::Model> {
        each(&self.data.company_sanctions, |s| {
            let company = lookup(companies, &s.company, "company")?.id;
            let source = lookup(sources, &s.source, "source")?.id;
            Ok(self.rows.company_sanction(s.clone(), company, source))
        })
    }

    pub fn indicators(self) -> Vec<indicator::Model> {
        self.data
            .indicators
            .iter()
            .map(|i| self.rows.indicator(i.clone(), indicator_document(i)))
            .collect()
    }

    pub fn observations(
        self,
        indicators: &Stored<indicator::Model>,
        subjects: &Stored<subject::Model>,
        sources: &Stored<source::Model>,
    ) -> Built<observation::Model> {
        each(&self.data.observations, |o| {
            let kind = parse_enum::<Kind>(&o.subject_kind, "subject kind")?;
            let indicator = lookup(indicators, &o.indicator, "indicator")?;
            let ids = ObservationIds {
                indicator: indicator.id,
                subject: subject_id(subjects, kind, &o.subject)?,
                source: lookup(sources, &o.source, "source")?.id,
            };
            self.rows
                .observation(o.clone(), ids, observation_document(o, indicator))
        })
    }

    pub fn strategic_dimensions(
        self,
        sources: &Stored<source::Model>,
    ) -> Built<strategic_dimension::Model> {
        each(&self.data.strategic_comparison, |d| {
            let source = lookup(sources, &d.source, "source")?.id;
            Ok(self.rows.strategic_dimension(d.clone(), source))
        })
    }

    /// Table 1 is printed one column per country: each of its rows holds two positions.
    pub fn strategic_positions(
        self,
        dimensions: &Stored<strategic_dimension::Model>,
        countries: &Stored<country::Model>,
    ) -> Built<strategic_position::Model> {
        let mut positions = Vec::with_capacity(self.data.strategic_comparison.len() * 2);
        for d in &self.data.strategic_comparison {
            let dimension = lookup(dimensions, &d.slug, "strategic dimension")?.id;
            for (code, text) in [("CN", &d.china), ("US", &d.united_states)] {
                let country = lookup(countries, code, "country")?.id;
                positions.push(
                    self.rows
                        .strategic_position(dimension, country, text.clone()),
                );
            }
        }
        Ok(positions)
    }
}

/// What a region's `text` filter matches.
pub(crate) fn region_document(r: &RegionRecord) -> String {
    document(
        &r.name,
        [
            r.code.as_str(),
            &r.kind,
            r.description.as_deref().unwrap_or_default(),
        ],
    )
}

/// What a country's `text` filter matches.
pub(crate) fn country_document(c: &CountryRecord) -> String {
    document(
        &c.name,
        [
            c.code.as_str(),
            &c.iso3,
            c.advantages.as_deref().unwrap_or_default(),
        ],
    )
}

/// What a city's `text` filter matches.
pub(crate) fn city_document(c: &CityRecord) -> String {
    document(&c.name, [c.slug.as_str(), &c.description])
}

/// What a company's `text` filter matches.
pub(crate) fn company_document(c: &CompanyRecord) -> String {
    document(&c.name, [c.slug.as_str(), &c.sector, &c.description])
}

/// What a project's `text` filter matches.
pub(crate) fn project_document(p: &ProjectRecord) -> String {
    document(&p.name, [p.slug.as_str(), &p.kind, &p.description])
}

/// What a source's `text` filter matches.
pub(crate) fn source_document(s: &SourceRecord) -> String {
    document(
        &s.title,
        [
            s.slug.as_str(),
            &s.publisher,
            s.authors.as_deref().unwrap_or_default(),
            s.container.as_deref().unwrap_or_default(),
            &s.kind,
            &s.paper_reference,
        ],
    )
}

/// What a policy's `text` filter matches.
pub(crate) fn policy_document(p: &PolicyRecord) -> String {
    document(
        &p.title,
        [
            p.slug.as_str(),
            &p.kind,
            p.issuer.as_deref().unwrap_or_default(),
            &p.summary,
        ],
    )
}

/// What an indicator's `text` filter matches.
pub(crate) fn indicator_document(i: &IndicatorRecord) -> String {
    document(
        &i.name,
        [
            i.code.as_str(),
            &i.description,
            &i.unit,
            &i.measure,
            &i.topic,
        ],
    )
}

/// What an observation's `text` filter matches: the indicator's name and code, the subject's
/// key, the category, the place in the paper and the caveat.
pub(crate) fn observation_document(
    record: &ObservationRecord,
    indicator: &indicator::Model,
) -> String {
    document(
        &indicator.name,
        [
            indicator.code.as_str(),
            &record.subject,
            record.category.as_deref().unwrap_or_default(),
            &record.cited_in,
            record.caveat.as_deref().unwrap_or_default(),
        ],
    )
}

/// Builds each record's row, or fails on the first reference that does not resolve.
fn each<R, M>(records: &[R], build: impl FnMut(&R) -> Result<M, Error>) -> Built<M> {
    records.iter().map(build).collect()
}

fn subject_id(subjects: &Stored<subject::Model>, kind: Kind, key: &str) -> Result<i32, Error> {
    lookup(subjects, &(kind, key.to_owned()), "subject").map(|s| s.id)
}

fn lookup<'m, K, Q, M>(rows: &'m HashMap<K, M>, key: &Q, what: &str) -> Result<&'m M, Error>
where
    K: Eq + Hash + Borrow<Q>,
    Q: Eq + Hash + fmt::Debug + ?Sized,
{
    rows.get(key)
        .ok_or_else(|| Error::dataset(format_args!("unknown {what} {key:?}")))
}

pub(super) fn optional<'m, M>(
    rows: &'m HashMap<String, M>,
    key: &Option<String>,
    what: &str,
) -> Result<Option<&'m M>, Error> {
    key.as_ref()
        .map(|k| lookup(rows, k.as_str(), what))
        .transpose()
}
