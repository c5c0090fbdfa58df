//! Values derived from published figures at request time, never stored: year-on-year
//! change, compound annual growth, ratios and shares. Each result carries its formula with
//! the actual numbers, and says so, rather than dividing silently, when its inputs are not
//! comparable.

use crate::entities::observation::{Qualifier, Status};
use crate::formatting;

/// One published figure used as an input.
#[derive(Clone, Debug)]
pub struct Input {
    pub label: String,
    pub value: f64,
    pub unit: String,
    pub scale: String,
    pub measure: String,
    pub qualifier: Qualifier,
    pub status: Status,
    pub period: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    YearOverYear,
    Cagr,
    Ratio,
    Share,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub kind: Kind,
    /// `None` when the inputs cannot be combined; `warnings` says why.
    pub value: Option<f64>,
    pub unit: String,
    pub formula: String,
    /// False when the inputs differ in unit or in what they measure.
    pub comparable: bool,
    pub warnings: Vec<String>,
}

impl Derived {
    /// The value as a reader would quote it, rounded to one decimal ("34.7%").
    pub fn formatted(&self) -> Option<String> {
        let value = self.value?;
        let rounded = (value * 10.0).round() / 10.0;
        Some(match self.unit.as_str() {
            "percent" => format!("{}%", formatting::number(rounded)),
            _ => {
                let rounded = (value * 100.0).round() / 100.0;
                format!("{}×", formatting::number(rounded))
            }
        })
    }
}

/// Multiplier of a scale word; `None` for a scale this module does not know.
fn multiplier(scale: &str) -> Option<f64> {
    match scale {
        "one" => Some(1.0),
        "thousand" => Some(1e3),
        "million" => Some(1e6),
        "billion" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

/// What makes two inputs incomparable, and the factor that brings `b` to `a`'s scale.
struct Check {
    warnings: Vec<String>,
    comparable: bool,
    dividable: bool,
    b_to_a_scale: f64,
}

fn check(a: &Input, b: &Input) -> Check {
    let mut warnings = Vec::new();
    let mut comparable = true;
    let mut dividable = true;
    if a.unit != b.unit {
        comparable = false;
        dividable = false;
        warnings.push(format!(
            "Units differ ({} vs {}): no value is computed, because the paper gives no \
             conversion between them.",
            a.unit, b.unit
        ));
    }
    if a.measure != b.measure {
        comparable = false;
        warnings.push(format!(
            "The inputs measure different things ({} vs {}); treat the result with care.",
            a.measure, b.measure
        ));
    }
    let b_to_a_scale = match (multiplier(&a.scale), multiplier(&b.scale)) {
        (Some(scale_a), Some(scale_b)) => scale_b / scale_a,
        _ if a.scale == b.scale => 1.0,
        _ => {
            dividable = false;
            warnings.push(format!(
                "Scales {} and {} cannot be reconciled: no value is computed.",
                a.scale, b.scale
            ));
            1.0
        }
    };
    for input in [a, b] {
        match input.qualifier {
            Qualifier::Exact => {}
            Qualifier::Approximately => warnings.push(format!(
                "{} is approximate, so the result is too.",
                input.label
            )),
            Qualifier::MoreThan | Qualifier::AtLeast => warnings.push(format!(
                "{} is a lower bound, so the result is a bound, not a value.",
                input.label
            )),
        }
        match input.status {
            Status::Reported => {}
            Status::Estimate => warnings.push(format!("{} is an estimate.", input.label)),
            Status::Forecast => warnings.push(format!("{} is a forecast.", input.label)),
            Status::Target => {
                warnings.push(format!("{} is a target, not a measurement.", input.label))
            }
        }
    }
    Check {
        warnings,
        comparable,
        dividable,
        b_to_a_scale,
    }
}

fn scaled(value: f64, factor: f64) -> String {
    if factor == 1.0 {
        value.to_string()
    } else {
        format!("({value} × {factor})")
    }
}

/// `numerator ÷ denominator`, as a plain ratio.
pub fn ratio(numerator: &Input, denominator: &Input) -> Derived {
    divide(Kind::Ratio, numerator, denominator)
}

/// `part ÷ total × 100`: the part's share of the total, in percent.
pub fn share(part: &Input, total: &Input) -> Derived {
    let mut derived = divide(Kind::Share, part, total);
    if let Some(value) = derived.value
        && value > 100.0
    {
        derived.warnings.push(
            "The part exceeds the total: the two figures do not describe the same population."
                .to_owned(),
        );
    }
    derived
}

fn divide(kind: Kind, a: &Input, b: &Input) -> Derived {
    let Check {
        mut warnings,
        comparable,
        dividable,
        b_to_a_scale,
    } = check(a, b);
    let denominator = b.value * b_to_a_scale;
    let (percent, unit) = match kind {
        Kind::Share => (true, "percent"),
        _ => (false, "ratio"),
    };
    let formula = format!(
        "{} ÷ {}{}",
        a.value,
        scaled(b.value, b_to_a_scale),
        if percent { " × 100" } else { "" }
    );
    if a.period != b.period {
        warnings.push(format!(
            "The inputs are for different periods ({} and {}).",
            a.period, b.period
        ));
    }
    let value = if !dividable {
        None
    } else if denominator == 0.0 {
        warnings.push("The denominator is zero.".to_owned());
        None
    } else {
        let quotient = a.value / denominator;
        Some(if percent { quotient * 100.0 } else { quotient })
    };
    Derived {
        kind,
        value,
        unit: unit.to_owned(),
        formula,
        comparable,
        warnings,
    }
}

/// `(current ÷ previous − 1) × 100`: the change from the previous published year, in
/// percent, annualized when that year is `years` back.
pub fn year_over_year(previous: &Input, current: &Input, years: i32) -> Derived {
    growth(Kind::YearOverYear, previous, current, years)
}

/// `((end ÷ start)^(1 / years) − 1) × 100`: the compound annual growth rate, in percent.
pub fn cagr(start: &Input, end: &Input, years: i32) -> Derived {
    growth(Kind::Cagr, start, end, years)
}

/// A growth rate, year-on-year or compound, where only one year has a figure: no value,
/// the formula without numbers, and a warning naming the year.
pub fn single_year(kind: Kind, year: i32) -> Derived {
    let formula = match kind {
        Kind::Cagr => "((end ÷ start)^(1/years) − 1) × 100",
        _ => "(current ÷ previous − 1) × 100",
    };
    Derived {
        kind,
        value: None,
        unit: "percent".to_owned(),
        formula: formula.to_owned(),
        comparable: true,
        warnings: vec![format!(
            "Only one year, {year}, has a published figure: a growth rate needs two years."
        )],
    }
}

fn growth(kind: Kind, start: &Input, end: &Input, years: i32) -> Derived {
    let checked = check(end, start);
    let (b_to_a_scale, mut warnings) = (checked.b_to_a_scale, checked.warnings);
    let base = start.value * b_to_a_scale;
    let formula = match years {
        1 => format!(
            "({} ÷ {} − 1) × 100",
            end.value,
            scaled(start.value, b_to_a_scale)
        ),
        _ => format!(
            "(({} ÷ {})^(1/{years}) − 1) × 100",
            end.value,
            scaled(start.value, b_to_a_scale)
        ),
    };
    let value = if !checked.dividable {
        None
    } else if years <= 0 {
        warnings.push("The end year must come after the start year.".to_owned());
        None
    } else if base <= 0.0 || end.value < 0.0 {
        warnings.push("Growth is undefined for a zero or negative starting value.".to_owned());
        None
    } else {
        Some(((end.value / base).powf(1.0 / f64::from(years)) - 1.0) * 100.0)
    };
    if kind == Kind::YearOverYear && years > 1 {
        warnings.push(format!(
            "The previous published figure is {years} years earlier; the value is the \
             compound average annual change over that gap."
        ));
    }
    Derived {
        kind,
        value,
        unit: "percent".to_owned(),
        formula,
        comparable: checked.comparable,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(value: f64, unit: &str, scale: &str, measure: &str, period: &str) -> Input {
        Input {
            label: format!("{value} ({period})"),
            value,
            unit: unit.to_owned(),
            scale: scale.to_owned(),
            measure: measure.to_owned(),
            qualifier: Qualifier::Exact,
            status: Status::Reported,
            period: period.to_owned(),
        }
    }

    #[test]
    fn the_us_share_of_ai_enterprises_is_34_7_percent() {
        let us = input(10840.0, "enterprises", "one", "enterprise count", "2024-Q3");
        let world = input(31206.0, "enterprises", "one", "enterprise count", "2024-Q3");
        let share = share(&us, &world);
        let value = share.value.expect("computable");
        assert!((value - 34.736_909_568_672_69).abs() < 1e-9, "{value}");
        assert_eq!(share.formatted().as_deref(), Some("34.7%"));
        assert_eq!(share.formula, "10840 ÷ 31206 × 100");
        assert!(share.comparable);
        assert!(share.warnings.is_empty());
    }

    #[test]
    fn cagr_of_chinas_smart_city_industry_2020_to_2024() {
        let start = input(14.9, "CNY", "trillion", "industry size", "2020");
        let mut end = input(33.0, "CNY", "trillion", "industry size", "2024");
        end.status = Status::Estimate;
        let cagr = cagr(&start, &end, 4);
        let expected = ((33.0_f64 / 14.9).powf(0.25) - 1.0) * 100.0;
        assert_eq!(cagr.value, Some(expected));
        assert_eq!(cagr.formatted().as_deref(), Some("22%"));
        assert_eq!(cagr.formula, "((33 ÷ 14.9)^(1/4) − 1) × 100");
        assert_eq!(cagr.warnings, vec!["33 (2024) is an estimate.".to_owned()]);
    }

    #[test]
    fn different_units_are_not_divided() {
        let china = input(33.0, "CNY", "trillion", "industry size", "2024");
        let us = input(25.16, "USD", "billion", "market revenue", "2024");
        let ratio = ratio(&china, &us);
        assert_eq!(ratio.value, None);
        assert!(!ratio.comparable);
        assert!(ratio.warnings[0].starts_with("Units differ (CNY vs USD)"));
        assert!(ratio.warnings[1].contains("industry size vs market revenue"));
    }

    #[test]
    fn scales_are_reconciled_in_the_formula() {
        let a = input(1.0, "USD", "trillion", "market size", "2024");
        let b = input(500.0, "USD", "billion", "market size", "2024");
        let ratio = ratio(&a, &b);
        assert_eq!(ratio.value, Some(2.0));
        assert_eq!(ratio.formula, "1 ÷ (500 × 0.001)");
        assert_eq!(ratio.formatted().as_deref(), Some("2×"));
    }

    #[test]
    fn year_over_year_across_a_gap_says_so() {
        let a = input(84.0, "companies", "one", "new unicorn count", "2020");
        let b = input(33.0, "companies", "one", "new unicorn count", "2021");
        let change = year_over_year(&a, &b, 1);
        let value = change.value.expect("computable");
        assert!((value - (33.0 / 84.0 - 1.0) * 100.0).abs() < 1e-12);
        assert!(change.warnings.is_empty());
        let gap = year_over_year(&a, &b, 3);
        assert!(gap.warnings[0].contains("3 years earlier"));
    }

    #[test]
    fn growth_over_a_single_year_has_no_value_and_says_why() {
        let single = single_year(Kind::Cagr, 2024);
        assert_eq!(single.value, None);
        assert_eq!(single.formatted(), None);
        assert_eq!(single.formula, "((end ÷ start)^(1/years) − 1) × 100");
        assert_eq!(
            single.warnings,
            vec!["Only one year, 2024, has a published figure: a growth rate needs two years."]
        );
        assert_eq!(
            single_year(Kind::YearOverYear, 2020).formula,
            "(current ÷ previous − 1) × 100"
        );
    }
}
