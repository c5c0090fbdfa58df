//! Releases: named, immutable states of the whole dataset, each the data as it stood after
//! one audit event.

use super::history;
use crate::entities::{audit_event, release};
use crate::error::Error;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// A release to cut.
pub struct NewRelease<'a> {
    pub tag: &'a str,
    pub title: &'a str,
    pub notes: &'a str,
    pub created_by: &'a str,
}

/// Refuses a tag that is not 1 to 64 lowercase letters, digits, `.` and `-`.
pub fn check_tag(tag: &str) -> Result<(), Error> {
    let valid = !tag.is_empty()
        && tag.len() <= 64
        && tag.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && tag
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-');
    if valid {
        Ok(())
    } else {
        Err(Error::BadUserInput(format!(
            "{tag:?} is not a release tag: 1 to 64 lowercase letters, digits, `.` and `-`, \
             starting with a letter or digit"
        )))
    }
}

/// Cuts a release of the live data, as a write: after every change committed before it.
pub async fn cut(db: &DatabaseConnection, new: NewRelease<'_>) -> Result<release::Model, Error> {
    check_tag(new.tag)?;
    if new.title.trim().is_empty() {
        return Err(Error::BadUserInput("a release needs a title".to_owned()));
    }
    let txn = history::begin_write(db).await?;
    let release = create(&txn, new).await?;
    txn.commit().await?;
    Ok(release)
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
    last_event_where(db, None).await
}

/// The last audit event committed at or before `instant`; 0 before the first.
pub async fn event_at(db: &impl ConnectionTrait, instant: DateTime<Utc>) -> Result<i32, Error> {
    last_event_where(db, Some(Expr::col(audit_event::Column::At).lte(instant))).await
}

/// The greatest audit event id among those `condition` admits (all of them without one),
/// 0 where there is none.
async fn last_event_where(
    db: &impl ConnectionTrait,
    condition: Option<SimpleExpr>,
) -> Result<i32, Error> {
    let mut select = Query::select();
    select
        .expr_as(
            Func::coalesce([
                Expr::from(Func::max(Expr::col(audit_event::Column::Id))),
                Expr::val(0),
            ]),
            sea_orm::sea_query::Alias::new("latest"),
        )
        .from(audit_event::Entity);
    if let Some(condition) = condition {
        select.and_where(condition);
    }
    let row = db.query_one(&select).await?;
    Ok(match row {
        Some(row) => row.try_get("", "latest")?,
        None => 0,
    })
}

pub async fn by_tag(db: &impl ConnectionTrait, tag: &str) -> Result<Option<release::Model>, Error> {
    Ok(release::Entity::find()
        .filter(release::Column::Tag.eq(tag))
        .one(db)
        .await?)
}

/// Every release, oldest first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<release::Model>, Error> {
    Ok(release::Entity::find()
        .order_by_asc(release::Column::EventId)
        .order_by_asc(release::Column::Id)
        .all(db)
        .await?)
}

/// Every release, oldest first, each with the number of changes since the one before.
pub async fn all_with_changes(
    db: &impl ConnectionTrait,
) -> Result<Vec<(release::Model, u64)>, Error> {
    let releases = all(db).await?;
    let mut counted = Vec::with_capacity(releases.len());
    let mut previous = 0;
    // One count per release: releases are few, and each count is a range of the primary key.
    for release in releases {
        let changes = audit_event::Entity::find()
            .filter(audit_event::Column::Id.gt(previous))
            .filter(audit_event::Column::Id.lte(release.event_id))
            .count(db)
            .await?;
        previous = release.event_id;
        counted.push((release, changes));
    }
    Ok(counted)
}
