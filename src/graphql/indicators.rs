//! Indicators, their aligned time series, and the values derived from them on request.

use super::ids::{self, NodeType};
use super::interfaces::Subject;
use super::loaders::{SubjectById, SubjectRow};
use super::observations::{
    Observation, ObservationConnection, ObservationFilter, ObservationOrder, Scope,
};
use super::paging::{OrderDirection, PageArgs, connection};
use super::{database, loaders};
use crate::derived::{self, Derived};
use crate::entities::{indicator, observation, subject};
use crate::error::Error;
use crate::formatting;
use crate::store::filters;
use crate::store::paging::{self, KeyKind, Ordering, SortKey};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;
use std::collections::HashMap;

/// Most observations one `series` request reads; narrow by subject or year beyond that.
const MAX_SERIES_OBSERVATIONS: u64 = 10_000;

#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

/// A measured quantity, such as the AI market size, with its unit, scale and caveats.
#[Object]
impl Indicator {
    /// The global, opaque ID of this indicator.
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Indicator, &self.0.code)
    }

    /// The stable code, part of the public contract, e.g. `ai_market_size`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The indicator's name.
    pub async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the indicator measures and according to whom.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The unit of its values, e.g. `USD`, `CNY`, `percent` or `enterprises`.
    async fn unit(&self) -> &str {
        &self.0.unit
    }

    /// The scale of its values, e.g. `billion`, `trillion` or `one`.
    async fn scale(&self) -> &str {
        &self.0.scale
    }

    /// What kind of quantity it is, e.g. `market size` or `enterprise count`. Derived values
    /// warn when they combine different measures.
    async fn measure(&self) -> &str {
        &self.0.measure
    }

    /// The topic it belongs to, e.g. `ai_market`.
    async fn topic(&self) -> &str {
        &self.0.topic
    }

    /// A comparability warning that applies to all of its values, if any.
    async fn caveat(&self) -> Option<&str> {
        self.0.caveat.as_deref()
    }

    /// The indicator's observations.
    #[allow(clippy::too_many_arguments)]
    pub async fn observations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the observations.")] filter: Option<ObservationFilter>,
        #[graphql(desc = "The order of the observations; by year, oldest first, by default.")]
        order_by: Option<ObservationOrder>,
        #[graphql(desc = "Returns the first n observations (1 to 100; 20 by default).")]
        first: Option<i32>,
        #[graphql(desc = "Returns the observations after this cursor.")] after: Option<String>,
        #[graphql(desc = "Returns the last n observations (1 to 100).")] last: Option<i32>,
        #[graphql(desc = "Returns the observations before this cursor.")] before: Option<String>,
    ) -> Result<ObservationConnection> {
        let page = PageArgs {
            first,
            after,
            last,
            before,
        };
        Ok(Scope::indicator(self.0.id)
            .list(ctx, filter, order_by, &page)
            .await?)
    }

    /// One series per subject (and per category, for broken-down indicators), aligned on
    /// the same periods: a period one subject lacks is a point with a `null` value, never an
    /// interpolated one.
    async fn series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The subjects, by key (e.g. `[\"CN\", \"US\"]`); all by default.")]
        subjects: Option<Vec<String>>,
        #[graphql(desc = "The first year to include.")] from: Option<i32>,
        #[graphql(desc = "The last year to include.")] to: Option<i32>,
        #[graphql(desc = "Only these categories, e.g. `[\"healthcare\"]`.")] category: Option<
            Vec<String>,
        >,
    ) -> Result<Vec<Series>> {
        Ok(load_series(ctx, &self.0, subjects, from, to, category).await?)
    }

    /// A subject's share of a total, in percent, e.g. US AI enterprises as a share of
    /// `WORLD`'s: 10,840 ÷ 31,206 × 100 = 34.7 %. `null` when the two have no common period.
    async fn share(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The part's subject key, e.g. `US`.")] subject: String,
        #[graphql(desc = "The total's subject key.", default = "WORLD")] total: String,
        #[graphql(desc = "The period; the latest one both have by default.")] period: Option<
            String,
        >,
        #[graphql(desc = "The category, for broken-down indicators.")] category: Option<String>,
    ) -> Result<Option<DerivedValue>> {
        let db = database(ctx)?;
        let Some((part, whole)) = pair(
            db,
            &self.0,
            &subject,
            &total,
            period.as_deref(),
            category.as_deref(),
        )
        .await?
        else {
            return Ok(None);
        };
        let derived = derived::share(
            &input(ctx, &self.0, &part).await?,
            &input(ctx, &self.0, &whole).await?,
        );
        Ok(Some(DerivedValue::new(derived, vec![part, whole])))
    }

    /// The ratio of two subjects' values for the same period, e.g. the US AI market over
    /// China's. `null` when the two have no common period.
    async fn ratio(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The numerator's subject key, e.g. `US`.")] numerator: String,
        #[graphql(desc = "The denominator's subject key, e.g. `CN`.")] denominator: String,
        #[graphql(desc = "The period; the latest one both have by default.")] period: Option<
            String,
        >,
        #[graphql(desc = "The category, for broken-down indicators.")] category: Option<String>,
    ) -> Result<Option<DerivedValue>> {
        let db = database(ctx)?;
        let Some((top, bottom)) = pair(
            db,
            &self.0,
            &numerator,
            &denominator,
            period.as_deref(),
            category.as_deref(),
        )
        .await?
        else {
            return Ok(None);
        };
        let derived = derived::ratio(
            &input(ctx, &self.0, &top).await?,
            &input(ctx, &self.0, &bottom).await?,
        );
        Ok(Some(DerivedValue::new(derived, vec![top, bottom])))
    }
}

connection!(
    IndicatorConnection,
    IndicatorEdge,
    Indicator,
    "indicators",
    "A page of indicators, with the cursors to page on and the total count."
);

/// One subject's values of one indicator over time.
pub struct Series {
    subject: SubjectRow,
    category: Option<String>,
    indicator: indicator::Model,
    points: Vec<(i32, String, Option<observation::Model>)>,
}

/// One subject's values of an indicator, aligned with the other series of the same request.
#[Object]
impl Series {
    /// The subject of the series.
    async fn subject(&self) -> Subject {
        self.subject.clone().into()
    }

    /// The category of the series, for broken-down indicators such as unicorn shares by
    /// industry.
    async fn category(&self) -> Option<&str> {
        self.category.as_deref()
    }

    /// The unit of every value, e.g. `USD`.
    async fn unit(&self) -> &str {
        &self.indicator.unit
    }

    /// The scale of every value, e.g. `billion`.
    async fn scale(&self) -> &str {
        &self.indicator.scale
    }

    /// One point per period of the request, oldest first; `value` is `null` where the paper
    /// gives no figure for this subject.
    async fn points(&self) -> Vec<SeriesPoint> {
        self.points
            .iter()
            .map(|(year, period, observation)| SeriesPoint {
                year: *year,
                period: period.clone(),
                observation: observation.clone(),
            })
            .collect()
    }

    /// The change from each published year to the next published one, in percent. Where
    /// years are missing in between, the change is annualized over the gap and says so.
    /// Where only one year is published, one value whose `value` is `null`, with a warning
    /// that says so; empty where no year is.
    async fn year_over_year(&self, ctx: &Context<'_>) -> Result<Vec<DerivedValue>> {
        let published: Vec<&observation::Model> = self
            .points
            .iter()
            .filter_map(|(_, _, o)| o.as_ref())
            .collect();
        let mut changes = Vec::new();
        for pair in published.windows(2) {
            let (previous, current) = (pair[0], pair[1]);
            let years = current.year - previous.year;
            if years < 1 {
                continue;
            }
            let derived = derived::year_over_year(
                &input(ctx, &self.indicator, previous).await?,
                &input(ctx, &self.indicator, current).await?,
                years,
            );
            changes.push(DerivedValue::new(
                derived,
                vec![previous.clone(), current.clone()],
            ));
        }
        if changes.is_empty()
            && let Some(only) = published.last()
        {
            changes.push(DerivedValue::new(
                derived::single_year(derived::Kind::YearOverYear, only.year),
                vec![(*only).clone()],
            ));
        }
        Ok(changes)
    }

    /// The compound annual growth rate between two years, in percent: by default from the
    /// first published year to the last. `null` if either year has no figure. Where both
    /// come to the same year (one published year, or a default that falls on the year
    /// given), `value` is `null` and `warnings` says why. When both are given, `to` must
    /// be after `from`.
    async fn cagr(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The start year; the first published year by default.")] from: Option<i32>,
        #[graphql(desc = "The end year; the last published year by default.")] to: Option<i32>,
    ) -> Result<Option<DerivedValue>> {
        if let (Some(from), Some(to)) = (from, to)
            && to <= from
        {
            return Err(
                Error::BadUserInput(format!("`to` ({to}) must be after `from` ({from})")).into(),
            );
        }
        let published: Vec<&observation::Model> = self
            .points
            .iter()
            .filter_map(|(_, _, o)| o.as_ref())
            .collect();
        let find = |year: i32| published.iter().find(|o| o.year == year).copied();
        let start = from.map_or_else(|| published.first().copied(), find);
        let end = to.map_or_else(|| published.last().copied(), find);
        let (Some(start), Some(end)) = (start, end) else {
            return Ok(None);
        };
        // Only a default can bring the two years together: an explicit pair was checked
        // above, and a default is the first or last published year, never beyond the other.
        if end.year <= start.year {
            return Ok(Some(DerivedValue::new(
                derived::single_year(derived::Kind::Cagr, end.year),
                vec![end.clone()],
            )));
        }
        let derived = derived::cagr(
            &input(ctx, &self.indicator, start).await?,
            &input(ctx, &self.indicator, end).await?,
            end.year - start.year,
        );
        Ok(Some(DerivedValue::new(
            derived,
            vec![start.clone(), end.clone()],
        )))
    }
}

/// One period of a series.
pub struct SeriesPoint {
    year: i32,
    period: String,
    observation: Option<observation::Model>,
}

/// One period of a series: the published value, or `null` where there is none.
#[Object]
impl SeriesPoint {
    /// The calendar year of the period.
    async fn year(&self) -> i32 {
        self.year
    }

    /// The period, e.g. `2024` or `2024-Q3`.
    async fn period(&self) -> &str {
        &self.period
    }

    /// The published value; `null` where the paper gives none for this subject and period.
    async fn value(&self) -> Option<f64> {
        self.observation.as_ref().map(|o| o.value)
    }

    /// The observation behind the value, with its source and caveats.
    async fn observation(&self) -> Option<Observation> {
        self.observation.clone().map(Observation)
    }
}

/// What a derived value is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "derived::Kind")]
pub enum DerivedKind {
    /// The change from the previous published year, in percent.
    YearOverYear,
    /// The compound annual growth rate between two years, in percent.
    Cagr,
    /// One value divided by another.
    Ratio,
    /// A part's share of a total, in percent.
    Share,
}

/// A value computed at request time from published figures, never stored: with its formula,
/// the observations it used, and warnings where the inputs do not compare.
pub struct DerivedValue {
    derived: Derived,
    inputs: Vec<observation::Model>,
}

impl DerivedValue {
    fn new(derived: Derived, inputs: Vec<observation::Model>) -> Self {
        Self { derived, inputs }
    }
}

/// A value computed at request time from published figures, with its formula, its inputs
/// and its comparability warnings.
#[Object]
impl DerivedValue {
    /// What was computed.
    async fn kind(&self) -> DerivedKind {
        self.derived.kind.into()
    }

    /// The result, unrounded; `null` when the inputs cannot be combined (see `warnings`).
    async fn value(&self) -> Option<f64> {
        self.derived.value
    }

    /// The unit of the result: `percent` or `ratio`.
    async fn unit(&self) -> &str {
        &self.derived.unit
    }

    /// The result rounded for quoting, e.g. "34.7%".
    async fn formatted(&self) -> Option<String> {
        self.derived.formatted()
    }

    /// The computation with the actual numbers, e.g. "10840 ÷ 31206 × 100".
    async fn formula(&self) -> &str {
        &self.derived.formula
    }

    /// The observations the value was computed from, in the formula's order.
    async fn inputs(&self) -> Vec<Observation> {
        self.inputs.iter().cloned().map(Observation).collect()
    }

    /// False when the inputs differ in unit or in what they measure.
    async fn comparable(&self) -> bool {
        self.derived.comparable
    }

    /// Why the value may mislead: unit or measure mismatches, bounds, estimates, gaps.
    async fn warnings(&self) -> &[String] {
        &self.derived.warnings
    }
}

/// A published figure named by indicator, subject and period.
#[derive(InputObject)]
pub struct FigureInput {
    /// The indicator's code, e.g. `smart_city_industry_size`.
    pub indicator: String,
    /// The subject's key, e.g. `CN`.
    pub subject: String,
    /// The period, e.g. `2024`; the latest published one by default.
    pub period: Option<String>,
    /// The category, for broken-down indicators.
    pub category: Option<String>,
}

/// The derived-value input for one observation: its numbers and a label for warnings.
async fn input(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    observation: &observation::Model,
) -> Result<derived::Input, Error> {
    let subject = loaders(ctx)?
        .load_one(SubjectById(observation.subject_id))
        .await?;
    let name = subject.as_ref().map_or("?", |s| s.name());
    Ok(derived::Input {
        label: format!(
            "{name} {} ({})",
            observation.period,
            formatting::figure(
                observation.value,
                &observation.unit,
                &observation.scale,
                observation.qualifier
            )
        ),
        value: observation.value,
        unit: observation.unit.clone(),
        scale: observation.scale.clone(),
        measure: indicator.measure.clone(),
        qualifier: observation.qualifier,
        status: observation.status,
        period: observation.period.clone(),
    })
}

/// The subject ids behind a key; keys are unique within a kind, so one key may name a
/// country and a company alike.
async fn subject_ids(db: &DatabaseConnection, key: &str) -> Result<Vec<i32>, Error> {
    let ids: Vec<i32> = subject::Entity::find()
        .select_only()
        .column(subject::Column::Id)
        .filter(subject::Column::Key.eq(key))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Err(Error::BadUserInput(format!("there is no subject {key:?}")));
    }
    Ok(ids)
}

/// The subjects behind several keys, in the keys' order, in one statement.
async fn subjects_by_keys(
    db: &DatabaseConnection,
    keys: &[String],
) -> Result<Vec<subject::Model>, Error> {
    let rows = subject::Entity::find()
        .filter(subject::Column::Key.is_in(keys.iter().cloned()))
        .order_by_asc(subject::Column::Id)
        .all(db)
        .await?;
    let mut ordered = Vec::with_capacity(rows.len());
    for key in keys {
        let of_key = rows.iter().filter(|row| &row.key == key);
        let before = ordered.len();
        ordered.extend(of_key.cloned());
        if ordered.len() == before {
            return Err(Error::BadUserInput(format!("there is no subject {key:?}")));
        }
    }
    Ok(ordered)
}

/// The observations of one indicator for two subjects in the same period: the given one,
/// or else the latest period both have.
async fn pair(
    db: &DatabaseConnection,
    indicator: &indicator::Model,
    first: &str,
    second: &str,
    period: Option<&str>,
    category: Option<&str>,
) -> Result<Option<(observation::Model, observation::Model)>, Error> {
    let of = |subject_ids: Vec<i32>| {
        let mut select = observation::Entity::find()
            .filter(observation::Column::IndicatorId.eq(indicator.id))
            .filter(observation::Column::SubjectId.is_in(subject_ids));
        select = match category {
            Some(category) => select.filter(observation::Column::Category.eq(category)),
            None => select.filter(observation::Column::Category.is_null()),
        };
        if let Some(period) = period {
            select = select.filter(observation::Column::Period.eq(period));
        }
        select
            .order_by_desc(observation::Column::Year)
            .order_by_desc(observation::Column::Period)
            .order_by_asc(observation::Column::Id)
    };
    let firsts = of(subject_ids(db, first).await?).all(db).await?;
    let seconds = of(subject_ids(db, second).await?).all(db).await?;
    Ok(firsts.into_iter().find_map(|a| {
        seconds
            .iter()
            .find(|b| b.period == a.period)
            .map(|b| (a.clone(), b.clone()))
    }))
}

/// The latest (or the given period's) observation of a figure, with its indicator.
pub async fn figure(
    db: &DatabaseConnection,
    figure: &FigureInput,
) -> Result<Option<(indicator::Model, observation::Model)>, Error> {
    let Some(indicator) = indicator::Entity::find()
        .filter(indicator::Column::Code.eq(&figure.indicator))
        .one(db)
        .await?
    else {
        return Err(Error::BadUserInput(format!(
            "there is no indicator {:?}",
            figure.indicator
        )));
    };
    let mut select = observation::Entity::find()
        .filter(observation::Column::IndicatorId.eq(indicator.id))
        .filter(observation::Column::SubjectId.is_in(subject_ids(db, &figure.subject).await?));
    select = match &figure.category {
        Some(category) => select.filter(observation::Column::Category.eq(category)),
        None => select.filter(observation::Column::Category.is_null()),
    };
    if let Some(period) = &figure.period {
        select = select.filter(observation::Column::Period.eq(period));
    }
    let observation = select
        .order_by_desc(observation::Column::Year)
        .order_by_desc(observation::Column::Period)
        .order_by_asc(observation::Column::Id)
        .one(db)
        .await?;
    Ok(observation.map(|o| (indicator, o)))
}

/// Computes a ratio or share between two figures of any indicators.
pub async fn compare(
    ctx: &Context<'_>,
    kind: derived::Kind,
    numerator: &FigureInput,
    denominator: &FigureInput,
) -> Result<Option<DerivedValue>, Error> {
    let db = database(ctx)?;
    let (Some((top_indicator, top)), Some((bottom_indicator, bottom))) =
        (figure(db, numerator).await?, figure(db, denominator).await?)
    else {
        return Ok(None);
    };
    let (a, b) = (
        input(ctx, &top_indicator, &top).await?,
        input(ctx, &bottom_indicator, &bottom).await?,
    );
    let derived = match kind {
        derived::Kind::Share => derived::share(&a, &b),
        _ => derived::ratio(&a, &b),
    };
    let mut value = DerivedValue::new(derived, vec![top, bottom]);
    for caveat in [&top_indicator.caveat, &bottom_indicator.caveat]
        .into_iter()
        .flatten()
    {
        if !value.derived.warnings.contains(caveat) {
            value.derived.warnings.push(caveat.clone());
        }
    }
    Ok(Some(value))
}

async fn load_series(
    ctx: &Context<'_>,
    indicator: &indicator::Model,
    subjects: Option<Vec<String>>,
    from: Option<i32>,
    to: Option<i32>,
    category: Option<Vec<String>>,
) -> Result<Vec<Series>, Error> {
    filters::year_range(from, to)?;
    let db = database(ctx)?;
    let mut select = observation::Entity::find()
        .filter(observation::Column::IndicatorId.eq(indicator.id))
        .filter(filters::within_years(
            Expr::col((observation::Entity, observation::Column::Year)),
            from,
            to,
        ));
    let mut requested: Vec<i32> = Vec::new();
    let mut requested_subjects = None;
    if let Some(keys) = &subjects {
        let found = subjects_by_keys(db, filters::values("subjects", keys)?).await?;
        requested = found.iter().map(|subject| subject.id).collect();
        requested_subjects = Some(found);
        select = select.filter(observation::Column::SubjectId.is_in(requested.clone()));
    }
    if let Some(categories) = &category {
        select = select.filter(
            observation::Column::Category
                .is_in(filters::values("category", categories)?.iter().cloned()),
        );
    }
    let rows = select
        .order_by_asc(observation::Column::Year)
        .order_by_asc(observation::Column::Period)
        .order_by_asc(observation::Column::Id)
        .limit(MAX_SERIES_OBSERVATIONS + 1)
        .all(db)
        .await?;
    if rows.len() as u64 > MAX_SERIES_OBSERVATIONS {
        return Err(Error::BadUserInput(format!(
            "the series would read more than {MAX_SERIES_OBSERVATIONS} observations; narrow \
             it with `subjects`, `from` and `to`"
        )));
    }

    let mut axis: Vec<(i32, String)> = rows.iter().map(|o| (o.year, o.period.clone())).collect();
    axis.dedup();
    axis.sort();
    axis.dedup();

    // One series per (subject, category) with data; a requested subject without any data
    // still gets its all-null series, so the answer has one series per subject asked for.
    let mut data_keys: Vec<(i32, Option<String>)> = Vec::new();
    for row in &rows {
        let key = (row.subject_id, row.category.clone());
        if !data_keys.contains(&key) {
            data_keys.push(key);
        }
    }
    let keys: Vec<(i32, Option<String>)> = if requested.is_empty() {
        data_keys
    } else {
        let mut keys = Vec::new();
        for &id in &requested {
            let of_subject: Vec<_> = data_keys.iter().filter(|k| k.0 == id).cloned().collect();
            if of_subject.is_empty() {
                keys.push((id, None));
            } else {
                keys.extend(of_subject);
            }
        }
        keys
    };
    // Subjects asked for by key are already known, kinds and all: one statement per kind
    // reads their rows, where the loader would first read them again.
    let subject_rows = match &requested_subjects {
        Some(found) => loaders::subject_rows(db, found).await?,
        None => {
            loaders(ctx)?
                .load_many(keys.iter().map(|(id, _)| SubjectById(*id)))
                .await?
        }
    };
    let mut by_key: HashMap<(i32, Option<String>), Vec<&observation::Model>> = HashMap::new();
    for row in &rows {
        by_key
            .entry((row.subject_id, row.category.clone()))
            .or_default()
            .push(row);
    }
    let mut series = Vec::with_capacity(keys.len());
    for key in keys {
        let Some(subject) = subject_rows.get(&SubjectById(key.0)) else {
            continue;
        };
        let observations = by_key.get(&key).cloned().unwrap_or_default();
        let points = axis
            .iter()
            .map(|(year, period)| {
                let found = observations
                    .iter()
                    .find(|o| o.year == *year && &o.period == period)
                    .map(|o| (*o).clone());
                (*year, period.clone(), found)
            })
            .collect();
        series.push(Series {
            subject: subject.clone(),
            category: key.1,
            indicator: indicator.clone(),
            points,
        });
    }
    Ok(series)
}

/// Narrows the list of indicators.
#[derive(InputObject, Default)]
pub struct IndicatorFilter {
    /// Only indicators on these topics, e.g. `ai_market` or `project_outcomes`.
    pub topic: Option<Vec<String>>,
    /// Only indicators in these units, e.g. `USD` or `percent`.
    pub unit: Option<Vec<String>>,
    /// Only indicators with observations about subjects of these kinds.
    pub subject_kind: Option<Vec<super::observations::SubjectKind>>,
    /// Case-insensitive text found in the name, code, description, unit, measure or topic.
    pub text: Option<String>,
}

/// The fields indicators can be ordered by.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum IndicatorOrderField {
    /// By code.
    #[default]
    Code,
    /// By name.
    Name,
    /// By topic.
    Topic,
}

/// The order of a list of indicators.
#[derive(InputObject, Default)]
pub struct IndicatorOrder {
    /// The field to order by.
    pub field: IndicatorOrderField,
    /// The direction to order in.
    #[graphql(default)]
    pub direction: OrderDirection,
}

pub async fn list_indicators(
    ctx: &Context<'_>,
    filter: Option<IndicatorFilter>,
    order_by: Option<IndicatorOrder>,
    page: &PageArgs,
) -> Result<IndicatorConnection, Error> {
    let filter = filter.unwrap_or_default();
    let mut select = indicator::Entity::find();
    if let Some(topics) = &filter.topic {
        select = select.filter(
            indicator::Column::Topic.is_in(filters::values("topic", topics)?.iter().cloned()),
        );
    }
    if let Some(units) = &filter.unit {
        select = select
            .filter(indicator::Column::Unit.is_in(filters::values("unit", units)?.iter().cloned()));
    }
    if let Some(kinds) = &filter.subject_kind {
        let kinds: Vec<subject::SubjectKind> = kinds.iter().map(|&k| k.into()).collect();
        select = select.filter(
            indicator::Column::Id.in_subquery(
                Query::select()
                    .column(observation::Column::IndicatorId)
                    .from(observation::Entity)
                    .and_where(
                        Expr::col(observation::Column::SubjectId).in_subquery(
                            Query::select()
                                .column(subject::Column::Id)
                                .from(subject::Entity)
                                .and_where(subject::Column::Kind.is_in(kinds))
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        );
    }
    select = filters::with_text(
        select,
        indicator::Column::SearchText,
        filter.text.as_deref(),
    )?;
    let order = order_by.unwrap_or_default();
    let (key, key_of): (_, fn(&indicator::Model) -> serde_json::Value) = match order.field {
        IndicatorOrderField::Code => (indicator::Column::Code, |m| json!(m.code)),
        IndicatorOrderField::Name => (indicator::Column::Name, |m| json!(m.name)),
        IndicatorOrderField::Topic => (indicator::Column::Topic, |m| json!(m.topic)),
    };
    let ordering = Ordering::new(
        "indicators",
        order.field,
        order.direction.into(),
        SortKey {
            expr: Expr::col((indicator::Entity, key)),
            kind: KeyKind::Text,
            value_of: key_of,
        },
        Expr::col((indicator::Entity, indicator::Column::Id)),
        |m| m.id,
    );
    let page = paging::load_page(database(ctx)?, select, &ordering, page).await?;
    Ok(page.map(Indicator).into())
}
