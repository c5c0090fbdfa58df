//! The `Node` and `Subject` interfaces and the `SearchResult` union, and how a global ID
//! finds its object.

use super::comparison::StrategicDimension;
use super::database;
use super::ids::{self, KEY_SEPARATOR, NodeType};
use super::indicators::Indicator;
use super::inputs::{ObservationFilter, ObservationOrder};
use super::loaders::{
    CityBySlug, CompanyBySlug, CountryByCode, DimensionBySlug, IndicatorByCode, Loaders,
    ObservationByKey, PolicyBySlug, ProjectBySlug, RegionByCode, SanctionBySlug, SourceBySlug,
    SubjectRow, by_keys,
};
use super::observations::{Observation, ObservationConnection};
use super::organisations::{Company, Policy, Project, Sanction};
use super::places::{City, Country, Region};
use super::sources::Source;
use crate::entities::subject;
use crate::error::Error;
use crate::store::lookups::ObservationKey;
use crate::store::search::{self, Found};
use async_graphql::{Context, ID, Interface, Union};
use std::collections::HashMap;
use std::hash::Hash;

/// An object with a global ID, which `node` and `nodes` look up.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "The object's global, opaque ID, stable across restarts and databases."
))]
pub enum Node {
    Country(Country),
    Region(Region),
    City(City),
    Company(Company),
    Project(Project),
    Policy(Policy),
    Indicator(Indicator),
    Observation(Observation),
    Source(Source),
    StrategicDimension(StrategicDimension),
    Sanction(Sanction),
}

/// What an observation can be about: a country, a region such as `WORLD`, a city, a company
/// or a project.
// The pagination arguments repeat the same `ty = ...` on purpose; clippy reads the macro
// arguments as duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "ID", desc = "The subject's global, opaque ID."),
    field(
        name = "key",
        ty = "String",
        desc = "The subject's human key: a country or region code, or a slug."
    ),
    field(name = "name", ty = "String", desc = "The subject's name."),
    field(
        name = "observations",
        ty = "ObservationConnection",
        desc = "Figures about the subject.",
        arg(
            name = "filter",
            ty = "Option<ObservationFilter>",
            desc = "Narrows the observations."
        ),
        arg(
            name = "order_by",
            ty = "Option<ObservationOrder>",
            desc = "The order of the observations; by year, oldest first, by default."
        ),
        arg(
            name = "first",
            ty = "Option<i32>",
            desc = "Returns the first n observations (1 to 100; 20 by default)."
        ),
        arg(
            name = "after",
            ty = "Option<String>",
            desc = "Returns the observations after this cursor."
        ),
        arg(
            name = "last",
            ty = "Option<i32>",
            desc = "Returns the last n observations (1 to 100)."
        ),
        arg(
            name = "before",
            ty = "Option<String>",
            desc = "Returns the observations before this cursor."
        )
    )
)]
pub enum Subject {
    Country(Country),
    Region(Region),
    City(City),
    Company(Company),
    Project(Project),
}

impl From<SubjectRow> for Subject {
    fn from(row: SubjectRow) -> Self {
        match row {
            SubjectRow::Country(m) => Subject::Country(Country(m)),
            SubjectRow::Region(m) => Subject::Region(Region(m)),
            SubjectRow::City(m) => Subject::City(City(m)),
            SubjectRow::Company(m) => Subject::Company(Company(m)),
            SubjectRow::Project(m) => Subject::Project(Project(m)),
        }
    }
}

impl SubjectRow {
    pub fn key(&self) -> &str {
        match self {
            SubjectRow::Country(m) => &m.code,
            SubjectRow::Region(m) => &m.code,
            SubjectRow::City(m) => &m.slug,
            SubjectRow::Company(m) => &m.slug,
            SubjectRow::Project(m) => &m.slug,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            SubjectRow::Country(m) => &m.name,
            SubjectRow::Region(m) => &m.name,
            SubjectRow::City(m) => &m.name,
            SubjectRow::Company(m) => &m.name,
            SubjectRow::Project(m) => &m.name,
        }
    }

    pub fn kind(&self) -> subject::SubjectKind {
        match self {
            SubjectRow::Country(_) => subject::SubjectKind::Country,
            SubjectRow::Region(_) => subject::SubjectKind::Region,
            SubjectRow::City(_) => subject::SubjectKind::City,
            SubjectRow::Company(_) => subject::SubjectKind::Company,
            SubjectRow::Project(_) => subject::SubjectKind::Project,
        }
    }
}

/// One hit of `search`.
#[derive(Union)]
pub enum SearchResult {
    Country(Country),
    Region(Region),
    City(City),
    Company(Company),
    Project(Project),
    Policy(Policy),
    Indicator(Indicator),
}

/// What a global ID names: the key its type's by-key loader finds it by.
enum NodeKey {
    Country(CountryByCode),
    Region(RegionByCode),
    City(CityBySlug),
    Company(CompanyBySlug),
    Project(ProjectBySlug),
    Policy(PolicyBySlug),
    Indicator(IndicatorByCode),
    Observation(ObservationByKey),
    Source(SourceBySlug),
    StrategicDimension(DimensionBySlug),
    Sanction(SanctionBySlug),
}

/// The key inside a global ID; a malformed ID is the client's error.
fn node_key(id: &str) -> Result<NodeKey, Error> {
    let (node_type, key) = ids::decode(id)?;
    Ok(match node_type {
        NodeType::Country => NodeKey::Country(CountryByCode(key)),
        NodeType::Region => NodeKey::Region(RegionByCode(key)),
        NodeType::City => NodeKey::City(CityBySlug(key)),
        NodeType::Company => NodeKey::Company(CompanyBySlug(key)),
        NodeType::Project => NodeKey::Project(ProjectBySlug(key)),
        NodeType::Policy => NodeKey::Policy(PolicyBySlug(key)),
        NodeType::Indicator => NodeKey::Indicator(IndicatorByCode(key)),
        NodeType::Observation => NodeKey::Observation(ObservationByKey(observation_key(id, &key)?)),
        NodeType::Source => NodeKey::Source(SourceBySlug(key)),
        NodeType::StrategicDimension => NodeKey::StrategicDimension(DimensionBySlug(key)),
        NodeType::Sanction => NodeKey::Sanction(SanctionBySlug(key)),
    })
}

/// An observation's key fields, in the order `Observation::id` joins them.
pub(super) fn observation_key(id: &str, key: &str) -> Result<ObservationKey, Error> {
    let invalid = || Error::BadUserInput(format!("{id:?} is not a City Atlas node ID"));
    let parts: Vec<&str> = key.split(KEY_SEPARATOR).collect();
    let [
        indicator_code,
        kind,
        subject_key,
        period,
        category,
        source_slug,
    ] = parts[..]
    else {
        return Err(invalid());
    };
    let subject_kind = match kind {
        "country" => subject::SubjectKind::Country,
        "region" => subject::SubjectKind::Region,
        "city" => subject::SubjectKind::City,
        "company" => subject::SubjectKind::Company,
        "project" => subject::SubjectKind::Project,
        _ => return Err(invalid()),
    };
    Ok(ObservationKey {
        indicator_code: indicator_code.to_owned(),
        subject_kind,
        subject_key: subject_key.to_owned(),
        period: period.to_owned(),
        // A total has no category; its ID carries an empty one.
        category: (!category.is_empty()).then(|| category.to_owned()),
        source_slug: source_slug.to_owned(),
    })
}

/// The object behind a global ID; `None` for a well-formed ID of an object that is gone.
pub async fn find_node(loaders: &Loaders, id: &ID) -> Result<Option<Node>, Error> {
    let mut found = find_nodes(loaders, std::slice::from_ref(id)).await?;
    Ok(found.pop().flatten())
}

/// The objects behind global IDs, in the order given, `None` for a well-formed ID of an
/// object that is gone. The IDs are grouped by type and every type is loaded at once, so
/// they take one statement per type among them, whatever their number.
pub async fn find_nodes(loaders: &Loaders, ids: &[ID]) -> Result<Vec<Option<Node>>, Error> {
    let keys = ids
        .iter()
        .map(|id| node_key(id))
        .collect::<Result<Vec<_>, _>>()?;
    macro_rules! of_type {
        ($variant:ident) => {
            by_keys(
                loaders,
                keys.iter().filter_map(|key| match key {
                    NodeKey::$variant(key) => Some(key.clone()),
                    _ => None,
                }),
            )
        };
    }
    let (
        countries,
        regions,
        cities,
        companies,
        projects,
        policies,
        indicators,
        observations,
        sources,
        dimensions,
        sanctions,
    ) = tokio::try_join!(
        of_type!(Country),
        of_type!(Region),
        of_type!(City),
        of_type!(Company),
        of_type!(Project),
        of_type!(Policy),
        of_type!(Indicator),
        of_type!(Observation),
        of_type!(Source),
        of_type!(StrategicDimension),
        of_type!(Sanction),
    )?;
    Ok(keys
        .iter()
        .map(|key| match key {
            NodeKey::Country(key) => found(&countries, key, |m| Node::Country(Country(m))),
            NodeKey::Region(key) => found(&regions, key, |m| Node::Region(Region(m))),
            NodeKey::City(key) => found(&cities, key, |(m, _)| Node::City(City(m))),
            NodeKey::Company(key) => found(&companies, key, |m| Node::Company(Company(m))),
            NodeKey::Project(key) => found(&projects, key, |m| Node::Project(Project(m))),
            NodeKey::Policy(key) => found(&policies, key, |m| Node::Policy(Policy(m))),
            NodeKey::Indicator(key) => found(&indicators, key, |m| Node::Indicator(Indicator(m))),
            NodeKey::Observation(key) => {
                found(&observations, key, |m| Node::Observation(Observation(m)))
            }
            NodeKey::Source(key) => found(&sources, key, |m| Node::Source(Source(m))),
            NodeKey::StrategicDimension(key) => found(&dimensions, key, |m| {
                Node::StrategicDimension(StrategicDimension(m))
            }),
            NodeKey::Sanction(key) => found(&sanctions, key, |m| Node::Sanction(Sanction(m))),
        })
        .collect())
}

/// The node behind `key` among those found; an ID may be given twice, so it is copied.
fn found<K: Eq + Hash, R: Clone>(
    rows: &HashMap<K, R>,
    key: &K,
    wrap: impl FnOnce(R) -> Node,
) -> Option<Node> {
    rows.get(key).cloned().map(wrap)
}

impl From<Found> for SearchResult {
    fn from(found: Found) -> Self {
        match found {
            Found::Country(row) => Self::Country(Country(row)),
            Found::Region(row) => Self::Region(Region(row)),
            Found::City(row) => Self::City(City(row)),
            Found::Company(row) => Self::Company(Company(row)),
            Found::Project(row) => Self::Project(Project(row)),
            Found::Policy(row) => Self::Policy(Policy(row)),
            Found::Indicator(row) => Self::Indicator(Indicator(row)),
        }
    }
}

/// The best `first` matches of `text`, as `search` returns them.
pub async fn search(
    ctx: &Context<'_>,
    text: &str,
    first: Option<i32>,
) -> Result<Vec<SearchResult>, Error> {
    let found = search::search(database(ctx)?, text, first).await?;
    Ok(found.into_iter().map(SearchResult::from).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(parts: &[&str]) -> String {
        parts.join(&KEY_SEPARATOR.to_string())
    }

    #[test]
    fn an_observation_key_reads_its_six_fields_and_an_empty_category_is_a_total() {
        let total = key(&["ai_market_size", "country", "CN", "2024", "", "statista"]);
        let found = observation_key("id", &total).expect("well formed");
        assert_eq!(found.subject_kind, subject::SubjectKind::Country);
        assert_eq!(found.category, None);
        let part = key(&[
            "unicorn_industry_share",
            "city",
            "shenzhen",
            "2023",
            "ai",
            "s",
        ]);
        let found = observation_key("id", &part).expect("well formed");
        assert_eq!(found.category.as_deref(), Some("ai"));
        assert_eq!(found.subject_key, "shenzhen");
    }

    #[test]
    fn an_observation_key_of_the_wrong_shape_is_a_user_error() {
        for bad in [
            key(&["ai_market_size", "country", "CN", "2024", ""]),
            key(&["ai_market_size", "planet", "Mars", "2024", "", "statista"]),
            key(&["a", "country", "CN", "2024", "", "s", "extra"]),
        ] {
            let error = observation_key("id", &bad).expect_err("refused");
            assert_eq!(error.code(), "BAD_USER_INPUT", "{bad:?}");
        }
    }
}
