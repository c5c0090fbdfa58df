//! Releases: named, immutable states of the whole dataset, each the data as it stood after
//! one audit event.

use super::history;
use crate::entities::{audit_event, release};
use crate::error::Error;
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter,
};

/// A release to cut.
pub struct NewRelease<'a> {
    pub tag: &'a str,
    pub title: &'a str,
    pub notes: &'a str,
    pub created_by: &'a str,
}

/// Cuts a release of the data as it stands in `txn`: after the last audit event so far.
pub async fn create(
    txn: &DatabaseTransaction,
    new: NewRelease<'_>,
) -> Result<release::Model, Error> {
    let taken = release::Entity::find()
        .filter(release::Column::Tag.eq(new.tag))
        .one(txn)
        .await?;
    if taken.is_some() {
        return Err(Error::BadUserInput(format!(
            "a release tagged {:?} exists already; releases never change",
            new.tag
        )));
    }
    let event_id = latest_event(txn).await?;
    Ok(release::ActiveModel {
        id: ActiveValue::NotSet,
        tag: ActiveValue::Set(new.tag.to_owned()),
        title: ActiveValue::Set(new.title.to_owned()),
        notes: ActiveValue::Set(new.notes.to_owned()),
        created_at: ActiveValue::Set(history::now()),
        created_by: ActiveValue::Set(new.created_by.to_owned()),
        event_id: ActiveValue::Set(event_id),
    }
    .insert(txn)
    .await?)
}

/// The id of the last audit event, 0 before the first.
pub async fn latest_event(db: &impl ConnectionTrait) -> Result<i32, Error> {
    let row = db
        .query_one(
            Query::select()
                .expr_as(
                    Func::coalesce([
                        Expr::from(Func::max(Expr::col(audit_event::Column::Id))),
                        Expr::val(0),
                    ]),
                    sea_orm::sea_query::Alias::new("latest"),
                )
                .from(audit_event::Entity),
        )
        .await?;
    Ok(match row {
        Some(row) => row.try_get("", "latest")?,
        None => 0,
    })
}
