//! Values computed at request time from published figures: ratios and shares, with their
//! formulas, their inputs and their comparability warnings.

use super::loaders::SubjectById;
use super::observations::Observation;
use super::{database, loaders};
use crate::derived::{self, Derived};
use crate::entities::{indicator, observation};
use crate::error::Error;
use crate::formatting;
use crate::store::series::{self as store, FigureQuery};
use async_graphql::{Context, Enum, InputObject, Object};

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
    pub fn new(derived: Derived, inputs: Vec<observation::Model>) -> Self {
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
pub async fn input(
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

/// Computes a ratio or share between two figures of any indicators.
pub async fn compare(
    ctx: &Context<'_>,
    kind: derived::Kind,
    numerator: &FigureInput,
    denominator: &FigureInput,
) -> Result<Option<DerivedValue>, Error> {
    let db = database(ctx)?;
    let (Some((top_indicator, top)), Some((bottom_indicator, bottom))) = (
        store::figure(db, &numerator.into()).await?,
        store::figure(db, &denominator.into()).await?,
    ) else {
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

impl<'a> From<&'a FigureInput> for FigureQuery<'a> {
    fn from(figure: &'a FigureInput) -> Self {
        Self {
            indicator: &figure.indicator,
            subject: &figure.subject,
            period: figure.period.as_deref(),
            category: figure.category.as_deref(),
        }
    }
}
