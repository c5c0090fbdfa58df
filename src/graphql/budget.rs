//! `rateLimit`, as GitHub has it: what this request costs and what the client has left.

use super::{Budget, Cost};
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};

pub struct RateLimit {
    cost: u64,
    budget: Option<Budget>,
}

impl RateLimit {
    pub fn of_request(ctx: &Context<'_>) -> Self {
        Self {
            cost: ctx.data_opt::<Cost>().map_or(0, |cost| cost.complexity),
            budget: ctx.data_opt::<Budget>().copied(),
        }
    }
}

/// The client's rate limit: points per window, refilled evenly, spent by query cost.
#[Object]
impl RateLimit {
    /// The points this request costs (or, with `dryRun`, would cost): an object costs 1, a
    /// scalar 0, a connection 2 + `first` × one node, a nested list its longest length in
    /// the data × one item, `nodes(ids:)` one item per ID. SECURITY.md gives the model.
    async fn cost(&self) -> u64 {
        self.cost
    }

    /// The points per window; `null` when the server runs without a rate limit.
    async fn limit(&self) -> Option<u64> {
        self.budget.map(|budget| budget.limit)
    }

    /// The points left after this request; `null` without a rate limit.
    async fn remaining(&self) -> Option<u64> {
        self.budget.map(|budget| budget.remaining)
    }

    /// When the bucket is full again; `null` without a rate limit.
    async fn reset_at(&self) -> Option<DateTime<Utc>> {
        self.budget.map(|budget| budget.reset_at)
    }
}
