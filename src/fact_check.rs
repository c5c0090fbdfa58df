//! The fact check: whether a published figure supports one a reader was given ("China's AI
//! market was worth 39 billion dollars in 2024"). Pure functions: the figure and the claim
//! in, a verdict with the difference and the reasons out.

/// What the data says of a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The same number, in the same unit (after the scale is converted).
    Matches,
    /// The claim is the figure rounded to the claim's own precision.
    RoundsTo,
    /// Another number.
    Differs,
    /// Another unit, or a scale that cannot be converted: no number can be compared.
    NotComparable,
    /// No figure for this indicator, subject and period.
    NoData,
}

/// A figure as the data holds it, or as a claim states it.
#[derive(Clone, Debug)]
pub struct Amount<'a> {
    pub value: f64,
    pub unit: &'a str,
    pub scale: &'a str,
}

/// How the claim compares with the figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub verdict: Verdict,
    /// The claim in the figure's unit and scale.
    pub claimed: Option<f64>,
    /// The claim minus the figure, in the figure's unit and scale.
    pub difference: Option<f64>,
    /// The difference as a percentage of the figure.
    pub difference_percent: Option<f64>,
    pub unit_mismatch: Option<String>,
    pub scale_mismatch: Option<String>,
}

/// The power of ten a scale word stands for.
fn exponent(scale: &str) -> Option<i32> {
    match scale.trim().to_ascii_lowercase().as_str() {
        "one" | "" => Some(0),
        "thousand" => Some(3),
        "million" => Some(6),
        "billion" => Some(9),
        "trillion" => Some(12),
        _ => None,
    }
}

/// The precision a stated number carries: its last decimal, or for a whole number its
/// trailing zeros ("39,300" is stated to the hundred).
fn precision(value: f64) -> f64 {
    let text = format!("{}", value.abs());
    match text.split_once('.') {
        Some((_, decimals)) => 10f64.powi(-(decimals.len() as i32)),
        None => {
            let zeros = text.len() - text.trim_end_matches('0').len();
            if text.trim_end_matches('0').is_empty() {
                1.0
            } else {
                10f64.powi(zeros as i32)
            }
        }
    }
}

/// Compares a claim with the figure the data holds.
pub fn check(figure: &Amount<'_>, claim: &Amount<'_>) -> Check {
    let not_comparable = |unit_mismatch, scale_mismatch| Check {
        verdict: Verdict::NotComparable,
        claimed: None,
        difference: None,
        difference_percent: None,
        unit_mismatch,
        scale_mismatch,
    };
    if !figure.unit.trim().eq_ignore_ascii_case(claim.unit.trim()) {
        return not_comparable(
            Some(format!(
                "the figure is in {}, the claim in {}: no rate converts one into the other here",
                figure.unit, claim.unit
            )),
            None,
        );
    }
    let (Some(figure_exponent), Some(claim_exponent)) =
        (exponent(figure.scale), exponent(claim.scale))
    else {
        return not_comparable(
            None,
            Some(format!(
                "the scale {:?} is not one of one, thousand, million, billion, trillion",
                if exponent(figure.scale).is_none() {
                    figure.scale
                } else {
                    claim.scale
                }
            )),
        );
    };
    let shift = 10f64.powi(claim_exponent - figure_exponent);
    let claimed = claim.value * shift;
    let difference = claimed - figure.value;
    let difference_percent = (figure.value != 0.0).then(|| difference / figure.value * 100.0);
    let scale_mismatch = (claim_exponent != figure_exponent).then(|| {
        format!(
            "the claim is in {}, the figure in {}: {} {} is {} {}",
            claim.scale, figure.scale, claim.value, claim.scale, claimed, figure.scale
        )
    });
    let tolerance = 1e-9 * figure.value.abs().max(1.0);
    // In the claim's own scale, where its precision was stated.
    let figure_as_claimed = figure.value / shift;
    let verdict = if difference.abs() <= tolerance {
        Verdict::Matches
    } else if (figure_as_claimed - claim.value).abs()
        <= precision(claim.value) / 2.0 + tolerance / shift
    {
        Verdict::RoundsTo
    } else {
        Verdict::Differs
    };
    Check {
        verdict,
        claimed: Some(claimed),
        difference: Some(difference),
        difference_percent,
        unit_mismatch: None,
        scale_mismatch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(value: f64, scale: &str) -> Amount<'_> {
        Amount {
            value,
            unit: "USD",
            scale,
        }
    }

    #[test]
    fn the_same_number_matches_in_any_scale() {
        assert_eq!(
            check(&usd(39.32, "billion"), &usd(39.32, "billion")).verdict,
            Verdict::Matches
        );
        let converted = check(&usd(39.32, "billion"), &usd(39_320.0, "million"));
        assert_eq!(converted.verdict, Verdict::Matches);
        assert!(converted.scale_mismatch.is_some());
    }

    #[test]
    fn a_rounded_claim_rounds_to_the_figure_at_its_own_precision() {
        for claim in [
            usd(39.3, "billion"),
            usd(39.0, "billion"),
            usd(39_300.0, "million"),
        ] {
            assert_eq!(
                check(&usd(39.32, "billion"), &claim).verdict,
                Verdict::RoundsTo,
                "{claim:?}"
            );
        }
        assert_eq!(
            check(&usd(39.32, "billion"), &usd(39.4, "billion")).verdict,
            Verdict::Differs
        );
    }

    #[test]
    fn another_scale_is_another_number() {
        let check = check(&usd(39.32, "billion"), &usd(39.0, "million"));
        assert_eq!(check.verdict, Verdict::Differs);
        assert!(
            check
                .scale_mismatch
                .expect("a mismatch")
                .contains("million")
        );
        let percent = check.difference_percent.expect("a percentage");
        assert!((percent + 99.9).abs() < 0.01, "{percent}");
    }

    #[test]
    fn another_unit_cannot_be_compared() {
        let yuan = Amount {
            value: 33.0,
            unit: "CNY",
            scale: "trillion",
        };
        let check = check(&yuan, &usd(33.0, "trillion"));
        assert_eq!(check.verdict, Verdict::NotComparable);
        assert!(check.unit_mismatch.is_some() && check.difference.is_none());
    }
}
