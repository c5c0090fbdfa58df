//! The mutations of what figures are about: regions, countries, cities, companies and
//! projects. A new one becomes a subject that observations can then refer to; one that
//! figures or other rows still refer to cannot be retracted.

use super::UserError;
use crate::dataset::{CityRecord, CompanyRecord, CountryRecord, ProjectRecord, RegionRecord};
use crate::graphql::organisations::{Company, Project};
use crate::graphql::places::{City, Country, Region};
use async_graphql::{ID, MaybeUndefined, SimpleObject};

create_input! {
    /// A new region: a continent, or an aggregate such as the world.
    CreateRegionInput => RegionRecord {
        /// The code it is known by, e.g. `ASIA`; it never changes.
        code: String,
        /// Its name.
        name: String,
        /// What it is, e.g. `continent`, `aggregate`.
        kind: String,
        /// What it stands for in the paper.
        description: Option<String>,
    }
}

update_input! {
    /// A correction to a region: only the fields given change; `null` clears the description.
    UpdateRegionInput => RegionRecord {
        /// Its name.
        name: Option<String>,
        /// What it is.
        kind: Option<String>,
        /// What it stands for in the paper.
        description: MaybeUndefined<String>,
    }
}

create_input! {
    /// A new country.
    CreateCountryInput => CountryRecord {
        /// Its ISO 3166-1 alpha-2 code, e.g. `CN`; it never changes.
        code: String,
        /// Its ISO 3166-1 alpha-3 code, e.g. `CHN`.
        iso3: String,
        /// Its name.
        name: String,
        /// The code of the region it lies in, e.g. `ASIA`.
        region: Option<String>,
        /// Its advantages as the paper states them.
        advantages: Option<String>,
        /// Where the paper states them.
        advantages_cited_in: Option<String>,
    }
}

update_input! {
    /// A correction to a country: only the fields given change; `null` clears an optional one.
    UpdateCountryInput => CountryRecord {
        /// Its ISO 3166-1 alpha-3 code.
        iso3: Option<String>,
        /// Its name.
        name: Option<String>,
        /// The code of the region it lies in.
        region: MaybeUndefined<String>,
        /// Its advantages as the paper states them.
        advantages: MaybeUndefined<String>,
        /// Where the paper states them.
        advantages_cited_in: MaybeUndefined<String>,
    }
}

create_input! {
    /// A new city.
    CreateCityInput => CityRecord {
        /// The slug it is known by, e.g. `shenzhen`; it never changes.
        slug: String,
        /// Its name.
        name: String,
        /// The code of its country, e.g. `CN`.
        country: String,
        /// What the paper says of it.
        description: String,
        /// Where it stands in the paper or in its source.
        cited_in: String,
    }
}

update_input! {
    /// A correction to a city: only the fields given change.
    UpdateCityInput => CityRecord {
        /// Its name.
        name: Option<String>,
        /// The code of its country.
        country: Option<String>,
        /// What the paper says of it.
        description: Option<String>,
        /// Where it stands in the paper or in its source.
        cited_in: Option<String>,
    }
}

create_input! {
    /// A new company.
    CreateCompanyInput => CompanyRecord {
        /// The slug it is known by, e.g. `huawei`; it never changes.
        slug: String,
        /// Its name.
        name: String,
        /// The code of its country, e.g. `CN`.
        country: String,
        /// The slug of the city it is headquartered in, where the paper says.
        hq_city: Option<String>,
        /// The slug of its parent company, e.g. `alibaba` for `alibaba-cloud`.
        parent: Option<String>,
        /// Its sector, e.g. `telecommunications`.
        sector: String,
        /// Whether the paper counts it among the leading enterprises (Table 2).
        leading_enterprise: bool,
        /// What the paper says of it.
        description: String,
        /// Where it stands in the paper or in its source.
        cited_in: String,
    }
}

update_input! {
    /// A correction to a company: only the fields given change; `null` clears an optional one.
    UpdateCompanyInput => CompanyRecord {
        /// Its name.
        name: Option<String>,
        /// The code of its country.
        country: Option<String>,
        /// The slug of the city it is headquartered in.
        hq_city: MaybeUndefined<String>,
        /// The slug of its parent company.
        parent: MaybeUndefined<String>,
        /// Its sector.
        sector: Option<String>,
        /// Whether the paper counts it among the leading enterprises.
        leading_enterprise: Option<bool>,
        /// What the paper says of it.
        description: Option<String>,
        /// Where it stands in the paper or in its source.
        cited_in: Option<String>,
    }
}

create_input! {
    /// A new smart-city project or programme.
    CreateProjectInput => ProjectRecord {
        /// The slug it is known by, e.g. `city-brain`; it never changes.
        slug: String,
        /// Its name.
        name: String,
        /// The slug of its city, if it belongs to one.
        city: Option<String>,
        /// The code of its country.
        country: String,
        /// What it is, e.g. `urban_platform`, `digital_twin`.
        kind: String,
        /// The year it started, where the source gives one.
        start_year: Option<i32>,
        /// What it does.
        description: String,
        /// The slug of the source that describes it.
        source: String,
        /// Where it stands in the paper or in its source.
        cited_in: String,
    }
}

update_input! {
    /// A correction to a project: only the fields given change; `null` clears an optional one.
    UpdateProjectInput => ProjectRecord {
        /// Its name.
        name: Option<String>,
        /// The slug of its city.
        city: MaybeUndefined<String>,
        /// The code of its country.
        country: Option<String>,
        /// What it is.
        kind: Option<String>,
        /// The year it started.
        start_year: MaybeUndefined<i32>,
        /// What it does.
        description: Option<String>,
        /// The slug of the source that describes it.
        source: Option<String>,
        /// Where it stands in the paper or in its source.
        cited_in: Option<String>,
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
