//! The mutations of what figures are about: regions, countries, cities, companies and
//! projects. A new one becomes a subject that observations can then refer to; one that
//! figures or other rows still refer to cannot be retracted.

use super::UserError;
use super::curated::{set, set_optional};
use crate::dataset::{CityRecord, CompanyRecord, CountryRecord, ProjectRecord, RegionRecord};
use crate::graphql::organisations::{Company, Project};
use crate::graphql::places::{City, Country, Region};
use async_graphql::{ID, InputObject, MaybeUndefined, SimpleObject};

/// A new region: a continent, or an aggregate such as the world.
#[derive(InputObject, Clone, Debug)]
pub struct CreateRegionInput {
    /// The code it is known by, e.g. `ASIA`; it never changes.
    pub code: String,
    /// Its name.
    pub name: String,
    /// What it is, e.g. `continent`, `aggregate`.
    pub kind: String,
    /// What it stands for in the paper.
    pub description: Option<String>,
}

impl From<CreateRegionInput> for RegionRecord {
    fn from(input: CreateRegionInput) -> Self {
        RegionRecord {
            code: input.code,
            name: input.name,
            kind: input.kind,
            description: input.description,
        }
    }
}

/// A correction to a region: only the fields given change; `null` clears the description.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateRegionInput {
    /// Its name.
    pub name: Option<String>,
    /// What it is.
    pub kind: Option<String>,
    /// What it stands for in the paper.
    pub description: MaybeUndefined<String>,
}

impl UpdateRegionInput {
    fn apply(self, record: &mut RegionRecord) {
        set(&mut record.name, self.name);
        set(&mut record.kind, self.kind);
        set_optional(&mut record.description, self.description);
    }
}

/// A new country.
#[derive(InputObject, Clone, Debug)]
pub struct CreateCountryInput {
    /// Its ISO 3166-1 alpha-2 code, e.g. `CN`; it never changes.
    pub code: String,
    /// Its ISO 3166-1 alpha-3 code, e.g. `CHN`.
    pub iso3: String,
    /// Its name.
    pub name: String,
    /// The code of the region it lies in, e.g. `ASIA`.
    pub region: Option<String>,
    /// Its advantages as the paper states them.
    pub advantages: Option<String>,
    /// Where the paper states them.
    pub advantages_cited_in: Option<String>,
}

impl From<CreateCountryInput> for CountryRecord {
    fn from(input: CreateCountryInput) -> Self {
        CountryRecord {
            code: input.code,
            iso3: input.iso3,
            name: input.name,
            region: input.region,
            advantages: input.advantages,
            advantages_cited_in: input.advantages_cited_in,
        }
    }
}

/// A correction to a country: only the fields given change; `null` clears an optional one.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateCountryInput {
    /// Its ISO 3166-1 alpha-3 code.
    pub iso3: Option<String>,
    /// Its name.
    pub name: Option<String>,
    /// The code of the region it lies in.
    pub region: MaybeUndefined<String>,
    /// Its advantages as the paper states them.
    pub advantages: MaybeUndefined<String>,
    /// Where the paper states them.
    pub advantages_cited_in: MaybeUndefined<String>,
}

impl UpdateCountryInput {
    fn apply(self, record: &mut CountryRecord) {
        set(&mut record.iso3, self.iso3);
        set(&mut record.name, self.name);
        set_optional(&mut record.region, self.region);
        set_optional(&mut record.advantages, self.advantages);
        set_optional(&mut record.advantages_cited_in, self.advantages_cited_in);
    }
}

/// A new city.
#[derive(InputObject, Clone, Debug)]
pub struct CreateCityInput {
    /// The slug it is known by, e.g. `shenzhen`; it never changes.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The code of its country, e.g. `CN`.
    pub country: String,
    /// What the paper says of it.
    pub description: String,
    /// Where it stands in the paper or in its source.
    pub cited_in: String,
}

impl From<CreateCityInput> for CityRecord {
    fn from(input: CreateCityInput) -> Self {
        CityRecord {
            slug: input.slug,
            name: input.name,
            country: input.country,
            description: input.description,
            cited_in: input.cited_in,
        }
    }
}

/// A correction to a city: only the fields given change.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateCityInput {
    /// Its name.
    pub name: Option<String>,
    /// The code of its country.
    pub country: Option<String>,
    /// What the paper says of it.
    pub description: Option<String>,
    /// Where it stands in the paper or in its source.
    pub cited_in: Option<String>,
}

impl UpdateCityInput {
    fn apply(self, record: &mut CityRecord) {
        set(&mut record.name, self.name);
        set(&mut record.country, self.country);
        set(&mut record.description, self.description);
        set(&mut record.cited_in, self.cited_in);
    }
}

/// A new company.
#[derive(InputObject, Clone, Debug)]
pub struct CreateCompanyInput {
    /// The slug it is known by, e.g. `huawei`; it never changes.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The code of its country, e.g. `CN`.
    pub country: String,
    /// The slug of the city it is headquartered in, where the paper says.
    pub hq_city: Option<String>,
    /// The slug of its parent company, e.g. `alibaba` for `alibaba-cloud`.
    pub parent: Option<String>,
    /// Its sector, e.g. `telecommunications`.
    pub sector: String,
    /// Whether the paper counts it among the leading enterprises (Table 2).
    pub leading_enterprise: bool,
    /// What the paper says of it.
    pub description: String,
    /// Where it stands in the paper or in its source.
    pub cited_in: String,
}

impl From<CreateCompanyInput> for CompanyRecord {
    fn from(input: CreateCompanyInput) -> Self {
        CompanyRecord {
            slug: input.slug,
            name: input.name,
            country: input.country,
            hq_city: input.hq_city,
            parent: input.parent,
            sector: input.sector,
            leading_enterprise: input.leading_enterprise,
            description: input.description,
            cited_in: input.cited_in,
        }
    }
}

/// A correction to a company: only the fields given change; `null` clears an optional one.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateCompanyInput {
    /// Its name.
    pub name: Option<String>,
    /// The code of its country.
    pub country: Option<String>,
    /// The slug of the city it is headquartered in.
    pub hq_city: MaybeUndefined<String>,
    /// The slug of its parent company.
    pub parent: MaybeUndefined<String>,
    /// Its sector.
    pub sector: Option<String>,
    /// Whether the paper counts it among the leading enterprises.
    pub leading_enterprise: Option<bool>,
    /// What the paper says of it.
    pub description: Option<String>,
    /// Where it stands in the paper or in its source.
    pub cited_in: Option<String>,
}

impl UpdateCompanyInput {
    fn apply(self, record: &mut CompanyRecord) {
        set(&mut record.name, self.name);
        set(&mut record.country, self.country);
        set_optional(&mut record.hq_city, self.hq_city);
        set_optional(&mut record.parent, self.parent);
        set(&mut record.sector, self.sector);
        set(&mut record.leading_enterprise, self.leading_enterprise);
        set(&mut record.description, self.description);
        set(&mut record.cited_in, self.cited_in);
    }
}

/// A new smart-city project or programme.
#[derive(InputObject, Clone, Debug)]
pub struct CreateProjectInput {
    /// The slug it is known by, e.g. `city-brain`; it never changes.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The slug of its city, if it belongs to one.
    pub city: Option<String>,
    /// The code of its country.
    pub country: String,
    /// What it is, e.g. `urban_platform`, `digital_twin`.
    pub kind: String,
    /// The year it started, where the source gives one.
    pub start_year: Option<i32>,
    /// What it does.
    pub description: String,
    /// The slug of the source that describes it.
    pub source: String,
    /// Where it stands in the paper or in its source.
    pub cited_in: String,
}

impl From<CreateProjectInput> for ProjectRecord {
    fn from(input: CreateProjectInput) -> Self {
        ProjectRecord {
            slug: input.slug,
            name: input.name,
            city: input.city,
            country: input.country,
            kind: input.kind,
            start_year: input.start_year,
            description: input.description,
            source: input.source,
            cited_in: input.cited_in,
        }
    }
}

/// A correction to a project: only the fields given change; `null` clears an optional one.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UpdateProjectInput {
    /// Its name.
    pub name: Option<String>,
    /// The slug of its city.
    pub city: MaybeUndefined<String>,
    /// The code of its country.
    pub country: Option<String>,
    /// What it is.
    pub kind: Option<String>,
    /// The year it started.
    pub start_year: MaybeUndefined<i32>,
    /// What it does.
    pub description: Option<String>,
    /// The slug of the source that describes it.
    pub source: Option<String>,
    /// Where it stands in the paper or in its source.
    pub cited_in: Option<String>,
}

impl UpdateProjectInput {
    fn apply(self, record: &mut ProjectRecord) {
        set(&mut record.name, self.name);
        set_optional(&mut record.city, self.city);
        set(&mut record.country, self.country);
        set(&mut record.kind, self.kind);
        set_optional(&mut record.start_year, self.start_year);
        set(&mut record.description, self.description);
        set(&mut record.source, self.source);
        set(&mut record.cited_in, self.cited_in);
    }
}

node_mutations!(
    RegionMutation: Region over crate::entities::region::Model as Region,
    record RegionRecord,
    field region, retracted retracted_region_id,
    create create_region(CreateRegionInput) -> CreateRegionPayload:
        "Adds a region that figures can then be about. Takes an editor's token.",
    update update_region(UpdateRegionInput) -> UpdateRegionPayload:
        "Corrects a region at the revision the client read. Takes an editor's token.",
    retract retract_region -> RetractRegionPayload:
        "Retracts a region that no country lies in and no figure is about any more. Takes \
         an editor's token.",
    described "The region.", "The region's global ID.",
        "The region's `revision` when it was read.",
);

node_mutations!(
    CountryMutation: Country over crate::entities::country::Model as Country,
    record CountryRecord,
    field country, retracted retracted_country_id,
    create create_country(CreateCountryInput) -> CreateCountryPayload:
        "Adds a country that figures can then be about. Takes an editor's token.",
    update update_country(UpdateCountryInput) -> UpdateCountryPayload:
        "Corrects a country at the revision the client read. Takes an editor's token.",
    retract retract_country -> RetractCountryPayload:
        "Retracts a country that no city, company, project, policy, Table 1 row or figure \
         refers to any more. Takes an editor's token.",
    described "The country.", "The country's global ID.",
        "The country's `revision` when it was read.",
);

node_mutations!(
    CityMutation: City over crate::entities::city::Model as City,
    record CityRecord,
    field city, retracted retracted_city_id,
    create create_city(CreateCityInput) -> CreateCityPayload:
        "Adds a city that figures can then be about. Takes an editor's token.",
    update update_city(UpdateCityInput) -> UpdateCityPayload:
        "Corrects a city at the revision the client read. Takes an editor's token.",
    retract retract_city -> RetractCityPayload:
        "Retracts a city that no company, project, policy or figure refers to any more. \
         Takes an editor's token.",
    described "The city.", "The city's global ID.",
        "The city's `revision` when it was read.",
);

node_mutations!(
    CompanyMutation: Company over crate::entities::company::Model as Company,
    record CompanyRecord,
    field company, retracted retracted_company_id,
    create create_company(CreateCompanyInput) -> CreateCompanyPayload:
        "Adds a company that figures can then be about. Takes an editor's token.",
    update update_company(UpdateCompanyInput) -> UpdateCompanyPayload:
        "Corrects a company at the revision the client read. Takes an editor's token.",
    retract retract_company -> RetractCompanyPayload:
        "Retracts a company that no subsidiary, project, policy, sanction or figure refers \
         to any more. Takes an editor's token.",
    described "The company.", "The company's global ID.",
        "The company's `revision` when it was read.",
);

node_mutations!(
    ProjectMutation: Project over crate::entities::project::Model as Project,
    record ProjectRecord,
    field project, retracted retracted_project_id,
    create create_project(CreateProjectInput) -> CreateProjectPayload:
        "Adds a project that figures can then be about. Takes an editor's token.",
    update update_project(UpdateProjectInput) -> UpdateProjectPayload:
        "Corrects a project at the revision the client read. Takes an editor's token.",
    retract retract_project -> RetractProjectPayload:
        "Retracts a project that no company takes part in and no figure is about any more. \
         Takes an editor's token.",
    described "The project.", "The project's global ID.",
        "The project's `revision` when it was read.",
);
