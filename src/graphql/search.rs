//! `search`'s hits as the `SearchResult` union; the ranking is the store's.

use super::database;
use super::indicators::Indicator;
use super::interfaces::SearchResult;
use super::organisations::{Company, Policy, Project};
use super::places::{City, Country, Region};
use crate::error::Error;
use crate::store::search::{self, Found};
use async_graphql::Context;

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

pub async fn search(
    ctx: &Context<'_>,
    text: &str,
    first: Option<i32>,
) -> Result<Vec<SearchResult>, Error> {
    let found = search::search(database(ctx)?, text, first).await?;
    Ok(found.into_iter().map(SearchResult::from).collect())
}
