//! `Revision`: one state a curated row other than an observation has had, with the change
//! that made it. The state is the row as its dataset record, the columns of `data/`.

use crate::entities::audit_event;
use crate::error::Error;
use crate::store::curated::Curated;
use crate::store::history;
use async_graphql::{Json, Object};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};

pub struct Revision {
    state: serde_json::Value,
    revision: i32,
    retracted: bool,
    event: audit_event::Model,
}

impl Revision {
    /// Every state of a row. A curated change's own record of it (the audit event's
    /// `after`, or `before` for a retraction) is the state as written, rows it owns
    /// included; a dataset import keeps none per row, so its states are read back from the
    /// revision, references named by their live keys.
    pub async fn all_of<M>(
        db: &DatabaseConnection,
        revisions: Vec<history::Revision<M>>,
    ) -> Result<Vec<Self>, Error>
    where
        M: Curated,
        M::Entity: EntityTrait<Model = M>,
    {
        let mut all = Vec::with_capacity(revisions.len());
        for revision in revisions {
            let written = if revision.retracted {
                revision.event.before.as_deref()
            } else {
                revision.event.after.as_deref()
            };
            let state = match written.and_then(|text| serde_json::from_str(text).ok()) {
                Some(state) => state,
                None => {
                    let record = revision.state.record_at(db, revision.event.id).await?;
                    serde_json::to_value(record).unwrap_or_default()
                }
            };
            all.push(Self {
                state,
                revision: revision.state.revision_number(),
                retracted: revision.retracted,
                event: revision.event,
            });
        }
        Ok(all)
    }
}

/// One state of a row: its fields as they stood from one change to the next, with the
/// change that made them.
#[Object]
impl Revision {
    /// The revision number: 1 as first recorded, one more for each change.
    async fn revision(&self) -> i32 {
        self.revision
    }

    /// Whether this change retracted the row: it left the live data here.
    async fn retracted(&self) -> bool {
        self.retracted
    }

    /// What the change did: `created`, `updated` or `retracted` (by a curator, or by an
    /// import, whose every row has its own event), or `imported` for synthetic benchmark
    /// data, loaded at once.
    async fn action(&self) -> &str {
        &self.event.action
    }

    /// When the change was committed.
    async fn changed_at(&self) -> DateTime<Utc> {
        self.event.at
    }

    /// Who made the change: a token's name, or `importer`.
    async fn changed_by(&self) -> &str {
        &self.event.actor
    }

    /// Why, in the curator's words.
    async fn reason(&self) -> &str {
        &self.event.reason
    }

    /// The audit event of the change, whose `sequence` is its place in `changes`.
    async fn sequence(&self) -> i32 {
        self.event.id
    }

    /// The row as it stood, with the columns of its `data/` file (references by slug or
    /// code).
    async fn state(&self) -> Json<serde_json::Value> {
        Json(self.state.clone())
    }
}
