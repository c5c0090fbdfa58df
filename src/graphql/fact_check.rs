//! `checkFigure`: whether the data supports a figure a reader was given, with the figure it
//! is checked against, the difference, and the reasons a number cannot be compared.

use super::database;
use super::observations::{Observation, Qualifier};
use crate::entities::{indicator, observation};
use crate::error::Error;
use crate::fact_check::{self, Amount, Check};
use crate::formatting;
use crate::store::series::{self as store, FigureQuery};
use async_graphql::{Context, Enum, Object};

/// What the data says of a figure.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum FigureVerdict {
    /// The same number, in the same unit, once the scale is converted.
    Matches,
    /// The figure rounded to the precision the claim is stated in (39.32 billion as "39
    /// billion").
    RoundsTo,
    /// Another number.
    Differs,
    /// Another unit (CNY against USD), or a scale that does not convert: no number can be
    /// compared.
    NotComparable,
    /// No figure of this indicator, subject and period.
    NoData,
}

impl From<fact_check::Verdict> for FigureVerdict {
    fn from(verdict: fact_check::Verdict) -> Self {
        match verdict {
            fact_check::Verdict::Matches => FigureVerdict::Matches,
            fact_check::Verdict::RoundsTo => FigureVerdict::RoundsTo,
            fact_check::Verdict::Differs => FigureVerdict::Differs,
            fact_check::Verdict::NotComparable => FigureVerdict::NotComparable,
            fact_check::Verdict::NoData => FigureVerdict::NoData,
        }
    }
}

/// A claim as the reader gave it.
pub struct Claim {
    pub value: f64,
    pub unit: String,
    pub scale: String,
}

pub struct FigureCheck {
    claim: Claim,
    found: Option<(indicator::Model, observation::Model, Check)>,
}

impl FigureCheck {
    pub async fn run(
        ctx: &Context<'_>,
        figure: FigureQuery<'_>,
        claim: Claim,
    ) -> Result<Self, Error> {
        let found = match store::figure(database(ctx)?, &figure).await {
            Ok(found) => found,
            // An unknown indicator has no data: the answer a journalist needs, not an error.
            Err(Error::BadUserInput(_)) => None,
            Err(error) => return Err(error),
        };
        let found = found.map(|(indicator, observation)| {
            let check = fact_check::check(
                &Amount {
                    value: observation.value,
                    unit: &observation.unit,
                    scale: &observation.scale,
                },
                &Amount {
                    value: claim.value,
                    unit: &claim.unit,
                    scale: &claim.scale,
                },
            );
            (indicator, observation, check)
        });
        Ok(Self { claim, found })
    }

    fn claimed(&self) -> String {
        formatting::figure(
            self.claim.value,
            &self.claim.unit,
            &self.claim.scale,
            crate::entities::observation::Qualifier::Exact,
        )
    }
}

/// The check of a figure against the data.
#[Object]
impl FigureCheck {
    /// The verdict.
    async fn verdict(&self) -> FigureVerdict {
        match &self.found {
            Some((_, _, check)) => check.verdict.into(),
            None => FigureVerdict::NoData,
        }
    }

    /// The verdict in one line, with the figure it rests on.
    async fn summary(&self) -> String {
        let claimed = self.claimed();
        let Some((_, figure, check)) = &self.found else {
            return format!(
                "No data: no figure of this indicator, subject and period to check {claimed} against."
            );
        };
        let data = formatting::figure(figure.value, &figure.unit, &figure.scale, figure.qualifier);
        let period = &figure.period;
        match check.verdict {
            fact_check::Verdict::Matches => format!("Matches: the data has {data} for {period}."),
            fact_check::Verdict::RoundsTo => {
                format!("Rounds to: {claimed} is the data's {data} for {period}, rounded.")
            }
            fact_check::Verdict::Differs => format!(
                "Differs: the data has {data} for {period}, not {claimed} ({:+.2} %).",
                check.difference_percent.unwrap_or_default()
            ),
            fact_check::Verdict::NotComparable => format!(
                "Not comparable: the data has {data} for {period}; {}.",
                check
                    .unit_mismatch
                    .as_deref()
                    .or(check.scale_mismatch.as_deref())
                    .unwrap_or_default()
            ),
            fact_check::Verdict::NoData => format!("No data to check {claimed} against."),
        }
    }

    /// The figure the claim is checked against: the given period's, or the latest.
    async fn observations(&self) -> Vec<Observation> {
        self.found
            .iter()
            .map(|(_, figure, _)| Observation(figure.clone()))
            .collect()
    }

    /// The claim in the figure's unit and scale.
    async fn claimed_in_data_scale(&self) -> Option<f64> {
        self.found.as_ref().and_then(|(_, _, check)| check.claimed)
    }

    /// The claim minus the figure, in the figure's unit and scale.
    async fn difference(&self) -> Option<f64> {
        self.found
            .as_ref()
            .and_then(|(_, _, check)| check.difference)
    }

    /// The difference as a percentage of the figure.
    async fn difference_percent(&self) -> Option<f64> {
        self.found
            .as_ref()
            .and_then(|(_, _, check)| check.difference_percent)
    }

    /// How the source bounds its figure: "about", "more than"; a claim above a "more
    /// than" figure is not refuted by it.
    async fn qualifier(&self) -> Option<Qualifier> {
        self.found
            .as_ref()
            .map(|(_, figure, _)| figure.qualifier.into())
    }

    /// Why the units cannot be compared, if they cannot.
    async fn unit_mismatch(&self) -> Option<&str> {
        self.found
            .as_ref()
            .and_then(|(_, _, check)| check.unit_mismatch.as_deref())
    }

    /// The claim's scale against the figure's, where they differ ("39 million" against
    /// 39.32 billion).
    async fn scale_mismatch(&self) -> Option<&str> {
        self.found
            .as_ref()
            .and_then(|(_, _, check)| check.scale_mismatch.as_deref())
    }

    /// The warnings on the figure and on its indicator.
    async fn caveats(&self) -> Vec<String> {
        self.found
            .iter()
            .flat_map(|(indicator, figure, _)| [figure.caveat.clone(), indicator.caveat.clone()])
            .flatten()
            .collect()
    }
}
