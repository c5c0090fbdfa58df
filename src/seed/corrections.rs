//! The curators' corrections to the paper's dataset as first read: each a reason and the
//! edit it makes. `data/` stays the dataset of release `liu-2025`, and a first start
//! applies these after it, one audit event each, so that the history shows every
//! correction as revisions of that release rather than as a silent edit.

use crate::dataset::{Dataset, ObservationRecord};
use crate::error::Error;

/// One correction: why, and what it changes.
pub struct Correction {
    /// What the audit event names it.
    pub name: &'static str,
    pub reason: &'static str,
    apply: fn(&mut Dataset) -> Result<(), Error>,
}

impl Correction {
    pub fn apply(&self, data: &mut Dataset) -> Result<(), Error> {
        (self.apply)(data)
    }
}

/// The corrections, in the order they were made.
pub const CORRECTIONS: &[Correction] = &[
    Correction {
        name: "carbon-tons",
        reason: "The paper says \"40,000 tons of carbon emissions\", citing a study of San \
                 Francisco [12]; \"tonnes\" read it as metric tonnes, which neither says. \
                 Keep the printed unit and say why it is ambiguous.",
        apply: carbon_tons,
    },
    Correction {
        name: "surveillance-share-on-companies",
        reason: "The 30 % of global video surveillance sales is the combined share of \
                 Hikvision, Dahua and Uniview, not a figure of Hangzhou: put it on the \
                 companies, so that a query by company finds it.",
        apply: surveillance_share_on_companies,
    },
    Correction {
        name: "us-investment-outlook-caveat",
        reason: "USD 41 trillion over two decades is widely quoted elsewhere as a worldwide \
                 figure, while the paper gives it for cities in the United States: say so.",
        apply: us_investment_outlook_caveat,
    },
    Correction {
        name: "figure-sections-and-comparability-wording",
        reason: "Fig. 1-3's sentences stand in the sections Market Competitiveness Assessment \
                 and Technological Advancements, which cited_in did not name; and the \
                 comparability caveats of the smart city industry size and market revenue read \
                 \"that is\" where they mean \"whereas\".",
        apply: figure_sections_and_comparability_wording,
    },
];

/// The paper's dataset with every correction applied: what the binary serves today.
pub fn corrected(mut data: Dataset) -> Result<Dataset, Error> {
    for correction in CORRECTIONS {
        correction.apply(&mut data)?;
    }
    data.validate()?;
    Ok(data)
}

fn missing(what: impl std::fmt::Display) -> Error {
    Error::dataset(format_args!("a correction finds no {what}"))
}

fn observations<'d>(
    data: &'d mut Dataset,
    indicator: &str,
) -> impl Iterator<Item = &'d mut ObservationRecord> {
    let indicator = indicator.to_owned();
    data.observations
        .iter_mut()
        .filter(move |o| o.indicator == indicator)
}

fn one_observation<'d>(
    data: &'d mut Dataset,
    indicator: &str,
    subject: &str,
) -> Result<&'d mut ObservationRecord, Error> {
    observations(data, indicator)
        .find(|o| o.subject == subject)
        .ok_or_else(|| missing(format_args!("{indicator} of {subject}")))
}

fn caveat_of<'d>(data: &'d mut Dataset, indicator: &str) -> Result<&'d mut Option<String>, Error> {
    data.indicators
        .iter_mut()
        .find(|i| i.code == indicator)
        .map(|i| &mut i.caveat)
        .ok_or_else(|| missing(format_args!("indicator {indicator}")))
}

fn carbon_tons(data: &mut Dataset) -> Result<(), Error> {
    const UNIT: &str = "tons";
    let indicator = data
        .indicators
        .iter_mut()
        .find(|i| i.code == "carbon_emissions_reduction")
        .ok_or_else(|| missing("indicator carbon_emissions_reduction"))?;
    indicator.unit = UNIT.to_owned();
    indicator.caveat = Some(
        "The unit is the paper's \"tons\", kept as printed: the paper cites a study of San \
         Francisco [12] and says neither whether it means short tons or metric tonnes, nor \
         whether the carbon is CO2 or CO2-equivalent."
            .to_owned(),
    );
    for observation in observations(data, "carbon_emissions_reduction") {
        observation.unit = UNIT.to_owned();
    }
    Ok(())
}

fn surveillance_share_on_companies(data: &mut Dataset) -> Result<(), Error> {
    let index = data
        .observations
        .iter()
        .position(|o| o.indicator == "video_surveillance_sales_share" && o.subject == "hangzhou")
        .ok_or_else(|| missing("video surveillance share of Hangzhou"))?;
    let on_hangzhou = data.observations.remove(index);
    for (company, others) in [
        ("hikvision", "Dahua and Uniview"),
        ("dahua", "Hikvision and Uniview"),
        ("uniview", "Hikvision and Dahua"),
    ] {
        data.observations.push(ObservationRecord {
            subject_kind: "company".to_owned(),
            subject: company.to_owned(),
            caveat: Some(format!(
                "The combined revenue share of Hikvision, Dahua and Uniview, the three \
                 surveillance companies of Hangzhou's Binjiang District, stored on each of the \
                 three: it is not this company's own share, and the three must not be added \
                 up ({others} carry the same figure). The paper gives no year; the period is \
                 the publication year of the cited study [18]."
            )),
            ..on_hangzhou.clone()
        });
    }
    Ok(())
}

fn us_investment_outlook_caveat(data: &mut Dataset) -> Result<(), Error> {
    let outlook = one_observation(data, "smart_city_investment_outlook", "US")?;
    let before = outlook.caveat.clone().unwrap_or_default();
    outlook.caveat = Some(format!(
        "{before} The paper gives USD 41 trillion for cities in the United States; the same \
         figure is widely quoted elsewhere as worldwide smart city investment over two \
         decades, so it may not be a US figure."
    ));
    Ok(())
}

fn figure_sections_and_comparability_wording(data: &mut Dataset) -> Result<(), Error> {
    for (figure, section) in [
        ("Fig. 1", "section Market Competitiveness Assessment"),
        ("Fig. 2", "section Technological Advancements"),
        ("Fig. 3", "section Technological Advancements"),
    ] {
        let mut found = false;
        for observation in data
            .observations
            .iter_mut()
            .filter(|o| o.cited_in.contains(figure) && !o.cited_in.contains(section))
        {
            observation.cited_in =
                format!("{section} (text on {figure}); {}", observation.cited_in);
            found = true;
        }
        if !found {
            return Err(missing(format_args!("observation cited in {figure}")));
        }
    }
    *caveat_of(data, "smart_city_industry_size")? = Some(
        "Not comparable with smart_city_market_revenue: this is the size of an industry, in \
         CNY trillion, whereas that is market revenue, in USD billion. The paper sets the two \
         side by side."
            .to_owned(),
    );
    *caveat_of(data, "smart_city_market_revenue")? = Some(
        "Not comparable with smart_city_industry_size: this is market revenue, in USD \
         billion, whereas that is the size of an industry, in CNY trillion. The paper sets the \
         two side by side."
            .to_owned(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each correction finds what it corrects, and changes it.
    #[test]
    fn every_correction_applies_to_the_paper_and_changes_it() {
        let mut data = Dataset::paper().expect("the paper's dataset");
        for correction in CORRECTIONS {
            let before = format!("{data:?}");
            correction.apply(&mut data).expect("applies");
            assert_ne!(before, format!("{data:?}"), "{} changes", correction.name);
        }
    }

    #[test]
    fn the_surveillance_share_is_on_the_three_companies_and_off_hangzhou() {
        let data = corrected(Dataset::paper().expect("dataset")).expect("corrected");
        let shares: Vec<&ObservationRecord> = data
            .observations
            .iter()
            .filter(|o| o.indicator == "video_surveillance_sales_share")
            .collect();
        let subjects: Vec<&str> = shares.iter().map(|o| o.subject.as_str()).collect();
        assert_eq!(subjects, ["hikvision", "dahua", "uniview"]);
        assert!(
            shares
                .iter()
                .all(|o| o.value == 30.0 && o.value_text == "30")
        );
    }
}
