//! The dataset format: a folder of CSV files (`data/` is the paper's, built into the
//! binary), read into typed records and checked whole, every problem with its place.
//! The seeder resolves the references that the checks have found sound.

mod check;
mod read;

pub use check::{Breach, Measured, ProblemKind, known, observation_breaches};
pub use read::{Problem, Spot};

use crate::error::Error;
use read::Layout;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct SourceRecord {
    pub slug: String,
    pub kind: String,
    pub publisher: String,
    pub authors: Option<String>,
    pub title: String,
    pub container: Option<String>,
    pub published_on: Option<String>,
    pub accessed_on: Option<String>,
    pub url: Option<String>,
    pub doi: Option<String>,
    pub paper_reference: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct RegionRecord {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CountryRecord {
    pub code: String,
    pub iso3: String,
    pub name: String,
    pub region: Option<String>,
    pub advantages: Option<String>,
    pub advantages_cited_in: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CityRecord {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub description: String,
    pub cited_in: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CompanyRecord {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub hq_city: Option<String>,
    pub parent: Option<String>,
    pub sector: String,
    pub leading_enterprise: bool,
    pub description: String,
    pub cited_in: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ProjectRecord {
    pub slug: String,
    pub name: String,
    pub city: Option<String>,
    pub country: String,
    pub kind: String,
    pub start_year: Option<i32>,
    pub description: String,
    pub source: String,
    pub cited_in: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ProjectCompanyRecord {
    pub project: String,
    pub company: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PolicyRecord {
    pub slug: String,
    pub title: String,
    pub country: String,
    pub kind: String,
    pub issuer: Option<String>,
    pub year: Option<i32>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub target_year: Option<i32>,
    pub summary: String,
    pub source: String,
    pub cited_in: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PolicyCityRecord {
    pub policy: String,
    pub city: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PolicyCompanyRecord {
    pub policy: String,
    pub company: String,
    pub relation: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct CompanySanctionRecord {
    pub slug: String,
    pub company: String,
    pub authority: String,
    pub list_name: String,
    pub action: String,
    pub year: Option<i32>,
    pub description: String,
    pub source: String,
    pub cited_in: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct IndicatorRecord {
    pub code: String,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub scale: String,
    pub measure: String,
    pub topic: String,
    pub caveat: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct ObservationRecord {
    pub indicator: String,
    pub subject_kind: String,
    pub subject: String,
    pub period: String,
    pub category: Option<String>,
    pub value: f64,
    pub value_text: String,
    pub unit: String,
    pub scale: String,
    pub qualifier: String,
    pub status: String,
    pub source: String,
    pub cited_in: String,
    pub caveat: Option<String>,
}

/// A row of Table 1, as wide as the printed table: one column per country.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct StrategicComparisonRecord {
    pub slug: String,
    pub ordinal: i32,
    pub dimension: String,
    #[serde(rename = "CN")]
    pub china: String,
    #[serde(rename = "US")]
    pub united_states: String,
    pub key_difference: String,
    pub source: String,
    pub cited_in: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub sources: Vec<SourceRecord>,
    pub regions: Vec<RegionRecord>,
    pub countries: Vec<CountryRecord>,
    pub cities: Vec<CityRecord>,
    pub companies: Vec<CompanyRecord>,
    pub projects: Vec<ProjectRecord>,
    pub project_companies: Vec<ProjectCompanyRecord>,
    pub policies: Vec<PolicyRecord>,
    pub policy_cities: Vec<PolicyCityRecord>,
    pub policy_companies: Vec<PolicyCompanyRecord>,
    pub company_sanctions: Vec<CompanySanctionRecord>,
    pub indicators: Vec<IndicatorRecord>,
    pub observations: Vec<ObservationRecord>,
    pub strategic_comparison: Vec<StrategicComparisonRecord>,
}

macro_rules! embedded {
    ($($file:literal),* $(,)?) => {
        [$(($file, include_str!(concat!("../../data/", $file)))),*]
    };
}

/// The files of `data/`, built into the binary: the files every dataset folder holds.
const PAPER: [(&str, &str); 14] = embedded!(
    "sources.csv",
    "regions.csv",
    "countries.csv",
    "cities.csv",
    "companies.csv",
    "projects.csv",
    "project_companies.csv",
    "policies.csv",
    "policy_cities.csv",
    "policy_companies.csv",
    "company_sanctions.csv",
    "indicators.csv",
    "observations.csv",
    "strategic_comparison.csv",
);

impl Dataset {
    /// The dataset built into this binary from `data/`, checked as an import is.
    pub fn paper() -> Result<Self, Error> {
        let text = |file: &str| {
            PAPER
                .iter()
                .find(|(name, _)| *name == file)
                .map(|(_, text)| (*text).to_owned())
                .ok_or_else(|| "not built in".to_owned())
        };
        Self::read(|file| format!("data/{file}"), text).map_err(|problems| {
            let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
            Error::dataset(listed.join("; "))
        })
    }

    /// Reads and checks a folder in the `data/` format; every problem, or the dataset.
    pub fn read_dir(dir: &Path) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(entries) => {
                for entry in entries.flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if name.ends_with(".csv") && !Self::files().any(|file| file == name) {
                        problems.push(Problem {
                            spot: Spot {
                                file: dir.join(&name).display().to_string(),
                                line: 1,
                                column: 1,
                            },
                            message: format!(
                                "unknown file; a dataset folder holds {}",
                                Self::files().collect::<Vec<_>>().join(", ")
                            ),
                        });
                    }
                }
            }
            Err(error) => problems.push(Problem {
                spot: Spot {
                    file: dir.display().to_string(),
                    line: 1,
                    column: 1,
                },
                message: format!("the folder does not read: {error}"),
            }),
        }
        let shown = |file: &str| dir.join(file).display().to_string();
        let read = Self::read(shown, |file| {
            std::fs::read_to_string(dir.join(file)).map_err(|error| match error.kind() {
                std::io::ErrorKind::NotFound => "missing file".to_owned(),
                _ => format!("the file does not read: {error}"),
            })
        });
        match read {
            Ok(dataset) if problems.is_empty() => Ok(dataset),
            Ok(_) => Err(problems),
            Err(more) => {
                problems.extend(more);
                Err(problems)
            }
        }
    }

    /// Checks a dataset built in code (the corrected paper) by the rules a folder keeps.
    pub fn validate(&self) -> Result<(), Error> {
        let problems = check::check(self, &Layout::default(), &HashSet::new());
        if problems.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        Err(Error::dataset(listed.join("; ")))
    }

    /// Writes the dataset as a folder in the `data/` format, which `import` reads back.
    pub fn write_dir(&self, dir: &Path) -> Result<(), Error> {
        let failed = |error: std::io::Error| Error::Internal {
            detail: format!("writing a dataset folder: {error}"),
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        for (file, bytes) in self.to_files()? {
            std::fs::write(dir.join(file), bytes).map_err(failed)?;
        }
        Ok(())
    }

    /// Every file of the dataset's folder, by name, as CSV.
    pub fn to_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
        fn write<T: Serialize + serde::de::DeserializeOwned>(
            rows: &[T],
        ) -> Result<Vec<u8>, csv::Error> {
            let mut writer = csv::Writer::from_writer(Vec::new());
            // The header comes with the first row; an empty table still has one.
            if rows.is_empty() {
                writer.write_record(serde_aux::serde_introspection::serde_introspect::<T>())?;
            }
            for row in rows {
                writer.serialize(row)?;
            }
            writer
                .into_inner()
                .map_err(|error| error.into_error().into())
        }
        let failed = |error: csv::Error| Error::Internal {
            detail: format!("writing a dataset: {error}"),
        };
        Ok(vec![
            ("sources.csv", write(&self.sources).map_err(failed)?),
            ("regions.csv", write(&self.regions).map_err(failed)?),
            ("countries.csv", write(&self.countries).map_err(failed)?),
            ("cities.csv", write(&self.cities).map_err(failed)?),
            ("companies.csv", write(&self.companies).map_err(failed)?),
            ("projects.csv", write(&self.projects).map_err(failed)?),
            (
                "project_companies.csv",
                write(&self.project_companies).map_err(failed)?,
            ),
            ("policies.csv", write(&self.policies).map_err(failed)?),
            (
                "policy_cities.csv",
                write(&self.policy_cities).map_err(failed)?,
            ),
            (
                "policy_companies.csv",
                write(&self.policy_companies).map_err(failed)?,
            ),
            (
                "company_sanctions.csv",
                write(&self.company_sanctions).map_err(failed)?,
            ),
            ("indicators.csv", write(&self.indicators).map_err(failed)?),
            (
                "observations.csv",
                write(&self.observations).map_err(failed)?,
            ),
            (
                "strategic_comparison.csv",
                write(&self.strategic_comparison).map_err(failed)?,
            ),
        ])
    }

    /// The names of a dataset folder's files.
    pub fn files() -> impl Iterator<Item = &'static str> {
        PAPER.iter().map(|(name, _)| *name)
    }

    fn read(
        shown: impl Fn(&str) -> String,
        text: impl Fn(&str) -> Result<String, String>,
    ) -> Result<Self, Vec<Problem>> {
        let mut layout = Layout::default();
        let mut problems = Vec::new();
        // Files with a problem of their own: references into them are not checked, since
        // their rows are not all known.
        let mut broken: HashSet<&'static str> = HashSet::new();
        macro_rules! table {
            ($name:literal) => {
                match text($name) {
                    Ok(text) => {
                        let before = problems.len();
                        let rows =
                            read::records($name, shown($name), text, &mut layout, &mut problems);
                        if problems.len() > before {
                            broken.insert($name);
                        }
                        rows
                    }
                    Err(message) => {
                        broken.insert($name);
                        problems.push(Problem {
                            spot: Spot {
                                file: shown($name),
                                line: 1,
                                column: 1,
                            },
                            message,
                        });
                        Vec::new()
                    }
                }
            };
        }
        let dataset = Self {
            sources: table!("sources.csv"),
            regions: table!("regions.csv"),
            countries: table!("countries.csv"),
            cities: table!("cities.csv"),
            companies: table!("companies.csv"),
            projects: table!("projects.csv"),
            project_companies: table!("project_companies.csv"),
            policies: table!("policies.csv"),
            policy_cities: table!("policy_cities.csv"),
            policy_companies: table!("policy_companies.csv"),
            company_sanctions: table!("company_sanctions.csv"),
            indicators: table!("indicators.csv"),
            observations: table!("observations.csv"),
            strategic_comparison: table!("strategic_comparison.csv"),
        };
        problems.extend(check::check(&dataset, &layout, &broken));
        // In the order of the files, then as they read.
        let order = |problem: &Problem| {
            let file = Self::files().position(|name| problem.spot.file.ends_with(name));
            (file, problem.spot.line, problem.spot.column)
        };
        problems.sort_by_key(order);
        if problems.is_empty() {
            Ok(dataset)
        } else {
            Err(problems)
        }
    }
}

/// The year a period starts in: `2024` for `2024` and for `2024-Q3`.
pub fn period_year(period: &str) -> Option<i32> {
    let (year, rest) = period.split_at_checked(4)?;
    let valid_rest = rest.is_empty()
        || matches!(rest.as_bytes(), [b'-', b'Q', b'1'..=b'4'])
        || matches!(rest.as_bytes(), [b'-', b'H', b'1'..=b'2']);
    if !valid_rest || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    year.parse().ok()
}

/// Reads a figure as the paper prints it: a comma followed by exactly three digits groups
/// thousands ("31,206"), any other comma is a decimal comma ("39,32"), and spaces group
/// thousands ("4 676"). Words such as "second" give `None`.
pub fn published_number(text: &str) -> Option<f64> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let normalised = match compact.rsplit_once(',') {
        Some((_, tail)) if tail.len() == 3 => compact.replace(',', ""),
        Some((head, tail)) if !head.contains(',') => format!("{head}.{tail}"),
        Some(_) => return None,
        None => compact,
    };
    normalised.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_file_parses() {
        let dataset = Dataset::paper().expect("the built-in dataset parses");
        assert!(!dataset.observations.is_empty());
    }

    #[test]
    fn periods_give_their_year() {
        assert_eq!(period_year("2024"), Some(2024));
        assert_eq!(period_year("2024-Q3"), Some(2024));
        assert_eq!(period_year("2024-Q5"), None);
        assert_eq!(period_year("24"), None);
        assert_eq!(period_year("abcd"), None);
    }

    #[test]
    fn published_numbers_follow_the_papers_separators() {
        assert_eq!(published_number("39,32"), Some(39.32));
        assert_eq!(published_number("31,206"), Some(31206.0));
        assert_eq!(published_number("4 676"), Some(4676.0));
        assert_eq!(published_number("14,9"), Some(14.9));
        assert_eq!(published_number("33"), Some(33.0));
        assert_eq!(published_number("second"), None);
    }

    /// Guards transcription: the stored value must be what the printed text says.
    #[test]
    fn values_match_their_published_text() {
        let dataset = Dataset::paper().expect("dataset");
        for observation in &dataset.observations {
            let Some(printed) = published_number(&observation.value_text) else {
                assert!(
                    observation.unit == "rank",
                    "non-numeric text {:?} outside a rank",
                    observation.value_text
                );
                continue;
            };
            assert_eq!(
                printed,
                observation.value,
                "{} {} {}: value {} but printed {:?}",
                observation.indicator,
                observation.subject,
                observation.period,
                observation.value,
                observation.value_text
            );
        }
    }

    #[test]
    fn observations_use_their_indicators_unit_and_scale() {
        let dataset = Dataset::paper().expect("dataset");
        for observation in &dataset.observations {
            let indicator = dataset
                .indicators
                .iter()
                .find(|i| i.code == observation.indicator)
                .unwrap_or_else(|| panic!("unknown indicator {}", observation.indicator));
            assert_eq!(
                (&indicator.unit, &indicator.scale),
                (&observation.unit, &observation.scale),
                "{} {}",
                observation.indicator,
                observation.subject
            );
        }
    }

    #[test]
    fn natural_keys_are_unique() {
        let dataset = Dataset::paper().expect("dataset");
        let mut seen = HashSet::new();
        for o in &dataset.observations {
            let key = (
                &o.indicator,
                &o.subject_kind,
                &o.subject,
                &o.period,
                &o.category,
                &o.source,
            );
            assert!(seen.insert(key), "duplicate observation {key:?}");
        }
        let slugs: HashSet<_> = dataset.sources.iter().map(|s| &s.slug).collect();
        assert_eq!(slugs.len(), dataset.sources.len(), "duplicate source slug");
    }
}
