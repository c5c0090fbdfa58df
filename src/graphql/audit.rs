//! The audit log, public: every change with its actor (a token's name, never a secret), its
//! reason, and the row before and after.

use super::paging::{self, PageArgs, connection};
use crate::entities::audit_event;
use crate::error::Error;
use crate::store::history::{AuditQuery, AuditSort, ChangeQuery};
use crate::store::list::Order;
use async_graphql::{Context, ID, InputObject, Json, Object};
use chrono::{DateTime, Utc};

pub struct AuditEvent(pub audit_event::Model);

/// One change to one row, in commit order: who made it, when, why, and the row before and
/// after.
#[Object]
impl AuditEvent {
    /// The change's place in commit order; later changes have larger numbers.
    async fn sequence(&self) -> i32 {
        self.0.id
    }

    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Who made it: a token's name, `importer` for data loaded at once, or `migration`.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// `created`, `updated`, `retracted`, or `imported` (a dataset loaded at once).
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The changed row's GraphQL type, e.g. `Observation`, or `Dataset` for an import.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// The changed row's global ID (for `node`), or the dataset's name for an import.
    async fn entity_id(&self) -> ID {
        ID(self.0.entity_id.clone())
    }

    /// The revision the row reached.
    async fn revision(&self) -> i32 {
        self.0.revision
    }

    /// The row before the change; `null` for a creation.
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        parsed(self.0.before.as_deref())
    }

    /// The row after the change; `null` for a retraction.
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        parsed(self.0.after.as_deref())
    }

    /// Why, in the curator's words.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// The ID of the HTTP request that made the change (its `X-Request-Id`).
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
}

fn parsed(text: Option<&str>) -> Option<Json<serde_json::Value>> {
    text.and_then(|text| serde_json::from_str(text).ok())
        .map(Json)
}

connection!(
    AuditEventConnection,
    AuditEventEdge,
    AuditEvent,
    "audit events",
    "A page of the audit log, oldest change first, with the cursors to page on."
);

/// Narrows the audit log; every list holds up to 100 values, any of which may match.
#[derive(InputObject, Default)]
pub struct AuditEventFilter {
    /// GraphQL type names, e.g. `Observation`.
    pub entity_type: Option<Vec<String>>,
    /// Global IDs of the changed rows.
    pub entity_id: Option<Vec<ID>>,
    /// Token names, or `importer`.
    pub actor: Option<Vec<String>>,
    /// `created`, `updated`, `retracted`, `imported`.
    pub action: Option<Vec<String>>,
}

impl From<AuditEventFilter> for AuditQuery {
    fn from(filter: AuditEventFilter) -> Self {
        Self {
            entity_type: filter.entity_type,
            entity_id: filter
                .entity_id
                .map(|ids| ids.into_iter().map(|id| id.0).collect()),
            actor: filter.actor,
            action: filter.action,
        }
    }
}

/// The audit log has one order, commit order, so it takes no `orderBy`.
#[derive(Default)]
struct CommitOrder;

impl From<CommitOrder> for Order<AuditSort> {
    fn from(_: CommitOrder) -> Self {
        Order::default()
    }
}

/// One page of the audit log.
pub async fn page(
    ctx: &Context<'_>,
    filter: Option<AuditEventFilter>,
    page: PageArgs,
) -> Result<AuditEventConnection, Error> {
    let query: AuditQuery = filter.unwrap_or_default().into();
    paging::page_of(ctx, &query, None::<CommitOrder>, page, AuditEvent).await
}

/// The root fields of the audit log.
#[derive(Default)]
pub struct AuditLog;

#[Object]
impl AuditLog {
    /// Every change to the data, oldest first: who made it (a token's name), when, why,
    /// and the row before and after. Public, like the data.
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the log.")] filter: Option<AuditEventFilter>,
        #[graphql(desc = "Returns the first n events (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Returns the events after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n events (0 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the events before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<AuditEventConnection> {
        let paging = PageArgs::new(first, after, last, before);
        Ok(page(ctx, filter, paging).await?)
    }

    /// The change feed: every change committed after `since`, oldest first, so that an
    /// integration can poll from its last cursor and sync increments, without missing or
    /// repeating a change. Changes are listed in the order they were committed: writers
    /// take turns, so a change never appears behind one already listed.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The `endCursor` of the last page read; omitted, from the first change.")]
        since: Option<String>,
        #[graphql(desc = "Returns the first n changes (0 to 100; 20 by default).")] first: Option<
            i32,
        >,
    ) -> async_graphql::Result<ChangeConnection> {
        let paging = PageArgs::new(first, since, None, None);
        Ok(paging::page_of(ctx, &ChangeQuery, None::<CommitOrder>, paging, Change).await?)
    }
}

/// What a change did to its row.
#[derive(async_graphql::Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The row was created.
    Created,
    /// The row was corrected.
    Updated,
    /// The row left the live data; its revisions keep it.
    Retracted,
    /// A whole dataset was loaded at once: resynchronise everything.
    Imported,
}

/// One event of the change feed.
pub struct Change(pub audit_event::Model);

/// A change to one row, as an integration syncs it: what changed and to which revision.
/// The audit log (`auditEvents`) has the rest: who, why, before and after.
#[Object]
impl Change {
    /// The change's place in commit order.
    async fn sequence(&self) -> i32 {
        self.0.id
    }

    /// When the change was committed.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// The changed row's GraphQL type, e.g. `Observation`; `Dataset` for an import.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// The changed row's global ID, for `node`; the dataset's name for an import.
    async fn entity_id(&self) -> ID {
        ID(self.0.entity_id.clone())
    }

    /// What the change did to the row.
    async fn kind(&self) -> ChangeKind {
        match self.0.action.as_str() {
            "created" => ChangeKind::Created,
            "retracted" => ChangeKind::Retracted,
            "updated" => ChangeKind::Updated,
            _ => ChangeKind::Imported,
        }
    }

    /// The revision the row reached.
    async fn revision(&self) -> i32 {
        self.0.revision
    }
}

connection!(
    ChangeConnection,
    ChangeEdge,
    Change,
    "changes",
    "A page of the change feed, in commit order. Keep `pageInfo.endCursor` and pass it as \
     `since` next time; when no change is new, it is `null`: keep the cursor you had."
);
