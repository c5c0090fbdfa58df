//! The revision loaders: every state a row has had, oldest first, for each curated table,
//! batched per table like the relations.

use super::AtlasLoader;
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
};
use crate::error::Error;
use crate::store::history;
use async_graphql::dataloader::Loader;
use std::collections::HashMap;

/// Declares `$key(id)`, which gives every state the row with that id has had.
macro_rules! revisions_of {
    ($(#[$doc:meta])* $key:ident, $entity:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for AtlasLoader {
            type Value = Vec<history::Revision<$entity::Model>>;
            type Error = Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Error> {
                let ids = keys.iter().map(|key| key.0);
                let found = history::revisions_by_id::<$entity::Entity>(&self.db, ids).await?;
                Ok(found
                    .into_iter()
                    .map(|(id, revisions)| ($key(id), revisions))
                    .collect())
            }
        }
    };
}

/// Declares `$key(first_id, second_id)` for a link table keyed by two columns.
macro_rules! revisions_of_link {
    ($(#[$doc:meta])* $key:ident, $entity:ident, $first:literal, $second:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub i32, pub i32);

        impl Loader<$key> for AtlasLoader {
            type Value = Vec<history::Revision<$entity::Model>>;
            type Error = Error;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Error> {
                let pairs = keys.iter().map(|key| (key.0, key.1));
                let found = history::revisions_by_pair::<$entity::Entity>(
                    &self.db,
                    ($first, $second),
                    pairs,
                )
                .await?;
                Ok(found
                    .into_iter()
                    .map(|((a, b), revisions)| ($key(a, b), revisions))
                    .collect())
            }
        }
    };
}

revisions_of!(
    /// Every state an observation has had, oldest first.
    RevisionsOfObservation,
    observation
);
revisions_of!(
    /// Every state a source has had, oldest first.
    RevisionsOfSource,
    source
);
revisions_of!(
    /// Every state an indicator has had, oldest first.
    RevisionsOfIndicator,
    indicator
);
revisions_of!(
    /// Every state a policy has had, oldest first.
    RevisionsOfPolicy,
    policy
);
revisions_of!(
    /// Every state a sanction has had, oldest first.
    RevisionsOfSanction,
    company_sanction
);
revisions_of!(
    /// Every state a region has had, oldest first.
    RevisionsOfRegion,
    region
);
revisions_of!(
    /// Every state a country has had, oldest first.
    RevisionsOfCountry,
    country
);
revisions_of!(
    /// Every state a city has had, oldest first.
    RevisionsOfCity,
    city
);
revisions_of!(
    /// Every state a company has had, oldest first.
    RevisionsOfCompany,
    company
);
revisions_of!(
    /// Every state a project has had, oldest first.
    RevisionsOfProject,
    project
);
revisions_of!(
    /// Every state a row of Table 1 has had, oldest first.
    RevisionsOfDimension,
    strategic_dimension
);
revisions_of_link!(
    /// Every state a company's part in a project has had: `(project_id, company_id)`.
    RevisionsOfParticipation,
    project_company,
    "project_id",
    "company_id"
);
revisions_of_link!(
    /// Every state a policy's concern with a company has had: `(policy_id, company_id)`.
    RevisionsOfInvolvement,
    policy_company,
    "policy_id",
    "company_id"
);
revisions_of_link!(
    /// Every state a policy's concern with a city has had: `(policy_id, city_id)`.
    RevisionsOfPolicyCity,
    policy_city,
    "policy_id",
    "city_id"
);
