//! The `Node` and `Subject` interfaces and the `SearchResult` union, and how a global ID
//! finds its object.

use super::comparison::StrategicDimension;
use super::ids::{self, KEY_SEPARATOR, NodeType};
use super::indicators::Indicator;
use super::inputs::{ObservationFilter, ObservationOrder};
use super::loaders::SubjectRow;
use super::observations::{Observation, ObservationConnection};
use super::organisations::{Company, Policy, Project, Sanction};
use super::places::{City, Country, Region};
use super::sources::Source;
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, project, region,
    source, strategic_dimension, subject,
};
use crate::error::Error;
use async_graphql::{ID, Interface, Union};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

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

    pub fn kind_name(&self) -> &'static str {
        match self {
            SubjectRow::Country(_) => "country",
            SubjectRow::Region(_) => "region",
            SubjectRow::City(_) => "city",
            SubjectRow::Company(_) => "company",
            SubjectRow::Project(_) => "project",
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

/// The object behind a global ID; `None` for a well-formed ID of an object that is gone.
pub async fn find_node(db: &DatabaseConnection, id: &str) -> Result<Option<Node>, Error> {
    let (node_type, key) = ids::decode(id)?;
    Ok(match node_type {
        NodeType::Country => country::Entity::find()
            .filter(country::Column::Code.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Country(Country(m))),
        NodeType::Region => region::Entity::find()
            .filter(region::Column::Code.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Region(Region(m))),
        NodeType::City => city::Entity::find()
            .filter(city::Column::Slug.eq(key))
            .one(db)
            .await?
            .map(|m| Node::City(City(m))),
        NodeType::Company => company::Entity::find()
            .filter(company::Column::Slug.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Company(Company(m))),
        NodeType::Project => project::Entity::find()
            .filter(project::Column::Slug.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Project(Project(m))),
        NodeType::Policy => policy::Entity::find()
            .filter(policy::Column::Slug.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Policy(Policy(m))),
        NodeType::Indicator => indicator::Entity::find()
            .filter(indicator::Column::Code.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Indicator(Indicator(m))),
        NodeType::Source => source::Entity::find()
            .filter(source::Column::Slug.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Source(Source(m))),
        NodeType::StrategicDimension => strategic_dimension::Entity::find()
            .filter(strategic_dimension::Column::Slug.eq(key))
            .one(db)
            .await?
            .map(|m| Node::StrategicDimension(StrategicDimension(m))),
        NodeType::Sanction => company_sanction::Entity::find()
            .filter(company_sanction::Column::Slug.eq(key))
            .one(db)
            .await?
            .map(|m| Node::Sanction(Sanction(m))),
        NodeType::Observation => find_observation(db, id, &key)
            .await?
            .map(|m| Node::Observation(Observation(m))),
    })
}

async fn find_observation(
    db: &DatabaseConnection,
    id: &str,
    key: &str,
) -> Result<Option<observation::Model>, Error> {
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
        return Err(Error::BadUserInput(format!(
            "{id:?} is not a City Atlas node ID"
        )));
    };
    let kind = match kind {
        "country" => subject::SubjectKind::Country,
        "region" => subject::SubjectKind::Region,
        "city" => subject::SubjectKind::City,
        "company" => subject::SubjectKind::Company,
        "project" => subject::SubjectKind::Project,
        _ => {
            return Err(Error::BadUserInput(format!(
                "{id:?} is not a City Atlas node ID"
            )));
        }
    };
    use observation::Column as C;
    let mut select = observation::Entity::find()
        .filter(
            C::IndicatorId.in_subquery(
                Query::select()
                    .column(indicator::Column::Id)
                    .from(indicator::Entity)
                    .and_where(Expr::col(indicator::Column::Code).eq(indicator_code))
                    .to_owned(),
            ),
        )
        .filter(
            C::SubjectId.in_subquery(
                Query::select()
                    .column(subject::Column::Id)
                    .from(subject::Entity)
                    .and_where(subject::Column::Kind.eq(kind))
                    .and_where(Expr::col(subject::Column::Key).eq(subject_key))
                    .to_owned(),
            ),
        )
        .filter(
            C::SourceId.in_subquery(
                Query::select()
                    .column(source::Column::Id)
                    .from(source::Entity)
                    .and_where(Expr::col(source::Column::Slug).eq(source_slug))
                    .to_owned(),
            ),
        )
        .filter(C::Period.eq(period));
    select = if category.is_empty() {
        select.filter(C::Category.is_null())
    } else {
        select.filter(C::Category.eq(category))
    };
    Ok(select.one(db).await?)
}
