//! The lists of countries, regions and cities.

use super::filters;
use super::keys;
use super::list::{self, Listing};
use super::paging::SortKey;
use crate::entities::{city, country, region};
use crate::error::Error;
use sea_orm::{EntityTrait, Select};
use serde_json::json;

/// Narrows the countries.
#[derive(Debug, Default)]
pub struct CountryQuery {
    /// Region codes.
    pub region: Option<Vec<String>>,
    pub text: Option<String>,
}

/// What countries, and regions, sort by.
#[derive(Debug, Clone, Copy, Default)]
pub enum CountrySort {
    #[default]
    Code,
    Name,
}

impl Listing for CountryQuery {
    type Entity = country::Entity;
    type Field = CountrySort;
    const NAME: &'static str = "countries";
    const ID: country::Column = country::Column::Id;

    fn id(row: &country::Model) -> i32 {
        row.id
    }

    fn sort_key(field: CountrySort) -> SortKey<country::Model> {
        match field {
            CountrySort::Code => {
                list::text::<country::Entity>(country::Column::Code, |m| json!(m.code))
            }
            CountrySort::Name => {
                list::text::<country::Entity>(country::Column::Name, |m| json!(m.name))
            }
        }
    }

    fn select(&self) -> Result<Select<country::Entity>, Error> {
        use country::Column as C;
        let select = country::Entity::find();
        let select = filters::keyed(
            select,
            "region",
            C::RegionId,
            &self.region,
            keys::region_ids,
        )?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the regions and aggregates.
#[derive(Debug, Default)]
pub struct RegionQuery {
    /// `aggregate`, `continent` or `bloc`.
    pub kind: Option<Vec<String>>,
    pub text: Option<String>,
}

impl Listing for RegionQuery {
    type Entity = region::Entity;
    // Regions are ordered like countries: the schema shares `CountryOrder` between them.
    type Field = CountrySort;
    const NAME: &'static str = "regions";
    const ID: region::Column = region::Column::Id;

    fn id(row: &region::Model) -> i32 {
        row.id
    }

    fn sort_key(field: CountrySort) -> SortKey<region::Model> {
        match field {
            CountrySort::Code => {
                list::text::<region::Entity>(region::Column::Code, |m| json!(m.code))
            }
            CountrySort::Name => {
                list::text::<region::Entity>(region::Column::Name, |m| json!(m.name))
            }
        }
    }

    fn select(&self) -> Result<Select<region::Entity>, Error> {
        use region::Column as C;
        let select = filters::one_of(region::Entity::find(), "kind", C::Kind, &self.kind)?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}

/// Narrows the cities.
#[derive(Debug, Default)]
pub struct CityQuery {
    /// Country codes.
    pub country: Option<Vec<String>>,
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, Default)]
pub enum CitySort {
    #[default]
    Name,
    Slug,
}

impl Listing for CityQuery {
    type Entity = city::Entity;
    type Field = CitySort;
    const NAME: &'static str = "cities";
    const ID: city::Column = city::Column::Id;

    fn id(row: &city::Model) -> i32 {
        row.id
    }

    fn sort_key(field: CitySort) -> SortKey<city::Model> {
        match field {
            CitySort::Name => list::text::<city::Entity>(city::Column::Name, |m| json!(m.name)),
            CitySort::Slug => list::text::<city::Entity>(city::Column::Slug, |m| json!(m.slug)),
        }
    }

    fn select(&self) -> Result<Select<city::Entity>, Error> {
        use city::Column as C;
        let select = city::Entity::find();
        let select = filters::keyed(
            select,
            "country",
            C::CountryId,
            &self.country,
            keys::country_ids,
        )?;
        filters::with_text(select, C::SearchText, self.text.as_deref())
    }
}
