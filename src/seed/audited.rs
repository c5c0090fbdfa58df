//! What an import records of each row it changes: the entity the audit event names (the
//! type and global ID clients know the row by) and the row as its dataset record. Rows
//! that another row owns (a subject, a Table 1 position) have none: their revisions go
//! under the import's own event.

use super::seeded::{Names, Seeded};
use crate::entities::subject::SubjectKind;
use crate::entities::{
    city, company, company_sanction, country, indicator, observation, policy, policy_city,
    policy_company, project, project_company, region, source, strategic_dimension,
    strategic_position, subject,
};
use crate::error::Error;
use crate::ids::{self, NodeType};
use crate::store::curated::Curated;
use crate::store::curation::observation_json;
use crate::store::lookups::ObservationKey;
use sea_orm::{ActiveEnum, DatabaseTransaction};

/// The entity an audit event names, and the row's state as its record.
pub(crate) struct Entry {
    pub entity_type: &'static str,
    pub entity_id: String,
    pub state: serde_json::Value,
}

#[async_trait::async_trait]
pub(crate) trait Audited: Seeded {
    /// `None` for a row another row owns.
    async fn entry(&self, txn: &DatabaseTransaction, names: &Names)
    -> Result<Option<Entry>, Error>;
}

async fn curated_entry<M>(
    row: &M,
    txn: &DatabaseTransaction,
    id: impl FnOnce(&str) -> String + Send,
) -> Result<Option<Entry>, Error>
where
    M: Curated,
    M::Entity: sea_orm::EntityTrait<Model = M>,
{
    let record = row.record_of(txn).await?;
    Ok(Some(Entry {
        entity_type: M::TYPE,
        entity_id: id(&M::key_of(&record)),
        state: serde_json::to_value(record).unwrap_or_default(),
    }))
}

/// The global ID of a link row, from its curated key "first/second".
fn link_id(first: NodeType, second: NodeType, key: &str) -> String {
    let (first_key, second_key) = key.split_once('/').unwrap_or((key, ""));
    ids::link((first, first_key), (second, second_key))
}

/// `Audited` for the curated tables: a node is named by its type and key, a link row by
/// the two nodes it links.
macro_rules! audited {
    (@entry $module:ident, $id:expr) => {
        #[async_trait::async_trait]
        impl Audited for $module::Model {
            async fn entry(
                &self,
                txn: &DatabaseTransaction,
                _names: &Names,
            ) -> Result<Option<Entry>, Error> {
                curated_entry(self, txn, $id).await
            }
        }
    };
    (
        nodes: $($module:ident => $node:ident),+;
        links: $($link:ident => $first:ident / $second:ident),+ $(,)?
    ) => {
        $(audited!(@entry $module, |key: &str| ids::encode(NodeType::$node, key));)+
        $(audited!(@entry $link, |key: &str| link_id(NodeType::$first, NodeType::$second, key));)+
    };
}

audited! {
    nodes:
    source => Source,
    region => Region,
    country => Country,
    city => City,
    company => Company,
    project => Project,
    policy => Policy,
    company_sanction => Sanction,
    indicator => Indicator,
    strategic_dimension => StrategicDimension;
    links:
    project_company => Project / Company,
    policy_company => Policy / Company,
    policy_city => Policy / City,
}

macro_rules! owned {
    ($($module:ident),+) => {$(
        #[async_trait::async_trait]
        impl Audited for $module::Model {
            async fn entry(
                &self,
                _txn: &DatabaseTransaction,
                _names: &Names,
            ) -> Result<Option<Entry>, Error> {
                Ok(None)
            }
        }
    )+};
}

owned!(subject, strategic_position);

/// An import may hold thousands of figures: their keys come from the rows synced before
/// them, by name, not from a lookup each.
#[async_trait::async_trait]
impl Audited for observation::Model {
    async fn entry(
        &self,
        _txn: &DatabaseTransaction,
        names: &Names,
    ) -> Result<Option<Entry>, Error> {
        let subject = names.of("subjects", self.subject_id);
        let (kind, key) = subject.split_once(' ').ok_or_else(|| Error::Internal {
            detail: format!("subject {} has no name in this import", self.subject_id),
        })?;
        let key = ObservationKey {
            indicator_code: names.of("indicators", self.indicator_id),
            subject_kind: SubjectKind::try_from_value(&kind.to_owned()).map_err(|_| {
                Error::Internal {
                    detail: format!("subject kind {kind:?} is not one the schema knows"),
                }
            })?,
            subject_key: key.to_owned(),
            period: self.period.clone(),
            category: self.category.clone(),
            source_slug: names.of("sources", self.source_id),
        };
        Ok(Some(Entry {
            entity_type: "Observation",
            entity_id: key.global_id(),
            state: observation_json(self, &key),
        }))
    }
}
