//! Lookups for the DataLoaders: rows by primary or natural key, by parent and through a link
//! table, each in one statement for a whole batch of keys.

use crate::entities::{
    city, company, country, indicator, observation, project, region, source, strategic_dimension,
    subject,
};
use crate::error::Error;
use sea_orm::sea_query::{
    Alias, Asterisk, Condition, Expr, ExprTrait, Order, Query, WindowStatement,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, Related, Value,
};
use std::collections::HashMap;

/// The rows whose `column`, their primary key or a unique natural key, is one of `keys`.
pub async fn by_keys<E, V>(
    db: &impl ConnectionTrait,
    column: E::Column,
    keys: impl IntoIterator<Item = V>,
) -> Result<Vec<E::Model>, Error>
where
    E: EntityTrait,
    E::Model: Sync,
    V: Into<Value>,
{
    Ok(E::find().filter(column.is_in(keys)).all(db).await?)
}

/// Like `by_keys`, each row with the row it belongs to (a city's country), joined in the
/// same statement, so that walking to it costs none.
pub async fn by_keys_with_related<E, R, V>(
    db: &impl ConnectionTrait,
    column: E::Column,
    keys: impl IntoIterator<Item = V>,
) -> Result<Vec<(E::Model, Option<R::Model>)>, Error>
where
    E: EntityTrait + Related<R>,
    R: EntityTrait,
    E::Model: Sync,
    R::Model: Sync,
    V: Into<Value>,
{
    Ok(E::find()
        .find_also_related(R::default())
        .filter(column.is_in(keys))
        .all(db)
        .await?)
}

/// The rows that point at one of `parents` through their column `parent`, in `order`: all
/// of each parent's, or only its first `first`.
pub async fn children_of<E>(
    db: &impl ConnectionTrait,
    parent: E::Column,
    order: &[E::Column],
    parents: Vec<i32>,
    first: Option<u32>,
) -> Result<Vec<E::Model>, Error>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let Some(first) = first else {
        let mut select = E::find().filter(parent.is_in(parents));
        for column in order {
            select = select.order_by_asc(*column);
        }
        return Ok(select.all(db).await?);
    };
    Ok(first_per_parent::<E>(db, parent, order, parents, first).await?)
}

/// The first `first` rows of each parent, in `order`, in one statement for every parent:
/// `ROW_NUMBER()` over a window per parent, which SQLite and PostgreSQL both run.
async fn first_per_parent<E>(
    db: &impl ConnectionTrait,
    parent: E::Column,
    order: &[E::Column],
    parents: Vec<i32>,
    first: u32,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let rank = Alias::new("rank_in_parent");
    let mut window = WindowStatement::partition_by(parent);
    for column in order {
        window.order_by(*column, Order::Asc);
    }
    let mut ranked = Query::select();
    ranked
        .column((E::default(), Asterisk))
        .expr_window_as(Expr::cust("ROW_NUMBER()"), window, rank.clone())
        .from(E::default())
        .and_where(Expr::col((E::default(), parent)).is_in(parents));
    let ranked_alias = Alias::new("ranked");
    let mut select = Query::select();
    select
        .column(Asterisk)
        .from_subquery(ranked, ranked_alias)
        .and_where(Expr::col(rank).lte(first));
    select.order_by(parent, Order::Asc);
    for column in order {
        select.order_by(*column, Order::Asc);
    }
    let statement = db.get_database_backend().build(&select);
    E::find().from_raw_sql(statement).all(db).await
}

/// What `parents` reach through the link table `L`, whose column `link_parent` names the
/// parent: each link with its target, joined in one statement, in the target's `order`.
pub async fn through<L, T>(
    db: &impl ConnectionTrait,
    link_parent: L::Column,
    order: &[T::Column],
    parents: Vec<i32>,
) -> Result<Vec<(L::Model, T::Model)>, Error>
where
    L: EntityTrait + Related<T>,
    T: EntityTrait,
    L::Model: Sync,
    T::Model: Sync,
{
    let mut select = L::find()
        .find_also_related(T::default())
        .filter(link_parent.is_in(parents));
    for column in order {
        select = select.order_by_asc(*column);
    }
    let pairs = select.all(db).await?;
    Ok(pairs
        .into_iter()
        .filter_map(|(link, target)| Some((link, target?)))
        .collect())
}

/// A subject's id. The rows behind subjects are keyed by the DataLoader's own key for them,
/// so what is read here is handed to it without being keyed again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubjectById(pub i32);

/// The row behind a subject id, whatever its kind.
#[derive(Clone, Debug)]
pub enum SubjectRow {
    Country(country::Model),
    Region(region::Model),
    City(city::Model),
    Company(company::Model),
    Project(project::Model),
}

/// The rows behind subject ids: one statement for the subjects, then one per kind present
/// among them, at most six in all, whatever the number of ids.
pub async fn subject_rows_by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<SubjectById, SubjectRow>, Error> {
    let subjects = by_keys::<subject::Entity, _>(db, subject::Column::Id, ids).await?;
    subject_rows(db, &subjects).await
}

/// The rows behind subjects whose kinds are known: one statement per kind present.
pub async fn subject_rows(
    db: &impl ConnectionTrait,
    subjects: &[subject::Model],
) -> Result<HashMap<SubjectById, SubjectRow>, Error> {
    use subject::SubjectKind as Kind;
    let found = [
        of_kind::<country::Entity>(
            db,
            subjects,
            Kind::Country,
            country::Column::SubjectId,
            SubjectRow::Country,
        )
        .await?,
        of_kind::<region::Entity>(
            db,
            subjects,
            Kind::Region,
            region::Column::SubjectId,
            SubjectRow::Region,
        )
        .await?,
        of_kind::<city::Entity>(
            db,
            subjects,
            Kind::City,
            city::Column::SubjectId,
            SubjectRow::City,
        )
        .await?,
        of_kind::<company::Entity>(
            db,
            subjects,
            Kind::Company,
            company::Column::SubjectId,
            SubjectRow::Company,
        )
        .await?,
        of_kind::<project::Entity>(
            db,
            subjects,
            Kind::Project,
            project::Column::SubjectId,
            SubjectRow::Project,
        )
        .await?,
    ];
    Ok(found
        .into_iter()
        .flatten()
        .map(|row| (SubjectById(row.subject_id()), row))
        .collect())
}

/// The rows of one kind's table behind those of `subjects` that are of `kind`; no
/// statement when none is.
async fn of_kind<E>(
    db: &impl ConnectionTrait,
    subjects: &[subject::Model],
    kind: subject::SubjectKind,
    subject_id: E::Column,
    wrap: fn(E::Model) -> SubjectRow,
) -> Result<Vec<SubjectRow>, Error>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let ids: Vec<i32> = subjects
        .iter()
        .filter(|subject| subject.kind == kind)
        .map(|subject| subject.id)
        .collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = by_keys::<E, _>(db, subject_id, ids).await?;
    Ok(rows.into_iter().map(wrap).collect())
}

impl SubjectRow {
    fn subject_id(&self) -> i32 {
        match self {
            SubjectRow::Country(m) => m.subject_id,
            SubjectRow::Region(m) => m.subject_id,
            SubjectRow::City(m) => m.subject_id,
            SubjectRow::Company(m) => m.subject_id,
            SubjectRow::Project(m) => m.subject_id,
        }
    }
}

/// An observation's natural key, as its global ID spells it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObservationKey {
    pub indicator_code: String,
    pub subject_kind: subject::SubjectKind,
    pub subject_key: String,
    pub period: String,
    /// `None` for a total, which has no category.
    pub category: Option<String>,
    pub source_slug: String,
}

impl ObservationKey {
    /// The observation's global ID: its indicator, subject, period, category and source,
    /// so it survives reloads of the data.
    pub fn global_id(&self) -> String {
        let kind = sea_orm::ActiveEnum::to_value(&self.subject_kind);
        let key = [
            self.indicator_code.as_str(),
            &kind,
            &self.subject_key,
            &self.period,
            self.category.as_deref().unwrap_or_default(),
            &self.source_slug,
        ]
        .join(&crate::ids::KEY_SEPARATOR.to_string());
        crate::ids::encode(crate::ids::NodeType::Observation, &key)
    }
}

/// Each key is six bound parameters: 1,000 keys stay far under SQLite's limit of 32,766
/// where a DataLoader batch of 10,000 would not.
const OBSERVATION_KEYS_PER_STATEMENT: usize = 1_000;

const KEY_INDICATOR: &str = "key_indicator_code";
const KEY_SUBJECT_KIND: &str = "key_subject_kind";
const KEY_SUBJECT: &str = "key_subject_key";
const KEY_SOURCE: &str = "key_source_slug";

/// An observation and the key columns of the rows it points at, read in one row.
struct KeyedObservation {
    key: ObservationKey,
    row: observation::Model,
}

impl FromQueryResult for KeyedObservation {
    fn from_query_result(res: &QueryResult, pre: &str) -> Result<Self, DbErr> {
        let row = observation::Model::from_query_result(res, pre)?;
        let key = ObservationKey {
            indicator_code: res.try_get(pre, KEY_INDICATOR)?,
            subject_kind: res.try_get(pre, KEY_SUBJECT_KIND)?,
            subject_key: res.try_get(pre, KEY_SUBJECT)?,
            period: row.period.clone(),
            category: row.category.clone(),
            source_slug: res.try_get(pre, KEY_SOURCE)?,
        };
        Ok(Self { key, row })
    }
}

/// The observations behind natural keys, each with its key: the indicators, subjects and
/// sources are joined, so a batch of any size takes one statement (per 1,000 keys).
pub async fn observations_by_keys(
    db: &impl ConnectionTrait,
    keys: &[ObservationKey],
) -> Result<Vec<(ObservationKey, observation::Model)>, Error> {
    let mut found = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(OBSERVATION_KEYS_PER_STATEMENT) {
        let any_key = chunk.iter().fold(Condition::any(), |any, key| {
            any.add(observation_key_is(key))
        });
        let rows = observation::Entity::find()
            .inner_join(indicator::Entity)
            .inner_join(subject::Entity)
            .inner_join(source::Entity)
            .column_as(indicator::Column::Code, KEY_INDICATOR)
            .column_as(subject::Column::Kind, KEY_SUBJECT_KIND)
            .column_as(subject::Column::Key, KEY_SUBJECT)
            .column_as(source::Column::Slug, KEY_SOURCE)
            .filter(any_key)
            .into_model::<KeyedObservation>()
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|keyed| (keyed.key, keyed.row)));
    }
    Ok(found)
}

fn observation_key_is(key: &ObservationKey) -> Condition {
    let category = match &key.category {
        None => observation::Column::Category.is_null(),
        Some(category) => observation::Column::Category.eq(category.as_str()),
    };
    Condition::all()
        .add(indicator::Column::Code.eq(key.indicator_code.as_str()))
        .add(subject::Column::Kind.eq(key.subject_kind))
        .add(subject::Column::Key.eq(key.subject_key.as_str()))
        .add(observation::Column::Period.eq(key.period.as_str()))
        .add(category)
        .add(source::Column::Slug.eq(key.source_slug.as_str()))
}

/// The rows of Table 1, in the table's order.
pub async fn strategic_dimensions(
    db: &impl ConnectionTrait,
) -> Result<Vec<strategic_dimension::Model>, Error> {
    Ok(strategic_dimension::Entity::find()
        .order_by_asc(strategic_dimension::Column::Ordinal)
        .all(db)
        .await?)
}
